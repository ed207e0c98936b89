import { createHash } from 'node:crypto';
import type { Journey } from '../domain/journey/definition.js';
import type { Instance } from '../domain/journey/instance.js';
import type { StepOutcome } from '../domain/journey/interpreter.js';
import type { EngineDeps } from './deps.js';
import { deliverEmail } from './deliver-email.js';
import type { Profile } from './ports.js';

export const CAREFLOW_SOURCE = 'careflow';

/** Scheduler names allow 64 characters of [0-9a-zA-Z-_.]: hash the instance and version. */
export const wakeName = (instanceId: string, version: number): string =>
  `wake-${createHash('sha256').update(`${instanceId}@${version}`).digest('hex').slice(0, 40)}`;

/**
 * Carry out what the interpreter asked for, then save the instance.
 * Effects come first: if the save fails or the process dies, the retry recomputes the same
 * effects with the same ids, and the message log and schedule names stop any repeat.
 */
export const applyOutcome = async (
  deps: EngineDeps,
  journey: Journey,
  outcome: StepOutcome,
  previous: Instance | null,
  profile: Profile | null,
): Promise<void> => {
  if (!outcome.changed) return;
  const { instance } = outcome;
  for (const effect of outcome.effects) {
    switch (effect.type) {
      case 'sendEmail':
        await deliverEmail(deps, effect, { journey, instance, profile });
        break;
      case 'scheduleWake':
        await deps.scheduler.schedule({
          name: wakeName(effect.instanceId, effect.version),
          at: effect.at,
          wake: { kind: 'wake', customerId: instance.customerId, instanceId: effect.instanceId, version: effect.version },
        });
        break;
      case 'emitEvent':
        await deps.events.publish([
          {
            source: CAREFLOW_SOURCE,
            detailType: effect.detailType,
            detail: { ...effect.detail, eventKey: effect.eventId },
            time: deps.clock.now(),
          },
        ]);
        break;
    }
  }
  await deps.customers.saveInstance(instance, previous ? previous.version : null);
  deps.logger.info('instance advanced', {
    instanceId: instance.instanceId,
    journeyId: instance.journeyId,
    stepId: instance.stepId,
    status: instance.status,
    version: instance.version,
  });
};
