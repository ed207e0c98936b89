import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { createFeedbackHandler } from '../../functions/feedback/handler.js';
import { lambdaContext } from '../../infra/local/lambda-context.js';
import { DynamoCustomerStore } from '../../shared/adapters/dynamodb/customer-store.js';
import { DynamoMessageDeliveryLog } from '../../shared/adapters/dynamodb/message-delivery.js';
import { DynamoMessageLog } from '../../shared/adapters/dynamodb/message-log.js';
import { DynamoSuppressionList } from '../../shared/adapters/dynamodb/suppression-list.js';
import { EventBridgePublisher } from '../../shared/adapters/eventbridge/eventbridge-publisher.js';
import { encodeTagValue } from '../../shared/adapters/ses/ses-email-sender.js';
import type { FeedbackFunctionDeps } from '../../shared/adapters/wiring/feedback.js';
import { strongestStatus } from '../../shared/app/feedback/delivery-status.js';
import type { DeliveryStatus, MessageRecord } from '../../shared/app/ports.js';
import { aMessage, anInstance } from '../integration/dynamodb/fixtures.js';
import { useDynamoDb } from '../support/dynamodb.js';
import { FakeClock, silentLogger } from '../support/fakes.js';

const db = useDynamoDb();
const eventBridge = mockClient(EventBridgeClient);
const table = () => ({ doc: db.doc, tableName: db.tableName, retentionDays: 90 });
const newCustomer = () => `c-${crypto.randomUUID()}`;

const kept: { reason: string; payload: unknown }[] = [];
const deps = (): FeedbackFunctionDeps => ({
  clock: new FakeClock('2026-11-03T10:05:00.000Z'),
  logger: silentLogger,
  deliveries: new DynamoMessageDeliveryLog(table()),
  suppressions: new DynamoSuppressionList(table()),
  customers: new DynamoCustomerStore(table()),
  events: new EventBridgePublisher(new EventBridgeClient({ region: 'eu-west-1' }), 'careflow-test', {
    sleep: async () => {},
  }),
  deadLetters: { keep: async (entry) => void kept.push(entry) },
});
const handle = (event: unknown) =>
  createFeedbackHandler(async () => deps())(event, lambdaContext('feedback'));

beforeEach(() => {
  eventBridge.reset();
  eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'eb-1' }] });
  kept.length = 0;
});

const published = () =>
  eventBridge.commandCalls(PutEventsCommand).flatMap((call) =>
    (call.args[0].input.Entries ?? []).map((entry) => ({
      source: entry.Source,
      detailType: entry.DetailType,
      detail: JSON.parse(entry.Detail ?? '{}') as Record<string, unknown>,
    })),
  );

interface Sent {
  customerId: string;
  messageId: string;
  to: string;
}

/** A message careflow logged as sent, and the tags SES echoes back in its events. */
const sent = async (overrides: Partial<MessageRecord> = {}): Promise<Sent> => {
  const customerId = overrides.customerId ?? newCustomer();
  const message = aMessage({
    customerId,
    messageId: 'i-1.invite.1',
    instanceId: 'i-1',
    to: `Ada-${crypto.randomUUID()}@Example.com`,
    status: 'sent',
    providerMessageId: '0102019a-ses-1',
    ...overrides,
  });
  await new DynamoMessageLog(table()).claim(message);
  return { customerId, messageId: message.messageId, to: message.to ?? '' };
};

const stored = async (s: Sent) =>
  (
    await db.doc.send(
      new GetCommand({ TableName: db.tableName, Key: { pk: `C#${s.customerId}`, sk: `M#${s.messageId}` } }),
    )
  ).Item;

interface SesTestEvent extends Record<string, unknown> {
  id: string;
  source: string;
  detail: { mail: Record<string, unknown> & { tags: Record<string, string[]> } } & Record<string, unknown>;
}

