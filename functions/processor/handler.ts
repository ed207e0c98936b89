import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import {
  correlationIdOf,
  createMetrics,
  flushMetricsAfter,
  type Metrics,
  noMetrics,
  withCorrelationId,
} from '../../shared/adapters/observability.js';
import { lazyEngineDeps, type ProcessorDeps } from '../../shared/adapters/wiring/processor.js';
import type { EngineDeps } from '../../shared/app/deps.js';
import { SendDeferredError } from '../../shared/app/errors.js';
import { processCustomerEvent } from '../../shared/app/process-customer-event.js';
import { processWake } from '../../shared/app/process-wake.js';
import { ValidationError } from '../../shared/domain/errors.js';
import { describeProblems, parseCustomerEvent } from '../../shared/domain/events/envelope.js';
import * as z from '../../shared/domain/zod.js';
import { deferralDelaySeconds } from './deferral.js';
import { RecordTally } from './record-tally.js';
import { RecordNotStartedError, timeForOneMore } from './time-budget.js';

const Wake = z.object({
  kind: z.literal('wake'),
  customerId: z.string().check(z.minLength(1)),
  instanceId: z.string().check(z.minLength(1)),
  version: z.int().check(z.nonnegative()),
});

/** Instance ids are `<journeyId>.<hash of the trigger event>` (see instanceIdFor). */
const journeyOf = (instanceId: string): string => instanceId.slice(0, instanceId.lastIndexOf('.'));

/** The record's body as JSON; undefined when it is not JSON (JSON never parses to undefined). */
const parseBody = (body: string): unknown => {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
};

const handleRecord = async (deps: EngineDeps, metrics: Metrics, record: SQSRecord): Promise<void> => {
  const body = parseBody(record.body);
  await withCorrelationId(deps.logger, correlationIdOf(body, record.messageId), async () => {
    // The use cases report sends and skipped sends to the metrics; the tally also puts them on
    // the record's one INFO line.
    const tally = new RecordTally(metrics);
    try {
      await processBody({ ...deps, metrics: tally }, tally, body);
    } catch (error) {
      const kind = error instanceof Error ? error.name : 'Error';
      metrics.error(kind);
      deps.logger.error('record failed', {
        error: kind,
        reason: error instanceof Error ? error.message : String(error),
        ...tally.summary(),
      });
      throw error;
    }
  });
};

const processBody = async (deps: EngineDeps, tally: RecordTally, body: unknown): Promise<void> => {
  if (body === undefined) {
    // Poison like any invalid message; the reason never quotes the body (it may hold personal data).
    throw new ValidationError('invalid queue message: the body is not JSON', [
      { path: '', message: 'not JSON' },
    ]);
  }
  const wake = Wake.safeParse(body);
  if (wake.success) {
    // The correlation id names the instance and the version the wake-up was for.
    const result = await processWake(deps, wake.data);
    deps.logger.info('wake', { result, ...tally.summary() });
    return;
  }
  const parsed = parseCustomerEvent(body);
  if (!parsed.ok) {
    // Routed events were validated already; anything else is poison: let it go to the DLQ.
    throw new ValidationError(`invalid queue message: ${describeProblems(parsed.problems)}`, parsed.problems);
  }
  const result = await processCustomerEvent(deps, parsed.value);
  // Entry refusals (audience, re-entry, caps) are on the line, not in the metrics: most events
  // meet some journey whose audience they are not, and counting that would be noise at a price.
  deps.logger.info('event', {
    type: parsed.value['detail-type'],
    ...(result.started.length > 0 ? { started: result.started.map(journeyOf) } : {}),
    ...(result.advanced.length > 0 ? { advanced: result.advanced.map(journeyOf) } : {}),
    ...(result.skipped.length > 0
      ? { notEntered: Object.fromEntries(result.skipped.map((s) => [s.journeyId, s.reason])) }
      : {}),
    ...tally.summary(),
  });
};

/** The records of each message group (customer), in the order the queue gave them. */
const byMessageGroup = (records: SQSRecord[]): SQSRecord[][] => {
  const groups = new Map<string, SQSRecord[]>();
  for (const record of records) {
    const group = record.attributes.MessageGroupId ?? record.messageId;
    const list = groups.get(group);
    if (list) list.push(record);
    else groups.set(group, [record]);
  }
  return [...groups.values()];
};

