import { isQuiet } from '../domain/guards/quiet-hours.js';
import {
  addressFor,
  type Channel,
  capWindowStart,
  channelBlock,
  DEFAULT_SEND_POLICY,
  frequencyBlock,
  normaliseAddress,
  type SendPolicy,
  type SkipReason,
} from '../domain/guards/send.js';
import { knownZone } from '../domain/guards/zoned-time.js';
import type { Journey } from '../domain/journey/definition.js';
import type { SendEffect } from '../domain/journey/effects.js';
import type { Instance } from '../domain/journey/instance.js';
import { type EmailTemplate, renderEmail } from '../domain/templates/render.js';
import { snapshotTemplate } from '../domain/templates/snapshot.js';
import { renderSms, sendSms, smsTextProblem } from './deliver-sms.js';
import type { EngineDeps } from './deps.js';
import { SendDeferredError, SendRejectedError } from './errors.js';
import type { MessageRecord, MessageStatus, Profile, SuppressionMarks } from './ports.js';
import { surveyLinks } from './survey-links.js';
import { listUnsubscribeHeaders, unsubscribeUrl } from './unsubscribe.js';

export interface DeliveryContext {
  journey: Journey;
  instance: Instance;
  profile: Profile | null;
  /** The suppression marks loaded with the customer (`CustomerState.suppressions`). */
  suppressions?: SuppressionMarks;
}

/** What became of one send effect. */
export interface SendOutcome {
  status: MessageStatus;
  /** The channel used (the fallback's, when it stepped in), or the one asked for when nothing was sent. */
  channel: Channel;
  /** Why it was skipped or failed; `duplicate` when the message id was handled before. */
  reason: string | null;
}

export const policyOf = (deps: Pick<EngineDeps, 'policy'>): SendPolicy => deps.policy ?? DEFAULT_SEND_POLICY;

/** The customer's time zone: the profile's, else the deployment's default, else UTC. */
export const timeZoneOf = (profile: Profile | null, policy: SendPolicy): string =>
  knownZone(profile?.timezone ?? policy.defaultTimeZone);

/**
 * Why the customer cannot get this message on `channel`: no profile, no address, no consent,
 * opted out, suppressed, or no sender for the channel. Null when the channel may be used.
 */
const channelProblem = async (
  deps: EngineDeps,
  channel: Channel,
  context: DeliveryContext,
): Promise<SkipReason | null> => {
  const { journey, profile } = context;
  const { customerId } = context.instance;
  const blocked = channelBlock({
    channel,
    category: journey.category,
    profile,
    consentRequired: journey.audience.consent === channel,
  });
  if (blocked) return blocked;
  if (channel === 'sms' && !deps.sms) return 'channel-unavailable';
  const address = addressFor(channel, profile);
  const suppressed = address
    ? await suppressionOf(deps, channel, customerId, address, context.suppressions)
    : null;
  if (suppressed) {
    deps.logger.debug('address suppressed', { channel, reason: suppressed });
    return 'suppressed';
  }
  return null;
};

/**
 * The template a send renders: the one the journey version kept when it was published, so an
 * instance keeps its wording and no template is read. Versions published before versions kept
 * templates render the current one.
 */
const templateFor = async (
  deps: EngineDeps,
  journey: Journey,
  id: string,
): Promise<EmailTemplate | undefined> =>
  journey.templates ? snapshotTemplate(journey, id) : deps.templates.get(id);

/**
 * Why the address is suppressed, or null. The marks loaded with the customer answer without a
 * request; an address the customer never watched (new, or from before the marks) is watched once,
 * which registers the customer for later suppressions and answers in the same call.
 */
const suppressionOf = async (
  deps: EngineDeps,
  channel: Channel,
  customerId: string,
  address: string,
  suppressions: SuppressionMarks | undefined,
): Promise<string | null> => {
  const marks = suppressions?.[channel];
  const key = normaliseAddress(address);
  if (marks && Object.hasOwn(marks, key)) return marks[key] ?? null;
  return deps.suppressions ? deps.suppressions.watch(customerId, channel, address) : null;
};

