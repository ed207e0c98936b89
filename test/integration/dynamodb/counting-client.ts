import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createLocalDynamoDbClient } from '../../../infra/local/dynamodb-local.js';

/**
 * A client whose every request to DynamoDB is recorded by operation name (`Query`,
 * `PutItem`, …), read from the wire header, so pages and retries count as the calls they are.
 */
export const countingClient = (endpoint: string): { client: DynamoDBClient; calls: string[] } => {
  const client = createLocalDynamoDbClient(endpoint);
  const calls: string[] = [];
  client.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { headers?: Record<string, string> } | undefined;
      const target = request?.headers?.['x-amz-target'];
      if (target) calls.push(target.replace(/^DynamoDB_\d+\./, ''));
      return next(args);
    },
    { step: 'finalizeRequest', name: 'countDynamoDbCalls' },
  );
  return { client, calls };
};
