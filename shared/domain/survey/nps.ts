export type NpsCategory = 'promoter' | 'passive' | 'detractor';

/** Promoters answer 9–10, passives 7–8, detractors 0–6. */
export const npsCategory = (score: number): NpsCategory => {
  if (!Number.isInteger(score) || score < 0 || score > 10) {
    throw new RangeError(`an NPS answer is a whole number from 0 to 10, got ${score}`);
  }
  if (score >= 9) return 'promoter';
  if (score >= 7) return 'passive';
  return 'detractor';
};

export interface NpsSummary {
  respondents: number;
  promoters: number;
  passives: number;
  detractors: number;
  /** (promoters − detractors) / respondents × 100, rounded to one decimal; null without answers. */
  nps: number | null;
}

export const netPromoterScore = (scores: readonly number[]): NpsSummary => {
  const summary = { respondents: scores.length, promoters: 0, passives: 0, detractors: 0 };
  for (const score of scores) summary[`${npsCategory(score)}s`] += 1;
  const nps =
    summary.respondents === 0
      ? null
      : Math.round(((summary.promoters - summary.detractors) / summary.respondents) * 1000) / 10;
  return { ...summary, nps };
};
