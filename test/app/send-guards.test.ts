import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contactHistory } from '../../shared/app/contact-history.js';
import { processCustomerEvent } from '../../shared/app/process-customer-event.js';
import { processWake } from '../../shared/app/process-wake.js';
import { isQuiet } from '../../shared/domain/guards/quiet-hours.js';
import type { JourneyInput } from '../../shared/domain/journey/definition.js';
import { DAY, HOUR, makeWorld } from '../support/app.js';

/** A journey that sends one message as soon as `Ping` arrives. */
const sendOnPing = (
  send: Record<string, unknown>,
  category: 'care' | 'marketing',
  id = 'ping',
): JourneyInput => ({
  id,
  name: 'Ping',
  category,
  trigger: { 'detail-type': ['Ping'] },
  reentry: { allowed: true, maxConcurrent: 100 },
  start: 'send',
  steps: { send: { next: 'end', ...send } as JourneyInput['steps'][string], end: { type: 'exit' } },
});
const email = { type: 'sendEmail', template: 'thank-you-referral' };
const sms = { type: 'sendSms', template: 'thank-you-referral' };

const ada = {
  customerId: 'c-ada',
  email: 'ada@example.com',
  phone: '+4915112345678',
  name: 'Ada',
  timezone: 'Europe/Berlin',
};

/** A world with the journeys, a customer and a clock at 11:00 in Berlin. */
const worldWith = async (journeys: JourneyInput[], profile: Record<string, unknown>) => {
  const world = await makeWorld(journeys, '2026-11-02T10:00:00.000Z');
  await processCustomerEvent(world.deps, world.event('Customer Profile Updated', { ...ada, ...profile }));
  const ping = () => processCustomerEvent(world.deps, world.event('Ping', { customerId: 'c-ada' }));
  const history = () => contactHistory(world.deps, 'c-ada');
  return { ...world, ping, history };
};

describe('consent and categories', () => {
  it.each([
    ['care', 'email', { email: true }, 'sent', null],
    ['care', 'email', {}, 'sent', null],
    ['care', 'email', { email: false }, 'skipped', 'opted-out'],
    ['marketing', 'email', { email: true }, 'sent', null],
    ['marketing', 'email', {}, 'skipped', 'no-consent'],
    ['marketing', 'email', { email: false }, 'skipped', 'opted-out'],
    ['care', 'sms', {}, 'sent', null],
    ['care', 'sms', { sms: false }, 'skipped', 'opted-out'],
    ['marketing', 'sms', { sms: true }, 'sent', null],
    ['marketing', 'sms', { email: true }, 'skipped', 'no-consent'],
  ] as const)('a %s %s with consent %j is %s', async (category, channel, consent, status, reason) => {
    const world = await worldWith([sendOnPing(channel === 'email' ? email : sms, category)], { consent });
    await world.ping();
    const [entry] = await world.history();
    expect(entry).toMatchObject({ channel, status, reason });
    expect(world.email.sent.length + world.sms.sent.length).toBe(status === 'sent' ? 1 : 0);
  });
});

describe('suppression', () => {
  it('sends nothing to a suppressed address, and says so in the contact history', async () => {
    const world = await worldWith([sendOnPing(email, 'care')], { consent: { email: true } });
    await world.suppressions.suppress({
      channel: 'email',
      address: 'ADA@example.com',
      reason: 'bounce',
      at: '2026-11-01T00:00:00.000Z',
    });
    await world.ping();
    expect(world.email.sent).toHaveLength(0);
    expect((await world.history())[0]).toMatchObject({
      channel: 'email',
      status: 'skipped',
      reason: 'suppressed',
      to: 'ada@example.com',
    });
  });
});

