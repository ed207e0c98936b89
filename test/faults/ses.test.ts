import {
  InternalServiceErrorException,
  SendEmailCommand,
  TooManyRequestsException,
} from '@aws-sdk/client-sesv2';
import { describe, expect, it } from 'vitest';
import { isInstanceItem, isMessageItem } from './support/dynamodb-faults.js';
import { HOUR, ses, useFaultWorld } from './support/harness.js';

const { world } = useFaultWorld();

const throttled = () =>
  new TooManyRequestsException({
    message: 'Maximum sending rate exceeded.',
    $metadata: { httpStatusCode: 429 },
  });

describe('fault injection: SES', () => {
  it('(c) SES accepts the email, then the Lambda dies before the log update: the retry does not send again', async () => {
    const w = await world();
    await w.signUp();
    const delivered = w.event('Parcel Delivered', { parcelId: 'p-1' });
    // The moment SES has accepted the email, the function "times out": nothing after it happens.
    ses.on(SendEmailCommand).callsFake(async () => {
      w.faults.failEverything(() =>
        Object.assign(new Error('Task timed out after 30.00 seconds'), { name: 'TimeoutError' }),
      );
      return { MessageId: 'ses-accepted' };
    });

    expect(await w.deliver(delivered)).toHaveLength(1);
    expect(w.faults.count('UpdateItem', isMessageItem)).toBeGreaterThan(0);

    w.faults.clear();
    expect(await w.deliver(delivered)).toEqual([]);

    expect(w.emailsRequested()).toHaveLength(1);
    // The outcome was never recorded: the entry stays as claimed, and is never sent again.
    expect(await w.history()).toEqual([expect.objectContaining({ stepId: 'thanks', status: 'sending' })]);
    expect(await w.instances()).toEqual([
      expect.objectContaining({ journeyId: 'parcel-thanks', status: 'completed' }),
    ]);
  });

  it('(c) the same for a wake: the invitation SES accepted is not sent again when the wake is retried', async () => {
    const w = await world();
    await w.signUp();
    await w.deliver(w.event('Order Completed', { orderId: 'o-1', total: 42, currency: 'EUR' }));
    const [wake] = w.wakes();
    w.clock.advance(24 * HOUR);
    w.faults.on(
      isMessageItem,
      (call) => {
        if (call.operation === 'UpdateItem')
          throw Object.assign(new Error('Task timed out'), { name: 'TimeoutError' });
      },
      Number.POSITIVE_INFINITY,
    );

    expect(await w.deliver(wake)).toHaveLength(1);
    w.faults.clear();
    expect(await w.deliver(wake)).toEqual([]);

    expect(w.emailsRequested()).toHaveLength(1);
    expect((await w.history()).map((m) => m.status)).toEqual(['sending']);
  });

  it('(d) SES throttling: the claim is released, the event is retried later, and the email goes out once', async () => {
    const w = await world();
    await w.signUp();
    const delivered = w.event('Parcel Delivered', { parcelId: 'p-1' });
    ses.on(SendEmailCommand).rejects(throttled());

    // The adapter retries twice in process, then hands the message back to the queue.
    expect(await w.deliver(delivered)).toHaveLength(1);
    expect(w.emailsRequested()).toHaveLength(3);
    expect(await w.emailsAccepted()).toBe(0);
    expect(await w.history()).toEqual([]);
    expect(await w.instances()).toEqual([]);

    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-later' });
    w.clock.advance(60_000);
    expect(await w.deliver(delivered)).toEqual([]);

    expect(w.emailsRequested()).toHaveLength(4);
    expect(await w.emailsAccepted()).toBe(1);
    expect(await w.history()).toEqual([expect.objectContaining({ stepId: 'thanks', status: 'sent' })]);
  });

  it('(d) a throttled email is not sent a second time by a later redelivery', async () => {
    const w = await world();
    await w.signUp();
    const delivered = w.event('Parcel Delivered', { parcelId: 'p-1' });
    ses
      .on(SendEmailCommand)
      .rejectsOnce(throttled())
      .rejectsOnce(throttled())
      .rejectsOnce(throttled())
      .resolves({ MessageId: 'ses-ok' });

    await w.deliver(delivered);
    await w.deliver(delivered);
    await w.deliver(delivered);

    expect(await w.emailsAccepted()).toBe(1);
    expect((await w.history()).map((m) => m.status)).toEqual(['sent']);
  });

  it.each([
    [
      'a 500 from SES',
      () => new InternalServiceErrorException({ message: 'internal', $metadata: { httpStatusCode: 500 } }),
    ],
    [
      'a request timeout',
      () => Object.assign(new Error('socket timed out after 10000 ms'), { name: 'TimeoutError' }),
    ],
    ['a reset connection', () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
  ])('(e) %s: the email’s outcome is unknown and it is never resent', async (_name, makeError) => {
    const w = await world();
    await w.signUp();
    const delivered = w.event('Parcel Delivered', { parcelId: 'p-1' });
    ses.on(SendEmailCommand).rejects(makeError());
    // And the instance save fails too (every attempt), so the step is computed again on the retry.
    w.faults.on(
      isInstanceItem,
      (call) => {
        if (call.operation === 'PutItem')
          throw Object.assign(new Error('Task timed out'), { name: 'TimeoutError' });
      },
      Number.POSITIVE_INFINITY,
    );

    expect(await w.deliver(delivered)).toHaveLength(1);
    w.faults.clear();
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-would-be-a-second-copy' });
    expect(await w.deliver(delivered)).toEqual([]);
    expect(await w.deliver(delivered)).toEqual([]);

    expect(w.emailsRequested()).toHaveLength(1);
    expect(await w.history()).toEqual([expect.objectContaining({ stepId: 'thanks', status: 'unknown' })]);
  });
});
