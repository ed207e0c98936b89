import { describe, expect, it } from 'vitest';
import { MemoryJourneyDrafts, MemoryJourneyStore } from '../../../shared/adapters/memory/index.js';
import { createJourney, publishJourney } from '../../../shared/app/admin/journeys.js';
import { feedbackDelta, journeyFigures, recordStats, statsDelta } from '../../../shared/app/admin/stats.js';
import { processCustomerEvent } from '../../../shared/app/process-customer-event.js';
import { churnWinBack } from '../../../shared/domain/defaults/churn-win-back.js';
import { postPurchaseSurvey } from '../../../shared/domain/defaults/post-purchase-survey.js';
import { NotFoundError } from '../../../shared/domain/errors.js';
import { Journey } from '../../../shared/domain/journey/definition.js';
import { inHoldout } from '../../../shared/domain/journey/draw.js';
import type { Instance } from '../../../shared/domain/journey/instance.js';
import { anInstance } from '../../integration/dynamodb/fixtures.js';
import { DAY, makeWorld } from '../../support/app.js';
import { adminWorld, quietLogger } from './world.js';

const instance = (overrides: Partial<Instance>): Instance => anInstance(overrides);

const waitingAtWait = instance({});
const waitingForAnswer = instance({
  stepId: 'answer',
  waiting: { kind: 'event', until: '2026-11-06T09:00:00.000Z' },
  path: ['wait', 'invite', 'answer'],
  version: 2,
});
const thanked = instance({
  stepId: 'end',
  status: 'completed',
  waiting: null,
  path: ['wait', 'invite', 'answer', 'route', 'thanks', 'end'],
  version: 3,
});
const converted = instance({ ...waitingForAnswer, status: 'converted', waiting: null, version: 3 });

describe('journey counters for one instance save', () => {
  it.each([
    {
      when: 'a customer enters and waits',
      previous: null,
      next: waitingAtWait,
      effects: [],
      delta: { entered: 1, active: 1, 'reached.wait': 1, 'waiting.wait': 1 },
    },
    {
      when: 'the wait ends and the invitation goes out',
      previous: waitingAtWait,
      next: waitingForAnswer,
      effects: [{ type: 'sendEmail', status: 'sent' as const }, { type: 'scheduleWake' }],
      delta: {
        'reached.invite': 1,
        'reached.answer': 1,
        'waiting.wait': -1,
        'waiting.answer': 1,
        'message.sent.email': 1,
      },
    },
    {
      when: 'the answer brings a thank-you and the end',
      previous: waitingForAnswer,
      next: thanked,
      effects: [{ type: 'sendEmail', status: 'skipped' as const, reason: 'opted-out' }],
      delta: {
        active: -1,
        'ended.completed': 1,
        'reached.route': 1,
        'reached.thanks': 1,
        'reached.end': 1,
        'waiting.answer': -1,
        'message.skipped.opted-out': 1,
      },
    },
    {
      when: 'the goal is reached',
      previous: waitingForAnswer,
      next: converted,
      effects: [],
      delta: { active: -1, 'ended.converted': 1, 'waiting.answer': -1 },
    },
    {
      when: 'an email that fell back to SMS, and a retried send as nothing',
      previous: waitingAtWait,
      next: waitingForAnswer,
      effects: [
        { type: 'sendEmail', status: 'sent' as const, channel: 'sms', reason: null },
        { type: 'sendEmail', status: 'skipped' as const, channel: 'email', reason: 'duplicate' },
      ],
      delta: {
        'reached.invite': 1,
        'reached.answer': 1,
        'waiting.wait': -1,
        'waiting.answer': 1,
        'message.sent.sms': 1,
      },
    },
    {
      when: 'a send outcome is not passed',
      previous: waitingAtWait,
      next: waitingForAnswer,
      effects: [{ type: 'sendEmail' }],
      delta: {
        'reached.invite': 1,
        'reached.answer': 1,
        'waiting.wait': -1,
        'waiting.answer': 1,
        'message.requested.email': 1,
      },
    },
  ])('counts $when', ({ previous, next, effects, delta }) => {
    expect(statsDelta(previous, next, effects)).toEqual(delta);
  });

  it('counts nothing when nothing changed', () => {
    expect(statsDelta(waitingAtWait, waitingAtWait)).toEqual({});
  });
});

