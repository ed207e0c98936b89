import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isQuiet, quietUntil } from '../../../shared/domain/guards/quiet-hours.js';
import { localMsOfDay } from '../../../shared/domain/guards/zoned-time.js';

const NIGHT = { start: '21:00', end: '08:00' };

describe('quiet hours', () => {
  it.each([
    [
      'late evening in Berlin waits for 08:00 the next morning',
      '2026-11-02T20:30:00Z',
      'Europe/Berlin',
      '2026-11-03T07:00:00.000Z',
    ],
    [
      'just after midnight waits for 08:00 the same day',
      '2026-11-02T23:30:00Z',
      'Europe/Berlin',
      '2026-11-03T07:00:00.000Z',
    ],
    ['21:00 sharp is quiet', '2026-11-02T20:00:00Z', 'Europe/Berlin', '2026-11-03T07:00:00.000Z'],
    ['one second before 21:00 is not', '2026-11-02T19:59:59Z', 'Europe/Berlin', null],
    ['08:00 sharp is not quiet any more', '2026-11-02T07:00:00Z', 'Europe/Berlin', null],
    [
      'noon UTC is 07:00 in New York: quiet until 08:00 there',
      '2026-11-02T12:00:00Z',
      'America/New_York',
      '2026-11-02T13:00:00.000Z',
    ],
    ['noon UTC is 20:00 in Shanghai: not quiet', '2026-11-02T12:00:00Z', 'Asia/Shanghai', null],
    [
      '13:00 UTC is 21:00 in Shanghai: quiet until 08:00 there',
      '2026-11-02T13:00:00Z',
      'Asia/Shanghai',
      '2026-11-03T00:00:00.000Z',
    ],
    [
      'the night clocks go forward ends at 08:00 summer time',
      '2026-03-28T21:00:00Z',
      'Europe/Berlin',
      '2026-03-29T06:00:00.000Z',
    ],
    [
      'the night clocks go back ends at 08:00 winter time',
      '2026-10-24T21:00:00Z',
      'Europe/Berlin',
      '2026-10-25T07:00:00.000Z',
    ],
  ])('%s', (_, now, zone, expected) => {
    expect(quietUntil(now, zone, NIGHT)).toBe(expected);
  });

  it.each([
    [
      'a window within one day',
      { start: '12:00', end: '14:00' },
      '2026-11-02T13:00:00Z',
      '2026-11-02T14:00:00.000Z',
    ],
    ['no quiet hours configured', null, '2026-11-02T23:00:00Z', null],
    ['an empty window (start equals end)', { start: '00:00', end: '00:00' }, '2026-11-02T23:00:00Z', null],
  ])('handles %s', (_, quiet, now, expected) => {
    expect(quietUntil(now, 'UTC', quiet)).toBe(expected);
  });

  it('always ends them at a time outside quiet hours, later than now (property)', () => {
    const zones = [
      'UTC',
      'Europe/Berlin',
      'America/New_York',
      'Asia/Kathmandu',
      'Australia/Lord_Howe',
      'Pacific/Chatham',
    ];
    const clock = fc
      .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
      .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('2026-01-01T00:00:00Z'),
          max: new Date('2028-12-31T00:00:00Z'),
          noInvalidDate: true,
        }),
        fc.constantFrom(...zones),
        clock,
        clock,
        (date, zone, start, end) => {
          const now = date.toISOString();
          const until = quietUntil(now, zone, { start, end });
          if (until === null) return;
          expect(Date.parse(until)).toBeGreaterThan(Date.parse(now));
          expect(isQuiet(until, zone, { start, end })).toBe(false);
          // It ends at the configured end time on the local clock (or later, when that time was skipped).
          const [h, m] = end.split(':').map(Number);
          const endMs = ((h ?? 0) * 60 + (m ?? 0)) * 60_000;
          expect(localMsOfDay(Date.parse(until), zone)).toBeGreaterThanOrEqual(endMs);
        },
      ),
      { numRuns: 500 },
    );
  });
});
