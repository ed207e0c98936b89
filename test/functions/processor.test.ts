import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createProcessorHandler } from '../../functions/processor/handler.js';
import { RECORD_RESERVE_MS } from '../../functions/processor/time-budget.js';
import { lambdaContext } from '../../infra/local/lambda-context.js';
import { createLogger } from '../../shared/adapters/logger.js';
import { EmfMetrics } from '../../shared/adapters/observability.js';
import { SendDeferredError } from '../../shared/app/errors.js';
import type { OutgoingEmail } from '../../shared/app/ports.js';
import type { JourneyInput } from '../../shared/domain/journey/definition.js';
import { makeWorld } from '../support/app.js';
import { logLines } from '../support/log-lines.js';
import { busEvent, queueRecord } from '../support/queue-records.js';

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
        queueRecord('m1', 'c-a', profile('c-a')),
        queueRecord('m2', 'c-b', { kind: 'wake', customerId: 'c-b' }), // no instance id, no version: poison
        queueRecord(
          'm3',
          'c-a',
          busEvent('o-a', 'c-a', 'Order Completed', { orderId: 'o', total: 1, currency: 'EUR' }),
        ),
        queueRecord('m4', 'c-b', profile('c-b')),
        queueRecord('m5', 'c-c', profile('c-c')),
      ],
    };
    const response = await handler(event, lambdaContext('processor'));
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['m2', 'm4']);
    expect([...world.customers.profiles.keys()].sort()).toEqual(['c-a', 'c-c']);
    expect(world.customers.instances.size).toBe(1);
  });

  it('handles the customers of a batch at once, each customer’s records in order', async () => {
    const world = await makeWorld();
    const load = world.customers.load.bind(world.customers);
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const loaded: string[] = [];
    // The first read of c-a waits until released: a slow customer.
    world.customers.load = async (customerId: string) => {
      loaded.push(customerId);
      if (customerId === 'c-a' && loaded.filter((id) => id === 'c-a').length === 1) await held;
      return load(customerId);
    };
    const handler = createProcessorHandler(async () => world.deps);
    const event: SQSEvent = {
      Records: [
        queueRecord('m1', 'c-a', profile('c-a')),
        queueRecord('m2', 'c-a', order('o-a', 'c-a')),
        queueRecord('m3', 'c-b', profile('c-b')),
        queueRecord('m4', 'c-b', order('o-b', 'c-b')),
      ],
    };

    const handled = handler(event, lambdaContext('processor'));
    try {
      // c-b's two records are done while c-a's first one still waits.
      await vi.waitFor(() => expect(loaded.filter((id) => id === 'c-b')).toHaveLength(2), { timeout: 2_000 });
      expect(loaded).toEqual(['c-a', 'c-b', 'c-b']);
    } finally {
      release();
    }
    const response = await handled;

    expect(response.batchItemFailures).toEqual([]);
    expect(loaded).toEqual(['c-a', 'c-b', 'c-b', 'c-a']);
  });

  it('reports a record whose processing throws, so the queue retries it', async () => {
    const world = await makeWorld();
    world.customers.load = async () => {
      throw new Error('throttled');
    };
    const handler = createProcessorHandler(async () => world.deps);
    const response = await handler(
      { Records: [queueRecord('m1', 'c-a', profile('c-a'))] },
      lambdaContext('processor'),
    );
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }]);
  });
});

/** Thanks every buyer by email at once, and only once. */
const thankBuyers: JourneyInput = {
  id: 'thank-buyers',
  name: 'Thank buyers',
  category: 'care',
  version: 1,
  trigger: { 'detail-type': ['Order Completed'] },
  audience: { consent: 'email' },
  reentry: { allowed: false },
  start: 'thanks',
  steps: {
    thanks: { type: 'sendEmail', template: 'thank-you-referral', next: 'end' },
    end: { type: 'exit' },
  },
  goal: null,
};

const order = (id: string, customerId: string) =>
  busEvent(id, customerId, 'Order Completed', { orderId: id, total: 20, currency: 'EUR' });

/** Thanks the buyer by email for every order. */
const thankEveryOrder: JourneyInput = { ...thankBuyers, id: 'thank-every-order', reentry: { allowed: true } };

/** A Lambda context whose remaining time the test sets. */
const contextWithClock = (): { context: Context; spend: (ms: number) => void } => {
  let remainingMs = 30_000;
  return {
    context: { ...lambdaContext('processor'), getRemainingTimeInMillis: () => remainingMs },
    spend: (ms) => {
      remainingMs -= ms;
    },
  };
};

