import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { correlationIdOf, type Metrics, withCorrelationId } from '../../shared/adapters/observability.js';
import type { ProcessorDeps } from '../../shared/adapters/wiring/processor.js';
import { SendDeferredError } from '../../shared/app/errors.js';
import { deferralDelaySeconds } from './deferral.js';
import { handleRecord, parseBody } from './record.js';
import { RecordNotStartedError, timeForOneMore } from './time-budget.js';

/** The records of each message group (customer), in the order the queue gave them. */
export const byMessageGroup = (records: SQSRecord[]): SQSRecord[][] => {
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
export const handleCustomer = async (
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
  if (notStarted) {
    const { from, error } = notStarted;
    for (const record of records.slice(from)) {
      metrics.error(error.name);
      const id = correlationIdOf(parseBody(record.body), record.messageId);
      await withCorrelationId(deps.logger, id, async () =>
        deps.logger.warn('record not started', { error: error.name, reason: error.message }),
      );
    }
    // Back at once, for the next invocation, rather than after the visibility timeout.
    await comeBackIn(deps, metrics, context, records.slice(from), 0);
  } else if (deferred) {
    const failed = records.slice(records.indexOf(deferred));
    const seconds = deferralDelaySeconds(receiveCountOf(deferred));
    if (seconds !== null) await comeBackIn(deps, metrics, context, failed, seconds);
  }
  return response;
};

const receiveCountOf = (record: SQSRecord): number => Number(record.attributes.ApproximateReceiveCount) || 1;

/** Time kept for the postponement calls after the last record: two attempts at their timeout. */
const POSTPONE_RESERVE_MS = 2 * 2_000 + 1_000;

/**
 * A customer's failed records come back when the handler says rather than at the queue's
 * visibility timeout: after a deferred send later, the longer the more often the first came back
 * (deferralDelaySeconds); after records were not started for lack of time at once. The first
 * holds the customer's message group while it is hidden; the later ones are made visible, so they
 * come back with it, in order, rather than after the visibility timeout. A call that fails, or
 * no time left for the calls, leaves the records to the visibility timeout, as before.
 */
const comeBackIn = async (
  deps: ProcessorDeps,
  metrics: Metrics,
  context: Context,
  failed: SQSRecord[],
  seconds: number,
): Promise<void> => {
  const { visibility } = deps;
  const [first, ...later] = failed;
  if (!visibility || !first) return;
  const id = correlationIdOf(parseBody(first.body), first.messageId);
  await withCorrelationId(deps.logger, id, async () => {
    if (context.getRemainingTimeInMillis() < POSTPONE_RESERVE_MS) {
      deps.logger.warn('record not postponed', { error: 'NoTimeLeft' });
      return;
    }
    const calls = [
      visibility.postpone(first, seconds),
      ...later.map((record) => visibility.postpone(record, 0)),
    ];
    const failures = (await Promise.allSettled(calls)).filter((call) => call.status === 'rejected');
    if (failures.length === 0) {
      deps.logger.info('record postponed', { seconds, behind: later.length });
      return;
    }
    const reason = failures[0]?.reason;
    metrics.error('RecordNotPostponed');
    deps.logger.warn('record not postponed', {
      error: reason instanceof Error ? reason.name : String(reason),
    });
  });
};
