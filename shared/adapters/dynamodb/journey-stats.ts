import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { windowCloses } from '../../app/admin/stats.js';
import type { JourneyStats, StatsDelta } from '../../app/ports.js';
import { queryAll, type TableOptions } from './client.js';
import { itemSchemaVersion } from './items.js';
import { expiryAfter, ttlAttribute } from './keys.js';

const statsPk = (journeyId: string): string => `STATS#${journeyId}`;
const shardSk = (shard: number): string => `SHARD#${shard}`;
const windowSk = (until: string): string => `WINDOW#${until}`;
const statsType = 'journeyStats';
/** A window item is dropped by TTL a day after its windows closed: they never count again. */
const windowGraceDays = 1;
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
 *
 * Open conversion windows (`goal.{group}.open.{until}`, see `windowCloses`) are kept apart, one
 * item per closing time (`WINDOW#{until}`) that TTL drops a day after it: there is one such
 * counter per window, so the shard items would otherwise grow without bound. A delta that opens
 * or converts a window is then two UpdateItems; the same Query reads both kinds.
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
    const shared: [string, number][] = [];
    const byClosing = new Map<string, [string, number][]>();
    for (const entry of entries) {
      const until = windowCloses(entry[0]);
      if (until === null || Number.isNaN(Date.parse(until))) shared.push(entry);
      else byClosing.set(until, [...(byClosing.get(until) ?? []), entry]);
    }
    const writes: Promise<void>[] = [];
    if (shared.length > 0) {
      writes.push(this.add({ pk: statsPk(journeyId), sk: shardSk(hash(shardKey) % this.shards) }, shared));
    }
    for (const [until, counters] of byClosing) {
      const expiresAt = expiryAfter(until, windowGraceDays);
      writes.push(this.add({ pk: statsPk(journeyId), sk: windowSk(until) }, counters, expiresAt));
    }
    await Promise.all(writes);
  }

  private async add(
    key: { pk: string; sk: string },
    counters: readonly [string, number][],
    expiresAt?: number,
  ): Promise<void> {
    const names: Record<string, string> = { '#type': 'type', '#schema': 'schemaVersion' };
    const values: Record<string, unknown> = { ':type': statsType, ':schema': itemSchemaVersion };
    const sets = ['#type = :type', '#schema = :schema'];
    if (expiresAt !== undefined) {
      names['#ttl'] = ttlAttribute;
      values[':ttl'] = expiresAt;
      sets.push('#ttl = :ttl');
    }
    const adds = counters.map(([counter, amount], i) => {
      names[`#c${i}`] = `${counterPrefix}${counter}`;
      values[`:c${i}`] = amount;
      return `#c${i} :c${i}`;
    });
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key,
        UpdateExpression: `SET ${sets.join(', ')} ADD ${adds.join(', ')}`,
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
