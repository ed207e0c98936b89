import { DeleteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../../shared/adapters/dynamodb/client.js';
import { DynamoCustomerStore } from '../../../shared/adapters/dynamodb/customer-store.js';
import { DynamoSuppressionList } from '../../../shared/adapters/dynamodb/suppression-list.js';
import { useDynamoDb } from '../../support/dynamodb.js';
import { countingClient } from './counting-client.js';
import { aProfile } from './fixtures.js';

const db = useDynamoDb();
const list = () => new DynamoSuppressionList({ doc: db.doc, tableName: db.tableName });
const customers = () => new DynamoCustomerStore({ doc: db.doc, tableName: db.tableName, retentionDays: 30 });
const at = '2026-11-02T09:00:00.000Z';
const marksOf = async (customerId: string) => (await customers().load(customerId)).suppressions;
const rawMarks = async (customerId: string) =>
  (
    await db.doc.send(
      new GetCommand({ TableName: db.tableName, Key: { pk: `C#${customerId}`, sk: '#SUPPRESSED' } }),
    )
  ).Item;

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

describe('suppression marks in the customer partition', () => {
  it('watching an address answers its state and marks it in the partition, which load returns with the profile', async () => {
    // prepare
    await customers().saveProfile(
      aProfile({ customerId: 'w-1', email: 'Ada@Example.com', phone: '+4915100000001' }),
    );
    await list().suppress({ channel: 'sms', address: '+4915100000001', reason: 'opted-out', at });
    // act
    const email = await list().watch('w-1', 'email', 'Ada@Example.com');
    const sms = await list().watch('w-1', 'sms', '+4915100000001');
    // assess
    expect([email, sms]).toEqual([null, 'opted-out']);
    expect(await marksOf('w-1')).toEqual({
      email: { 'ada@example.com': null },
      sms: { '+4915100000001': 'opted-out' },
    });
  });

  it('marks the partition of every customer watching an address when it is suppressed, shared addresses too', async () => {
    // prepare
    for (const customerId of ['w-2', 'w-3']) {
      await customers().saveProfile(aProfile({ customerId, email: 'family@example.com' }));
      await list().watch(customerId, 'email', 'family@example.com');
    }
    // act
    await list().suppress({ channel: 'email', address: 'FAMILY@example.com', reason: 'bounce', at });
    // assess
    expect(await marksOf('w-2')).toEqual({ email: { 'family@example.com': 'bounce' } });
    expect(await marksOf('w-3')).toEqual({ email: { 'family@example.com': 'bounce' } });
  });

  it('keeps a suppressed mark when the customer watches the address again', async () => {
    // prepare
    await customers().saveProfile(aProfile({ customerId: 'w-4', email: 'again@example.com' }));
    await list().watch('w-4', 'email', 'again@example.com');
    await list().suppress({ channel: 'email', address: 'again@example.com', reason: 'complaint', at });
    // act
    const reason = await list().watch('w-4', 'email', 'again@example.com');
    // assess
    expect(reason).toBe('complaint');
    expect(await marksOf('w-4')).toEqual({ email: { 'again@example.com': 'complaint' } });
  });

  it('never saves the marks into the profile item', async () => {
    // prepare
    await customers().saveProfile(aProfile({ customerId: 'w-5', email: 'kept@example.com' }));
    await list().watch('w-5', 'email', 'kept@example.com');
    const loaded = await customers().load('w-5');
    // act
    await customers().saveProfile({ ...(loaded.profile ?? aProfile()), name: 'Ada L.' });
    // assess
    const profileItem = (
      await db.doc.send(new GetCommand({ TableName: db.tableName, Key: { pk: 'C#w-5', sk: '#PROFILE' } }))
    ).Item;
    expect(profileItem).not.toHaveProperty('suppressions');
    expect(await marksOf('w-5')).toEqual({ email: { 'kept@example.com': null } });
  });

  it('loads profile, instances and marks in one Query', async () => {
    // prepare
    await customers().saveProfile(aProfile({ customerId: 'w-6' }));
    await list().watch('w-6', 'email', 'ada@example.com');
    const counting = countingClient(db.endpoint);
    const counted = new DynamoCustomerStore({
      doc: createDocumentClient(counting.client),
      tableName: db.tableName,
      retentionDays: 30,
    });
    // act
    const state = await counted.load('w-6');
    // assess
    expect(state.suppressions).toEqual({ email: { 'ada@example.com': null } });
    expect(counting.calls).toEqual(['Query']);
  });

  it('stops an erased customer watching the address, and marks no partition once every watcher was marked', async () => {
    // prepare: w-7 is erased while w-8 shares the address
    for (const customerId of ['w-7', 'w-8']) await list().watch(customerId, 'email', 'shared@example.com');
    // act
    await list().suppress({
      channel: 'email',
      address: 'shared@example.com',
      reason: 'erased',
      at,
      unwatch: 'w-7',
    });
    // assess
    expect(await rawMarks('w-7')).toMatchObject({ 'email:shared@example.com': null });
    expect(await rawMarks('w-8')).toMatchObject({ 'email:shared@example.com': 'erased' });
    const entry = (
      await db.doc.send(
        new GetCommand({
          TableName: db.tableName,
          Key: { pk: 'SUPPRESS#email#shared@example.com', sk: 'SUPPRESS' },
        }),
      )
    ).Item;
    expect(entry?.watchers).toEqual(new Set(['w-8']));

    // a later suppression does not write into partitions again (an erased one stays empty)
    await db.doc.send(
      new DeleteCommand({ TableName: db.tableName, Key: { pk: 'C#w-8', sk: '#SUPPRESSED' } }),
    );
    await list().suppress({ channel: 'email', address: 'shared@example.com', reason: 'bounce', at });
    expect(await rawMarks('w-8')).toBeUndefined();
  });

  it('treats an address that is only watched as not suppressed', async () => {
    // prepare
    await list().watch('w-9', 'email', 'fine@example.com');
    // act / assess
    expect(await list().reasonFor('email', 'fine@example.com')).toBeNull();
  });
  it('lifts a suppression: the address may be contacted, watchers watch it afresh, gone partitions stay gone', async () => {
    // prepare: two watchers, one of whom is erased (the partition deleted) before the lift
    for (const customerId of ['w-10', 'w-11']) await list().watch(customerId, 'email', 'lift@example.com');
    await list().suppress({ channel: 'email', address: 'lift@example.com', reason: 'bounce', at });
    await db.doc.send(
      new DeleteCommand({ TableName: db.tableName, Key: { pk: 'C#w-11', sk: '#SUPPRESSED' } }),
    );
    expect(await rawMarks('w-10')).toMatchObject({ 'email:lift@example.com': 'bounce' });

    // act
    const lifted = await list().lift('email', 'LIFT@example.com', '2026-11-03T09:00:00.000Z');

    // assess
    expect(lifted).toBe(true);
    expect(await list().reasonFor('email', 'lift@example.com')).toBeNull();
    expect(await rawMarks('w-10')).not.toHaveProperty(['email:lift@example.com']);
    expect(await rawMarks('w-11')).toBeUndefined();
    expect(await list().watch('w-10', 'email', 'lift@example.com')).toBeNull();
    expect(await rawMarks('w-10')).toMatchObject({ 'email:lift@example.com': null });
    expect(await list().lift('email', 'lift@example.com', at)).toBe(false);
    expect(await list().lift('sms', '+4915100000099', at)).toBe(false);
  });
});