let seq = 0;
/** An SES event as it arrives from EventBridge, shaped like the SES event-publishing examples. */
const sesEvent = (
  detailType: string,
  eventType: string,
  body: Record<string, unknown>,
  options: { to?: string; tags?: Record<string, string[]>; id?: string; messageId?: string } = {},
): SesTestEvent => ({
  version: '0',
  id: options.id ?? `ses-event-${++seq}`,
  'detail-type': detailType,
  source: 'aws.ses',
  account: '123456789012',
  time: '2026-11-03T10:00:01Z',
  region: 'eu-west-1',
  resources: ['arn:aws:ses:eu-west-1:123456789012:configuration-set/careflow-test'],
  detail: {
    eventType,
    mail: {
      timestamp: '2026-11-03T10:00:00.000Z',
      source: 'Shop Care <care@shop.example>',
      sourceArn: 'arn:aws:ses:eu-west-1:123456789012:identity/shop.example',
      sendingAccountId: '123456789012',
      messageId: options.messageId ?? '0102019a-ses-1',
      destination: [options.to ?? 'Ada@Example.com'],
      headersTruncated: false,
      tags: {
        'ses:configuration-set': ['careflow-test'],
        'ses:source-ip': ['192.0.2.10'],
        'ses:from-domain': ['shop.example'],
        'ses:caller-identity': ['careflow-processor'],
        journey: ['post-purchase-survey'],
        step: ['invite'],
        ...options.tags,
      },
    },
    ...body,
  },
});

const tagsOf = (s: Sent) => ({
  messageId: [encodeTagValue(s.messageId)],
  customerId: [encodeTagValue(s.customerId)],
});

const at = '2026-11-03T10:00:02.000Z';
const events = {
  delivered: (s: Sent, id?: string) =>
    sesEvent(
      'Email Delivered',
      'Delivery',
      {
        delivery: {
          timestamp: at,
          processingTimeMillis: 546,
          recipients: [s.to],
          smtpResponse: '250 2.6.0 Message received',
          reportingMTA: 'a8-70.smtp-out.amazonses.com',
          remoteMtaIp: '192.0.2.20',
        },
      },
      { to: s.to, tags: tagsOf(s), ...(id ? { id } : {}) },
    ),
  opened: (s: Sent, id?: string) =>
    sesEvent(
      'Email Opened',
      'Open',
      { open: { ipAddress: '192.0.2.1', timestamp: at, userAgent: 'Mozilla/5.0' } },
      { to: s.to, tags: tagsOf(s), ...(id ? { id } : {}) },
    ),
  clicked: (s: Sent, id?: string) =>
    sesEvent(
      'Email Clicked',
      'Click',
      {
        click: {
          ipAddress: '192.0.2.1',
          link: 'https://care.shop.example/surveys/token',
          linkTags: { samplekey0: ['samplevalue0'] },
          timestamp: at,
          userAgent: 'Mozilla/5.0',
        },
      },
      { to: s.to, tags: tagsOf(s), ...(id ? { id } : {}) },
    ),
  bounced: (s: Sent, bounceType = 'Permanent', id?: string) =>
    sesEvent(
      'Email Bounced',
      'Bounce',
      {
        bounce: {
          bounceType,
          bounceSubType: 'General',
          bouncedRecipients: [
            {
              emailAddress: s.to,
              action: 'failed',
              status: '5.1.1',
              diagnosticCode: 'smtp; 550 5.1.1 user unknown',
            },
          ],
          timestamp: at,
          feedbackId: '0102019a-feedback-1',
          reportingMTA: 'dsn; a8-70.smtp-out.amazonses.com',
        },
      },
      { to: s.to, tags: tagsOf(s), ...(id ? { id } : {}) },
    ),
  complained: (s: Sent) =>
    sesEvent(
      'Email Complaint Received',
      'Complaint',
      {
        complaint: {
          feedbackId: '0102019a-feedback-2',
          complaintSubType: null,
          complainedRecipients: [{ emailAddress: s.to }],
          timestamp: at,
          userAgent: 'Mozilla/5.0',
          complaintFeedbackType: 'abuse',
          arrivalDate: at,
        },
      },
      { to: s.to, tags: tagsOf(s) },
    ),
};

