import {
  AccountSuspendedException,
  BadRequestException,
  InternalServiceErrorException,
  LimitExceededException,
  MailFromDomainNotVerifiedException,
  MessageRejected,
  NotFoundException,
  SESv2Client,
  SESv2ServiceException,
  SendEmailCommand,
  SendingPausedException,
  TooManyRequestsException,
} from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  classifySesError,
  createSesClient,
  decodeTagValue,
  encodeTagValue,
  SesEmailSender,
  sanitizeTag,
} from '../../shared/adapters/ses/ses-email-sender.js';
import { SendDeferredError, SendRejectedError } from '../../shared/app/errors.js';
import type { OutgoingEmail } from '../../shared/app/ports.js';

const ses = mockClient(SESv2Client);
const noSleep = async () => {};

const email = (overrides: Partial<OutgoingEmail> = {}): OutgoingEmail => ({
  messageId: 'inst-1.invite.1',
  from: 'care@shop.example',
  to: 'alice@example.com',
  subject: 'How was your order? ✓',
  html: '<p>Tell us</p>',
  text: 'Tell us',
  ...overrides,
});

const meta = { $metadata: { httpStatusCode: 400 } };

const sender = (options: ConstructorParameters<typeof SesEmailSender>[1] = {}) =>
  new SesEmailSender(new SESv2Client({ region: 'us-east-1' }), { sleep: noSleep, ...options });

beforeEach(() => {
  ses.reset();
});
afterEach(() => {
  ses.reset();
});

describe('SesEmailSender request', () => {
  it('sends simple UTF-8 content and returns the SES message id', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-123' });

    const result = await sender().send(email());

    expect(result).toEqual({ providerMessageId: 'ses-123' });
    const input = ses.commandCalls(SendEmailCommand)[0]?.args[0].input;
    expect(input?.FromEmailAddress).toBe('care@shop.example');
    expect(input?.Destination).toEqual({ ToAddresses: ['alice@example.com'] });
    expect(input?.Content?.Simple).toEqual({
      Subject: { Data: 'How was your order? ✓', Charset: 'UTF-8' },
      Body: {
        Html: { Data: '<p>Tell us</p>', Charset: 'UTF-8' },
        Text: { Data: 'Tell us', Charset: 'UTF-8' },
      },
    });
    expect(input?.ConfigurationSetName).toBeUndefined();
  });

  it('passes custom headers through', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });

    await sender().send(
      email({
        headers: {
          'List-Unsubscribe': '<https://care.example/u/abc>',
          'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        },
      }),
    );

    expect(ses.commandCalls(SendEmailCommand)[0]?.args[0].input.Content?.Simple?.Headers).toEqual([
      { Name: 'List-Unsubscribe', Value: '<https://care.example/u/abc>' },
      { Name: 'List-Unsubscribe-Post', Value: 'List-Unsubscribe=One-Click' },
    ]);
  });

  it('maps tags to SES tags with sanitized values and adds a reversible messageId tag', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });

    await sender({ configurationSet: 'careflow' }).send(
      email({
        tags: { journey: 'post-purchase-survey', step: 'invite', 'odd key': 'a.b/c d', messageId: 'x' },
      }),
    );

    const input = ses.commandCalls(SendEmailCommand)[0]?.args[0].input;
    expect(input?.ConfigurationSetName).toBe('careflow');
    expect(input?.EmailTags).toEqual([
      { Name: 'journey', Value: 'post-purchase-survey' },
      { Name: 'step', Value: 'invite' },
      { Name: 'odd_key', Value: 'a_b_c_d' },
      { Name: 'messageId', Value: 'inst-1_2einvite_2e1' },
    ]);
    const tag = input?.EmailTags?.find((t) => t.Name === 'messageId');
    expect(decodeTagValue(tag?.Value ?? '')).toBe('inst-1.invite.1');
  });

  it('encodes the customerId tag reversibly, so SES events find the customer again', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });

    await sender({}).send(email({ tags: { customerId: 'shop.eu/c-42@x' } }));

    const tags = ses.commandCalls(SendEmailCommand)[0]?.args[0].input.EmailTags ?? [];
    const customerTag = tags.find((t) => t.Name === 'customerId');
    expect(customerTag?.Value).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeTagValue(customerTag?.Value ?? '')).toBe('shop.eu/c-42@x');
  });

  it('keeps every tag within the SES charset and length', () => {
    expect(sanitizeTag('x'.repeat(300))).toHaveLength(256);
    expect(sanitizeTag('Ä b:c')).toMatch(/^[A-Za-z0-9_-]+$/);
    for (const value of ['a_b', 'ümlaut.ß', 'c:1|2@3', '']) {
      const encoded = encodeTagValue(value);
      expect(encoded).toMatch(/^[A-Za-z0-9_-]*$/);
      expect(decodeTagValue(encoded)).toBe(value);
    }
  });

  it('refuses a message id too long for a tag without calling SES', async () => {
    await expect(sender().send(email({ messageId: 'x.'.repeat(100) }))).rejects.toBeInstanceOf(
      SendRejectedError,
    );
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });
});

