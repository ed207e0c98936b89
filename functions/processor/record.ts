import type { SQSRecord } from 'aws-lambda';
import { correlationIdOf, type Metrics, withCorrelationId } from '../../shared/adapters/observability.js';
import type { EngineDeps } from '../../shared/app/deps.js';
import { processCustomerEvent } from '../../shared/app/process-customer-event.js';
import { processWake } from '../../shared/app/process-wake.js';
import { ValidationError } from '../../shared/domain/errors.js';
import { describeProblems, parseCustomerEvent } from '../../shared/domain/events/envelope.js';
import * as z from '../../shared/domain/zod.js';
import { RecordTally } from './record-tally.js';

const Wake = z.object({
  kind: z.literal('wake'),
  customerId: z.string().check(z.minLength(1)),
  instanceId: z.string().check(z.minLength(1)),
  version: z.int().check(z.nonnegative()),
});

/** Instance ids are `<journeyId>.<hash of the trigger event>` (see instanceIdFor). */
const journeyOf = (instanceId: string): string => instanceId.slice(0, instanceId.lastIndexOf('.'));

/** The record's body as JSON; undefined when it is not JSON (JSON never parses to undefined). */
export const parseBody = (body: string): unknown => {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
};

/**
 * One record of the customer queue, a customer event or a wake-up, under its correlation id:
 * its one INFO line says what it started, advanced, sent or skipped; a failure is logged,
 * counted and thrown, so the queue gives the record back.
 */
export const handleRecord = async (deps: EngineDeps, metrics: Metrics, record: SQSRecord): Promise<void> => {
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
