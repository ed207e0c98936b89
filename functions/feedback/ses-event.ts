import { decodeTagValue, MESSAGE_ID_TAG } from '../../shared/adapters/ses/ses-email-sender.js';
import type { EmailFeedback } from '../../shared/app/feedback/record-email-feedback.js';
import type { DeliveryStatus } from '../../shared/app/ports.js';
import { BusEvent, describeProblems, type FieldProblem } from '../../shared/domain/events/envelope.js';
import * as z from '../../shared/domain/zod.js';

/**
 * SES events as SES publishes them to EventBridge (configuration set → default bus → careflow
 * bus): `source` `aws.ses`, a detail-type such as `Email Bounced`, and the event record as the
 * detail (`eventType`, `mail`, and one object named after the event). Only the fields careflow
 * reads are required; everything else passes through unchecked.
 */

/** Tag that carries the customer id, set by deliver-email and encoded like the message id. */
export const CUSTOMER_ID_TAG = 'customerId';

/** SES tags: every tag name maps to a list of values (`ses:configuration-set`, custom tags). */
const Tags = z.record(z.string(), z.array(z.string()));

export const SesMail = z.looseObject({
  timestamp: z.string(),
  messageId: z.string().check(z.minLength(1)),
  destination: z._default(z.array(z.string()), []),
  tags: z._default(Tags, {}),
});

const Recipient = z.looseObject({ emailAddress: z.string().check(z.minLength(1)) });

export const SesBounce = z.looseObject({
  bounceType: z.enum(['Undetermined', 'Permanent', 'Transient']),
  bounceSubType: z.string(),
  bouncedRecipients: z.array(Recipient).check(z.minLength(1)),
  timestamp: z.string(),
});

export const SesComplaint = z.looseObject({
  complainedRecipients: z.array(Recipient).check(z.minLength(1)),
  timestamp: z.string(),
  complaintFeedbackType: z.optional(z.string()),
});

export const SesDelivery = z.looseObject({ timestamp: z.string() });
export const SesOpen = z.looseObject({ timestamp: z.string() });
export const SesClick = z.looseObject({ timestamp: z.string(), link: z.optional(z.string()) });
export const SesReject = z.looseObject({ reason: z.optional(z.string()) });
export const SesRenderingFailure = z.looseObject({ errorMessage: z.optional(z.string()) });

const detail = <T extends z.core.$ZodShape>(eventType: string, shape: T) =>
  z.looseObject({ eventType: z.literal(eventType), mail: SesMail, ...shape });

export const SesDeliveryDetail = detail('Delivery', { delivery: SesDelivery });
export const SesBounceDetail = detail('Bounce', { bounce: SesBounce });
export const SesComplaintDetail = detail('Complaint', { complaint: SesComplaint });
export const SesOpenDetail = detail('Open', { open: SesOpen });
export const SesClickDetail = detail('Click', { click: SesClick });
export const SesRejectDetail = detail('Reject', { reject: SesReject });
export const SesRenderingFailureDetail = detail('Rendering Failure', { failure: SesRenderingFailure });

type Mail = z.infer<typeof SesMail>;
interface Reading {
  status: DeliveryStatus;
  at: string;
  recipients: string[];
  permanentBounce: boolean;
  detail: string | null;
}

type Reader = (
  detail: unknown,
  time: string,
) => { ok: true; mail: Mail; reading: Reading } | { ok: false; error: z.core.$ZodError };

/** A reader of one detail-type: parse with its schema, then say what it means for the message. */
const reader =
  <S extends z.ZodMiniType<{ mail: Mail }>>(
    schema: S,
    read: (detail: z.infer<S>, time: string) => Reading,
  ): Reader =>
  (detail, time) => {
    const parsed = schema.safeParse(detail);
    if (!parsed.success) return { ok: false, error: parsed.error };
    return { ok: true, mail: parsed.data.mail, reading: read(parsed.data, time) };
  };

/** The SES detail-types careflow records. */
const READERS: Readonly<Record<string, Reader>> = {
  'Email Delivered': reader(SesDeliveryDetail, (d) => reading('delivered', d.delivery.timestamp)),
  'Email Bounced': reader(SesBounceDetail, (d) => ({
    ...reading('bounced', d.bounce.timestamp, `${d.bounce.bounceType}/${d.bounce.bounceSubType}`),
    recipients: d.bounce.bouncedRecipients.map((r) => r.emailAddress),
    permanentBounce: d.bounce.bounceType === 'Permanent',
  })),
  'Email Complaint Received': reader(SesComplaintDetail, (d) => ({
    ...reading('complained', d.complaint.timestamp, d.complaint.complaintFeedbackType ?? null),
    recipients: d.complaint.complainedRecipients.map((r) => r.emailAddress),
  })),
  'Email Opened': reader(SesOpenDetail, (d) => reading('opened', d.open.timestamp)),
  'Email Clicked': reader(SesClickDetail, (d) => reading('clicked', d.click.timestamp)),
  'Email Rejected': reader(SesRejectDetail, (d, time) => reading('rejected', time, d.reject.reason ?? null)),
  'Email Rendering Failed': reader(SesRenderingFailureDetail, (_d, time) =>
    reading('rejected', time, 'rendering failure'),
  ),
};

const reading = (status: DeliveryStatus, at: string, detail: string | null = null): Reading => ({
  status,
  at,
  recipients: [],
  permanentBounce: false,
  detail,
});

const firstTag = (mail: Mail, name: string): string | undefined => mail.tags[name]?.[0];

const decoded = (value: string | undefined): string | null => {
  if (value === undefined || value === '') return null;
  try {
    return decodeTagValue(value);
  } catch {
    return null;
  }
};

/**
 * Customer ids to try, best first: the tag decoded (as the SES adapter encodes ids), then the
 * tag as it is (a tag that was only sanitized is the id itself when the id needed no escaping).
 */
export const customerIdCandidates = (tag: string | undefined): string[] => {
  const candidates = [decoded(tag), tag ?? null].filter((id): id is string => id !== null && id !== '');
  return [...new Set(candidates)];
};

export type SesEventParse =
  | { kind: 'feedback'; feedback: EmailFeedback }
  | { kind: 'ignored'; detailType: string }
  | { kind: 'invalid'; problems: FieldProblem[] };

const problemsOf = (error: z.core.$ZodError, prefix: string): FieldProblem[] =>
  error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter(Boolean).join('.'),
    message: issue.message,
  }));

/** Parse an SES event from EventBridge into provider-neutral feedback. */
export const parseSesEvent = (input: unknown): SesEventParse => {
  const envelope = BusEvent.safeParse(input);
  if (!envelope.success) return { kind: 'invalid', problems: problemsOf(envelope.error, '') };
  const event = envelope.data;
  if (event.source !== 'aws.ses') {
    return {
      kind: 'invalid',
      problems: [{ path: 'source', message: `expected aws.ses, got ${event.source}` }],
    };
  }
  const read = READERS[event['detail-type']];
  if (!read) return { kind: 'ignored', detailType: event['detail-type'] };
  const result = read(event.detail, event.time);
  if (!result.ok) return { kind: 'invalid', problems: problemsOf(result.error, 'detail') };
  const { mail, reading: what } = result;
  return {
    kind: 'feedback',
    feedback: {
      eventId: event.id,
      ...what,
      providerMessageId: mail.messageId,
      messageId: decoded(firstTag(mail, MESSAGE_ID_TAG)),
      customerIds: customerIdCandidates(firstTag(mail, CUSTOMER_ID_TAG)),
    },
  };
};

export const describeSesProblems = (problems: FieldProblem[]): string => describeProblems(problems);
