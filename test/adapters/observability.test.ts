import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../shared/adapters/logger.js';
import {
  correlationIdOf,
  EmfMetrics,
  flushMetricsAfter,
  MetricName,
  noMetrics,
  withCorrelationId,
} from '../../shared/adapters/observability.js';

/** Every JSON line written to stdout or stderr (Powertools logs errors there) while `act` runs. */
const captureStdout = async (act: () => unknown | Promise<unknown>): Promise<Record<string, unknown>[]> => {
  const chunks: string[] = [];
  const record = (chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  };
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation(record),
    vi.spyOn(process.stderr, 'write').mockImplementation(record),
  ];
  try {
    await act();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return chunks
    .join('')
    .split('\n')
    .filter((line) => line.trim().startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
};

interface Emf {
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[];
  };
  [key: string]: unknown;
}

/** The EMF lines a flush writes, parsed, with the clock at a fixed instant. */
const emfOf = (act: (metrics: EmfMetrics) => void, serviceName = 'careflow-test-processor'): Emf[] => {
  const lines: string[] = [];
  const metrics = new EmfMetrics({
    namespace: 'careflow',
    serviceName,
    now: () => 1_795_438_060_918,
    write: (line) => lines.push(line),
  });
  act(metrics);
  metrics.flush();
  return lines.map((line) => JSON.parse(line) as Emf);
};

/** The metric names of a line by dimension set, e.g. `{ 'service,channel': ['MessagesSent'] }`. */
const setsOf = (line: Emf | undefined): Record<string, string[]> =>
  Object.fromEntries(
    (line?._aws.CloudWatchMetrics ?? []).map((m) => [
      m.Dimensions.map((d) => d.join(',')).join(' '),
      m.Metrics.map((x) => x.Name),
    ]),
  );

describe('EMF metrics', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('writes nothing until flushed, and nothing at all when nothing was counted', () => {
    const lines: string[] = [];
    const metrics = new EmfMetrics({ write: (line) => lines.push(line) });
    metrics.messageSent('email');
    expect(lines).toEqual([]);

    metrics.flush();
    metrics.flush();

    expect(lines).toHaveLength(1);
  });

  it('puts every metric of an invocation in one line, each with the service dimension and its own', () => {
    const [line, ...more] = emfOf((metrics) => {
      metrics.messageSent('email');
      metrics.messageSent('email');
      metrics.skipped('quiet-hours');
      metrics.error('ConflictError');
    });

    expect(more).toEqual([]);
    expect(line?._aws.Timestamp).toBe(1_795_438_060_918);
    expect(line?._aws.CloudWatchMetrics.every((m) => m.Namespace === 'careflow')).toBe(true);
    expect(setsOf(line)).toEqual({
      'service,channel': ['MessagesSent'],
      'service,reason': ['Skipped'],
      service: ['Errors'],
      'service,kind': ['Errors'],
    });
    expect(line).toMatchObject({
      service: 'careflow-test-processor',
      channel: 'email',
      MessagesSent: 2,
      reason: 'quiet-hours',
      Skipped: 1,
      kind: 'ConflictError',
      Errors: 1,
    });
  });

  it('writes a second line only for a second value of the same dimension', () => {
    const lines = emfOf((metrics) => {
      metrics.messageSent('email');
      metrics.messageSent('sms');
      metrics.skipped('opted-out');
      metrics.skipped('quiet-hours');
      metrics.skipped('quiet-hours');
    });

    expect(lines).toHaveLength(2);
    const value = (dimension: string, label: string, metric: string) =>
      lines.find((l) => l[dimension] === label)?.[metric];
    expect(value('channel', 'email', 'MessagesSent')).toBe(1);
    expect(value('channel', 'sms', 'MessagesSent')).toBe(1);
    expect(value('reason', 'opted-out', 'Skipped')).toBe(1);
    expect(value('reason', 'quiet-hours', 'Skipped')).toBe(2);
  });

  it('counts errors in total (for the error rate) and per kind, and SLA breaches per priority', () => {
    const lines = emfOf((metrics) => {
      metrics.error('ConflictError');
      metrics.error('ConflictError');
      metrics.error('TimeoutError');
      metrics.slaBreached('high');
      metrics.slaBreached();
    });

    const total = lines.find((l) => setsOf(l).service?.includes('Errors'));
    expect(total?.Errors).toBe(3);
    const byKind = (kind: string) =>
      lines.find((l) => l.kind === kind && setsOf(l)['service,kind']?.includes('Errors'))?.Errors;
    expect(byKind('ConflictError')).toBe(2);
    expect(byKind('TimeoutError')).toBe(1);
    expect(lines.find((l) => l.priority === 'high')?.SlaBreaches).toBe(1);
    expect(lines.find((l) => l.priority === 'unknown')?.SlaBreaches).toBe(1);
  });

  it('starts from zero after a flush', () => {
    const lines: string[] = [];
    const metrics = new EmfMetrics({ write: (line) => lines.push(line) });
    metrics.messageSent('email');
    metrics.flush();
    metrics.messageSent('email');
    metrics.flush();

    expect(lines.map((line) => (JSON.parse(line) as Emf).MessagesSent)).toEqual([1, 1]);
  });

  it('keeps dimension values bounded: odd labels and values past the limit count as "other"', () => {
    const lines = emfOf((metrics) => {
      metrics.skipped('has spaces and a customer@example.com');
      for (let i = 0; i < 30; i++) metrics.skipped(`reason-${i}`);
    });

    const reasons = lines.map((l) => l.reason);
    expect(new Set(reasons).size).toBe(26);
    expect(lines.find((l) => l.reason === 'other')?.Skipped).toBe(6);
    expect(JSON.stringify(lines)).not.toContain('example.com');
  });

  it('writes to stdout, under the namespace and service from the Powertools variables', async () => {
    vi.stubEnv('POWERTOOLS_METRICS_NAMESPACE', 'careflow-ns');
    vi.stubEnv('POWERTOOLS_SERVICE_NAME', 'careflow-dev-processor');
    const metrics = new EmfMetrics();
    metrics.error('Boom');

    const [line] = (await captureStdout(() => metrics.flush())) as Emf[];

    expect(line?._aws.CloudWatchMetrics[0]?.Namespace).toBe('careflow-ns');
    expect(line?.service).toBe('careflow-dev-processor');
  });

  it('flushes after a successful and after a failed invocation (middy middleware)', async () => {
    const flush = vi.fn();
    const middleware = flushMetricsAfter({ flush });
    await middleware.after();
    await middleware.onError();
    expect(flush).toHaveBeenCalledTimes(2);
  });

  it('offers a no-op implementation of the port', () => {
    expect(() => {
      noMetrics.messageSent('sms');
      noMetrics.error('x');
      noMetrics.flush();
    }).not.toThrow();
  });

  it('names the metric the stack alarms on', () => {
    const [line] = emfOf((metrics) => metrics.error('Boom'));
    expect(setsOf(line).service).toEqual([MetricName.errors]);
    expect(MetricName.errors).toBe('Errors');
  });
});

