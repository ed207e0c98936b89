import { randomUUID } from 'node:crypto';
import { DeleteTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, inject } from 'vitest';
import {
  createLocalDynamoDbClient,
  type DynamoDbLocal,
  startDynamoDbLocal,
} from '../../infra/local/dynamodb-local.js';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.js';
import { createTable } from '../../shared/adapters/dynamodb/table.js';
import type {} from './global-dynamodb.js';

export interface DynamoDbContext {
  /** The endpoint of the DynamoDB Local in use, for extra clients (e.g. one that counts calls). */
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  readonly doc: DynamoDBDocumentClient;
  /** A fresh table of this test file, created like the CDK stack's. */
  readonly tableName: string;
}

/**
 * For integration test files: a DynamoDB Local and a fresh, randomly named table for the file.
 * Uses the DynamoDB Local that `test/support/global-dynamodb.ts` started for the run, or, when
 * that globalSetup is not configured, starts one for this file (about 4 s more).
 */
export const useDynamoDb = (): DynamoDbContext => {
  let state:
    | { endpoint: string; client: DynamoDBClient; doc: DynamoDBDocumentClient; tableName: string }
    | undefined;
  let ownLocal: DynamoDbLocal | undefined;

  beforeAll(async () => {
    const provided: string | undefined = inject('dynamoEndpoint');
    if (!provided) ownLocal = await startDynamoDbLocal({ port: 0 });
    const endpoint = provided ?? ownLocal?.endpoint ?? '';
    const client = createLocalDynamoDbClient(endpoint);
    const tableName = `careflow-test-${randomUUID()}`;
    await createTable(client, tableName);
    state = { endpoint, client, doc: createDocumentClient(client), tableName };
  });

  afterAll(async () => {
    if (state) {
      await state.client.send(new DeleteTableCommand({ TableName: state.tableName }));
      state.client.destroy();
    }
    await ownLocal?.stop();
  });

  const current = () => {
    if (!state) throw new Error('useDynamoDb(): the table exists only inside tests and hooks');
    return state;
  };
  return {
    get endpoint() {
      return current().endpoint;
    },
    get client() {
      return current().client;
    },
    get doc() {
      return current().doc;
    },
    get tableName() {
      return current().tableName;
    },
  };
};