describe('feedback function: bounces and complaints', () => {
  it('suppresses a hard-bounced address, records the bounce, and tells journeys', async () => {
    const message = await sent();

    const result = await handle(events.bounced(message));

    expect(result).toEqual({
      outcome: 'recorded',
      suppressed: 1,
      message: 'updated',
      status: 'bounced',
      emitted: 'Email Bounced',
    });
    expect(await new DynamoSuppressionList(table()).reasonFor('email', message.to.toLowerCase())).toBe(
      'bounce',
    );
    expect(await stored(message)).toMatchObject({
      status: 'sent',
      deliveryStatus: 'bounced',
      deliveryDetail: 'Permanent/General',
    });
    expect(published()).toEqual([
      {
        source: 'careflow',
        detailType: 'Email Bounced',
        detail: expect.objectContaining({
          customerId: message.customerId,
          messageId: 'i-1.invite.1',
          journeyId: 'post-purchase-survey',
          permanent: true,
          eventKey: 'i-1.invite.1/bounced',
        }),
      },
    ]);
  });

  it('does not suppress an address after a soft bounce', async () => {
    const message = await sent();
    const result = await handle(events.bounced(message, 'Transient'));
    expect(result).toMatchObject({ suppressed: 0, status: 'bounced' });
    expect(await new DynamoSuppressionList(table()).reasonFor('email', message.to)).toBeNull();
  });

  it('suppresses a complainant and marks the message complained, above an earlier open', async () => {
    const message = await sent({ to: `mei-${crypto.randomUUID()}@example.com` });
    await handle(events.opened(message));

    const result = await handle(events.complained(message));

    expect(result).toMatchObject({
      suppressed: 1,
      status: 'complained',
      emitted: 'Email Complaint Received',
    });
    expect(await new DynamoSuppressionList(table()).reasonFor('email', message.to)).toBe('complaint');
    expect(await stored(message)).toMatchObject({ deliveryStatus: 'complained', deliveryDetail: 'abuse' });
  });

  it('suppresses the address of mail careflow did not tag, and leaves the contact history alone', async () => {
    const result = await handle(
      sesEvent(
        'Email Bounced',
        'Bounce',
        {
          bounce: {
            bounceType: 'Permanent',
            bounceSubType: 'NoEmail',
            bouncedRecipients: [{ emailAddress: 'gone@example.com' }],
            timestamp: at,
          },
        },
        { to: 'gone@example.com' },
      ),
    );
    expect(result).toEqual({
      outcome: 'recorded',
      suppressed: 1,
      message: 'untagged',
      status: null,
      emitted: null,
    });
    expect(await new DynamoSuppressionList(table()).reasonFor('email', 'gone@example.com')).toBe('bounce');
  });

  it('handles a redelivered bounce as the same bounce: one suppression, the same event key again', async () => {
    const message = await sent();
    const bounce = events.bounced(message, 'Permanent', 'ses-event-redelivered');
    await handle(bounce);
    await handle(bounce);
    expect(published().map((e) => e.detail.eventKey)).toEqual([
      'i-1.invite.1/bounced',
      'i-1.invite.1/bounced',
    ]);
    expect(await stored(message)).toMatchObject({ deliveryStatus: 'bounced' });
  });
});

