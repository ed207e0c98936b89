import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../../shared/adapters/dynamodb/client.js';
import { DynamoContactCounter } from '../../../shared/adapters/dynamodb/contact-counter.js';
import { DynamoCustomerStore } from '../../../shared/adapters/dynamodb/customer-store.js';
import { DynamoEntryCounter } from '../../../shared/adapters/dynamodb/entry-counter.js';
import { countedFromLoad } from '../../../shared/app/loaded-contacts.js';
import { useDynamoDb } from '../../support/dynamodb.js';
import { countingClient } from './counting-client.js';
import { aProfile } from './fixtures.js';

const db = useDynamoDb();
const contacts = () => new DynamoContactCounter({ doc: db.doc, tableName: db.tableName });
const entries = () => new DynamoEntryCounter({ doc: db.doc, tableName: db.tableName });
// Far in the future: the table has TTL on, and DynamoDB Local deletes items whose `expiresAt` has passed.
const WEEK_AGO = '2036-11-03T09:00:00.000Z';

describe('DynamoContactCounter', () => {
  it('counts each message once, oldest first, however often it is recorded', async () => {
    // act
    await contacts().record('cc-1', { messageId: 'i-1.offer.1', at: '2036-11-08T09:00:00.000Z' }, WEEK_AGO);
    await contacts().record('cc-1', { messageId: 'i-2.offer.1', at: '2036-11-07T09:00:00.000Z' }, WEEK_AGO);
    await contacts().record('cc-1', { messageId: 'i-1.offer.1', at: '2036-11-09T09:00:00.000Z' }, WEEK_AGO);
    // assess
    expect(await contacts().recent('cc-1', WEEK_AGO)).toEqual([
      { messageId: 'i-2.offer.1', at: '2036-11-07T09:00:00.000Z' },
      { messageId: 'i-1.offer.1', at: '2036-11-08T09:00:00.000Z' },
    ]);
    expect(await contacts().recent('cc-other', WEEK_AGO)).toEqual([]);
  });

  it('drops sends that left the window and expires the item when the newest one leaves it', async () => {
    // prepare
    await contacts().record(
      'cc-2',
      { messageId: 'old', at: '2036-10-20T09:00:00.000Z' },
      '2036-10-13T09:00:00.000Z',
    );
    // act
    await contacts().record('cc-2', { messageId: 'new', at: '2036-11-10T09:00:00.000Z' }, WEEK_AGO);
    // assess
    const item = (
      await db.doc.send(new GetCommand({ TableName: db.tableName, Key: { pk: 'C#cc-2', sk: '#CONTACTS' } }))
    ).Item;
    expect(item?.['s:old']).toBeUndefined();
    expect(item?.['s:new']).toBe('2036-11-10T09:00:00.000Z');
    expect(item?.expiresAt).toBe(Date.parse('2036-11-17T09:00:00.000Z') / 1000);
    expect(item).toMatchObject({ type: 'contacts', schemaVersion: 1 });
  });

  it('never loses a send when records of one customer overlap', async () => {
    // act: a retried Lambda and the next event may write at the same time.
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        contacts().record(
          'cc-4',
          { messageId: `m-${i}`, at: `2036-11-10T09:00:${String(i).padStart(2, '0')}.000Z` },
          WEEK_AGO,
        ),
      ),
    );
    // assess
    expect((await contacts().recent('cc-4', WEEK_AGO)).map((e) => e.messageId)).toEqual(
      Array.from({ length: 12 }, (_, i) => `m-${i}`),
    );
  });

  it('lives in the customer partition below "J": the one Query of the profile load carries the sends, and the cap then reads nothing more', async () => {
    // prepare
    const { client, calls } = countingClient(db.endpoint);
    const doc = createDocumentClient(client);
    const store = new DynamoCustomerStore({ doc, tableName: db.tableName, retentionDays: 30 });
    const counter = new DynamoContactCounter({ doc, tableName: db.tableName });
    await store.saveProfile(aProfile({ customerId: 'cc-3' }));
    await contacts().record('cc-3', { messageId: 'm-2', at: '2036-11-10T09:00:00.000Z' }, WEEK_AGO);
    await contacts().record('cc-3', { messageId: 'm-1', at: '2036-11-09T09:00:00.000Z' }, WEEK_AGO);
    calls.length = 0;
    // act
    const state = await store.load('cc-3');
    const capped = countedFromLoad(counter, 'cc-3', state.contacts ?? []);
    const before = await capped.recent('cc-3', WEEK_AGO);
    await capped.record('cc-3', { messageId: 'm-3', at: '2036-11-11T09:00:00.000Z' }, WEEK_AGO);
    const after = await capped.recent('cc-3', WEEK_AGO);
    // assess
    expect(state.profile?.customerId).toBe('cc-3');
    expect(state.instances).toEqual([]);
    expect(before.map((e) => e.messageId)).toEqual(['m-1', 'm-2']);
    expect(after.map((e) => e.messageId)).toEqual(['m-1', 'm-2', 'm-3']);
    expect(calls).toEqual(['Query', 'UpdateItem']);
    expect((await contacts().recent('cc-3', WEEK_AGO)).map((e) => e.messageId)).toEqual([
      'm-1',
      'm-2',
      'm-3',
    ]);
    client.destroy();
  });

  it('loads no sends for a customer who has none counted', async () => {
    const store = new DynamoCustomerStore({ doc: db.doc, tableName: db.tableName, retentionDays: 30 });
    await store.saveProfile(aProfile({ customerId: 'cc-5' }));

    expect((await store.load('cc-5')).contacts).toEqual([]);
  });
});

describe('DynamoEntryCounter', () => {
  it('admits entries up to the cap and refuses the rest of the day', async () => {
    const admitted: boolean[] = [];
    for (let i = 0; i < 4; i += 1) admitted.push(await entries().tryEnter('winback', '2036-11-02', 3));
    expect(admitted).toEqual([true, true, true, false]);
    expect(await entries().tryEnter('winback', '2036-11-03', 3)).toBe(true);
    expect(await entries().tryEnter('other-journey', '2036-11-02', 3)).toBe(true);
  });

  it('never admits more than the cap when entries race', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, () => entries().tryEnter('race', '2036-11-02', 7)),
    );
    expect(results.filter(Boolean)).toHaveLength(7);
    const item = (
      await db.doc.send(
        new GetCommand({
          TableName: db.tableName,
          Key: { pk: 'JOURNEYSTATS#race', sk: 'ENTRIES#2036-11-02' },
        }),
      )
    ).Item;
    expect(item).toMatchObject({
      entries: 7,
      type: 'journeyEntries',
      expiresAt: Date.parse('2037-01-31T00:00:00.000Z') / 1000,
    });
  });
});
