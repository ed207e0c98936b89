import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Channel, MessageLog, MessageRecord, MessageStatus } from '../../app/ports.js';
import { ConflictError } from '../../domain/errors.js';
import { checkRetentionDays, queryAll, type TableOptions } from './client.js';
import { isConditionalCheckFailed, setExpression } from './conditions.js';
import { itemSchemaVersion, MessageItem, parseItem } from './items.js';
import {
  customerPk,
  expiryAfter,
  ItemType,
  messagePrefix,
  messageSk,
  providerMessageIdAttribute,
} from './keys.js';

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The contact history, in the customer's partition (`M#{messageId}`). The entry is the
 * at-most-once guard of a send: `claim` is a conditional create, so the second claim of the
 * same message id loses. `release` deletes a claim that is still `sending`.
 */
export class DynamoMessageLog implements MessageLog {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly retentionDays: number;

  /** `retentionDays`: how long an entry is kept after it was sent, before TTL removes it. */
  constructor(options: TableOptions & { retentionDays: number }) {
    this.doc = options.doc;
    this.tableName = options.tableName;
    this.retentionDays = checkRetentionDays(options.retentionDays);
  }

  async claim(record: MessageRecord): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...record,
            pk: customerPk(record.customerId),
            sk: messageSk(record.messageId),
            type: ItemType.message,
            schemaVersion: itemSchemaVersion,
            expiresAt: expiryAfter(record.sentAt, this.retentionDays),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  async settle(
    customerId: string,
    messageId: string,
    outcome: {
      status: Exclude<MessageStatus, 'sending'>;
      providerMessageId?: string;
      channel?: Channel;
      reason?: string;
      at: string;
    },
  ): Promise<void> {
    // Fields the outcome leaves out keep their value (e.g. the reason of a skipped message). An
    // SMS's provider id goes in the index key too, so SNS's delivery reports find the entry
    // (keys.ts); an email's does not (SES events carry careflow's message id), which spares the
    // index a write per email.
    const update = setExpression({
      status: outcome.status,
      providerMessageId: outcome.providerMessageId,
      [providerMessageIdAttribute]: outcome.channel === 'sms' ? outcome.providerMessageId : undefined,
      reason: outcome.reason,
      updatedAt: outcome.at,
    });
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: customerPk(customerId), sk: messageSk(messageId) },
          UpdateExpression: update.expression,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: update.names,
          ExpressionAttributeValues: update.values,
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      throw new ConflictError(`message ${messageId} was never claimed, so it cannot be settled`, {
        cause: error,
      });
    }
  }

  async status(customerId: string, messageId: string): Promise<MessageStatus | null> {
    const { Item } = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: customerPk(customerId), sk: messageSk(messageId) },
        ProjectionExpression: '#status',
        ExpressionAttributeNames: { '#status': 'status' },
        ConsistentRead: true,
      }),
    );
    return (Item?.status as MessageStatus | undefined) ?? null;
  }

  async release(customerId: string, messageId: string): Promise<void> {
    try {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { pk: customerPk(customerId), sk: messageSk(messageId) },
          ConditionExpression: 'attribute_not_exists(pk) OR #status = :sending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':sending': 'sending' },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      // The message has an outcome already: forgetting it could send it twice.
      throw new ConflictError(`message ${messageId} is already settled and cannot be released`, {
        cause: error,
      });
    }
  }

  /**
   * Newest first. Reads the customer's whole message segment and sorts by `sentAt` here
   * (message ids are not time-ordered); fine up to thousands of messages per customer.
   */
  async list(customerId: string, limit: number): Promise<MessageRecord[]> {
    if (limit <= 0) return [];
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': customerPk(customerId), ':prefix': messagePrefix },
    });
    return items
      .map((item) => parseItem(MessageItem, item, 'message'))
      .sort((a, b) => Date.parse(b.sentAt) - Date.parse(a.sentAt) || compareText(b.messageId, a.messageId))
      .slice(0, limit);
  }
}
