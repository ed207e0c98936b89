import {
  AuthorizationErrorException,
  CheckIfPhoneNumberIsOptedOutCommand,
  InternalErrorException,
  InvalidParameterException,
  InvalidParameterValueException,
  OptedOutException,
  PublishCommand,
  SNSClient,
  ThrottledException,
  ValidationException,
} from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  classifySnsError,
  createSnsClient,
  SnsSmsSender,
  type SnsSmsSenderOptions,
} from '../../shared/adapters/sns/sns-sms-sender.js';
import { SendDeferredError, SendRejectedError } from '../../shared/app/errors.js';
import { RecipientOptedOutError } from '../../shared/app/feedback/errors.js';
import type { OutgoingSms } from '../../shared/app/ports.js';
import { loadConfig } from '../../shared/config/config.js';

const sns = mockClient(SNSClient);
const meta = { $metadata: { httpStatusCode: 400 } };

const sms = (overrides: Partial<OutgoingSms> = {}): OutgoingSms => ({
  messageId: 'i-1.remind.1',
  to: '+4915112345678',
  text: 'Your parcel is on its way.',
  category: 'care',
  ...overrides,
});

const sleeps: number[] = [];
const sender = (options: SnsSmsSenderOptions = {}) =>
  new SnsSmsSender(new SNSClient({ region: 'eu-west-1' }), {
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...options,
  });

beforeEach(() => {
  sns.reset();
  sleeps.length = 0;
  sns.on(CheckIfPhoneNumberIsOptedOutCommand).resolves({ isOptedOut: false });
});
afterEach(() => {
  sns.reset();
});

describe('SnsSmsSender request', () => {
  it('publishes to the phone number and returns the SNS message id', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'sns-1' });

    expect(await sender().send(sms())).toEqual({ providerMessageId: 'sns-1' });

    expect(sns.commandCalls(PublishCommand)[0]?.args[0].input).toEqual({
      PhoneNumber: '+4915112345678',
      Message: 'Your parcel is on its way.',
      MessageAttributes: { 'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' } },
    });
  });

  it.each([
    ['care', 'Transactional'],
    ['marketing', 'Promotional'],
  ] as const)('sends %s SMS as %s', async (category, type) => {
    sns.on(PublishCommand).resolves({ MessageId: 'sns-1' });
    await sender().send(sms({ category }));
    const attributes = sns.commandCalls(PublishCommand)[0]?.args[0].input.MessageAttributes;
    expect(attributes?.['AWS.SNS.SMS.SMSType']?.StringValue).toBe(type);
  });

  it('adds the sender id and the origination number when configured', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'sns-1' });
    await sender({ senderId: 'MyShop', originationNumber: '+12065550100' }).send(sms());
    const attributes = sns.commandCalls(PublishCommand)[0]?.args[0].input.MessageAttributes;
    expect(attributes?.['AWS.SNS.SMS.SenderID']).toEqual({ DataType: 'String', StringValue: 'MyShop' });
    expect(attributes?.['AWS.MM.SMS.OriginationNumber']).toEqual({
      DataType: 'String',
      StringValue: '+12065550100',
    });
  });

  it('treats a 200 without a MessageId as unknown: SNS accepted something, so it is never resent', async () => {
    sns.on(PublishCommand).resolves({});
    const error = await sender()
      .send(sms())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(SendRejectedError);
    expect(error).not.toBeInstanceOf(SendDeferredError);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
  });
});

