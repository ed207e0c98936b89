import { describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../../shared/adapters/dynamodb/client.js';
import { DynamoJourneyStats } from '../../../shared/adapters/dynamodb/journey-stats.js';
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

  it('reads an unknown journey as no counters', async () => {
    expect(await new DynamoJourneyStats({ doc: db.doc, tableName: db.tableName }).read(newId())).toEqual({});
  });
});
