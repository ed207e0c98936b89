import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ContactCounter, ContactEntry } from '../../app/ports.js';
import type { TableOptions } from './client.js';
import { isConditionalCheckFailed } from './conditions.js';
import { ContactsItem, itemSchemaVersion, parseItem } from './items.js';
import { contactsSk, customerPk, GuardItemType } from './keys.js';

/**
 * The customer's recent marketing sends, for the frequency cap: one item in the customer's
 * partition (`#CONTACTS`) holding a map of message id → send time. Recording is one UpdateItem
 * that sets the message's entry only if it is not there yet, so counting is idempotent per message;
 * entries that left the window are removed by a second UpdateItem, only when there are any.
 * The item expires when its newest entry leaves the window.
 */
export class DynamoContactCounter implements ContactCounter {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(options: TableOptions) {
    this.doc = options.doc;
    this.tableName = options.tableName;
  }

  async recent(customerId: string, since: string): Promise<ContactEntry[]> {
    const result = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: customerPk(customerId), sk: contactsSk },
        ConsistentRead: true,
      }),
    );
    if (!result.Item) return [];
    return entriesSince(parseItem(ContactsItem, result.Item, 'contacts').sends, since);
  }

  async record(customerId: string, entry: ContactEntry, since: string): Promise<void> {
    const key = { pk: customerPk(customerId), sk: contactsSk };
    const expiresAt = Math.ceil((2 * Date.parse(entry.at) - Date.parse(since)) / 1000);
    const common = {
      '#type': 'type',
      '#schema': 'schemaVersion',
      '#sends': 'sends',
      '#expiresAt': 'expiresAt',
    };
    const values = { ':type': GuardItemType.contacts, ':schema': itemSchemaVersion, ':expiresAt': expiresAt };
    let sends: Record<string, string>;
    try {
      const updated = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression:
            'SET #sends.#id = if_not_exists(#sends.#id, :at), #type = :type, #schema = :schema, #expiresAt = :expiresAt',
          ConditionExpression: 'attribute_exists(#sends)',
          ExpressionAttributeNames: { ...common, '#id': entry.messageId },
          ExpressionAttributeValues: { ...values, ':at': entry.at },
          ReturnValues: 'ALL_NEW',
        }),
      );
      sends = parseItem(ContactsItem, updated.Attributes ?? {}, 'contacts').sends;
    } catch (error) {
      if (!isConditionalCheckFailed(error) && !isMissingPath(error)) throw error;
      // No item (or no map) yet: create the map with this entry. One writer per customer, so no race.
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: 'SET #sends = :sends, #type = :type, #schema = :schema, #expiresAt = :expiresAt',
          ExpressionAttributeNames: common,
          ExpressionAttributeValues: { ...values, ':sends': { [entry.messageId]: entry.at } },
        }),
      );
      return;
    }
    const stale = Object.entries(sends).filter(([, at]) => at < since);
    if (stale.length === 0) return;
    const names: Record<string, string> = { '#sends': 'sends' };
    const removals = stale.map(([messageId], i) => {
      names[`#o${i}`] = messageId;
      return `#sends.#o${i}`;
    });
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key,
        UpdateExpression: `REMOVE ${removals.join(', ')}`,
        ExpressionAttributeNames: names,
      }),
    );
  }
}

const entriesSince = (sends: Record<string, string>, since: string): ContactEntry[] =>
  Object.entries(sends)
    .filter(([, at]) => at >= since)
    .map(([messageId, at]) => ({ messageId, at }))
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));

/** DynamoDB refuses to set a key of a map that does not exist with this ValidationException. */
const isMissingPath = (error: unknown): boolean =>
  error instanceof Error &&
  error.name === 'ValidationException' &&
  error.message.includes('document path provided in the update expression is invalid');
