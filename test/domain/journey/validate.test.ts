import { describe, expect, it } from 'vitest';
import { defaultJourneys } from '../../../shared/domain/defaults/index.js';
import { postPurchaseSurvey } from '../../../shared/domain/defaults/post-purchase-survey.js';
import { validateJourney } from '../../../shared/domain/journey/validate.js';

const base = {
  id: 'demo',
  name: 'Demo',
  category: 'care',
  trigger: { 'detail-type': ['Order Completed'] },
  start: 'a',
};

const problemsOf = (journey: unknown) => {
  const result = validateJourney(journey);
  return result.ok ? [] : result.problems;
};

describe('journey validation', () => {
  it('accepts the seeded post-purchase survey', () => {
    expect(problemsOf(postPurchaseSurvey)).toEqual([]);
  });

  it('lists every problem at once, each with its location', () => {
    const problems = problemsOf({
      ...base,
      start: 'missing',
      steps: {
        a: { type: 'sendEmail', template: 't', next: 'nowhere' },
        b: { type: 'wait', duration: 'P400D', next: 'a' },
      },
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        { path: 'start', message: 'names the step "missing", which does not exist' },
        { path: 'steps.a', message: 'leads to the step "nowhere", which does not exist' },
        { path: 'steps.b.duration', message: 'must not be longer than a year' },
        { path: 'steps.a', message: 'cannot be reached from the start step' },
      ]),
    );
  });

  it('names the field of a schema error', () => {
    const problems = problemsOf({ ...base, steps: { a: { type: 'wait', duration: 'soon', next: 'a' } } });
    expect(problems).toContainEqual({
      path: 'steps.a.duration',
      message: 'must be a duration such as PT24H, P3D or P1DT12H',
    });
  });

  it('refuses a loop that never waits', () => {
    const problems = problemsOf({
      ...base,
      steps: {
        a: { type: 'sendEmail', template: 't', next: 'b' },
        b: { type: 'emit', detailType: 'X', next: 'a' },
      },
    });
    expect(problems.map((p) => p.message).join()).toContain('loops without a wait');
  });

  describe('onSkipped', () => {
    const skipping = (steps: Record<string, unknown>) => problemsOf({ ...base, steps });

    it('accepts a send step with a way out for a message that is not sent', () => {
      expect(
        skipping({
          a: { type: 'sendEmail', template: 't', fallback: 'sms', next: 'b', onSkipped: 'c' },
          b: { type: 'wait', duration: 'P3D', next: 'c' },
          c: { type: 'sendSms', template: 't', fallback: 'email', next: 'd', onSkipped: 'e' },
          d: { type: 'exit' },
          e: { type: 'exit' },
        }),
      ).toEqual([]);
    });

    it('lists a dangling onSkipped and the steps only it would reach, with their locations', () => {
      expect(
        skipping({
          a: { type: 'sendEmail', template: 't', next: 'b', onSkipped: 'nowhere' },
          b: { type: 'exit' },
          orphan: { type: 'exit' },
          c: { type: 'sendSms', template: 't', next: 'b', onSkipped: 'd' },
          d: { type: 'exit' },
        }),
      ).toEqual([
        { path: 'steps.a', message: 'leads to the step "nowhere", which does not exist' },
        { path: 'steps.orphan', message: 'cannot be reached from the start step' },
        { path: 'steps.c', message: 'cannot be reached from the start step' },
        { path: 'steps.d', message: 'cannot be reached from the start step' },
      ]);
    });

    it('counts the steps only onSkipped reaches as reachable', () => {
      expect(
        skipping({
          a: { type: 'sendEmail', template: 't', next: 'b', onSkipped: 'c' },
          b: { type: 'exit' },
          c: { type: 'exit' },
        }),
      ).toEqual([]);
    });

    it('refuses an onSkipped that leads where next does', () => {
      expect(
        skipping({ a: { type: 'sendSms', template: 't', next: 'b', onSkipped: 'b' }, b: { type: 'exit' } }),
      ).toEqual([
        {
          path: 'steps.a.onSkipped',
          message:
            'leads where next does ("b"): leave it out, or name the step for a message that was not sent',
        },
      ]);
    });

    it('refuses a loop through onSkipped that never waits', () => {
      const problems = skipping({
        a: { type: 'sendEmail', template: 't', next: 'b', onSkipped: 'a' },
        b: { type: 'exit' },
      });
      expect(problems).toContainEqual({ path: 'steps.a', message: 'loops without a wait: a → a' });
    });

    it('names the field when onSkipped is not a step id', () => {
      expect(
        skipping({
          a: { type: 'sendEmail', template: 't', next: 'b', onSkipped: 'not an id' },
          b: { type: 'exit' },
        }),
      ).toEqual([{ path: 'steps.a.onSkipped', message: 'must be a step id such as "invite"' }]);
    });
  });

  it('accepts a loop that waits', () => {
    const problems = problemsOf({
      ...base,
      steps: {
        a: { type: 'sendEmail', template: 't', next: 'b' },
        b: { type: 'wait', duration: 'P7D', next: 'a' },
      },
    });
    expect(problems).toEqual([]);
  });

  it('reports a malformed pattern under the step that holds it', () => {
    const problems = problemsOf({
      ...base,
      steps: {
        a: {
          type: 'waitForEvent',
          pattern: { detail: { nps: [{ numeric: ['>>', 5] }] } },
          timeout: 'P1D',
          next: 'b',
          onTimeout: 'b',
        },
        b: { type: 'exit' },
      },
    });
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => p.path.startsWith('steps.a.pattern'))).toBe(true);
  });

  it.each([
    [
      'split percentages that do not add up to 100',
      {
        s: {
          type: 'randomSplit',
          branches: [
            { percent: 40, next: 'e' },
            { percent: 50, next: 'e' },
          ],
        },
        e: { type: 'exit' },
      },
      { path: 'steps.s.branches', message: 'percentages must add up to 100, not 90' },
    ],
    [
      'a waitForEvent without a timeout',
      { w: { type: 'waitForEvent', pattern: {}, next: 'e', onTimeout: 'e' }, e: { type: 'exit' } },
      { path: 'steps.w.timeout', message: 'is required: a waitForEvent step needs a timeout such as P3D' },
    ],
    [
      'a date attribute in an unknown form',
      {
        w: { type: 'waitUntil', date: 'birthday', annual: true, time: '09:00', next: 'e' },
        e: { type: 'exit' },
      },
      {
        path: 'steps.w.date',
        message: 'must name a date as profile.birthday, profile.attributes.<name> or trigger.detail.<name>',
      },
    ],
    [
      'a yearly wait without a date',
      { w: { type: 'waitUntil', annual: true, time: '09:00', next: 'e' }, e: { type: 'exit' } },
      { path: 'steps.w.annual', message: 'needs a date: every year on which day?' },
    ],
    [
      'a time of day that is not one',
      { w: { type: 'waitUntil', time: '9am', next: 'e' }, e: { type: 'exit' } },
      { path: 'steps.w.time', message: 'must be a time of day such as "09:30"' },
    ],
    [
      'a step type that does not exist',
      { w: { type: 'sendPigeon', next: 'e' }, e: { type: 'exit' } },
      {
        path: 'steps.w.type',
        message:
          'must be one of: wait, waitUntil, sendEmail, sendSms, waitForEvent, branch, randomSplit, updateProfile, emit, exit',
      },
    ],
    [
      'an updateProfile that sets nothing',
      { u: { type: 'updateProfile', set: {}, next: 'e' }, e: { type: 'exit' } },
      { path: 'steps.u.set', message: 'must set at least one attribute' },
    ],
    [
      'an SMS fallback on an SMS',
      { s: { type: 'sendSms', template: 't', fallback: 'sms', next: 'e' }, e: { type: 'exit' } },
      { path: 'steps.s.fallback', message: 'Invalid input: expected "email"' },
    ],
  ])('refuses %s, naming where', (_, steps, problem) => {
    expect(problemsOf({ ...base, start: Object.keys(steps)[0], steps })).toContainEqual(problem);
  });

  it.each([
    ['a malformed audience condition', { audience: { when: { tier: 'vip' } } }, 'audience.when.tier'],
    ['a holdout of 100 percent', { holdout: { percent: 100 } }, 'holdout.percent'],
    [
      'several instances at once without re-entry',
      { reentry: { allowed: false, maxConcurrent: 3 } },
      'reentry.maxConcurrent',
    ],
    ['a daily cap of zero', { entryCap: { perDay: 0 } }, 'entryCap.perDay'],
  ])('refuses %s', (_, overrides, path) => {
    const problems = problemsOf({ ...base, ...overrides, steps: { a: { type: 'exit' } } });
    expect(problems.map((p) => p.path)).toContain(path);
  });

  describe('goal and conversion window', () => {
    const goal = { 'detail-type': ['Order Completed'] };
    const steps = { a: { type: 'exit' } };

    it('accepts a holdout with a goal and a window, and a window without a holdout', () => {
      expect(problemsOf({ ...base, steps, holdout: { percent: 10 }, goal, goalWindow: 'P30D' })).toEqual([]);
      expect(problemsOf({ ...base, steps, goal, goalWindow: 'P14D' })).toEqual([]);
    });

    it.each([
      [
        'a holdout without a window',
        { holdout: { percent: 10 }, goal },
        {
          path: 'goalWindow',
          message:
            'is required with a holdout: how long after entry the goal counts, for both groups, e.g. P30D',
        },
      ],
      [
        'a holdout without a goal',
        { holdout: { percent: 10 }, goalWindow: 'P30D' },
        {
          path: 'goal',
          message: 'is required with a holdout: the event pattern that counts as a conversion in both groups',
        },
      ],
      [
        'a window without a goal',
        { goalWindow: 'P30D' },
        { path: 'goalWindow', message: 'needs a goal: the window is how long the goal counts' },
      ],
      [
        'a window of nothing',
        { goal, goalWindow: 'PT0S' },
        { path: 'goalWindow', message: 'must be longer than zero' },
      ],
      [
        'a window longer than 90 days',
        { goal, goalWindow: 'P91D' },
        { path: 'goalWindow', message: 'must not be longer than 90 days' },
      ],
      [
        'a window that is not a duration',
        { goal, goalWindow: '30 days' },
        { path: 'goalWindow', message: 'must be a duration such as PT24H, P3D or P1DT12H' },
      ],
    ])('refuses %s, naming the field', (_, overrides, problem) => {
      expect(problemsOf({ ...base, steps, ...overrides })).toContainEqual(problem);
    });
  });

  describe('a conversion window that closes before the last message', () => {
    const goal = { 'detail-type': ['Order Completed'] };
    const send = (next: string) => ({ type: 'sendEmail', template: 't', next });
    const windowOf = (steps: Record<string, unknown>, goalWindow: string) =>
      problemsOf({ ...base, steps, goal, goalWindow }).filter((p) => p.path === 'goalWindow');
    /** Offer after a day, remind five days later, then wait nine more days and end (the churn win-back's shape). */
    const winBack = {
      a: { type: 'wait', duration: 'P1D', next: 'offer' },
      offer: send('patience'),
      patience: { type: 'wait', duration: 'P5D', next: 'remind' },
      remind: send('grace'),
      grace: { type: 'wait', duration: 'P9D', next: 'end' },
      end: { type: 'exit' },
    };

    it('refuses a window shorter than the waits before the last message, naming how long that is', () => {
      expect(windowOf(winBack, 'P5D')).toEqual([
        {
          path: 'goalWindow',
          message: 'must be at least P6D: the last message can go out 6 days after entry',
        },
      ]);
    });

    it('accepts a window that covers the last message, however long the journey waits after it', () => {
      expect(windowOf(winBack, 'P6D')).toEqual([]);
      expect(windowOf(winBack, 'P7D')).toEqual([]);
    });

    it.each([
      [
        'the longest branch of a wait for an event, by its timeout',
        {
          a: send('answer'),
          answer: { type: 'waitForEvent', pattern: goal, timeout: 'P3D', next: 'thanks', onTimeout: 'end' },
          thanks: { type: 'wait', duration: 'PT12H', next: 'note' },
          note: send('end'),
          end: { type: 'exit' },
        },
        'must be at least P3DT12H: the last message can go out 3 days and 12 hours after entry',
      ],
      [
        'a waitUntil a time of day, as up to a day',
        {
          a: { type: 'waitUntil', time: '09:00', next: 'b' },
          b: send('end'),
          end: { type: 'exit' },
        },
        'must be at least P1D: the last message can go out 1 day after entry',
      ],
      [
        'a waitUntil a birthday, as up to 366 days',
        {
          a: { type: 'waitUntil', date: 'profile.birthday', annual: true, time: '09:00', next: 'b' },
          b: send('end'),
          end: { type: 'exit' },
        },
        'must be at least P366D: the last message can go out 366 days after entry',
      ],
      [
        'the longer of two branches',
        {
          a: {
            type: 'randomSplit',
            branches: [
              { percent: 50, next: 'short' },
              { percent: 50, next: 'long' },
            ],
          },
          short: { type: 'wait', duration: 'PT1H', next: 'b' },
          long: { type: 'wait', duration: 'P2DT30M', next: 'b' },
          b: send('end'),
          end: { type: 'exit' },
        },
        'must be at least P2DT30M: the last message can go out 2 days and 30 minutes after entry',
      ],
    ])('counts %s', (_, steps, message) => {
      expect(windowOf(steps, 'PT1H')).toEqual([{ path: 'goalWindow', message }]);
    });

    it('counts the waits of a loop once around', () => {
      const steps = {
        a: { type: 'wait', duration: 'P2D', next: 'b' },
        b: send('a'),
      };
      expect(windowOf(steps, 'P1D')).toEqual([
        {
          path: 'goalWindow',
          message: 'must be at least P2D: the last message can go out 2 days after entry',
        },
      ]);
      expect(windowOf(steps, 'P2D')).toEqual([]);
    });

    it('has nothing to check on a journey that sends nothing', () => {
      const steps = { a: { type: 'wait', duration: 'P60D', next: 'end' }, end: { type: 'exit' } };
      expect(windowOf(steps, 'P1D')).toEqual([]);
    });

    it.each(defaultJourneys.map((j) => [j.id, j] as const))('keeps the seeded %s valid', (_, journey) => {
      expect(problemsOf(journey)).toEqual([]);
    });
  });

  it('counts a loop through a yearly waitUntil as waiting, and a one-off date as not', () => {
    const loop = (until: Record<string, unknown>) =>
      problemsOf({
        ...base,
        steps: {
          a: { type: 'waitUntil', time: '09:00', next: 'b', ...until },
          b: { type: 'sendEmail', template: 't', next: 'a' },
        },
      });
    expect(loop({ date: 'profile.birthday', annual: true })).toEqual([]);
    expect(loop({})).toEqual([]);
    expect(
      loop({ date: 'profile.attributes.renewal' })
        .map((p) => p.message)
        .join(),
    ).toContain('loops without a wait');
  });
});
