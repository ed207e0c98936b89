import { describe, expect, it } from 'vitest';
import { Journey, type JourneyInput } from '../../../shared/domain/journey/definition.js';
import { hashDraw } from '../../../shared/domain/journey/draw.js';
import type { Effect, SendResult } from '../../../shared/domain/journey/effects.js';
import type { EventRef, Instance } from '../../../shared/domain/journey/instance.js';
import {
  MAX_STEPS_PER_RUN,
  type StepEnv,
  startInstance,
  step,
} from '../../../shared/domain/journey/interpreter.js';

const T0 = '2026-11-02T10:00:00.000Z'; // a Monday; 11:00 in Berlin
const order: EventRef = {
  id: 'e-order',
  detailType: 'Order Completed',
  source: 'shop',
  time: T0,
  detail: { customerId: 'c-1', orderId: 'o-1', total: 80, placedOn: '2026-12-24' },
};

/** Steps are parsed here, so a table may hold any step shape. */
const journeyOf = (steps: Record<string, unknown>, overrides: Partial<JourneyInput> = {}): Journey =>
  Journey.parse({
    id: 'demo',
    name: 'Demo',
    category: 'care',
    trigger: { 'detail-type': ['Order Completed'] },
    start: Object.keys(steps)[0],
    steps,
    ...overrides,
  });

const env = (overrides: Partial<StepEnv> = {}): StepEnv => ({
  now: T0,
  profile: { customerId: 'c-1', timezone: 'Europe/Berlin', attributes: { tier: 'vip' } },
  timeZone: 'Europe/Berlin',
  quietHours: { start: '21:00', end: '08:00' },
  ...overrides,
});

const start = (journey: Journey, e: StepEnv = env(), instanceId = 'i-1', customerId = 'c-1') =>
  startInstance(journey, { instanceId, customerId, trigger: order }, e);

const wake = (journey: Journey, instance: Instance, now: string, e: Partial<StepEnv> = {}) =>
  step(journey, instance, { kind: 'wake', version: instance.version }, env({ now, ...e }));

const types = (effects: Effect[]) => effects.map((e) => e.type);
const wakeAt = (effects: Effect[]) => effects.find((e) => e.type === 'scheduleWake');

describe('wait', () => {
  it.each([
    ['PT24H', '2026-11-03T10:00:00.000Z'],
    ['P3D', '2026-11-05T10:00:00.000Z'],
    ['PT90M', '2026-11-02T11:30:00.000Z'],
  ])('a wait of %s wakes the instance at %s', (duration, expected) => {
    const journey = journeyOf({ w: { type: 'wait', duration, next: 'end' }, end: { type: 'exit' } });
    const { instance, effects } = start(journey);
    expect(instance.waiting).toEqual({ kind: 'timer', until: expected });
    expect(effects).toEqual([{ type: 'scheduleWake', instanceId: 'i-1', version: 1, at: expected }]);
    expect(wake(journey, instance, expected).instance.status).toBe('completed');
  });
});

