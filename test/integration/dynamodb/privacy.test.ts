import type { BatchWriteItemCommandInput, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { createLocalDynamoDbClient } from '../../../infra/local/dynamodb-local.js';
import { createDocumentClient } from '../../../shared/adapters/dynamodb/client.js';
import { DynamoCustomerStore } from '../../../shared/adapters/dynamodb/customer-store.js';
import { DynamoMessageLog } from '../../../shared/adapters/dynamodb/message-log.js';
import { DynamoCustomerData } from '../../../shared/adapters/dynamodb/privacy.js';
import { DynamoSuppressionList } from '../../../shared/adapters/dynamodb/suppression-list.js';
import { DynamoSurveyStore } from '../../../shared/adapters/dynamodb/survey-store.js';
import { eraseCustomer } from '../../../shared/app/privacy/index.js';
import { processCustomerEvent } from '../../../shared/app/process-customer-event.js';
import { ConflictError } from '../../../shared/domain/errors.js';
import { makeWorld } from '../../support/app.js';
import { useDynamoDb } from '../../support/dynamodb.js';
import { silentLogger } from '../../support/fakes.js';
import { aMessage, anAnswer, anInstance, aProfile, epochSeconds } from './fixtures.js';

const retentionDays = 90;
const db = useDynamoDb();
const table = () => ({ doc: db.doc, tableName: db.tableName, retentionDays });
const newCustomer = () => `c-${crypto.randomUUID()}`;
const noSleep = async () => {};

/** A customer with a profile, two instances, `messages` messages and a survey answer. */
const seed = async (customerId: string, messages = 2) => {
  const customers = new DynamoCustomerStore(table());
  await customers.saveProfile(aProfile({ customerId }));
  await customers.saveInstance(anInstance({ customerId, instanceId: 'i-1' }), null);
  await customers.saveInstance(
    anInstance({ customerId, instanceId: 'i-0', status: 'completed', endedAt: '2026-11-04T09:00:00.000Z' }),
    null,
  );
  const log = new DynamoMessageLog(table());
  for (let n = 1; n <= messages; n++) {
    await log.claim(aMessage({ customerId, messageId: `i-1.step${n}.1`, to: `old${n}@example.com` }));
  }
  await new DynamoSurveyStore(table()).record(anAnswer({ customerId, surveyId: 'i-1.step1.1' }));
};

const clients: DynamoDBClient[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.destroy();
});

/** A client of the same DynamoDB Local whose requests a test can see and tamper with. */
const tamperedClient = (
  tamper: (
    command: string,
    input: BatchWriteItemCommandInput | object,
  ) => Promise<'unprocessed-half' | 'unprocessed-all' | 'pass'>,
) => {
  const client = createLocalDynamoDbClient(db.endpoint);
  clients.push(client);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const decision = await tamper(context.commandName ?? '', args.input);
      if (decision === 'pass' || !('RequestItems' in args.input)) return next(args);
      // Let DynamoDB process the first half only, and answer the rest as UnprocessedItems.
      const [[tableName, requests] = ['', []]] = Object.entries(args.input.RequestItems ?? {});
      if (decision === 'unprocessed-all') {
        return { output: { UnprocessedItems: { [tableName]: requests }, $metadata: {} }, response: {} };
      }
      const half = Math.ceil(requests.length / 2);
      const result = await next({
        ...args,
        input: { RequestItems: { [tableName]: requests.slice(0, half) } },
      });
      return {
        ...result,
        output: { ...result.output, UnprocessedItems: { [tableName]: requests.slice(half) } },
      };
    },
    { step: 'initialize', name: 'tamper' },
  );
  return createDocumentClient(client);
};

