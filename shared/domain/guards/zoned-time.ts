/**
 * Wall-clock time in an IANA time zone, on the runtime's time zone database (`Intl`), without a
 * dependency. Used by quiet hours and by `waitUntil`.
 */

export interface LocalDate {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
}

export interface LocalDateTime extends LocalDate {
  hour: number;
  minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat | null>();

const formatterFor = (zone: string): Intl.DateTimeFormat | null => {
  let formatter = formatters.get(zone);
  if (formatter === undefined) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      formatter = null;
    }
    formatters.set(zone, formatter);
  }
  return formatter;
};

/** True when the runtime knows the zone. */
export const isTimeZone = (zone: string): boolean => formatterFor(zone) !== null;

/** The zone itself when the runtime knows it, else UTC (a stored profile is never a reason to fail). */
export const knownZone = (zone: string | undefined): string => (zone && isTimeZone(zone) ? zone : 'UTC');

const BUCKET_MS = 15 * 60_000;
const MAX_CACHED = 50_000;
const offsets = new Map<string, number>();

const computeOffset = (formatter: Intl.DateTimeFormat, epochMs: number): number => {
  const fields = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of formatter.formatToParts(epochMs)) {
    if (part.type in fields) fields[part.type as keyof typeof fields] = Number(part.value);
  }
  const asUtc = Date.UTC(
    fields.year,
    fields.month - 1,
    fields.day,
    fields.hour,
    fields.minute,
    fields.second,
  );
  return asUtc - epochMs;
};

/**
 * The zone's offset from UTC at an instant, in ms (Berlin in winter: +3 600 000). Offsets change
 * only on quarter hours, so they are cached per zone and quarter hour.
 */
export const zoneOffsetMs = (epochMs: number, zone: string): number => {
  const formatter = formatterFor(zone);
  if (!formatter) return 0;
  const bucket = Math.floor(epochMs / BUCKET_MS);
  const key = `${zone}|${bucket}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    offset = computeOffset(formatter, bucket * BUCKET_MS);
    if (offsets.size >= MAX_CACHED) offsets.clear();
    offsets.set(key, offset);
  }
  return offset;
};

const DAY_MS = 86_400_000;

/** Milliseconds since local midnight. */
export const localMsOfDay = (epochMs: number, zone: string): number => {
  const local = epochMs + zoneOffsetMs(epochMs, zone);
  return ((local % DAY_MS) + DAY_MS) % DAY_MS;
};

/** The local calendar date at an instant. */
export const localDate = (epochMs: number, zone: string): LocalDate => {
  const local = new Date(epochMs + zoneOffsetMs(epochMs, zone));
  return { year: local.getUTCFullYear(), month: local.getUTCMonth() + 1, day: local.getUTCDate() };
};

/**
 * The instant of a local wall-clock time. A time that does not exist (skipped by a daylight-saving
 * change) moves forward by the gap; a time that exists twice resolves to one of the two.
 */
export const fromLocal = (local: LocalDateTime, zone: string): number => {
  const asUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute);
  const first = zoneOffsetMs(asUtc, zone);
  const guess = asUtc - first;
  const second = zoneOffsetMs(guess, zone);
  return second === first ? guess : asUtc - second;
};

/** The date `days` after a local date (month and year roll over). */
export const addDays = (date: LocalDate, days: number): LocalDate => {
  const next = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate() };
};

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** `"09:30"` → minutes since midnight (570); undefined when not `HH:MM` on a 24-hour clock. */
export const parseClockTime = (text: string): number | undefined => {
  const match = HH_MM.exec(text);
  return match ? Number(match[1]) * 60 + Number(match[2]) : undefined;
};

export const isLeapYear = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

export const daysInMonth = (year: number, month: number): number =>
  month === 2 ? (isLeapYear(year) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;

const DATE = /^(\d{4})-(\d{2})-(\d{2})(?:$|T)/;

/** A calendar date from `YYYY-MM-DD` (or the date part of an ISO date-time); undefined otherwise. */
export const parseCalendarDate = (value: unknown): LocalDate | undefined => {
  if (typeof value !== 'string') return undefined;
  const match = DATE.exec(value);
  if (!match) return undefined;
  const date = { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
  if (date.month < 1 || date.month > 12 || date.day < 1 || date.day > daysInMonth(date.year, date.month)) {
    return undefined;
  }
  return date;
};
