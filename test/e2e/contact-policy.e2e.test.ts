import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../infra/local/stack.js';
import { startTestStack } from '../support/local-stack.js';

/**
 * The contact policy as a customer lives it, over HTTP against the local stack: at most three
 * marketing emails a week, one-click unsubscribe from marketing (RFC 8058), care messages still
 * arriving afterwards.
 */
const TOKEN = 'e2e-policy-token-0123456789abcdef';
let stack: LocalStack;

beforeAll(async () => {
  process.env.CAREFLOW_ADMIN_TOKEN = TOKEN;
  stack = await startTestStack();
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

interface Mail {
  subject: string;
  destination: { to: string[] };
  headers?: { name: string; value: string }[];
}

const admin = async (method: string, path: string, body?: unknown) => {
  const response = await fetch(`${stack.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

const put = async (detailType: string, detail: Record<string, unknown>) => {
  const result = await admin('POST', '/events', {
    Entries: [{ Source: 'shop', DetailType: detailType, Detail: JSON.stringify(detail) }],
  });
  expect(result.body.FailedEntryCount).toBe(0);
  await stack.settle();
};

const advance = (by: string) => admin('POST', '/_local/clock/advance', { by });

const mailTo = async (address: string): Promise<Mail[]> => {
  const store = (await (await fetch(`${stack.sesUrl}/store`)).json()) as { emails: Mail[] };
  return store.emails.filter((m) => m.destination.to.includes(address));
};

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
    await stack.settle();

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
