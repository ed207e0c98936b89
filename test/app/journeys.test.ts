import { describe, expect, it } from 'vitest';
import { contactHistory } from '../../shared/app/contact-history.js';
import { processCustomerEvent } from '../../shared/app/process-customer-event.js';
import { wakeName } from '../../shared/app/run-effects.js';
import {
  churnWinBack,
  defaultJourneys,
  postPurchaseSurvey,
  vipBirthday,
} from '../../shared/domain/defaults/index.js';
import { unsubscribedFromMarketing } from '../../shared/domain/guards/send.js';
import type { JourneyInput } from '../../shared/domain/journey/definition.js';
import { inHoldout } from '../../shared/domain/journey/draw.js';
import { validateJourney } from '../../shared/domain/journey/validate.js';
import { DAY, HOUR, makeWorld } from '../support/app.js';

const customer = (customerId: string, extra: Record<string, unknown> = {}) => ({
  customerId,
  email: `${customerId}@example.com`,
  name: 'Mei',
  timezone: 'Asia/Tokyo',
  consent: { email: true },
  ...extra,
});

/** A customer id that falls into (or out of) a journey's holdout group. */
const customerIdFor = (journeyId: string, percent: number, held: boolean): string => {
  for (let i = 0; ; i += 1) if (inHoldout(journeyId, `c-${i}`, percent) === held) return `c-${i}`;
};

describe('the seeded journeys', () => {
  it.each(defaultJourneys.map((j) => [j.id, j] as const))('%s is valid', (_, journey) => {
    expect(validateJourney(journey)).toMatchObject({ ok: true });
  });
});