describe('SnsSmsSender opt-outs', () => {
  it('does not publish to a number that opted out, and says so', async () => {
    sns.on(CheckIfPhoneNumberIsOptedOutCommand).resolves({ isOptedOut: true });
    sns.on(PublishCommand).resolves({ MessageId: 'sns-1' });

    const error = await sender()
      .send(sms())
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RecipientOptedOutError);
    expect(error).toBeInstanceOf(SendRejectedError);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
    expect(sns.commandCalls(CheckIfPhoneNumberIsOptedOutCommand)[0]?.args[0].input).toEqual({
      phoneNumber: '+4915112345678',
    });
  });

  it.each([
    ['all', 'care', 1],
    ['all', 'marketing', 1],
    ['marketing', 'care', 0],
    ['marketing', 'marketing', 1],
    ['none', 'marketing', 0],
  ] as const)('with optOutCheck %s, checks a %s SMS %i time(s)', async (optOutCheck, category, checks) => {
    sns.on(PublishCommand).resolves({ MessageId: 'sns-1' });
    await sender({ optOutCheck }).send(sms({ category }));
    expect(sns.commandCalls(CheckIfPhoneNumberIsOptedOutCommand)).toHaveLength(checks);
  });

  it('maps an OptedOutException from Publish to an opt-out', async () => {
    sns.on(PublishCommand).rejects(new OptedOutException({ message: 'opted out', ...meta }));
    await expect(sender({ optOutCheck: 'none' }).send(sms())).rejects.toBeInstanceOf(RecipientOptedOutError);
  });

  it('defers when the check is throttled past its retries, without publishing', async () => {
    sns
      .on(CheckIfPhoneNumberIsOptedOutCommand)
      .rejects(new ThrottledException({ message: 'slow down', ...meta }));
    sns.on(PublishCommand).resolves({ MessageId: 'sns-1' });
    await expect(sender().send(sms())).rejects.toBeInstanceOf(SendDeferredError);
    expect(sns.commandCalls(CheckIfPhoneNumberIsOptedOutCommand)).toHaveLength(3);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it('defers, never "unknown", when the check fails with a server error: nothing was sent yet', async () => {
    sns
      .on(CheckIfPhoneNumberIsOptedOutCommand)
      .rejects(new InternalErrorException({ message: 'oops', $metadata: { httpStatusCode: 500 } }));
    await expect(sender().send(sms())).rejects.toBeInstanceOf(SendDeferredError);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it('rejects when the check is refused (missing permission), so a FIFO group is not blocked', async () => {
    sns
      .on(CheckIfPhoneNumberIsOptedOutCommand)
      .rejects(new AuthorizationErrorException({ message: 'no', ...meta }));
    await expect(sender().send(sms())).rejects.toBeInstanceOf(SendRejectedError);
  });
});

describe('SnsSmsSender error mapping (at most once)', () => {
  it.each([
    ['InvalidParameterException', new InvalidParameterException({ message: 'bad number', ...meta })],
    ['InvalidParameterValueException', new InvalidParameterValueException({ message: 'too long', ...meta })],
    ['ValidationException', new ValidationException({ message: 'invalid', Message: 'invalid', ...meta })],
    ['AuthorizationErrorException', new AuthorizationErrorException({ message: 'sandbox', ...meta })],
  ])('%s is a rejection, sent once', async (_name, error) => {
    sns.on(PublishCommand).rejects(error);
    await expect(sender().send(sms())).rejects.toBeInstanceOf(SendRejectedError);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
  });

  it('retries throttling in process, with backoff, and succeeds', async () => {
    sns
      .on(PublishCommand)
      .rejectsOnce(new ThrottledException({ message: 'slow down', ...meta }))
      .resolves({ MessageId: 'sns-2' });
    expect(await sender().send(sms())).toEqual({ providerMessageId: 'sns-2' });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(2);
    expect(sleeps).toEqual([200]);
  });

  it('defers after the throttling retries: SNS certainly did not send', async () => {
    sns.on(PublishCommand).rejects(new ThrottledException({ message: 'slow down', ...meta }));
    await expect(sender({ throttleRetries: 2 }).send(sms())).rejects.toBeInstanceOf(SendDeferredError);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(3);
    expect(sleeps).toEqual([200, 400]);
  });

  it.each([
    ['an HTTP 429', Object.assign(new Error('Too Many Requests'), { $metadata: { httpStatusCode: 429 } })],
    [
      'a throttling-retryable error',
      Object.assign(new Error('Rate exceeded'), { $retryable: { throttling: true } }),
    ],
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })],
  ])('defers on %s', (_name, error) => {
    expect(classifySnsError(error)).toBe('deferred');
  });

  it.each([
    [
      'InternalErrorException (5xx)',
      new InternalErrorException({ message: 'oops', $metadata: { httpStatusCode: 500 } }),
    ],
    ['a timeout', Object.assign(new Error('timed out'), { name: 'TimeoutError' })],
    ['a reset connection', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
  ])('rethrows %s unchanged (outcome unknown) and never resends', async (_name, error) => {
    sns.on(PublishCommand).rejects(error);
    const thrown = await sender()
      .send(sms())
      .catch((e: unknown) => e);
    expect(thrown).toBe(error);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
  });
});

describe('createSnsClient', () => {
  it('never lets the SDK retry a Publish', async () => {
    const client = createSnsClient({ region: 'eu-west-1' });
    expect(await client.config.maxAttempts()).toBe(1);
  });
});

describe('SMS settings (environment)', () => {
  it.each([
    ['CAREFLOW_SMS_SENDER_ID', 'MyShop', { smsSenderId: 'MyShop' }],
    ['CAREFLOW_SMS_ORIGINATION_NUMBER', '+12065550100', { smsOriginationNumber: '+12065550100' }],
    [
      'CAREFLOW_SMS_ORIGINATION_NUMBER',
      'arn:aws:sms-voice:eu-west-1:123456789012:phone-number/phone-0123',
      { smsOriginationNumber: 'arn:aws:sms-voice:eu-west-1:123456789012:phone-number/phone-0123' },
    ],
  ])('accepts %s=%s', (name, value, expected) => {
    expect(loadConfig({ [name]: value })).toMatchObject(expected);
  });

  it.each([
    ['CAREFLOW_SMS_SENDER_ID', 'My Shop'],
    ['CAREFLOW_SMS_SENDER_ID', 'TwelveLetter'],
    ['CAREFLOW_SMS_SENDER_ID', '12345'],
    ['CAREFLOW_SMS_ORIGINATION_NUMBER', '004915112345678'],
  ])('refuses %s=%s at cold start, naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });
});
