/**
 * Lift of a journey over its holdout group: conversion within the window, treated vs held out,
 * with a two-proportion z-test. Pure arithmetic on counts; see docs/admin-api.md for the figures.
 */

export interface GroupCounts {
  /** Customers who entered (were drawn into) the group. */
  entered: number;
  /** Of them, those who reached the goal within the conversion window. */
  converted: number;
  /**
   * Of them, those whose window is still open: not converted yet, but they still may. Counted as
   * not converted in the rate until they do (0 when not given).
   */
  openWindows?: number;
}

export interface GroupRate {
  entered: number;
  converted: number;
  openWindows: number;
  /** converted / entered; null without customers. */
  conversionRate: number | null;
}

export interface LiftComparison {
  treatment: GroupRate;
  control: GroupRate;
  /** Treatment rate minus control rate (0.04 = four percentage points); null without both rates. */
  absoluteLift: number | null;
  /** The absolute lift over the control rate (0.5 = half as many again); null when that rate is 0 or unknown. */
  relativeLift: number | null;
  /** A 95% confidence interval of the absolute lift; null when it cannot be computed (no spread). */
  confidenceInterval: { level: 0.95; low: number; high: number } | null;
  /** Two-sided p-value of the two-proportion z-test (Wald: unpooled standard error); null as above. */
  pValue: number | null;
  /** True only with enough customers in both groups and a p-value below 0.05. */
  significant: boolean;
  /**
   * True while a window of either group is open: the rates may still rise (and the lift move)
   * as those customers convert. The verdict then says so.
   */
  provisional: boolean;
  verdict: string;
}

/** The normal approximation behind the test needs this many conversions and non-conversions per group. */
export const MIN_OUTCOMES_PER_GROUP = 5;
const Z_95 = 1.959963984540054;

/**
 * The complementary error function, by the rational approximation 7.1.26 of Abramowitz and
 * Stegun's Handbook of Mathematical Functions (absolute error below 1.5e-7), for x ≥ 0.
 */
const erfc = (x: number): number => {
  const t = 1 / (1 + 0.3275911 * x);
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return poly * Math.exp(-x * x);
};

/** The two-sided p-value of a standard normal statistic z: P(|Z| ≥ |z|). */
export const twoSidedP = (z: number): number => Math.min(1, erfc(Math.abs(z) / Math.SQRT2));

const rateOf = (group: GroupCounts): GroupRate => ({
  entered: group.entered,
  converted: group.converted,
  openWindows: group.openWindows ?? 0,
  conversionRate: group.entered > 0 ? group.converted / group.entered : null,
});

const customers = (count: number, who: string): string => `${count} ${who} customer${count === 1 ? '' : 's'}`;

/** The verdict, with a warning while windows are open: the figures are not final. */
const withWindows = (verdict: string, treatment: GroupRate, control: GroupRate): string => {
  if (treatment.openWindows + control.openWindows === 0) return verdict;
  return `${verdict} (provisional: ${customers(treatment.openWindows, 'treated')} and ${customers(control.openWindows, 'held-out')} still have an open conversion window, so the rates may still rise and the lift may change)`;
};

/** Enough outcomes for the normal approximation: a customer whose window is still open has none yet. */
const enough = (group: GroupCounts): boolean =>
  group.converted >= MIN_OUTCOMES_PER_GROUP &&
  group.entered - group.converted - (group.openWindows ?? 0) >= MIN_OUTCOMES_PER_GROUP;

/** Compare the conversion of the treated group with the held-out group. */
export const compareConversion = (treatment: GroupCounts, control: GroupCounts): LiftComparison => {
  const t = rateOf(treatment);
  const c = rateOf(control);
  const base = { treatment: t, control: c };
  const provisional = t.openWindows + c.openWindows > 0;
  if (t.conversionRate === null || c.conversionRate === null) {
    return {
      ...base,
      absoluteLift: null,
      relativeLift: null,
      confidenceInterval: null,
      pValue: null,
      significant: false,
      provisional,
      verdict: withWindows(
        c.conversionRate === null
          ? 'no held-out customers yet: nothing to compare with'
          : 'no treated customers yet: nothing to compare',
        t,
        c,
      ),
    };
  }
  const pt = t.conversionRate;
  const pc = c.conversionRate;
  const absoluteLift = pt - pc;
  // One standard error for the test and the interval, so the interval leaves out 0 exactly when p < 0.05.
  const spread = Math.sqrt((pt * (1 - pt)) / t.entered + (pc * (1 - pc)) / c.entered);
  const pValue = spread > 0 ? twoSidedP(absoluteLift / spread) : null;
  const sized = enough(treatment) && enough(control);
  const significant = sized && pValue !== null && pValue < 0.05;
  return {
    ...base,
    absoluteLift,
    relativeLift: pc > 0 ? absoluteLift / pc : null,
    confidenceInterval:
      spread > 0
        ? { level: 0.95, low: absoluteLift - Z_95 * spread, high: absoluteLift + Z_95 * spread }
        : null,
    pValue,
    significant,
    provisional,
    verdict: withWindows(
      !sized
        ? `too few customers to tell: each group needs at least ${MIN_OUTCOMES_PER_GROUP} who converted and ${MIN_OUTCOMES_PER_GROUP} who did not`
        : significant
          ? 'significant at the 5% level'
          : 'not significant at the 5% level: the difference may be chance',
      t,
      c,
    ),
  };
};