describe('conversion window counters', () => {
  const until = '2026-12-02T09:00:00.000Z';
  const window = (group: 'treatment' | 'control', convertedAt: string | null = null) => ({
    goalWindow: { group, until, convertedAt },
  });
  const heldOut = instance({
    status: 'holdout',
    path: [],
    waiting: { kind: 'goal', until },
    ...window('control'),
  });
  const heldOutConverted = instance({
    ...heldOut,
    waiting: null,
    version: 2,
    endedAt: '2026-11-10T09:00:00.000Z',
    ...window('control', '2026-11-10T09:00:00.000Z'),
  });
  const treatedDone = instance({ ...thanked, ...window('treatment') });
  const treatedLate = instance({
    ...treatedDone,
    version: 4,
    ...window('treatment', '2026-11-20T09:00:00.000Z'),
  });

  it.each([
    {
      when: 'a customer is held out',
      previous: null,
      next: heldOut,
      delta: {
        entered: 1,
        'ended.holdout': 1,
        'goal.control.entered': 1,
        [`goal.control.open.${until}`]: 1,
      },
    },
    {
      when: 'a held-out customer reaches the goal within the window',
      previous: heldOut,
      next: heldOutConverted,
      delta: { 'goal.control.converted': 1, [`goal.control.open.${until}`]: -1 },
    },
    {
      when: "a held-out customer's window ends without the goal",
      previous: heldOut,
      next: instance({ ...heldOut, waiting: null, version: 2, endedAt: until }),
      delta: {},
    },
    {
      when: 'a treated customer enters',
      previous: null,
      next: instance({ ...window('treatment') }),
      delta: {
        entered: 1,
        active: 1,
        'reached.wait': 1,
        'waiting.wait': 1,
        'goal.treatment.entered': 1,
        [`goal.treatment.open.${until}`]: 1,
      },
    },
    {
      when: 'a treated customer orders after the journey, within the window',
      previous: treatedDone,
      next: treatedLate,
      delta: { 'goal.treatment.converted': 1, [`goal.treatment.open.${until}`]: -1 },
    },
    {
      when: 'a treated customer converts mid-journey, within the window',
      previous: instance({ ...waitingForAnswer, ...window('treatment') }),
      next: instance({ ...converted, ...window('treatment', '2026-11-04T09:00:00.000Z') }),
      delta: {
        active: -1,
        'ended.converted': 1,
        'waiting.answer': -1,
        'goal.treatment.converted': 1,
        [`goal.treatment.open.${until}`]: -1,
      },
    },
  ])('counts $when', ({ previous, next, delta }) => {
    expect(statsDelta(previous, next)).toEqual(delta);
  });
});

