import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createApiHandler } from '../../functions/api/handler.js';
import { apiRoutes } from '../../functions/api/routes.js';
import { httpRoutes } from '../../infra/routes.js';
import { DynamoJourneyDrafts } from '../../shared/adapters/dynamodb/journey-drafts.js';
import { DynamoJourneyStore } from '../../shared/adapters/dynamodb/journey-store.js';
import type { AdminApiDeps } from '../../shared/app/deps.js';
import { adminWorld, welcomeJourney } from '../app/admin/world.js';

const context = {} as Context;

const request = (
  method: string,
  path: string,
  options: {
    routeKey?: string;
    body?: unknown;
    headers?: Record<string, string>;
    query?: Record<string, string>;
  } = {},
): APIGatewayProxyEventV2 => ({
  version: '2.0',
  routeKey: options.routeKey ?? '$default',
  rawPath: path,
  rawQueryString: '',
  headers: { 'content-type': 'application/json', ...options.headers },
  ...(options.query ? { queryStringParameters: options.query } : {}),
  requestContext: {
    accountId: '000000000000',
    apiId: 'test',
    domainName: 'api.example.com',
    domainPrefix: 'api',
    http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
    requestId: 'r-1',
    routeKey: options.routeKey ?? '$default',
    stage: '$default',
    time: '02/Nov/2026:09:00:00 +0000',
    timeEpoch: 0,
  },
  ...(options.body === undefined
    ? {}
    : { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }),
  isBase64Encoded: false,
});

const call = async (deps: AdminApiDeps, event: APIGatewayProxyEventV2) => {
  const result = await createApiHandler(async () => deps)(event, context);
  return {
    status: result.statusCode,
    headers: result.headers ?? {},
    body: JSON.parse(result.body ?? 'null'),
  };
};