describe('waitUntil', () => {
  const untilJourney = (until: Record<string, unknown>) =>
    journeyOf({
      until: { type: 'waitUntil', next: 'end', ...until },
      end: { type: 'exit' },
      none: { type: 'exit' },
    });

  it.each([
    ['09:30 later today, in Berlin', { time: '15:00' }, T0, 'Europe/Berlin', '2026-11-02T14:00:00.000Z'],
    [
      '09:30 already passed today: tomorrow',
      { time: '09:30' },
      T0,
      'Europe/Berlin',
      '2026-11-03T08:30:00.000Z',
    ],
    [
      'the same clock time now: tomorrow, never at once',
      { time: '11:00' },
      T0,
      'Europe/Berlin',
      '2026-11-03T10:00:00.000Z',
    ],
    ['09:30 in Shanghai', { time: '09:30' }, T0, 'Asia/Shanghai', '2026-11-03T01:30:00.000Z'],
    [
      '09:30 in New York, across the change to winter time',
      { time: '09:30' },
      '2026-10-31T20:00:00.000Z',
      'America/New_York',
      '2026-11-01T14:30:00.000Z',
    ],
    [
      'the next birthday at 09:00',
      { date: 'profile.birthday', annual: true, time: '09:00' },
      T0,
      'Europe/Berlin',
      '2027-07-14T07:00:00.000Z',
    ],
    [
      'a birthday later this year',
      { date: 'profile.birthday', annual: true, time: '09:00' },
      '2026-03-01T00:00:00.000Z',
      'Europe/Berlin',
      '2026-07-14T07:00:00.000Z',
    ],
    [
      'the birthday today, before 09:00',
      { date: 'profile.birthday', annual: true, time: '09:00' },
      '2026-07-14T05:00:00.000Z',
      'Europe/Berlin',
      '2026-07-14T07:00:00.000Z',
    ],
    [
      'the birthday today, after 09:00: next year',
      { date: 'profile.birthday', annual: true, time: '09:00' },
      '2026-07-14T07:00:30.000Z',
      'Europe/Berlin',
      '2027-07-14T07:00:00.000Z',
    ],
    [
      'an attribute date',
      { date: 'profile.attributes.renewal', time: '08:00' },
      T0,
      'UTC',
      '2027-01-31T08:00:00.000Z',
    ],
    [
      'a date in the trigger event',
      { date: 'trigger.detail.placedOn', time: '18:00' },
      T0,
      'Europe/Berlin',
      '2026-12-24T17:00:00.000Z',
    ],
  ])('%s', (_, until, now, zone, expected) => {
    const journey = untilJourney(until);
    const profile = { customerId: 'c-1', birthday: '1990-07-14', attributes: { renewal: '2027-01-31' } };
    const { instance, effects } = start(journey, env({ now, timeZone: zone, profile }));
    expect(instance.waiting).toEqual({ kind: 'timer', until: expected });
    expect(wakeAt(effects)).toMatchObject({ at: expected });
  });

  it('greets a 29 February birthday on 28 February in other years', () => {
    const journey = untilJourney({ date: 'profile.birthday', annual: true, time: '09:00' });
    const { instance } = start(journey, env({ timeZone: 'UTC', profile: { birthday: '2000-02-29' } }));
    expect(instance.waiting?.until).toBe('2027-02-28T09:00:00.000Z');
  });

  it('goes on at once when a one-off date has passed', () => {
    const journey = untilJourney({ date: 'profile.attributes.renewal', time: '09:00' });
    const { instance } = start(journey, env({ profile: { attributes: { renewal: '2020-01-01' } } }));
    expect(instance).toMatchObject({ status: 'completed', path: ['until', 'end'] });
  });

  it.each([
    ['no birthday', {}],
    ['a birthday that is not a date', { birthday: 'summer' }],
  ])('with %s, takes onMissing', (_, profile) => {
    const journey = untilJourney({
      date: 'profile.birthday',
      annual: true,
      time: '09:00',
      onMissing: 'none',
    });
    expect(start(journey, env({ profile })).instance.path).toEqual(['until', 'none']);
  });

  it('without onMissing, ends the instance and says why', () => {
    const journey = untilJourney({ date: 'profile.birthday', annual: true, time: '09:00' });
    expect(start(journey, env({ profile: {} })).instance).toMatchObject({
      status: 'completed',
      endReason: 'no date at profile.birthday',
    });
  });

  it('uses UTC when neither the profile nor the deployment names a usable zone', () => {
    const journey = untilJourney({ time: '15:00' });
    expect(start(journey, env({ timeZone: undefined })).instance.waiting?.until).toBe(
      '2026-11-02T15:00:00.000Z',
    );
  });
});

