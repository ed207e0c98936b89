import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../../shared/adapters/dynamodb/client.js';
import {
  DynamoCustomerStore,
  DynamoUnsubscribeRequests,
} from '../../../shared/adapters/dynamodb/customer-store.js';
import { DynamoMessageLog } from '../../../shared/adapters/dynamodb/message-log.js';
import { DynamoSurveyStore } from '../../../shared/adapters/dynamodb/survey-store.js';
import { ConflictError, ValidationError } from '../../../shared/domain/errors.js';
import { useDynamoDb } from '../../support/dynamodb.js';
import { countingClient } from './counting-client.js';
import { aMessage, anAnswer, anInstance, aProfile, day, epochSeconds } from './fixtures.js';

const retentionDays = 30;
const db = useDynamoDb();
const store = () => new DynamoCustomerStore({ doc: db.doc, tableName: db.tableName, retentionDays });
const rawItem = async (pk: string, sk: string) =>
  (await db.doc.send(new GetCommand({ TableName: db.tableName, Key: { pk, sk } }))).Item;

describe('DynamoCustomerStore', () => {
  it('loads the profile and every instance of the customer, but not its messages or survey answers', async () => {
    // prepare
    const profile = aProfile({ customerId: 'load-1' });
    const running = anInstance({ customerId: 'load-1', instanceId: 'i-running' });
    const ended = anInstance({
      customerId: 'load-1',
      instanceId: 'i-ended',
      status: 'completed',
      endedAt: '2026-11-04T09:00:00.000Z',
      endReason: 'exit',
    });
    await store().saveProfile(profile);
    await store().saveInstance(running, null);
    await store().saveInstance(ended, null);
    await store().saveInstance(anInstance({ customerId: 'load-10', instanceId: 'i-other' }), null);
    await new DynamoMessageLog({ doc: db.doc, tableName: db.tableName, retentionDays }).claim(
      aMessage({ customerId: 'load-1' }),
    );
    await new DynamoSurveyStore({ doc: db.doc, tableName: db.tableName, retentionDays }).record(
      anAnswer({ customerId: 'load-1' }),
    );

    // act
    const state = await store().load('load-1');

    // assess
    expect(state.profile).toEqual(profile);
    expect(state.instances).toEqual([ended, running]);
  });

  it('loads nothing for a customer it has never seen', async () => {
    // act
    const state = await store().load('nobody');

    // assess
    expect(state).toEqual({ profile: null, instances: [], contacts: [] });
  });

  it('reads a customer with exactly one Query', async () => {
    // prepare
    await store().saveProfile(aProfile({ customerId: 'one-read' }));
    for (const instanceId of ['i-a', 'i-b', 'i-c']) {
      await store().saveInstance(anInstance({ customerId: 'one-read', instanceId }), null);
    }
    const counting = countingClient(db.endpoint);
    const counted = new DynamoCustomerStore({
      doc: createDocumentClient(counting.client),
      tableName: db.tableName,
      retentionDays,
    });

    // act
    const state = await counted.load('one-read');

    // assess
    expect(state.instances).toHaveLength(3);
    expect(counting.calls).toEqual(['Query']);
    counting.client.destroy();
  });

  it('follows the pages of a customer whose items exceed one Query page (1 MB)', async () => {
    // prepare: 12 instances of about 100 KB each
    const padding = 'x'.repeat(100_000);
    for (let n = 0; n < 12; n += 1) {
      const instance = anInstance({ customerId: 'big', instanceId: `i-${String(n).padStart(2, '0')}` });
      await store().saveInstance(
        { ...instance, trigger: { ...instance.trigger, detail: { padding } } },
        null,
      );
    }
    const counting = countingClient(db.endpoint);
    const counted = new DynamoCustomerStore({
      doc: createDocumentClient(counting.client),
      tableName: db.tableName,
      retentionDays,
    });

    // act
    const state = await counted.load('big');

    // assess
    expect(state.instances.map((i) => i.instanceId)).toEqual(
      Array.from({ length: 12 }, (_, n) => `i-${String(n).padStart(2, '0')}`),
    );
    expect(counting.calls.length).toBeGreaterThan(1);
    expect(counting.calls.every((call) => call === 'Query')).toBe(true);
    counting.client.destroy();
  });

  it('replaces an instance when the stored version is the expected one', async () => {
    // prepare
    const first = anInstance({ customerId: 'advance', version: 1 });
    await store().saveInstance(first, null);
    const next = { ...first, stepId: 'invite', path: ['wait', 'invite'], version: 2 };

    // act
    await store().saveInstance(next, 1);

    // assess
    expect((await store().load('advance')).instances).toEqual([next]);
  });

  it.each([
    { case: 'a second create of the same instance', stored: 1 as number | null, expected: null },
    { case: 'a stale version', stored: 2 as number | null, expected: 1 },
    { case: 'an update of an instance that does not exist', stored: null, expected: 1 },
  ])('refuses $case with a ConflictError', async ({ stored, expected }) => {
    // prepare
    const customerId = `conflict-${crypto.randomUUID()}`;
    if (stored !== null) await store().saveInstance(anInstance({ customerId, version: stored }), null);
    const attempt = anInstance({ customerId, version: (expected ?? 0) + 1, stepId: 'invite' });

    // act
    const saving = store().saveInstance(attempt, expected);

    // assess
    const error = await saving.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).cause).toMatchObject({ name: 'ConditionalCheckFailedException' });
    const left = (await store().load(customerId)).instances;
    expect(left.map((i) => i.version)).toEqual(stored === null ? [] : [stored]);
  });

  it.each(['completed', 'converted', 'failed'] as const)(
    'lets a %s instance expire the retention period after it ended',
    async (status) => {
      // prepare
      const endedAt = '2026-11-05T12:34:56.789Z';
      const instance = anInstance({ customerId: `ttl-${status}`, status, endedAt, endReason: status });

      // act
      await store().saveInstance(instance, null);

      // assess
      const item = await rawItem(`C#ttl-${status}`, 'I#i-1');
      expect(item?.expiresAt).toBe(epochSeconds(endedAt) + retentionDays * day);
    },
  );

  it('keeps an instance whose conversion window is open until the window has closed', async () => {
    // prepare: a treated run that ended its steps, and a held-out one still watching the goal
    const until = '2026-12-01T00:00:00.000Z';
    const treated = anInstance({
      customerId: 'ttl-window',
      instanceId: 'i-treated',
      status: 'completed',
      endedAt: '2026-11-05T00:00:00.000Z',
      endReason: 'exit',
      goalWindow: { group: 'treatment', until, convertedAt: null },
    });
    const heldOut = anInstance({
      customerId: 'ttl-window',
      instanceId: 'i-held-out',
      status: 'holdout',
      endedAt: null,
      goalWindow: { group: 'control', until, convertedAt: null },
    });

    // act
    await store().saveInstance(treated, null);
    await store().saveInstance(heldOut, null);

    // assess
    expect((await rawItem('C#ttl-window', 'I#i-treated'))?.expiresAt).toBe(
      epochSeconds(until) + retentionDays * day,
    );
    expect(await rawItem('C#ttl-window', 'I#i-held-out')).not.toHaveProperty('expiresAt');
  });

  it('keeps a running instance without expiry, and removes the expiry when it becomes active again', async () => {
    // prepare
    const ended = anInstance({
      customerId: 'ttl-active',
      status: 'failed',
      endedAt: '2026-11-05T00:00:00.000Z',
    });
    await store().saveInstance(ended, null);

    // act
    await store().saveInstance({ ...ended, status: 'active', endedAt: null, version: 2 }, 1);

    // assess
    const item = await rawItem('C#ttl-active', 'I#i-1');
    expect(item).toBeDefined();
    expect(item).not.toHaveProperty('expiresAt');
  });

  it('stores the key and bookkeeping attributes on the items but returns plain values', async () => {
    // prepare
    const profile = aProfile({ customerId: 'shape' });

    // act
    await store().saveProfile(profile);

    // assess
    expect(await rawItem('C#shape', '#PROFILE')).toMatchObject({ type: 'profile', schemaVersion: 1 });
    expect((await store().load('shape')).profile).toStrictEqual(profile);
  });

  it('refuses to load an instance item that does not match the Instance schema, naming its key', async () => {
    // prepare
    const item = { pk: 'C#broken', sk: 'I#i-1', type: 'instance', schemaVersion: 1, instanceId: 'i-1' };
    await db.doc.send(new PutCommand({ TableName: db.tableName, Item: item }));

    // act
    const loading = store().load('broken');

    // assess
    await expect(loading).rejects.toThrow(ValidationError);
    await expect(loading).rejects.toThrow(/C#broken \/ I#i-1/);
  });
});

