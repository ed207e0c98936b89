import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../../shared/adapters/dynamodb/client.js';
import { DynamoCustomerStore } from '../../../shared/adapters/dynamodb/customer-store.js';
import { DynamoJourneyStats } from '../../../shared/adapters/dynamodb/journey-stats.js';
import { statsDelta } from '../../../shared/app/admin/stats.js';
import { churnWinBack } from '../../../shared/domain/defaults/churn-win-back.js';
import { Journey } from '../../../shared/domain/journey/definition.js';
import type { EventRef } from '../../../shared/domain/journey/instance.js';
import { startInstance, step } from '../../../shared/domain/journey/interpreter.js';
import { compareConversion } from '../../../shared/domain/journey/lift.js';
import { useDynamoDb } from '../../support/dynamodb.js';
import { countingClient } from './counting-client.js';

const db = useDynamoDb();
const newId = () => `j-${crypto.randomUUID()}`;

describe('DynamoJourneyStats', () => {
  it('records a delta of many counters with one UpdateItem and no read', async () => {
    const { client, calls } = countingClient(db.endpoint);
    const stats = new DynamoJourneyStats({ doc: createDocumentClient(client), tableName: db.tableName });

    await stats.record(newId(), 'i-1', {
      entered: 1,
      active: 1,
      'reached.wait': 1,
      'waiting.wait': 1,
      'message.skipped.no-consent': 1,
    });

    expect(calls).toEqual(['UpdateItem']);
  });

  it('writes nothing for an empty delta', async () => {
    const { client, calls } = countingClient(db.endpoint);
    const stats = new DynamoJourneyStats({ doc: createDocumentClient(client), tableName: db.tableName });

    await stats.record(newId(), 'i-1', { entered: 0 });

    expect(calls).toEqual([]);
  });

  it('sums the shards of a journey in one Query, subtractions included', async () => {
    const journeyId = newId();
    const writer = new DynamoJourneyStats({ doc: db.doc, tableName: db.tableName, shards: 4 });
    for (let i = 0; i < 20; i += 1)
      await writer.record(journeyId, `i-${i}`, { entered: 1, active: 1, 'waiting.wait': 1 });
    for (let i = 0; i < 5; i += 1)
      await writer.record(journeyId, `i-${i}`, { active: -1, 'waiting.wait': -1, 'ended.completed': 1 });
    await writer.record(newId(), 'i-0', { entered: 100 });
    const { client, calls } = countingClient(db.endpoint);

    const totals = await new DynamoJourneyStats({
      doc: createDocumentClient(client),
      tableName: db.tableName,
    }).read(journeyId);

    expect(totals).toEqual({ entered: 20, active: 15, 'waiting.wait': 15, 'ended.completed': 5 });
    expect(calls).toEqual(['Query']);
  });

  it('keeps every recording when many arrive at once (atomic ADD)', async () => {
    const journeyId = newId();
    const stats = new DynamoJourneyStats({ doc: db.doc, tableName: db.tableName, shards: 1 });

    await Promise.all(
      Array.from({ length: 25 }, () => stats.record(journeyId, 'same', { 'message.sent.email': 1 })),
    );

    expect(await stats.read(journeyId)).toEqual({ 'message.sent.email': 25 });
  });

  it('keeps the conversion windows of both groups and counts their conversions', async () => {
    const journey = Journey.parse({ ...churnWinBack, id: newId() });
    const customers = new DynamoCustomerStore({ doc: db.doc, tableName: db.tableName, retentionDays: 180 });
    const stats = new DynamoJourneyStats({ doc: db.doc, tableName: db.tableName });
    const t0 = '2026-11-02T09:00:00.000Z';
    const risk = (customerId: string): EventRef => ({
      id: `risk-${customerId}`,
      detailType: 'Churn Risk Detected',
      source: 'careflow',
      time: t0,
      detail: { customerId },
    });
    const order: EventRef = { ...risk('x'), id: 'order-1', detailType: 'Order Completed', time: t0 };
    const later = { now: '2026-11-10T09:00:00.000Z', profile: {} };
    for (const [customerId, draw] of [
      [`held-${journey.id}`, 0.01],
      [`treated-${journey.id}`, 0.5],
    ] as const) {
      const started = startInstance(
        journey,
        { instanceId: `i-${customerId}`, customerId, trigger: risk(customerId) },
        { now: t0, profile: {}, draw: () => draw },
      );
      await customers.saveInstance(started.instance, null);
      await stats.record(journey.id, started.instance.instanceId, statsDelta(null, started.instance));
      const [stored] = (await customers.load(customerId)).instances;
      expect(stored).toEqual(started.instance);
      if (!stored) throw new Error('not stored');
      const converted = step(journey, stored, { kind: 'event', event: order }, later);
      await customers.saveInstance(converted.instance, stored.version);
      await stats.record(journey.id, stored.instanceId, statsDelta(stored, converted.instance));
    }

    const totals = await stats.read(journey.id);

    expect(totals).toMatchObject({
      'goal.control.entered': 1,
      'goal.control.converted': 1,
      'goal.treatment.entered': 1,
      'goal.treatment.converted': 1,
      // Both windows (closing 30 days after entry) opened and closed by the conversion.
      'goal.control.open.2026-12-02T09:00:00.000Z': 0,
      'goal.treatment.open.2026-12-02T09:00:00.000Z': 0,
    });
    expect(
      compareConversion(
        {
          entered: totals['goal.treatment.entered'] ?? 0,
          converted: totals['goal.treatment.converted'] ?? 0,
        },
        { entered: totals['goal.control.entered'] ?? 0, converted: totals['goal.control.converted'] ?? 0 },
      ),
    ).toMatchObject({ absoluteLift: 0, significant: false });
  });

  it('keeps open conversion windows in an item per closing time that TTL drops a day after it', async () => {
    const journeyId = newId();
    const until = '2026-12-02T09:00:00.000Z';
    const { client, calls } = countingClient(db.endpoint);
    const stats = new DynamoJourneyStats({ doc: createDocumentClient(client), tableName: db.tableName });

    await stats.record(journeyId, 'i-1', {
      entered: 1,
      'goal.treatment.entered': 1,
      [`goal.treatment.open.${until}`]: 1,
    });
    await stats.record(journeyId, 'i-2', {
      entered: 1,
      'goal.control.entered': 1,
      [`goal.control.open.${until}`]: 1,
    });
    await stats.record(journeyId, 'i-1', {
      'goal.treatment.converted': 1,
      [`goal.treatment.open.${until}`]: -1,
    });

    expect(calls).toEqual([
      'UpdateItem',
      'UpdateItem',
      'UpdateItem',
      'UpdateItem',
      'UpdateItem',
      'UpdateItem',
    ]);
    const window = await db.doc.send(
      new GetCommand({ TableName: db.tableName, Key: { pk: `STATS#${journeyId}`, sk: `WINDOW#${until}` } }),
    );
    expect(window.Item).toMatchObject({
      expiresAt: Date.parse('2026-12-03T09:00:00.000Z') / 1000,
      [`c:goal.treatment.open.${until}`]: 0,
      [`c:goal.control.open.${until}`]: 1,
    });
    expect(await stats.read(journeyId)).toEqual({
      entered: 2,
      'goal.treatment.entered': 1,
      'goal.treatment.converted': 1,
      'goal.control.entered': 1,
      [`goal.treatment.open.${until}`]: 0,
      [`goal.control.open.${until}`]: 1,
    });
  });

  it('reads an unknown journey as no counters', async () => {
    expect(await new DynamoJourneyStats({ doc: db.doc, tableName: db.tableName }).read(newId())).toEqual({});
  });
});
