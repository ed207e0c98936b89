import { describe, expect, it } from 'vitest';
import { useTestStack } from '../support/local-stack.js';

/**
 * A customer asks for their data and then to be forgotten, over HTTP against the local stack:
 * the export holds what careflow knows, the erasure removes it, and nothing is sent afterwards.
 */
const { stack, admin, put, advance, mailTo } = useTestStack('e2e-privacy-token-0123456789abcdef');

/** Put one event with the time it happened, as a producer may set it, and wait until it is processed. */
const putAt = async (time: string, detailType: string, detail: Record<string, unknown>) => {
  const result = await admin('POST', '/events', {
    Entries: [{ Source: 'shop', DetailType: detailType, Detail: JSON.stringify(detail), Time: time }],
  });
  expect(result.body.FailedEntryCount).toBe(0);
  await stack().settle();
};

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
    const erasedAt = String(erased.body.erasedAt);
    const history = await admin('GET', '/customers/c-erin/messages');
    expect(history.body.messages).toEqual([]);
    const after = await admin('GET', '/customers/c-erin/export');
    expect(JSON.stringify(after.body)).not.toContain('Erin');

    // Events from before the erasure arrive late (in flight, retried, or sent late by the shop):
    // they do not bring the profile back.
    const before = new Date(Date.parse(erasedAt) - 60_000).toISOString();
    await putAt(before, 'Customer Profile Updated', profile);
    await putAt(before, 'Order Completed', order('o-2'));
    const held = await admin('GET', '/customers/c-erin/export');
    expect(held.body).toMatchObject({ profile: null, instances: [], erasure: { erasedAt } });

    // Erin signs up again: a fresh profile holds only what the new sign-up says, and the erased
    // address stays suppressed.
    await put('Customer Profile Updated', {
      customerId: 'c-erin',
      email: 'erin@example.com',
      consent: { email: true },
    });
    const fresh = await admin('GET', '/customers/c-erin/export');
    expect(fresh.body.profile).toMatchObject({ customerId: 'c-erin', email: 'erin@example.com' });
    expect(JSON.stringify(fresh.body.profile)).not.toContain('Erin');
    await put('Order Completed', order('o-3'));
    await advance('4d');
    expect(await mailTo('erin@example.com')).toHaveLength(1);
  });

  it('needs the admin token', async () => {
    const response = await fetch(`${stack().baseUrl}/customers/c-erin/export`);
    expect(response.status).toBe(401);
  });
});
