import {
  CheckIfPhoneNumberIsOptedOutCommand,
  type MessageAttributeValue,
  PublishCommand,
  type PublishCommandInput,
  SNSClient,
  type SNSClientConfig,
} from '@aws-sdk/client-sns';
import { SendDeferredError, SendRejectedError } from '../../app/errors.js';
import { RecipientOptedOutError } from '../../app/feedback/errors.js';
import type { OutgoingSms, SmsSender } from '../../app/ports.js';
import {
  atMostOnceClientConfig,
  certainlyNotSent,
  errorName,
  type SendTimeouts,
} from '../at-most-once-client.js';

/**
 * SNS adapter of the SmsSender port: `Publish` to a phone number.
 *
 * At most once, like email (docs/decisions/0002-at-most-once-email.md and
 * 0032-sms-through-sns.md): `Publish` takes no idempotency token, so this adapter only repeats a
 * call SNS certainly refused (throttling), and the client built by `createSnsClient` never
 * retries on its own.
 */

/** SNS's message attributes for SMS (names from the SNS SMS documentation). */
export const SMS_TYPE_ATTRIBUTE = 'AWS.SNS.SMS.SMSType';
export const SENDER_ID_ATTRIBUTE = 'AWS.SNS.SMS.SenderID';
export const ORIGINATION_NUMBER_ATTRIBUTE = 'AWS.MM.SMS.OriginationNumber';

/** Care messages are transactional (delivery first); marketing is promotional (cost first). */
export const smsType = (category: OutgoingSms['category']): 'Transactional' | 'Promotional' =>
  category === 'care' ? 'Transactional' : 'Promotional';

/** The number opted out of SMS from this account: careflow suppresses it. */
const OPTED_OUT_ERRORS: ReadonlySet<string> = new Set(['OptedOutException', 'OptedOut']);

/**
 * SNS refused the message for good: the same request cannot succeed (invalid number or text,
 * missing permission or sandbox verification, disabled endpoint). Logged as failed.
 */
export const REJECTED_ERRORS: ReadonlySet<string> = new Set([
  'InvalidParameterException',
  'InvalidParameterValueException',
  'InvalidParameter',
  'ValidationException',
  'AuthorizationErrorException',
  'AuthorizationError',
  'EndpointDisabledException',
  'NotFoundException',
  'PlatformApplicationDisabledException',
  'InvalidSecurityException',
  'KMSAccessDeniedException',
  'KMSDisabledException',
  'KMSInvalidStateException',
  'KMSNotFoundException',
  'KMSOptInRequired',
]);

/** SNS certainly did not send, and a later attempt may succeed. */
export const DEFERRED_ERRORS: ReadonlySet<string> = new Set([
  'ThrottledException',
  'Throttled',
  'Throttling',
  'ThrottlingException',
  'KMSThrottlingException',
  'TooManyRequestsException',
  'RequestThrottled',
  'RequestLimitExceeded',
]);

export type SnsErrorClass = 'opted-out' | 'rejected' | 'deferred' | 'unknown';

/** How an SNS failure must be treated; 'unknown' means SNS may have sent the message. */
export const classifySnsError = (error: unknown): SnsErrorClass => {
  const name = errorName(error);
  if (OPTED_OUT_ERRORS.has(name)) return 'opted-out';
  if (REJECTED_ERRORS.has(name)) return 'rejected';
  if (DEFERRED_ERRORS.has(name) || certainlyNotSent(error)) return 'deferred';
  return 'unknown';
};

