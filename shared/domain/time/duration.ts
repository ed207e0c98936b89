import * as z from '../zod.js';

const ISO = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;
const SHORT = /^(\d+)(ms|s|m|h|d|w)$/;
const MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/**
 * Parse a duration into milliseconds: ISO 8601 (`PT24H`, `P3D`, `P1W`, `P1DT12H`)
 * or the short form of the local clock API (`90m`, `24h`, `3d`).
 * Months and years are not accepted: their length depends on the calendar.
 * Returns undefined when the text is not a duration.
 */
export const parseDuration = (text: string): number | undefined => {
  const short = SHORT.exec(text);
  if (short) return Number(short[1]) * MS[short[2] as keyof typeof MS];
  const iso = ISO.exec(text);
  if (!iso || text === 'P' || text.endsWith('T')) return undefined;
  const [, w, d, h, m, s] = iso.map((part) => Number(part ?? 0));
  return (w ?? 0) * MS.w + (d ?? 0) * MS.d + (h ?? 0) * MS.h + (m ?? 0) * MS.m + (s ?? 0) * MS.s;
};

export const Duration = z.string().check(
  z.refine((text) => parseDuration(text) !== undefined, {
    message: 'must be a duration such as PT24H, P3D or P1DT12H',
  }),
);

export const addDuration = (iso: string, duration: string): string => {
  const ms = parseDuration(duration);
  if (ms === undefined) throw new RangeError(`not a duration: ${duration}`);
  return new Date(Date.parse(iso) + ms).toISOString();
};
