import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSurveyHandler } from '../../functions/survey/handler.js';
import { lambdaContext } from '../../infra/local/lambda-context.js';
import { DynamoSurveyStore } from '../../shared/adapters/dynamodb/survey-store.js';
import { surveyDeps } from '../../shared/adapters/wiring/survey.js';
import { surveyLinks } from '../../shared/app/survey-links.js';
import { loadConfig } from '../../shared/config/config.js';
import { Env } from '../../shared/config/env.js';
import { anAnswer, day, epochSeconds } from '../integration/dynamodb/fixtures.js';
import { useDynamoDb } from '../support/dynamodb.js';
import { FakeClock, silentLogger } from '../support/fakes.js';
import { linkRequest } from '../support/link-requests.js';

const db = useDynamoDb();
const retentionDays = 90;
const surveys = (days = retentionDays) =>
  new DynamoSurveyStore({ doc: db.doc, tableName: db.tableName, retentionDays: days });
const newCustomer = () => `c-${crypto.randomUUID()}`;
const rawAnswer = async (customerId: string, surveyId: string) =>
  (
    await db.doc.send(
      new GetCommand({ TableName: db.tableName, Key: { pk: `C#${customerId}`, sk: `S#${surveyId}` } }),
    )
  ).Item;

describe('survey answer retention', () => {
  it('keeps an answer, comment included, for the retention after it was given', async () => {
    // prepare
    const customerId = newCustomer();
    const answer = anAnswer({ customerId, comment: 'The courier left it in the rain' });

    // act
    await surveys().record(answer);

    // assess
    expect(await rawAnswer(customerId, 'm-1')).toMatchObject({
      comment: 'The courier left it in the rain',
      expiresAt: epochSeconds('2026-11-03T10:00:00.000Z') + 90 * day,
    });
  });

  it('moves the expiry with a changed answer', async () => {
    // prepare
    const customerId = newCustomer();
    await surveys().record(anAnswer({ customerId, score: 3 }));

    // act
    await surveys().record(anAnswer({ customerId, score: 8, answeredAt: '2026-11-10T08:30:00.000Z' }));

    // assess
    expect(await rawAnswer(customerId, 'm-1')).toMatchObject({
      score: 8,
      revision: 2,
      expiresAt: epochSeconds('2026-11-10T08:30:00.000Z') + 90 * day,
    });
  });

  it('reads an answer stored before answers expired, and gives it an expiry when it changes', async () => {
    // prepare
    const customerId = newCustomer();
    const old = anAnswer({ customerId, comment: 'fine' });
    await db.doc.send(
      new PutCommand({
        TableName: db.tableName,
        Item: {
          ...old,
          pk: `C#${customerId}`,
          sk: 'S#m-1',
          type: 'surveyAnswer',
          schemaVersion: 1,
          revision: 1,
        },
      }),
    );

    // act
    const read = await surveys().get(customerId, 'm-1');
    await surveys().record(anAnswer({ customerId, score: 10, answeredAt: '2026-12-01T09:00:00.000Z' }));

    // assess
    expect(read).toEqual({ ...old, revision: 1 });
    expect((await rawAnswer(customerId, 'm-1'))?.expiresAt).toBe(
      epochSeconds('2026-12-01T09:00:00.000Z') + 90 * day,
    );
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses to start with a retention of %s days', (days) => {
    expect(() => surveys(days)).toThrow(/retentionDays must be a positive whole number/);
  });
});

describe('survey function as the stack wires it', () => {
  const SIGNING_KEY = 'survey-retention-signing-key-0123456789';
  const bus = mockClient(EventBridgeClient);

  beforeEach(() => {
    // The composition root builds its own DynamoDB client: point it at DynamoDB Local.
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', db.endpoint);
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
    bus.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    bus.reset();
  });

  it('stores an answer that expires CAREFLOW_RETENTION_DAYS after it was given', async () => {
    // prepare
    const customerId = newCustomer();
    const answeredAt = '2026-11-05T12:00:00.000Z';
    const config = loadConfig({
      [Env.tableName]: db.tableName,
      [Env.signingSecret]: SIGNING_KEY,
      [Env.retentionDays]: '45',
    });
    const deps = await surveyDeps(config, { clock: new FakeClock(answeredAt), logger: silentLogger });
    const { token } = surveyLinks(
      {
        surveyId: 'i-9.invite.1',
        customerId,
        kind: 'nps',
        journeyId: 'post-purchase-survey',
        instanceId: 'i-9',
        orderId: null,
      },
      deps.links,
      answeredAt,
    );

    // act
    const result = await createSurveyHandler(async () => deps)(
      answerPost(token, 'score=4&comment=Too+slow'),
      lambdaContext('survey'),
    );

    // assess
    expect(result.statusCode).toBe(200);
    expect(await rawAnswer(customerId, 'i-9.invite.1')).toMatchObject({
      comment: 'Too slow',
      answeredAt,
      expiresAt: epochSeconds(answeredAt) + 45 * day,
    });
  });
});

const answerPost = (token: string, body: string) => linkRequest('POST', 'surveys', token, { body });
