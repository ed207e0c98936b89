import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { providerMessageIdAttribute, providerMessageIdIndex, ttlAttribute } from './keys.js';

/** The provider-message-id index (keys.ts), as the CDK stack defines it. */
const providerIdIndex: GlobalSecondaryIndex = {
  IndexName: providerMessageIdIndex,
  KeySchema: [{ AttributeName: providerMessageIdAttribute, KeyType: 'HASH' }],
  Projection: { ProjectionType: 'KEYS_ONLY' },
};

const providerIdAttribute = { AttributeName: providerMessageIdAttribute, AttributeType: 'S' } as const;

const waitUntilActive = (client: DynamoDBClient, tableName: string) =>
  waitUntilTableExists({ client, minDelay: 1, maxDelay: 5, maxWaitTime: 300 }, { TableName: tableName });

/**
 * Create careflow's table as the CDK stack defines it (pk/sk strings, on-demand, TTL on
 * `expiresAt`, the provider-message-id index) and wait until it is ACTIVE. Idempotent: an existing
 * table is left as it is, except that one made before the index existed gets it, and TTL is
 * enabled only when it is not yet. For the local stack and tests; in AWS the CDK stack owns the
 * table (and adds encryption, point-in-time recovery, deletion protection).
 */
export const createTable = async (client: DynamoDBClient, tableName: string): Promise<void> => {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
          providerIdAttribute,
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [providerIdIndex],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  } catch (error) {
    if (!(error instanceof Error && error.name === 'ResourceInUseException')) throw error;
  }
  await waitUntilActive(client, tableName);
  await addMissingIndex(client, tableName);

  const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
  const status = ttl.TimeToLiveDescription?.TimeToLiveStatus;
  if (status === 'ENABLED' || status === 'ENABLING') return;
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: ttlAttribute, Enabled: true },
    }),
  );
};

/** A table kept from a release before the index (a local stack's data folder) gets it. */
const addMissingIndex = async (client: DynamoDBClient, tableName: string): Promise<void> => {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  if (Table?.GlobalSecondaryIndexes?.some((index) => index.IndexName === providerMessageIdIndex)) return;
  await client.send(
    new UpdateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [providerIdAttribute],
      GlobalSecondaryIndexUpdates: [{ Create: providerIdIndex }],
    }),
  );
  await waitUntilActive(client, tableName);
};
