import { decodeTagValue, MESSAGE_ID_TAG } from '../../shared/adapters/ses/ses-email-sender.js';
import type { BusEvent } from '../../shared/domain/events/envelope.js';
import * as z from '../../shared/domain/zod.js';

/**
 * SES's delivery, bounce, complaint, open and click events, for the local stack. The SES emulator
 * keeps neither the tags nor the configuration set of the mail it receives, and emits no events,
 * so the gateway notes both as `SendEmail` passes through it (`LocalSentMail`), and
 * `POST /_local/ses/events` builds the event SES would publish about that mail, to be put on the
 * bus where the same route as in AWS takes it to the feedback function.
 */

/** What SES knows about a mail it sent, as far as its events tell. */
export interface SentMail {
  sesMessageId: string;
  from: string;
  to: string[];
  subject: string;
  /** SES tags: the caller's `EmailTags` and SES's own `ses:*` tags, every name to a list of values. */
  tags: Record<string, string[]>;
  configurationSet: string | null;
  /** The first link of the mail: what a click follows unless the request names another. */
  firstLink: string | null;
  sentAt: string;
}

/** The part of an SES v2 `SendEmail` request the events draw on. */
const SendEmailRequest = z.looseObject({
  FromEmailAddress: z._default(z.string(), ''),
  Destination: z._default(z.looseObject({ ToAddresses: z._default(z.array(z.string()), []) }), {
    ToAddresses: [],
  }),
  Content: z._default(
    z.looseObject({
      Simple: z.optional(
        z.looseObject({
          Subject: z.optional(z.looseObject({ Data: z.string() })),
          Body: z.optional(
            z.looseObject({
              Html: z.optional(z.looseObject({ Data: z.string() })),
              Text: z.optional(z.looseObject({ Data: z.string() })),
            }),
          ),
        }),
      ),
    }),
    {},
  ),
  EmailTags: z._default(z.array(z.looseObject({ Name: z.string(), Value: z.string() })), []),
  ConfigurationSetName: z.optional(z.string()),
});

const SendEmailResponse = z.looseObject({ MessageId: z.string().check(z.minLength(1)) });

/** How many sent mails are remembered (the oldest go first); like the mailbox, not kept on restart. */
const KEEP = 10_000;

/** The mail SES accepted, by SES message id, as `SendEmail` requests pass the gateway. */
export class LocalSentMail {
  private readonly mails = new Map<string, SentMail>();

  /** Note a `SendEmail` request and SES's answer to it; a request or answer that does not parse is skipped. */
  record(requestBody: string, responseBody: string, sentAt: string): void {
    let parsed: z.infer<typeof SendEmailRequest>;
    let sesMessageId: string;
    try {
      parsed = SendEmailRequest.parse(JSON.parse(requestBody));
      sesMessageId = SendEmailResponse.parse(JSON.parse(responseBody)).MessageId;
    } catch {
      return;
    }
    const from = parsed.FromEmailAddress;
    const tags: Record<string, string[]> = {};
    for (const tag of parsed.EmailTags) tags[tag.Name] = [tag.Value];
    if (parsed.ConfigurationSetName) tags['ses:configuration-set'] = [parsed.ConfigurationSetName];
    tags['ses:operation'] = ['SendEmail'];
    tags['ses:from-domain'] = [from.slice(from.lastIndexOf('@') + 1)];
    const simple = parsed.Content.Simple;
    const text = `${simple?.Body?.Html?.Data ?? ''} ${simple?.Body?.Text?.Data ?? ''}`;
    this.mails.set(sesMessageId, {
      sesMessageId,
      from,
      to: parsed.Destination.ToAddresses,
      subject: simple?.Subject?.Data ?? '',
      tags,
      configurationSet: parsed.ConfigurationSetName ?? null,
      firstLink: /https?:\/\/[^\s"'<>]+/.exec(text)?.[0] ?? null,
      sentAt,
    });
    if (this.mails.size > KEEP) this.mails.delete(this.mails.keys().next().value ?? '');
  }

