import { describe, expect, it } from 'vitest';
import { netPromoterScore, npsCategory } from '../../shared/domain/survey/nps.js';

describe('NPS', () => {
  it.each([
    [0, 'detractor'],
    [6, 'detractor'],
    [7, 'passive'],
    [8, 'passive'],
    [9, 'promoter'],
    [10, 'promoter'],
  ])('puts a score of %i among the %ss', (score, category) => {
    expect(npsCategory(score)).toBe(category);
  });

  it.each([-1, 11, 7.5, Number.NaN])('refuses %s as an answer', (score) => {
    expect(() => npsCategory(score)).toThrow(RangeError);
  });

  it('computes (promoters − detractors) / respondents × 100', () => {
    // 5 promoters, 3 passives, 2 detractors → (5 − 2) / 10 × 100 = 30
    expect(netPromoterScore([10, 9, 9, 10, 9, 7, 8, 7, 0, 6])).toEqual({
      respondents: 10,
      promoters: 5,
      passives: 3,
      detractors: 2,
      nps: 30,
    });
  });

  it('has no score without answers and ranges from −100 to 100', () => {
    expect(netPromoterScore([]).nps).toBeNull();
    expect(netPromoterScore([0, 1]).nps).toBe(-100);
    expect(netPromoterScore([10]).nps).toBe(100);
    expect(netPromoterScore([10, 10, 0]).nps).toBe(33.3);
  });
});
