import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { churnWinBack, postPurchaseSurvey, vipBirthday } from '../../../shared/domain/defaults/index.js';
import { Journey, STEP_TYPES, Step } from '../../../shared/domain/journey/definition.js';
import { validateJourney } from '../../../shared/domain/journey/validate.js';

const doc = readFileSync(new URL('../../../docs/journeys.md', import.meta.url), 'utf8');
const examples = [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map(
  (m) => JSON.parse(m[1] ?? '') as Record<string, unknown>,
);
const journeys = examples.filter((e) => 'steps' in e);
const steps = examples.filter((e) => 'type' in e);

describe('docs/journeys.md', () => {
  it('has journey and step examples', () => {
    expect(journeys.length).toBeGreaterThanOrEqual(4);
    expect(steps.length).toBeGreaterThanOrEqual(10);
    expect(journeys.length + steps.length).toBe(examples.length);
  });

  it.each(journeys.map((j) => [String(j.id), j] as const))(
    'the journey example %s is valid',
    (_, journey) => {
      expect(validateJourney(journey)).toMatchObject({ ok: true });
    },
  );

  it.each(steps.map((s, i) => [`${i}: ${String(s.type)}`, s] as const))(
    'the step example %s is a valid step',
    (_, step) => {
      expect(Step.safeParse(step).success).toBe(true);
    },
  );

  it('shows every step type', () => {
    expect(new Set(steps.map((s) => s.type))).toEqual(new Set(STEP_TYPES));
  });

  it.each([
    ['post-purchase-survey', postPurchaseSurvey],
    ['churn-win-back', churnWinBack],
    ['vip-birthday', vipBirthday],
  ])('shows the seeded journey %s as it is seeded', (id, seeded) => {
    const shown = journeys.find((j) => j.id === id);
    expect(Journey.parse(shown)).toEqual(Journey.parse(seeded));
  });
});
