import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  encodeLogsPayload,
  parseDeliveryRecord,
  parseLogsPayload,
} from '../../functions/sms-delivery/delivery-record.js';
import { createSmsDeliveryHandler } from '../../functions/sms-delivery/handler.js';
import { lambdaContext } from '../../infra/local/lambda-context.js';
import { DynamoCustomerStore } from '../../shared/adapters/dynamodb/customer-store.js';
import { DynamoMessageDeliveryLog } from '../../shared/adapters/dynamodb/message-delivery.js';
import { DynamoMessageLog } from '../../shared/adapters/dynamodb/message-log.js';
import { DynamoSuppressionList } from '../../shared/adapters/dynamodb/suppression-list.js';
import { createLogger } from '../../shared/adapters/logger.js';
import { contactHistory } from '../../shared/app/contact-history.js';
import type { Logger } from '../../shared/app/ports.js';
import { aMessage } from '../integration/dynamodb/fixtures.js';
import { useDynamoDb } from '../support/dynamodb.js';
import { FakeClock, RecordingPublisher, silentLogger } from '../support/fakes.js';

const db = useDynamoDb();
const table = () => ({ doc: db.doc, tableName: db.tableName, retentionDays: 90 });
const LOG_GROUP = 'sns/eu-west-1/123456789012/DirectPublishToPhoneNumber';

/** One record as SNS writes it to the delivery status log group (AWS knowledge center example). */
const snsRecord = (
  messageId: string,
  status: 'SUCCESS' | 'FAILURE',
  providerResponse: string,
  destination = '+4915112345678',
) =>
  JSON.stringify({
    notification: { messageId, timestamp: '2026-11-03 10:00:00.558' },
    delivery: {
      phoneCarrier: 'My Phone Carrier',
      mnc: 270,
      numberOfMessageParts: 1,
      destination,
      priceInUSD: 0.00645,
      smsType: 'Transactional',
      mcc: 310,
      providerResponse,
      dwellTimeMs: 599,
      dwellTimeMsUntilDeviceAck: 1344,
    },
    status,
  });

const payload = (...messages: string[]) =>
  encodeLogsPayload({
    logGroup: LOG_GROUP,
    logEvents: messages.map((message, i) => ({
      id: `3719512345678901234567890123456789012345678901234567890${i}`,
      timestamp: Date.parse('2026-11-03T10:00:05.000Z') + i,
      message,
    })),
  });

describe('the CloudWatch Logs subscription payload', () => {
  it('decodes base64 gzip JSON with its log events', () => {
    // act
    const parsed = parseLogsPayload(payload(snsRecord('sns-1', 'SUCCESS', 'ok')));

    // assess
    expect(parsed.ok && parsed.payload.logGroup).toBe(LOG_GROUP);
    expect(parsed.ok && parsed.payload.logEvents).toHaveLength(1);
  });

  it.each([
    ['no awslogs', { Records: [] }, /not a CloudWatch Logs event/],
    ['not gzip', { awslogs: { data: Buffer.from('{}').toString('base64') } }, /not gzipped JSON/],
    [
      'no messageType',
      { awslogs: { data: gzipSync(JSON.stringify({ logEvents: [] })).toString('base64') } },
      /unexpected payload: messageType/,
    ],
  ])('refuses a payload with %s', (_case, input, reason) => {
    const parsed = parseLogsPayload(input);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.reason).toMatch(reason);
  });

  it('reads a delivery record as a report timed when the log event was written', () => {
    // act
    const parsed = parseDeliveryRecord({
      id: 'e-1',
      timestamp: Date.parse('2026-11-03T10:00:05.000Z'),
      message: snsRecord('sns-1', 'FAILURE', 'Invalid phone number'),
    });

    // assess
    expect(parsed).toEqual({
      ok: true,
      report: {
        eventId: 'e-1',
        providerMessageId: 'sns-1',
        outcome: 'failed',
        at: '2026-11-03T10:00:05.000Z',
        destination: '+4915112345678',
        providerResponse: 'Invalid phone number',
      },
    });
  });

  it('names what is wrong with a record without quoting it', () => {
    // act
    const parsed = parseDeliveryRecord({
      id: 'e-1',
      timestamp: 0,
      message: JSON.stringify({ delivery: { destination: '+4915112345678' }, status: 'MAYBE' }),
    });

    // assess
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.reason).toMatch(/notification: invalid_type.*status: invalid_value/);
    expect(!parsed.ok && parsed.reason).not.toContain('4915112345678');
  });
});

