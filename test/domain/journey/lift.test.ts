import { describe, expect, it } from 'vitest';
import { compareConversion, twoSidedP } from '../../../shared/domain/journey/lift.js';

describe('two-sided p-value of a normal statistic', () => {
  it.each([
    [0, 1],
    [1, 0.3173105],
    [1.959964, 0.05],
    [-1.959964, 0.05],
    [2.5758293, 0.01],
    [3.2905267, 0.001],
  ])('z = %f gives p = %f', (z, p) => {
    expect(twoSidedP(z)).toBeCloseTo(p, 6);
  });
});

describe('lift of a journey over its holdout group', () => {
  it('compares 20% treated with 15% held out: significant, with its interval', () => {
    const lift = compareConversion({ entered: 1000, converted: 200 }, { entered: 1000, converted: 150 });
    expect(lift.treatment).toEqual({ entered: 1000, converted: 200, openWindows: 0, conversionRate: 0.2 });
    expect(lift.control).toEqual({ entered: 1000, converted: 150, openWindows: 0, conversionRate: 0.15 });
    expect(lift.absoluteLift).toBeCloseTo(0.05, 12);
    expect(lift.relativeLift).toBeCloseTo(1 / 3, 12);
    expect(lift.pValue).toBeCloseTo(0.0031897, 6);
    expect(lift.confidenceInterval?.low).toBeCloseTo(0.0167672, 6);
    expect(lift.confidenceInterval?.high).toBeCloseTo(0.0832328, 6);
    expect(lift).toMatchObject({
      significant: true,
      provisional: false,
      verdict: 'significant at the 5% level',
    });
  });

  it('compares a 10% holdout: 10% of 900 against 5% of 100', () => {
    const lift = compareConversion({ entered: 900, converted: 90 }, { entered: 100, converted: 5 });
    expect(lift.relativeLift).toBeCloseTo(1, 12);
    expect(lift.pValue).toBeCloseTo(0.0370562, 6);
    expect(lift.confidenceInterval?.low).toBeCloseTo(0.0030017, 6);
    expect(lift.significant).toBe(true);
  });

  it('says nothing is significant while a group has fewer than five conversions', () => {
    const lift = compareConversion({ entered: 900, converted: 90 }, { entered: 100, converted: 4 });
    expect(lift.pValue).toBeCloseTo(0.006386, 6);
    expect(lift.significant).toBe(false);
    expect(lift.verdict).toMatch(/^too few customers to tell/);
  });

  it('says nothing is significant while a group has fewer than five customers who did not convert', () => {
    const lift = compareConversion({ entered: 100, converted: 97 }, { entered: 100, converted: 50 });
    expect(lift.significant).toBe(false);
    expect(lift.verdict).toMatch(/^too few customers to tell/);
  });

  it('calls a small difference in large groups not significant', () => {
    const lift = compareConversion({ entered: 2000, converted: 210 }, { entered: 2000, converted: 200 });
    expect(lift.pValue).toBeGreaterThan(0.05);
    expect(lift).toMatchObject({
      significant: false,
      verdict: 'not significant at the 5% level: the difference may be chance',
    });
    expect(lift.confidenceInterval?.low).toBeLessThan(0);
    expect(lift.confidenceInterval?.high).toBeGreaterThan(0);
  });

  it('reports a negative lift when the held-out customers do better', () => {
    const lift = compareConversion({ entered: 1000, converted: 150 }, { entered: 1000, converted: 200 });
    expect(lift.absoluteLift).toBeCloseTo(-0.05, 12);
    expect(lift.relativeLift).toBeCloseTo(-0.25, 12);
    expect(lift.significant).toBe(true);
  });

  it.each([
    ['no held-out customers', { entered: 50, converted: 5 }, { entered: 0, converted: 0 }, /^no held-out/],
    ['no treated customers', { entered: 0, converted: 0 }, { entered: 10, converted: 1 }, /^no treated/],
  ])('compares nothing with %s', (_, treatment, control, verdict) => {
    const lift = compareConversion(treatment, control);
    expect(lift).toMatchObject({ absoluteLift: null, relativeLift: null, pValue: null, significant: false });
    expect(lift.verdict).toMatch(verdict);
  });

  it('gives no relative lift, interval or p-value where they cannot be computed', () => {
    const none = compareConversion({ entered: 100, converted: 0 }, { entered: 50, converted: 0 });
    expect(none).toMatchObject({
      absoluteLift: 0,
      relativeLift: null,
      confidenceInterval: null,
      pValue: null,
    });
    const fromZero = compareConversion({ entered: 100, converted: 10 }, { entered: 50, converted: 0 });
    expect(fromZero.relativeLift).toBeNull();
    expect(fromZero.pValue).not.toBeNull();
  });
});

describe('lift while conversion windows are open', () => {
  it('says the comparison is provisional and how many customers of each group may still convert', () => {
    const lift = compareConversion(
      { entered: 1000, converted: 200, openWindows: 120 },
      { entered: 1000, converted: 150, openWindows: 1 },
    );

    expect(lift.treatment).toEqual({ entered: 1000, converted: 200, openWindows: 120, conversionRate: 0.2 });
    expect(lift.control.openWindows).toBe(1);
    expect(lift.provisional).toBe(true);
    expect(lift.verdict).toBe(
      'significant at the 5% level (provisional: 120 treated customers and 1 held-out customer still have an open conversion window, so the rates may still rise and the lift may change)',
    );
  });

  it('computes the rates and the test the same way: open windows count as not converted yet', () => {
    const open = compareConversion(
      { entered: 900, converted: 90, openWindows: 300 },
      { entered: 100, converted: 5, openWindows: 30 },
    );
    const closed = compareConversion({ entered: 900, converted: 90 }, { entered: 100, converted: 5 });

    expect({ ...open, treatment: null, control: null, provisional: null, verdict: null }).toEqual({
      ...closed,
      treatment: null,
      control: null,
      provisional: null,
      verdict: null,
    });
  });

  it.each([
    ['only the treated group', 3, 0],
    ['only the held-out group', 0, 2],
  ])('is provisional while a window is open in %s', (_, treated, heldOut) => {
    const lift = compareConversion(
      { entered: 30, converted: 3, openWindows: treated },
      { entered: 10, converted: 1, openWindows: heldOut },
    );
    expect(lift.provisional).toBe(true);
    expect(lift.verdict).toMatch(/^too few customers to tell.*\(provisional: .*may still rise/);
  });

  it('does not count a customer whose window is still open as one who did not convert', () => {
    const closed = compareConversion({ entered: 1000, converted: 200 }, { entered: 40, converted: 5 });
    const open = compareConversion(
      { entered: 1000, converted: 200 },
      { entered: 40, converted: 5, openWindows: 31 },
    );

    expect(closed.verdict).not.toMatch(/^too few/);
    expect(open.significant).toBe(false);
    expect(open.verdict).toMatch(
      /^too few customers to tell: each group needs at least 5 who converted and 5 who did not \(provisional/,
    );
  });

  it('is provisional even before there is anything to compare', () => {
    const lift = compareConversion(
      { entered: 5, converted: 0, openWindows: 5 },
      { entered: 0, converted: 0 },
    );
    expect(lift).toMatchObject({ provisional: true, absoluteLift: null });
    expect(lift.verdict).toBe(
      'no held-out customers yet: nothing to compare with (provisional: 5 treated customers and 0 held-out customers still have an open conversion window, so the rates may still rise and the lift may change)',
    );
  });
});