describe('admin API router', () => {
  it('serves exactly the api routes the CDK stack and the local gateway create', () => {
    const declared = httpRoutes.filter((r) => r.target === 'api').map((r) => `${r.method} ${r.path}`);

    expect(Object.keys(apiRoutes).sort()).toEqual([...declared].sort());
    expect(httpRoutes.filter((r) => r.target === 'api').every((r) => r.auth === 'iam')).toBe(true);
  });

  it('routes by API Gateway route key, with its path parameters', async () => {
    const { deps } = adminWorld();
    await call(deps, request('POST', '/journeys', { body: welcomeJourney() }));

    const response = await call(deps, {
      ...request('GET', '/whatever', { routeKey: 'GET /journeys/{id}' }),
      pathParameters: { id: 'welcome' },
    });

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: 'welcome', status: 'draft' });
  });

  it('routes by method and path when there is no route key, literal paths first', async () => {
    const { deps } = adminWorld();

    const response = await call(deps, request('POST', '/journeys/validate', { body: { id: 'x' } }));

    expect(response.status).toBe(200);
    expect(response.body.ok).toBe(false);
  });

  it('answers an unknown path with 404 and a wrong method with 405 naming the allowed ones', async () => {
    const { deps } = adminWorld();

    const unknown = await call(deps, request('GET', '/nothing-here'));
    const wrongMethod = await call(deps, request('DELETE', '/journeys/welcome'));

    expect(unknown).toMatchObject({
      status: 404,
      body: { code: 'NotFound', message: 'No route for GET /nothing-here' },
    });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.body).toMatchObject({
      code: 'MethodNotAllowed',
      details: { allowed: ['GET', 'PUT'] },
    });
    expect(wrongMethod.headers.allow).toBe('GET, PUT');
  });

  it.each([
    {
      what: 'malformed JSON',
      event: request('POST', '/journeys', { body: '{"id":' }),
      status: 400,
      error: {
        code: 'ValidationError',
        message: 'The body is not valid JSON.',
        details: [{ path: 'body', message: 'must be valid JSON' }],
      },
    },
    {
      what: 'a missing body',
      event: request('POST', '/templates/preview'),
      status: 400,
      error: { code: 'ValidationError', details: [{ path: 'body', message: 'is required' }] },
    },
    {
      what: 'a journey that does not exist',
      event: request('POST', '/journeys/nope/publish'),
      status: 404,
      error: { code: 'NotFound', message: 'There is no journey "nope".' },
    },
    {
      what: 'a bad If-Match',
      event: request('PUT', '/journeys/welcome', { body: welcomeJourney(), headers: { 'if-match': 'abc' } }),
      status: 400,
      error: {
        code: 'ValidationError',
        details: [{ path: 'If-Match', message: 'must be a whole number from 1' }],
      },
    },
    {
      what: 'a malformed event pattern',
      event: request('POST', '/test-event-pattern', {
        body: { EventPattern: '{"source":"shop"}', Event: '{}' },
      }),
      status: 400,
      error: { code: 'InvalidEventPatternException', details: [{ path: 'EventPattern.source' }] },
    },
  ])('answers $what with $status and {code, message, details}', async ({ event, status, error }) => {
    const { deps } = adminWorld();

    const response = await call(deps, event);

    expect(response.status).toBe(status);
    expect(response.body).toMatchObject(error);
  });

  it('creates, edits with If-Match, publishes and lists a journey', async () => {
    const { deps } = adminWorld();

    const created = await call(deps, request('POST', '/journeys', { body: welcomeJourney() }));
    const stale = await call(
      deps,
      request('PUT', '/journeys/welcome', {
        body: welcomeJourney({ name: 'W' }),
        headers: { 'if-match': '"7"' },
      }),
    );
    const saved = await call(
      deps,
      request('PUT', '/journeys/welcome', {
        body: welcomeJourney({ name: 'W' }),
        headers: { 'if-match': '"1"' },
      }),
    );
    const published = await call(
      deps,
      request('POST', '/journeys/welcome/publish', { body: { revision: 2 } }),
    );
    const listed = await call(deps, request('GET', '/journeys'));

    expect(created.status).toBe(201);
    expect(stale).toMatchObject({ status: 409, body: { code: 'Conflict' } });
    expect(saved.body).toMatchObject({ revision: 2, name: 'W' });
    expect(published.body).toEqual({ journeyId: 'welcome', version: 1, published: true, status: 'active' });
    expect(listed.body.journeys).toEqual([
      expect.objectContaining({ id: 'welcome', status: 'active', publishedVersion: 1 }),
    ]);
  });

  it('answers the pattern check in the shape of EventBridge', async () => {
    const { deps } = adminWorld();
    const event = {
      id: '1',
      account: '1',
      source: 'shop',
      time: '2026-11-02T09:00:00Z',
      region: 'x',
      'detail-type': 'A',
    };

    const response = await call(
      deps,
      request('POST', '/test-event-pattern', {
        body: { EventPattern: '{"source":["shop"]}', Event: JSON.stringify(event) },
      }),
    );

    expect(response).toMatchObject({ status: 200, body: { Result: true } });
  });

  it('keeps the contact history route working, with its limit', async () => {
    const { deps } = adminWorld();

    const ok = await call(deps, request('GET', '/customers/c-1/messages', { query: { limit: '5' } }));
    const bad = await call(deps, request('GET', '/customers/c-1/messages', { query: { limit: '0' } }));

    expect(ok).toMatchObject({ status: 200, body: { customerId: 'c-1', messages: [] } });
    expect(bad).toMatchObject({ status: 400, body: { details: [{ path: 'limit' }] } });
  });
});

describe('admin API faults', () => {
  const dynamo = mockClient(DynamoDBDocumentClient);
  afterEach(() => dynamo.reset());

  it('answers 500 without leaking the cause when DynamoDB throttles, and logs it', async () => {
    const { deps } = adminWorld();
    const errors: unknown[] = [];
    const throttled = Object.assign(new Error('Rate of requests exceeds the allowed throughput'), {
      name: 'ProvisionedThroughputExceededException',
    });
    dynamo.on(GetCommand).rejects(throttled).on(QueryCommand).rejects(throttled);
    const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' }));
    deps.journeys = new DynamoJourneyStore({ doc, tableName: 't' });
    deps.drafts = new DynamoJourneyDrafts({ doc, tableName: 't' });
    deps.logger = { ...deps.logger, error: (message, extra) => errors.push({ message, extra }) };

    const response = await call(deps, request('GET', '/journeys/welcome'));

    expect(response).toEqual({
      status: 500,
      headers: expect.any(Object),
      body: { code: 'InternalError', message: 'Something went wrong on our side.' },
    });
    expect(JSON.stringify(errors)).toContain('ProvisionedThroughputExceededException');
  });
});
