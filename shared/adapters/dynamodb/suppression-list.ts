import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Channel, SuppressionEntry, SuppressionList } from '../../app/ports.js';
import { normaliseAddress } from '../../domain/guards/send.js';
import type { TableOptions } from './client.js';
import { isConditionalCheckFailed } from './conditions.js';
import { itemSchemaVersion, parseItem, SuppressionItem } from './items.js';
import {
  customerPk,
  GuardItemType,
  suppressionMarkAttribute,
  suppressionMarksSk,
  suppressionPk,
  suppressionSk,
} from './keys.js';

/**
 * The suppression list: one item per channel and address (`SUPPRESS#{channel}#{address}`), the
 * source of truth, mirrored into the partitions of the customers who watch the address
 * (`C#{customerId}` / `#SUPPRESSED`, one attribute per address), so that the processor learns it
 * from the one Query of the customer (docs/decisions/0071-suppression-marks-in-the-customer-partition.md).
 *
 * Watching and suppressing each write the address item first, atomically, and learn from its new
 * image what the other did: a watcher sees the reason of a suppression that came first; a
 * suppression sees every watcher that came first and marks their partitions. A watcher's mark never
 * turns a suppressed mark back to "may be contacted" (`if_not_exists`), whatever the order of the
 * two partition writes. Suppressing again keeps the first time and records the latest reason.
 */
export class DynamoSuppressionList implements SuppressionList {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(options: TableOptions) {
    this.doc = options.doc;
    this.tableName = options.tableName;
  }

  async reasonFor(channel: Channel, address: string): Promise<string | null> {
    const result = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: suppressionPk(channel, normaliseAddress(address)), sk: suppressionSk },
        ConsistentRead: true,
      }),
    );
    return result.Item ? (parseItem(SuppressionItem, result.Item, 'suppression').reason ?? null) : null;
  }

  async suppress(entry: SuppressionEntry): Promise<void> {
    const address = normaliseAddress(entry.address);
    const key = { pk: suppressionPk(entry.channel, address), sk: suppressionSk };
    const updated = await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key,
        UpdateExpression:
          'SET #type = :type, #schema = :schema, #channel = :channel, #address = :address, #reason = :reason, ' +
          `#updatedAt = :at, #suppressedAt = if_not_exists(#suppressedAt, :at)${entry.unwatch ? ' DELETE #watchers :gone' : ''}`,
        ExpressionAttributeNames: {
          '#type': 'type',
          '#schema': 'schemaVersion',
          '#channel': 'channel',
          '#address': 'address',
          '#reason': 'reason',
          '#updatedAt': 'updatedAt',
          '#suppressedAt': 'suppressedAt',
          ...(entry.unwatch ? { '#watchers': 'watchers' } : {}),
        },
        ExpressionAttributeValues: {
          ':type': GuardItemType.suppression,
          ':schema': itemSchemaVersion,
          ':channel': entry.channel,
          ':address': address,
          ':reason': entry.reason,
          ':at': entry.at,
          ...(entry.unwatch ? { ':gone': new Set([entry.unwatch]) } : {}),
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const item = parseItem(SuppressionItem, updated.Attributes ?? {}, 'suppression');
    // Once every watcher is marked, later watchers learn the reason when they start watching.
    if (item.markedAt) return;
    for (const customerId of item.watchers ?? []) {
      await this.mark(customerId, entry.channel, address, entry.reason, 'always');
    }
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key,
        UpdateExpression: 'SET #markedAt = :at',
        ExpressionAttributeNames: { '#markedAt': 'markedAt' },
        ExpressionAttributeValues: { ':at': entry.at },
      }),
    );
  }

  async watch(customerId: string, channel: Channel, address: string): Promise<string | null> {
    const normalised = normaliseAddress(address);
    const updated = await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: suppressionPk(channel, normalised), sk: suppressionSk },
        UpdateExpression:
          'SET #type = if_not_exists(#type, :type), #schema = if_not_exists(#schema, :schema), ' +
          '#channel = :channel, #address = :address ADD #watchers :customer',
        ExpressionAttributeNames: {
          '#type': 'type',
          '#schema': 'schemaVersion',
          '#channel': 'channel',
          '#address': 'address',
          '#watchers': 'watchers',
        },
        ExpressionAttributeValues: {
          ':type': GuardItemType.suppression,
          ':schema': itemSchemaVersion,
          ':channel': channel,
          ':address': normalised,
          ':customer': new Set([customerId]),
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const reason = parseItem(SuppressionItem, updated.Attributes ?? {}, 'suppression').reason ?? null;
    await this.mark(customerId, channel, normalised, reason, reason ? 'always' : 'if-unmarked');
    return reason;
  }

  async lift(channel: Channel, address: string, at: string): Promise<boolean> {
    const normalised = normaliseAddress(address);
    let lifted: Record<string, unknown> | undefined;
    try {
      lifted = (
        await this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { pk: suppressionPk(channel, normalised), sk: suppressionSk },
            ConditionExpression: 'attribute_exists(#reason)',
            UpdateExpression: 'REMOVE #reason, #suppressedAt, #markedAt SET #updatedAt = :at',
            ExpressionAttributeNames: {
              '#reason': 'reason',
              '#suppressedAt': 'suppressedAt',
              '#markedAt': 'markedAt',
              '#updatedAt': 'updatedAt',
            },
            ExpressionAttributeValues: { ':at': at },
            ReturnValues: 'ALL_NEW',
          }),
        )
      ).Attributes;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
    // Each watcher forgets the mark and watches the address again at its next send; a partition
    // that is gone (an erased customer) is left alone.
    for (const customerId of parseItem(SuppressionItem, lifted ?? {}, 'suppression').watchers ?? []) {
      try {
        await this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { pk: customerPk(customerId), sk: suppressionMarksSk },
            ConditionExpression: 'attribute_exists(pk)',
            UpdateExpression: 'REMOVE #mark',
            ExpressionAttributeNames: { '#mark': suppressionMarkAttribute(channel, normalised) },
          }),
        );
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
      }
    }
    return true;
  }

  /** Write one address's mark in the customer's partition; "may be contacted" never overwrites a mark. */
  private async mark(
    customerId: string,
    channel: Channel,
    normalisedAddress: string,
    reason: string | null,
    when: 'always' | 'if-unmarked',
  ): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: customerPk(customerId), sk: suppressionMarksSk },
        UpdateExpression: `SET #mark = ${when === 'always' ? ':reason' : 'if_not_exists(#mark, :reason)'}, #type = :type, #schema = :schema`,
        ExpressionAttributeNames: {
          '#mark': suppressionMarkAttribute(channel, normalisedAddress),
          '#type': 'type',
          '#schema': 'schemaVersion',
        },
        ExpressionAttributeValues: {
          ':reason': reason,
          ':type': GuardItemType.suppressionMarks,
          ':schema': itemSchemaVersion,
        },
      }),
    );
  }
}
