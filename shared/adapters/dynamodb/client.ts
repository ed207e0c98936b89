import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';

/** The document client the adapters expect: plain JS values, `undefined` fields dropped. */
export const createDocumentClient = (client: DynamoDBClient): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });

/** What every adapter is built from. */
export interface TableOptions {
  doc: DynamoDBDocumentClient;
  tableName: string;
}

/** Every item a Query returns, following `LastEvaluatedKey` page after page. */
export const queryAll = async (
  doc: DynamoDBDocumentClient,
  input: Omit<QueryCommandInput, 'ExclusiveStartKey'>,
): Promise<Record<string, unknown>[]> => {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }));
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
};

/** Fail at construction, not at the first write, when retention is not a positive number of days. */
export const checkRetentionDays = (retentionDays: number): number => {
  if (!Number.isInteger(retentionDays) || retentionDays <= 0) {
    throw new RangeError(`retentionDays must be a positive whole number of days, got ${retentionDays}`);
  }
  return retentionDays;
};