describe('churn-risk win-back', () => {
  const setup = async () => {
    const id = customerIdFor('churn-win-back', 10, false);
    const world = await makeWorld([churnWinBack], '2026-11-02T01:00:00.000Z'); // 10:00 in Tokyo
    await processCustomerEvent(world.deps, world.event('Customer Profile Updated', customer(id)));
    await processCustomerEvent(
      world.deps,
      world.event('Churn Risk Detected', { customerId: id, score: 0.8 }, 'careflow'),
    );
    return { world, id };
  };

  it('offers a discount a day later, with a one-click unsubscribe, and marks the profile', async () => {
    const { world, id } = await setup();
    await world.advance(DAY - HOUR);
    expect(world.email.sent).toHaveLength(0);
    await world.advance(HOUR);
    const [offer] = world.email.sent;
    expect(offer?.subject).toContain('15% off');
    expect(offer?.headers).toEqual({
      'List-Unsubscribe': expect.stringMatching(
        /^<https:\/\/care\.example\.com\/unsubscribe\/[\w-]+(?:\.[\w-]+)+>$/,
      ),
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
    expect(offer?.html).toContain('/unsubscribe/');
    expect(world.customers.profiles.get(id)?.attributes).toMatchObject({ winBack: 'offered' });
  });

  it('reminds once after five days, then lets the customer go', async () => {
    const { world } = await setup();
    await world.advance(20 * DAY);
    expect(world.email.sent.map((m) => m.tags?.step)).toEqual(['offer', 'remind']);
    expect([...world.customers.instances.values()][0]).toMatchObject({ status: 'completed' });
  });

  it('ends as converted when the customer orders, cancels the pending wake-up and sends nothing more', async () => {
    const { world, id } = await setup();
    await world.advance(2 * DAY);
    const instance = [...world.customers.instances.values()][0];
    if (!instance) throw new Error('no instance');
    await processCustomerEvent(
      world.deps,
      world.event('Order Completed', {
        customerId: id,
        orderId: 'o-9',
        total: 30,
        currency: 'EUR',
        items: [],
      }),
    );
    expect([...world.customers.instances.values()][0]).toMatchObject({ status: 'converted' });
    expect(world.scheduler.cancelled).toEqual([wakeName(instance.instanceId, instance.version)]);
    await world.advance(30 * DAY);
    expect(world.email.sent.map((m) => m.tags?.step)).toEqual(['offer']);
  });
});

describe('churn-risk win-back against its holdout group', () => {
  const order = (customerId: string, orderId: string) => ({
    customerId,
    orderId,
    total: 30,
    currency: 'EUR',
    items: [],
  });
  const enter = async (held: boolean, world?: Awaited<ReturnType<typeof makeWorld>>) => {
    const id = customerIdFor('churn-win-back', 10, held);
    const w = world ?? (await makeWorld([churnWinBack], '2026-11-02T01:00:00.000Z'));
    await processCustomerEvent(w.deps, w.event('Customer Profile Updated', customer(id)));
    const result = await processCustomerEvent(
      w.deps,
      w.event('Churn Risk Detected', { customerId: id }, 'careflow'),
    );
    return { world: w, id, result };
  };
  const only = (world: Awaited<ReturnType<typeof makeWorld>>) => {
    const [instance] = world.customers.instances.values();
    if (!instance) throw new Error('no instance');
    return instance;
  };

  it('holds one in ten customers out: they enter and are counted, get nothing, and are watched for 30 days', async () => {
    const { world, result } = await enter(true);
    expect(result.started).toHaveLength(1);
    expect(only(world)).toMatchObject({
      status: 'holdout',
      endedAt: null,
      goalWindow: { group: 'control', until: '2026-12-02T01:00:00.000Z', convertedAt: null },
    });
    await world.advance(30 * DAY);
    expect(world.email.sent).toHaveLength(0);
    expect(world.sms.sent).toHaveLength(0);
    expect(only(world)).toMatchObject({
      status: 'holdout',
      endedAt: '2026-12-02T01:00:00.000Z',
      goalWindow: { convertedAt: null },
    });
    expect(world.scheduler.scheduled.size).toBe(0);
    expect(await world.stats.read('churn-win-back')).toMatchObject({
      'goal.control.entered': 1,
      'ended.holdout': 1,
    });
  });

  it('counts an order of a held-out customer within the window as a conversion of the control group', async () => {
    const { world, id } = await enter(true);
    await world.advance(12 * DAY);
    await processCustomerEvent(world.deps, world.event('Order Completed', order(id, 'o-1')));
    expect(only(world)).toMatchObject({
      status: 'holdout',
      endedAt: world.clock.now(),
      goalWindow: { convertedAt: world.clock.now() },
    });
    expect(world.scheduler.cancelled).toHaveLength(1);
    await processCustomerEvent(world.deps, world.event('Order Completed', order(id, 'o-2')));
    const counters = await world.stats.read('churn-win-back');
    expect(counters).toMatchObject({ 'goal.control.entered': 1, 'goal.control.converted': 1 });
    expect(counters['ended.converted']).toBeUndefined();
  });

  it('does not count an order after the window, in either group', async () => {
    const world = await makeWorld([churnWinBack], '2026-11-02T01:00:00.000Z');
    const held = await enter(true, world);
    const treated = await enter(false, world);
    await world.advance(31 * DAY);
    for (const { id } of [held, treated]) {
      await processCustomerEvent(world.deps, world.event('Order Completed', order(id, 'o-late')));
    }
    const counters = await world.stats.read('churn-win-back');
    expect(counters).toMatchObject({ 'goal.control.entered': 1, 'goal.treatment.entered': 1 });
    expect(counters['goal.control.converted']).toBeUndefined();
    expect(counters['goal.treatment.converted']).toBeUndefined();
  });

  it('counts a treated order on day 20, after the journey ended, as the same window allows a held-out one', async () => {
    const { world, id } = await enter(false);
    await world.advance(16 * DAY);
    expect(only(world)).toMatchObject({ status: 'completed', goalWindow: { convertedAt: null } });
    await world.advance(4 * DAY);
    const result = await processCustomerEvent(world.deps, world.event('Order Completed', order(id, 'o-1')));
    expect(result.advanced).toHaveLength(1);
    expect(only(world)).toMatchObject({
      status: 'completed',
      goalWindow: { convertedAt: world.clock.now() },
    });
    expect(world.email.sent.map((m) => m.tags?.step)).toEqual(['offer', 'remind']);
    expect(await world.stats.read('churn-win-back')).toMatchObject({
      'goal.treatment.entered': 1,
      'goal.treatment.converted': 1,
      'ended.completed': 1,
    });
  });

  it('keeps a customer out while their window is open, held out or treated alike', async () => {
    const journey = { ...churnWinBack, id: 'win-back-no-cooldown', reentry: { allowed: true } };
    const world = await makeWorld([journey], '2026-11-02T01:00:00.000Z');
    const ids = [true, false].map((held) => customerIdFor(journey.id, 10, held));
    const risk = async (id: string) =>
      processCustomerEvent(world.deps, world.event('Churn Risk Detected', { customerId: id }, 'careflow'));
    for (const id of ids) {
      await processCustomerEvent(world.deps, world.event('Customer Profile Updated', customer(id)));
      await risk(id);
    }
    await world.advance(20 * DAY); // the treated journey ended on day 15; both windows are open
    for (const id of ids) {
      expect((await risk(id)).skipped).toEqual([
        { journeyId: journey.id, reason: 'already in the journey (its conversion window is open)' },
      ]);
    }
    await world.advance(11 * DAY);
    for (const id of ids) expect((await risk(id)).started).toHaveLength(1);
  });
});

describe('entry limits', () => {
  const capped: JourneyInput = {
    id: 'capped',
    name: 'Capped',
    category: 'care',
    trigger: { 'detail-type': ['Ping'] },
    reentry: { allowed: true, maxConcurrent: 2 },
    entryCap: { perDay: 3 },
    start: 'wait',
    steps: { wait: { type: 'wait', duration: 'P1D', next: 'end' }, end: { type: 'exit' } },
  };

  it('admits at most the daily cap of customers per UTC day', async () => {
    const world = await makeWorld([capped], '2026-11-02T09:00:00.000Z');
    const reasons: (string | undefined)[] = [];
    for (const id of ['a', 'b', 'c', 'd']) {
      const result = await processCustomerEvent(world.deps, world.event('Ping', { customerId: id }));
      reasons.push(result.skipped[0]?.reason);
    }
    expect(reasons).toEqual([undefined, undefined, undefined, 'daily entry cap of 3 reached']);
    world.clock.set('2026-11-03T00:00:00.000Z');
    expect(
      (await processCustomerEvent(world.deps, world.event('Ping', { customerId: 'd' }))).started,
    ).toHaveLength(1);
  });

  it('lets one customer run at most maxConcurrent instances at once, and refuses without counting', async () => {
    const world = await makeWorld([capped], '2026-11-02T09:00:00.000Z');
    const ping = () => processCustomerEvent(world.deps, world.event('Ping', { customerId: 'a' }));
    await ping();
    await ping();
    expect((await ping()).skipped).toEqual([
      { journeyId: 'capped', reason: 'already in the journey 2 times' },
    ]);
    expect(world.entries.counts.get('capped/2026-11-02')).toBe(2);
    await world.advance(DAY);
    expect((await ping()).started).toHaveLength(1);
  });

  it('keeps waitForEvent correlated per trigger when several instances run at once', async () => {
    const perOrder: JourneyInput = {
      id: 'per-order',
      name: 'Per order',
      category: 'care',
      trigger: { 'detail-type': ['Order Completed'] },
      reentry: { allowed: true, maxConcurrent: 5 },
      start: 'delivered',
      steps: {
        delivered: {
          type: 'waitForEvent',
          pattern: { 'detail-type': ['Order Delivered'] },
          correlate: 'orderId',
          timeout: 'P10D',
          next: 'thanks',
          onTimeout: 'end',
        },
        thanks: { type: 'sendEmail', template: 'thank-you-referral', next: 'end' },
        end: { type: 'exit' },
      },
    };
    const world = await makeWorld([perOrder]);
    await processCustomerEvent(world.deps, world.event('Customer Profile Updated', customer('c-1')));
    for (const orderId of ['o-1', 'o-2']) {
      await processCustomerEvent(
        world.deps,
        world.event('Order Completed', { customerId: 'c-1', orderId, total: 5, currency: 'EUR', items: [] }),
      );
    }
    await processCustomerEvent(
      world.deps,
      world.event('Order Delivered', { customerId: 'c-1', orderId: 'o-2' }),
    );
    const byOrder = Object.fromEntries(
      [...world.customers.instances.values()].map((i) => [i.trigger.detail.orderId, i.status]),
    );
    expect(byOrder).toEqual({ 'o-1': 'active', 'o-2': 'completed' });
  });
});

describe('VIP birthday greeting', () => {
  const vip = (extra: Record<string, unknown> = {}) =>
    customer('c-vip', { birthday: '1988-11-05', attributes: { tier: 'vip' }, ...extra });

  it('greets a VIP at 09:00 on the birthday in their time zone, every year', async () => {
    const world = await makeWorld([vipBirthday], '2026-11-02T01:00:00.000Z');
    await processCustomerEvent(world.deps, world.event('Customer Profile Updated', vip()));
    await world.advance(3 * DAY - HOUR); // 2026-11-05T00:00Z = 09:00 in Tokyo
    expect(world.email.sent).toHaveLength(1);
    expect((await contactHistory(world.deps, 'c-vip'))[0]?.sentAt).toBe('2026-11-05T00:00:00.000Z');
    expect(world.email.sent[0]?.subject).toBe('Happy birthday, Mei!');
    await world.advance(366 * DAY);
    expect(world.email.sent).toHaveLength(2);
    expect((await contactHistory(world.deps, 'c-vip'))[0]?.sentAt).toBe('2027-11-05T00:00:00.000Z');
  });

  it.each([
    ['a customer who is not VIP', { attributes: { tier: 'regular' } }, 'not in the audience'],
    ['a VIP without a birthday', { birthday: undefined }, 'not in the audience'],
    ['a VIP without an email opt-in', { consent: {} }, 'audience requires email consent'],
  ])('does not take in %s', async (_, extra, reason) => {
    const world = await makeWorld([vipBirthday]);
    const result = await processCustomerEvent(
      world.deps,
      world.event('Customer Profile Updated', vip(extra)),
    );
    expect(result.skipped).toEqual([{ journeyId: 'vip-birthday', reason }]);
  });

  it('sends nothing to a customer who stopped being VIP before the day', async () => {
    const world = await makeWorld([vipBirthday], '2026-11-02T01:00:00.000Z');
    await processCustomerEvent(world.deps, world.event('Customer Profile Updated', vip()));
    await processCustomerEvent(
      world.deps,
      world.event('Customer Profile Updated', { customerId: 'c-vip', attributes: { tier: 'regular' } }),
    );
    await world.advance(4 * DAY);
    expect(world.email.sent).toHaveLength(0);
    expect([...world.customers.instances.values()][0]).toMatchObject({
      status: 'completed',
      path: ['birthday', 'still-vip', 'end'],
    });
  });
});

describe('unsubscribing through the bus', () => {
  it('stops marketing email after a marketing unsubscribe, while care email still arrives', async () => {
    const world = await makeWorld([churnWinBack]);
    const id = customerIdFor('churn-win-back', 10, false);
    await processCustomerEvent(
      world.deps,
      world.event('Customer Profile Updated', customer(id, { timezone: 'UTC' })),
    );
    await processCustomerEvent(world.deps, world.event('Churn Risk Detected', { customerId: id }));
    await processCustomerEvent(
      world.deps,
      world.event(
        'Customer Unsubscribed',
        { customerId: id, channel: 'email', scope: 'marketing', via: 'one-click' },
        'careflow',
      ),
    );
    expect(world.customers.profiles.get(id)).toMatchObject({
      consent: { email: true },
      attributes: { emailMarketing: 'unsubscribed' },
    });
    await world.advance(2 * DAY);
    expect(world.email.sent).toHaveLength(0);
    expect((await contactHistory(world.deps, id))[0]).toMatchObject({
      stepId: 'offer',
      status: 'skipped',
      reason: 'unsubscribed',
    });
  });

  it('still invites to the post-purchase survey (care, opt-in required) after a marketing unsubscribe', async () => {
    const world = await makeWorld([postPurchaseSurvey]);
    await processCustomerEvent(
      world.deps,
      world.event('Customer Profile Updated', customer('c-1', { timezone: 'UTC' })),
    );
    await processCustomerEvent(
      world.deps,
      world.event(
        'Customer Unsubscribed',
        { customerId: 'c-1', channel: 'email', scope: 'marketing' },
        'careflow',
      ),
    );
    await processCustomerEvent(
      world.deps,
      world.event('Order Completed', {
        customerId: 'c-1',
        orderId: 'o-1',
        total: 20,
        currency: 'EUR',
        items: [],
      }),
    );
    await world.advance(DAY);
    expect(world.email.sent.map((m) => m.tags?.step)).toEqual(['invite']);
  });

  it.each([
    [
      'marketing',
      { email: true },
      { consent: { email: true }, attributes: { emailMarketing: 'unsubscribed' } },
    ],
    [
      'marketing',
      { email: false },
      { consent: { email: false }, attributes: { emailMarketing: 'unsubscribed' } },
    ],
    ['all', { email: true }, { consent: { email: false }, attributes: {} }],
    ['all', {}, { consent: { email: false }, attributes: {} }],
  ])('an unsubscribe from %s turns consent %j into %j', async (scope, before, after) => {
    const world = await makeWorld([]);
    await processCustomerEvent(
      world.deps,
      world.event('Customer Profile Updated', customer('c-1', { consent: before })),
    );
    await processCustomerEvent(
      world.deps,
      world.event('Customer Unsubscribed', { customerId: 'c-1', channel: 'email', scope }, 'careflow'),
    );
    const profile = world.customers.profiles.get('c-1');
    expect({ consent: profile?.consent, attributes: profile?.attributes }).toEqual(after);
  });

  it('lets the CRM subscribe a customer to marketing again', async () => {
    const world = await makeWorld([]);
    const id = 'c-1';
    await processCustomerEvent(world.deps, world.event('Customer Profile Updated', customer(id)));
    await processCustomerEvent(
      world.deps,
      world.event(
        'Customer Unsubscribed',
        { customerId: id, channel: 'email', scope: 'marketing' },
        'careflow',
      ),
    );
    await processCustomerEvent(
      world.deps,
      world.event('Customer Profile Updated', {
        customerId: id,
        attributes: { emailMarketing: 'subscribed' },
      }),
    );
    expect(unsubscribedFromMarketing(world.customers.profiles.get(id) ?? null, 'email')).toBe(false);
  });
});

describe('journey figures', () => {
  it('counts entries, holdouts, sends by the channel used and skips by reason', async () => {
    const heldOut = customerIdFor('churn-win-back', 10, true);
    const treated = customerIdFor('churn-win-back', 10, false);
    const noEmail = ['c-x', 'c-y', 'c-z'].find((c) => !inHoldout('churn-win-back', c, 10)) ?? 'c-x';
    const world = await makeWorld([churnWinBack], '2026-11-02T01:00:00.000Z');
    for (const [id, extra] of [
      [heldOut, {}],
      [treated, {}],
      [noEmail, { email: undefined, phone: '+819012345678', consent: { email: true, sms: true } }],
    ] as const) {
      await processCustomerEvent(world.deps, world.event('Customer Profile Updated', customer(id, extra)));
      await processCustomerEvent(world.deps, world.event('Churn Risk Detected', { customerId: id }));
    }
    await world.advance(DAY);
    const figures = await world.stats.read('churn-win-back');
    expect(figures).toMatchObject({
      entered: 3,
      'ended.holdout': 1,
      'goal.control.entered': 1,
      'goal.treatment.entered': 2,
      active: 2,
      'message.sent.email': 1,
      'message.sent.sms': 1,
      'waiting.patience': 2,
    });
  });
});
