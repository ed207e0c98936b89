import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createProcessorHandler } from '../../functions/processor/handler.js';
import { lambdaContext } from '../../infra/local/lambda-context.js';
import { makeWorld } from '../support/app.js';

const record = (id: string, group: string, body: unknown): SQSRecord => ({
  messageId: id,
  receiptHandle: id,
  body: JSON.stringify(body),
  attributes: {
    ApproximateReceiveCount: '1',
    SentTimestamp: '0',
    SenderId: 'test',
    ApproximateFirstReceiveTimestamp: '0',
    MessageGroupId: group,
    MessageDeduplicationId: id,
    SequenceNumber: '1',
  },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:local:000000000000:careflow-customers.fifo',
  awsRegion: 'local',
});

const busEvent = (id: string, customerId: string, detailType: string, detail: Record<string, unknown>) => ({
  version: '0',
  id,
  'detail-type': detailType,
  source: 'shop',
  account: '000000000000',
  time: '2026-11-02T09:00:00.000Z',
  region: 'local',
  resources: [],
  detail: { customerId, ...detail },
});

const profile = (customerId: string) =>
  busEvent(`p-${customerId}`, customerId, 'Customer Profile Updated', {
    email: `${customerId}@example.com`,
    consent: { email: true },
  });

describe('processor handler', () => {
  it('fails a broken record and the later records of the same customer, and only those', async () => {
    const world = await makeWorld();
    const handler = createProcessorHandler(async () => world.deps);
    const event: SQSEvent = {
      Records: [
        record('m1', 'c-a', profile('c-a')),
        record('m2', 'c-b', { kind: 'wake', customerId: 'c-b' }), // no instance id, no version: poison
        record(
          'm3',
          'c-a',
          busEvent('o-a', 'c-a', 'Order Completed', { orderId: 'o', total: 1, currency: 'EUR' }),
        ),
        record('m4', 'c-b', profile('c-b')),
        record('m5', 'c-c', profile('c-c')),
      ],
    };
    const response = await handler(event, lambdaContext('processor'));
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['m2', 'm4']);
    expect([...world.customers.profiles.keys()].sort()).toEqual(['c-a', 'c-c']);
    expect(world.customers.instances.size).toBe(1);
  });

  it('reports a record whose processing throws, so the queue retries it', async () => {
    const world = await makeWorld();
    world.customers.load = async () => {
      throw new Error('throttled');
    };
    const handler = createProcessorHandler(async () => world.deps);
    const response = await handler(
      { Records: [record('m1', 'c-a', profile('c-a'))] },
      lambdaContext('processor'),
    );
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }]);
  });
});
