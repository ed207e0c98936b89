import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SurveyAnswer, SurveyStore } from '../../app/ports.js';
import * as z from '../../domain/zod.js';
import { checkRetentionDays, type TableOptions } from './client.js';
import { setExpression } from './conditions.js';
import { itemSchemaVersion, parseItem, SurveyAnswerItem } from './items.js';
import { customerPk, expiryAfter, ItemType, surveySk, ttlAttribute } from './keys.js';

const Revision = z.object({ revision: z.int().check(z.positive()) });

/**
 * Survey answers, one item per survey in the customer's partition (`S#{surveyId}`). A changed
 * answer overwrites the fields and bumps `revision` in the same UpdateItem, so concurrent
 * answers each get their own revision number. An answer, comment included, expires
 * `retentionDays` after it was given (a changed answer moves the expiry with it); items written
 * before answers expired have no `expiresAt` and read the same.
 */
export class DynamoSurveyStore implements SurveyStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly retentionDays: number;

  /** `retentionDays`: how long an answer is kept after it was given, before TTL removes it. */
  constructor(options: TableOptions & { retentionDays: number }) {
    this.doc = options.doc;
    this.tableName = options.tableName;
    this.retentionDays = checkRetentionDays(options.retentionDays);
  }

  async record(answer: SurveyAnswer): Promise<{ revision: number }> {
    const set = setExpression({
      type: ItemType.surveyAnswer,
      schemaVersion: itemSchemaVersion,
      surveyId: answer.surveyId,
      customerId: answer.customerId,
      kind: answer.kind,
      score: answer.score,
      comment: answer.comment ?? null,
      journeyId: answer.journeyId ?? null,
      instanceId: answer.instanceId ?? null,
      orderId: answer.orderId ?? null,
      answeredAt: answer.answeredAt,
      [ttlAttribute]: expiryAfter(answer.answeredAt, this.retentionDays),
    });
    const result = await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: customerPk(answer.customerId), sk: surveySk(answer.surveyId) },
        UpdateExpression: `${set.expression} ADD #revision :one`,
        ExpressionAttributeNames: { ...set.names, '#revision': 'revision' },
        ExpressionAttributeValues: { ...set.values, ':one': 1 },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return { revision: parseItem(Revision, result.Attributes ?? {}, 'survey answer').revision };
  }

  async get(
    customerId: string,
    surveyId: string,
  ): Promise<(SurveyAnswer & { revision: number }) | undefined> {
    const result = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: customerPk(customerId), sk: surveySk(surveyId) },
        ConsistentRead: true,
      }),
    );
    return result.Item ? parseItem(SurveyAnswerItem, result.Item, 'survey answer') : undefined;
  }
}
