import type { Journey } from '../domain/journey/definition.js';
import type { Effect } from '../domain/journey/effects.js';
import type { Instance } from '../domain/journey/instance.js';
import { renderEmail } from '../domain/templates/render.js';
import type { EngineDeps } from './deps.js';
import { SendDeferredError, SendRejectedError } from './errors.js';
import type { MessageRecord, Profile } from './ports.js';
import { surveyLinks } from './survey-links.js';

type SendEmail = Extract<Effect, { type: 'sendEmail' }>;

/** Why a send must not happen, or null when it may. */
export const emailGuard = (journey: Journey, profile: Profile | null): string | null => {
  if (!profile) return 'no-profile';
  if (!profile.email) return 'no-address';
  if (profile.consent?.email === false) return 'opted-out';
  const needsConsent = journey.category === 'marketing' || journey.audience.consent === 'email';
  if (needsConsent && profile.consent?.email !== true) return 'no-consent';
  return null;
};

/**
 * Send one email at most once per message id: the log entry is claimed before the
 * provider is called, so a retry after a crash finds it and does not send again.
 */
export const deliverEmail = async (
  deps: EngineDeps,
  effect: SendEmail,
  context: { journey: Journey; instance: Instance; profile: Profile | null },
): Promise<MessageRecord['status']> => {
  const { journey, instance, profile } = context;
  const now = deps.clock.now();
  const record: MessageRecord = {
    messageId: effect.messageId,
    customerId: instance.customerId,
    channel: 'email',
    to: profile?.email ?? null,
    subject: null,
    journeyId: journey.id,
    instanceId: instance.instanceId,
    stepId: effect.stepId,
    template: effect.template,
    status: 'sending',
    reason: null,
    providerMessageId: null,
    sentAt: now,
    updatedAt: now,
  };
  const skip = emailGuard(journey, profile) ?? ((await deps.templates.get(effect.template)) ? null : 'no-template');
  if (skip) {
    if (await deps.messages.claim({ ...record, status: 'skipped', reason: skip })) {
      deps.logger.info('email skipped', { messageId: effect.messageId, reason: skip });
    }
    return 'skipped';
  }
  const template = await deps.templates.get(effect.template);
  if (!template || !profile?.email) return 'skipped';
  const survey = effect.survey
    ? surveyLinks(
        {
          surveyId: effect.messageId,
          customerId: instance.customerId,
          kind: effect.survey.kind,
          journeyId: journey.id,
          instanceId: instance.instanceId,
          orderId: typeof instance.trigger.detail.orderId === 'string' ? instance.trigger.detail.orderId : null,
        },
        deps.links,
        now,
      )
    : undefined;
  const rendered = renderEmail(template, {
    profile,
    trigger: instance.trigger.detail,
    event: (instance.lastEvent ?? instance.trigger).detail,
    journey: { id: journey.id, name: journey.name },
    survey,
  });
  if (!(await deps.messages.claim({ ...record, subject: rendered.subject }))) {
    deps.logger.info('email already handled', { messageId: effect.messageId });
    return 'skipped';
  }
  try {
    const { providerMessageId } = await deps.email.send({
      messageId: effect.messageId,
      from: deps.sender.from,
      to: profile.email,
      ...rendered,
      tags: { journey: journey.id, step: effect.stepId },
    });
    await deps.messages.settle(instance.customerId, effect.messageId, {
      status: 'sent',
      providerMessageId,
      at: deps.clock.now(),
    });
    return 'sent';
  } catch (error) {
    if (error instanceof SendRejectedError) {
      await deps.messages.settle(instance.customerId, effect.messageId, {
        status: 'failed',
        reason: error.message,
        at: deps.clock.now(),
      });
      return 'failed';
    }
    if (error instanceof SendDeferredError) {
      await deps.messages.release(instance.customerId, effect.messageId);
      throw error;
    }
    // The provider may or may not have sent it: never risk a second copy.
    await deps.messages.settle(instance.customerId, effect.messageId, {
      status: 'unknown',
      reason: error instanceof Error ? error.name : 'unknown error',
      at: deps.clock.now(),
    });
    deps.logger.error('email outcome unknown; it will not be sent again', {
      messageId: effect.messageId,
      error: error instanceof Error ? error.name : String(error),
    });
    return 'unknown';
  }
};
