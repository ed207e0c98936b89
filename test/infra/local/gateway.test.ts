import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PublishCommand } from '@aws-sdk/client-sns';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseSesEvent } from '../../../functions/feedback/ses-event.js';
import { LocalBus } from '../../../infra/local/bus.js';
import { LocalClock } from '../../../infra/local/clock.js';
import { LocalFifoQueue } from '../../../infra/local/fifo-queue.js';
import { createGateway } from '../../../infra/local/gateway.js';
import { LocalListQueue } from '../../../infra/local/list-queue.js';
import { LocalScheduler } from '../../../infra/local/scheduler.js';
import { LocalSentMail } from '../../../infra/local/ses-events.js';
import { startSesLocal } from '../../../infra/local/ses-local.js';
import { LocalSmsOutbox } from '../../../infra/local/sms-outbox.js';
import { sesEventRoute } from '../../../infra/routes.js';
import { createSesClient, SesEmailSender } from '../../../shared/adapters/ses/ses-email-sender.js';
import { createSnsClient, SnsSmsSender } from '../../../shared/adapters/sns/sns-sms-sender.js';
import { lazySqsClient, SqsMessageVisibility } from '../../../shared/adapters/sqs/message-visibility.js';
import { SendRejectedError } from '../../../shared/app/errors.js';
import { RecipientOptedOutError } from '../../../shared/app/feedback/errors.js';
import type { OutgoingSms } from '../../../shared/app/ports.js';
import type { BusEvent } from '../../../shared/domain/events/envelope.js';

/**
 * The local gateway's SNS and SES parts, driven through the real AWS SDK clients and careflow's
 * own senders, as the processor drives them on the local stack.
 */
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const clock = new LocalClock(Date.parse('2026-11-03T09:00:00.000Z') - Date.now());
const bus = new LocalBus(clock);
const queue = new LocalFifoQueue('arn:aws:sqs:local:000000000000:customers.fifo', clock);
const sms = new LocalSmsOutbox(clock, null);
/** What the SES route of the local stack delivers (to the feedback function there). */
const sesEvents: BusEvent[] = [];
bus.addRoute('ses-events', { ...sesEventRoute('careflow-local').pattern }, async (event) => {
  sesEvents.push(event);
});

let server: Server;
let baseUrl: string;
let ses: Awaited<ReturnType<typeof startSesLocal>>;

beforeAll(async () => {
  ses = await startSesLocal(0);
  server = createGateway({
    bus,
    queue,
    queues: { 'customers.fifo': queue },
    invalidEvents: new LocalListQueue(),
    scheduler: new LocalScheduler(clock, queue, null),
    clock,
    sms,
    ses: { url: ses.url, sentMail: new LocalSentMail(), account: '000000000000', region: 'us-east-1' },
    handlers: {
      survey: () => Promise.reject(new Error('not served here')),
      api: () => Promise.reject(new Error('not served here')),
      unsubscribe: () => Promise.reject(new Error('not served here')),
    },
    isReady: () => true,
    adminToken: 'gateway-test-token-0123456789',
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((closed) => server.close(() => closed()));
  server.closeAllConnections();
  await ses.stop();
});

const snsClient = () => createSnsClient({ endpoint: baseUrl, region: 'us-east-1', credentials });

const anSms = (to: string, overrides: Partial<OutgoingSms> = {}): OutgoingSms => ({
  messageId: `inst-1.notify.${to}`,
  to,
  text: 'Your parcel arrives today between 10:00 and 12:00.',
  category: 'care',
  ...overrides,
});

const outbox = async () =>
  (await (await fetch(`${baseUrl}/_local/sms`)).json()) as {
    messages: {
      messageId: string;
      phoneNumber: string;
      message: string;
      smsType: string | null;
      senderId: string | null;
      dropped: string | null;
    }[];
    optedOut: string[];
  };

const optOut = (phoneNumber: unknown) =>
  fetch(`${baseUrl}/_local/sms/opt-out`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ phoneNumber }),
  });