describe('sendEmail and sendSms', () => {
  it.each([
    [
      'sendEmail',
      { type: 'sendEmail', template: 'hello', next: 'end' },
      { type: 'sendEmail', template: 'hello' },
    ],
    [
      'sendEmail with an SMS fallback',
      { type: 'sendEmail', template: 'hello', fallback: 'sms', next: 'end' },
      { type: 'sendEmail', fallback: 'sms' },
    ],
    [
      'sendEmail with a survey',
      { type: 'sendEmail', template: 'survey-nps', survey: { kind: 'nps' }, next: 'end' },
      { survey: { kind: 'nps' } },
    ],
    ['sendSms', { type: 'sendSms', template: 'hello', next: 'end' }, { type: 'sendSms', template: 'hello' }],
    [
      'sendSms with an email fallback',
      { type: 'sendSms', template: 'hello', fallback: 'email', next: 'end' },
      { type: 'sendSms', fallback: 'email' },
    ],
  ])('%s asks for one message with a deterministic id', (_, send, expected) => {
    const journey = journeyOf({ send, end: { type: 'exit' } }, { category: 'marketing' });
    const { effects } = start(journey);
    expect(effects).toEqual([
      expect.objectContaining({
        ...expected,
        messageId: 'i-1.send.1',
        journeyId: 'demo',
        stepId: 'send',
        category: 'marketing',
      }),
    ]);
  });

  it.each([
    ['22:30 in Berlin', '2026-11-02T21:30:00.000Z', 'Europe/Berlin', '2026-11-03T07:00:00.000Z'],
    ['03:00 in Berlin', '2026-11-03T02:00:00.000Z', 'Europe/Berlin', '2026-11-03T07:00:00.000Z'],
    ['06:00 in Tokyo', '2026-11-02T21:00:00.000Z', 'Asia/Tokyo', '2026-11-02T23:00:00.000Z'],
  ])('defers a send at %s to the end of quiet hours, then sends it once', (_, now, zone, resume) => {
    const journey = journeyOf({
      send: { type: 'sendSms', template: 'hello', next: 'end' },
      end: { type: 'exit' },
    });
    const first = start(journey, env({ now, timeZone: zone }));
    expect(first.instance.waiting).toEqual({ kind: 'quiet', until: resume });
    expect(types(first.effects)).toEqual(['scheduleWake']);
    const woken = wake(journey, first.instance, resume, { timeZone: zone });
    expect(woken.effects).toEqual([expect.objectContaining({ type: 'sendSms', messageId: 'i-1.send.1' })]);
    expect(woken.instance).toMatchObject({ status: 'completed', path: ['send', 'end'] });
  });

  it('numbers repeated visits, so a loop sends a new message each time', () => {
    const journey = journeyOf({
      send: { type: 'sendEmail', template: 'hello', next: 'pause' },
      pause: { type: 'wait', duration: 'P1D', next: 'send' },
    });
    const first = start(journey);
    const second = wake(journey, first.instance, '2026-11-03T10:00:00.000Z');
    expect(first.effects[0]).toMatchObject({ messageId: 'i-1.send.1' });
    expect(second.effects[0]).toMatchObject({ messageId: 'i-1.send.2' });
  });
});

