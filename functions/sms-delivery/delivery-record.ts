import * as zlib from 'node:zlib';
import type { SmsDeliveryReport } from '../../shared/app/record-sms-delivery.js';
import * as z from '../../shared/domain/zod.js';

/**
 * SNS SMS delivery status logs, as a CloudWatch Logs subscription hands them to Lambda:
 * `{"awslogs": {"data": base64(gzip(JSON))}}`, the JSON naming the log group and carrying a batch
 * of `logEvents`, each of whose `message` is one SNS delivery record (docs/decisions/0081):
 *
 * ```json
 * {"notification": {"messageId": "34d9b400-…", "timestamp": "2016-06-28 00:40:34.558"},
 *  "delivery": {"destination": "+1XXX5550100", "providerResponse": "Message has been accepted by phone carrier",
 *               "priceInUSD": 0.00645, "smsType": "Transactional", "dwellTimeMs": 599, …},
 *  "status": "SUCCESS"}
 * ```
 *
 * Only the fields careflow reads are required; everything else passes through unchecked.
 */

export const CloudWatchLogsEvent = z.object({
  awslogs: z.object({ data: z.string().check(z.minLength(1)) }),
});
export type CloudWatchLogsEvent = z.infer<typeof CloudWatchLogsEvent>;

export const LogEvent = z.looseObject({
  id: z.string().check(z.minLength(1)),
  timestamp: z.int().check(z.nonnegative()),
  message: z.string(),
});
export type LogEvent = z.infer<typeof LogEvent>;

export const LogsPayload = z.looseObject({
  messageType: z.enum(['DATA_MESSAGE', 'CONTROL_MESSAGE']),
  logGroup: z._default(z.string(), ''),
  logEvents: z._default(z.array(LogEvent), []),
});
export type LogsPayload = z.infer<typeof LogsPayload>;

export const SmsDeliveryRecord = z.looseObject({
  notification: z.looseObject({
    messageId: z.string().check(z.minLength(1)),
    timestamp: z.optional(z.string()),
  }),
  delivery: z.looseObject({
    destination: z.string().check(z.minLength(1)),
    providerResponse: z._default(z.string(), ''),
    priceInUSD: z.optional(z.number()),
    smsType: z.optional(z.string()),
  }),
  status: z.enum(['SUCCESS', 'FAILURE']),
});
export type SmsDeliveryRecord = z.infer<typeof SmsDeliveryRecord>;

export type PayloadParse = { ok: true; payload: LogsPayload } | { ok: false; reason: string };

const issuesOf = (error: z.core.$ZodError): string =>
  error.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.message}`).join('; ');

/** Decode and check the subscription payload (base64, gzip, JSON). */
export const parseLogsPayload = (input: unknown): PayloadParse => {
  const event = CloudWatchLogsEvent.safeParse(input);
  if (!event.success) return { ok: false, reason: `not a CloudWatch Logs event: ${issuesOf(event.error)}` };
  let json: unknown;
  try {
    json = JSON.parse(zlib.gunzipSync(Buffer.from(event.data.awslogs.data, 'base64')).toString('utf8'));
  } catch (error) {
    return { ok: false, reason: `awslogs.data is not gzipped JSON (${(error as Error).name})` };
  }
  const payload = LogsPayload.safeParse(json);
  if (!payload.success) return { ok: false, reason: `unexpected payload: ${issuesOf(payload.error)}` };
  return { ok: true, payload: payload.data };
};

export type RecordParse = { ok: true; report: SmsDeliveryReport } | { ok: false; reason: string };

/**
 * One log event as a provider-neutral report. Its time is when the log event was written (SNS
 * writes it when the carrier answers); `notification.timestamp` is when the SMS was published.
 * A reason never quotes the record: it holds a phone number.
 */
export const parseDeliveryRecord = (event: LogEvent): RecordParse => {
  let json: unknown;
  try {
    json = JSON.parse(event.message);
  } catch {
    return { ok: false, reason: 'the log event is not JSON' };
  }
  const record = SmsDeliveryRecord.safeParse(json);
  if (!record.success) {
    return {
      ok: false,
      reason: `not an SNS SMS delivery record: ${record.error.issues.map((i) => `${i.path.join('.')}: ${i.code}`).join('; ')}`,
    };
  }
  const { notification, delivery, status } = record.data;
  return {
    ok: true,
    report: {
      eventId: event.id,
      providerMessageId: notification.messageId,
      outcome: status === 'SUCCESS' ? 'delivered' : 'failed',
      at: new Date(event.timestamp).toISOString(),
      destination: delivery.destination,
      providerResponse: delivery.providerResponse,
    },
  };
};

/** The subscription payload for a batch of records, as CloudWatch Logs builds it (local stack, tests). */
export const encodeLogsPayload = (payload: {
  logGroup: string;
  logEvents: { id: string; timestamp: number; message: string }[];
  owner?: string;
  logStream?: string;
  subscriptionFilters?: string[];
}): CloudWatchLogsEvent => {
  const json = JSON.stringify({
    messageType: 'DATA_MESSAGE',
    owner: payload.owner ?? '000000000000',
    logGroup: payload.logGroup,
    logStream: payload.logStream ?? 'local',
    subscriptionFilters: payload.subscriptionFilters ?? ['careflow-sms-delivery'],
    logEvents: payload.logEvents,
  });
  return { awslogs: { data: zlib.gzipSync(json).toString('base64') } };
};