describe('SesEmailSender error mapping', () => {
  const mapping: [string, Error, typeof SendRejectedError | typeof SendDeferredError][] = [
    [
      'MessageRejected',
      new MessageRejected({ message: 'Email address is not verified', ...meta }),
      SendRejectedError,
    ],
    [
      'MailFromDomainNotVerifiedException',
      new MailFromDomainNotVerifiedException({ message: 'not verified', ...meta }),
      SendRejectedError,
    ],
    ['BadRequestException', new BadRequestException({ message: 'bad header', ...meta }), SendRejectedError],
    [
      'NotFoundException',
      new NotFoundException({ message: 'no configuration set', ...meta }),
      SendRejectedError,
    ],
    [
      'AccountSuspendedException',
      new AccountSuspendedException({ message: 'suspended', ...meta }),
      SendRejectedError,
    ],
    [
      'TooManyRequestsException',
      new TooManyRequestsException({
        message: 'Maximum sending rate exceeded',
        $metadata: { httpStatusCode: 429 },
      }),
      SendDeferredError,
    ],
    [
      'LimitExceededException',
      new LimitExceededException({ message: 'Daily message quota exceeded', ...meta }),
      SendDeferredError,
    ],
    ['SendingPausedException', new SendingPausedException({ message: 'paused', ...meta }), SendDeferredError],
    [
      'ThrottlingException',
      new SESv2ServiceException({
        name: 'ThrottlingException',
        $fault: 'client',
        message: 'Rate exceeded',
        $metadata: { httpStatusCode: 400 },
      }),
      SendDeferredError,
    ],
    [
      'connection refused',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
      SendDeferredError,
    ],
  ];

  it.each(mapping.map(([name, error, expected]) => ({ name, error, expected, outcome: expected.name })))(
    '$name → $outcome',
    async ({ error, expected }) => {
      ses.on(SendEmailCommand).rejects(error);

      const failure = await sender({ throttleRetries: 0 })
        .send(email())
        .catch((e: unknown) => e);

      expect(failure).toBeInstanceOf(expected);
      expect((failure as Error).cause).toBe(error);
    },
  );

  it.each([
    [
      'InternalServiceErrorException (5xx: SES may have sent)',
      new InternalServiceErrorException({ message: 'internal', $metadata: { httpStatusCode: 500 } }),
    ],
    ['a timeout', Object.assign(new Error('socket timed out'), { name: 'TimeoutError' })],
    ['a reset connection', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
    [
      'an unknown service error',
      new SESv2ServiceException({ name: 'Weird', $fault: 'server', $metadata: {} }),
    ],
  ])('rethrows %s unchanged: the outcome is unknown', async (_name, error) => {
    ses.on(SendEmailCommand).rejects(error);

    const failure = await sender()
      .send(email())
      .catch((e: unknown) => e);

    expect(failure).toBe(error);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
  });

  it('treats a 200 answer without a message id as unknown, not as a failure to retry', async () => {
    ses.on(SendEmailCommand).resolves({});

    const failure = await sender()
      .send(email())
      .catch((e: unknown) => e);

    expect(failure).toBeInstanceOf(Error);
    expect(failure).not.toBeInstanceOf(SendDeferredError);
    expect(failure).not.toBeInstanceOf(SendRejectedError);
  });

  it('retries a throttled send with backoff, then succeeds', async () => {
    const throttled = new TooManyRequestsException({
      message: 'slow down',
      $metadata: { httpStatusCode: 429 },
    });
    ses.on(SendEmailCommand).rejectsOnce(throttled).rejectsOnce(throttled).resolves({ MessageId: 'ses-9' });
    const sleeps: number[] = [];

    const result = await sender({
      throttleRetries: 2,
      throttleBaseDelayMs: 50,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    }).send(email());

    expect(result.providerMessageId).toBe('ses-9');
    expect(sleeps).toEqual([50, 100]);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(3);
  });

  it('gives up on throttling after the configured retries with SendDeferredError', async () => {
    ses
      .on(SendEmailCommand)
      .rejects(new TooManyRequestsException({ message: 'slow down', $metadata: { httpStatusCode: 429 } }));

    await expect(sender({ throttleRetries: 2 }).send(email())).rejects.toBeInstanceOf(SendDeferredError);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(3);
  });

  it('does not retry a paused account or an exhausted quota in process', async () => {
    ses.on(SendEmailCommand).rejects(new SendingPausedException({ message: 'paused', ...meta }));

    await expect(sender({ throttleRetries: 5 }).send(email())).rejects.toBeInstanceOf(SendDeferredError);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
  });

  it('classifies errors flagged as throttling or HTTP 429 by the SDK as deferred', () => {
    expect(classifySesError({ name: 'Whatever', $retryable: { throttling: true } })).toBe('deferred');
    expect(classifySesError({ name: 'Whatever', $metadata: { httpStatusCode: 429 } })).toBe('deferred');
    expect(classifySesError('a string')).toBe('unknown');
  });
});

describe('createSesClient', () => {
  it('builds a client that never retries on its own', async () => {
    const client = createSesClient({ region: 'eu-west-1' });
    expect(await client.config.maxAttempts()).toBe(1);
    expect(await client.config.region()).toBe('eu-west-1');
    client.destroy();
  });
});