/** What templates see: the profile, the trigger and latest event, the journey, the channel, survey and unsubscribe links. */
const templateContext = (
  deps: EngineDeps,
  effect: SendEffect,
  context: DeliveryContext,
  channel: Channel,
  now: string,
) => {
  const { journey, instance, profile } = context;
  const survey =
    effect.type === 'sendEmail' && effect.survey
      ? surveyLinks(
          {
            surveyId: effect.messageId,
            customerId: instance.customerId,
            kind: effect.survey.kind,
            journeyId: journey.id,
            instanceId: instance.instanceId,
            orderId:
              typeof instance.trigger.detail.orderId === 'string' ? instance.trigger.detail.orderId : null,
          },
          deps.links,
          now,
        )
      : undefined;
  return {
    profile,
    trigger: instance.trigger.detail,
    event: (instance.lastEvent ?? instance.trigger).detail,
    journey: { id: journey.id, name: journey.name },
    /** `email` or `sms`: one template serves both when a step falls back to the other channel. */
    channel,
    survey,
    unsubscribeUrl: unsubscribeUrl(
      { customerId: instance.customerId, journeyId: journey.id, messageId: effect.messageId },
      deps.links,
      now,
    ),
  };
};

/**
 * Send one message at most once per message id, through every guard:
 * 1. the channel: address, consent (marketing needs an opt-in), opt-out, suppression (as marked
 *    in the customer's partition) —
 *    when the step names a fallback channel and the first is not possible, the fallback is used;
 * 2. the frequency cap (marketing only, across journeys and channels);
 * 3. quiet hours, judged at the instant the interpreter judged them (it defers sends out of them,
 *    so this never skips in practice; it is the net under that rule);
 * 4. the template.
 * A skipped message is recorded with its reason. The log entry is claimed before the provider is
 * called, so a retry after a crash finds it and does not send again.
 */
