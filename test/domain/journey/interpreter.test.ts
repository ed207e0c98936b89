import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { postPurchaseSurvey } from '../../../shared/domain/defaults/post-purchase-survey.js';
import { isQuiet } from '../../../shared/domain/guards/quiet-hours.js';
import { Journey } from '../../../shared/domain/journey/definition.js';
import { hashDraw } from '../../../shared/domain/journey/draw.js';
import type { SendResult } from '../../../shared/domain/journey/effects.js';
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

/** The invitation's wake-up, then what became of the invitation (the use case tells at once). */
const invited = (result: SendResult = 'sent', reason: string | null = null) => {
  const woken = step(journey, started().instance, { kind: 'wake', version: 1 }, env(at(24)));
  return step(
    journey,
    woken.instance,
    { kind: 'sent', messageId: 'i-1.invite.1', result, reason },
    env(at(24)),
  );
};

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

  it("sends the invitation on the wake-up and, once it went out, waits for this order's answer", () => {
    const woken = step(journey, started().instance, { kind: 'wake', version: 1 }, env(at(24)));
    expect(woken.effects.map((e) => e.type)).toEqual(['sendEmail']);
    expect(woken.effects[0]).toMatchObject({
      messageId: 'i-1.invite.1',
      template: 'survey-nps',
      survey: { kind: 'nps' },
    });
    expect(woken.instance.waiting).toEqual({
      kind: 'send',
      until: at(24),
      messageId: 'i-1.invite.1',
      ran: 1,
    });
    const sent = invited('sent');
    expect(sent.effects.map((e) => e.type)).toEqual(['scheduleWake']);
    expect(sent.instance.waiting).toEqual({
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
    const woken = invited().instance;
    const answered = step(journey, woken, { kind: 'event', event: answer('e-a', nps) }, env(at(25)));
    expect(answered.instance.path).toContain(stepAfter);
    expect(answered.effects.map((e) => e.type)).toEqual(effectTypes);
    expect(answered.instance.status).toBe('completed');
  });

  it.each([
    ['skipped', 'suppressed', 'skipped: suppressed'],
    ['skipped', 'frequency-cap', 'skipped: frequency-cap'],
    ['failed', 'MessageRejected', 'failed: MessageRejected'],
  ] as const)('ends at once, with no reminder, when the invitation was %s (%s)', (result, reason, why) => {
    const ended = invited(result, reason);
    expect(ended.effects).toEqual([]);
    expect(ended.instance).toMatchObject({
      status: 'completed',
      stepId: 'not-invited',
      path: ['wait', 'invite', 'not-invited'],
      waiting: null,
      endReason: `reached exit; "invite" was not sent (${why})`,
    });
  });

  it('goes on to wait for the answer when the invitation may have gone out (outcome unknown)', () => {
    expect(invited('unknown', 'TimeoutError').instance).toMatchObject({
      stepId: 'answer',
      waiting: { kind: 'event' },
    });
  });

  it("waits for nothing but the invitation's outcome: other inputs and other messages leave it as it is", () => {
    const woken = step(journey, started().instance, { kind: 'wake', version: 1 }, env(at(24))).instance;
    const inputs: StepInput[] = [
      { kind: 'wake', version: woken.version },
      { kind: 'event', event: answer('e-a', 3) },
      { kind: 'sent', messageId: 'i-1.remind.1', result: 'skipped', reason: 'suppressed' },
    ];
    for (const input of inputs) expect(step(journey, woken, input, env(at(24))).changed).toBe(false);
  });

  it('ignores an outcome it does not wait for', () => {
    const waiting = started().instance;
    const outcome = step(
      journey,
      waiting,
      { kind: 'sent', messageId: 'i-1.invite.1', result: 'skipped', reason: 'suppressed' },
      env(at(1)),
    );
    expect(outcome.changed).toBe(false);
  });

  it('runs a version published without onSkipped as before: past the invitation in one run', () => {
    const { onSkipped: _, ...invite } = postPurchaseSurvey.steps.invite as Record<string, unknown>;
    const before = Journey.parse({ ...postPurchaseSurvey, steps: { ...postPurchaseSurvey.steps, invite } });
    const woken = step(before, started().instance, { kind: 'wake', version: 1 }, env(at(24)));
    expect(woken.effects.map((e) => e.type)).toEqual(['sendEmail', 'scheduleWake']);
    expect(woken.instance).toMatchObject({ stepId: 'answer', waiting: { kind: 'event' } });
  });

  it('does not take the answer to another order', () => {
    const woken = invited().instance;
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
          let outcome = step(journey, instance, next, env(at(hour)));
          const effects = [...outcome.effects];
          // The use case tells a waiting send step at once what became of its message.
          const waiting = outcome.instance.waiting;
          if (waiting?.kind === 'send') {
            const result: SendResult = hour % 3 === 0 ? 'skipped' : 'sent';
            const sent = { kind: 'sent', messageId: waiting.messageId, result, reason: null } as const;
            outcome = step(journey, outcome.instance, sent, env(at(hour)));
            effects.push(...outcome.effects);
            // A customer the invitation did not reach is never reminded of it: the instance ends.
            expect(outcome.instance.path.includes('not-invited')).toBe(result === 'skipped');
            if (result === 'skipped') expect(outcome.instance.status).toBe('completed');
          }
          expect(() => Instance.parse(outcome.instance)).not.toThrow();
          expect(outcome.instance.version).toBeGreaterThanOrEqual(instance.version);
          if (outcome.instance.status === 'active') expect(outcome.instance.waiting).not.toBeNull();
          else expect(outcome.instance.waiting).toBeNull();
          for (const effect of effects) {
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
    offer: { type: 'sendEmail', template: 'offer', fallback: 'sms', next: 'tag', onSkipped: 'unoffered' },
    unoffered: { type: 'emit', detailType: 'Offer Not Sent', next: 'answer' },
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
    /** What becomes of a message whose step waits for it (the offer). */
    result: fc.constantFrom<SendResult>('sent', 'skipped', 'failed', 'unknown'),
    input: fc.oneof(
      fc.constant({ kind: 'due' as const }),
      fc.record({ kind: fc.constant('stale' as const), version: fc.nat(40) }),
      fc.record({ kind: fc.constant('event' as const), event }),
    ),
  });

  it('stays valid, waits correctly, never sends in quiet hours, never repeats a message and follows each send the way its outcome says', () => {
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
          /**
           * As the use case does: a send step that waits for its message is told at once what
           * became of it. The step after it is `next` exactly when the message may have gone out:
           * a step for a skipped offer never follows a sent one, and the other way round.
           */
          const tell = (result: SendResult) => {
            const previous = outcome.instance;
            const waiting = previous.waiting;
            if (waiting?.kind !== 'send') return;
            expect(outcome.effects.at(-1)).toMatchObject({ messageId: waiting.messageId });
            outcome = step(
              everyStep,
              previous,
              { kind: 'sent', messageId: waiting.messageId, result, reason: null },
              envAt(),
            );
            check(previous, outcome);
            const after = outcome.instance.path[previous.path.length];
            expect(after).toBe(result === 'skipped' || result === 'failed' ? 'unoffered' : 'tag');
            expect(outcome.instance.waiting?.kind).not.toBe('send');
          };
          check(null, outcome);
          for (const { minutes, input, result } of moves) {
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
            tell(result);
          }
          // Across the whole path too: whatever came before, a skipped offer's step comes only right after the offer.
          outcome.instance.path.forEach((id, i) => {
            if (id === 'unoffered' || id === 'tag') expect(outcome.instance.path[i - 1]).toBe('offer');
          });
        },
      ),
      { numRuns: 400 },
    );
  });
});