describe('sendEmail and sendSms with onSkipped', () => {
  /** An offer with a fallback and a way out when it cannot go; a tag only a customer who got it is given. */
  const offerJourney = journeyOf(
    {
      offer: { type: 'sendEmail', template: 'offer', fallback: 'sms', next: 'tag', onSkipped: 'other' },
      tag: { type: 'updateProfile', set: { offered: true }, next: 'pause' },
      pause: { type: 'wait', duration: 'P5D', next: 'remind' },
      remind: { type: 'sendEmail', template: 'reminder', next: 'end' },
      other: { type: 'exit' },
      end: { type: 'exit' },
    },
    { category: 'marketing' },
  );
  const sent = (instance: Instance, result: SendResult, reason: string | null = null, e = env()) =>
    step(offerJourney, instance, { kind: 'sent', messageId: 'i-1.offer.1', result, reason }, e);

  it('asks for the message, then stops until the use case says what became of it', () => {
    const first = start(offerJourney);
    expect(first.effects).toEqual([
      expect.objectContaining({ type: 'sendEmail', messageId: 'i-1.offer.1', fallback: 'sms' }),
    ]);
    expect(first.instance).toMatchObject({
      status: 'active',
      stepId: 'offer',
      path: ['offer'],
      waiting: { kind: 'send', until: T0, messageId: 'i-1.offer.1' },
    });
  });

  it.each([
    ['sent', 'tag', ['updateProfile', 'scheduleWake']],
    ['unknown', 'tag', ['updateProfile', 'scheduleWake']],
    ['skipped', 'other', []],
    ['failed', 'other', []],
  ] as const)('a message %s goes on to %s', (result, to, effects) => {
    const outcome = sent(start(offerJourney).instance, result, result === 'skipped' ? 'no-consent' : null);
    expect(outcome.instance.path).toEqual(['offer', to, ...(to === 'tag' ? ['pause'] : [])]);
    expect(types(outcome.effects)).toEqual(effects);
    expect(outcome.instance.version).toBe(2);
  });

  it('ends at an exit right after a skipped send with the reason, and only then', () => {
    const skipped = sent(start(offerJourney).instance, 'skipped', 'frequency-cap');
    expect(skipped.instance).toMatchObject({
      status: 'completed',
      endReason: 'reached exit; "offer" was not sent (skipped: frequency-cap)',
    });
    const went = sent(start(offerJourney).instance, 'sent');
    const reminded = wake(offerJourney, went.instance, '2026-11-07T10:00:00.000Z');
    expect(reminded.instance).toMatchObject({ status: 'completed', endReason: 'reached exit' });
  });

  it('asks after a send deferred by quiet hours when the wake-up sends it, not before', () => {
    const night = '2026-11-02T21:30:00.000Z'; // 22:30 in Berlin
    const deferred = start(offerJourney, env({ now: night }));
    expect(deferred.instance.waiting).toEqual({ kind: 'quiet', until: '2026-11-03T07:00:00.000Z' });
    const woken = wake(offerJourney, deferred.instance, '2026-11-03T07:00:00.000Z');
    expect(types(woken.effects)).toEqual(['sendEmail']);
    expect(woken.instance.waiting).toMatchObject({ kind: 'send', messageId: 'i-1.offer.1' });
    expect(woken.instance.path).toEqual(['offer']);
  });

  it('without onSkipped, goes on past the send in the same run, as every send step did before', () => {
    const journey = journeyOf({
      offer: { type: 'sendEmail', template: 'offer', next: 'pause' },
      pause: { type: 'wait', duration: 'P1D', next: 'end' },
      end: { type: 'exit' },
    });
    const { instance, effects } = start(journey);
    expect(types(effects)).toEqual(['sendEmail', 'scheduleWake']);
    expect(instance.waiting).toMatchObject({ kind: 'timer' });
  });

  it('counts the steps before the send against the run limit, so skip loops cannot spin', () => {
    const journey = journeyOf({
      a: { type: 'sendSms', template: 'hello', next: 'b', onSkipped: 'b' },
      b: { type: 'emit', detailType: 'Ping', next: 'a' },
    });
    let outcome = start(journey);
    let feeds = 0;
    while (outcome.instance.waiting?.kind === 'send') {
      const { messageId } = outcome.instance.waiting;
      outcome = step(
        journey,
        outcome.instance,
        { kind: 'sent', messageId, result: 'skipped', reason: 'x' },
        env(),
      );
      feeds += 1;
    }
    expect(outcome.instance).toMatchObject({ status: 'failed', endReason: 'ran 100 steps without waiting' });
    expect(feeds).toBeLessThanOrEqual(MAX_STEPS_PER_RUN / 2);
  });
});

describe('branch', () => {
  const branchJourney = Journey.parse({
    id: 'demo',
    name: 'Demo',
    category: 'care',
    trigger: {},
    start: 'route',
    steps: {
      route: {
        type: 'branch',
        cases: [
          { when: { profile: { attributes: { tier: ['vip'] } } }, next: 'vip' },
          { when: { trigger: { detail: { total: [{ numeric: ['>=', 100] }] } } }, next: 'big' },
          {
            when: { 'detail-type': ['Survey Answered'], detail: { nps: [{ numeric: ['<=', 6] }] } },
            next: 'sorry',
          },
        ],
        otherwise: 'end',
      },
      vip: { type: 'exit' },
      big: { type: 'exit' },
      sorry: { type: 'exit' },
      end: { type: 'exit' },
    },
  });

  it.each([
    ['a VIP profile', { attributes: { tier: 'vip' } }, 80, 'vip'],
    ['a large order in the trigger', { attributes: { tier: 'regular' } }, 150, 'big'],
    ['neither', {}, 80, 'end'],
  ])('routes %s', (_, profile, total, expected) => {
    const trigger = { ...order, detail: { ...order.detail, total } };
    const { instance } = startInstance(
      branchJourney,
      { instanceId: 'i', customerId: 'c-1', trigger },
      env({ profile }),
    );
    expect(instance.path).toEqual(['route', expected]);
  });
});

