import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoMessageDeliveryLog } from '../../../shared/adapters/dynamodb/message-delivery.js';
import { DynamoMessageLog } from '../../../shared/adapters/dynamodb/message-log.js';
import { ConflictError } from '../../../shared/domain/errors.js';
import { useDynamoDb } from '../../support/dynamodb.js';
import { aMessage, day, epochSeconds } from './fixtures.js';

const retentionDays = 90;
const db = useDynamoDb();
const log = () => new DynamoMessageLog({ doc: db.doc, tableName: db.tableName, retentionDays });
/** Each test gets its own customer, so tests stay independent on the shared table. */
const newCustomer = () => `c-${crypto.randomUUID()}`;

describe('DynamoMessageLog', () => {
  it('lets only the first claim of a message id win', async () => {
    // prepare
    const customerId = newCustomer();
    const record = aMessage({ customerId });

    // act
    const first = await log().claim(record);
    const second = await log().claim({ ...record, subject: 'another attempt' });

    // assess
    expect([first, second]).toEqual([true, false]);
    expect(await log().list(customerId, 10)).toEqual([record]);
  });

  it('tells the status of a message: none before its claim, sending after it, its outcome once settled', async () => {
    const customerId = newCustomer();
    const record = aMessage({ customerId });
    expect(await log().status(customerId, record.messageId)).toBeNull();
    await log().claim(record);
    expect(await log().status(customerId, record.messageId)).toBe('sending');
    await log().settle(customerId, record.messageId, { status: 'sent', at: '2026-11-03T09:00:01.000Z' });
    expect(await log().status(customerId, record.messageId)).toBe('sent');
  });

  it('records a skipped message with its reason as the claim itself, so it is never retried', async () => {
    // prepare
    const customerId = newCustomer();
    const skipped = aMessage({ customerId, status: 'skipped', reason: 'opted-out' });

    // act
    const claimed = await log().claim(skipped);
    const again = await log().claim(aMessage({ customerId }));

    // assess
    expect([claimed, again]).toEqual([true, false]);
    expect(await log().list(customerId, 10)).toEqual([skipped]);
  });

  it('lets a released claim be claimed again', async () => {
    // prepare
    const customerId = newCustomer();
    await log().claim(aMessage({ customerId }));

    // act
    await log().release(customerId, 'm-1');
    const reclaimed = await log().claim(aMessage({ customerId, sentAt: '2026-11-03T09:05:00.000Z' }));

    // assess
    expect(reclaimed).toBe(true);
    expect((await log().list(customerId, 10)).map((m) => m.sentAt)).toEqual(['2026-11-03T09:05:00.000Z']);
  });

  it('treats releasing a claim that is not there as done', async () => {
    // act
    const releasing = log().release(newCustomer(), 'm-unknown');

    // assess
    await expect(releasing).resolves.toBeUndefined();
  });

  it('refuses to release a settled message, and keeps it, so it cannot be sent twice', async () => {
    // prepare
    const customerId = newCustomer();
    await log().claim(aMessage({ customerId }));
    await log().settle(customerId, 'm-1', {
      status: 'sent',
      providerMessageId: 'ses-1',
      at: '2026-11-03T09:00:01Z',
    });

    // act
    const releasing = log().release(customerId, 'm-1');

    // assess
    await expect(releasing).rejects.toThrow(ConflictError);
    expect(await log().claim(aMessage({ customerId }))).toBe(false);
  });

  it.each([
    {
      outcome: { status: 'sent', providerMessageId: 'ses-42', at: '2026-11-03T09:00:02.000Z' },
      expected: {
        status: 'sent',
        providerMessageId: 'ses-42',
        reason: null,
        updatedAt: '2026-11-03T09:00:02.000Z',
      },
    },
    {
      outcome: { status: 'failed', reason: 'MessageRejected', at: '2026-11-03T09:00:03.000Z' },
      expected: {
        status: 'failed',
        providerMessageId: null,
        reason: 'MessageRejected',
        updatedAt: '2026-11-03T09:00:03.000Z',
      },
    },
    {
      outcome: { status: 'unknown', reason: 'TimeoutError', at: '2026-11-03T09:00:04.000Z' },
      expected: {
        status: 'unknown',
        providerMessageId: null,
        reason: 'TimeoutError',
        updatedAt: '2026-11-03T09:00:04.000Z',
      },
    },
  ] as const)('settles a claimed message as $outcome.status', async ({ outcome, expected }) => {
    // prepare
    const customerId = newCustomer();
    const record = aMessage({ customerId });
    await log().claim(record);

    // act
    await log().settle(customerId, 'm-1', outcome);

    // assess
    expect(await log().list(customerId, 10)).toEqual([{ ...record, ...expected }]);
  });

  it('finds an SMS again by the id SNS gave it, and leaves emails out of that index', async () => {
    // prepare
    const customerId = newCustomer();
    const sms = aMessage({
      customerId,
      messageId: 'm-sms',
      channel: 'sms',
      to: '+4915112345678',
      subject: null,
    });
    const email = aMessage({ customerId, messageId: 'm-email' });
    await log().claim(sms);
    await log().claim(email);
    const deliveries = new DynamoMessageDeliveryLog({ doc: db.doc, tableName: db.tableName });
    const snsId = `sns-${crypto.randomUUID()}`;
    const sesId = `ses-${crypto.randomUUID()}`;

    // act
    await log().settle(customerId, 'm-sms', {
      status: 'sent',
      providerMessageId: snsId,
      channel: 'sms',
      at: '2026-11-03T09:00:00.000Z',
    });
    await log().settle(customerId, 'm-email', {
      status: 'sent',
      providerMessageId: sesId,
      channel: 'email',
      at: '2026-11-03T09:00:00.000Z',
    });

    // assess
    expect(await deliveries.findByProviderMessageId(snsId)).toEqual({ customerId, messageId: 'm-sms' });
    expect(await deliveries.findByProviderMessageId(sesId)).toBeUndefined();
  });

  it('refuses to settle a message that was never claimed, without creating an entry', async () => {
    // prepare
    const customerId = newCustomer();

    // act
    const settling = log().settle(customerId, 'm-ghost', { status: 'sent', at: '2026-11-03T09:00:00Z' });

    // assess
    await expect(settling).rejects.toThrow(ConflictError);
    expect(await log().list(customerId, 10)).toEqual([]);
  });

  it.each([
    { limit: 10, expected: ['m-c', 'm-b', 'm-a'] },
    { limit: 2, expected: ['m-c', 'm-b'] },
    { limit: 0, expected: [] },
  ])('lists the contact history newest first, at most $limit entries', async ({ limit, expected }) => {
    // prepare: message ids that do not sort by time
    const customerId = newCustomer();
    await log().claim(aMessage({ customerId, messageId: 'm-b', sentAt: '2026-11-02T10:00:00.000Z' }));
    await log().claim(aMessage({ customerId, messageId: 'm-c', sentAt: '2026-11-03T10:00:00.000Z' }));
    await log().claim(aMessage({ customerId, messageId: 'm-a', sentAt: '2026-11-01T10:00:00.000Z' }));
    await log().claim(
      aMessage({ customerId: newCustomer(), messageId: 'm-z', sentAt: '2026-11-04T10:00:00.000Z' }),
    );

    // act
    const history = await log().list(customerId, limit);

    // assess
    expect(history.map((m) => m.messageId)).toEqual(expected);
  });

  it('lets an entry expire the retention period after it was sent', async () => {
    // prepare
    const customerId = newCustomer();
    const sentAt = '2026-11-03T09:00:00.000Z';

    // act
    await log().claim(aMessage({ customerId, sentAt }));

    // assess
    const { Item } = await db.doc.send(
      new GetCommand({ TableName: db.tableName, Key: { pk: `C#${customerId}`, sk: 'M#m-1' } }),
    );
    expect(Item).toMatchObject({
      type: 'message',
      schemaVersion: 1,
      expiresAt: epochSeconds(sentAt) + retentionDays * day,
    });
  });
});