describe('DynamoCustomerData export', () => {
  it('reads the whole partition, grouped by kind, without the table’s bookkeeping', async () => {
    const customerId = newCustomer();
    await seed(customerId);

    const records = await new DynamoCustomerData(table()).readAll(customerId);

    expect(records.customerId).toBe(customerId);
    expect(records.profile).toEqual(aProfile({ customerId }));
    expect(records.instances.map((i) => i.instanceId).sort()).toEqual(['i-0', 'i-1']);
    expect(records.messages.map((m) => m.messageId).sort()).toEqual(['i-1.step1.1', 'i-1.step2.1']);
    expect(records.surveyAnswers).toEqual([
      expect.objectContaining({ surveyId: 'i-1.step1.1', revision: 1 }),
    ]);
    expect(records.other).toEqual([]);
    expect(records.erasure).toBeNull();
    for (const record of [records.profile, ...records.instances, ...records.messages]) {
      expect(record).not.toHaveProperty('pk');
      expect(record).not.toHaveProperty('sk');
      expect(record).not.toHaveProperty('schemaVersion');
      expect(record).not.toHaveProperty('expiresAt');
    }
  });

  it('shows when TTL will remove an item, and keeps attributes no schema knows (e.g. delivery feedback)', async () => {
    const customerId = newCustomer();
    await new DynamoMessageLog(table()).claim(aMessage({ customerId, sentAt: '2026-11-03T09:00:00.000Z' }));
    await db.doc.send(
      new PutCommand({
        TableName: db.tableName,
        Item: {
          pk: `C#${customerId}`,
          sk: 'X#case-1',
          type: 'case',
          caseId: 'case-1',
          topic: 'late delivery',
        },
      }),
    );
    const update = await db.doc.send(
      new GetCommand({ TableName: db.tableName, Key: { pk: `C#${customerId}`, sk: 'M#m-1' } }),
    );
    await db.doc.send(
      new PutCommand({ TableName: db.tableName, Item: { ...update.Item, deliveryStatus: 'opened' } }),
    );

    const records = await new DynamoCustomerData(table()).readAll(customerId);

    const expiry = epochSeconds('2026-11-03T09:00:00.000Z') + retentionDays * 86_400;
    expect(records.messages[0]).toMatchObject({
      deliveryStatus: 'opened',
      retainedUntil: new Date(expiry * 1000).toISOString(),
    });
    expect(records.other).toEqual([{ kind: 'case', caseId: 'case-1', topic: 'late delivery' }]);
  });
});