describe('randomSplit', () => {
  const split = journeyOf({
    split: {
      type: 'randomSplit',
      branches: [
        { percent: 30, next: 'a' },
        { percent: 70, next: 'b' },
      ],
    },
    a: { type: 'exit' },
    b: { type: 'exit' },
  });

  it.each([
    [0, 'a'],
    [0.2999, 'a'],
    [0.3, 'b'],
    [0.9999, 'b'],
  ])('a draw of %d takes branch %s', (draw, expected) => {
    expect(start(split, env({ draw: () => draw })).instance.path).toEqual(['split', expected]);
  });

  it('draws from the instance and the step: the same instance always takes the same branch', () => {
    const keys: string[] = [];
    const recordKey = (key: string) => {
      keys.push(key);
      return 0.5;
    };
    start(split, env({ draw: recordKey }), 'i-42');
    expect(keys).toEqual(['i-42/split']);
    const paths = new Set(Array.from({ length: 5 }, () => start(split, env(), 'i-42').instance.path.join()));
    expect(paths.size).toBe(1);
  });

  it('splits many instances close to the given proportions', () => {
    let a = 0;
    const runs = 10_000;
    for (let i = 0; i < runs; i += 1)
      if (start(split, env(), `demo.instance-${i}`).instance.path[1] === 'a') a += 1;
    expect(a / runs).toBeGreaterThan(0.28);
    expect(a / runs).toBeLessThan(0.32);
  });

  it('never takes a branch of 0 percent', () => {
    const never = journeyOf({
      split: {
        type: 'randomSplit',
        branches: [
          { percent: 100, next: 'a' },
          { percent: 0, next: 'b' },
        ],
      },
      a: { type: 'exit' },
      b: { type: 'exit' },
    });
    for (const draw of [0, 0.5, 0.999999])
      expect(start(never, env({ draw: () => draw })).instance.path[1]).toBe('a');
  });
});

describe('updateProfile', () => {
  it('asks to set the attributes, and later steps of the run already see them', () => {
    const journey = journeyOf({
      tag: { type: 'updateProfile', set: { winback: 'offered', score: 3 }, next: 'check' },
      check: {
        type: 'branch',
        cases: [{ when: { profile: { attributes: { winback: ['offered'], tier: ['vip'] } } }, next: 'yes' }],
        otherwise: 'no',
      },
      yes: { type: 'exit' },
      no: { type: 'exit' },
    });
    const { instance, effects } = start(journey);
    expect(effects).toEqual([{ type: 'updateProfile', attributes: { winback: 'offered', score: 3 } }]);
    expect(instance.path).toEqual(['tag', 'check', 'yes']);
  });
});

describe('emit and exit', () => {
  it("emits an event carrying the run's correlation fields and a stable id, then completes", () => {
    const journey = journeyOf({
      ask: { type: 'emit', detailType: 'Care Case Requested', detail: { reason: 'x' }, next: 'end' },
      end: { type: 'exit' },
    });
    const { instance, effects } = start(journey);
    expect(effects).toEqual([
      {
        type: 'emitEvent',
        eventId: 'i-1.ask.1',
        detailType: 'Care Case Requested',
        detail: { orderId: 'o-1', reason: 'x', customerId: 'c-1', journeyId: 'demo', instanceId: 'i-1' },
      },
    ]);
    expect(instance).toMatchObject({ status: 'completed', endReason: 'reached exit', waiting: null });
  });
});

