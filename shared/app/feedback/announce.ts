import { correlationOf } from '../../domain/journey/interpreter.js';
import type { Clock, CustomerStore, DeliveryOutcome, DeliveryStatus, EventPublisher } from '../ports.js';
import { FEEDBACK_DETAIL_TYPES } from './delivery-status.js';

export const FEEDBACK_SOURCE = 'careflow';

export interface AnnounceDeps {
  clock: Clock;
  /** To copy the run's correlation fields (orderId, ...) into the event. */
  customers: Pick<CustomerStore, 'load'>;
  events: EventPublisher;
}

/**
 * Put on the bus the first time a message reaches a status journeys act on (`Email Opened`,
 * `SMS Undelivered`, ...: `FEEDBACK_DETAIL_TYPES`), with the run and its correlation fields, so a
 * journey can wait for it. A redelivered provider event announces it again with the same
 * `eventKey` (consumers drop duplicates by it). Returns the detail-type put on the bus, if any.
 */
export const announceFeedback = async (
  deps: AnnounceDeps,
  outcome: DeliveryOutcome,
  status: DeliveryStatus,
  at: string,
  extra: Record<string, unknown> = {},
): Promise<string | null> => {
  const detailType = FEEDBACK_DETAIL_TYPES[status];
  if (!detailType || !outcome.firstOfKind) return null;
  const { message } = outcome;
  const correlation = await runCorrelation(deps, message.customerId, message.instanceId);
  await deps.events.publish([
    {
      source: FEEDBACK_SOURCE,
      detailType,
      time: deps.clock.now(),
      detail: {
        ...correlation,
        customerId: message.customerId,
        messageId: message.messageId,
        journeyId: message.journeyId,
        instanceId: message.instanceId,
        stepId: message.stepId,
        template: message.template,
        channel: message.channel,
        at,
        ...extra,
        eventKey: `${message.messageId}/${status}`,
      },
    },
  ]);
  return detailType;
};

/** The run's correlation fields, so `waitForEvent` with `correlate: "orderId"` can wait for the event. */
const runCorrelation = async (
  deps: AnnounceDeps,
  customerId: string,
  instanceId: string,
): Promise<Record<string, unknown>> => {
  const state = await deps.customers.load(customerId);
  const instance = state.instances.find((i) => i.instanceId === instanceId);
  return instance ? correlationOf(instance) : {};
};
