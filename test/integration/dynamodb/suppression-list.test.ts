import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoSuppressionList } from '../../../shared/adapters/dynamodb/suppression-list.js';
import { useDynamoDb } from '../../support/dynamodb.js';

const db = useDynamoDb();
const list = () => new DynamoSuppressionList({ doc: db.doc, tableName: db.tableName });

describe('DynamoSuppressionList', () => {
  it('finds a suppressed address whatever its case and spaces, and only on its channel', async () => {
    // prepare
    await list().suppress({
      channel: 'email',
      address: 'Bounced@Example.com',
      reason: 'bounce',
      at: '2026-11-02T09:00:00.000Z',
    });
    // act / assess
    expect(await list().reasonFor('email', ' bounced@example.COM ')).toBe('bounce');
    expect(await list().reasonFor('sms', 'bounced@example.com')).toBeNull();
    expect(await list().reasonFor('email', 'someone-else@example.com')).toBeNull();
  });

  it('stores one item per address under SUPPRESS#{channel}#{address}, keeping the first time and the latest reason', async () => {
    // prepare
    await list().suppress({
      channel: 'sms',
      address: '+4915112345678',
      reason: 'opted-out',
      at: '2026-11-02T09:00:00.000Z',
    });
    await list().suppress({
      channel: 'sms',
      address: '+4915112345678',
      reason: 'complaint',
      at: '2026-11-05T09:00:00.000Z',
    });
    // act
    const item = (
      await db.doc.send(
        new GetCommand({
          TableName: db.tableName,
          Key: { pk: 'SUPPRESS#sms#+4915112345678', sk: 'SUPPRESS' },
        }),
      )
    ).Item;
    // assess
    expect(item).toMatchObject({
      type: 'suppression',
      schemaVersion: 1,
      reason: 'complaint',
      suppressedAt: '2026-11-02T09:00:00.000Z',
      updatedAt: '2026-11-05T09:00:00.000Z',
    });
    expect(await list().reasonFor('sms', '+4915112345678')).toBe('complaint');
  });
});
