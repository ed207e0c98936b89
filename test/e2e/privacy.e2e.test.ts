import { describe, expect, it } from 'vitest';
import { useTestStack } from '../support/local-stack.js';

/**
 * A customer asks for their data and then to be forgotten, over HTTP against the local stack:
 * the export holds what careflow knows, the erasure removes it, and nothing is sent afterwards.
 */
const { stack, admin, put, advance, mailTo } = useTestStack('e2e-privacy-token-0123456789abcdef');

const profile = { customerId: 'c-erin', email: 'erin@example.com', name: 'Erin', consent: { email: true } };
const order = (orderId: string) => ({ customerId: 'c-erin', orderId, total: 30, currency: 'EUR', items: [] });

describe('export and erasure on the local stack', () => {
  it('exports what careflow holds, erases it, and sends nothing to the customer afterwards', async () => {
    await put('Customer Profile Updated', profile);
    await put('Order Completed', order('o-1'));
    await advance('24h');
    expect(await mailTo('erin@example.com')).toHaveLength(1);

    const exported = await admin('GET', '/customers/c-erin/export');
    expect(exported.status).toBe(200);
    expect(JSON.stringify(exported.body)).toContain('erin@example.com');
    expect(exported.body).toMatchObject({ customerId: 'c-erin' });

    const erased = await admin('DELETE', '/customers/c-erin');
    expect(erased.status).toBe(200);
    const history = await admin('GET', '/customers/c-erin/messages');
    expect(history.body.messages).toEqual([]);
    const after = await admin('GET', '/customers/c-erin/export');
    expect(JSON.stringify(after.body)).not.toContain('Erin');

    // The shop keeps sending events about the customer: careflow no longer writes to them.
    await put('Customer Profile Updated', profile);
    await put('Order Completed', order('o-2'));
    await advance('4d');
    expect(await mailTo('erin@example.com')).toHaveLength(1);
  });

  it('needs the admin token', async () => {
    const response = await fetch(`${stack().baseUrl}/customers/c-erin/export`);
    expect(response.status).toBe(401);
  });
});
