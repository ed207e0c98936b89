import { createHash } from 'node:crypto';

/**
 * What SQS FIFO accepts as `MessageGroupId` and as `MessageDeduplicationId`: 1 to 128 characters,
 * each alphanumeric or punctuation (!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~) — together exactly the
 * printable ASCII characters from `!` (0x21) to `~` (0x7E). No space, no control character,
 * nothing outside ASCII.
 */
const FIFO_ID = /^[\x21-\x7e]{1,128}$/;

/** Whether SQS would take `value` as a FIFO message group id or deduplication id. */
export const isValidFifoId = (value: string): boolean => FIFO_ID.test(value);

/**
 * Marks an encoded id. Valid ids that start with it are encoded as well, so an encoded id can only
 * ever equal another encoded id (a SHA-256 collision), never an id that was kept as it is.
 */
export const ENCODED_FIFO_ID_PREFIX = '~sha256:';

/**
 * `value` itself when SQS takes it and it does not start with ENCODED_FIFO_ID_PREFIX; otherwise
 * the prefix and the base64url SHA-256 of the string's UTF-16 code units (51 characters).
 *
 * Why a hash and not percent-encoding: an escaped id can outgrow 128 characters (a 128-character
 * id of non-ASCII letters grows to 768 or more), so it needs a hash fallback anyway, and the
 * escape character itself would have to be escaped in ids that are valid today, moving their
 * groups. One rule with a fixed length is simpler and keeps every valid id as it is, so queues
 * and in-flight messages keep their groups. The hash covers the UTF-16 code units (not UTF-8),
 * so even strings with lone surrogates, which UTF-8 would fold into one replacement character,
 * stay apart. Ids are not secret: no key, the same input always gives the same output.
 */
const toFifoId = (value: string): string =>
  isValidFifoId(value) && !value.startsWith(ENCODED_FIFO_ID_PREFIX)
    ? value
    : `${ENCODED_FIFO_ID_PREFIX}${createHash('sha256').update(value, 'utf16le').digest('base64url')}`;

/**
 * The FIFO message group of a customer: every message about one customer (events, wake-ups,
 * redriven messages) must carry this group, so SQS hands them to one writer at a time, in order.
 */
export const messageGroupIdOf = (customerId: string): string => toFifoId(customerId);

/** The FIFO deduplication id of an event: its id (a UUID from EventBridge), encoded if SQS would refuse it. */
export const deduplicationIdOf = (eventId: string): string => toFifoId(eventId);
