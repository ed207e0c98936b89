import { createHash } from 'node:crypto';
import type { Journey } from '../domain/journey/definition.js';
import type { Effect } from '../domain/journey/effects.js';
import type { Instance } from '../domain/journey/instance.js';
import type { StepEnv, StepOutcome } from '../domain/journey/interpreter.js';
import { recordStats, statsDelta } from './admin/stats.js';
import { deliverMessage, policyOf, type SendOutcome, timeZoneOf } from './deliver-email.js';
import type { EngineDeps } from './deps.js';
import type { Profile } from './ports.js';

export const CAREFLOW_SOURCE = 'careflow';

/** Scheduler names allow 64 characters of [0-9a-zA-Z-_.]: hash the instance and version. */
export const wakeName = (instanceId: string, version: number): string =>
  `wake-${createHash('sha256').update(`${instanceId}@${version}`).digest('hex').slice(0, 40)}`;

/** What the interpreter needs to know about the customer and the deployment, at `now`. */
export const stepEnv = (deps: Pick<EngineDeps, 'policy'>, profile: Profile | null, now: string): StepEnv => {
  const policy = policyOf(deps);
  return {
    now,
    profile: profile ?? {},
    timeZone: timeZoneOf(profile, policy),
    quietHours: policy.quietHours,
  };
};

/** The profile with attributes set by an `updateProfile` step; a profile is created when there is none. */
export const withAttributes = (
  profile: Profile | null,
  customerId: string,
  attributes: Record<string, unknown>,
  now: string,
): Profile => ({
  ...(profile ?? { customerId, createdAt: now }),
  attributes: { ...profile?.attributes, ...attributes },
  updatedAt: now,
});

export interface AppliedOutcome {
  /** The customer's profile after the effects (changed by `updateProfile` steps). */
  profile: Profile | null;
  /** Each send effect with what became of it, in order. */
  sends: (SendOutcome & { type: Effect['type'] })[];
}

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
): Promise<AppliedOutcome> => {
  const applied: AppliedOutcome = { profile, sends: [] };
  if (!outcome.changed) return applied;
  const { instance } = outcome;
  for (const effect of outcome.effects) {
    switch (effect.type) {
      case 'sendEmail':
      case 'sendSms': {
        const sent = await deliverMessage(deps, effect, { journey, instance, profile: applied.profile });
        applied.sends.push({ type: effect.type, ...sent });
        break;
      }
      case 'scheduleWake':
        await deps.scheduler.schedule({
          name: wakeName(effect.instanceId, effect.version),
          at: effect.at,
          wake: {
            kind: 'wake',
            customerId: instance.customerId,
            instanceId: effect.instanceId,
            version: effect.version,
          },
        });
        break;
      case 'cancelWake':
        // A wake-up that is left behind is harmless (it carries an old version and is ignored): never fail for it.
        await deps.scheduler.cancel(wakeName(effect.instanceId, effect.version)).catch((error: unknown) => {
          deps.logger.warn('pending wake-up not cancelled', {
            instanceId: effect.instanceId,
            error: error instanceof Error ? error.name : String(error),
          });
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
      case 'updateProfile':
        applied.profile = withAttributes(
          applied.profile,
          instance.customerId,
          effect.attributes,
          deps.clock.now(),
        );
        await deps.customers.saveProfile(applied.profile);
        break;
    }
  }
  await deps.customers.saveInstance(instance, previous ? previous.version : null);
  // Counted by the channel actually used (a fallback's), after the save: a lost race counts nothing,
  // and a message handled by an earlier attempt (a retry after a crash) is not counted again.
  const sends = applied.sends
    .filter((send) => send.reason !== 'duplicate')
    .map((send) => ({
      type: send.channel === 'sms' ? 'sendSms' : 'sendEmail',
      status: send.status,
      reason: send.reason,
    }));
  await recordStats(deps, journey.id, instance.instanceId, statsDelta(previous, instance, sends));
  deps.logger.debug('instance advanced', {
    instanceId: instance.instanceId,
    journeyId: instance.journeyId,
    stepId: instance.stepId,
    status: instance.status,
    version: instance.version,
  });
  return applied;
};