describe('processor time budget', () => {
  it('starts no record without time for one, reports only those, and sends nothing twice when they come back', async () => {
    // prepare: c-a's first email takes 12 s, and ends once c-b's two emails are out.
    const world = await makeWorld([thankEveryOrder]);
    const { context, spend } = contextWithClock();
    const send = world.email.send.bind(world.email);
    let releaseA: () => void = () => {};
    const bHasSent = new Promise<void>((resolve) => {
      releaseA = resolve;
    });
    const sentTo = (address: string) => world.email.sent.filter((email) => email.to === address);
    world.deps.email = {
      send: async (email: OutgoingEmail) => {
        if (email.to === 'c-a@example.com') {
          await bHasSent;
          spend(12_000);
        }
        const sent = await send(email);
        if (sentTo('c-b@example.com').length === 2) releaseA();
        return sent;
      },
    };
    const postponed: [string, number][] = [];
    const visibility = {
      postpone: async (message: { receiptHandle: string }, seconds: number) => {
        postponed.push([message.receiptHandle, seconds]);
      },
    };
    const handler = createProcessorHandler(async () => ({ ...world.deps, visibility }));
    const batch = [
      queueRecord('m1', 'c-a', profile('c-a')),
      queueRecord('m2', 'c-a', order('o-a1', 'c-a')),
      queueRecord('m3', 'c-a', order('o-a2', 'c-a')),
      queueRecord('m4', 'c-a', order('o-a3', 'c-a')),
      queueRecord('m5', 'c-b', profile('c-b')),
      queueRecord('m6', 'c-b', order('o-b1', 'c-b')),
      queueRecord('m7', 'c-b', order('o-b2', 'c-b')),
    ];

    // act
    const response = await handler({ Records: batch }, context);

    // assess: 18 s were left after c-a's slow email, less than one record may need.
    expect(30_000 - 12_000).toBeLessThan(RECORD_RESERVE_MS);
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['m3', 'm4']);
    // The first record not started comes back at once, its customer's next one behind it.
    expect(postponed).toEqual([
      ['m3', 0],
      ['m4', 0],
    ]);
    expect(sentTo('c-a@example.com')).toHaveLength(1);
    expect(sentTo('c-b@example.com')).toHaveLength(2);

    // act: the queue gives the two records back, to a fresh invocation.
    const again = await handler(
      { Records: batch.filter((r) => r.messageId === 'm3' || r.messageId === 'm4') },
      lambdaContext('processor'),
    );

    // assess: each order thanked once.
    expect(again.batchItemFailures).toEqual([]);
    const thanked = world.email.sent.map((email) => email.messageId);
    expect(thanked).toHaveLength(5);
    expect(new Set(thanked).size).toBe(5);
    expect(sentTo('c-a@example.com')).toHaveLength(3);
  });

  it('starts a customer’s first record with the whole invocation ahead', async () => {
    const world = await makeWorld([thankEveryOrder]);
    const handler = createProcessorHandler(async () => world.deps);
    const { context, spend } = contextWithClock();
    spend(30_000 - RECORD_RESERVE_MS);

    const response = await handler(
      { Records: [queueRecord('m1', 'c-a', profile('c-a')), queueRecord('m2', 'c-a', order('o-1', 'c-a'))] },
      context,
    );

    expect(response.batchItemFailures).toEqual([]);
    expect(world.email.sent).toHaveLength(1);
  });
});

