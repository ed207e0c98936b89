import { addDays, fromLocal, localDate, localMsOfDay, parseClockTime } from './zoned-time.js';

/** Local times between which nothing is sent, e.g. `{ start: '21:00', end: '08:00' }` (wraps midnight). */
export interface QuietHours {
  start: string;
  end: string;
}

const MINUTE_MS = 60_000;

/**
 * When the quiet hours that `now` falls in end, as an ISO time; null when `now` is outside quiet
 * hours (or there are none: `start` equal to `end` means no quiet hours). `start` is quiet, `end` is
 * not: with 21:00–08:00, 21:00:00 is quiet and 08:00:00 is not.
 */
export const quietUntil = (
  now: string,
  zone: string,
  quiet: QuietHours | null | undefined,
): string | null => {
  if (!quiet) return null;
  const start = parseClockTime(quiet.start);
  const end = parseClockTime(quiet.end);
  if (start === undefined || end === undefined || start === end) return null;
  const nowMs = Date.parse(now);
  const minute = localMsOfDay(nowMs, zone) / MINUTE_MS;
  const wraps = start > end;
  const inside = wraps ? minute >= start || minute < end : minute >= start && minute < end;
  if (!inside) return null;
  const today = localDate(nowMs, zone);
  // Past midnight (or in a window that does not wrap) the quiet hours end today; before, tomorrow.
  const day = minute < end ? today : addDays(today, 1);
  const endsAt = fromLocal({ ...day, hour: Math.floor(end / 60), minute: end % 60 }, zone);
  return new Date(endsAt > nowMs ? endsAt : nowMs + MINUTE_MS).toISOString();
};

/** True when a send at `now` would fall into quiet hours. */
export const isQuiet = (now: string, zone: string, quiet: QuietHours | null | undefined): boolean =>
  quietUntil(now, zone, quiet) !== null;