describe('channel fallback', () => {
  it.each([
    [
      'email to SMS when the address is suppressed',
      email,
      'sms',
      { consent: { email: true, sms: true } },
      { suppress: 'email' },
      'sms',
    ],
    [
      'email to SMS when the customer has no email address',
      email,
      'sms',
      { email: undefined, consent: { sms: true } },
      {},
      'sms',
    ],
    ['email to SMS when email was opted out', email, 'sms', { consent: { email: false } }, {}, 'sms'],
    ['SMS to email when the customer has no phone', sms, 'email', { phone: undefined }, {}, 'email'],
    ['SMS to email when the number is suppressed', sms, 'email', {}, { suppress: 'sms' }, 'email'],
    [
      'not at all when both channels are closed',
      email,
      'sms',
      { consent: { email: false, sms: false } },
      {},
      null,
    ],
  ] as const)('falls back from %s', async (_, send, fallback, profile, setup, expected) => {
    const world = await worldWith([sendOnPing({ ...send, fallback }, 'care')], profile);
    if ('suppress' in setup) {
      await world.suppressions.suppress({
        channel: setup.suppress,
        address: setup.suppress === 'email' ? ada.email : ada.phone,
        reason: 'bounce',
        at: '2026-11-01T00:00:00.000Z',
      });
    }
    await world.ping();
    expect(world.email.sent.map((m) => m.to)).toEqual(expected === 'email' ? [ada.email] : []);
    expect(world.sms.sent.map((m) => m.to)).toEqual(expected === 'sms' ? [ada.phone] : []);
    const [entry] = await world.history();
    expect(entry?.status).toBe(expected ? 'sent' : 'skipped');
    if (expected) expect(entry?.channel).toBe(expected);
  });

  it("sends the template's text part as the SMS, without the email's unsubscribe link", async () => {
    const world = await worldWith(
      [sendOnPing({ type: 'sendEmail', template: 'win-back-offer', fallback: 'sms' }, 'marketing')],
      { email: undefined, consent: { sms: true } },
    );
    await world.ping();
    const [text] = world.sms.sent.map((m) => m.text);
    expect(text).toContain('COMEBACK15');
    expect(text).toContain('Reply STOP');
    expect(text).not.toContain('/unsubscribe/');
    expect(world.sms.sent[0]?.category).toBe('marketing');
  });

  it('skips an SMS step when the deployment has no SMS sender, or falls back to email', async () => {
    const world = await worldWith(
      [
        sendOnPing(sms, 'care', 'sms-only'),
        sendOnPing({ ...sms, fallback: 'email' }, 'care', 'with-fallback'),
      ],
      {},
    );
    world.deps.sms = undefined;
    await world.ping();
    const history = await world.history();
    expect(history.map((h) => [h.journeyId, h.channel, h.status, h.reason]).sort()).toEqual([
      ['sms-only', 'sms', 'skipped', 'channel-unavailable'],
      ['with-fallback', 'email', 'sent', null],
    ]);
  });
});

describe('frequency cap', () => {
  it('sends at most 3 marketing messages in 7 days across journeys, and care messages regardless', async () => {
    const world = await worldWith(
      [
        sendOnPing(email, 'marketing', 'offers'),
        sendOnPing(sms, 'marketing', 'texts'),
        sendOnPing(email, 'care', 'care'),
      ],
      { consent: { email: true, sms: true } },
    );
    await world.ping(); // offers + texts: 2 marketing
    world.clock.advance(DAY);
    await world.ping(); // offers: 3rd, texts: capped
    const day2 = await world.history();
    expect(day2.filter((h) => h.reason === 'frequency-cap').map((h) => h.journeyId)).toEqual(['texts']);
    expect(day2.filter((h) => h.journeyId === 'care' && h.status === 'sent')).toHaveLength(2);

    world.clock.advance(6 * DAY + HOUR); // the first two left the window
    await world.ping();
    const sentNow = (await world.history()).filter(
      (h) => h.sentAt === world.clock.now() && h.status === 'sent',
    );
    expect(sentNow.map((h) => h.journeyId).sort()).toEqual(['care', 'offers', 'texts']);
  });

  it('counts a message once even when its send is retried', async () => {
    const world = await worldWith([sendOnPing(email, 'marketing')], { consent: { email: true } });
    const ping = world.event('Ping', { customerId: 'c-ada' });
    await processCustomerEvent(world.deps, ping);
    await processCustomerEvent(world.deps, ping);
    const recent = await world.contacts.recent('c-ada', '2026-10-01T00:00:00.000Z');
    expect(recent).toHaveLength(1);
  });
});

