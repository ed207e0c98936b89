import { describe, expect, it } from 'vitest';
import { DynamoMessageDeliveryLog } from '../../../shared/adapters/dynamodb/message-delivery.js';
import { DynamoMessageLog } from '../../../shared/adapters/dynamodb/message-log.js';
import { contactHistory } from '../../../shared/app/contact-history.js';
import { useDynamoDb } from '../../support/dynamodb.js';
import { aMessage } from './fixtures.js';

const db = useDynamoDb();

describe('contact history with provider feedback', () => {
  it('shows the highest delivery status SES reported, next to the send outcome', async () => {
    const messages = new DynamoMessageLog({ doc: db.doc, tableName: db.tableName, retentionDays: 30 });
    const deliveries = new DynamoMessageDeliveryLog({ doc: db.doc, tableName: db.tableName });
    const customerId = `c-${crypto.randomUUID()}`;
    const record = aMessage({ customerId, status: 'sent' });
    await messages.claim(record);

    const event = (status: 'delivered' | 'opened', rank: number, at: string) => ({
      status,
      rank,
      at,
      eventId: `${status}-1`,
      detail: null,
      providerMessageId: 'ses-1',
    });
    await deliveries.recordDelivery(
      customerId,
      record.messageId,
      event('opened', 2, '2026-11-03T10:00:00.000Z'),
    );
    // A late "delivered" event does not hide the open.
    await deliveries.recordDelivery(
      customerId,
      record.messageId,
      event('delivered', 1, '2026-11-03T09:00:00.000Z'),
    );

    const [entry] = await contactHistory({ messages }, customerId);
    expect(entry).toMatchObject({
      status: 'sent',
      deliveryStatus: 'opened',
      deliveryAt: '2026-11-03T10:00:00.000Z',
    });
  });

  it('tells the call that recorded the first event of a kind from a redelivery and a later event', async () => {
    const messages = new DynamoMessageLog({ doc: db.doc, tableName: db.tableName, retentionDays: 30 });
    const deliveries = new DynamoMessageDeliveryLog({ doc: db.doc, tableName: db.tableName });
    const customerId = `c-${crypto.randomUUID()}`;
    const record = aMessage({ customerId, status: 'sent' });
    await messages.claim(record);
    const open = (eventId: string) => ({
      status: 'opened' as const,
      rank: 2,
      at: '2026-11-03T10:00:00.000Z',
      eventId,
      detail: null,
      providerMessageId: 'ses-1',
    });

    const first = await deliveries.recordDelivery(customerId, record.messageId, open('open-1'));
    const redelivered = await deliveries.recordDelivery(customerId, record.messageId, open('open-1'));
    const later = await deliveries.recordDelivery(customerId, record.messageId, open('open-2'));

    expect([first, redelivered, later].map((o) => [o?.firstOfKind, o?.newKind])).toEqual([
      [true, true],
      [true, false],
      [false, false],
    ]);
    expect(first?.status).toBe('opened');
  });
});