describe('waitForEvent and goals', () => {
  const journey = journeyOf(
    {
      answer: {
        type: 'waitForEvent',
        pattern: { 'detail-type': ['Survey Answered'] },
        correlate: 'orderId',
        timeout: 'P3D',
        next: 'thanks',
        onTimeout: 'end',
      },
      thanks: { type: 'sendEmail', template: 'thanks', next: 'end' },
      end: { type: 'exit' },
    },
    { goal: { 'detail-type': ['Order Refunded'] } },
  );
  const event = (id: string, detailType: string, orderId = 'o-1'): EventRef => ({
    id,
    detailType,
    source: 'shop',
    time: T0,
    detail: { customerId: 'c-1', orderId },
  });

  it('moves on when the correlated event arrives and cancels the pending timeout', () => {
    const first = start(journey).instance;
    const answered = step(journey, first, { kind: 'event', event: event('e-a', 'Survey Answered') }, env());
    expect(answered.effects[0]).toEqual({ type: 'cancelWake', instanceId: 'i-1', version: 1 });
    expect(types(answered.effects)).toEqual(['cancelWake', 'sendEmail']);
  });

  it('ignores the answer to another order', () => {
    const first = start(journey).instance;
    expect(
      step(journey, first, { kind: 'event', event: event('e-a', 'Survey Answered', 'o-2') }, env()).changed,
    ).toBe(false);
  });

  it('ends as converted on the goal and cancels the wake-up it no longer needs', () => {
    const first = start(journey).instance;
    const converted = step(journey, first, { kind: 'event', event: event('e-r', 'Order Refunded') }, env());
    expect(converted.instance).toMatchObject({ status: 'converted', waiting: null, version: 2 });
    expect(converted.effects).toEqual([{ type: 'cancelWake', instanceId: 'i-1', version: 1 }]);
  });

  it('takes the timeout path when the wake-up comes first', () => {
    const first = start(journey).instance;
    expect(wake(journey, first, '2026-11-05T10:00:00.000Z').instance.path).toEqual(['answer', 'end']);
  });
});

describe('waitForEvent with a service level', () => {
  const journey = journeyOf({
    reply: {
      type: 'waitForEvent',
      pattern: { 'detail-type': ['Ticket Resolved'] },
      timeout: 'PT4H',
      next: 'end',
      onTimeout: 'escalate',
      sla: { priority: 'high' },
    },
    escalate: { type: 'emit', detailType: 'Care Case Escalated', next: 'end' },
    end: { type: 'exit' },
  });

  it('counts a breach at the timeout, before the escalation path runs', () => {
    const waiting = start(journey).instance;
    const late = wake(journey, waiting, '2026-11-02T14:00:00.000Z');
    expect(late.effects[0]).toEqual({ type: 'slaBreached', stepId: 'reply', priority: 'high' });
    expect(types(late.effects)).toEqual(['slaBreached', 'emitEvent']);
    expect(late.instance.path).toEqual(['reply', 'escalate', 'end']);
  });

  it('counts nothing when the event comes in time, nor for a stale wake-up after it', () => {
    const waiting = start(journey).instance;
    const resolved: EventRef = { ...order, id: 'e-resolved', detailType: 'Ticket Resolved' };
    const inTime = step(journey, waiting, { kind: 'event', event: resolved }, env());
    expect(types(inTime.effects)).not.toContain('slaBreached');
    const stale = step(journey, inTime.instance, { kind: 'wake', version: waiting.version }, env());
    expect(stale.effects).toEqual([]);
  });

  it('counts nothing at the timeout of a wait without one', () => {
    const plain = journeyOf({
      reply: { ...(journey.steps.reply as object), sla: undefined },
      escalate: journey.steps.escalate,
      end: journey.steps.end,
    });
    const late = wake(plain, start(plain).instance, '2026-11-02T14:00:00.000Z');
    expect(types(late.effects)).toEqual(['emitEvent']);
  });

  it.each(['High', '', 'p 1', 'x'.repeat(33)])('refuses the priority %j, naming the field', (priority) => {
    const parsed = Journey.safeParse({
      id: 'demo',
      name: 'Demo',
      category: 'care',
      trigger: { 'detail-type': ['Ticket Opened'] },
      start: 'reply',
      steps: {
        reply: { ...(journey.steps.reply as object), sla: { priority } },
        escalate: journey.steps.escalate,
        end: journey.steps.end,
      },
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.path.join('.'))).toEqual(['steps.reply.sla.priority']);
  });
});

