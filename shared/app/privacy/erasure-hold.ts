import type { Instance } from '../../domain/journey/instance.js';
import type { SendMetrics } from '../deps.js';
import type { CustomerState, Logger } from '../ports.js';

/**
 * Erasure that holds (docs/decisions/0075-erasure-holds-against-late-events.md). The customer's
 * tombstone, read with the profile, is the cut-off:
 *
 * - an event whose time is not after the erasure is dropped (in flight, retried, replayed,
 *   or sent late by an upstream system that still knew the customer);
 * - a later `Customer Profile Updated` starts a fresh profile: the customer signed up again;
 * - a later event of any other kind is dropped until then: nothing is known about the customer;
 * - once a fresh profile exists, the customer's later events are processed as anyone's;
 * - whatever was saved before the erasure and escaped its deletes (a profile, instances) is
 *   never used again, and wake-ups of instances started before the erasure are dropped.
 */

/** The skip reason of dropped events and wake-ups, in metrics and logs. */
export const ERASED_SKIP_REASON = 'erased';

/** The event type that starts a customer afresh after erasure. */
export const FRESH_START_DETAIL_TYPE = 'Customer Profile Updated';

const isAfter = (time: string, erasedAt: string): boolean => Date.parse(time) > Date.parse(erasedAt);

/** The state an event may see, or null when it must be dropped. Pure. */
export const stateForEvent = (
  state: CustomerState,
  event: { time: string; detailType: string },
): CustomerState | null => {
  const { erasedAt } = state;
  if (erasedAt === undefined) return state;
  if (!isAfter(event.time, erasedAt)) return null;
  const fresh = state.profile !== null && isAfter(state.profile.createdAt, erasedAt);
  if (!fresh && event.detailType !== FRESH_START_DETAIL_TYPE) return null;
  return {
    ...state,
    profile: fresh ? state.profile : null,
    instances: state.instances.filter((instance) => isAfter(instance.startedAt, erasedAt)),
  };
};

/**
 * Whether a survey answer for the journey run `instanceId` may be kept: always, unless the
 * customer was erased; then only for a run started after the erasure (the customer came back and
 * was asked again). An answer from a link sent before the erasure is refused. Pure.
 */
export const answerAllowed = (state: CustomerState, instanceId: string): boolean =>
  state.erasedAt === undefined ||
  state.instances.some(
    (instance) => instance.instanceId === instanceId && !startedBeforeErasure(state, instance),
  );

/** True when the instance was started before its customer was erased. Pure. */
export const startedBeforeErasure = (state: CustomerState, instance: Instance): boolean =>
  state.erasedAt !== undefined && !isAfter(instance.startedAt, state.erasedAt);

interface DropDeps {
  logger: Logger;
  metrics?: SendMetrics;
}

/** Logs (no personal data: ids of the event or instance, and the erasure time) and counts a drop. */
export const reportErasedDrop = (deps: DropDeps, what: Record<string, string>, erasedAt: string): void => {
  deps.logger.warn('dropped: the customer was erased', { ...what, erasedAt });
  deps.metrics?.skipped(ERASED_SKIP_REASON);
};

/** The processor's check before an event: the state to go on with, or null after logging the drop. */
export const holdErasure = (
  deps: DropDeps,
  state: CustomerState,
  event: { id: string; time: string; 'detail-type': string },
): CustomerState | null => {
  const kept = stateForEvent(state, { time: event.time, detailType: event['detail-type'] });
  if (!kept && state.erasedAt !== undefined) {
    reportErasedDrop(deps, { eventId: event.id, detailType: event['detail-type'] }, state.erasedAt);
  }
  return kept;
};
