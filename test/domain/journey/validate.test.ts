import { describe, expect, it } from 'vitest';
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
    expect(problems).toContainEqual({ path: 'steps.a.duration', message: 'must be a duration such as PT24H, P3D or P1DT12H' });
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
});