describe('DynamoCustomerStore construction', () => {
  it.each([0, -1, 1.5, Number.NaN])('refuses a retention of %s days', (retentionDays) => {
    expect(() => new DynamoCustomerStore({ doc: db.doc, tableName: db.tableName, retentionDays })).toThrow(
      RangeError,
    );
  });
});

describe('DynamoUnsubscribeRequests', () => {
  const requests = () => new DynamoUnsubscribeRequests({ doc: db.doc, tableName: db.tableName });

  it('keeps a request beside the profile, which it leaves as stored, until its event is applied', async () => {
    const customerId = `c-${crypto.randomUUID()}`;
    await store().saveProfile(aProfile({ customerId, consent: { email: true } }));

    await requests().record(customerId, {
      channel: 'email',
      scope: 'marketing',
      at: '2026-11-03T10:00:00.000Z',
    });

    const loaded = await store().load(customerId);
    expect(loaded.profile?.attributes?.emailMarketing).toBeUndefined();
    expect(loaded.unsubscribeRequests).toEqual([
      { channel: 'email', scope: 'marketing', at: '2026-11-03T10:00:00.000Z' },
    ]);
    expect(await rawItem(`C#${customerId}`, '#UNSUBSCRIBE')).toMatchObject({
      expiresAt: epochSeconds('2026-11-03T10:00:00.000Z') + 30 * day,
    });

    await requests().applied(customerId, { channel: 'email', scope: 'marketing' });
    expect((await store().load(customerId)).unsubscribeRequests).toBeUndefined();
  });

  it('creates nothing when told a request was applied that it never kept', async () => {
    const customerId = `c-${crypto.randomUUID()}`;
    await requests().applied(customerId, { channel: 'email', scope: 'all' });
    expect(await rawItem(`C#${customerId}`, '#UNSUBSCRIBE')).toBeUndefined();
  });
});
