import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod';
import {
  correlationIdOf,
  createMetrics,
  flushMetricsAfter,
  type Metrics,
  noMetrics,
  withCorrelationId,
} from '../../shared/adapters/observability.js';
import { once } from '../../shared/adapters/wiring/common.js';
import { lazyEngineDeps } from '../../shared/adapters/wiring/processor.js';
import type { EngineDeps } from '../../shared/app/deps.js';
import { processCustomerEvent } from '../../shared/app/process-customer-event.js';
import { processWake } from '../../shared/app/process-wake.js';
import { ValidationError } from '../../shared/domain/errors.js';
import { describeProblems, parseCustomerEvent } from '../../shared/domain/events/envelope.js';

const Wake = z.object({
  kind: z.literal('wake'),
  customerId: z.string().min(1),
  instanceId: z.string().min(1),
  version: z.number().int().nonnegative(),
});

const handleRecord = async (deps: EngineDeps, metrics: Metrics, record: SQSRecord): Promise<void> => {
  const body: unknown = JSON.parse(record.body);
  await withCorrelationId(deps.logger, correlationIdOf(body, record.messageId), async () => {
    try {
      await processBody(deps, metrics, body);
    } catch (error) {
      metrics.error(error instanceof Error ? error.name : 'Error');
      throw error;
    }
  });
};

const processBody = async (deps: EngineDeps, metrics: Metrics, body: unknown): Promise<void> => {
  const wake = Wake.safeParse(body);
  if (wake.success) {
    const result = await processWake(deps, wake.data);
    metrics.wakeProcessed();
    deps.logger.info('wake processed', { result, instanceId: wake.data.instanceId });
    return;
  }
  const parsed = parseCustomerEvent(body);
  if (!parsed.ok) {
    // Routed events were validated already; anything else is poison: let it go to the DLQ.
    throw new ValidationError(`invalid queue message: ${describeProblems(parsed.problems)}`, parsed.problems);
  }
  const result = await processCustomerEvent(deps, parsed.value);
  metrics.eventProcessed();
  for (const skip of result.skipped) metrics.skipped(skip.reason);
  deps.logger.info('event processed', {
    detailType: parsed.value['detail-type'],
    started: result.started.length,
    advanced: result.advanced.length,
    skipped: result.skipped.length,
  });
};

/**
 * The one writer per customer: reads the FIFO customer queue (customer events and wake-ups).
 * A failed record fails the later records of its customer too, so order holds; other
 * customers in the batch go on. Each record's log lines carry its event id as correlation id.
 */
export const createProcessorHandler = (getDeps: () => Promise<EngineDeps>, metrics: Metrics = noMetrics) => {
  const processor = new SqsFifoPartialProcessorAsync();
  return middy<SQSEvent, SQSBatchResponse>()
    .use(flushMetricsAfter(metrics))
    .handler(async (event: SQSEvent, context: Context) => {
      const deps = await getDeps();
      return processPartialResponse(
        event,
        (record: SQSRecord) => handleRecord(deps, metrics, record),
        processor,
        {
          context,
          skipGroupOnError: true,
          throwOnFullBatchFailure: false,
        },
      );
    });
};

const metrics = createMetrics();
/** The use cases report sends and skips to the same metrics the handler flushes. */
const deps = once(async () => ({ ...(await lazyEngineDeps()), metrics }));
export const handler = createProcessorHandler(deps, metrics);
