/**
 * How often the customer queue gives a message out before moving it to its dead-letter queue
 * (the stack's redrive policy).
 */
export const CUSTOMER_QUEUE_MAX_RECEIVES = 5;

/** The first wait after a provider deferred a send (throttled, over quota, paused). */
const FIRST_WAIT_SECONDS = 120;

/**
 * How long a record whose send the provider deferred stays hidden before it comes back, by how
 * many times the queue gave it out: 2 min, 8 min, 32 min, 2 h 8 min. A short throttle clears on
 * the first retry; an account over its daily quota or paused gets almost three hours of tries
 * instead of half an hour. Null on the last receive: the next one moves the record to the
 * dead-letter queue without a try, and waiting longer would only hold the customer's place.
 */
export const deferralDelaySeconds = (receiveCount: number): number | null => {
  const receives = Math.max(1, Math.floor(receiveCount));
  return receives >= CUSTOMER_QUEUE_MAX_RECEIVES ? null : FIRST_WAIT_SECONDS * 4 ** (receives - 1);
};
