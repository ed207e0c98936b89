import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { postPurchaseSurvey } from '../../../shared/domain/defaults/post-purchase-survey.js';
import { isQuiet } from '../../../shared/domain/guards/quiet-hours.js';
import { Journey } from '../../../shared/domain/journey/definition.js';
import { hashDraw } from '../../../shared/domain/journey/draw.js';
import { type EventRef, Instance } from '../../../shared/domain/journey/instance.js';
import {
  MAX_STEPS_PER_RUN,
  type StepInput,
  startInstance,
  step,
} from '../../../shared/domain/journey/interpreter.js';

const journey = Journey.parse(postPurchaseSurvey);
const T0 = '2026-11-02T09:00:00.000Z';
const at = (hours: number) => new Date(Date.parse(T0) + hours * 3_600_000).toISOString();
const env = (now: string) => ({ now, profile: { tier: 'vip' } });

const order: EventRef = {
  id: 'e-order',
  detailType: 'Order Completed',
  source: 'shop',
  time: T0,
  detail: { customerId: 'c-1', orderId: 'o-1', total: 10 },
};
const answer = (id: string, nps: number, orderId = 'o-1'): EventRef => ({
  id,
  detailType: 'Survey Answered',
  source: 'careflow',
  time: T0,
  detail: { customerId: 'c-1', orderId, nps, score: nps },
});

const started = () =>
  startInstance(journey, { instanceId: 'i-1', customerId: 'c-1', trigger: order }, env(T0));

describe('journey interpreter', () => {
  it('starts in the first wait and asks for a wake-up 24 hours later', () => {
    const { instance, effects } = started();
    expect(instance).toMatchObject({
      status: 'active',
      stepId: 'wait',
      version: 1,
      waiting: { kind: 'timer', until: at(24) },
    });
    expect(effects).toEqual([{ type: 'scheduleWake', instanceId: 'i-1', version: 1, at: at(24) }]);
  });

  it("sends the invitation on the wake-up and then waits for this order's answer", () => {
    const woken = step(journey, started().instance, { kind: 'wake', version: 1 }, env(at(24)));
    expect(woken.effects.map((e) => e.type)).toEqual(['sendEmail', 'scheduleWake']);
    expect(woken.effects[0]).toMatchObject({
      messageId: 'i-1.invite.1',
      template: 'survey-nps',
      survey: { kind: 'nps' },
    });
    expect(woken.instance.waiting).toEqual({
      kind: 'event',
      until: at(24 + 72),
      correlation: { field: 'orderId', value: 'o-1' },
    });
  });

  it('ignores a wake-up scheduled for an older version', () => {
    const first = started().instance;
    const woken = step(journey, first, { kind: 'wake', version: 1 }, env(at(24))).instance;
    const stale = step(journey, woken, { kind: 'wake', version: 1 }, env(at(30)));
    expect(stale.changed).toBe(false);
    expect(stale.effects).toEqual([]);
  });

  it.each([
    [2, 'sorry', ['cancelWake', 'sendEmail', 'emitEvent']],
    [10, 'thanks', ['cancelWake', 'sendEmail']],
    [7, 'end', ['cancelWake']],
  ])('routes an answer of %i through %s, cancelling the reminder wake-up', (nps, stepAfter, effectTypes) => {
    const woken = step(journey, started().instance, { kind: 'wake', version: 1 }, env(at(24))).instance;
    const answered = step(journey, woken, { kind: 'event', event: answer('e-a', nps) }, env(at(25)));
    expect(answered.instance.path).toContain(stepAfter);
    expect(answered.effects.map((e) => e.type)).toEqual(effectTypes);
    expect(answered.instance.status).toBe('completed');
  });

  it('does not take the answer to another order', () => {
    const woken = step(journey, started().instance, { kind: 'wake', version: 1 }, env(at(24))).instance;
    expect(step(journey, woken, { kind: 'event', event: answer('e-a', 1, 'o-2') }, env(at(25))).changed).toBe(
      false,
    );
  });

  it('ends at once, as a conversion, when the goal event arrives mid-wait', () => {
    const withGoal = Journey.parse({ ...postPurchaseSurvey, goal: { 'detail-type': ['Order Refunded'] } });
    const first = startInstance(
      withGoal,
      { instanceId: 'i-1', customerId: 'c-1', trigger: order },
      env(T0),
    ).instance;
    const refund: EventRef = { ...order, id: 'e-refund', detailType: 'Order Refunded' };
    const ended = step(withGoal, first, { kind: 'event', event: refund }, env(at(2)));
    expect(ended.instance).toMatchObject({ status: 'converted', waiting: null, version: 2 });
    // The pending wake is now stale.
    expect(step(withGoal, ended.instance, { kind: 'wake', version: 1 }, env(at(24))).changed).toBe(false);
  });

  it('fails an instance that runs too many steps without waiting instead of spinning', () => {
    const spinning = Journey.parse({
      id: 'spin',
      name: 'Spin',
      category: 'care',
      trigger: {},
      start: 'a',
      steps: {
        a: { type: 'emit', detailType: 'Ping', next: 'b' },
        b: { type: 'emit', detailType: 'Pong', next: 'a' },
      },
    });
    const { instance, effects } = startInstance(
      spinning,
      { instanceId: 'i', customerId: 'c', trigger: order },
      env(T0),
    );
    expect(instance.status).toBe('failed');
    expect(effects).toHaveLength(MAX_STEPS_PER_RUN);
  });

  it('keeps every instance valid whatever events and wake-ups arrive (property)', () => {
    const input = fc.oneof(
      fc.record({ kind: fc.constant('wake' as const), version: fc.nat(8) }),
      fc.record({
        kind: fc.constant('event' as const),
        event: fc.record({
          id: fc.string({ minLength: 1, maxLength: 4 }),
          detailType: fc.constantFrom('Survey Answered', 'Order Completed', 'Other'),
          source: fc.constant('shop'),
          time: fc.constant(T0),
          detail: fc.record({
            customerId: fc.constant('c-1'),
            orderId: fc.constantFrom('o-1', 'o-2'),
            nps: fc.nat(10),
          }),
        }),
      }),
    );
    fc.assert(
      fc.property(fc.array(input, { maxLength: 30 }), (inputs: StepInput[]) => {
        let { instance } = started();
        const messageIds = new Set<string>();
        let hour = 0;
        for (const next of inputs) {
          hour += 1;
          const outcome = step(journey, instance, next, env(at(hour)));
          expect(() => Instance.parse(outcome.instance)).not.toThrow();
          expect(outcome.instance.version).toBeGreaterThanOrEqual(instance.version);
          if (outcome.instance.status === 'active') expect(outcome.instance.waiting).not.toBeNull();
          else expect(outcome.instance.waiting).toBeNull();
          for (const effect of outcome.effects) {
            if (effect.type !== 'sendEmail') continue;
            expect(messageIds.has(effect.messageId)).toBe(false);
            messageIds.add(effect.messageId);
          }
          instance = outcome.instance;
        }
      }),
      { numRuns: 300 },
    );
  });
});