describe('feedback function: message status', () => {
  it('confirms a message whose send outcome was unknown (SES timed out after accepting it)', async () => {
    const message = await sent({ status: 'unknown', reason: 'TimeoutError', providerMessageId: null });
    await handle(events.delivered(message));
    expect(await stored(message)).toMatchObject({
      status: 'sent',
      reason: 'TimeoutError',
      providerMessageId: '0102019a-ses-1',
      deliveryStatus: 'delivered',
    });
  });

  it('confirms a message still marked sending (the process died before it recorded the outcome)', async () => {
    const message = await sent({ status: 'sending', providerMessageId: null });
    await handle(events.opened(message));
    expect(await stored(message)).toMatchObject({ status: 'sent', deliveryStatus: 'opened' });
  });

  it('copies the run’s correlation fields into the event, so a journey can wait for the open', async () => {
    const message = await sent();
    await new DynamoCustomerStore(table()).saveInstance(
      anInstance({ customerId: message.customerId, instanceId: 'i-1' }),
      null,
    );
    await handle(events.opened(message));
    expect(published()[0]?.detail).toMatchObject({ orderId: 'o-1', instanceId: 'i-1', stepId: 'invite' });
  });

  it('finds the message when the customerId tag was only sanitized, not encoded', async () => {
    const message = await sent({ customerId: `c-${crypto.randomUUID()}` });
    const event = events.delivered(message);
    event.detail.mail.tags.customerId = [message.customerId];
    expect(await handle(event)).toMatchObject({ message: 'updated', status: 'delivered' });
  });

  it('cannot find the message without the customerId tag (deliver-email must set it)', async () => {
    const message = await sent();
    const event = events.delivered(message);
    delete event.detail.mail.tags.customerId;
    expect(await handle(event)).toMatchObject({ message: 'untagged' });
    expect(await stored(message)).not.toHaveProperty('deliveryStatus');
  });

  it('ends at the strongest status and announces each kind once, whatever the order and redeliveries', async () => {
    const kinds = ['delivered', 'opened', 'clicked'] as const;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ kind: fc.constantFrom(...kinds), copy: fc.integer({ min: 0, max: 1 }) }), {
          minLength: 1,
          maxLength: 6,
        }),
        async (sequence) => {
          eventBridge.resetHistory();
          const message = await sent();
          for (const { kind, copy } of sequence) {
            // The same id twice is a redelivery; another id is a second open or click.
            await handle(events[kind](message, `${message.customerId}-${kind}-${copy}`));
          }
          const seen = sequence.map((s) => s.kind);
          expect((await stored(message))?.deliveryStatus).toBe(strongestStatus(seen));
          const announced = new Set(published().map((e) => e.detail.eventKey));
          const expected = new Set(
            seen.filter((k) => k !== 'delivered').map((k: DeliveryStatus) => `i-1.invite.1/${k}`),
          );
          expect(announced).toEqual(expected);
        },
      ),
      { numRuns: 20 },
    );
  });
});

describe('feedback function: input', () => {
  it('keeps an invalid SES event with a reason that names the field, and does not throw', async () => {
    const message = await sent();
    const event = events.bounced(message);
    event.detail.bounce = {
      bounceType: 'Permanent',
      bounceSubType: 'General',
      bouncedRecipients: [],
      timestamp: at,
    };

    const result = await handle(event);

    expect(result).toMatchObject({ outcome: 'invalid' });
    expect(kept).toHaveLength(1);
    expect(kept[0]?.reason).toMatch(/detail\.bounce\.bouncedRecipients/);
    expect(kept[0]?.payload).toEqual(event);
    expect(await stored(message)).not.toHaveProperty('deliveryStatus');
  });

  it('keeps an event that is not from SES', async () => {
    const result = await handle({ ...events.opened(await sent()), source: 'shop' });
    expect(result).toMatchObject({
      outcome: 'invalid',
      reason: expect.stringMatching(/^invalid SES event: source/),
    });
  });

  it('ignores SES event types careflow does not record', async () => {
    const message = await sent();
    const result = await handle(
      sesEvent(
        'Email Delivery Delayed',
        'DeliveryDelay',
        { deliveryDelay: { delayType: 'TransientCommunicationFailure' } },
        {
          tags: tagsOf(message),
        },
      ),
    );
    expect(result).toEqual({ outcome: 'ignored', detailType: 'Email Delivery Delayed' });
    expect(kept).toEqual([]);
  });

  it('throws when the table cannot be written, so EventBridge retries the event', async () => {
    const message = await sent();
    const failing = createFeedbackHandler(async () => ({
      ...deps(),
      deliveries: {
        recordDelivery: async () => {
          throw Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' });
        },
      },
    }));
    await expect(failing(events.delivered(message), lambdaContext('feedback'))).rejects.toThrow('throttled');
  });
});
