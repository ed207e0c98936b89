import { createHash } from 'node:crypto';
import {
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  SchedulerClient,
} from '@aws-sdk/client-scheduler';
import type { SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { LocalFifoQueue } from '../../infra/local/fifo-queue.js';
import { EventBridgeWakeScheduler } from '../../shared/adapters/scheduler/eventbridge-wake-scheduler.js';
import type { DeadLetters, OrderedQueue, Wake } from '../../shared/app/ports.js';
import { routeEvents } from '../../shared/app/route-events.js';
import { messageGroupIdOf } from '../../shared/domain/events/message-group.js';
import { silentLogger } from '../support/fakes.js';

const NOW = '2026-11-03T09:00:00.000Z';
const clock = { now: () => NOW };
const scheduler = mockClient(SchedulerClient);

const busEvent = (id: string, detailType: string, customerId: string) => ({
  version: '0',
  id,
  'detail-type': detailType,
  source: 'shop',
  account: '123456789012',
  time: NOW,
  region: 'eu-central-1',
  resources: [],
  detail: { customerId },
});

/**
 * The router writing to the local FIFO queue (which refuses group ids as SQS does), wake-ups
 * scheduled through the EventBridge Scheduler adapter and fired into the same queue as Scheduler
 * would (its target's group, content-based deduplication), and a processor that records what it
 * handles and how many messages of one group it has in hand at once.
 */
const pipeline = () => {
  const queue = new LocalFifoQueue('arn:aws:sqs:us-east-1:123456789012:careflow-customers.fifo', clock);
  const handled: { group: string; what: string }[] = [];
  const inHand = new Map<string, number>();
  let mostAtOnce = 0;
  queue.setConsumer(async (event: SQSEvent) => {
    for (const record of event.Records) {
      const group = record.attributes.MessageGroupId ?? '';
      inHand.set(group, (inHand.get(group) ?? 0) + 1);
      mostAtOnce = Math.max(mostAtOnce, inHand.get(group) ?? 0);
      await new Promise((resolve) => setTimeout(resolve, 1));
      const body = JSON.parse(record.body) as { kind?: string; instanceId?: string; 'detail-type'?: string };
      handled.push({
        group,
        what: body.kind === 'wake' ? `wake ${body.instanceId}` : `${body['detail-type']}`,
      });
      inHand.set(group, (inHand.get(group) ?? 1) - 1);
    }
    return { batchItemFailures: [] };
  });
  const ordered: OrderedQueue = { send: async (messages) => void queue.send(messages) };
  const kept: unknown[] = [];
  const deadLetters: DeadLetters = { keep: async (entry) => void kept.push(entry) };
  const schedules: CreateScheduleCommandInput[] = [];
  scheduler.on(CreateScheduleCommand).callsFake((input: CreateScheduleCommandInput) => {
    schedules.push(input);
    return { ScheduleArn: `arn:schedule/${input.Name}` };
  });
  const wakes = new EventBridgeWakeScheduler(new SchedulerClient({ region: 'us-east-1' }), {
    groupName: 'careflow-wakes',
    queueArn: queue.arn,
    roleArn: 'arn:aws:iam::123456789012:role/careflow-scheduler',
    clock,
  });
  /** What EventBridge Scheduler does when a schedule is due. */
  const fire = (name: string) => {
    const target = schedules.find((s) => s.Name === name)?.Target;
    const body = target?.Input ?? '';
    queue.send([
      {
        body,
        groupId: target?.SqsParameters?.MessageGroupId ?? '',
        deduplicationId: createHash('sha256').update(body).digest('hex'),
      },
    ]);
  };
  const route = (events: unknown[]) =>
    routeEvents({ queue: ordered, deadLetters, logger: silentLogger, now: clock.now }, events);
  return { queue, route, wakes, fire, handled, kept, mostAtOnce: () => mostAtOnce };
};

beforeEach(() => {
  scheduler.reset();
});

describe('routing events of customers whose ids SQS would refuse as group ids', () => {
  it.each([['müller'], ['c 1']])(
    'puts the events of %j on the queue, in one group with its wake-ups, one at a time and in order',
    async (customerId) => {
      const { queue, route, wakes, fire, handled, kept, mostAtOnce } = pipeline();
      const wake: Wake = { kind: 'wake', customerId, instanceId: 'inst-1', version: 1 };

      const first = await route([
        busEvent('5b0e7a52-0d4c-4d0e-9a57-1f2a3b4c5d6e', 'Cart Abandoned', customerId),
        busEvent('6c1f8b63-1e5d-4e1f-8b68-2a3b4c5d6e7f', 'Cart Abandoned', 'c-2'),
      ]);
      await wakes.schedule({ name: 'wake-inst-1-1', at: '2026-11-04T09:00:00.000Z', wake });
      fire('wake-inst-1-1');
      const second = await route([
        busEvent('7d2a9c74-2f6e-4f2a-9c79-3b4c5d6e7f80', 'Page Viewed', customerId),
      ]);
      await queue.idle();

      expect(first).toEqual({ routed: 2, rejected: 0 });
      expect(second).toEqual({ routed: 1, rejected: 0 });
      expect(kept).toEqual([]);
      const group = messageGroupIdOf(customerId);
      expect(group).not.toBe(customerId);
      expect(handled.filter((h) => h.group === group).map((h) => h.what)).toEqual([
        'Cart Abandoned',
        'wake inst-1',
        'Page Viewed',
      ]);
      expect(handled.filter((h) => h.group === 'c-2').map((h) => h.what)).toEqual(['Cart Abandoned']);
      expect(mostAtOnce()).toBe(1);
      expect(queue.deadLetters).toEqual([]);
    },
  );

  it('keeps the customer id as the group when SQS accepts it, so queued messages keep their group', async () => {
    const { queue, route, handled } = pipeline();

    await route([busEvent('5b0e7a52-0d4c-4d0e-9a57-1f2a3b4c5d6e', 'Cart Abandoned', 'cust-42')]);
    await queue.idle();

    expect(handled).toEqual([{ group: 'cust-42', what: 'Cart Abandoned' }]);
  });

  it('enqueues an event whose id SQS would refuse as deduplication id once, however often it comes', async () => {
    const { queue, route, handled } = pipeline();
    const event = busEvent('replayed event 1', 'Cart Abandoned', 'cust-42');

    await route([event]);
    await route([event]);
    await queue.idle();

    expect(handled).toEqual([{ group: 'cust-42', what: 'Cart Abandoned' }]);
  });
});