describe('quiet hours', () => {
  it("delays a send that falls into quiet hours to 08:00 in the customer's time zone, then sends it once", async () => {
    const world = await worldWith([sendOnPing(email, 'care')], { timezone: 'Asia/Shanghai' });
    world.clock.set('2026-11-02T15:30:00.000Z'); // 23:30 in Shanghai
    await world.ping();
    expect(world.email.sent).toHaveLength(0);
    await world.advance(8 * HOUR); // 07:30
    expect(world.email.sent).toHaveLength(0);
    await world.advance(HOUR); // 08:30
    expect(world.email.sent).toHaveLength(1);
    expect((await world.history())[0]?.sentAt).toBe('2026-11-03T00:00:00.000Z');
  });

  it("uses the deployment's default time zone for a customer without one", async () => {
    const world = await worldWith([sendOnPing(email, 'care')], { timezone: undefined });
    world.deps.policy = {
      frequencyCap: null,
      quietHours: { start: '21:00', end: '08:00' },
      defaultTimeZone: 'America/New_York',
    };
    world.clock.set('2026-11-02T12:00:00.000Z'); // 07:00 in New York
    await world.ping();
    await world.advance(2 * HOUR);
    expect((await world.history())[0]?.sentAt).toBe('2026-11-02T13:00:00.000Z');
  });
});

