import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DeleteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { main } from '../../infra/ops/triggers.js';
import { StackOutput } from '../../infra/stacks/outputs.js';
import { DynamoJourneyStore } from '../../shared/adapters/dynamodb/journey-store.js';
import { PatternIndex } from '../../shared/domain/pattern/index.js';
import { aJourney } from '../integration/dynamodb/fixtures.js';
import { useDynamoDb } from '../support/dynamodb.js';

const db = useDynamoDb();

const run = async (argv: string[]) => {
  const cloudFormation = mockClient(CloudFormationClient);
  cloudFormation.on(DescribeStacksCommand, { StackName: 'careflow-prod' }).resolves({
    Stacks: [
      {
        StackName: 'careflow-prod',
        CreationTime: new Date(0),
        StackStatus: 'UPDATE_COMPLETE',
        Outputs: [{ OutputKey: StackOutput.tableName, OutputValue: db.tableName }],
      },
    ],
  });
  const printed: string[] = [];
  const code = await main(
    argv,
    () => ({ cloudFormation: new CloudFormationClient({}), doc: db.doc }),
    (t) => printed.push(t),
  );
  cloudFormation.restore();
  return { code, printed: printed.join('\n') };
};

describe('npm run triggers -- complete', () => {
  it('gives journeys published before trigger items theirs, once, with the table from the stack', async () => {
    // prepare: as a release without trigger items left the table
    const store = new DynamoJourneyStore({ doc: db.doc, tableName: db.tableName });
    const journey = aJourney({ id: 'j-before-triggers' });
    await store.putPublished(journey);
    for (const sk of [journey.id, '#COMPLETE'])
      await db.doc.send(new DeleteCommand({ TableName: db.tableName, Key: { pk: 'JOURNEY#TRIGGERS', sk } }));

    // act
    const first = await run(['complete', '--stage', 'prod']);
    const second = await run(['complete', '--stage', 'prod']);

    // assess
    expect(first).toEqual({ code: 0, printed: expect.stringContaining('completed: 1 active journeys') });
    expect(second).toEqual({ code: 0, printed: expect.stringContaining('are complete: 1 active journeys') });
    const stamp = await store.catalogStamp();
    expect(second.printed).toContain(`index snapshot kept for catalog stamp ${stamp}`);
    expect(await store.catalogSnapshot(stamp)).toContain(journey.id);
    const item = await db.doc.send(
      new GetCommand({ TableName: db.tableName, Key: { pk: 'JOURNEY#TRIGGERS', sk: journey.id } }),
    );
    expect(item.Item).toMatchObject({
      trigger: JSON.stringify(journey.trigger),
      filing: JSON.stringify(PatternIndex.filingOf(journey.trigger)),
    });
  });

  it('says how to use it when the action is missing or unknown', async () => {
    expect(await run([])).toEqual({ code: 2, printed: expect.stringContaining('Usage: npm run triggers') });
    expect(await run(['finish'])).toEqual({
      code: 2,
      printed: expect.stringContaining('unknown action: finish'),
    });
  });

  it('fails with the reason when the stack has no such output', async () => {
    const result = await run(['complete', '--stack-name', 'careflow-missing']);
    expect(result.code).toBe(1);
    expect(result.printed).toMatch(/^triggers complete failed: /);
  });
});