describe('events delivered again', () => {
  const journey = journeyOf({
    first: {
      type: 'waitForEvent',
      pattern: { 'detail-type': ['Survey Answered'] },
      timeout: 'P3D',
      next: 'second',
      onTimeout: 'end',
    },
    second: {
      type: 'waitForEvent',
      pattern: { 'detail-type': ['Survey Answered'] },
      timeout: 'P3D',
      next: 'thanks',
      onTimeout: 'end',
    },
    thanks: { type: 'sendEmail', template: 'thanks', next: 'end' },
    end: { type: 'exit' },
  });
  const answer = (id: string, eventKey?: string): EventRef => ({
    id,
    detailType: 'Survey Answered',
    source: 'careflow',
    time: T0,
    detail: { customerId: 'c-1', score: 9, ...(eventKey ? { eventKey } : {}) },
  });
  const feed = (instance: Instance, event: EventRef) =>
    step(journey, instance, { kind: 'event', event }, env());

  it('does not take a copy of the event that moved it last, sent again under a new id, as a new one', () => {
    const waiting = feed(start(journey).instance, answer('e-1', 'k-1')).instance;
    expect(waiting.stepId).toBe('second');
    expect(feed(waiting, answer('e-2', 'k-1')).changed).toBe(false);
    expect(types(feed(waiting, answer('e-3', 'k-2')).effects)).toContain('sendEmail');
  });

  it('without event keys, tells events apart by their ids', () => {
    const waiting = feed(start(journey).instance, answer('e-1')).instance;
    expect(feed(waiting, answer('e-1')).changed).toBe(false);
    expect(types(feed(waiting, answer('e-2')).effects)).toContain('sendEmail');
  });
});

describe('holdout group', () => {
  const withHoldout = journeyOf(
    { send: { type: 'sendEmail', template: 'hello', next: 'end' }, end: { type: 'exit' } },
    { holdout: { percent: 10 } },
  );

  it('lets a held-out customer enter and end at once, with nothing sent, when there is no window', () => {
    const held = start(withHoldout, env({ draw: () => 0.05 }));
    expect(held.instance).toMatchObject({ status: 'holdout', version: 1, path: [], waiting: null });
    expect(held.effects).toEqual([]);
    const treated = start(withHoldout, env({ draw: () => 0.5 }));
    expect(types(treated.effects)).toEqual(['sendEmail']);
  });

  it('decides by customer, the same way every time, for about the given share', () => {
    let held = 0;
    for (let i = 0; i < 10_000; i += 1) {
      const customerId = `c-${i}`;
      const first = start(withHoldout, env(), `i-${i}-a`, customerId).instance.status;
      const again = start(withHoldout, env(), `i-${i}-b`, customerId).instance.status;
      expect(again).toBe(first);
      if (first === 'holdout') held += 1;
    }
    expect(held / 10_000).toBeGreaterThan(0.085);
    expect(held / 10_000).toBeLessThan(0.115);
  });

  it('draws the holdout per journey, so the same customers are not held out of everything', () => {
    const other = Journey.parse({ ...withHoldout, id: 'other' });
    const ids = Array.from({ length: 2000 }, (_, i) => `c-${i}`);
    const heldHere = ids.filter((c) => hashDraw(`holdout/demo/${c}`) < 0.1);
    const heldThere = new Set(ids.filter((c) => start(other, env(), 'i', c).instance.status === 'holdout'));
    const both = heldHere.filter((c) => heldThere.has(c)).length;
    expect(both).toBeLessThan(heldHere.length / 2);
  });
});

