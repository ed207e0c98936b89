import { encodeLogsPayload } from '../../functions/sms-delivery/delivery-record.js';
import * as z from '../../shared/domain/zod.js';
import type { LocalSms } from './sms-outbox.js';

/**
 * SNS's SMS delivery status logs, for the local stack. SNS writes one record per SMS to
 * `sns/<region>/<account>/DirectPublishToPhoneNumber` (or `…/Failure`), and the stack's
 * subscription filters hand them to the sms-delivery function as a CloudWatch Logs payload.
 * `POST /_local/sms/delivery` builds that record about an SMS of the outbox and the payload around
 * it, and runs the same handler.
 */

/** The body of `POST /_local/sms/delivery`. */
export const LocalSmsDeliveryRequest = z.object({
  /** The outbox message id: the `MessageId` SNS `Publish` returned. */
  messageId: z.string().check(z.minLength(1, 'is required')),
  status: z._default(z.enum(['SUCCESS', 'FAILURE']), 'SUCCESS'),
  /** The carrier's response; defaults to what SNS reports for each status. */
  providerResponse: z.optional(z.string().check(z.minLength(1))),
});
export type LocalSmsDeliveryRequest = z.infer<typeof LocalSmsDeliveryRequest>;

const DEFAULT_RESPONSES = {
  SUCCESS: 'Message has been accepted by phone carrier',
  FAILURE: 'Unknown error attempting to reach phone',
} as const;

/** `2016-06-28 00:40:34.558`: SNS's UTC timestamp format in delivery records. */
const snsTimestamp = (iso: string): string => iso.replace('T', ' ').replace('Z', '');

/** The record SNS writes about `sms`, and the subscription payload that carries it. */
export const smsDeliveryPayload = (
  sms: LocalSms,
  request: LocalSmsDeliveryRequest,
  context: { id: string; now: string; account: string; region: string },
) => {
  const record = {
    notification: { messageId: sms.messageId, timestamp: snsTimestamp(sms.publishedAt) },
    delivery: {
      phoneCarrier: 'Local Carrier',
      mnc: 0,
      numberOfMessageParts: 1,
      destination: sms.phoneNumber,
      priceInUSD: 0.00645,
      smsType: sms.smsType ?? 'Transactional',
      mcc: 0,
      providerResponse: request.providerResponse ?? DEFAULT_RESPONSES[request.status],
      dwellTimeMs: Math.max(0, Date.parse(context.now) - Date.parse(sms.publishedAt)),
    },
    status: request.status,
  };
  const base = `sns/${context.region}/${context.account}/DirectPublishToPhoneNumber`;
  return {
    record,
    event: encodeLogsPayload({
      logGroup: request.status === 'SUCCESS' ? base : `${base}/Failure`,
      owner: context.account,
      logEvents: [{ id: context.id, timestamp: Date.parse(context.now), message: JSON.stringify(record) }],
    }),
  };
};
