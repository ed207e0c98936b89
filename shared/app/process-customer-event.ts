import { createHash } from 'node:crypto';
import type { CustomerEvent } from '../domain/events/envelope.js';
import type { CustomerProfileUpdated } from '../domain/events/schemas.js';
import { decideEntry, entryDay } from '../domain/journey/entry.js';
import { type EventRef, eventIdentity, type Instance, isRunning } from '../domain/journey/instance.js';
import { patternView, startInstance, step } from '../domain/journey/interpreter.js';
import type { EngineDeps } from './deps.js';
import { withLoadedContacts } from './loaded-contacts.js';
import type { Profile, UnsubscribeRequest } from './ports.js';
import { holdErasure } from './privacy/erasure-hold.js';
import { applyOutcome, stepEnv } from './run-effects.js';
import {
  applyUnsubscribe,
  CustomerUnsubscribed,
  UNSUBSCRIBED_DETAIL_TYPE,
  withPendingUnsubscribes,
} from './unsubscribe.js';

export interface EventResult {
  started: string[];
  advanced: string[];
  skipped: { journeyId: string; reason: string }[];
}

/**
 * Instance ids are derived from the journey and the trigger event's identity (its event key, or
 * its EventBridge id): a replayed or re-sent event finds its instance.
 */
export const instanceIdFor = (journeyId: string, eventIdentity: string): string =>
  `${journeyId}.${createHash('sha256').update(eventIdentity).digest('base64url').slice(0, 22)}`;

const toRef = (event: CustomerEvent): EventRef => ({
  id: event.id,
  detailType: event['detail-type'],
  source: event.source,
  time: event.time,
  detail: event.detail,
});

const mergeProfile = (
  current: Profile | null,
  { eventKey: _, ...update }: CustomerProfileUpdated,
  now: string,
): Profile => ({
  ...current,
  ...update,
  consent: { ...current?.consent, ...update.consent },
  attributes: { ...current?.attributes, ...update.attributes },
  createdAt: current?.createdAt ?? now,
  updatedAt: now,
});

/** The unsubscribe an event asks for, when it is `Customer Unsubscribed` and valid. */
const unsubscribeOf = (deps: EngineDeps, event: CustomerEvent): CustomerUnsubscribed | null => {
  if (event['detail-type'] !== UNSUBSCRIBED_DETAIL_TYPE) return null;
  const request = CustomerUnsubscribed.safeParse(event.detail);
  if (request.success) return request.data;
  deps.logger.warn('unsubscribe event ignored: it does not match its schema', { eventId: event.id });
  return null;
};

/** The profile after events that change it (profile updates, unsubscribes); null when unchanged. */
const profileChange = (
  profile: Profile | null,
  event: CustomerEvent,
  unsubscribe: CustomerUnsubscribed | null,
  now: string,
): Profile | null => {
  if (event['detail-type'] === 'Customer Profile Updated') {
    return mergeProfile(profile, event.detail as CustomerProfileUpdated, now);
  }
  return unsubscribe ? applyUnsubscribe(profile, unsubscribe, now) : null;
};

/**
 * After `Customer Unsubscribed` has been applied to the stored profile, its request is not pending
 * any more: removed from the store, and from the requests this event works with.
 */
const settleUnsubscribeRequest = async (
  deps: EngineDeps,
  customerId: string,
  unsubscribe: CustomerUnsubscribed | null,
  requests: readonly UnsubscribeRequest[] = [],
): Promise<readonly UnsubscribeRequest[]> => {
  if (!unsubscribe) return requests;
  const { channel, scope } = unsubscribe;
  const pending = requests.filter((r) => r.channel !== channel || r.scope !== scope);
  if (pending.length < requests.length)
    await deps.unsubscribeRequests?.applied(customerId, { channel, scope });
  return pending;
};

/**
 * One customer event: update the profile, move the customer's running instances on (including
 * those that only watch the goal for their conversion window),
 * and start every journey whose trigger matches and whose entry rules allow it.
 */
export const processCustomerEvent = async (
  engine: EngineDeps,
  event: CustomerEvent,
): Promise<EventResult> => {
  const now = engine.clock.now();
  const customerId = event.detail.customerId;
  // Erasure holds: events of an erased customer that predate the erasure are dropped (decision 0075).
  const state = holdErasure(engine, await engine.customers.load(customerId), event);
  if (!state) return { started: [], advanced: [], skipped: [] };
  const deps = withLoadedContacts(engine, customerId, state);
  // Changes are made to the stored profile; everything after works with the pending unsubscribe
  // requests applied (decision 0062), and an applied one stops being pending.
  let profile = state.profile;
  const unsubscribe = unsubscribeOf(deps, event);
  const changed = profileChange(profile, event, unsubscribe, now);
  if (changed) {
    profile = changed;
    await deps.customers.saveProfile(profile);
  }
  const pending = await settleUnsubscribeRequest(deps, customerId, unsubscribe, state.unsubscribeRequests);
  profile = withPendingUnsubscribes(profile, pending);
  const ref = toRef(event);
  const result: EventResult = { started: [], advanced: [], skipped: [] };
  // The customer's instances as this event leaves them: entry rules see the ones it ended or started.
  const instances = new Map<string, Instance>(state.instances.map((i) => [i.instanceId, i]));

  for (const instance of state.instances) {
    // Ended instances whose conversion window is open still watch the goal.
    if (!isRunning(instance, now)) continue;
    const journey = await deps.catalog.get(instance.journeyId, instance.journeyVersion);
    if (!journey) {
      deps.logger.error('journey version missing for a running instance', {
        instanceId: instance.instanceId,
      });
      continue;
    }
    const outcome = step(journey, instance, { kind: 'event', event: ref }, stepEnv(deps, profile, now));
    if (!outcome.changed) continue;
    const applied = await applyOutcome(deps, journey, outcome, instance, profile, state.suppressions);
    profile = applied.profile;
    instances.set(instance.instanceId, applied.instance);
    result.advanced.push(instance.instanceId);
  }

  for (const journey of await deps.catalog.triggeredBy(patternView(ref))) {
    const instanceId = instanceIdFor(journey.id, eventIdentity(ref));
    if (instances.has(instanceId)) continue; // a replay of this very event, or a re-sent copy of it
    const decision = decideEntry(journey, {
      instances: [...instances.values()].filter((i) => i.journeyId === journey.id),
      profile,
      now,
    });
    if (!decision.enter) {
      result.skipped.push({ journeyId: journey.id, reason: decision.reason });
      continue;
    }
    const cap = journey.entryCap?.perDay;
    if (cap !== undefined && deps.entries && !(await deps.entries.tryEnter(journey.id, entryDay(now), cap))) {
      result.skipped.push({ journeyId: journey.id, reason: `daily entry cap of ${cap} reached` });
      continue;
    }
    const outcome = startInstance(
      journey,
      { instanceId, customerId, trigger: ref },
      stepEnv(deps, profile, now),
    );
    const applied = await applyOutcome(deps, journey, outcome, null, profile, state.suppressions);
    profile = applied.profile;
    instances.set(instanceId, applied.instance);
    result.started.push(instanceId);
  }
  return result;
};
