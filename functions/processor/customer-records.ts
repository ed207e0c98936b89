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
