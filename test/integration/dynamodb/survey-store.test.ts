import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoSurveyStore } from '../../../shared/adapters/dynamodb/survey-store.js';
import { useDynamoDb } from '../../support/dynamodb.js';
import { anAnswer } from './fixtures.js';

const db = useDynamoDb();
const surveys = () => new DynamoSurveyStore({ doc: db.doc, tableName: db.tableName, retentionDays: 90 });
const newCustomer = () => `c-${crypto.randomUUID()}`;

describe('DynamoSurveyStore', () => {
  it('numbers the answers of one survey 1, 2, … and keeps only the latest, in one item', async () => {
    // prepare
    const customerId = newCustomer();
    const first = anAnswer({ customerId, score: 3, comment: 'late delivery' });
    const changed = anAnswer({ customerId, score: 8, comment: null, answeredAt: '2026-11-03T10:05:00.000Z' });

    // act
    const revisions = [await surveys().record(first), await surveys().record(changed)];

    // assess
    expect(revisions).toEqual([{ revision: 1 }, { revision: 2 }]);
    expect(await surveys().get(customerId, 'm-1')).toEqual({ ...changed, revision: 2 });
    const { Items } = await db.doc.send(
      new QueryCommand({
        TableName: db.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :s)',
        ExpressionAttributeValues: { ':pk': `C#${customerId}`, ':s': 'S#' },
      }),
    );
    expect(Items).toHaveLength(1);
    expect(Items?.[0]).toMatchObject({ type: 'surveyAnswer', schemaVersion: 1, revision: 2 });
  });

  it('gives concurrent answers to the same survey distinct revisions', async () => {
    // prepare
    const customerId = newCustomer();

    // act
    const results = await Promise.all(
      [1, 2, 3, 4, 5].map((score) => surveys().record(anAnswer({ customerId, kind: 'csat', score }))),
    );

    // assess
    expect(results.map((r) => r.revision).sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it('keeps the answers of different surveys apart', async () => {
    // prepare
    const customerId = newCustomer();

    // act
    await surveys().record(anAnswer({ customerId, surveyId: 's-a', score: 10 }));
    const other = await surveys().record(anAnswer({ customerId, surveyId: 's-b', score: 0 }));

    // assess
    expect(other).toEqual({ revision: 1 });
    expect((await surveys().get(customerId, 's-a'))?.score).toBe(10);
  });

  it('finds no answer for a survey nobody answered', async () => {
    // act
    const answer = await surveys().get(newCustomer(), 'never-sent');

    // assess
    expect(answer).toBeUndefined();
  });
});
