import {
  BatchWriteCommand,
  type BatchWriteWriteRequest,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
} from '@aws-sdk/lib-dynamodb';
import type { CustomerDataStore, CustomerRecords, StoredRecord } from '../../app/ports.js';
import { ConflictError } from '../../domain/errors.js';
import { queryAll, type TableOptions } from './client.js';
import { isConditionalCheckFailed } from './conditions.js';
import { ErasureItem, itemSchemaVersion, parseItem, SuppressionMarksItem } from './items.js';
import {
  customerPk,
  erasureItemType,
  erasureSk,
  expiryAfter,
  instancePrefix,
  messagePrefix,
  profileSk,
  providerMessageIdAttribute,
  suppressionMarksSk,
  ttlAttribute,
} from './keys.js';

/** BatchWriteItem takes at most 25 requests. */
export const MAX_BATCH_WRITE = 25;

/** The table's bookkeeping, left out of exports (the index key copies `providerMessageId`). */
const BOOKKEEPING = new Set(['pk', 'sk', 'type', 'schemaVersion', ttlAttribute, providerMessageIdAttribute]);

const surveyPrefix = 'S#';

/**
 * The fewest days a tombstone is kept: longer than an event can wait in careflow's queues (14 days
 * in a dead-letter queue, then a redrive), so no queued event outlives the cut-off.
 */
export const MIN_TOMBSTONE_DAYS = 30;

/** The erasure time in items of a customer's partition (the tombstone), if there is one. */
export const erasedAtIn = (items: readonly Record<string, unknown>[]): string | undefined => {
  const tombstone = items.find((item) => item.sk === erasureSk);
  return tombstone ? parseItem(ErasureItem, tombstone, 'erasure').erasedAt : undefined;
};

export interface DynamoCustomerDataOptions extends TableOptions {
  /** Further BatchWriteItem calls for deletes DynamoDB left unprocessed. Default 5. */
  batchRetries?: number;
  /** Base of the exponential backoff between those calls, in ms. Default 50. */
  baseDelayMs?: number;
  /** Query-and-delete passes before giving up on a customer that is still being written. Default 3. */
  passes?: number;
  /** Injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
  /**
   * The table's retention: the tombstone expires this many days after the erasure (at least
   * MIN_TOMBSTONE_DAYS). Without it, the tombstone is kept until deleted.
   */
  retentionDays?: number;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** An item as plain JSON for an export: no keys or bookkeeping; the TTL as an ISO time. */
const exported = (item: Record<string, unknown>): StoredRecord => {
  const out: StoredRecord = {};
  for (const [name, value] of Object.entries(item)) {
    if (!BOOKKEEPING.has(name)) out[name] = value;
  }
  const expiresAt = item[ttlAttribute];
  if (typeof expiresAt === 'number') out.retainedUntil = new Date(expiresAt * 1000).toISOString();
  return out;
};

type Key = { pk: string; sk: string };

/**
 * Everything of one customer in the table: their whole partition `C#{customerId}` (profile,
 * instances, messages, survey answers, and kinds added later). Reads are one strongly
 * consistent Query (all pages); deletes are BatchWriteItem in chunks of 25, with the profile in
 * the last chunk, unprocessed items retried with backoff, and the partition queried again until
 * nothing but the tombstone is left.
 */
export class DynamoCustomerData implements CustomerDataStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly batchRetries: number;
  private readonly baseDelayMs: number;
  private readonly passes: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly tombstoneDays: number | undefined;

  constructor(options: DynamoCustomerDataOptions) {
    this.doc = options.doc;
    this.tableName = options.tableName;
    this.batchRetries = options.batchRetries ?? 5;
    this.baseDelayMs = options.baseDelayMs ?? 50;
    this.passes = options.passes ?? 3;
    this.sleep = options.sleep ?? defaultSleep;
    this.tombstoneDays =
      options.retentionDays === undefined ? undefined : Math.max(options.retentionDays, MIN_TOMBSTONE_DAYS);
  }

