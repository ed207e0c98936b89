import type { DeliveryStatus } from '../ports.js';

/**
 * The order in which a message's delivery status may move. A provider event of a lower or equal
 * rank never replaces a higher one: events arrive out of order (an open after a click, a
 * delivery after an open), and an open must not hide a click.
 *
 * - Engagement climbs: delivered < opened < clicked.
 * - A message that was refused or bounced did not arrive: that outcome outranks engagement
 *   (a late, asynchronous bounce after a delivery report wins), and the two exclude each other.
 *   An SMS the carrier did not deliver (`undelivered`) ranks with them.
 * - A complaint outranks everything: it is the strongest signal and can follow an open.
 */
export const DELIVERY_RANK: Readonly<Record<DeliveryStatus, number>> = {
  delivered: 1,
  opened: 2,
  clicked: 3,
  rejected: 4,
  bounced: 4,
  undelivered: 4,
  complained: 5,
};

export const deliveryRank = (status: DeliveryStatus): number => DELIVERY_RANK[status];

/** The status a message ends with, whatever order its events arrive in. */
export const strongestStatus = (statuses: readonly DeliveryStatus[]): DeliveryStatus | null =>
  statuses.reduce<DeliveryStatus | null>(
    (best, status) => (best === null || deliveryRank(status) > deliveryRank(best) ? status : best),
    null,
  );

/**
 * The careflow events put on the bus when a message reaches a status for the first time, so
 * journeys can wait for them and branch on them (an SMS that did not arrive: send the email
 * instead). Deliveries are not announced (one event per message, and journeys have not needed
 * them); a rejection is an SES-side refusal with no customer action behind it.
 */
export const FEEDBACK_DETAIL_TYPES: Readonly<Partial<Record<DeliveryStatus, string>>> = {
  opened: 'Email Opened',
  clicked: 'Email Clicked',
  bounced: 'Email Bounced',
  complained: 'Email Complaint Received',
  undelivered: 'SMS Undelivered',
};
