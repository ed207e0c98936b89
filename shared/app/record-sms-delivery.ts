import { recordFeedback } from './admin/stats.js';
import { type AnnounceDeps, announceFeedback } from './feedback/announce.js';
import { deliveryRank } from './feedback/delivery-status.js';
import { OPTED_OUT_REASON } from './feedback/sms-opt-out.js';
import type {
  DeliveryStatus,
  JourneyStats,
  Logger,
  MessageDeliveryLog,
  MessageLookup,
  SuppressionList,
} from './ports.js';

/** What the SMS provider reported about one SMS, already parsed from its format (SNS delivery logs). */
export interface SmsDeliveryReport {
  /** Id of the report; the same on every redelivery of it (CloudWatch Logs' event id). */
  eventId: string;
  /** The provider's message id: the `MessageId` SNS `Publish` returned. */
  providerMessageId: string;
  outcome: 'delivered' | 'failed';
  /** When the provider reported it. */
  at: string;
  /** The phone number it went to (E.164); only to suppress it, never logged. */
  destination: string;
  /** The carrier's or provider's response, e.g. `Phone is currently unreachable/unavailable`. */
  providerResponse: string;
}

/** What careflow does about a failed SMS, by the provider's response. */
export type SmsFailureKind = 'invalid-number' | 'opted-out' | 'temporary';

/** The reason a number is suppressed after a report that it can never take an SMS. */
export const INVALID_NUMBER_REASON = 'invalid-number';

/**
 * Responses that say the number itself can never take an SMS: not a phone number, not assigned,
 * no longer in service, a landline. Everything else (unreachable now, carrier blocked, price,
 * unknown error) may pass next time, like a soft bounce.
 */
const INVALID_NUMBER_RESPONSES = [
  /invalid (phone|destination|number)/i,
  /(phone )?number (is )?(invalid|not valid)/i,
  /not a (valid )?(mobile|phone) number/i,
  /unallocated|unassigned|does not exist|no longer (active|in service)|deactivated/i,
  /landline|not sms[- ]capable/i,
];
const OPTED_OUT_RESPONSES = [/opted[ -]?out/i];

export const smsFailureKind = (providerResponse: string): SmsFailureKind => {
  if (OPTED_OUT_RESPONSES.some((pattern) => pattern.test(providerResponse))) return 'opted-out';
  if (INVALID_NUMBER_RESPONSES.some((pattern) => pattern.test(providerResponse))) return 'invalid-number';
  return 'temporary';
};

const SUPPRESSION_REASONS: Readonly<Record<SmsFailureKind, string | null>> = {
  'invalid-number': INVALID_NUMBER_REASON,
  'opted-out': OPTED_OUT_REASON,
  temporary: null,
};

/** The longest provider response kept as the message's delivery detail. */
const MAX_DETAIL = 200;

export interface SmsDeliveryDeps extends AnnounceDeps {
  logger: Logger;
  deliveries: MessageDeliveryLog & MessageLookup;
  suppressions: SuppressionList;
  /** The journeys' figures: delivered and undelivered. */
  stats?: JourneyStats;
}

export interface SmsDeliveryResult {
  /** What happened to the contact history entry. */
  message: 'updated' | 'not-found';
  /** The delivery status the message has now (the highest rank seen), when it was found. */
  status: DeliveryStatus | null;
  /** The reason the number was suppressed for, if it was. */
  suppressed: string | null;
  /** The detail-type put on the bus (`SMS Undelivered`), if any. */
  emitted: string | null;
}

/**
 * Record what SNS reported about an SMS: `delivered` or `undelivered` (with the provider's response
 * as the detail) on the message in the contact history, never moving its status down; and a number
 * that can never take an SMS (invalid, or opted out at the carrier) suppressed, as a hard bounce
 * suppresses an address. The message is found by the id `Publish` returned; a report about an SMS
 * careflow did not send (another application of the account, an expired or erased message) still
 * suppresses. Every step is idempotent, so a redelivered report changes nothing.
 */
export const recordSmsDelivery = async (
  deps: SmsDeliveryDeps,
  report: SmsDeliveryReport,
): Promise<SmsDeliveryResult> => {
  const suppressed = await suppress(deps, report);
  const key = await deps.deliveries.findByProviderMessageId(report.providerMessageId);
  const status: DeliveryStatus = report.outcome === 'delivered' ? 'delivered' : 'undelivered';
  const outcome =
    key &&
    (await deps.deliveries.recordDelivery(key.customerId, key.messageId, {
      status,
      rank: deliveryRank(status),
      at: report.at,
      eventId: report.eventId,
      detail: report.outcome === 'failed' ? report.providerResponse.slice(0, MAX_DETAIL) : null,
      providerMessageId: report.providerMessageId,
    }));
  if (!outcome) {
    deps.logger.info('SMS delivery report for a message that is not in the contact history', {
      providerMessageId: report.providerMessageId,
      outcome: report.outcome,
    });
    return { message: 'not-found', status: null, suppressed, emitted: null };
  }
  await recordFeedback(deps, outcome, status);
  const failure = report.outcome === 'failed' ? { failure: smsFailureKind(report.providerResponse) } : {};
  const emitted = await announceFeedback(deps, outcome, status, report.at, failure);
  return { message: 'updated', status: outcome.status, suppressed, emitted };
};

const suppress = async (deps: SmsDeliveryDeps, report: SmsDeliveryReport): Promise<string | null> => {
  if (report.outcome !== 'failed') return null;
  const reason = SUPPRESSION_REASONS[smsFailureKind(report.providerResponse)];
  if (!reason) return null;
  await deps.suppressions.suppress({ channel: 'sms', address: report.destination, reason, at: report.at });
  deps.logger.info('phone number suppressed', { reason, providerMessageId: report.providerMessageId });
  return reason;
};
