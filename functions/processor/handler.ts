import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import {
  createMetrics,
  flushMetricsAfter,
  type Metrics,
  noMetrics,
} from '../../shared/adapters/observability.js';
import { lazyEngineDeps, type ProcessorDeps } from '../../shared/adapters/wiring/processor.js';
import { byMessageGroup, handleCustomer } from './customer-records.js';

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