describe('processor logs and metrics', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  const setUp = async () => {
    vi.stubEnv('POWERTOOLS_DEV', '');
    const world = await makeWorld([thankBuyers]);
    const emf: string[] = [];
    const metrics = new EmfMetrics({
      serviceName: 'careflow-test-processor',
      write: (line) => emf.push(line),
    });
    const deps = { ...world.deps, logger: createLogger({ level: 'INFO' }) };
    const handler = createProcessorHandler(async () => deps, metrics);
    return { world, emf, handler };
  };

  it('writes one INFO line per record: what it started and sent, or why not, under the event id', async () => {
    const { handler } = await setUp();
    const event: SQSEvent = {
      Records: [
        queueRecord('m1', 'c-a', profile('c-a')),
        queueRecord('m2', 'c-a', order('o-1', 'c-a')),
        queueRecord('m3', 'c-a', order('o-2', 'c-a')),
      ],
    };

    const { text, lines } = await logLines(() => handler(event, lambdaContext('processor')));

    expect(lines).toEqual([
      {
        level: 'INFO',
        message: 'event',
        correlation_id: 'p-c-a',
        type: 'Customer Profile Updated',
      },
      {
        level: 'INFO',
        message: 'event',
        correlation_id: 'o-1',
        type: 'Order Completed',
        started: ['thank-buyers'],
        sent: ['email'],
      },
      {
        level: 'INFO',
        message: 'event',
        correlation_id: 'o-2',
        type: 'Order Completed',
        notEntered: { 'thank-buyers': 're-entry is not allowed' },
      },
    ]);
    expect(text).not.toContain('c-a@example.com');
  });

  it('shows the details of each step at DEBUG only', async () => {
    const { handler } = await setUp();
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'DEBUG');
    const debug = { ...(await makeWorld([thankBuyers])).deps, logger: createLogger() };
    const verbose = createProcessorHandler(async () => debug);
    const event: SQSEvent = {
      Records: [queueRecord('m1', 'c-a', profile('c-a')), queueRecord('m2', 'c-a', order('o-1', 'c-a'))],
    };

    const quiet = await logLines(() => handler(event, lambdaContext('processor')));
    const detailed = await logLines(() => verbose(event, lambdaContext('processor')));

    expect(quiet.lines.map((l) => l.level)).toEqual(['INFO', 'INFO']);
    expect(detailed.lines.filter((l) => l.level === 'DEBUG').length).toBeGreaterThan(0);
    expect(detailed.lines.every((l) => typeof l.correlation_id === 'string')).toBe(true);
  });

  it('writes one EMF line per invocation with the sends, and none when nothing was counted', async () => {
    const { handler, emf } = await setUp();

    await logLines(() =>
      handler(
        {
          Records: [queueRecord('m1', 'c-a', profile('c-a')), queueRecord('m2', 'c-a', order('o-1', 'c-a'))],
        },
        lambdaContext('processor'),
      ),
    );
    await logLines(() =>
      handler({ Records: [queueRecord('m3', 'c-b', profile('c-b'))] }, lambdaContext('processor')),
    );
    await logLines(() =>
      handler({ Records: [queueRecord('m4', 'c-a', order('o-2', 'c-a'))] }, lambdaContext('processor')),
    );

    // The second invocation sent nothing; the third was refused entry (re-entry), which is on its
    // log line only.
    expect(emf.map((line) => JSON.parse(line) as Record<string, unknown>)).toMatchObject([
      { service: 'careflow-test-processor', channel: 'email', MessagesSent: 1 },
    ]);
  });

  it('logs a failed record at ERROR with the error, and counts it', async () => {
    const { world, emf, handler } = await setUp();
    world.customers.load = async () => {
      throw new Error('throttled');
    };

    const { lines } = await logLines(() =>
      handler({ Records: [queueRecord('m1', 'c-a', order('o-1', 'c-a'))] }, lambdaContext('processor')),
    );

    expect(lines).toEqual([
      {
        level: 'ERROR',
        message: 'record failed',
        correlation_id: 'o-1',
        error: 'Error',
        reason: 'throttled',
      },
    ]);
    expect(JSON.parse(emf[0] ?? '{}')).toMatchObject({ Errors: 1, kind: 'Error' });
  });

  it('logs each record not started for lack of time once at WARN, without personal data, and counts it', async () => {
    const { emf, handler } = await setUp();
    const { context, spend } = contextWithClock();
    spend(30_000 - RECORD_RESERVE_MS + 1);
    const event: SQSEvent = {
      Records: [queueRecord('m1', 'c-a', profile('c-a')), queueRecord('m2', 'c-a', order('o-1', 'c-a'))],
    };

    const { text, lines } = await logLines(() => handler(event, context));

    const reason = `not started: ${RECORD_RESERVE_MS - 1} ms left, a record may need ${RECORD_RESERVE_MS} ms`;
    expect(lines).toEqual([
      {
        level: 'WARN',
        message: 'record not started',
        correlation_id: 'p-c-a',
        error: 'RecordNotStartedError',
        reason,
      },
      {
        level: 'WARN',
        message: 'record not started',
        correlation_id: 'o-1',
        error: 'RecordNotStartedError',
        reason,
      },
    ]);
    expect(text).not.toContain('c-a@example.com');
    expect(JSON.parse(emf[0] ?? '{}')).toMatchObject({ Errors: 2, kind: 'RecordNotStartedError' });
  });

  it('fails a record whose body is not JSON: logged at ERROR without the body, and counted', async () => {
    const { world, emf, handler } = await setUp();
    const broken = { ...queueRecord('m1', 'c-a', {}), body: '{"email":"c-a@example.com",' };
    const event: SQSEvent = {
      Records: [broken, queueRecord('m2', 'c-a', profile('c-a')), queueRecord('m3', 'c-b', profile('c-b'))],
    };

    let response: Awaited<ReturnType<typeof handler>> | undefined;
    const { text, lines } = await logLines(async () => {
      response = await handler(event, lambdaContext('processor'));
    });

    expect(response?.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['m1', 'm2']);
    expect(lines).toEqual([
      {
        level: 'ERROR',
        message: 'record failed',
        correlation_id: 'm1',
        error: 'ValidationError',
        reason: 'invalid queue message: the body is not JSON',
      },
      { level: 'INFO', message: 'event', correlation_id: 'p-c-b', type: 'Customer Profile Updated' },
    ]);
    expect(text).not.toContain('c-a@example.com');
    expect(JSON.parse(emf[0] ?? '{}')).toMatchObject({ Errors: 1, kind: 'ValidationError' });
    expect([...world.customers.profiles.keys()]).toEqual(['c-b']);
  });
});