export interface SnsSmsSenderOptions {
  /** Alphanumeric sender id, where the destination country supports one (1–11 characters). */
  senderId?: string;
  /** The origination number (E.164) or its ARN, from End User Messaging SMS. */
  originationNumber?: string;
  /**
   * Which messages first ask SNS whether the number opted out (`CheckIfPhoneNumberIsOptedOut`).
   * SNS accepts a Publish to an opted-out number and drops it silently, so without the check the
   * log would say `sent`. Default `all`.
   */
  optOutCheck?: 'all' | 'marketing' | 'none';
  /** Further attempts of a throttled call before a SendDeferredError. Default 2. */
  throttleRetries?: number;
  /** Base delay of the exponential backoff between throttled attempts, in ms. Default 200. */
  throttleBaseDelayMs?: number;
  /** Injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class SnsSmsSender implements SmsSender {
  private readonly optOutCheck: NonNullable<SnsSmsSenderOptions['optOutCheck']>;
  private readonly throttleRetries: number;
  private readonly baseDelayMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly client: SNSClient,
    private readonly options: SnsSmsSenderOptions = {},
  ) {
    this.optOutCheck = options.optOutCheck ?? 'all';
    this.throttleRetries = options.throttleRetries ?? 2;
    this.baseDelayMs = options.throttleBaseDelayMs ?? 200;
    this.sleep = options.sleep ?? defaultSleep;
  }

  async send(sms: OutgoingSms): Promise<{ providerMessageId: string }> {
    if (this.optOutCheck === 'all' || (this.optOutCheck === 'marketing' && sms.category === 'marketing')) {
      await this.checkOptedOut(sms);
    }
    const command = new PublishCommand(this.buildRequest(sms));
    for (let attempt = 0; ; attempt++) {
      try {
        const output = await this.client.send(command);
        // SNS answered 200 without an id: it accepted something, so never resend.
        if (!output.MessageId) throw new Error('SNS Publish returned no MessageId');
        return { providerMessageId: output.MessageId };
      } catch (error) {
        const kind = classifySnsError(error);
        const name = errorName(error);
        if (kind === 'opted-out') {
          throw new RecipientOptedOutError('sms', `the phone number opted out of SMS (${name})`, {
            cause: error,
          });
        }
        if (kind === 'rejected')
          throw new SendRejectedError(`SNS refused the SMS (${name})`, { cause: error });
        if (kind === 'deferred') {
          if (attempt < this.throttleRetries) {
            await this.sleep(this.baseDelayMs * 2 ** attempt);
            continue;
          }
          throw new SendDeferredError(`SNS did not send the SMS (${name}); a retry may succeed`, {
            cause: error,
          });
        }
        throw error;
      }
    }
  }

  /**
   * Nothing has been sent while checking, so a failed check is never `unknown`: a refused one
   * (e.g. no permission) is rejected like a refused Publish, anything else defers the message.
   */
  private async checkOptedOut(sms: OutgoingSms): Promise<void> {
    const command = new CheckIfPhoneNumberIsOptedOutCommand({ phoneNumber: sms.to });
    for (let attempt = 0; ; attempt++) {
      try {
        const output = await this.client.send(command);
        if (output.isOptedOut === true) {
          throw new RecipientOptedOutError('sms', 'the phone number opted out of SMS from this account');
        }
        return;
      } catch (error) {
        if (error instanceof RecipientOptedOutError) throw error;
        const kind = classifySnsError(error);
        const name = errorName(error);
        if (kind === 'opted-out') {
          throw new RecipientOptedOutError('sms', `the phone number opted out of SMS (${name})`, {
            cause: error,
          });
        }
        if (kind === 'rejected') {
          throw new SendRejectedError(`SNS refused the opt-out check (${name})`, { cause: error });
        }
        if (kind === 'deferred' && attempt < this.throttleRetries) {
          await this.sleep(this.baseDelayMs * 2 ** attempt);
          continue;
        }
        throw new SendDeferredError(
          `could not check whether the number opted out (${name}); nothing was sent`,
          {
            cause: error,
          },
        );
      }
    }
  }

  private buildRequest(sms: OutgoingSms): PublishCommandInput {
    const attributes: Record<string, MessageAttributeValue> = {
      [SMS_TYPE_ATTRIBUTE]: { DataType: 'String', StringValue: smsType(sms.category) },
    };
    if (this.options.senderId) {
      attributes[SENDER_ID_ATTRIBUTE] = { DataType: 'String', StringValue: this.options.senderId };
    }
    if (this.options.originationNumber) {
      attributes[ORIGINATION_NUMBER_ATTRIBUTE] = {
        DataType: 'String',
        StringValue: this.options.originationNumber,
      };
    }
    return { PhoneNumber: sms.to, Message: sms.text, MessageAttributes: attributes };
  }
}

export type SnsClientOptions = Omit<SNSClientConfig, 'maxAttempts' | 'retryStrategy' | 'retryMode'> &
  SendTimeouts;

/** The SNSClient careflow sends with: no SDK retries, bounded waits (see atMostOnceClientConfig). */
export const createSnsClient = (options: SnsClientOptions = {}): SNSClient =>
  new SNSClient(atMostOnceClientConfig(options));
