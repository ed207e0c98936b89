import { createHash } from 'node:crypto';
import type { CustomerEvent } from '../domain/events/envelope.js';
import type { CustomerProfileUpdated } from '../domain/events/schemas.js';
import { decideEntry } from '../domain/journey/entry.js';
import type { EventRef } from '../domain/journey/instance.js';
import { patternView, startInstance, step } from '../domain/journey/interpreter.js';
import type { EngineDeps } from './deps.js';
import type { Profile } from './ports.js';
import { applyOutcome } from './run-effects.js';

export interface EventResult {
  started: string[];
  advanced: string[];
  skipped: { journeyId: string; reason: string }[];
}

/** Instance ids are derived from the journey and the trigger event: a replayed event finds its instance. */
export const instanceIdFor = (journeyId: string, eventId: string): string =>
  `${journeyId}.${createHash('sha256').update(eventId).digest('base64url').slice(0, 22)}`;

const toRef = (event: CustomerEvent): EventRef => ({
  id: event.id,
  detailType: event['detail-type'],
  source: event.source,
  time: event.time,
  detail: event.detail,
});

const mergeProfile = (current: Profile | null, update: CustomerProfileUpdated, now: string): Profile => ({
  ...current,
  ...update,
  consent: { ...current?.consent, ...update.consent },
  attributes: { ...current?.attributes, ...update.attributes },
  createdAt: current?.createdAt ?? now,
  updatedAt: now,
});

/**
 * One customer event: update the profile, move the customer's running instances on,
 * and start every journey whose trigger matches and whose entry rules allow it.
 */
export const processCustomerEvent = async (deps: EngineDeps, event: CustomerEvent): Promise<EventResult> => {
  const now = deps.clock.now();
  const customerId = event.detail.customerId;
  const state = await deps.customers.load(customerId);
  let profile = state.profile;
  if (event['detail-type'] === 'Customer Profile Updated') {
    profile = mergeProfile(profile, event.detail as CustomerProfileUpdated, now);
    await deps.customers.saveProfile(profile);
  }
  const env = { now, profile: (profile ?? {}) as Record<string, unknown> };
  const ref = toRef(event);
  const result: EventResult = { started: [], advanced: [], skipped: [] };

  for (const instance of state.instances.filter((i) => i.status === 'active')) {
    const journey = await deps.catalog.get(instance.journeyId, instance.journeyVersion);
    if (!journey) {
      deps.logger.error('journey version missing for a running instance', { instanceId: instance.instanceId });
      continue;
    }
    const outcome = step(journey, instance, { kind: 'event', event: ref }, env);
    if (!outcome.changed) continue;
    await applyOutcome(deps, journey, outcome, instance, profile);
    result.advanced.push(instance.instanceId);
  }

  for (const journey of await deps.catalog.triggeredBy(patternView(ref))) {
    const instanceId = instanceIdFor(journey.id, event.id);
    if (state.instances.some((i) => i.instanceId === instanceId)) continue; // a replay of this very event
    const decision = decideEntry(journey, {
      instances: state.instances.filter((i) => i.journeyId === journey.id),
      consent: profile ? (profile.consent ?? {}) : undefined,
      now,
    });
    if (!decision.enter) {
      result.skipped.push({ journeyId: journey.id, reason: decision.reason });
      continue;
    }
    const outcome = startInstance(journey, { instanceId, customerId, trigger: ref }, env);
    await applyOutcome(deps, journey, outcome, null, profile);
    result.started.push(instanceId);
  }
  return result;
};
