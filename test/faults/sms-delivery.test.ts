import { DynamoDBClient, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { encodeLogsPayload } from '../../functions/sms-delivery/delivery-record.js';
import { createSmsDeliveryHandler } from '../../functions/sms-delivery/handler.js';
import { lambdaContext } from '../../infra/local/lambda-context.js';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.js';
import { DynamoMessageDeliveryLog } from '../../shared/adapters/dynamodb/message-delivery.js';
import { DynamoSuppressionList } from '../../shared/adapters/dynamodb/suppression-list.js';
import { FakeClock, MemoryCustomerStore, RecordingPublisher, silentLogger } from '../support/fakes.js';

const doc = createDocumentClient(new DynamoDBClient({ region: 'eu-west-1' }));
const dynamo = mockClient(DynamoDBDocumentClient);
const table = { doc, tableName: 'careflow-test', retentionDays: 90 };

const handler = createSmsDeliveryHandler(async () => ({
  clock: new FakeClock('2026-11-03T10:00:05.000Z'),
  logger: silentLogger,
  deliveries: new DynamoMessageDeliveryLog(table),
  suppressions: new DynamoSuppressionList(table),
  customers: new MemoryCustomerStore(),
  events: new RecordingPublisher(),
}));

const delivered = encodeLogsPayload({
  logGroup: 'sns/eu-west-1/123456789012/DirectPublishToPhoneNumber',
  logEvents: [
    {
      id: 'e-1',
      timestamp: Date.parse('2026-11-03T10:00:05.000Z'),
      message: JSON.stringify({
        notification: { messageId: 'sns-1' },
        delivery: {
          destination: '+4915112345678',
          providerResponse: 'Message has been accepted by phone carrier',
        },
        status: 'SUCCESS',
      }),
    },
  ],
});

beforeEach(() => dynamo.reset());

describe('fault injection: SMS delivery records', () => {
  it('throws when DynamoDB throttles the lookup, so Lambda retries the batch', async () => {
    // prepare
    dynamo
      .on(QueryCommand)
      .rejects(new ProvisionedThroughputExceededException({ message: 'throttled', $metadata: {} }));

    // act
    const run = handler(delivered, lambdaContext('sms-delivery'));

    // assess
    await expect(run).rejects.toThrow(/throttled/);
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('records nothing and does not fail when the index has not seen the send yet', async () => {
    // prepare: the index is eventually consistent
    dynamo.on(QueryCommand).resolves({ Items: [] });

    // act
    const outcome = await handler(delivered, lambdaContext('sms-delivery'));

    // assess
    expect(outcome).toEqual({ recorded: 0, notFound: 1, invalid: 0, suppressed: 0 });
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(0);
  });
});
