import { MetricUnit, Metrics as PowertoolsMetrics } from '@aws-lambda-powertools/metrics';
import type { Logger } from '../app/ports.js';

/**
 * Observability for the handlers: a correlation id on every log line of one record, and
 * careflow's own metrics in CloudWatch Embedded Metric Format (Powertools Metrics), counted in
 * memory and written as a few EMF lines per invocation (`flush`), never one per event.
 */

/** The CloudWatch namespace of careflow's metrics when POWERTOOLS_METRICS_NAMESPACE is unset. */
export const DEFAULT_METRICS_NAMESPACE = 'careflow';

/** Metric and dimension names; the stack's dashboard and alarms use the same ones. */
export const MetricName = {
  eventsProcessed: 'EventsProcessed',
  wakesProcessed: 'WakesProcessed',
  messagesSent: 'MessagesSent',
  skipped: 'Skipped',
  slaBreaches: 'SlaBreaches',
  errors: 'Errors',
} as const;

export const MetricDimension = {
  /** Powertools adds it to every metric: the function's POWERTOOLS_SERVICE_NAME. */
  service: 'service',
  channel: 'channel',
  reason: 'reason',
  priority: 'priority',
  kind: 'kind',
} as const;

/**
 * The metrics port the use cases and handlers call. Each call counts one occurrence.
 * Labels (reasons, priorities, error kinds) must come from a small fixed set: each distinct
 * value is a CloudWatch metric of its own.
 */
export interface Metrics {
  /** A customer event was processed to the end (once per successful record). */
  eventProcessed(): void;
  /** A scheduled wake-up was processed to the end, whatever its result (advanced, stale, missing). */
  wakeProcessed(): void;
  /** A message was accepted by the provider. */
  messageSent(channel: 'email' | 'sms'): void;
  /** A send or a journey entry did not happen, and why: `opted-out`, `quiet-hours`, `frequency-cap`, ... */
  skipped(reason: string): void;
  /** A care case missed (or is about to miss) its response-time target. */
  slaBreached(priority?: string): void;
  /** A record failed and will be retried or dead-lettered; `kind` is the error's name. */
  error(kind: string): void;
  /** Publish what was counted since the last flush; the handler calls it once per invocation. */
  flush(): void;
}

/** Metrics that go nowhere: tests, the local stack, benchmarks of other things. */
export const noMetrics: Metrics = {
  eventProcessed: () => {},
  wakeProcessed: () => {},
  messageSent: () => {},
  skipped: () => {},
  slaBreached: () => {},
  error: () => {},
  flush: () => {},
};

/** A label becomes a dimension value: a short token, or `other`. */
const LABEL = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;
/** More distinct values than this per dimension in one container all count as `other`. */
const MAX_VALUES_PER_DIMENSION = 25;
const OTHER = 'other';

export interface EmfMetricsOptions {
  /** Default: POWERTOOLS_METRICS_NAMESPACE, else `careflow`. */
  namespace?: string;
  /** Default: POWERTOOLS_SERVICE_NAME, else `careflow`. */
  serviceName?: string;
}

/**
 * The Metrics port on Powertools Metrics (EMF on stdout, which CloudWatch Logs turns into
 * metrics without any API call). Counts stay in memory until `flush()`: one EMF line for the
 * totals (dimension `service`), plus one line per channel, skip reason, SLA priority and error
 * kind that occurred. Call `flush()` once at the end of every invocation (see
 * `flushMetricsAfter` for middy).
 */
export class EmfMetrics implements Metrics {
  private readonly powertools: PowertoolsMetrics;
  private totals = new Map<string, number>();
  private labelled = new Map<string, { metric: string; dimension: string; value: string; count: number }>();
  private readonly seen = new Map<string, Set<string>>();

  constructor(options: EmfMetricsOptions = {}) {
    this.powertools = new PowertoolsMetrics({
      namespace: options.namespace ?? process.env.POWERTOOLS_METRICS_NAMESPACE ?? DEFAULT_METRICS_NAMESPACE,
      serviceName: options.serviceName ?? process.env.POWERTOOLS_SERVICE_NAME ?? 'careflow',
    });
  }

  eventProcessed(): void {
    this.count(MetricName.eventsProcessed);
  }

  wakeProcessed(): void {
    this.count(MetricName.wakesProcessed);
  }

  messageSent(channel: 'email' | 'sms'): void {
    this.countBy(MetricName.messagesSent, MetricDimension.channel, channel);
  }