/** Every step type at once, to run through the property below. */
const everyStep = Journey.parse({
  id: 'every-step',
  name: 'Every step type',
  category: 'marketing',
  trigger: { 'detail-type': ['Order Completed'] },
  holdout: { percent: 10 },
  start: 'settle',
  steps: {
    settle: { type: 'wait', duration: 'PT5H', next: 'morning' },
    morning: { type: 'waitUntil', time: '09:30', next: 'offer' },
    offer: { type: 'sendEmail', template: 'offer', fallback: 'sms', next: 'tag' },
    tag: { type: 'updateProfile', set: { offered: true }, next: 'split' },
    split: {
      type: 'randomSplit',
      branches: [
        { percent: 50, next: 'nudge' },
        { percent: 50, next: 'answer' },
      ],
    },
    nudge: { type: 'sendSms', template: 'nudge', fallback: 'email', next: 'answer' },
    answer: {
      type: 'waitForEvent',
      pattern: { 'detail-type': ['Survey Answered'] },
      correlate: 'orderId',
      timeout: 'P2D',
      next: 'route',
      onTimeout: 'birthday',
    },
    route: {
      type: 'branch',
      cases: [{ when: { detail: { nps: [{ numeric: ['<=', 6] }] } }, next: 'sorry' }],
      otherwise: 'birthday',
    },
    sorry: { type: 'emit', detailType: 'Care Case Requested', next: 'birthday' },
    birthday: {
      type: 'waitUntil',
      date: 'profile.birthday',
      annual: true,
      time: '09:00',
      onMissing: 'end',
      next: 'greet',
    },
    greet: { type: 'sendEmail', template: 'birthday', next: 'birthday' },
    end: { type: 'exit' },
  },
  goal: { 'detail-type': ['Order Refunded'] },
  goalWindow: 'P3D',
});