describe('processor handler: sends the provider deferred', () => {
  const order = (id: string, customerId: string) =>
    busEvent(id, customerId, 'Order Completed', { orderId: id, total: 10, currency: 'EUR', items: [] });
  const receivedAgain = (r: SQSRecord, count: number): SQSRecord => ({
    ...r,
    attributes: { ...r.attributes, ApproximateReceiveCount: String(count) },
  });

  const setUp = async () => {
    const world = await makeWorld([thankBuyers]);
    const postponed: { receiptHandle: string; seconds: number }[] = [];
    const visibility = {
      postpone: async (message: { receiptHandle: string }, seconds: number) => {
        postponed.push({ receiptHandle: message.receiptHandle, seconds });
      },
    };
    const handler = createProcessorHandler(async () => ({ ...world.deps, visibility }));
    const warm = createProcessorHandler(async () => world.deps);
    await warm(
      { Records: [queueRecord('p-a', 'c-a', profile('c-a')), queueRecord('p-b', 'c-b', profile('c-b'))] },
      lambdaContext('p'),
    );
    return { world, handler, postponed };
  };

  it.each([
    [1, 120],
    [2, 480],
    [3, 1920],
  ])(
    'keeps a record whose email SES throttled hidden longer on its receive %i: %i s, its customer waiting behind it',
    async (count, seconds) => {
      const { world, handler, postponed } = await setUp();
      world.email.failWith = new SendDeferredError('SES did not send the message (TooManyRequestsException)');
      const response = await handler(
        {
          Records: [
            receivedAgain(queueRecord('m1', 'c-a', order('o-1', 'c-a')), count),
            queueRecord('m2', 'c-a', profile('c-a')),
          ],
        },
        lambdaContext('p'),
      );
      expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['m1', 'm2']);
      // The deferred record holds the customer's place; the one behind it comes back with it.
      expect(postponed).toEqual([
        { receiptHandle: 'm1', seconds },
        { receiptHandle: 'm2', seconds: 0 },
      ]);
    },
  );

  it('does not hold the customer on the last receive: the next one goes to the dead-letter queue', async () => {
    const { world, handler, postponed } = await setUp();
    world.email.failWith = new SendDeferredError('SES did not send the message (SendingPausedException)');
    const response = await handler(
      { Records: [receivedAgain(queueRecord('m1', 'c-a', order('o-1', 'c-a')), 5)] },
      lambdaContext('p'),
    );
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['m1']);
    expect(postponed).toEqual([]);
  });

  it('leaves other failures to the queue: nothing is postponed', async () => {
    const { handler, postponed } = await setUp();
    const response = await handler(
      { Records: [queueRecord('m1', 'c-a', { kind: 'wake', customerId: 'c-a' })] },
      lambdaContext('p'),
    );
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['m1']);
    expect(postponed).toEqual([]);
  });

  it('still reports the record when the queue cannot postpone it', async () => {
    const { world } = await setUp();
    world.email.failWith = new SendDeferredError('SES did not send the message (SendingPausedException)');
    const warnings: string[] = [];
    const logger = { ...world.deps.logger, warn: (message: string) => warnings.push(message) };
    const visibility = { postpone: () => Promise.reject(new Error('AccessDenied')) };
    const handler = createProcessorHandler(async () => ({ ...world.deps, logger, visibility }));
    const response = await handler(
      { Records: [queueRecord('m1', 'c-a', order('o-1', 'c-a'))] },
      lambdaContext('p'),
    );
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['m1']);
    expect(warnings).toEqual(['record not postponed']);
  });
});
