import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Channel, SuppressionList } from '../../app/ports.js';
import { normaliseAddress } from '../../domain/guards/send.js';
import type { TableOptions } from './client.js';
import { itemSchemaVersion, parseItem, SuppressionItem } from './items.js';
import { GuardItemType, suppressionPk, suppressionSk } from './keys.js';

/**
 * The suppression list: one item per channel and address (`SUPPRESS#{channel}#{address}`), looked
 * up with one strongly consistent GetItem before every send. Suppressing again keeps the first
 * time and records the latest reason.
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
    return result.Item ? parseItem(SuppressionItem, result.Item, 'suppression').reason : null;
  }

  async suppress(entry: { channel: Channel; address: string; reason: string; at: string }): Promise<void> {
    const address = normaliseAddress(entry.address);
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: suppressionPk(entry.channel, address), sk: suppressionSk },
        UpdateExpression:
          'SET #type = :type, #schema = :schema, #channel = :channel, #address = :address, #reason = :reason, ' +
          '#updatedAt = :at, #suppressedAt = if_not_exists(#suppressedAt, :at)',
        ExpressionAttributeNames: {
          '#type': 'type',
          '#schema': 'schemaVersion',
          '#channel': 'channel',
          '#address': 'address',
          '#reason': 'reason',
          '#updatedAt': 'updatedAt',
          '#suppressedAt': 'suppressedAt',
        },
        ExpressionAttributeValues: {
          ':type': GuardItemType.suppression,
          ':schema': itemSchemaVersion,
          ':channel': entry.channel,
          ':address': address,
          ':reason': entry.reason,
          ':at': entry.at,
        },
      }),
    );
  }
}