describe('journey interpreter, every step type (property)', () => {
  const zones = [
    'UTC',
    'Europe/Berlin',
    'America/New_York',
    'Asia/Shanghai',
    'Australia/Adelaide',
    'Asia/Kathmandu',
  ];
  const quiet = fc.constantFrom(
    { start: '21:00', end: '08:00' },
    { start: '22:30', end: '07:15' },
    { start: '12:00', end: '14:00' },
    null,
  );
  const event = fc.record({
    id: fc.string({ minLength: 1, maxLength: 3 }),
    detailType: fc.constantFrom('Survey Answered', 'Order Completed', 'Order Refunded', 'Other'),
    source: fc.constant('shop'),
    time: fc.constant(T0),
    detail: fc.record({
      customerId: fc.constant('c-1'),
      orderId: fc.constantFrom('o-1', 'o-2'),
      nps: fc.nat(10),
    }),
  });
  /** What happens next: time passes, then a wake-up (the due one, or a stale one) or an event arrives. */
  const move = fc.record({
    minutes: fc.integer({ min: 0, max: 4 * 24 * 60 }),
    input: fc.oneof(
      fc.constant({ kind: 'due' as const }),
      fc.record({ kind: fc.constant('stale' as const), version: fc.nat(40) }),
      fc.record({ kind: fc.constant('event' as const), event }),
    ),
  });

  it('stays valid, waits correctly, never sends in quiet hours and never repeats a message', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        quiet,
        fc.constantFrom('1990-07-14', '2000-02-29', undefined),
        fc.string({ minLength: 1, maxLength: 6 }),
        fc.date({
          min: new Date('2026-01-01T00:00:00Z'),
          max: new Date('2027-12-31T00:00:00Z'),
          noInvalidDate: true,
        }),
        fc.array(move, { maxLength: 40 }),
        fc.boolean(),
        (zone, quietHours, birthday, customerId, startAt, moves, heldOut) => {
          let now = startAt.getTime();
          // Half of the runs are held out (the hash of the customer id would hold out one in ten).
          const draw = (key: string) => (key.startsWith('holdout/') ? (heldOut ? 0 : 0.99) : hashDraw(key));
          const envAt = () => ({
            now: new Date(now).toISOString(),
            profile: birthday ? { birthday } : {},
            timeZone: zone,
            quietHours,
            draw,
          });
          const trigger: EventRef = { ...order, detail: { ...order.detail, customerId } };
          let outcome = startInstance(
            everyStep,
            { instanceId: `i-${customerId}`, customerId, trigger },
            envAt(),
          );
          const sent = new Set<string>();
          const check = (previous: Instance | null, result: typeof outcome) => {
            const { instance, effects } = result;
            expect(() => Instance.parse(instance)).not.toThrow();
            // Open (waiting for time, an event or the goal) exactly while not ended.
            expect(instance.endedAt === null).toBe(instance.waiting !== null);
            if (instance.status === 'active') expect(instance.waiting).not.toBeNull();
            expect(instance.status === 'holdout').toBe(heldOut);
            expect(instance.goalWindow?.group).toBe(heldOut ? 'control' : 'treatment');
            if (heldOut) {
              // A held-out customer is sent nothing, runs no step and changes nothing.
              expect(instance.path).toEqual([]);
              expect(effects.every((e) => e.type === 'scheduleWake' || e.type === 'cancelWake')).toBe(true);
            }
            const convertedAt = instance.goalWindow?.convertedAt;
            if (convertedAt)
              expect(Date.parse(convertedAt)).toBeLessThanOrEqual(
                Date.parse(instance.goalWindow?.until ?? ''),
              );
            if (previous?.goalWindow?.convertedAt) expect(convertedAt).toBe(previous.goalWindow.convertedAt);
            if (previous) {
              expect(instance.version).toBe(result.changed ? previous.version + 1 : previous.version);
              if (!result.changed) expect(instance).toBe(previous);
            }
            if (instance.status !== 'failed') expect(everyStep.steps[instance.stepId]).toBeDefined();
            for (const effect of effects) {
              if (effect.type === 'scheduleWake') {
                expect(effect.version).toBe(instance.version);
                expect(effect.at).toBe(instance.waiting?.until);
                expect(Date.parse(effect.at)).toBeGreaterThan(now);
              }
              if (effect.type === 'cancelWake') expect(effect.version).toBe(previous?.version);
              if (effect.type === 'sendEmail' || effect.type === 'sendSms') {
                expect(isQuiet(new Date(now).toISOString(), zone, quietHours)).toBe(false);
                expect(sent.has(effect.messageId)).toBe(false);
                sent.add(effect.messageId);
              }
            }
          };
          check(null, outcome);
          for (const { minutes, input } of moves) {
            const previous = outcome.instance;
            now += minutes * 60_000;
            let stepInput: StepInput;
            if (input.kind === 'due') {
              // The scheduler fires at the time asked for (or later, never earlier).
              if (previous.waiting) now = Math.max(now, Date.parse(previous.waiting.until));
              stepInput = { kind: 'wake', version: previous.version };
            } else if (input.kind === 'stale') {
              stepInput = {
                kind: 'wake',
                version: input.version === previous.version ? previous.version + 1 : input.version,
              };
            } else {
              stepInput = { kind: 'event', event: input.event };
            }
            outcome = step(everyStep, previous, stepInput, envAt());
            if (input.kind === 'stale') expect(outcome.changed).toBe(false);
            check(previous, outcome);
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});
