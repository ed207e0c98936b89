import { describeProblems, parseCustomerEvent } from '../domain/events/envelope.js';
import { deduplicationIdOf, messageGroupIdOf } from '../domain/events/message-group.js';
import type { DeadLetters, Logger, OrderedQueue } from './ports.js';

/**
 * Put valid customer events on the per-customer ordered queue (group: the customer's message
 * group, the customer id itself unless SQS would refuse it; deduplication: the event id, likewise)
 * and keep the invalid ones, with the field that is wrong.
 */
export const routeEvents = async (
  deps: { queue: OrderedQueue; deadLetters: DeadLetters; logger: Logger; now: () => string },
  events: unknown[],
): Promise<{ routed: number; rejected: number }> => {
  const valid: { body: string; groupId: string; deduplicationId: string }[] = [];
  let rejected = 0;
  for (const input of events) {
    const parsed = parseCustomerEvent(input);
    if (parsed.ok) {
      const event = parsed.value;
      valid.push({
        body: JSON.stringify(event),
        groupId: messageGroupIdOf(event.detail.customerId),
        deduplicationId: deduplicationIdOf(event.id),
      });
      continue;
    }
    rejected += 1;
    const reason = describeProblems(parsed.problems);
    deps.logger.warn('invalid event kept as dead letter', { reason });
    await deps.deadLetters.keep({ reason, payload: input, receivedAt: deps.now() });
  }
  if (valid.length > 0) await deps.queue.send(valid);
  return { routed: valid.length, rejected };
};