export const deliverMessage = async (
  deps: EngineDeps,
  effect: SendEffect,
  context: DeliveryContext,
): Promise<SendOutcome> => {
  const { journey, instance, profile } = context;
  const policy = policyOf(deps);
  const now = deps.clock.now();
  const primary: Channel = effect.type === 'sendEmail' ? 'email' : 'sms';
  let channel = primary;
  let skip = await channelProblem(deps, primary, context);
  if (skip && effect.fallback && !(await channelProblem(deps, effect.fallback, context))) {
    deps.logger.debug('message falls back to another channel', { messageId: effect.messageId, reason: skip });
    channel = effect.fallback;
    skip = null;
  }
  const cap = journey.category === 'marketing' ? policy.frequencyCap : null;
  const since = cap ? capWindowStart(now, cap) : null;
  const contacts = cap ? deps.contacts : undefined;
  if (!skip && contacts && cap && since) {
    const recent = await contacts.recent(instance.customerId, since);
    const others = recent.filter((entry) => entry.messageId !== effect.messageId).map((entry) => entry.at);
    skip = frequencyBlock(journey.category, others, cap, now);
  }
  // `updatedAt` is the `now` the interpreter ran with when it asked for this send.
  if (!skip && isQuiet(instance.updatedAt, timeZoneOf(profile, policy), policy.quietHours))
    skip = 'quiet-hours';
  const template = skip ? undefined : await templateFor(deps, journey, effect.template);
  if (!skip && !template) skip = 'no-template';

  const record: MessageRecord = {
    messageId: effect.messageId,
    customerId: instance.customerId,
    channel,
    to: addressFor(channel, profile),
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
  if (skip || !template || !record.to) return recordSkip(deps, record, skip ?? 'no-address');

  const values = templateContext(deps, effect, context, channel, now);
  let send: () => Promise<{ providerMessageId: string }>;
  if (channel === 'email') {
    const rendered = renderEmail(template, values);
    record.subject = rendered.subject;
    const to = record.to;
    const headers =
      journey.category === 'marketing' ? listUnsubscribeHeaders(values.unsubscribeUrl) : undefined;
    send = () =>
      deps.email.send({
        messageId: effect.messageId,
        from: deps.sender.from,
        to,
        ...rendered,
        ...(headers ? { headers } : {}),
        tags: { journey: journey.id, step: effect.stepId, customerId: instance.customerId },
      });
  } else {
    const text = renderSms(template, values);
    const problem = smsTextProblem(text);
    const sender = deps.sms;
    if (problem || !sender) return recordSkip(deps, record, problem ?? 'channel-unavailable');
    const to = record.to;
    send = () => sendSms(sender, { messageId: effect.messageId, to, text, category: journey.category });
  }
  // Counted before the claim and idempotent per message id: a failure here leaves nothing claimed.
  if (contacts && since)
    await contacts.record(instance.customerId, { messageId: effect.messageId, at: now }, since);
  return dispatch(deps, record, send);
};

/** The effect's message id, recorded as skipped with the reason (once: a replay finds the entry). */
const recordSkip = async (
  deps: EngineDeps,
  record: MessageRecord,
  reason: SkipReason,
): Promise<SendOutcome> => {
  if (await deps.messages.claim({ ...record, status: 'skipped', reason })) {
    deps.logger.debug('message skipped', { messageId: record.messageId, channel: record.channel, reason });
    deps.metrics?.skipped(reason);
  }
  return { status: 'skipped', channel: record.channel, reason };
};

/** `Errors` kinds of sends that may or may not have reached the customer. */
export const CLAIM_WITHOUT_OUTCOME = 'ClaimWithoutOutcome';
export const SEND_OUTCOME_UNKNOWN = 'SendOutcomeUnknown';

/** Claim, send, settle. The claim is the at-most-once guard (docs/decisions/0002-at-most-once-email.md). */
const dispatch = async (
  deps: EngineDeps,
  record: MessageRecord,
  send: () => Promise<{ providerMessageId: string }>,
): Promise<SendOutcome> => {
  const { customerId, messageId, channel } = record;
  if (!(await deps.messages.claim(record))) {
    // A retry. A claim still `sending` is an attempt that ended between claiming and recording
    // what the provider said (a timeout, a crash): the message may have gone out, so it is never
    // sent again, and an operator should hear of it.
    if ((await deps.messages.status(customerId, messageId)) === 'sending') {
      deps.logger.warn('message claimed earlier without an outcome; not sent again', { messageId, channel });
      deps.metrics?.error(CLAIM_WITHOUT_OUTCOME);
    } else deps.logger.info('message already handled', { messageId });
    return { status: 'skipped', channel, reason: 'duplicate' };
  }
  try {
    const { providerMessageId } = await send();
    await deps.messages.settle(customerId, messageId, {
      status: 'sent',
      providerMessageId,
      channel,
      at: deps.clock.now(),
    });
    deps.metrics?.messageSent(channel);
    return { status: 'sent', channel, reason: null };
  } catch (error) {
    if (error instanceof SendRejectedError) {
      await deps.messages.settle(customerId, messageId, {
        status: 'failed',
        reason: error.message,
        at: deps.clock.now(),
      });
      return { status: 'failed', channel, reason: error.message };
    }
    if (error instanceof SendDeferredError) {
      await deps.messages.release(customerId, messageId);
      throw error;
    }
    // The provider may or may not have sent it: never risk a second copy.
    const reason = error instanceof Error ? error.name : 'unknown error';
    await deps.messages.settle(customerId, messageId, { status: 'unknown', reason, at: deps.clock.now() });
    deps.logger.error('message outcome unknown; it will not be sent again', {
      messageId,
      channel,
      error: reason,
    });
    deps.metrics?.error(SEND_OUTCOME_UNKNOWN);
    return { status: 'unknown', channel, reason };
  }
};
