import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { JourneyStats, StatsDelta } from '../../app/ports.js';
import { queryAll, type TableOptions } from './client.js';
import { itemSchemaVersion } from './items.js';

const statsPk = (journeyId: string): string => `STATS#${journeyId}`;
const shardSk = (shard: number): string => `SHARD#${shard}`;
const statsType = 'journeyStats';
/** Counter attributes carry this prefix, so bookkeeping attributes never count. */
const counterPrefix = 'c:';

/** FNV-1a: a stable spread of shard keys over the shards. */
const hash = (text: string): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
};

/**
 * Journey counters as a few sharded items under `STATS#{journeyId}` / `SHARD#{n}`.
 * A recording is one UpdateItem with an `ADD` per counter (no read); a busy journey spreads its
 * writes over `shards` items instead of throttling on one. Reading sums the shards: one Query.
 */
export class DynamoJourneyStats implements JourneyStats {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly shards: number;

  constructor(options: TableOptions & { shards?: number }) {
    this.doc = options.doc;
    this.tableName = options.tableName;
    this.shards = options.shards ?? 8;
  }

  async record(journeyId: string, shardKey: string, delta: StatsDelta): Promise<void> {
    const entries = Object.entries(delta).filter(([, amount]) => Number.isFinite(amount) && amount !== 0);
    if (entries.length === 0) return;
    const names: Record<string, string> = { '#type': 'type', '#schema': 'schemaVersion' };
    const values: Record<string, unknown> = { ':type': statsType, ':schema': itemSchemaVersion };
    const adds = entries.map(([counter, amount], i) => {
      names[`#c${i}`] = `${counterPrefix}${counter}`;
      values[`:c${i}`] = amount;
      return `#c${i} :c${i}`;
    });
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: statsPk(journeyId), sk: shardSk(hash(shardKey) % this.shards) },
        UpdateExpression: `SET #type = :type, #schema = :schema ADD ${adds.join(', ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  async read(journeyId: string): Promise<Record<string, number>> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': statsPk(journeyId) },
    });
    const totals: Record<string, number> = {};
    for (const item of items) {
      for (const [name, value] of Object.entries(item)) {
        if (!name.startsWith(counterPrefix) || typeof value !== 'number') continue;
        const counter = name.slice(counterPrefix.length);
        totals[counter] = (totals[counter] ?? 0) + value;
      }
    }
    return totals;
  }
}
