import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { CreateScheduleCommand } from '@aws-sdk/client-scheduler';
import { describe, expect, it } from 'vitest';
import { type DynamoCall, isInstanceItem } from './support/dynamodb-faults.js';
import { eventBridge, HOUR, scheduler, useFaultWorld } from './support/harness.js';

const { world } = useFaultWorld();

const isWrite = (call: DynamoCall) =>
  ['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem'].includes(call.operation);

describe('fault injection: DynamoDB', () => {
  it('(f) a concurrent writer saves the instance first: the record fails, and its retry sends nothing twice', async () => {
    const w = await world();
    await w.signUp();
    await w.deliver(w.event('Order Completed', { orderId: 'o-1', total: 42, currency: 'EUR' }));
    const [wake] = w.wakes();
    w.clock.advance(24 * HOUR);
    // Between this run's send and its save, another Lambda runs the same wake (a redelivery after
    // a visibility timeout) to the end: it finds the message claimed and saves the instance first.
    let concurrent: string[] | undefined;
    w.faults.on(
      (call) => call.operation === 'PutItem' && isInstanceItem(call),
      async () => {
        concurrent = await w.deliver(wake);
      },
    );

    const failed = await w.deliver(wake);

    expect(concurrent).toEqual([]);
    // This run's save met the version condition (a real ConditionalCheckFailedException from DynamoDB):
    // the order's save, the other run's save, then this one's, refused.
    expect(failed).toHaveLength(1);
    expect(w.faults.count('PutItem', isInstanceItem)).toBe(3);
    expect(await w.deliver(wake)).toEqual([]);

    expect(w.emailsRequested()).toHaveLength(1);
    expect(await w.history()).toEqual([
      expect.objectContaining({ journeyId: 'survey-invite', stepId: 'invite', status: 'sent' }),
    ]);
    expect(await w.instances()).toEqual([expect.objectContaining({ status: 'completed' })]);
  });

  it('(f) the concurrent writer is a duplicate of the triggering event: one email, one instance', async () => {
    const w = await world();
    await w.signUp();
    const delivered = w.event('Parcel Delivered', { parcelId: 'p-1' });
    let concurrent: string[] | undefined;
    w.faults.on(
      (call) => call.operation === 'PutItem' && isInstanceItem(call),
      async () => {
        concurrent = await w.deliver(delivered);
      },
    );

    expect(await w.deliver(delivered)).toHaveLength(1);
    expect(concurrent).toEqual([]);
    expect(await w.deliver(delivered)).toEqual([]);

    expect(w.emailsRequested()).toHaveLength(1);
    expect((await w.history()).map((m) => m.status)).toEqual(['sent']);
    expect(await w.instances()).toHaveLength(1);
  });

  it('(g) DynamoDB throttles the load: the records fail, are reported for retry, and change nothing', async () => {
    const w = await world();
    await w.signUp();
    const first = w.event('Parcel Delivered', { parcelId: 'p-1' });
    const second = w.event('Parcel Delivered', { parcelId: 'p-2' });
    const before = w.faults.calls.length;
    w.faults.on(
      (call) => call.operation === 'Query' && call.pk === `C#${w.customerId}`,
      () => {
        throw new ProvisionedThroughputExceededException({
          message: 'The level of configured provisioned throughput for the table was exceeded.',
          $metadata: { httpStatusCode: 400 },
        });
      },
      Number.POSITIVE_INFINITY,
    );

    const failed = await w.deliver(first, second);

    // The first record failed after the SDK's own retries; the second, of the same customer, is
    // reported too, so the queue keeps their order.
    expect(failed).toHaveLength(2);
    const during = w.faults.calls.slice(before);
    expect(during.filter((c) => c.operation === 'Query')).toHaveLength(3);
    expect(during.filter(isWrite)).toEqual([]);
    expect(w.emailsRequested()).toHaveLength(0);
    expect(scheduler.commandCalls(CreateScheduleCommand)).toHaveLength(0);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
    expect(await w.history()).toEqual([]);

    w.faults.clear();
    expect(await w.deliver(first, second)).toEqual([]);

    expect(w.emailsRequested()).toHaveLength(2);
    expect((await w.history()).map((m) => m.status)).toEqual(['sent', 'sent']);
  });
});
