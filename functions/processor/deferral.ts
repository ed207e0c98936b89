import { MAX_VISIBILITY_SECONDS } from '../../shared/adapters/sqs/message-visibility.js';

/** The first wait after a provider deferred a send (throttled, over quota, paused). */
const FIRST_WAIT_SECONDS = 120;

/**
 * How long a record whose send the provider deferred stays hidden before it comes back, by how
 * many times the queue gave it out: 2 min, 8 min, 32 min, 2 h 8 min, 8 h 32 min. A short
 * throttle clears on the first retry; an account over its daily quota or paused gets about
 * eleven hours before the fifth failure sends the record to the dead-letter queue, instead of
 * half an hour. The customer's later records wait behind it, in order.
 */
export const deferralDelaySeconds = (receiveCount: number): number =>
  Math.min(FIRST_WAIT_SECONDS * 4 ** Math.max(0, Math.floor(receiveCount) - 1), MAX_VISIBILITY_SECONDS);
