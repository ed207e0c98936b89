import { createHash } from 'node:crypto';
import type { Journey } from '../domain/journey/definition.js';
import type { Effect, SendResult } from '../domain/journey/effects.js';
import type { Instance } from '../domain/journey/instance.js';
import {
  MAX_STEPS_PER_RUN,
  type StepEnv,
  type StepInput,
  type StepOutcome,
  step,
} from '../domain/journey/interpreter.js';
import { recordStats, statsDelta } from './admin/stats.js';
import { deliverMessage, policyOf, type SendOutcome, timeZoneOf } from './deliver-email.js';
import type { EngineDeps } from './deps.js';
import type { Profile, SuppressionMarks } from './ports.js';

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
  sends: (SendOutcome & { type: Effect['type']; messageId: string })[];
  /** The instance as saved: past any send step that waited for its message's outcome. */
  instance: Instance;
  /** The priorities of the service levels breached, one per breach. */
  breaches: string[];
}

/**
 * What a send step with `onSkipped` learns of its message, once it was tried; null when the instance
 * does not wait for a send. A `duplicate` was handled by an earlier attempt that got past the
 * guards (a retry after a crash): it may well have gone out, so it counts as `unknown`.
 */
const sentInput = (instance: Instance, sends: AppliedOutcome['sends']): StepInput | null => {
  const waiting = instance.waiting;
  if (waiting?.kind !== 'send') return null;
  const send = sends.find((s) => s.messageId === waiting.messageId);
  if (!send) return null;
  const result: SendResult =
    send.reason === 'duplicate' || send.status === 'sending' ? 'unknown' : send.status;
  return { kind: 'sent', messageId: waiting.messageId, result, reason: send.reason };
};

/**
 * Carry out what the interpreter asked for, then save the instance.
 * Effects come first: if the save fails or the process dies, the retry recomputes the same
 * effects with the same ids, and the message log and schedule names stop any repeat.
 * A send step with `onSkipped` stops the run until its message was tried: its outcome goes back
 * to the interpreter, whose next effects are carried out in turn, all before the one save.
 */
export const applyOutcome = async (
  deps: EngineDeps,
  journey: Journey,
  outcome: StepOutcome,
  previous: Instance | null,
  profile: Profile | null,
  /** The suppression marks loaded with the customer (`CustomerState.suppressions`). */
  suppressions: SuppressionMarks | undefined,
): Promise<AppliedOutcome> => {
  const applied: AppliedOutcome = { profile, sends: [], instance: outcome.instance, breaches: [] };
  if (!outcome.changed) return applied;
  let current = outcome;
  await carryOut(deps, journey, current, applied, suppressions);
  // Bounded twice over: the interpreter also fails a chain of runs past MAX_STEPS_PER_RUN steps.
  for (let round = 0; round < MAX_STEPS_PER_RUN; round += 1) {
    const sent = sentInput(current.instance, applied.sends);
    if (!sent) break;
    // The same instant the send was decided at, with the profile as the effects left it.
    const env = stepEnv(deps, applied.profile, current.instance.updatedAt);
    current = step(journey, current.instance, sent, env);
    await carryOut(deps, journey, current, applied, suppressions);
  }
  const { instance } = current;
  applied.instance = instance;
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
  const breaches = applied.breaches.map((priority) => ({ type: 'slaBreached', priority }));
  for (const { priority } of breaches) deps.metrics?.slaBreached(priority);
  await recordStats(
    deps,
    journey.id,
    instance.instanceId,
    statsDelta(previous, instance, [...sends, ...breaches]),
  );
  deps.logger.debug('instance advanced', {
    instanceId: instance.instanceId,
    journeyId: instance.journeyId,
    stepId: instance.stepId,
    status: instance.status,
    version: instance.version,
  });
  return applied;
};

/** The effects of one interpreter outcome, in order; send outcomes and the profile go to `applied`. */
const carryOut = async (
  deps: EngineDeps,
  journey: Journey,
  outcome: StepOutcome,
  applied: AppliedOutcome,
  suppressions: SuppressionMarks | undefined,
): Promise<void> => {
  const { instance } = outcome;
  for (const effect of outcome.effects) {
    switch (effect.type) {
      case 'sendEmail':
      case 'sendSms': {
        const sent = await deliverMessage(deps, effect, {
          journey,
          instance,
          profile: applied.profile,
          suppressions,
        });
        applied.sends.push({ type: effect.type, messageId: effect.messageId, ...sent });
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
      case 'slaBreached':
        // Counted after the save, as sends are: a lost race or a stale wake-up counts nothing.
        applied.breaches.push(effect.priority);
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
};
