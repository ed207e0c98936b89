import {
  addDays,
  daysInMonth,
  fromLocal,
  type LocalDate,
  localDate,
  parseCalendarDate,
  parseClockTime,
} from '../guards/zoned-time.js';
import type { WaitUntilStep } from './definition.js';

/**
 * Where a `waitUntil` date may come from: the profile's birthday, a profile attribute, or a field of
 * the trigger event's detail (dots reach into nested objects).
 */
export const DATE_PATH =
  /^(?:profile\.birthday|profile\.attributes(?:\.[A-Za-z_][A-Za-z0-9_-]*)+|trigger\.detail(?:\.[A-Za-z_][A-Za-z0-9_-]*)+)$/;

export const isDatePath = (path: string): boolean => DATE_PATH.test(path);

const segmentsCache = new Map<string, string[]>();

const lookup = (root: unknown, path: string): unknown => {
  let segments = segmentsCache.get(path);
  if (!segments) {
    segments = path.split('.').slice(1);
    segmentsCache.set(path, segments);
  }
  let value = root;
  for (const segment of segments) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, segment)) return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
};

export interface DateSources {
  profile: Record<string, unknown>;
  /** The trigger event's detail. */
  trigger: Record<string, unknown>;
}

/** The date a `waitUntil` names, or undefined when it is missing or not a date. */
export const resolveDate = (path: string, sources: DateSources): LocalDate | undefined => {
  if (!isDatePath(path)) return undefined;
  if (path.startsWith('profile.')) return parseCalendarDate(lookup(sources.profile, path));
  return parseCalendarDate(lookup({ detail: sources.trigger }, path));
};

/** The same month and day in `year`; 29 February becomes 28 February in other years. */
const inYear = (date: LocalDate, year: number): LocalDate => ({
  year,
  month: date.month,
  day: Math.min(date.day, daysInMonth(year, date.month)),
});

export type WaitUntilTarget = { kind: 'at'; at: number } | { kind: 'missing' };

/**
 * When a `waitUntil` step ends, as epoch ms, for a customer in `zone`:
 * - `time` only: the next time the clock shows it, strictly after now (today or tomorrow);
 * - `date` + `annual`: that time on the date's next anniversary, strictly after now;
 * - `date` alone: that time on that date, which may be in the past (then the step goes on at once).
 */
export const waitUntilTarget = (
  step: WaitUntilStep,
  sources: DateSources,
  nowMs: number,
  zone: string,
): WaitUntilTarget => {
  const minutes = parseClockTime(step.time) ?? 0;
  const clock = { hour: Math.floor(minutes / 60), minute: minutes % 60 };
  if (step.date === undefined) {
    const today = localDate(nowMs, zone);
    const at = fromLocal({ ...today, ...clock }, zone);
    return { kind: 'at', at: at > nowMs ? at : fromLocal({ ...addDays(today, 1), ...clock }, zone) };
  }
  const date = resolveDate(step.date, sources);
  if (!date) return { kind: 'missing' };
  if (!step.annual) return { kind: 'at', at: fromLocal({ ...date, ...clock }, zone) };
  const year = localDate(nowMs, zone).year;
  for (const candidate of [year, year + 1]) {
    const at = fromLocal({ ...inYear(date, candidate), ...clock }, zone);
    if (at > nowMs) return { kind: 'at', at };
  }
  return { kind: 'at', at: fromLocal({ ...inYear(date, year + 2), ...clock }, zone) };
};
