import { describe, expect, it } from 'vitest';
import { contactHistory } from '../../shared/app/contact-history.js';
import { processCustomerEvent } from '../../shared/app/process-customer-event.js';
import { processWake } from '../../shared/app/process-wake.js';
import { churnWinBack, postPurchaseSurvey } from '../../shared/domain/defaults/index.js';
import { inHoldout } from '../../shared/domain/journey/draw.js';
import type { Instance } from '../../shared/domain/journey/instance.js';
import { DAY, HOUR, makeWorld } from '../support/app.js';

type World = Awaited<ReturnType<typeof makeWorld>>;

const alice = {
  customerId: 'c-alice',
  email: 'alice@example.com',
  name: 'Alice',
  timezone: 'Europe/Berlin',
  locale: 'en',
  consent: { email: true },
};
const order = { customerId: 'c-alice', orderId: 'o-1001', total: 59.9, currency: 'EUR', items: [] };

/** A customer id the win-back does not hold out. */
const treatedCustomerId = (): string => {
  for (let i = 0; ; i += 1) if (!inHoldout('churn-win-back', `c-${i}`, 10)) return `c-${i}`;
};

const instanceOf = async (world: World, customerId: string): Promise<Instance | undefined> =>
  (await world.customers.load(customerId)).instances[0];

describe('post-purchase survey, when the invitation cannot go out', () => {
  const buy = async () => {
    const world = await makeWorld([postPurchaseSurvey]);
    await processCustomerEvent(world.deps, world.event('Customer Profile Updated', alice));
    await processCustomerEvent(world.deps, world.event('Order Completed', order));
    return world;
  };

  it.each([
    [
      'the address bounced since the order',
      async (world: World) => {
        await world.suppressions.suppress({
          channel: 'email',
          address: 'alice@example.com',
          reason: 'bounce',
          at: world.clock.now(),
        });
      },
      'suppressed',
    ],
    [
      'the customer opted out of email since the order',
      async (world: World) => {
        await processCustomerEvent(
          world.deps,
          world.event('Customer Profile Updated', { customerId: 'c-alice', consent: { email: false } }),
        );
      },
      'opted-out',
    ],
  ])('sends no reminder when %s, and ends the instance saying why', async (_, meanwhile, reason) => {
    const world = await buy();
    await world.advance(HOUR);
    await meanwhile(world);
    await world.advance(DAY);
    expect(world.email.sent).toHaveLength(0);
    expect(await contactHistory(world.deps, 'c-alice')).toEqual([
      expect.objectContaining({ stepId: 'invite', status: 'skipped', reason }),
    ]);
    expect(await instanceOf(world, 'c-alice')).toMatchObject({
      status: 'completed',
      stepId: 'not-invited',
      path: ['wait', 'invite', 'not-invited'],
      waiting: null,
      endReason: `reached exit; "invite" was not sent (skipped: ${reason})`,
    });
    // Nothing is left to wake up: three days later, still no reminder.
    expect(world.scheduler.takeNextDue('2027-01-01T00:00:00.000Z')).toBeUndefined();
    await world.advance(4 * DAY);
    expect(world.email.sent).toHaveLength(0);
  });

  it('sends no reminder about an invitation that never went out, even once it could reach the customer', async () => {
    const world = await makeWorld([postPurchaseSurvey]);
    const { email: _, ...withoutAddress } = alice;
    await processCustomerEvent(world.deps, world.event('Customer Profile Updated', withoutAddress));
    await processCustomerEvent(world.deps, world.event('Order Completed', order));
    await world.advance(DAY);
    // The address arrives a day after the invitation was skipped for the lack of it.
    await world.advance(DAY);
    await processCustomerEvent(world.deps, world.event('Customer Profile Updated', alice));
    await world.advance(5 * DAY);
    expect(world.email.sent).toHaveLength(0);
    expect(await instanceOf(world, 'c-alice')).toMatchObject({
      status: 'completed',
      endReason: 'reached exit; "invite" was not sent (skipped: no-address)',
    });
  });

  it('still reminds a customer whose invitation went out', async () => {
    const world = await buy();
    await world.advance(DAY);
    await world.advance(3 * DAY);
    expect(world.email.sent.map((m) => m.tags?.step)).toEqual(['invite', 'remind']);
  });

  it('goes on to wait for the answer when a retry finds the invitation handled by the crashed attempt', async () => {
    const world = await buy();
    const save = world.customers.saveInstance.bind(world.customers);
    let crash = true;
    world.customers.saveInstance = async (instance, expected) => {
      if (crash && instance.path.includes('invite')) {
        crash = false;
        throw new Error('process died before the save');
      }
      return save(instance, expected);
    };
    await expect(world.advance(DAY)).rejects.toThrow('process died');
    expect(world.email.sent).toHaveLength(1);
    // The queue delivers the wake-up again: the invitation is a duplicate now, not a skip.
    const waiting = await instanceOf(world, 'c-alice');
    const wake = {
      kind: 'wake',
      customerId: 'c-alice',
      instanceId: waiting?.instanceId ?? '',
      version: 1,
    } as const;
    expect(await processWake(world.deps, wake)).toBe('advanced');
    expect(await instanceOf(world, 'c-alice')).toMatchObject({ status: 'active', stepId: 'answer' });
    await world.advance(3 * DAY);
    expect(world.email.sent.map((m) => m.tags?.step)).toEqual(['invite', 'remind']);
  });
});

describe('churn-risk win-back, when the offer cannot go out', () => {
  it('neither marks the customer as offered nor reminds them when the frequency cap stops the offer, and still counts an order', async () => {
    const id = treatedCustomerId();
    const world = await makeWorld([churnWinBack], '2026-11-02T09:00:00.000Z');
    await processCustomerEvent(
      world.deps,
      world.event('Customer Profile Updated', {
        ...alice,
        customerId: id,
        phone: '+4915112345678',
        consent: { email: true, sms: true },
      }),
    );
    // Three marketing messages this week already: the cap (3 per 7 days) is reached on both channels.
    for (const n of [1, 2, 3]) {
      await world.contacts.record(
        id,
        { messageId: `other-${n}`, at: world.clock.now() },
        '2026-10-01T00:00:00.000Z',
      );
    }
    await processCustomerEvent(
      world.deps,
      world.event('Churn Risk Detected', { customerId: id, score: 0.9 }, 'careflow'),
    );
    await world.advance(DAY);
    expect(world.email.sent.length + world.sms.sent.length).toBe(0);
    expect((await world.customers.load(id)).profile?.attributes?.winBack).toBeUndefined();
    expect(await instanceOf(world, id)).toMatchObject({
      status: 'completed',
      path: ['pause', 'offer', 'not-offered'],
      endReason: 'reached exit; "offer" was not sent (skipped: frequency-cap)',
    });
    await world.advance(10 * DAY);
    expect(world.email.sent.length + world.sms.sent.length).toBe(0);
    // Still in the treatment group: an order within the window counts, as it did before.
    await processCustomerEvent(world.deps, world.event('Order Completed', { ...order, customerId: id }));
    expect((await instanceOf(world, id))?.goalWindow).toMatchObject({
      group: 'treatment',
      convertedAt: world.clock.now(),
    });
  });
});
