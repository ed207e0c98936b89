import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ContactCounter, ContactEntry } from '../../app/ports.js';
import type { TableOptions } from './client.js';
import { ContactsItem, itemSchemaVersion, parseItem } from './items.js';
import { contactsSk, customerPk, GuardItemType } from './keys.js';

/** Each send is one attribute of the item, named after its message id. */
const sendAttribute = (messageId: string): string => `s:${messageId}`;

/** The sends a `#CONTACTS` item holds, oldest first (the customer store reads it with the profile). */
export const contactsIn = (item: Record<string, unknown>): ContactEntry[] =>
  Object.entries(parseItem(ContactsItem, item, 'contacts'))
    .map(([messageId, at]) => ({ messageId, at }))
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));

/**
 * The customer's recent marketing sends, for the frequency cap: one item in the customer's
 * partition (`#CONTACTS`) with one attribute per send (`s:{messageId}` → send time). Recording is
 * one UpdateItem that sets the message's attribute only if it is not there yet — whether or not the
 * item exists, so there is no create-then-update race and counting is idempotent per message.
 * Sends that left the window are removed by a second UpdateItem, only when there are any. The
 * item expires when its newest send leaves the window.
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
    return (result.Item ? contactsIn(result.Item) : []).filter((entry) => entry.at >= since);
  }

  async record(customerId: string, entry: ContactEntry, since: string): Promise<void> {
    const key = { pk: customerPk(customerId), sk: contactsSk };
    const updated = await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key,
        UpdateExpression:
          'SET #send = if_not_exists(#send, :at), #type = :type, #schema = :schema, #expiresAt = :expiresAt',
        ExpressionAttributeNames: {
          '#send': sendAttribute(entry.messageId),
          '#type': 'type',
          '#schema': 'schemaVersion',
          '#expiresAt': 'expiresAt',
        },
        ExpressionAttributeValues: {
          ':at': entry.at,
          ':type': GuardItemType.contacts,
          ':schema': itemSchemaVersion,
          ':expiresAt': Math.ceil((2 * Date.parse(entry.at) - Date.parse(since)) / 1000),
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const sends = parseItem(ContactsItem, updated.Attributes ?? {}, 'contacts');
    const stale = Object.entries(sends).filter(([, at]) => at < since);
    if (stale.length === 0) return;
    // Removing by name is idempotent and touches only sends known to be out of the window.
    const names: Record<string, string> = {};
    const removals = stale.map(([messageId], i) => {
      names[`#old${i}`] = sendAttribute(messageId);
      return `#old${i}`;
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
