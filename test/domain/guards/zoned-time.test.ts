import { describe, expect, it } from 'vitest';
import {
  fromLocal,
  knownZone,
  localDate,
  parseCalendarDate,
  zoneOffsetMs,
} from '../../../shared/domain/guards/zoned-time.js';

const iso = (ms: number) => new Date(ms).toISOString();

describe('local time in a time zone', () => {
  it.each([
    [
      'Berlin in winter',
      { year: 2026, month: 1, day: 15, hour: 9, minute: 0 },
      'Europe/Berlin',
      '2026-01-15T08:00:00.000Z',
    ],
    [
      'Berlin in summer',
      { year: 2026, month: 7, day: 15, hour: 9, minute: 0 },
      'Europe/Berlin',
      '2026-07-15T07:00:00.000Z',
    ],
    [
      'Kathmandu (+05:45)',
      { year: 2026, month: 7, day: 15, hour: 9, minute: 30 },
      'Asia/Kathmandu',
      '2026-07-15T03:45:00.000Z',
    ],
    [
      'Los Angeles, the day before in UTC',
      { year: 2026, month: 7, day: 15, hour: 20, minute: 0 },
      'America/Los_Angeles',
      '2026-07-16T03:00:00.000Z',
    ],
    [
      'a time skipped by the spring change moves forward by the gap',
      { year: 2026, month: 3, day: 29, hour: 2, minute: 30 },
      'Europe/Berlin',
      '2026-03-29T01:30:00.000Z',
    ],
  ])('finds the instant of a wall-clock time: %s', (_, local, zone, expected) => {
    expect(iso(fromLocal(local, zone))).toBe(expected);
  });

  it('reads the local date, which may differ from the UTC date', () => {
    expect(localDate(Date.parse('2026-07-15T23:30:00Z'), 'Asia/Shanghai')).toEqual({
      year: 2026,
      month: 7,
      day: 16,
    });
    expect(localDate(Date.parse('2026-07-15T02:30:00Z'), 'America/New_York')).toEqual({
      year: 2026,
      month: 7,
      day: 14,
    });
  });

  it('falls back to UTC for a zone the runtime does not know', () => {
    expect(knownZone('Mars/Olympus_Mons')).toBe('UTC');
    expect(knownZone(undefined)).toBe('UTC');
    expect(zoneOffsetMs(Date.parse('2026-07-15T00:00:00Z'), 'Mars/Olympus_Mons')).toBe(0);
  });

  it.each([
    ['1990-07-14', { year: 1990, month: 7, day: 14 }],
    ['2000-02-29', { year: 2000, month: 2, day: 29 }],
    ['2026-11-02T09:00:00Z', { year: 2026, month: 11, day: 2 }],
    ['2001-02-29', undefined],
    ['1990-13-01', undefined],
    ['14.07.1990', undefined],
    [19900714, undefined],
  ])('reads %s as a calendar date', (value, expected) => {
    expect(parseCalendarDate(value)).toEqual(expected);
  });
});
