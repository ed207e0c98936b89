import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../infra/local/stack.js';
import { startTestStack } from '../support/local-stack.js';

/**
 * A customer asks for their data and then to be forgotten, over HTTP against the local stack:
 * the export holds what careflow knows, the erasure removes it, and nothing is sent afterwards.
 */
const TOKEN = 'e2e-privacy-token-0123456789abcdef';
let stack: LocalStack;

beforeAll(async () => {
  process.env.CAREFLOW_ADMIN_TOKEN = TOKEN;
  stack = await startTestStack();
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

const call = async (method: string, path: string, body?: unknown) => {
  const response = await fetch(`${stack.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

const put = (detailType: string, detail: Record<string, unknown>) =>
  call('POST', '/events', {
    Entries: [{ Source: 'shop', DetailType: detailType, Detail: JSON.stringify(detail) }],
  });

const mailTo = async (address: string) => {
  const store = (await (await fetch(`${stack.sesUrl}/store`)).json()) as {
    emails: { destination: { to: string[] } }[];
  };
  return store.emails.filter((m) => m.destination.to.includes(address));
};

const profile = { customerId: 'c-erin', email: 'erin@example.com', name: 'Erin', consent: { email: true } };
const order = (orderId: string) => ({ customerId: 'c-erin', orderId, total: 30, currency: 'EUR', items: [] });

describe('export and erasure on the local stack', () => {
  it('exports what careflow holds, erases it, and sends nothing to the customer afterwards', async () => {
    await put('Customer Profile Updated', profile);
    await put('Order Completed', order('o-1'));
    await call('POST', '/_local/clock/advance', { by: '24h' });
    expect(await mailTo('erin@example.com')).toHaveLength(1);

    const exported = await call('GET', '/customers/c-erin/export');
    expect(exported.status).toBe(200);
    expect(JSON.stringify(exported.body)).toContain('erin@example.com');
    expect(exported.body).toMatchObject({ customerId: 'c-erin' });

    const erased = await call('DELETE', '/customers/c-erin');
    expect(erased.status).toBe(200);
    const history = await call('GET', '/customers/c-erin/messages');
    expect(history.body.messages).toEqual([]);
    const after = await call('GET', '/customers/c-erin/export');
    expect(JSON.stringify(after.body)).not.toContain('Erin');

    // The shop keeps sending events about the customer: careflow no longer writes to them.
    await put('Customer Profile Updated', profile);
    await put('Order Completed', order('o-2'));
    await call('POST', '/_local/clock/advance', { by: '4d' });
    expect(await mailTo('erin@example.com')).toHaveLength(1);
  });

  it('needs the admin token', async () => {
    const response = await fetch(`${stack.baseUrl}/customers/c-erin/export`);
    expect(response.status).toBe(401);
  });
});
