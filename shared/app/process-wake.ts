import { step } from '../domain/journey/interpreter.js';
import type { EngineDeps } from './deps.js';
import { withLoadedContacts } from './loaded-contacts.js';
import type { Wake } from './ports.js';
import { reportErasedDrop, startedBeforeErasure } from './privacy/erasure-hold.js';
import { applyOutcome, stepEnv } from './run-effects.js';
import { withPendingUnsubscribes } from './unsubscribe.js';

export type WakeResult = 'advanced' | 'stale' | 'missing' | 'erased';

/** A scheduled wake-up: move the instance on if it still waits for exactly this wake. */
export const processWake = async (engine: EngineDeps, wake: Wake): Promise<WakeResult> => {
  const state = await engine.customers.load(wake.customerId);
  const deps = withLoadedContacts(engine, wake.customerId, state);
  const instance = state.instances.find((i) => i.instanceId === wake.instanceId);
  if (!instance) return 'missing';
  // An instance that escaped its customer's erasure is never woken again (decision 0075).
  if (state.erasedAt !== undefined && startedBeforeErasure(state, instance)) {
    reportErasedDrop(deps, { instanceId: instance.instanceId }, state.erasedAt);
    return 'erased';
  }
  const journey = await deps.catalog.get(instance.journeyId, instance.journeyVersion);
  if (!journey) return 'missing';
  // The profile with the unsubscribe requests the processor has not applied yet (decision 0062).
  const profile = withPendingUnsubscribes(state.profile, state.unsubscribeRequests);
  const env = stepEnv(deps, profile, deps.clock.now());
  const outcome = step(journey, instance, { kind: 'wake', version: wake.version }, env);
  if (!outcome.changed) return 'stale';
  await applyOutcome(deps, journey, outcome, instance, profile, state.suppressions);
  return 'advanced';
};