describe('journey figures', () => {
  const published = async () => {
    const world = adminWorld();
    await createJourney(world.deps, postPurchaseSurvey);
    await publishJourney(world.deps, 'post-purchase-survey');
    return world;
  };

  it('sums the counters of the instances into a funnel, in the order of the steps', async () => {
    const { deps } = await published();
    for (const [previous, next, effects] of [
      [null, waitingAtWait, []],
      [waitingAtWait, waitingForAnswer, [{ type: 'sendEmail', status: 'sent' as const }]],
      [waitingForAnswer, thanked, [{ type: 'sendEmail', status: 'sent' as const }]],
      [null, { ...waitingAtWait, instanceId: 'i-2' }, []],
    ] as const) {
      await recordStats(deps, 'post-purchase-survey', next.instanceId, statsDelta(previous, next, effects));
    }
    await deps.stats.record('post-purchase-survey', 'i-1', feedbackDelta('delivered'));

    const figures = await journeyFigures(deps, 'post-purchase-survey');

    expect(figures).toMatchObject({ entered: 2, active: 1, ended: { completed: 1 }, converted: 0 });
    expect(figures.steps.slice(0, 3)).toEqual([
      { stepId: 'wait', reached: 2, waiting: 1 },
      { stepId: 'invite', reached: 1, waiting: 0 },
      { stepId: 'answer', reached: 1, waiting: 0 },
    ]);
    expect(figures.messages).toMatchObject({ sent: { email: 2 }, delivered: 1, bounced: 0 });
  });

  it('estimates the cost of the sends at list prices: $0.10 per 1,000 emails', async () => {
    const { deps } = await published();
    await deps.stats.record('post-purchase-survey', 'x', {
      'message.sent.email': 12_345,
      'message.sent.sms': 10,
    });

    const standard = await journeyFigures(deps, 'post-purchase-survey');
    const ownSmsPrice = await journeyFigures(deps, 'post-purchase-survey', { smsPriceUsd: 0.05 });

    expect(standard.estimatedCost.email).toEqual({ messages: 12_345, unitPrice: 0.0001, amount: 1.2345 });
    expect(standard.estimatedCost.sms.messages).toBe(10);
    expect(ownSmsPrice.estimatedCost).toMatchObject({ total: 1.7345, sms: { unitPrice: 0.05, amount: 0.5 } });
    expect(ownSmsPrice.estimatedCost.assumptions).toContain('$0.05');
  });

  it('shows no lift for a journey that measures no conversion window', async () => {
    const { deps } = await published();
    expect((await journeyFigures(deps, 'post-purchase-survey')).lift).toBeNull();
  });

  it('compares the treated and held-out groups of a journey with a holdout', async () => {
    const { deps } = adminWorld();
    await createJourney(deps, churnWinBack);
    await publishJourney(deps, 'churn-win-back');
    await deps.stats.record('churn-win-back', 'a', {
      'goal.treatment.entered': 900,
      'goal.treatment.converted': 90,
      'goal.control.entered': 100,
      'goal.control.converted': 5,
    });

    const { lift } = await journeyFigures(deps, 'churn-win-back');

    expect(lift).toEqual({
      holdoutPercent: 10,
      goalWindow: 'P30D',
      treatment: { entered: 900, converted: 90, openWindows: 0, conversionRate: 0.1 },
      control: { entered: 100, converted: 5, openWindows: 0, conversionRate: 0.05 },
      absoluteLift: 0.05,
      relativeLift: 1,
      confidenceInterval: { level: 0.95, low: 0.003002, high: 0.096998 },
      pValue: 0.037056,
      significant: true,
      provisional: false,
      verdict: 'significant at the 5% level',
    });
  });

  it('says a lift is not significant while the held-out group is small', async () => {
    const { deps } = adminWorld();
    await createJourney(deps, churnWinBack);
    await publishJourney(deps, 'churn-win-back');
    await deps.stats.record('churn-win-back', 'a', {
      'goal.treatment.entered': 27,
      'goal.treatment.converted': 9,
      'goal.control.entered': 3,
    });

    const { lift } = await journeyFigures(deps, 'churn-win-back');

    expect(lift).toMatchObject({
      treatment: { conversionRate: 0.333333 },
      control: { entered: 3, converted: 0, conversionRate: 0 },
      relativeLift: null,
      significant: false,
    });
    expect(lift?.verdict).toMatch(/^too few customers to tell/);
  });

  it('does not count a window of an instance started before open windows were counted below zero', async () => {
    const { deps } = adminWorld('2026-11-12T09:00:00.000Z');
    await createJourney(deps, churnWinBack);
    await publishJourney(deps, 'churn-win-back');
    const until = '2026-12-02T09:00:00.000Z';
    const started = instance({
      ...waitingAtWait,
      goalWindow: { group: 'treatment', until, convertedAt: null },
    });
    // What the entry recorded before: no open-window counter.
    await deps.stats.record('churn-win-back', started.instanceId, { 'goal.treatment.entered': 1 });
    const ordered = instance({
      ...started,
      status: 'converted',
      waiting: null,
      version: 2,
      goalWindow: { group: 'treatment', until, convertedAt: '2026-11-12T09:00:00.000Z' },
    });
    await recordStats(deps, 'churn-win-back', started.instanceId, statsDelta(started, ordered));

    const { lift } = await journeyFigures(deps, 'churn-win-back');

    expect(lift?.treatment).toEqual({ entered: 1, converted: 1, openWindows: 0, conversionRate: 1 });
    expect(lift?.provisional).toBe(false);
  });

  it('never fails the engine when the figures cannot be written', async () => {
    const warnings: string[] = [];
    const failing = {
      stats: { record: async () => Promise.reject(new Error('throttled')), read: async () => ({}) },
      logger: { ...quietLogger, warn: (message: string) => warnings.push(message) },
    };

    await expect(recordStats(failing, 'j', 'i', { entered: 1 })).resolves.toBeUndefined();
    expect(warnings).toEqual(['journey figures not recorded']);
  });

  it('answers NotFound for a journey that does not exist', async () => {
    const { deps } = adminWorld();

    await expect(journeyFigures(deps, 'nope')).rejects.toThrow(NotFoundError);
  });
});