describe('sms-delivery function (DynamoDB Local)', () => {
  const newCustomer = () => `c-${crypto.randomUUID()}`;

  /** An SMS careflow sent: claimed, then settled with the id SNS Publish returned. */
  const sentSms = async (customerId: string, messageId: string, snsMessageId: string, to: string) => {
    const log = new DynamoMessageLog(table());
    await log.claim(aMessage({ customerId, messageId, channel: 'sms', to, subject: null }));
    await log.settle(customerId, messageId, {
      status: 'sent',
      providerMessageId: snsMessageId,
      channel: 'sms',
      at: '2026-11-03T10:00:00.000Z',
    });
  };

  const handlerWith = (logger: Logger) =>
    createSmsDeliveryHandler(async () => ({
      clock: new FakeClock('2026-11-03T10:00:05.000Z'),
      logger,
      deliveries: new DynamoMessageDeliveryLog(table()),
      suppressions: new DynamoSuppressionList(table()),
      customers: new DynamoCustomerStore(table()),
      events: new RecordingPublisher(),
    }));

  it('shows a delivered SMS as delivered in the contact history', async () => {
    // prepare
    const customerId = newCustomer();
    const sns = crypto.randomUUID();
    await sentSms(customerId, 'i-1.remind.1', sns, '+4915112345678');

    // act
    const outcome = await handlerWith(silentLogger)(
      payload(snsRecord(sns, 'SUCCESS', 'Message has been accepted by phone carrier')),
      lambdaContext('sms-delivery'),
    );

    // assess
    expect(outcome).toEqual({ recorded: 1, notFound: 0, invalid: 0, suppressed: 0 });
    const [entry] = await contactHistory({ messages: new DynamoMessageLog(table()) }, customerId);
    expect(entry).toMatchObject({
      messageId: 'i-1.remind.1',
      channel: 'sms',
      status: 'sent',
      deliveryStatus: 'delivered',
      deliveryAt: '2026-11-03T10:00:05.000Z',
      deliveryDetail: null,
    });
  });

  it('shows an SMS to an invalid number as undelivered with the carrier response, and suppresses the number', async () => {
    // prepare
    const customerId = newCustomer();
    const sns = crypto.randomUUID();
    const number = `+4915${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
    await sentSms(customerId, 'i-1.remind.1', sns, number);

    // act
    const outcome = await handlerWith(silentLogger)(
      payload(
        snsRecord(sns, 'FAILURE', 'Invalid phone number', number),
        'not json',
        snsRecord('x', 'SUCCESS', 'ok'),
      ),
      lambdaContext('sms-delivery'),
    );

    // assess
    expect(outcome).toEqual({ recorded: 1, notFound: 1, invalid: 1, suppressed: 1 });
    const [entry] = await contactHistory({ messages: new DynamoMessageLog(table()) }, customerId);
    expect(entry).toMatchObject({ deliveryStatus: 'undelivered', deliveryDetail: 'Invalid phone number' });
    expect(await new DynamoSuppressionList(table()).reasonFor('sms', number)).toBe('invalid-number');
  });

  describe('logs', () => {
    afterEach(() => {
      vi.restoreAllMocks();
      vi.unstubAllEnvs();
    });

    it('never write the phone number or the record', async () => {
      // prepare
      vi.stubEnv('POWERTOOLS_DEV', '');
      const lines: string[] = [];
      const capture = (chunk: unknown) => {
        lines.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
        return true;
      };
      vi.spyOn(process.stdout, 'write').mockImplementation(capture);
      vi.spyOn(process.stderr, 'write').mockImplementation(capture);
      const customerId = newCustomer();
      const sns = crypto.randomUUID();
      await sentSms(customerId, 'i-1.remind.1', sns, '+4915187654321');
      const handler = handlerWith(createLogger({ level: 'DEBUG' }));

      // act
      await handler(
        payload(
          snsRecord(sns, 'FAILURE', 'Invalid phone number', '+4915187654321'),
          snsRecord('unknown-id', 'SUCCESS', 'ok', '+4915187654321'),
          JSON.stringify({ delivery: { destination: '+4915187654321' }, status: 'SUCCESS' }),
        ),
        lambdaContext('sms-delivery'),
      );

      // assess
      const text = lines.join('');
      expect(text).toContain('SMS delivery records');
      expect(text).toContain('SMS delivery record dropped');
      expect(text).not.toContain('4915187654321');
      expect(text).not.toContain('151 87654321');
    });
  });
});
