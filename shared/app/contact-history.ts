import type { AdminDeps } from './deps.js';
import type { MessageRecord } from './ports.js';

export interface ContactHistoryEntry {
  messageId: string;
  channel: MessageRecord['channel'];
  to: string | null;
  subject: string | null;
  journeyId: string;
  stepId: string;
  status: MessageRecord['status'];
  reason: string | null;
  sentAt: string;
  /** The provider's latest word on the message (delivered, opened, clicked, bounced, undelivered, …), if any. */
  deliveryStatus: string | null;
  deliveryAt: string | null;
  /** What the provider said with it: a bounce type, or an SMS carrier's response such as `Invalid phone number`. */
  deliveryDetail: string | null;
}

/** What careflow sent (or chose not to send) to a customer, newest first. */
export const contactHistory = async (
  deps: Pick<AdminDeps, 'messages'>,
  customerId: string,
  limit = 100,
): Promise<ContactHistoryEntry[]> => {
  const records = await deps.messages.list(customerId, limit);
  return records.map((r) => ({
    messageId: r.messageId,
    channel: r.channel,
    to: r.to,
    subject: r.subject,
    journeyId: r.journeyId,
    stepId: r.stepId,
    status: r.status,
    reason: r.reason,
    sentAt: r.sentAt,
    deliveryStatus: r.deliveryStatus ?? null,
    deliveryAt: r.deliveryAt ?? null,
    deliveryDetail: r.deliveryDetail ?? null,
  }));
};