describe('SMS on the local stack: SNS on its own wire protocol', () => {
  it('takes a Publish from the SNS SDK into the outbox, with the SMS type and sender id, newest first', async () => {
    const sender = new SnsSmsSender(snsClient(), { senderId: 'careflow' });

    const first = await sender.send(anSms('+4915112345601'));
    await sender.send(anSms('+4915112345602', { text: 'Spring sale: 20% off', category: 'marketing' }));

    const { messages } = await outbox();
    expect(messages.slice(0, 2)).toEqual([
      expect.objectContaining({
        phoneNumber: '+4915112345602',
        message: 'Spring sale: 20% off',
        smsType: 'Promotional',
        senderId: 'careflow',
        dropped: null,
      }),
      expect.objectContaining({
        messageId: first.providerMessageId,
        phoneNumber: '+4915112345601',
        message: 'Your parcel arrives today between 10:00 and 12:00.',
        smsType: 'Transactional',
        publishedAt: expect.stringMatching(/^2026-11-03T09:/),
      }),
    ]);
  });

  it('reports a number that opted out, so the sender refuses before publishing; OptInPhoneNumber lifts it', async () => {
    const sender = new SnsSmsSender(snsClient(), { senderId: 'careflow' });
    expect((await optOut('+4915112345603')).status).toBe(200);
    const before = (await outbox()).messages.length;

    await expect(sender.send(anSms('+4915112345603'))).rejects.toBeInstanceOf(RecipientOptedOutError);
    expect((await outbox()).messages).toHaveLength(before);
    expect((await outbox()).optedOut).toContain('+4915112345603');

    const optIn = await fetch(baseUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=OptInPhoneNumber&Version=2010-03-31&phoneNumber=%2B4915112345603',
    });
    expect(optIn.status).toBe(200);
    await sender.send(anSms('+4915112345603'));
    expect((await outbox()).messages[0]?.phoneNumber).toBe('+4915112345603');
  });

  it('accepts a Publish to an opted-out number and drops it, as SNS does', async () => {
    await optOut('+4915112345604');
    const sender = new SnsSmsSender(snsClient(), { senderId: 'careflow', optOutCheck: 'none' });

    await sender.send(anSms('+4915112345604'));

    expect((await outbox()).messages[0]).toMatchObject({
      phoneNumber: '+4915112345604',
      dropped: 'opted-out',
    });
  });

  it('refuses a number that is not E.164 with the error SNS gives, naming the parameter', async () => {
    const client = snsClient();
    const error = await client
      .send(new PublishCommand({ PhoneNumber: '015112345605', Message: 'hello' }))
      .catch((e: unknown) => e as Error);
    expect(error).toMatchObject({ name: 'InvalidParameterException' });
    expect((error as Error).message).toContain('PhoneNumber');
    await expect(
      new SnsSmsSender(client, { optOutCheck: 'none' }).send(anSms('015112345605')),
    ).rejects.toBeInstanceOf(SendRejectedError);
  });

  it('names the field when an opt-out is not a phone number', async () => {
    const response = await optOut('call me');
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toMatch(/^phoneNumber: /);
  });

  it('keeps the outbox and the opt-outs across a restart when it has a file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'careflow-sms-'));
    try {
      const file = join(dir, 'sms.json');
      const before = new LocalSmsOutbox(clock, file);
      before.publish({ phoneNumber: '+4915112345606', message: 'hello', attributes: {} });
      before.optOut('+4915112345607');

      const after = new LocalSmsOutbox(clock, file);
      after.load();

      expect(after.messages.map((m) => m.message)).toEqual(['hello']);
      expect(after.isOptedOut('+4915112345607')).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('SQS on the local stack', () => {
  it('takes the postponement of the processor as it is wired, its endpoint from the environment', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL_SQS', baseUrl);
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
    try {
      const [id] = queue.send([{ body: '{"wired":true}', groupId: 'c-wired', deduplicationId: 'd-wired' }]);
      const before = queue.depth;
      await new SqsMessageVisibility(lazySqsClient).postpone(
        { eventSourceARN: queue.arn, receiptHandle: String(id) },
        120,
      );
      expect(queue.depth).toBe(before - 1);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("postpones a received message through the SDK, found by its queue's ARN, as the processor does", async () => {
    const sqs = new SQSClient({ endpoint: baseUrl, region: 'us-east-1', credentials, maxAttempts: 1 });
    const { MessageId } = await sqs.send(
      new SendMessageCommand({
        QueueUrl: `${baseUrl}/000000000000/customers.fifo`,
        MessageBody: '{"postponed":true}',
        MessageGroupId: 'c-postponed',
        MessageDeduplicationId: 'd-postponed',
      }),
    );
    const before = queue.depth;
    await new SqsMessageVisibility(async () => sqs).postpone(
      { eventSourceARN: queue.arn, receiptHandle: String(MessageId) },
      120,
    );
    expect(queue.depth).toBe(before - 1);
    await expect(
      new SqsMessageVisibility(async () => sqs).postpone(
        { eventSourceARN: queue.arn, receiptHandle: 'nope' },
        60,
      ),
    ).rejects.toMatchObject({ name: 'ReceiptHandleIsInvalid' });
  });

  it('refuses a message group id SQS would refuse as a sender fault, which the SDK does not retry', async () => {
    const sqs = new SQSClient({ endpoint: baseUrl, region: 'us-east-1', credentials });
    const send = sqs.send(
      new SendMessageCommand({
        QueueUrl: `${baseUrl}/000000000000/customers.fifo`,
        MessageBody: '{}',
        MessageGroupId: 'c 1',
        MessageDeduplicationId: 'd-1',
      }),
    );
    await expect(send).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      $fault: 'client',
      $metadata: { httpStatusCode: 400, attempts: 1 },
    });
  });
});

describe('SES events on the local stack', () => {
  const sesSender = () =>
    new SesEmailSender(createSesClient({ endpoint: baseUrl, region: 'us-east-1', credentials }), {
      configurationSet: 'careflow-local',
    });

  const sendMail = (messageId: string, to = 'ada@example.com') =>
    sesSender().send({
      messageId,
      from: 'care@careflow.local',
      to,
      subject: 'How was your order?',
      html: '<p><a href="http://127.0.0.1:3000/surveys/t-1?score=9">9</a></p>',
      text: 'Rate us: http://127.0.0.1:3000/surveys/t-1?score=9',
      tags: { customerId: 'c-ada.1', journey: 'post-purchase-survey' },
    });

  const postEvent = (body: unknown) =>
    fetch(`${baseUrl}/_local/ses/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  beforeEach(() => {
    sesEvents.length = 0;
  });

  it('still delivers mail to the SES mailbox when SES requests pass the gateway', async () => {
    const { providerMessageId } = await sendMail('inst-0.invite.1', 'bo@example.com');
    const store = (await (await fetch(`${ses.url}/store`)).json()) as {
      emails: { messageId: string; destination: { to: string[] } }[];
    };
    expect(store.emails).toContainEqual(
      expect.objectContaining({
        messageId: providerMessageId,
        destination: expect.objectContaining({ to: ['bo@example.com'] }),
      }),
    );
  });

  it.each([
    [
      { type: 'Delivery' },
      'Email Delivered',
      { status: 'delivered', permanentBounce: false, recipients: [] },
    ],
    [
      { type: 'Bounce' },
      'Email Bounced',
      {
        status: 'bounced',
        permanentBounce: true,
        recipients: ['ada@example.com'],
        detail: 'Permanent/General',
      },
    ],
    [
      { type: 'Bounce', bounceType: 'Transient', bounceSubType: 'MailboxFull' },
      'Email Bounced',
      { status: 'bounced', permanentBounce: false, detail: 'Transient/MailboxFull' },
    ],
    [
      { type: 'Complaint' },
      'Email Complaint Received',
      { status: 'complained', recipients: ['ada@example.com'], detail: 'abuse' },
    ],
    [{ type: 'Open' }, 'Email Opened', { status: 'opened' }],
    [{ type: 'Click' }, 'Email Clicked', { status: 'clicked' }],
  ])(
    'puts %j on the bus as SES would (%s), and the feedback function reads it',
    async (request, detailType, reading) => {
      const messageId = `inst-${crypto.randomUUID()}.invite.1`;
      const { providerMessageId } = await sendMail(messageId);

      const response = await postEvent({ messageId, ...request });

      expect(response.status).toBe(200);
      expect(sesEvents).toHaveLength(1);
      const [event] = sesEvents;
      expect(event).toMatchObject({
        source: 'aws.ses',
        'detail-type': detailType,
        time: expect.stringMatching(/^2026-11-03T09:/),
        resources: ['arn:aws:ses:us-east-1:000000000000:configuration-set/careflow-local'],
        detail: {
          eventType: request.type,
          mail: {
            messageId: providerMessageId,
            destination: ['ada@example.com'],
            tags: expect.objectContaining({ 'ses:configuration-set': ['careflow-local'] }),
          },
        },
      });
      const parsed = parseSesEvent(event);
      expect(parsed).toMatchObject({
        kind: 'feedback',
        feedback: {
          ...reading,
          providerMessageId,
          messageId,
          customerIds: expect.arrayContaining(['c-ada.1']),
        },
      });
    },
  );

  it('finds the mail by the SES message id too, and the click follows the first link of the mail', async () => {
    const { providerMessageId } = await sendMail(`inst-${crypto.randomUUID()}.invite.1`);

    await postEvent({ messageId: providerMessageId, type: 'Click' });

    expect(sesEvents[0]?.detail).toMatchObject({
      click: { link: 'http://127.0.0.1:3000/surveys/t-1?score=9' },
    });
  });

  it.each([
    [{ messageId: 'inst-unknown.invite.1', type: 'Bounce' }, 404, /^messageId: /],
    [{ type: 'Bounce' }, 400, /^messageId: /],
    [{ messageId: 'KNOWN', type: 'Bounced' }, 400, /^type: /],
    [
      { messageId: 'KNOWN', type: 'Bounce', bounceType: 'Permanent', bounceSubType: 'MailboxFull' },
      400,
      /^bounceSubType: /,
    ],
    [{ messageId: 'KNOWN', type: 'Complaint', recipient: 'eve@example.com' }, 400, /^recipient: /],
  ])('refuses %j, naming the field, and puts nothing on the bus', async (body, status, message) => {
    const known = `inst-${crypto.randomUUID()}.invite.1`;
    await sendMail(known);
    const request = JSON.parse(JSON.stringify(body).replace('KNOWN', known)) as Record<string, unknown>;

    const response = await postEvent(request);

    expect(response.status).toBe(status);
    expect(((await response.json()) as { message: string }).message).toMatch(message);
    expect(sesEvents).toEqual([]);
  });

  it('refuses aws.ses events on PutEvents, as EventBridge does: only SES itself publishes them', async () => {
    const response = await fetch(`${baseUrl}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        Entries: [{ Source: 'aws.ses', DetailType: 'Email Bounced', Detail: '{"customerId":"c-1"}' }],
      }),
    });
    expect(await response.json()).toMatchObject({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'NotAuthorizedForSourceException' }],
    });
  });
});
