import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { z } from 'zod';
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

const handleRecord = async (deps: EngineDeps, record: SQSRecord): Promise<void> => {
  const body: unknown = JSON.parse(record.body);
  const wake = Wake.safeParse(body);
  if (wake.success) {
    const result = await processWake(deps, wake.data);
    deps.logger.info('wake processed', { result, instanceId: wake.data.instanceId });
    return;
  }
  const parsed = parseCustomerEvent(body);
  if (!parsed.ok) {
    // Routed events were validated already; anything else is poison: let it go to the DLQ.
    throw new ValidationError(`invalid queue message: ${describeProblems(parsed.problems)}`, parsed.problems);
  }
  const result = await processCustomerEvent(deps, parsed.value);
  deps.logger.info('event processed', {
    eventId: parsed.value.id,
    detailType: parsed.value['detail-type'],
    started: result.started.length,
    advanced: result.advanced.length,
    skipped: result.skipped.length,
  });
};

/**
 * The one writer per customer: reads the FIFO customer queue (customer events and wake-ups).
 * A failed record fails the later records of its customer too, so order holds; other
 * customers in the batch go on.
 */
export const createProcessorHandler = (getDeps: () => Promise<EngineDeps>) => {
  const processor = new SqsFifoPartialProcessorAsync();
  return middy<SQSEvent, SQSBatchResponse>().handler(async (event: SQSEvent, context: Context) => {
    const deps = await getDeps();
    return processPartialResponse(event, (record: SQSRecord) => handleRecord(deps, record), processor, {
      context,
      skipGroupOnError: true,
      throwOnFullBatchFailure: false,
    });
  });
};

export const handler = createProcessorHandler(lazyEngineDeps);
