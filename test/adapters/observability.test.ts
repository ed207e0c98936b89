import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../shared/adapters/logger.js';
import {
  correlationIdOf,
  EmfMetrics,
  flushMetricsAfter,
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
  _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] };
  [key: string]: unknown;
}

const metricNamesOf = (line: Record<string, unknown>): string[] =>
  (line as unknown as Emf)._aws.CloudWatchMetrics.flatMap((m) => m.Metrics.map((x) => x.Name));

describe('EMF metrics', () => {
  beforeEach(() => {
    vi.stubEnv('POWERTOOLS_DEV', '');
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('writes nothing until flushed, then the totals in one line under the service dimension', async () => {
    const metrics = new EmfMetrics({ namespace: 'careflow', serviceName: 'careflow-test-processor' });
    const beforeFlush = await captureStdout(() => {
      metrics.eventProcessed();
      metrics.eventProcessed();
      metrics.wakeProcessed();
    });
    expect(beforeFlush).toEqual([]);

    const lines = await captureStdout(() => metrics.flush());

    expect(lines).toHaveLength(1);
    const [line] = lines as [Emf];
    expect(line._aws.CloudWatchMetrics[0]?.Namespace).toBe('careflow');
    expect(line._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([['service']]);
    expect(line.service).toBe('careflow-test-processor');
    expect(line.EventsProcessed).toBe(2);
    expect(line.WakesProcessed).toBe(1);
  });

  it('counts sends per channel and skips per reason, one line per value', async () => {
    const metrics = new EmfMetrics({ namespace: 'careflow', serviceName: 'svc' });
    metrics.messageSent('email');
    metrics.messageSent('email');
    metrics.messageSent('sms');
    metrics.skipped('opted-out');
    metrics.skipped('quiet-hours');
    metrics.skipped('quiet-hours');

    const lines = (await captureStdout(() => metrics.flush())) as Emf[];

    const byDimension = (name: string, value: string) =>
      lines.find((l) => l[name] === value && l._aws.CloudWatchMetrics[0]?.Dimensions[0]?.includes(name));
    expect(byDimension('channel', 'email')?.MessagesSent).toBe(2);
    expect(byDimension('channel', 'sms')?.MessagesSent).toBe(1);
    expect(byDimension('reason', 'opted-out')?.Skipped).toBe(1);
    expect(byDimension('reason', 'quiet-hours')?.Skipped).toBe(2);
    expect(byDimension('channel', 'email')?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([
      ['service', 'channel'],
    ]);
    expect(lines).toHaveLength(4);
  });

  it('counts errors in total (for the error rate) and per kind, and SLA breaches per priority', async () => {
    const metrics = new EmfMetrics({ namespace: 'careflow', serviceName: 'svc' });
    metrics.eventProcessed();
    metrics.error('ConflictError');
    metrics.error('ConflictError');
    metrics.slaBreached('high');
    metrics.slaBreached();

    const lines = (await captureStdout(() => metrics.flush())) as Emf[];

    const totals = lines.find((l) => l._aws.CloudWatchMetrics[0]?.Dimensions[0]?.length === 1);
    expect(totals?.Errors).toBe(2);
    expect(totals?.EventsProcessed).toBe(1);
    expect(lines.find((l) => l.kind === 'ConflictError')?.Errors).toBe(2);
    expect(lines.find((l) => l.priority === 'high')?.SlaBreaches).toBe(1);
    expect(lines.find((l) => l.priority === 'unknown')?.SlaBreaches).toBe(1);
  });

  it('starts from zero after a flush and writes nothing when nothing happened', async () => {
    const metrics = new EmfMetrics({ namespace: 'careflow', serviceName: 'svc' });
    metrics.messageSent('email');
    await captureStdout(() => metrics.flush());

    expect(await captureStdout(() => metrics.flush())).toEqual([]);
    metrics.messageSent('email');
    const [again] = (await captureStdout(() => metrics.flush())) as Emf[];
    expect(again?.MessagesSent).toBe(1);
  });

  it('keeps dimension values bounded: odd labels and values past the limit count as "other"', async () => {
    const metrics = new EmfMetrics({ namespace: 'careflow', serviceName: 'svc' });
    metrics.skipped('has spaces and a customer@example.com');
    for (let i = 0; i < 30; i++) metrics.skipped(`reason-${i}`);

    const lines = (await captureStdout(() => metrics.flush())) as Emf[];

    const reasons = lines.map((l) => l.reason);
    expect(new Set(reasons).size).toBe(26);
    expect(lines.find((l) => l.reason === 'other')?.Skipped).toBe(6);
    expect(JSON.stringify(lines)).not.toContain('example.com');
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
      noMetrics.eventProcessed();
      noMetrics.messageSent('sms');
      noMetrics.error('x');
      noMetrics.flush();
    }).not.toThrow();
  });

  it('names the metrics the stack alarms on', async () => {
    const metrics = new EmfMetrics({ namespace: 'careflow', serviceName: 'svc' });
    metrics.eventProcessed();
    metrics.wakeProcessed();
    metrics.error('Boom');
    const [totals] = await captureStdout(() => metrics.flush());
    expect(metricNamesOf(totals ?? {})).toEqual(['EventsProcessed', 'WakesProcessed', 'Errors']);
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

  it('just runs the work with a logger that is not Powertools', async () => {
    const plain = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    await expect(withCorrelationId(plain, 'evt-1', async () => 42)).resolves.toBe(42);
  });
});
