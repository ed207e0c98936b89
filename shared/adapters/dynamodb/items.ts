import type { MessageRecord, Profile, SuppressionMarks, SurveyAnswer } from '../../app/ports.js';
import { ValidationError } from '../../domain/errors.js';
import { CustomerProfileUpdated } from '../../domain/events/schemas.js';
import * as z from '../../domain/zod.js';

/**
 * Schemas of what the adapters read back from the table. `z.object` drops unknown keys, so
 * parsing also strips the key and bookkeeping attributes (`pk`, `sk`, `type`, `expiresAt`, …).
 */

/** Version of the item layouts written by these adapters (instances carry their own). */
export const itemSchemaVersion = 1;

export const ProfileItem: z.ZodMiniType<Profile> = z.extend(
  z.omit(CustomerProfileUpdated, { eventKey: true }),
  {
    createdAt: z.string(),
    updatedAt: z.string(),
  },
);

export const MessageItem: z.ZodMiniType<MessageRecord> = z.object({
  messageId: z.string(),
  customerId: z.string(),
  channel: z.enum(['email', 'sms']),
  to: z.nullable(z.string()),
  subject: z.nullable(z.string()),
  journeyId: z.string(),
  instanceId: z.string(),
  stepId: z.string(),
  template: z.string(),
  status: z.enum(['sending', 'sent', 'failed', 'skipped', 'unknown']),
  reason: z.nullable(z.string()),
  providerMessageId: z.nullable(z.string()),
  sentAt: z.string(),
  updatedAt: z.string(),
  deliveryStatus: z.optional(
    z.enum(['delivered', 'opened', 'clicked', 'rejected', 'bounced', 'complained', 'undelivered']),
  ),
  deliveryAt: z.optional(z.string()),
  deliveryDetail: z.optional(z.nullable(z.string())),
});

export const SurveyAnswerItem: z.ZodMiniType<SurveyAnswer & { revision: number }> = z.object({
  surveyId: z.string(),
  customerId: z.string(),
  kind: z.enum(['nps', 'csat']),
  score: z.number(),
  comment: z.nullable(z.string()),
  journeyId: z.nullable(z.string()),
  instanceId: z.nullable(z.string()),
  orderId: z.nullable(z.string()),
  answeredAt: z.string(),
  revision: z.int().check(z.positive()),
});

/** A journey version as stored: the definition is kept as the JSON text that was published. */
export const JourneyItem = z.object({
  journeyId: z.string(),
  version: z.int().check(z.positive()),
  definition: z.string(),
});

/**
 * A journey's trigger item: its current version and its trigger pattern, kept as JSON text like
 * the definition (a pattern with `$or` nests deeper than DynamoDB maps allow).
 */
export const JourneyTriggerItem = z.object({
  journeyId: z.string(),
  version: z.int().check(z.positive()),
  trigger: z.string(),
  /** Where the engine's index files the trigger (`PatternIndex.filingOf`), as JSON text; absent when it did not compile. */
  filing: z.optional(z.string()),
});

/** One part of the catalog's index snapshot (decision 0082): gzip-compressed JSON text. */
export const CatalogSnapshotPart = z.object({
  stamp: z.int().check(z.nonnegative()),
  part: z.int().check(z.nonnegative()),
  parts: z.int().check(z.positive()),
  data: z.instanceof(Uint8Array),
});

/** The item's key, for error messages. */
export const describeKey = (item: Record<string, unknown>): string =>
  `${String(item.pk)} / ${String(item.sk)}`;

/**
 * Parse a stored value with its schema; `description` (or the function giving it, called only on
 * a problem) says where the value came from. A stored value that does not match is a bug or a
 * missing migration: fail with every problem listed and where the value came from, never guess.
 */
export const parseStored = <T>(
  schema: z.core.$ZodType<T>,
  value: unknown,
  description: string | (() => string),
): T => {
  const result = z.safeParse(schema, value);
  if (result.success) return result.data;
  throw new ValidationError(
    `${typeof description === 'string' ? description : description()} does not match its schema`,
    result.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })),
    { cause: result.error },
  );
};

/** Parse an item read from the table; `what` names its kind in the error (e.g. `instance`). */
export const parseItem = <T>(schema: z.core.$ZodType<T>, item: Record<string, unknown>, what: string): T =>
  parseStored(schema, item, () => `stored ${what} ${describeKey(item)}`);

/** Provider feedback on a message item, next to the `MessageItem` fields (see message-delivery.ts). */
export const DeliveryState = z.object({
  deliveryStatus: z.optional(
    z.enum(['delivered', 'opened', 'clicked', 'rejected', 'bounced', 'complained', 'undelivered']),
  ),
  deliveryRank: z.optional(z.int().check(z.nonnegative())),
  deliveryAt: z.optional(z.string()),
  deliveryDetail: z.optional(z.nullable(z.string())),
});

/** The first provider event of one delivery status (`firstOpened`, ...): when, and which event. */
export const FirstDelivery = z.object({ at: z.string(), eventId: z.string() });

/** The erasure tombstone. */
export const ErasureItem = z.object({ customerId: z.string(), erasedAt: z.string() });

/**
 * An address on the suppression list (see suppression-list.ts): suppressed when it has a `reason`;
 * `watchers` are the customers whose partitions mirror it, `markedAt` when they were all marked.
 */
export const SuppressionItem = z.object({
  channel: z.enum(['email', 'sms']),
  address: z.string(),
  reason: z.optional(z.string()),
  suppressedAt: z.optional(z.string()),
  updatedAt: z.optional(z.string()),
  watchers: z.optional(z.set(z.string())),
  markedAt: z.optional(z.string()),
});

/**
 * The suppression marks in a customer's partition: one attribute per checked address, named
 * `{channel}:{address}`, holding the reason it is suppressed or null. Parsed into channel →
 * address → reason.
 */
export const SuppressionMarksItem = z.pipe(
  z.record(z.string(), z.unknown()),
  z.transform((item) => {
    const marks: SuppressionMarks = {};
    for (const [name, value] of Object.entries(item)) {
      const colon = name.indexOf(':');
      const channel = name.slice(0, colon);
      if (colon < 0 || (channel !== 'email' && channel !== 'sms')) continue;
      if (value !== null && typeof value !== 'string') continue;
      marks[channel] = { ...marks[channel], [name.slice(colon + 1)]: value };
    }
    return marks;
  }),
);

/**
 * The customer's recent marketing sends (see contact-counter.ts): one attribute per send, named
 * `s:{messageId}`, holding its time. Parsed into message id → send time.
 */
export const ContactsItem = z.pipe(
  z.record(z.string(), z.unknown()),
  z.transform((item) =>
    Object.fromEntries(
      Object.entries(item)
        .filter(
          (entry): entry is [string, string] => entry[0].startsWith('s:') && typeof entry[1] === 'string',
        )
        .map(([name, at]) => [name.slice(2), at]),
    ),
  ),
);

/** Entries into a journey on one day (see entry-counter.ts). */
export const JourneyEntriesItem = z.object({ entries: z.int().check(z.nonnegative()) });
