import { describe, expect, it } from 'vitest';
import { addDuration, parseDuration } from '../../shared/domain/time/duration.js';

describe('durations', () => {
  it.each([
    ['PT24H', 86_400_000],
    ['P3D', 3 * 86_400_000],
    ['P1W', 7 * 86_400_000],
    ['P1DT12H', 36 * 3_600_000],
    ['PT90M', 90 * 60_000],
    ['PT30S', 30_000],
    ['24h', 86_400_000],
    ['90m', 90 * 60_000],
    ['3d', 3 * 86_400_000],
  ])('reads %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', 'P', 'PT', 'P1M', 'P1Y', '24', 'h', '-1h', 'PT1.5H', 'tomorrow'])('refuses %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });

  it('adds a duration to a time', () => {
    expect(addDuration('2026-11-02T09:00:00.000Z', 'PT24H')).toBe('2026-11-03T09:00:00.000Z');
  });
});