describe('send guards (properties)', () => {
  const consent = fc.constantFrom(undefined, true, false);
  const customer = fc.record({
    hasEmail: fc.boolean(),
    hasPhone: fc.boolean(),
    consent: fc.record({ email: consent, sms: consent }),
    suppressEmail: fc.boolean(),
    suppressSms: fc.boolean(),
  });
  const step = fc.record({
    channel: fc.constantFrom('email' as const, 'sms' as const),
    fallback: fc.boolean(),
    category: fc.constantFrom('care' as const, 'marketing' as const),
  });

  it('never sends to a suppressed address or an opted-out customer, nor marketing without an opt-in', async () => {
    await fc.assert(
      fc.asyncProperty(customer, fc.array(step, { minLength: 1, maxLength: 4 }), async (c, steps) => {
        const journeys = steps.map((s, i) =>
          sendOnPing(
            {
              type: s.channel === 'email' ? 'sendEmail' : 'sendSms',
              template: 'thank-you-referral',
              ...(s.fallback ? { fallback: s.channel === 'email' ? 'sms' : 'email' } : {}),
            },
            s.category,
            `j-${i}`,
          ),
        );
        const consentGiven = Object.fromEntries(Object.entries(c.consent).filter(([, v]) => v !== undefined));
        const world = await worldWith(journeys, {
          email: c.hasEmail ? ada.email : undefined,
          phone: c.hasPhone ? ada.phone : undefined,
          consent: consentGiven,
        });
        world.deps.policy = { frequencyCap: null, quietHours: null, defaultTimeZone: 'UTC' };
        const at = '2026-11-01T00:00:00.000Z';
        if (c.suppressEmail)
          await world.suppressions.suppress({ channel: 'email', address: ada.email, reason: 'bounce', at });
        if (c.suppressSms)
          await world.suppressions.suppress({ channel: 'sms', address: ada.phone, reason: 'opted-out', at });
        await world.ping();
        const history = await world.history();
        for (const [channel, sent, suppressed] of [
          ['email', world.email.sent.length, c.suppressEmail],
          ['sms', world.sms.sent.length, c.suppressSms],
        ] as const) {
          if (sent === 0) continue;
          expect(suppressed).toBe(false);
          expect(c.consent[channel]).not.toBe(false);
          const marketing = history.filter(
            (h) =>
              h.channel === channel &&
              h.status === 'sent' &&
              journeys[Number(h.journeyId.slice(2))]?.category === 'marketing',
          );
          if (marketing.length > 0) expect(c.consent[channel]).toBe(true);
        }
        expect(history).toHaveLength(steps.length);
      }),
      { numRuns: 150 },
    );
  });

  it('never sends inside quiet hours, whatever the time zone and the time of the event', async () => {
    const zones = [
      'Europe/Berlin',
      'Asia/Shanghai',
      'America/Los_Angeles',
      'Australia/Sydney',
      'Asia/Kolkata',
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...zones),
        fc.array(fc.integer({ min: 0, max: 36 * 60 }), { minLength: 1, maxLength: 5 }),
        async (timezone, gaps) => {
          const journey: JourneyInput = {
            id: 'paced',
            name: 'Paced',
            category: 'care',
            trigger: { 'detail-type': ['Ping'] },
            reentry: { allowed: true, maxConcurrent: 100 },
            start: 'first',
            steps: {
              first: { type: 'sendEmail', template: 'thank-you-referral', next: 'later' },
              later: { type: 'wait', duration: 'PT5H', next: 'second' },
              second: { type: 'sendSms', template: 'thank-you-referral', next: 'end' },
              end: { type: 'exit' },
            },
          };
          const world = await worldWith([journey], { timezone });
          for (const minutes of gaps) {
            await world.advance(minutes * 60_000);
            await world.ping();
          }
          await world.advance(3 * DAY);
          const sent = [...world.messages.records.values()].filter((m) => m.status === 'sent');
          expect(sent).toHaveLength(gaps.length * 2);
          for (const message of sent)
            expect(isQuiet(message.sentAt, timezone, { start: '21:00', end: '08:00' })).toBe(false);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('never sends a message twice, however events and wake-ups are duplicated and replayed', async () => {
    const action = fc.oneof(
      fc.record({
        kind: fc.constant('new' as const),
        detailType: fc.constantFrom('Order Completed', 'Ping', 'Churn Risk Detected'),
      }),
      fc.record({ kind: fc.constant('replay' as const), index: fc.nat() }),
      fc.record({ kind: fc.constant('refire' as const), index: fc.nat() }),
      fc.record({ kind: fc.constant('time' as const), hours: fc.integer({ min: 1, max: 80 }) }),
    );
    const { postPurchaseSurvey, churnWinBack } = await import('../../shared/domain/defaults/index.js');
    await fc.assert(
      fc.asyncProperty(fc.array(action, { maxLength: 25 }), async (actions) => {
        const world = await worldWith(
          [postPurchaseSurvey, churnWinBack, sendOnPing({ ...email, fallback: 'sms' }, 'marketing')],
          { consent: { email: true, sms: true } },
        );
        world.deps.policy = { frequencyCap: null, quietHours: null, defaultTimeZone: 'UTC' };
        const seen: ReturnType<typeof world.event>[] = [];
        const fired: Parameters<typeof processWake>[1][] = [];
        for (const a of actions) {
          if (a.kind === 'new') {
            const detail =
              a.detailType === 'Order Completed'
                ? { customerId: 'c-ada', orderId: `o-${seen.length}`, total: 10, currency: 'EUR', items: [] }
                : { customerId: 'c-ada' };
            const e = world.event(a.detailType, detail);
            seen.push(e);
            await processCustomerEvent(world.deps, e);
          } else if (a.kind === 'replay' && seen.length > 0) {
            await processCustomerEvent(world.deps, seen[a.index % seen.length] as (typeof seen)[number]);
          } else if (a.kind === 'refire' && fired.length > 0) {
            await processWake(world.deps, fired[a.index % fired.length] as (typeof fired)[number]);
          } else if (a.kind === 'time') {
            world.clock.advance(a.hours * HOUR);
            for (const wake of world.scheduler.takeDue(world.clock.now())) {
              fired.push(wake);
              await processWake(world.deps, wake);
            }
          }
        }
        const ids = [...world.email.sent.map((m) => m.messageId), ...world.sms.sent.map((m) => m.messageId)];
        expect(new Set(ids).size).toBe(ids.length);
        const logged = [...world.messages.records.values()].filter((m) => m.status === 'sent').length;
        expect(ids).toHaveLength(logged);
      }),
      { numRuns: 80 },
    );
  });
});