  /** By SES's message id, or by careflow's (the `messageId` tag, as the contact history shows it). */
  find(messageId: string): SentMail | undefined {
    const bySes = this.mails.get(messageId);
    if (bySes) return bySes;
    for (const mail of [...this.mails.values()].reverse()) {
      const tag = mail.tags[MESSAGE_ID_TAG]?.[0];
      if (tag !== undefined && decodedOrNull(tag) === messageId) return mail;
    }
    return undefined;
  }
}

const decodedOrNull = (value: string): string | null => {
  try {
    return decodeTagValue(value);
  } catch {
    return null;
  }
};

const messageId = z.string().check(z.minLength(1, 'is required'));
const recipient = z.optional(z.email());

/** The body of `POST /_local/ses/events`. */
export const LocalSesEventRequest = z.discriminatedUnion('type', [
  z.object({ type: z.literal('Delivery'), messageId }),
  z.object({
    type: z.literal('Bounce'),
    messageId,
    bounceType: z._default(z.enum(['Permanent', 'Transient', 'Undetermined']), 'Permanent'),
    bounceSubType: z.optional(z.string().check(z.minLength(1))),
    recipient,
  }),
  z.object({
    type: z.literal('Complaint'),
    messageId,
    complaintFeedbackType: z._default(z.string().check(z.minLength(1)), 'abuse'),
    recipient,
  }),
  z.object({ type: z.literal('Open'), messageId }),
  z.object({ type: z.literal('Click'), messageId, link: z.optional(z.url()) }),
]);
export type LocalSesEventRequest = z.infer<typeof LocalSesEventRequest>;

/** SES's bounce subtypes by bounce type; the first is the default. */
export const BOUNCE_SUBTYPES: Readonly<Record<string, readonly string[]>> = {
  Permanent: ['General', 'NoEmail', 'Suppressed', 'OnAccountSuppressionList'],
  Transient: ['General', 'MailboxFull', 'MessageTooLarge', 'ContentRejected', 'AttachmentRejected'],
  Undetermined: ['Undetermined'],
};

const DETAIL_TYPES: Record<LocalSesEventRequest['type'], string> = {
  Delivery: 'Email Delivered',
  Bounce: 'Email Bounced',
  Complaint: 'Email Complaint Received',
  Open: 'Email Opened',
  Click: 'Email Clicked',
};

/** A problem with the request, naming the field. */
export class LocalSesEventError extends Error {
  override readonly name = 'LocalSesEventError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

export interface SesEventContext {
  id: string;
  now: string;
  account: string;
  region: string;
}

/** The addresses a bounce or complaint is about: the one named, or every recipient of the mail. */
const recipientsOf = (mail: SentMail, request: LocalSesEventRequest): string[] => {
  if (!('recipient' in request) || request.recipient === undefined) return mail.to;
  if (!mail.to.includes(request.recipient)) {
    throw new LocalSesEventError('recipient', `the mail was not sent to ${request.recipient}`);
  }
  return [request.recipient];
};

const bounceSubTypeOf = (request: Extract<LocalSesEventRequest, { type: 'Bounce' }>): string => {
  const subtypes = BOUNCE_SUBTYPES[request.bounceType] ?? [];
  const subtype = request.bounceSubType ?? subtypes[0] ?? 'General';
  if (!subtypes.includes(subtype)) {
    throw new LocalSesEventError(
      'bounceSubType',
      `must be one of ${subtypes.join(', ')} for a ${request.bounceType} bounce`,
    );
  }
  return subtype;
};

const CLIENT = { ipAddress: '127.0.0.1', userAgent: 'careflow local stack' };

/** The object named after the event (`bounce`, `delivery`, ...), as SES fills it. */
const eventRecord = (
  mail: SentMail,
  request: LocalSesEventRequest,
  context: SesEventContext,
): Record<string, unknown> => {
  const { now, id } = context;
  switch (request.type) {
    case 'Delivery':
      return {
        delivery: {
          timestamp: now,
          processingTimeMillis: Math.max(0, Date.parse(now) - Date.parse(mail.sentAt)),
          recipients: mail.to,
          smtpResponse: '250 2.6.0 Message received',
          reportingMTA: 'local.smtp-out.amazonses.com',
        },
      };
    case 'Bounce':
      return {
        bounce: {
          feedbackId: `${id}-bounce`,
          bounceType: request.bounceType,
          bounceSubType: bounceSubTypeOf(request),
          bouncedRecipients: recipientsOf(mail, request).map((emailAddress) => ({
            emailAddress,
            action: 'failed',
          })),
          timestamp: now,
          reportingMTA: 'dns; local.smtp-out.amazonses.com',
        },
      };
    case 'Complaint':
      return {
        complaint: {
          feedbackId: `${id}-complaint`,
          complainedRecipients: recipientsOf(mail, request).map((emailAddress) => ({ emailAddress })),
          timestamp: now,
          arrivalDate: now,
          complaintFeedbackType: request.complaintFeedbackType,
          ...CLIENT,
        },
      };
    case 'Open':
      return { open: { timestamp: now, ...CLIENT } };
    case 'Click': {
      const link = request.link ?? mail.firstLink;
      if (!link) throw new LocalSesEventError('link', 'is required: the mail has no link to follow');
      return { click: { timestamp: now, link, linkTags: {}, ...CLIENT } };
    }
  }
};

/**
 * The event SES publishes to EventBridge about `mail`: `source` `aws.ses`, the detail-type of
 * the event type, and the event record (`eventType`, `mail`, and one object named after the
 * event) as the detail. SES publishes events only for mail sent with a configuration set.
 */
export const sesEvent = (
  mail: SentMail,
  request: LocalSesEventRequest,
  context: SesEventContext,
): BusEvent => {
  const { now, account, region } = context;
  if (!mail.configurationSet) {
    throw new LocalSesEventError(
      'messageId',
      'the mail was sent without a configuration set, so SES publishes no events about it',
    );
  }
  return {
    version: '0',
    id: context.id,
    'detail-type': DETAIL_TYPES[request.type],
    source: 'aws.ses',
    account,
    time: now,
    region,
    resources: [`arn:aws:ses:${region}:${account}:configuration-set/${mail.configurationSet}`],
    detail: {
      eventType: request.type,
      mail: {
        timestamp: mail.sentAt,
        source: mail.from,
        sendingAccountId: account,
        messageId: mail.sesMessageId,
        destination: mail.to,
        headersTruncated: false,
        commonHeaders: { from: [mail.from], to: mail.to, subject: mail.subject },
        tags: mail.tags,
      },
      ...eventRecord(mail, request, context),
    },
  };
};