describe('correlation id', () => {
  it('is the event id of a customer event, a stable wake id for a wake-up, else the fallback', () => {
    expect(correlationIdOf({ id: 'evt-1', 'detail-type': 'Order Completed' }, 'msg-1')).toBe('evt-1');
    expect(
      correlationIdOf({ kind: 'wake', customerId: 'c-1', instanceId: 'j.abc', version: 3 }, 'msg-1'),
    ).toBe('wake:j.abc@3');
    expect(correlationIdOf('not json', 'msg-1')).toBe('msg-1');
    expect(correlationIdOf({ id: '' }, 'msg-1')).toBe('msg-1');
  });

  it('is on every log line written while one record is handled, and gone afterwards', async () => {
    const logger = createLogger({ serviceName: 'svc', level: 'INFO' });

    const lines = await captureStdout(async () => {
      await withCorrelationId(logger, 'evt-1', async () => {
        logger.info('first');
        logger.info('second');
      });
      await withCorrelationId(logger, 'evt-2', async () => logger.info('third'));
      logger.info('outside');
    });

    expect(lines.map((l) => [l.message, l.correlation_id])).toEqual([
      ['first', 'evt-1'],
      ['second', 'evt-1'],
      ['third', 'evt-2'],
      ['outside', undefined],
    ]);
  });

  it('is restored when the work fails, and the error passes through', async () => {
    const logger = createLogger({ serviceName: 'svc', level: 'INFO' });
    logger.powertools.setCorrelationId('batch');

    const lines = await captureStdout(async () => {
      await expect(
        withCorrelationId(logger, 'evt-9', async () => {
          logger.error('failing');
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      logger.info('after');
    });

    expect(lines.map((l) => l.correlation_id)).toEqual(['evt-9', 'batch']);
  });

  it('keeps each record’s id on its lines when records of several customers are handled at once', async () => {
    const logger = createLogger({ serviceName: 'svc', level: 'INFO' });
    const tick = () => new Promise((resolve) => setImmediate(resolve));

    const lines = await captureStdout(async () => {
      await Promise.all([
        withCorrelationId(logger, 'evt-a', async () => {
          await tick();
          logger.info('a1');
          await tick();
          await tick();
          logger.info('a2');
        }),
        withCorrelationId(logger, 'evt-b', async () => {
          logger.info('b1');
          await tick();
          await tick();
          logger.info('b2');
        }),
      ]);
      logger.info('outside');
    });

    expect(lines.map((l) => [l.message, l.correlation_id])).toEqual([
      ['b1', 'evt-b'],
      ['a1', 'evt-a'],
      ['b2', 'evt-b'],
      ['a2', 'evt-a'],
      ['outside', undefined],
    ]);
  });

  it('just runs the work with a logger that is not Powertools', async () => {
    const plain = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    await expect(withCorrelationId(plain, 'evt-1', async () => 42)).resolves.toBe(42);
  });
});