describe('conversion window', () => {
  const DAY = 86_400_000;
  const day = (n: number) => new Date(Date.parse(T0) + n * DAY).toISOString();
  const measured = journeyOf(
    {
      pause: { type: 'wait', duration: 'P1D', next: 'offer' },
      offer: { type: 'sendEmail', template: 'offer', next: 'end' },
      end: { type: 'exit' },
    },
    { holdout: { percent: 10 }, goal: { 'detail-type': ['Order Completed'] }, goalWindow: 'P7D' },
  );
  const heldOut = env({ draw: () => 0.05 });
  const treated = env({ draw: () => 0.5 });
  const event = (id: string, detailType: string): EventRef => ({
    id,
    detailType,
    source: 'shop',
    time: T0,
    detail: { customerId: 'c-1', orderId: 'o-2' },
  });
  const reorder = event('e-reorder', 'Order Completed');
  const feed = (instance: Instance, input: Instance['lastEvent'] | 'wake', now: string, e = heldOut) =>
    step(
      measured,
      instance,
      input === 'wake'
        ? { kind: 'wake', version: instance.version }
        : { kind: 'event', event: input ?? order },
      { ...e, now },
    );

  it('keeps a held-out customer open, sending nothing, until the window ends', () => {
    const { instance, effects } = start(measured, heldOut);
    expect(instance).toMatchObject({
      status: 'holdout',
      path: [],
      endedAt: null,
      waiting: { kind: 'goal', until: day(7) },
      goalWindow: { group: 'control', until: day(7), convertedAt: null },
    });
    expect(effects).toEqual([{ type: 'scheduleWake', instanceId: 'i-1', version: 1, at: day(7) }]);
  });

  it('ignores everything but the goal and its own wake-up while held out', () => {
    const { instance } = start(measured, heldOut);
    for (const [input, now] of [
      [event('e-answer', 'Survey Answered'), day(1)],
      [order, day(1)], // the trigger again
      [event('e-refund', 'Order Refunded'), day(2)],
    ] as const) {
      expect(feed(instance, input, now).changed).toBe(false);
    }
    expect(step(measured, instance, { kind: 'wake', version: 0 }, { ...heldOut, now: day(7) }).changed).toBe(
      false,
    );
  });

  it('counts a held-out customer who reaches the goal within the window, and ends the watch', () => {
    const { instance } = start(measured, heldOut);
    const converted = feed(instance, reorder, day(3));
    expect(converted.instance).toMatchObject({
      status: 'holdout',
      version: 2,
      waiting: null,
      endedAt: day(3),
      lastEvent: reorder,
      goalWindow: { group: 'control', convertedAt: day(3) },
    });
    expect(converted.effects).toEqual([{ type: 'cancelWake', instanceId: 'i-1', version: 1 }]);
    expect(feed(converted.instance, event('e-again', 'Order Completed'), day(4)).changed).toBe(false);
  });

  it('ends a held-out instance unconverted at the end of the window, and counts no later goal', () => {
    const { instance } = start(measured, heldOut);
    expect(feed(instance, reorder, day(7)).instance.goalWindow?.convertedAt).toBe(day(7));
    const late = feed(instance, reorder, new Date(Date.parse(day(7)) + 1).toISOString());
    expect(late.changed).toBe(false);
    const expired = feed(instance, 'wake', day(7));
    expect(expired.instance).toMatchObject({
      status: 'holdout',
      waiting: null,
      endedAt: day(7),
      endReason: 'held out; the goal was not reached within the window',
      goalWindow: { convertedAt: null },
    });
    expect(expired.effects).toEqual([]);
    expect(feed(expired.instance, reorder, day(7)).changed).toBe(false);
  });

  it('counts a treated customer who converts within the window, mid-journey', () => {
    const { instance } = start(measured, treated);
    expect(instance.goalWindow).toEqual({ group: 'treatment', until: day(7), convertedAt: null });
    const converted = feed(instance, reorder, day(0.5), treated);
    expect(converted.instance).toMatchObject({
      status: 'converted',
      goalWindow: { group: 'treatment', convertedAt: day(0.5) },
    });
  });

  it('watches a treated customer after the journey ended, until the window ends', () => {
    const opened = start(measured, treated).instance;
    const done = feed(opened, 'wake', day(1), treated);
    expect(done.instance).toMatchObject({ status: 'completed', goalWindow: { convertedAt: null } });
    expect(feed(done.instance, 'wake', day(2), treated).changed).toBe(false);
    expect(feed(done.instance, event('e-x', 'Survey Answered'), day(2), treated).changed).toBe(false);
    const late = feed(done.instance, reorder, new Date(Date.parse(day(7)) + 1).toISOString(), treated);
    expect(late.changed).toBe(false);
    const converted = feed(done.instance, reorder, day(6), treated);
    expect(converted.instance).toMatchObject({
      status: 'completed',
      version: done.instance.version + 1,
      goalWindow: { convertedAt: day(6) },
    });
    expect(converted.effects).toEqual([]);
    expect(feed(converted.instance, event('e-again', 'Order Completed'), day(6), treated).changed).toBe(
      false,
    );
  });

  it('ends a treated journey on a goal after the window, without counting it', () => {
    const long = Journey.parse({
      ...measured,
      steps: { ...measured.steps, pause: { ...measured.steps.pause, duration: 'P10D' } },
    });
    const { instance } = start(long, treated);
    const ended = step(long, instance, { kind: 'event', event: reorder }, { ...treated, now: day(8) });
    expect(ended.instance).toMatchObject({ status: 'converted', goalWindow: { convertedAt: null } });
  });
});