describe('DynamoCustomerData erasure', () => {
  it('deletes every item of the partition, more than one batch of them, and keeps the tombstone', async () => {
    const customerId = newCustomer();
    await seed(customerId, 60);
    const data = new DynamoCustomerData(table());
    await data.markErased(customerId, '2026-11-10T12:00:00.000Z');

    const deleted = await data.deleteAll(customerId);

    expect(deleted).toBe(1 + 2 + 60 + 1);
    const left = await data.readAll(customerId);
    expect(left).toEqual({
      customerId,
      profile: null,
      instances: [],
      messages: [],
      surveyAnswers: [],
      other: [],
      erasure: { erasedAt: '2026-11-10T12:00:00.000Z' },
    });
  });

  it('deletes the profile in the last batch, so a retry can still read the addresses', async () => {
    const customerId = newCustomer();
    await seed(customerId, 30);
    const batches: string[][] = [];
    const doc = tamperedClient(async (command, input) => {
      if (command === 'BatchWriteItemCommand' && 'RequestItems' in input) {
        const requests = Object.values(input.RequestItems ?? {})[0] ?? [];
        batches.push(requests.map((r) => String(r.DeleteRequest?.Key?.sk)));
      }
      return 'pass';
    });

    await new DynamoCustomerData({ doc, tableName: db.tableName }).deleteAll(customerId);

    expect(batches.map((b) => b.length)).toEqual([25, 9]);
    expect(batches.at(-1)?.at(-1)).toBe('#PROFILE');
    expect(batches.flat().filter((sk) => sk === '#PROFILE')).toHaveLength(1);
  });

  it('retries the deletes DynamoDB leaves unprocessed, with backoff', async () => {
    const customerId = newCustomer();
    await seed(customerId, 10);
    let unprocessed = 2;
    const doc = tamperedClient(async (command) => {
      if (command !== 'BatchWriteItemCommand' || unprocessed === 0) return 'pass';
      unprocessed -= 1;
      return 'unprocessed-half';
    });
    const sleeps: number[] = [];
    const data = new DynamoCustomerData({
      doc,
      tableName: db.tableName,
      baseDelayMs: 10,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });

    const deleted = await data.deleteAll(customerId);

    expect(deleted).toBe(14);
    expect(sleeps).toEqual([10, 20]);
    expect((await new DynamoCustomerData(table()).readAll(customerId)).messages).toEqual([]);
  });

  it('gives up, with an error, when deletes stay unprocessed', async () => {
    const customerId = newCustomer();
    await seed(customerId, 1);
    const doc = tamperedClient(async (command) =>
      command === 'BatchWriteItemCommand' ? 'unprocessed-all' : 'pass',
    );
    const data = new DynamoCustomerData({ doc, tableName: db.tableName, batchRetries: 2, sleep: noSleep });

    await expect(data.deleteAll(customerId)).rejects.toThrow(
      /stayed unprocessed after 3 BatchWriteItem calls/,
    );
  });

  it('deletes what a concurrent writer added while it was deleting', async () => {
    const customerId = newCustomer();
    await seed(customerId, 3);
    let wrote = false;
    const doc = tamperedClient(async (command) => {
      if (command === 'BatchWriteItemCommand' && !wrote) {
        wrote = true;
        await new DynamoMessageLog(table()).claim(aMessage({ customerId, messageId: 'late.1' }));
      }
      return 'pass';
    });

    const deleted = await new DynamoCustomerData({ doc, tableName: db.tableName, sleep: noSleep }).deleteAll(
      customerId,
    );

    expect(deleted).toBe(1 + 2 + 3 + 1 + 1);
    expect((await new DynamoCustomerData(table()).readAll(customerId)).messages).toEqual([]);
  });

  it('refuses to report success while a writer keeps adding items', async () => {
    const customerId = newCustomer();
    await seed(customerId, 1);
    let n = 0;
    const doc = tamperedClient(async (command) => {
      if (command === 'BatchWriteItemCommand') {
        n += 1;
        await new DynamoMessageLog(table()).claim(aMessage({ customerId, messageId: `late.${n}` }));
      }
      return 'pass';
    });
    const data = new DynamoCustomerData({ doc, tableName: db.tableName, passes: 2, sleep: noSleep });

    await expect(data.deleteAll(customerId)).rejects.toBeInstanceOf(ConflictError);
  });

  it('keeps the first erasure time when erased again', async () => {
    const customerId = newCustomer();
    const data = new DynamoCustomerData(table());
    expect(await data.markErased(customerId, '2026-11-10T12:00:00.000Z')).toEqual({
      erasedAt: '2026-11-10T12:00:00.000Z',
    });
    expect(await data.markErased(customerId, '2026-12-01T00:00:00.000Z')).toEqual({
      erasedAt: '2026-11-10T12:00:00.000Z',
    });
  });

  it('leaves the tombstone, expiring with the retention, where the customer store’s one Query reads it', async () => {
    const customerId = newCustomer();
    await seed(customerId);
    const data = new DynamoCustomerData(table());
    // In the future, so DynamoDB Local's TTL never removes the tombstone mid-test.
    await data.markErased(customerId, '2030-11-10T12:00:00.000Z');
    await data.deleteAll(customerId);

    const raw = await db.doc.send(
      new GetCommand({ TableName: db.tableName, Key: { pk: `C#${customerId}`, sk: '#ERASED' } }),
    );
    expect(raw.Item).toEqual({
      pk: `C#${customerId}`,
      sk: '#ERASED',
      type: 'erasure',
      schemaVersion: 1,
      customerId,
      erasedAt: '2030-11-10T12:00:00.000Z',
      expiresAt: epochSeconds('2030-11-10T12:00:00.000Z') + retentionDays * 86_400,
    });
    expect(await new DynamoCustomerStore(table()).load(customerId)).toEqual({
      profile: null,
      instances: [],
      contacts: [],
      erasedAt: '2030-11-10T12:00:00.000Z',
    });
  });

  it('keeps a tombstone at least 30 days, even with a shorter retention', async () => {
    const customerId = newCustomer();
    await new DynamoCustomerData({ ...table(), retentionDays: 7 }).markErased(
      customerId,
      '2030-11-10T12:00:00.000Z',
    );
    const raw = await db.doc.send(
      new GetCommand({ TableName: db.tableName, Key: { pk: `C#${customerId}`, sk: '#ERASED' } }),
    );
    expect(raw.Item?.expiresAt).toBe(epochSeconds('2030-11-10T12:00:00.000Z') + 30 * 86_400);
  });

  it('moves the erasure time on when asked to renew it (the customer signed up again)', async () => {
    const customerId = newCustomer();
    const data = new DynamoCustomerData(table());
    await data.markErased(customerId, '2030-11-10T12:00:00.000Z');
    expect(await data.markErased(customerId, '2030-12-01T00:00:00.000Z', { renew: true })).toEqual({
      erasedAt: '2030-12-01T00:00:00.000Z',
    });
    expect((await new DynamoCustomerStore(table()).load(customerId)).erasedAt).toBe(
      '2030-12-01T00:00:00.000Z',
    );
  });

  it('suppresses and unwatches an address known only from the suppression marks', async () => {
    // prepare: the customer was checked at an old address, then changed it; no message is kept.
    const customerId = newCustomer();
    const suppressions = new DynamoSuppressionList(table());
    await suppressions.watch(customerId, 'email', 'ada.old@example.com');
    await new DynamoCustomerStore(table()).saveProfile(
      aProfile({ customerId, email: 'ada.new@example.com' }),
    );
    const raw = async () =>
      (
        await db.doc.send(
          new GetCommand({
            TableName: db.tableName,
            Key: { pk: 'SUPPRESS#email#ada.old@example.com', sk: 'SUPPRESS' },
          }),
        )
      ).Item;
    const watchers = async () => ((await raw())?.watchers as Set<string> | undefined) ?? new Set<string>();
    expect(await watchers()).toEqual(new Set([customerId]));
    // act
    const report = await eraseCustomer(
      {
        clock: { now: () => '2030-11-10T12:00:00.000Z' },
        logger: silentLogger,
        customerData: new DynamoCustomerData(table()),
        suppressions,
      },
      customerId,
    );
    // assess
    expect(report.suppressed.email).toBe(2);
    expect(await suppressions.reasonFor('email', 'ada.old@example.com')).toBe('erased');
    expect(await watchers()).toEqual(new Set());
  });

  it('holds against an event that predates the erasure: the processor does not bring the profile back', async () => {
    const customerId = newCustomer();
    const world = await makeWorld(undefined, '2030-11-10T11:00:00.000Z');
    const customers = new DynamoCustomerStore(table());
    world.deps.customers = customers;
    const event = (detailType: string, detail: Record<string, unknown>, time: string) => ({
      ...world.event(detailType, { customerId, ...detail }),
      time,
    });
    await processCustomerEvent(
      world.deps,
      event('Customer Profile Updated', { email: 'ada@example.com' }, world.clock.now()),
    );
    world.clock.set('2030-11-10T12:00:00.000Z');
    await eraseCustomer(
      {
        clock: world.clock,
        logger: silentLogger,
        customerData: new DynamoCustomerData(table()),
        suppressions: world.suppressions,
      },
      customerId,
    );

    // In flight when the erasure ran: an order from before it, and a profile update a shop sent late.
    world.clock.set('2030-11-10T12:00:05.000Z');
    const late = '2030-11-10T11:30:00.000Z';
    await processCustomerEvent(
      world.deps,
      event('Customer Profile Updated', { email: 'ada@example.com', name: 'Ada' }, late),
    );
    await processCustomerEvent(
      world.deps,
      event('Order Completed', { orderId: 'o-1', total: 40, currency: 'EUR', items: [] }, late),
    );

    const records = await new DynamoCustomerData(table()).readAll(customerId);
    expect(records).toMatchObject({ profile: null, instances: [], messages: [], other: [] });
    expect(records.erasure?.erasedAt).toBeDefined();
  });
});
