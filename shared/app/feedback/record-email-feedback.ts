import { recordFeedback } from '../admin/stats.js';
import type { FeedbackDeps } from '../deps.js';
import type { DeliveryOutcome, DeliveryStatus } from '../ports.js';
import { announceFeedback } from './announce.js';
import { deliveryRank } from './delivery-status.js';

/** One provider event about one email, already parsed from the provider's format. */
export interface EmailFeedback {
  /** Id of the provider event; the same on every redelivery of it. */
  eventId: string;
  status: DeliveryStatus;
  /** When it happened, as the provider reports it. */
  at: string;
  /** The provider's message id. */
  providerMessageId: string;
  /** careflow's message id (the `messageId` tag); null for mail careflow did not send. */
  messageId: string | null;
  /** Candidates for the customer id (the `customerId` tag, decoded and as sent), best first. */
  customerIds: readonly string[];
  /** The addresses that bounced or complained; empty for other events. */
  recipients: readonly string[];
  /** A hard bounce: the address will never accept mail. */
  permanentBounce: boolean;
  /** A short, address-free description (bounce type, complaint type, rejection reason). */
  detail: string | null;
}

export type SuppressionReason = 'bounce' | 'complaint';

export interface FeedbackResult {
  /** Addresses put on the suppression list. */
  suppressed: number;
  /** What happened to the contact history entry. */
  message: 'updated' | 'not-found' | 'untagged';
  /** The delivery status the message has now (the highest rank seen), when it was found. */
  status: DeliveryStatus | null;
  /** The detail-type put on the bus, if any. */
  emitted: string | null;
}

/** Hard bounces and complaints stop every later email to the address; soft bounces do not. */
export const suppressionReason = (feedback: EmailFeedback): SuppressionReason | null => {
  if (feedback.status === 'complained') return 'complaint';
  if (feedback.status === 'bounced' && feedback.permanentBounce) return 'bounce';
  return null;
};

/**
 * Record what the email provider reported about a message: suppress addresses that bounced hard
 * or complained, move the message's delivery status up (never down), and announce the first
 * open, click, bounce or complaint of the message on the bus for journeys to branch on.
 *
 * Every step is idempotent, so a redelivered provider event changes nothing and announces the
 * same event again with the same `eventKey` (consumers drop duplicates by it). An event for a
 * message careflow does not know (not tagged, expired, erased) still suppresses.
 */
export const recordEmailFeedback = async (
  deps: FeedbackDeps,
  feedback: EmailFeedback,
): Promise<FeedbackResult> => {
  const suppressed = await suppress(deps, feedback);
  if (!feedback.messageId || feedback.customerIds.length === 0) {
    deps.logger.warn('provider event for an email careflow cannot map to a message', {
      providerMessageId: feedback.providerMessageId,
      status: feedback.status,
      missing: feedback.messageId ? 'customerId tag' : 'messageId tag',
    });
    return { suppressed, message: 'untagged', status: null, emitted: null };
  }
  const found = await findAndUpdate(deps, feedback, feedback.messageId);
  if (!found) {
    deps.logger.info('provider event for a message that is not in the contact history', {
      messageId: feedback.messageId,
      status: feedback.status,
    });
    return { suppressed, message: 'not-found', status: null, emitted: null };
  }
  await recordFeedback(deps, found, feedback.status);
  const bounce = feedback.status === 'bounced' ? { permanent: feedback.permanentBounce } : {};
  const emitted = await announceFeedback(deps, found, feedback.status, feedback.at, bounce);
  return { suppressed, message: 'updated', status: found.status, emitted };
};

const suppress = async (deps: FeedbackDeps, feedback: EmailFeedback): Promise<number> => {
  const reason = suppressionReason(feedback);
  if (!reason) return 0;
  const addresses = [...new Set(feedback.recipients)];
  for (const address of addresses) {
    await deps.suppressions.suppress({ channel: 'email', address, reason, at: feedback.at });
  }
  deps.logger.info('addresses suppressed', {
    reason,
    count: addresses.length,
    messageId: feedback.messageId,
  });
  return addresses.length;
};

const findAndUpdate = async (
  deps: FeedbackDeps,
  feedback: EmailFeedback,
  messageId: string,
): Promise<DeliveryOutcome | undefined> => {
  const update = {
    status: feedback.status,
    rank: deliveryRank(feedback.status),
    at: feedback.at,
    eventId: feedback.eventId,
    detail: feedback.detail,
    providerMessageId: feedback.providerMessageId,
  };
  for (const customerId of new Set(feedback.customerIds)) {
    const outcome = await deps.deliveries.recordDelivery(customerId, messageId, update);
    if (outcome) return outcome;
  }
  return undefined;
};
