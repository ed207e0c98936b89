import {
  type MessageHeader,
  type MessageTag,
  SESv2Client,
  type SESv2ClientConfig,
  SendEmailCommand,
  type SendEmailCommandInput,
} from '@aws-sdk/client-sesv2';
import { SendDeferredError, SendRejectedError } from '../../app/errors.js';
import type { EmailSender, OutgoingEmail } from '../../app/ports.js';
import {
  atMostOnceClientConfig,
  certainlyNotSent,
  errorName,
  type SendTimeouts,
} from '../at-most-once-client.js';

/**
 * SES v2 adapter of the EmailSender port.
 *
 * At most once (docs/decisions/0002-at-most-once-email.md): SendEmail takes no idempotency
 * token, so this adapter only ever repeats a call that SES *certainly* refused (throttling),
 * and the client built by `createSesClient` never retries on its own.
 */

/** SES tag names and values: letters, digits, `_` and `-`, at most 256 characters. */
const TAG_MAX = 256;

/** Name of the tag that carries careflow's message id, so SES events map back to the log. */
export const MESSAGE_ID_TAG = 'messageId';
/** Tags whose values are encoded with `encodeTagValue` so `decodeTagValue` restores them exactly. */
export const REVERSIBLE_TAGS: ReadonlySet<string> = new Set(['customerId']);

/** Make a string a valid SES tag name or value (lossy: other characters become `_`). */
export const sanitizeTag = (value: string): string => value.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, TAG_MAX);

/**
 * Reversible encoding of a string into the SES tag charset: letters, digits and `-` stay,
 * every other byte (including `_`) becomes `_` and two lower-case hex digits.
 * `a.b_c` → `a_2eb_5fc`. Used for the message id, which must map back exactly.
 */
export const encodeTagValue = (value: string): string => {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const char = String.fromCharCode(byte);
    out += /[A-Za-z0-9-]/.test(char) ? char : `_${byte.toString(16).padStart(2, '0')}`;
  }
  return out;
};

/** Inverse of `encodeTagValue` (e.g. for the `messageId` tag of an SES event). */
export const decodeTagValue = (value: string): string => {
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const char = value.charAt(i);
    if (char === '_') {
      const hex = value.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new Error(`not an encoded tag value: ${value}`);
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(char.charCodeAt(0));
    }
  }
  return Buffer.from(bytes).toString('utf8');
};

/**
 * SES refused this message for good: retrying the same request cannot succeed (invalid
 * content or address, unverified sender, missing configuration set, suspended account).
 * The message is recorded as failed with the SES error name as reason.
 */
export const REJECTED_ERRORS: ReadonlySet<string> = new Set([
  'MessageRejected',
  'MailFromDomainNotVerifiedException',
  'BadRequestException',
  'NotFoundException',
  'AccountSuspendedException',
]);

/** SES certainly did not send, and a later attempt may succeed (rate, quota, pause). */
export const DEFERRED_ERRORS: ReadonlySet<string> = new Set([
  'TooManyRequestsException',
  'LimitExceededException',
  'SendingPausedException',
  // Generic throttling names the SDK may surface for a 429 or a throttled endpoint.
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'RequestLimitExceeded',
  'SlowDown',
]);

type Classification = 'rejected' | 'deferred' | 'unknown';

/** How a SendEmail failure must be treated; 'unknown' means SES may have sent the message. */
export const classifySesError = (error: unknown): Classification => {
  const name = errorName(error);
  if (REJECTED_ERRORS.has(name)) return 'rejected';
  if (DEFERRED_ERRORS.has(name) || certainlyNotSent(error)) return 'deferred';
  return 'unknown';
};

export interface SesEmailSenderOptions {
  configurationSet?: string;
  /**
   * How many more times to try a send that SES throttled (TooManyRequestsException) before
   * handing a SendDeferredError to the caller. Safe: a throttled request was not sent. Default 2.
   */
  throttleRetries?: number;
  /** Base delay of the exponential backoff between throttled attempts, in ms. Default 200. */
  throttleBaseDelayMs?: number;
  /** Injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class SesEmailSender implements EmailSender {
  private readonly throttleRetries: number;
  private readonly baseDelayMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly client: SESv2Client,
    private readonly options: SesEmailSenderOptions = {},
  ) {
    this.throttleRetries = options.throttleRetries ?? 2;
    this.baseDelayMs = options.throttleBaseDelayMs ?? 200;
    this.sleep = options.sleep ?? defaultSleep;
  }

  async send(email: OutgoingEmail): Promise<{ providerMessageId: string }> {
    const command = new SendEmailCommand(this.buildRequest(email));
    for (let attempt = 0; ; attempt++) {
      try {
        const output = await this.client.send(command);
        if (!output.MessageId) {
          // SES answered 200 without an id: it accepted the message, so never resend.
          throw new Error('SES SendEmail returned no MessageId');
        }
        return { providerMessageId: output.MessageId };
      } catch (error) {
        const kind = classifySesError(error);
        const name = errorName(error);
        if (kind === 'rejected') {
          throw new SendRejectedError(`SES refused the message (${name})`, { cause: error });
        }
        if (kind === 'deferred') {
          if (name === 'TooManyRequestsException' && attempt < this.throttleRetries) {
            await this.sleep(this.baseDelayMs * 2 ** attempt);
            continue;
          }
          throw new SendDeferredError(`SES did not send the message (${name}); a retry may succeed`, {
            cause: error,
          });
        }
        throw error;
      }
    }
  }

  private buildRequest(email: OutgoingEmail): SendEmailCommandInput {
    const messageIdTag = encodeTagValue(email.messageId);
    if (messageIdTag.length > TAG_MAX) {
      throw new SendRejectedError(
        `message id is too long for an SES tag (${messageIdTag.length} > ${TAG_MAX} characters encoded)`,
      );
    }
    const tags: MessageTag[] = [];
    for (const [name, value] of Object.entries(email.tags ?? {})) {
      const tagName = sanitizeTag(name);
      // Ids that SES events must map back exactly are encoded reversibly; the rest are sanitized.
      const tagValue = REVERSIBLE_TAGS.has(tagName) ? encodeTagValue(value) : sanitizeTag(value);
      if (!tagName || !tagValue || tagName === MESSAGE_ID_TAG) continue;
      tags.push({ Name: tagName, Value: tagValue });
    }
    tags.push({ Name: MESSAGE_ID_TAG, Value: messageIdTag });
    const headers: MessageHeader[] = Object.entries(email.headers ?? {}).map(([Name, Value]) => ({
      Name,
      Value,
    }));
    return {
      FromEmailAddress: email.from,
      Destination: { ToAddresses: [email.to] },
      Content: {
        Simple: {
          Subject: { Data: email.subject, Charset: 'UTF-8' },
          Body: {
            Html: { Data: email.html, Charset: 'UTF-8' },
            Text: { Data: email.text, Charset: 'UTF-8' },
          },
          ...(headers.length > 0 ? { Headers: headers } : {}),
        },
      },
      EmailTags: tags,
      ...(this.options.configurationSet ? { ConfigurationSetName: this.options.configurationSet } : {}),
    };
  }
}

export type SesClientOptions = Omit<SESv2ClientConfig, 'maxAttempts' | 'retryStrategy' | 'retryMode'> &
  SendTimeouts;

/** The SESv2Client careflow sends with: no SDK retries, bounded waits (see atMostOnceClientConfig). */
export const createSesClient = (options: SesClientOptions = {}): SESv2Client =>
  new SESv2Client(atMostOnceClientConfig(options));
