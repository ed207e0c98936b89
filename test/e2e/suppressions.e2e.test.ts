import { describe, expect, it } from 'vitest';
import { useTestStack } from '../support/local-stack.js';

/**
 * A care agent suppresses an address by hand and lifts it again, over HTTP against the local
 * stack: while suppressed even care messages stop; once lifted they arrive again.
 */
const { admin, put, advance, mailTo } = useTestStack('e2e-suppress-token-0123456789abcdef');

const order = (orderId: string) => ({ customerId: 'c-noa', orderId, total: 30, currency: 'EUR', items: [] });
const path = '/suppressions/email/Noa%40Example.com';

describe('manual suppressions on the local stack', () => {
  it('stops every message to a suppressed address until the suppression is lifted', async () => {
    await put('Customer Profile Updated', {
      customerId: 'c-noa',
      email: 'noa@example.com',
      name: 'Noa',
      consent: { email: true },
    });

    const suppressed = await admin('PUT', path, { reason: 'asked by phone, ticket 4711' });
    expect(suppressed).toEqual({
      status: 200,
      body: {
        channel: 'email',
        address: 'noa@example.com',
        suppressed: true,
        reason: 'asked by phone, ticket 4711',
      },
    });
    expect((await admin('GET', path)).body).toMatchObject({
      suppressed: true,
      reason: 'asked by phone, ticket 4711',
    });

    // The post-purchase survey (care) is not sent while the address is suppressed.
    await put('Order Completed', order('o-1'));
    await advance('24h');
    expect(await mailTo('noa@example.com')).toHaveLength(0);
    const history = await admin('GET', '/customers/c-noa/messages');
    expect(history.body.messages).toEqual([
      expect.objectContaining({ status: 'skipped', reason: 'suppressed' }),
    ]);

    // Lifted: the survey of the next order arrives; lifting again is a 404.
    expect((await admin('DELETE', path)).body).toMatchObject({ suppressed: false, reason: null });
    expect((await admin('DELETE', path)).status).toBe(404);
    await advance('31d'); // the survey asks once a month at most (its re-entry cooldown)
    await put('Order Completed', order('o-2'));
    await advance('24h');
    // The first order's survey ended when its invitation was skipped: no reminder about it follows.
    expect((await mailTo('noa@example.com')).map((m) => m.subject)).toEqual([
      expect.stringContaining('recommend'),
    ]);
  });

  it('refuses an address that is not one, naming the field', async () => {
    const wrong = await admin('PUT', '/suppressions/sms/0151-1234');
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatchObject({
      code: 'ValidationError',
      details: [expect.objectContaining({ path: 'address' })],
    });
    expect((await admin('GET', '/suppressions/fax/123')).status).toBe(400);
  });
});
