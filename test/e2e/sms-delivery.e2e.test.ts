import { describe, expect, it } from 'vitest';
import { useTestStack } from '../support/local-stack.js';

/**
 * SNS SMS delivery status on the local stack: `POST /_local/sms/delivery` plays the record SNS
 * writes to its delivery log group about an SMS of the outbox, through the sms-delivery function,
 * and the contact history shows the outcome.
 */
const { admin, put, advance, sms, mailTo, stack } = useTestStack('e2e-sms-delivery-token-0123456789abcdef');

interface HistoryEntry {
  channel: string;
  status: string;
  deliveryStatus: string | null;
  deliveryDetail: string | null;
}

const history = async (customerId: string): Promise<HistoryEntry[]> =>
  (await admin('GET', `/customers/${customerId}/messages`)).body.messages as HistoryEntry[];

describe('SMS delivery status on the local stack', () => {
  it('shows a delivered SMS, and an undelivered one with the carrier response, suppressing an invalid number', async () => {
    expect(
      (
        await admin('PUT', '/templates/pickup-ready', {
          subject: 'Pickup',
          html: '<p>Order {{ event.orderId }} is ready.</p>',
          text: 'Order {{ event.orderId }} is ready.',
        })
      ).status,
    ).toBe(200);
    const journey = {
      id: 'pickup-sms',
      name: 'pickup-sms',
      category: 'care',
      trigger: { 'detail-type': ['Pickup Ready'] },
      reentry: { allowed: true },
      start: 'send',
      steps: { send: { type: 'sendSms', template: 'pickup-ready', next: 'end' }, end: { type: 'exit' } },
    };
    expect((await admin('POST', '/journeys', journey)).status).toBe(201);
    expect((await admin('POST', '/journeys/pickup-sms/publish')).status).toBe(200);
    await advance('2m');
    await put('Customer Profile Updated', {
      customerId: 'c-ode',
      name: 'Ode',
      phone: '+4915199990000',
      consent: { sms: true },
    });
    await put('Pickup Ready', { customerId: 'c-ode', orderId: 'o-1' });
    const [first] = (await sms()).messages;

    const delivered = await admin('POST', '/_local/sms/delivery', { messageId: first?.messageId });

    expect(delivered.status).toBe(200);
    expect(delivered.body.outcome).toEqual({ recorded: 1, notFound: 0, invalid: 0, suppressed: 0 });
    expect(await history('c-ode')).toEqual([
      expect.objectContaining({ channel: 'sms', status: 'sent', deliveryStatus: 'delivered' }),
    ]);

    await put('Pickup Ready', { customerId: 'c-ode', orderId: 'o-2' });
    const [second] = (await sms()).messages;
    const failed = await admin('POST', '/_local/sms/delivery', {
      messageId: second?.messageId,
      status: 'FAILURE',
      providerResponse: 'Invalid phone number',
    });

    expect(failed.body.outcome).toEqual({ recorded: 1, notFound: 0, invalid: 0, suppressed: 1 });
    const [latest] = await history('c-ode');
    expect(latest).toMatchObject({ deliveryStatus: 'undelivered', deliveryDetail: 'Invalid phone number' });
    await put('Pickup Ready', { customerId: 'c-ode', orderId: 'o-3' });
    expect((await sms()).messages).toHaveLength(2);
  });

  it('lets a journey send the email instead when the SMS did not arrive', async () => {
    await admin('PUT', '/templates/parcel-waiting', {
      subject: 'Your parcel {{ event.orderId }} is waiting',
      html: '<p>Parcel {{ event.orderId }} is waiting for you.</p>',
      text: 'Parcel {{ event.orderId }} is waiting for you.',
    });
    const journey = {
      id: 'parcel-waiting',
      name: 'parcel-waiting',
      category: 'care',
      trigger: { 'detail-type': ['Parcel Waiting'] },
      reentry: { allowed: true },
      start: 'text',
      steps: {
        text: { type: 'sendSms', template: 'parcel-waiting', next: 'arrived' },
        arrived: {
          type: 'waitForEvent',
          pattern: { 'detail-type': ['SMS Undelivered'] },
          correlate: 'orderId',
          timeout: 'PT2H',
          next: 'email',
          onTimeout: 'end',
        },
        email: { type: 'sendEmail', template: 'parcel-waiting', next: 'end' },
        end: { type: 'exit' },
      },
    };
    expect((await admin('POST', '/journeys', journey)).status).toBe(201);
    expect((await admin('POST', '/journeys/parcel-waiting/publish')).status).toBe(200);
    await advance('2m');
    for (const [customerId, phone, email] of [
      ['c-pia', '+4915177770000', 'pia@example.com'],
      ['c-ivo', '+4915177770001', 'ivo@example.com'],
    ]) {
      await put('Customer Profile Updated', {
        customerId,
        phone,
        email,
        consent: { sms: true, email: true },
      });
    }

    await put('Parcel Waiting', { customerId: 'c-pia', orderId: 'p-1' });
    await put('Parcel Waiting', { customerId: 'c-ivo', orderId: 'p-2' });
    const outbox = (await sms()).messages;
    const toPia = outbox.find((m) => m.phoneNumber === '+4915177770000');
    const toIvo = outbox.find((m) => m.phoneNumber === '+4915177770001');
    await admin('POST', '/_local/sms/delivery', {
      messageId: toPia?.messageId,
      status: 'FAILURE',
      providerResponse: 'Phone is currently unreachable/unavailable',
    });
    await admin('POST', '/_local/sms/delivery', { messageId: toIvo?.messageId });
    await stack().settle();
    await advance('3h');

    const mail = await mailTo('pia@example.com');
    expect(mail).toHaveLength(1);
    expect(mail[0]?.subject).toBe('Your parcel p-1 is waiting');
    expect(await mailTo('ivo@example.com')).toEqual([]);
  });

  it('refuses an id that is not in the outbox', async () => {
    const reply = await admin('POST', '/_local/sms/delivery', { messageId: 'no-such-sms' });
    expect(reply.status).toBe(404);
  });
});
