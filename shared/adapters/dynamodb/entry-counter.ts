import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { EntryCounter } from '../../app/ports.js';
import type { TableOptions } from './client.js';
import { isConditionalCheckFailed } from './conditions.js';
import { itemSchemaVersion } from './items.js';
import { GuardItemType, journeyEntriesPk, journeyEntriesSk } from './keys.js';

/** How long a day's entry count is kept (for a look back), in days. */
export const ENTRY_COUNT_RETENTION_DAYS = 90;

/**
 * Entries into a journey per UTC day, for the journey's daily cap: one item per journey and day
 * (`JOURNEYSTATS#{journeyId}` / `ENTRIES#{yyyy-mm-dd}`). Entering is one atomic conditional
 * `ADD entries 1` that holds only while the count is below the cap, so concurrent entries never
 * exceed it. One item takes about 1,000 entries per second, far above any daily cap's pace.
 */
export class DynamoEntryCounter implements EntryCounter {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(options: TableOptions) {
    this.doc = options.doc;
    this.tableName = options.tableName;
  }

  async tryEnter(journeyId: string, day: string, cap: number): Promise<boolean> {
    const expiresAt =
      Math.floor(Date.parse(`${day}T00:00:00.000Z`) / 1000) + ENTRY_COUNT_RETENTION_DAYS * 86_400;
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: journeyEntriesPk(journeyId), sk: journeyEntriesSk(day) },
          UpdateExpression: 'SET #type = :type, #schema = :schema, #expiresAt = :expiresAt ADD #entries :one',
          ConditionExpression: 'attribute_not_exists(#entries) OR #entries < :cap',
          ExpressionAttributeNames: {
            '#type': 'type',
            '#schema': 'schemaVersion',
            '#expiresAt': 'expiresAt',
            '#entries': 'entries',
          },
          ExpressionAttributeValues: {
            ':type': GuardItemType.journeyEntries,
            ':schema': itemSchemaVersion,
            ':expiresAt': expiresAt,
            ':one': 1,
            ':cap': cap,
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }
}