  async readAll(customerId: string): Promise<CustomerRecords> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': customerPk(customerId) },
      ConsistentRead: true,
    });
    const records: CustomerRecords = {
      customerId,
      profile: null,
      instances: [],
      messages: [],
      surveyAnswers: [],
      other: [],
      erasure: null,
    };
    for (const item of items) {
      const sk = String(item.sk);
      if (sk === profileSk) records.profile = exported(item);
      else if (sk === erasureSk)
        records.erasure = { erasedAt: parseItem(ErasureItem, item, 'erasure').erasedAt };
      else if (sk.startsWith(instancePrefix)) records.instances.push(exported(item));
      else if (sk.startsWith(messagePrefix)) records.messages.push(exported(item));
      else if (sk.startsWith(surveyPrefix)) records.surveyAnswers.push(exported(item));
      else {
        // Exported as they are; the suppression marks also name addresses an erasure suppresses.
        if (sk === suppressionMarksSk)
          records.suppressionMarks = parseItem(SuppressionMarksItem, item, 'suppression marks');
        records.other.push({ kind: typeof item.type === 'string' ? item.type : sk, ...exported(item) });
      }
    }
    return records;
  }

  async markErased(
    customerId: string,
    at: string,
    options: { renew?: boolean } = {},
  ): Promise<{ erasedAt: string }> {
    const key = { pk: customerPk(customerId), sk: erasureSk };
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...key,
            type: erasureItemType,
            schemaVersion: itemSchemaVersion,
            customerId,
            erasedAt: at,
            ...(this.tombstoneDays === undefined
              ? {}
              : { [ttlAttribute]: expiryAfter(at, this.tombstoneDays) }),
          },
          ...(options.renew ? {} : { ConditionExpression: 'attribute_not_exists(pk)' }),
        }),
      );
      return { erasedAt: at };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
    const existing = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
    );
    if (!existing.Item)
      throw new ConflictError(`the erasure tombstone of ${customerId} vanished while it was written`);
    return { erasedAt: parseItem(ErasureItem, existing.Item, 'erasure').erasedAt };
  }

  async deleteAll(customerId: string): Promise<number> {
    let deleted = 0;
    for (let pass = 0; pass < this.passes; pass++) {
      const keys = await this.keysToDelete(customerId);
      if (keys.length === 0) return deleted;
      for (let start = 0; start < keys.length; start += MAX_BATCH_WRITE) {
        await this.deleteBatch(keys.slice(start, start + MAX_BATCH_WRITE));
      }
      deleted += keys.length;
    }
    if ((await this.keysToDelete(customerId)).length === 0) return deleted;
    throw new ConflictError(
      `customer ${customerId} was still being written after ${this.passes} rounds of deletes; erase again`,
    );
  }

  /** Every key of the partition but the tombstone, the profile last. */
  private async keysToDelete(customerId: string): Promise<Key[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': customerPk(customerId) },
      ProjectionExpression: 'pk, sk',
      ConsistentRead: true,
    });
    const keys = items
      .map((item) => ({ pk: String(item.pk), sk: String(item.sk) }))
      .filter((key) => key.sk !== erasureSk);
    return [...keys.filter((k) => k.sk !== profileSk), ...keys.filter((k) => k.sk === profileSk)];
  }

  private async deleteBatch(keys: Key[]): Promise<void> {
    let pending: BatchWriteWriteRequest[] = keys.map((Key) => ({ DeleteRequest: { Key } }));
    for (let attempt = 0; ; attempt++) {
      const output = await this.doc.send(
        new BatchWriteCommand({ RequestItems: { [this.tableName]: pending } }),
      );
      pending = output.UnprocessedItems?.[this.tableName] ?? [];
      if (pending.length === 0) return;
      if (attempt >= this.batchRetries) {
        throw new Error(
          `${pending.length} deletes stayed unprocessed after ${attempt + 1} BatchWriteItem calls`,
        );
      }
      await this.sleep(this.baseDelayMs * 2 ** attempt);
    }
  }
}
