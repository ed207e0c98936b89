import { describe, expect, it } from 'vitest';
import { useTestStack } from '../support/local-stack.js';

/**
 * The contact policy as a customer lives it, over HTTP against the local stack: at most three
 * marketing emails a week, one-click unsubscribe from marketing (RFC 8058), care messages still
 * arriving afterwards.
 */
const { stack, admin, put, advance, mailTo } = useTestStack('e2e-policy-token-0123456789abcdef');

/** A weekly-deal journey: every `Deal Available` event sends one marketing email. */
const weeklyDeal = {
  id: 'weekly-deal',
  name: 'Weekly deal',
  category: 'marketing',
  trigger: { 'detail-type': ['Deal Available'] },
  audience: { consent: 'email' },
  reentry: { allowed: true },
  start: 'offer',
  steps: {
    offer: { type: 'sendEmail', template: 'thank-you-referral', next: 'end' },
    end: { type: 'exit' },
  },
};

describe('contact policy on the local stack', () => {
  it('caps marketing at three emails a week, lets the customer unsubscribe in one click, and still sends care', async () => {
    const created = await admin('POST', '/journeys', weeklyDeal);
    expect(created.status).toBe(201);
    const published = await admin('POST', '/journeys/weekly-deal/publish');
    expect(published.status).toBe(200);
    await advance('2m'); // the processor's journey cache refreshes

    await put('Customer Profile Updated', {
      customerId: 'c-mia',
      email: 'mia@example.com',
      name: 'Mia',
      consent: { email: true },
    });
    for (let deal = 1; deal <= 4; deal += 1) {
      await put('Deal Available', { customerId: 'c-mia', dealId: `d-${deal}` });
      await advance('1h');
    }
    expect(await mailTo('mia@example.com')).toHaveLength(3);
    const history = await admin('GET', '/customers/c-mia/messages');
    const skipped = (history.body.messages as { status: string; reason: string | null }[]).filter(
      (m) => m.status === 'skipped',
    );
    expect(skipped.map((m) => m.reason)).toEqual(['frequency-cap']);

    // One click, as a mail client does it from the List-Unsubscribe headers.
    const [first] = await mailTo('mia@example.com');
    const header = first?.headers?.find((h) => h.name === 'List-Unsubscribe')?.value ?? '';
    expect(first?.headers).toContainEqual({
      name: 'List-Unsubscribe-Post',
      value: 'List-Unsubscribe=One-Click',
    });
    const url = /^<(.+)>$/.exec(header)?.[1];
    if (!url) throw new Error(`no List-Unsubscribe header: ${header}`);
    const click = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(click.status).toBe(200);
    await stack().settle();

    // A week later the cap is clear, but she has unsubscribed from marketing.
    await advance('8d');
    await put('Deal Available', { customerId: 'c-mia', dealId: 'd-5' });
    expect(await mailTo('mia@example.com')).toHaveLength(3);

    // Care still reaches her: the post-purchase survey arrives a day after an order.
    await put('Order Completed', {
      customerId: 'c-mia',
      orderId: 'o-9',
      total: 12,
      currency: 'EUR',
      items: [],
    });
    await advance('24h');
    const mails = await mailTo('mia@example.com');
    expect(mails).toHaveLength(4);
    expect(mails[3]?.subject).toContain('recommend');
  });
});
