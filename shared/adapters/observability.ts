import type { Logger } from '../app/ports.js';
import { runWithCorrelationId } from './logger.js';

/**
 * Observability for the handlers: a correlation id on every log line of one record, and
 * careflow's own metrics in CloudWatch Embedded Metric Format (EMF), counted in memory and
 * written as one EMF line per invocation (`flush`) when something worth a metric happened.
 */

/** The CloudWatch namespace of careflow's metrics when POWERTOOLS_METRICS_NAMESPACE is unset. */
export const DEFAULT_METRICS_NAMESPACE = 'careflow';

/**
 * Metric and dimension names; the stack's dashboard and alarms use the same ones. Records
 * processed are not a metric of careflow's: the customer queue's `NumberOfMessagesDeleted` counts
 * them (a record is deleted once processed), and every record has its INFO log line.
 */
export const MetricName = {
  messagesSent: 'MessagesSent',
  skipped: 'Skipped',
  slaBreaches: 'SlaBreaches',
  errors: 'Errors',
} as const;

export const MetricDimension = {
  /** On every metric: the function's POWERTOOLS_SERVICE_NAME. */
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
  /** A message was accepted by the provider. */
  messageSent(channel: 'email' | 'sms'): void;
  /** A send did not happen, or a record was dropped after an erasure, and why: `opted-out`, `quiet-hours`, `erased`, ... */
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
  /** Epoch milliseconds of the flush, the metrics' timestamp. Default: the system clock. */
  now?: () => number;
  /** Where the EMF lines go. Default: stdout, which Lambda sends to CloudWatch Logs. */
  write?: (line: string) => void;
}

/** One counted metric: with no dimension besides `service`, or with one more. */
interface Count {
  metric: string;
  dimension?: string;
  value?: string;
  count: number;
}

/** One EMF document under construction: root values, and the metrics of each dimension set. */
interface Doc {
  root: Map<string, string | number>;
  /** Dimension name ('' for `service` alone) → metric names. */
  sets: Map<string, Set<string>>;
}

/** A document takes a count unless it already holds another value for the dimension or the metric. */
const fits = (doc: Doc, c: Count): boolean =>
  (c.dimension === undefined || (doc.root.get(c.dimension) ?? c.value) === c.value) &&
  (doc.root.get(c.metric) ?? c.count) === c.count;

/**
 * The Metrics port as EMF on stdout, which CloudWatch Logs turns into metrics without any API
 * call. Counts stay in memory until `flush()`, which writes one EMF line holding every metric
 * of the invocation (a second line only when one dimension had two values, e.g. two skip
 * reasons) and nothing when nothing was counted. Every metric has the `service` dimension;
 * sends, skips, SLA breaches and error kinds have one more (channel, reason, priority, kind).
 */
export class EmfMetrics implements Metrics {
  private readonly namespace: string;
  private readonly serviceName: string;
  private readonly now: () => number;
  private readonly write: (line: string) => void;
  private counts = new Map<string, Count>();
  private readonly seen = new Map<string, Set<string>>();

  constructor(options: EmfMetricsOptions = {}) {
    this.namespace =
      options.namespace ?? process.env.POWERTOOLS_METRICS_NAMESPACE ?? DEFAULT_METRICS_NAMESPACE;
    this.serviceName = options.serviceName ?? process.env.POWERTOOLS_SERVICE_NAME ?? 'careflow';
    this.now = options.now ?? Date.now;
    this.write = options.write ?? ((line) => process.stdout.write(`${line}\n`));
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
    // The total feeds the error-rate alarm; the count per kind says what failed.
    this.add({ metric: MetricName.errors, count: 1 });
    this.countBy(MetricName.errors, MetricDimension.kind, kind);
  }

  /** Write what was counted since the last flush, and start counting afresh. */
  flush(): void {
    const counts = [...this.counts.values()];
    this.counts = new Map();
    const docs: Doc[] = [];
    for (const c of counts) {
      let doc = docs.find((candidate) => fits(candidate, c));
      if (!doc) {
        doc = { root: new Map([[MetricDimension.service, this.serviceName]]), sets: new Map() };
        docs.push(doc);
      }
      doc.root.set(c.metric, c.count);
      if (c.dimension !== undefined && c.value !== undefined) doc.root.set(c.dimension, c.value);
      const set = c.dimension ?? '';
      doc.sets.set(set, (doc.sets.get(set) ?? new Set()).add(c.metric));
    }
    const timestamp = this.now();
    for (const doc of docs) this.write(JSON.stringify(this.emf(doc, timestamp)));
  }

  private emf(doc: Doc, timestamp: number): Record<string, unknown> {
    const CloudWatchMetrics = [...doc.sets].map(([dimension, metrics]) => ({
      Namespace: this.namespace,
      Dimensions: [dimension === '' ? [MetricDimension.service] : [MetricDimension.service, dimension]],
      Metrics: [...metrics].map((Name) => ({ Name, Unit: 'Count' })),
    }));
    return { _aws: { Timestamp: timestamp, CloudWatchMetrics }, ...Object.fromEntries(doc.root) };
  }

  private countBy(metric: string, dimension: string, label: string): void {
    this.add({ metric, dimension, value: this.admit(dimension, label), count: 1 });
  }

  private add(c: Count): void {
    const key = `${c.metric}\u0000${c.dimension ?? ''}\u0000${c.value ?? ''}`;
    const entry = this.counts.get(key);
    if (entry) entry.count += c.count;
    else this.counts.set(key, { ...c });
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

/** careflow's logger (./logger.ts), the one that writes the correlation id: it has Powertools underneath. */
const isCorrelatable = (logger: Logger): boolean =>
  typeof (logger as { powertools?: unknown }).powertools === 'object';

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
 * Run `work` with `correlation_id` set to `id` on every line careflow's logger writes meanwhile,
 * in `work`'s asynchronous context only: records of different customers handled at the same time
 * each carry their own id. Loggers other than careflow's (test fakes) just run `work`.
 */
export const withCorrelationId = <T>(logger: Logger, id: string, work: () => Promise<T>): Promise<T> =>
  isCorrelatable(logger) ? runWithCorrelationId(id, work) : work();
