import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalDynamoDbClient } from '../../infra/local/dynamodb-local.js';
import type { LocalStack } from '../../infra/local/stack.js';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.js';
import { DynamoJourneyStore } from '../../shared/adapters/dynamodb/journey-store.js';
import { defaultJourneys } from '../../shared/domain/defaults/index.js';
import { PatternIndex } from '../../shared/domain/pattern/index.js';
import { startTestStack } from '../support/local-stack.js';

let stack: LocalStack;

beforeAll(async () => {
  stack = await startTestStack();
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

describe('the journeys the local stack seeds', () => {
  it('have their trigger items, so the engine reads no journey in full until one is matched', async () => {
    // prepare
    const client = createLocalDynamoDbClient(stack.dynamoEndpoint);
    const store = new DynamoJourneyStore({ doc: createDocumentClient(client), tableName: 'careflow' });

    // act
    const triggers = await store.listTriggers();

    // assess
    expect(triggers?.map((t) => t.id).sort()).toEqual(defaultJourneys.map((j) => j.id).sort());
    for (const journey of await store.listPublished()) {
      expect(triggers).toContainEqual({
        id: journey.id,
        version: journey.version,
        trigger: JSON.stringify(journey.trigger),
        filing: JSON.stringify(PatternIndex.filingOf(journey.trigger)),
      });
    }
    client.destroy();
  });
});