/**
 * The records of one customer, one after the other, each started only while the invocation has
 * time for it (RECORD_RESERVE_MS). A record that fails fails the customer's later records too (the
 * FIFO processor), so they come back in order. A record not started for lack of time is reported
 * failed, with the later ones; each of them has a WARN line and an Errors count.
 */
const handleCustomer = async (
  deps: ProcessorDeps,
  metrics: Metrics,
  context: Context,
  records: SQSRecord[],
): Promise<SQSBatchResponse> => {
  let notStarted: { from: number; error: RecordNotStartedError } | undefined;
  let deferred: SQSRecord | undefined;
  const response = await processPartialResponse(
    { Records: records },
    async (record: SQSRecord) => {
      const remainingMs = context.getRemainingTimeInMillis();
      if (!timeForOneMore(remainingMs)) {
        notStarted = { from: records.indexOf(record), error: new RecordNotStartedError(remainingMs) };
        throw notStarted.error;
      }
      try {
        await handleRecord(deps, metrics, record);
      } catch (error) {
        if (error instanceof SendDeferredError) deferred = record;
        throw error;
      }
    },
    new SqsFifoPartialProcessorAsync(),
    { context, throwOnFullBatchFailure: false },
  );
  if (deferred) await postpone(deps, deferred, deferralDelaySeconds(receiveCountOf(deferred)));
  if (notStarted) {
    const { from, error } = notStarted;
    // Back at once, for the next invocation, rather than after the visibility timeout.
    const first = records[from];
    if (first) await postpone(deps, first, 0);
    for (const record of records.slice(from)) {
      metrics.error(error.name);
      const id = correlationIdOf(parseBody(record.body), record.messageId);
      await withCorrelationId(deps.logger, id, async () =>
        deps.logger.warn('record not started', { error: error.name, reason: error.message }),
      );
    }
  }
  return response;
};

const receiveCountOf = (record: SQSRecord): number => Number(record.attributes.ApproximateReceiveCount) || 1;

/**
 * A failed record comes back when the handler says rather than at the queue's visibility timeout:
 * one whose send the provider deferred later, the longer the more often it came back
 * (deferralDelaySeconds); one not started for lack of time at once. Its customer's later records
 * wait behind it, in order. Without the call (it failed, or no queue to ask) it comes back at the
 * visibility timeout.
 */
const postpone = async (deps: ProcessorDeps, record: SQSRecord, seconds: number): Promise<void> => {
  if (!deps.visibility) return;
  const id = correlationIdOf(parseBody(record.body), record.messageId);
  await withCorrelationId(deps.logger, id, async () => {
    try {
      await deps.visibility?.postpone(record, seconds);
      deps.logger.info('record postponed', { seconds });
    } catch (error) {
      deps.logger.warn('record not postponed', {
        error: error instanceof Error ? error.name : String(error),
      });
    }
  });
};

/**
 * The one writer per customer: reads the FIFO customer queue (customer events and wake-ups).
 * The customers of a batch are handled at the same time, each customer's records one after the
 * other (Powertools' FIFO processor, one per customer): a failed record fails the later records
 * of its customer too, so order holds, and other customers go on. Records are started only while
 * the invocation has time for them, so a Lambda timeout does not bring back the records of other
 * customers that were done. Each record writes one INFO line (what it started, advanced, sent or
 * skipped), with its event id as correlation id; the details are at DEBUG.
 */
export const createProcessorHandler = (getDeps: () => Promise<ProcessorDeps>, metrics: Metrics = noMetrics) =>
  middy<SQSEvent, SQSBatchResponse>()
    .use(flushMetricsAfter(metrics))
    .handler(async (event: SQSEvent, context: Context) => {
      const deps = await getDeps();
      const responses = await Promise.all(
        byMessageGroup(event.Records).map((records) => handleCustomer(deps, metrics, context, records)),
      );
      return { batchItemFailures: responses.flatMap((response) => response.batchItemFailures) };
    });

const metrics = createMetrics();
export const handler = createProcessorHandler(lazyEngineDeps, metrics);
