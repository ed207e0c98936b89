import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../infra/local/dynamodb-local.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Endpoint of the one DynamoDB Local that serves the whole test run. */
    dynamoEndpoint: string;
  }
}

/**
 * vitest globalSetup: one DynamoDB Local (in memory) for the whole run. Test files get their
 * own table through `useDynamoDb()` in `test/support/dynamodb.ts`.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const local = await startDynamoDbLocal({ port: 0 });
  project.provide('dynamoEndpoint', local.endpoint);
  return () => local.stop();
}
