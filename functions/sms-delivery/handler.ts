import middy from '@middy/core';
import { withCorrelationId } from '../../shared/adapters/observability.js';
import { lazySmsDeliveryDeps } from '../../shared/adapters/wiring/sms-delivery.js';
import type { SmsDeliveryDeps, SmsDeliveryResult } from '../../shared/app/record-sms-delivery.js';
import { recordSmsDelivery } from '../../shared/app/record-sms-delivery.js';
import { parseDeliveryRecord, parseLogsPayload } from './delivery-record.js';

export interface SmsDeliveryOutcome {
  /** Log events recorded on a message. */
  recorded: number;
  /** Reports about SMS that are not in the contact history (another sender of the account, expired). */
  notFound: number;
  /** Log events that are not SNS delivery records; logged with the reason and dropped. */
  invalid: number;
  /** Phone numbers suppressed. */
  suppressed: number;
}

/**
 * SNS SMS delivery status logs, from the CloudWatch Logs subscriptions on
 * `sns/<region>/<account>/DirectPublishToPhoneNumber[/Failure]`: each record sets `delivered` or
 * `undelivered` on the message and may suppress the number. A payload or record that does not parse
 * is logged (without its content: it holds a phone number) and dropped, since a retry cannot fix it;
 * a failure to record is thrown, so Lambda retries the batch (every step is idempotent), twice,
 * then keeps it in the SMS delivery DLQ for `npm run redrive -- --queue sms`.
 */
export const createSmsDeliveryHandler = (getDeps: () => Promise<SmsDeliveryDeps>) =>
  middy<unknown, SmsDeliveryOutcome>().handler(async (event) => {
    const deps = await getDeps();
    const outcome: SmsDeliveryOutcome = { recorded: 0, notFound: 0, invalid: 0, suppressed: 0 };
    const parsed = parseLogsPayload(event);
    if (!parsed.ok) {
      deps.logger.warn('SMS delivery payload dropped', { reason: parsed.reason });
      return { ...outcome, invalid: 1 };
    }
    if (parsed.payload.messageType === 'CONTROL_MESSAGE') return outcome;
    for (const logEvent of parsed.payload.logEvents) {
      // The correlation id is the log event's id, the same on every retry of the batch.
      await withCorrelationId(deps.logger, logEvent.id, async () => {
        const record = parseDeliveryRecord(logEvent);
        if (!record.ok) {
          deps.logger.warn('SMS delivery record dropped', { reason: record.reason });
          outcome.invalid += 1;
          return;
        }
        const result: SmsDeliveryResult = await recordSmsDelivery(deps, record.report);
        if (result.message === 'updated') outcome.recorded += 1;
        else outcome.notFound += 1;
        if (result.suppressed) outcome.suppressed += 1;
      });
    }
    deps.logger.info('SMS delivery records', { logGroup: parsed.payload.logGroup, ...outcome });
    return outcome;
  });

export const handler = createSmsDeliveryHandler(lazySmsDeliveryDeps);
