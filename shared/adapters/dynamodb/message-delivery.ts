import { type DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type {
  DeliveryOutcome,
  DeliveryUpdate,
  MessageDeliveryLog,
  MessageKey,
  MessageLookup,
  MessageRecord,
} from '../../app/ports.js';
import type { TableOptions } from './client.js';
import { isConditionalCheckFailed } from './conditions.js';
import { DeliveryState, FirstDelivery, MessageItem, parseItem, parseStored } from './items.js';
import {
  customerPk,
  firstDeliveryAttribute,
  messagePrefix,
  messageSk,
  providerMessageIdAttribute,
  providerMessageIdIndex,
} from './keys.js';

const customerPrefix = customerPk('');

/** The customer and message ids of a message item's keys; undefined for any other item. */
export const messageKeyOf = (pk: unknown, sk: unknown): MessageKey | undefined => {
  if (typeof pk !== 'string' || typeof sk !== 'string') return undefined;
  if (!pk.startsWith(customerPrefix) || !sk.startsWith(messagePrefix)) return undefined;
  return { customerId: pk.slice(customerPrefix.length), messageId: sk.slice(messagePrefix.length) };
};

/**
 * Provider feedback on the message log entries (`C#{customerId}` / `M#{messageId}`), in at most
 * two single-item writes per event, both conditional on the entry existing (feedback never
 * creates an entry: an erased or expired message stays gone).
 *
 * 1. `SET first<Status> = if_not_exists(first<Status>, {at, eventId})`: remembers the first
 *    event of each status. The event that set it — and only that one, also when redelivered —
 *    is the first of its kind.
 * 2. Only when the status outranks the stored one: `SET deliveryStatus, deliveryRank,
 *    deliveryAt, deliveryDetail` on condition `deliveryRank < :rank`, so concurrent or
 *    out-of-order events never move the status down. An entry whose send was never settled
 *    (`sending` after a crash, `unknown` after a timeout) becomes `sent` with the provider's id.
 */
export class DynamoMessageDeliveryLog implements MessageDeliveryLog, MessageLookup {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(options: TableOptions) {
    this.doc = options.doc;
    this.tableName = options.tableName;
  }

  /**
   * One Query of the keys-only `byProviderMessageId` index (eventually consistent, like every
   * index read): a send settled a moment ago may not be there yet.
   */
  async findByProviderMessageId(providerMessageId: string): Promise<MessageKey | undefined> {
    const output = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: providerMessageIdIndex,
        KeyConditionExpression: '#id = :id',
        ExpressionAttributeNames: { '#id': providerMessageIdAttribute },
        ExpressionAttributeValues: { ':id': providerMessageId },
        Limit: 2,
      }),
    );
    for (const item of output.Items ?? []) {
      const key = messageKeyOf(item.pk, item.sk);
      if (key) return key;
    }
    return undefined;
  }

  async recordDelivery(
    customerId: string,
    messageId: string,
    update: DeliveryUpdate,
  ): Promise<DeliveryOutcome | undefined> {
    const key = { pk: customerPk(customerId), sk: messageSk(messageId) };
    const marker = firstDeliveryAttribute(update.status);
    const mark = { at: update.at, eventId: update.eventId };
    let item: Record<string, unknown>;
    try {
      // The item as it was: only the marker can change here, so it also tells whether this call set it.
      const output = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: 'SET #first = if_not_exists(#first, :first)',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#first': marker },
          ExpressionAttributeValues: { ':first': mark },
          ReturnValues: 'ALL_OLD',
        }),
      );
      item = output.Attributes ?? {};
    } catch (error) {
      if (isConditionalCheckFailed(error)) return undefined;
      throw error;
    }
    const newKind = item[marker] === undefined;
    const first = newKind
      ? mark
      : parseStored(FirstDelivery, item[marker], `${marker} of message ${messageId}`);
    const firstOfKind = first.eventId === update.eventId;
    const state = parseItem(DeliveryState, item, 'message');
    if (state.deliveryStatus && (state.deliveryRank ?? 0) >= update.rank) {
      return {
        message: parseItem(MessageItem, item, 'message'),
        status: state.deliveryStatus,
        firstOfKind,
        newKind,
      };
    }
    const message = parseItem(MessageItem, item, 'message');
    const raised = await this.raise(key, message, update);
    return { ...raised, firstOfKind, newKind };
  }

  private async raise(
    key: { pk: string; sk: string },
    message: MessageRecord,
    update: DeliveryUpdate,
  ): Promise<Omit<DeliveryOutcome, 'firstOfKind' | 'newKind'>> {
    const settle = message.status === 'sending' || message.status === 'unknown';
    const assignments = [
      'deliveryStatus = :status',
      'deliveryRank = :rank',
      'deliveryAt = :at',
      'deliveryDetail = :detail',
      ...(settle ? ['#status = :sent', 'providerMessageId = :providerId', 'updatedAt = :at'] : []),
    ];
    try {
      const output = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: `SET ${assignments.join(', ')}`,
          ConditionExpression:
            'attribute_exists(pk) AND (attribute_not_exists(deliveryRank) OR deliveryRank < :rank)',
          ...(settle
            ? {
                ExpressionAttributeNames: { '#status': 'status' },
              }
            : {}),
          ExpressionAttributeValues: {
            ':status': update.status,
            ':rank': update.rank,
            ':at': update.at,
            ':detail': update.detail,
            ...(settle ? { ':sent': 'sent', ':providerId': update.providerMessageId } : {}),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      const item = output.Attributes ?? {};
      return { message: parseItem(MessageItem, item, 'message'), status: update.status };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      // A concurrent event of a higher rank got there first (or the entry expired meanwhile).
      return this.current(key, message, update);
    }
  }

  private async current(
    key: { pk: string; sk: string },
    fallback: MessageRecord,
    update: DeliveryUpdate,
  ): Promise<Omit<DeliveryOutcome, 'firstOfKind' | 'newKind'>> {
    const output = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
    );
    if (!output.Item) return { message: fallback, status: update.status };
    const state = parseItem(DeliveryState, output.Item, 'message');
    return {
      message: parseItem(MessageItem, output.Item, 'message'),
      status: state.deliveryStatus ?? update.status,
    };
  }
}