describe('lift while conversion windows are open', () => {
  const customerIdFor = (held: boolean): string => {
    for (let i = 0; ; i += 1) if (inHoldout('churn-win-back', `c-${i}`, 10) === held) return `c-${i}`;
  };
  const order = (customerId: string) => ({
    customerId,
    orderId: 'o-1',
    total: 30,
    currency: 'EUR',
    items: [],
  });

  /** The churn win-back with one treated and one held-out customer who entered at the same time. */
  const twoCustomers = async () => {
    const world = await makeWorld([churnWinBack], '2026-11-02T01:00:00.000Z');
    const ids = { treated: customerIdFor(false), held: customerIdFor(true) };
    for (const id of Object.values(ids)) {
      await processCustomerEvent(
        world.deps,
        world.event('Customer Profile Updated', {
          customerId: id,
          email: `${id}@example.com`,
          consent: { email: true },
        }),
      );
      await processCustomerEvent(
        world.deps,
        world.event('Churn Risk Detected', { customerId: id }, 'careflow'),
      );
    }
    const journeys = new MemoryJourneyStore();
    await journeys.putPublished(Journey.parse(churnWinBack));
    const figures = async () => {
      const deps = {
        stats: world.stats,
        journeys,
        drafts: new MemoryJourneyDrafts(),
        clock: world.clock,
      };
      const { lift } = await journeyFigures(deps, 'churn-win-back');
      if (!lift) throw new Error('no lift figures');
      return lift;
    };
    return { world, ids, figures };
  };

  it('counts the customers of each group whose window is open, and calls the comparison provisional', async () => {
    const { world, figures } = await twoCustomers();
    await world.advance(12 * DAY);

    const lift = await figures();

    expect(lift.treatment).toEqual({ entered: 1, converted: 0, openWindows: 1, conversionRate: 0 });
    expect(lift.control).toEqual({ entered: 1, converted: 0, openWindows: 1, conversionRate: 0 });
    expect(lift.provisional).toBe(true);
    expect(lift.verdict).toContain(
      '(provisional: 1 treated customer and 1 held-out customer still have an open conversion window, so the rates may still rise',
    );
  });

  it('closes a treated window when the customer converts, though the journey had ended', async () => {
    const { world, ids, figures } = await twoCustomers();
    await world.advance(20 * DAY);
    await processCustomerEvent(world.deps, world.event('Order Completed', order(ids.treated)));

    const lift = await figures();

    expect(lift.treatment).toMatchObject({ entered: 1, converted: 1, openWindows: 0 });
    expect(lift.control).toMatchObject({ entered: 1, converted: 0, openWindows: 1 });
    expect(lift.provisional).toBe(true);
  });

  it('is final once every window has closed: the treated one passes unnoticed, the held-out one by its wake-up', async () => {
    const { world, figures } = await twoCustomers();
    await world.advance(30 * DAY - 1);
    expect((await figures()).provisional).toBe(true);

    await world.advance(1);
    const lift = await figures();

    expect(lift.treatment.openWindows).toBe(0);
    expect(lift.control.openWindows).toBe(0);
    expect(lift).toMatchObject({
      provisional: false,
      verdict: 'too few customers to tell: each group needs at least 5 who converted and 5 who did not',
    });
  });
});