  skipped(reason: string): void {
    this.countBy(MetricName.skipped, MetricDimension.reason, reason);
  }

  slaBreached(priority = 'unknown'): void {
    this.countBy(MetricName.slaBreaches, MetricDimension.priority, priority);
  }

  error(kind: string): void {
    // Totals feed the error-rate alarm; the per-kind line says what failed.
    this.count(MetricName.errors);
    this.countBy(MetricName.errors, MetricDimension.kind, kind);
  }

  /** Write what was counted since the last flush as EMF lines, and start counting afresh. */
  flush(): void {
    const totals = this.totals;
    const labelled = this.labelled;
    this.totals = new Map();
    this.labelled = new Map();
    if (totals.size > 0) {
      for (const [metric, count] of totals) this.powertools.addMetric(metric, MetricUnit.Count, count);
      this.powertools.publishStoredMetrics();
    }
    for (const { metric, dimension, value, count } of labelled.values()) {
      // A single-metric instance publishes as soon as the metric is added.
      this.powertools
        .singleMetric()
        .addDimension(dimension, value)
        .addMetric(metric, MetricUnit.Count, count);
    }
  }

  private count(metric: string): void {
    this.totals.set(metric, (this.totals.get(metric) ?? 0) + 1);
  }

  private countBy(metric: string, dimension: string, label: string): void {
    const value = this.admit(dimension, label);
    const key = `${metric}\u0000${dimension}\u0000${value}`;
    const entry = this.labelled.get(key);
    if (entry) entry.count += 1;
    else this.labelled.set(key, { metric, dimension, value, count: 1 });
  }

  /** Keep the number of distinct dimension values (each one a billed metric) bounded. */
  private admit(dimension: string, label: string): string {
    if (!LABEL.test(label)) return OTHER;
    let values = this.seen.get(dimension);
    if (!values) {
      values = new Set();
      this.seen.set(dimension, values);
    }
    if (values.has(label)) return label;
    if (values.size >= MAX_VALUES_PER_DIMENSION) return OTHER;
    values.add(label);
    return label;
  }
}

/** The Metrics adapter for a Lambda function, configured from the Powertools environment variables. */
export const createMetrics = (options: EmfMetricsOptions = {}): EmfMetrics => new EmfMetrics(options);

/**
 * A middy middleware that flushes the metrics after every invocation, also a failed one.
 * Structurally typed, so this module does not depend on middy.
 */
export const flushMetricsAfter = (metrics: { flush(): void }) => ({
  after: async (): Promise<void> => metrics.flush(),
  onError: async (): Promise<void> => metrics.flush(),
});

/** The logger underneath careflow's Logger port, when it is Powertools (see ./logger.ts). */
interface CorrelatableLogger {
  powertools: {
    setCorrelationId(value: unknown): void;
    getCorrelationId(): unknown;
    removeKeys(keys: string[]): void;
  };
}

const isCorrelatable = (logger: Logger): logger is Logger & CorrelatableLogger =>
  typeof (logger as Partial<CorrelatableLogger>).powertools?.setCorrelationId === 'function';

/**
 * The correlation id of a queue or bus record: the event id of a customer event, a stable
 * `wake:<instance>@<version>` for a wake-up, else `fallback` (e.g. the SQS message id).
 */
export const correlationIdOf = (body: unknown, fallback: string): string => {
  if (typeof body === 'object' && body !== null) {
    const record = body as Record<string, unknown>;
    if (typeof record.id === 'string' && record.id !== '') return record.id;
    if (record.kind === 'wake' && typeof record.instanceId === 'string') {
      return `wake:${record.instanceId}@${String(record.version)}`;
    }
  }
  return fallback;
};

/**
 * Run `work` with `correlation_id` set to `id` on every log line written meanwhile, then put
 * back the previous one. Records of a FIFO batch are processed one after the other, so each
 * record's lines carry its own id. Loggers other than Powertools (test fakes) just run `work`.
 */
export const withCorrelationId = async <T>(
  logger: Logger,
  id: string,
  work: () => Promise<T>,
): Promise<T> => {
  if (!isCorrelatable(logger)) return work();
  const { powertools } = logger;
  const previous = powertools.getCorrelationId();
  powertools.setCorrelationId(id);
  try {
    return await work();
  } finally {
    if (previous === undefined) powertools.removeKeys(['correlation_id']);
    else powertools.setCorrelationId(previous);
  }
};
