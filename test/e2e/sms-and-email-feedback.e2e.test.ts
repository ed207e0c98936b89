import { describe, expect, it } from 'vitest';
import { useTestStack } from '../support/local-stack.js';

/**
 * The SMS channel and SES's delivery events on the local stack: a `sendSms` step goes through the
 * SNS SDK into the local SMS outbox, an opted-out number is suppressed, and a bounce posted for
 * an email suppresses the address, shows in the contact history and stops the next email.
 */
const { admin, put, advance, sms, sesEvent, mailTo } = useTestStack('e2e-feedback-token-0123456789abcdef');

interface HistoryEntry {
  messageId: string;
  channel: string;
  to: string;
  status: string;
  reason: string | null;
  deliveryStatus?: string | null;
}

const history = async (customerId: string): Promise<HistoryEntry[]> =>
  (await admin('GET', `/customers/${customerId}/messages`)).body.messages as HistoryEntry[];

/** A care journey of one message: `send` is a sendSms or sendEmail step. */
const oneMessageJourney = (id: string, detailType: string, send: Record<string, unknown>) => ({
  id,
  name: id,
  category: 'care',
  trigger: { 'detail-type': [detailType] },
  reentry: { allowed: true },
  start: 'send',
  steps: { send: { ...send, next: 'end' }, end: { type: 'exit' } },
});

const publish = async (journey: { id: string }) => {
  expect((await admin('POST', '/journeys', journey)).status).toBe(201);
  expect((await admin('POST', `/journeys/${journey.id}/publish`)).status).toBe(200);
};

describe('SMS and email feedback on the local stack', () => {
  it('sends a journey SMS through SNS to the outbox, and suppresses a number once it opts out', async () => {
    const template = await admin('PUT', '/templates/parcel-shipped', {
      subject: 'Your parcel {{ event.parcelId }}',
      html: '<p>Your parcel {{ event.parcelId }} is on its way.</p>',
      text: 'Your parcel {{ event.parcelId }} is on its way.',
    });
    expect(template.status).toBe(200);
    await publish(
      oneMessageJourney('parcel-sms', 'Parcel Shipped', { type: 'sendSms', template: 'parcel-shipped' }),
    );
    await advance('2m'); // the processor's journey cache refreshes
    await put('Customer Profile Updated', {
      customerId: 'c-lin',
      name: 'Lin',
      phone: '+4915112345678',
      consent: { sms: true },
    });

    await put('Parcel Shipped', { customerId: 'c-lin', parcelId: 'p-1' });

    const [text] = (await sms()).messages;
    expect(text).toMatchObject({
      phoneNumber: '+4915112345678',
      message: 'Your parcel p-1 is on its way.',
      smsType: 'Transactional',
      senderId: 'careflow',
      dropped: null,
    });
    expect(await history('c-lin')).toEqual([
      expect.objectContaining({ channel: 'sms', to: '+4915112345678', status: 'sent' }),
    ]);

    // She replies STOP: SNS reports the number opted out, careflow suppresses it.
    const optOut = await admin('POST', '/_local/sms/opt-out', { phoneNumber: '+4915112345678' });
    expect(optOut.status).toBe(200);
    await put('Parcel Shipped', { customerId: 'c-lin', parcelId: 'p-2' });
    await put('Parcel Shipped', { customerId: 'c-lin', parcelId: 'p-3' });

    expect((await sms()).messages).toHaveLength(1);
    const [third, second] = await history('c-lin');
    expect(second).toMatchObject({ status: 'failed' });
    expect(third).toMatchObject({ status: 'skipped', reason: 'suppressed' });
  });

  it('records a bounce from SES: the address is suppressed and the next email is skipped', async () => {
    await publish(
      oneMessageJourney('delay-notice', 'Delivery Delayed', {
        type: 'sendEmail',
        template: 'parcel-shipped',
      }),
    );
    await advance('2m');
    await put('Customer Profile Updated', { customerId: 'c-bo', name: 'Bo', email: 'bo@example.com' });
    await put('Delivery Delayed', { customerId: 'c-bo', parcelId: 'p-7' });
    expect(await mailTo('bo@example.com')).toHaveLength(1);
    const [sent] = await history('c-bo');
    expect(sent).toMatchObject({ channel: 'email', status: 'sent' });

    const bounce = await sesEvent({ messageId: sent?.messageId, type: 'Bounce', bounceType: 'Permanent' });
    expect(bounce.status).toBe(200);

    expect((await history('c-bo'))[0]).toMatchObject({ status: 'sent', deliveryStatus: 'bounced' });
    const figures = await admin('GET', '/journeys/delay-notice/stats');
    expect(figures.body.messages).toMatchObject({ sent: { email: 1 }, bounced: 1, delivered: 0 });
    await put('Delivery Delayed', { customerId: 'c-bo', parcelId: 'p-8' });
    expect(await mailTo('bo@example.com')).toHaveLength(1);
    const [next] = await history('c-bo');
    expect(next).toMatchObject({ channel: 'email', status: 'skipped', reason: 'suppressed' });
  });
});
