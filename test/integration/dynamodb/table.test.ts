import { DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { createTable } from '../../../shared/adapters/dynamodb/table.js';
import { useDynamoDb } from '../../support/dynamodb.js';

const db = useDynamoDb();

describe('createTable', () => {
  it('creates the table with the key schema of the CDK stack, on demand', async () => {
    // act
    const { Table } = await db.client.send(new DescribeTableCommand({ TableName: db.tableName }));

    // assess
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(Table?.AttributeDefinitions).toEqual(
      expect.arrayContaining([
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ]),
    );
    expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
  });

  it('enables TTL on expiresAt', async () => {
    // act
    const { TimeToLiveDescription } = await db.client.send(
      new DescribeTimeToLiveCommand({ TableName: db.tableName }),
    );

    // assess
    expect(TimeToLiveDescription).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expiresAt' });
  });

  it('leaves an existing table as it is when called again', async () => {
    // act
    const again = createTable(db.client, db.tableName);

    // assess
    await expect(again).resolves.toBeUndefined();
    const { TimeToLiveDescription } = await db.client.send(
      new DescribeTimeToLiveCommand({ TableName: db.tableName }),
    );
    expect(TimeToLiveDescription?.TimeToLiveStatus).toBe('ENABLED');
  });
});
