import { z } from 'zod';
import { SiteClock, isTimeZone } from './zone.ts';

/**
 * A monitoring period: the half-open interval of instants `[start, end)`.
 *
 * `start` and `end` are ISO 8601 date-times with the site's offset (`2019-01-01T00:00:00+05:30`);
 * `end` is the first instant *after* the period, so consecutive periods tile: January ends where
 * February starts, and two periods overlap exactly when they share an instant.
 *
 * **Stored before time zones (legacy form).** Ledger entries, submissions and review items written
 * before this change hold `start`/`end` as dates `YYYY-MM-DD`, both days included, in UTC. They are
 * kept as they were stored (their hashes cover them) and read as `[start 00:00Z, end + 1 day 00:00Z)`:
 * `{ start: '2019-01-01', end: '2019-02-01' }` is `[2019-01-01T00:00Z, 2019-02-02T00:00Z)`.
 */
export interface Period {
  /** First instant of the period, ISO 8601 with offset (legacy: first day, `YYYY-MM-DD`, UTC). */
  readonly start: string;
  /** First instant after the period, ISO 8601 with offset (legacy: last day, included, UTC). */
  readonly end: string;
  /** The site's IANA time zone the period is shown in (absent in legacy periods). */
  readonly timeZone?: string;
}

/** A period as epoch milliseconds: `[start, end)`. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

export const DAY_MS = 86_400_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** ISO 8601 date-time with a mandatory offset. */
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}(?::\d{2})?)$/;

const isDate = (s: string) => DATE.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().slice(0, 10) === s;

/** Epoch ms of an ISO 8601 date-time with offset (a real calendar date, hours 00–23), or NaN. */
export function parseInstant(s: string): number {
  const m = INSTANT.exec(s);
  if (!m) return NaN;
  const [, y, mo, d, hh, mi, ss, off] = m;
  if (Number(hh) > 23 || Number(mi) > 59 || Number(ss ?? 0) > 59 || !isDate(`${y}-${mo}-${d}`)) return NaN;
  const local = Date.parse(`${y}-${mo}-${d}T${hh}:${mi}:${ss ?? '00'}${s.includes('.') ? s.slice(s.indexOf('.'), s.length - off!.length) : ''}Z`);
  if (off === 'Z') return local;
  const [h, m2, s2] = off!.slice(1).split(':').map(Number);
  return local - (off![0] === '-' ? -1 : 1) * ((h! * 60 + m2!) * 60 + (s2 ?? 0)) * 1000;
}

/** True for a period stored in the legacy form (dates, both days included, UTC). */
export function isLegacyPeriod(p: Period): boolean {
  return isDate(p.start) && isDate(p.end);
}

/** The instants of a period (either form). Throws on a malformed period (a caller bug: stored periods are validated). */
export function spanOf(p: Period): Span {
  if (isLegacyPeriod(p)) return { start: Date.parse(`${p.start}T00:00:00Z`), end: Date.parse(`${p.end}T00:00:00Z`) + DAY_MS };
  const start = parseInstant(p.start);
  const end = parseInstant(p.end);
  if (Number.isNaN(start) || Number.isNaN(end)) throw new RangeError(`Not a monitoring period: ${JSON.stringify(p)}`);
  return { start, end };
}

/** A period from instants, written in the site's zone. */
export function periodOf(span: Span, timeZone: string): Period {
  const clock = SiteClock.of(timeZone);
  return { start: clock.format(span.start), end: clock.format(span.end), timeZone };
}

/**
 * The period of local dates `first` to `last` (both days included) at a site:
 * `[first 00:00, the day after last 00:00)` on the site's clock.
 *
 * @example localDays('2015-03-01', '2015-03-03', 'America/Sao_Paulo') // { start: '2015-03-01T00:00:00-03:00', end: '2015-03-04T00:00:00-03:00', … }
 */
export function localDays(first: string, last: string, timeZone: string): Period {
  return periodOf(localDaysSpan(first, last, timeZone), timeZone);
}

/** {@link localDays} as instants. */
export function localDaysSpan(first: string, last: string, timeZone: string): Span {
  const clock = SiteClock.of(timeZone);
  return { start: clock.startOfDate(first), end: clock.boundary(Date.parse(`${last}T00:00:00Z`) + DAY_MS) };
}

/** Two periods overlap when they share at least one instant (half-open: January and February do not). */
export function periodsOverlap(a: Period, b: Period): boolean {
  return spansOverlap(spanOf(a), spanOf(b));
}

export function spansOverlap(a: Span, b: Span): boolean {
  return a.start < b.end && b.start < a.end;
}

/** True when `inner` lies within `outer`. */
export function spanWithin(inner: Span, outer: Span): boolean {
  return inner.start >= outer.start && inner.end <= outer.end;
}

/** The length of a period in days (exact: a 23-hour DST day counts 23/24). */
export function periodDays(p: Period): number {
  const s = spanOf(p);
  return (s.end - s.start) / DAY_MS;
}

/**
 * A period for people: in its own zone with the offset, end excluded; a legacy period as it was
 * stored, both days included.
 *
 * @example formatPeriod(p) // '2019-01-01T00:00:00+05:30 – 2019-02-01T00:00:00+05:30 (Asia/Kolkata, end excluded)'
 */
export function formatPeriod(p: Period): string {
  if (isLegacyPeriod(p)) return `${p.start} – ${p.end} (UTC days, first and last included)`;
  return `${p.start} – ${p.end} (${p.timeZone ? `${p.timeZone}, ` : ''}end excluded)`;
}

/**
 * Parses a period given by a person (`mrv calc --period`) for a site:
 * - `YYYY-MM-DD/YYYY-MM-DD`: local dates, both included → `[first 00:00, day after last 00:00)`;
 * - `<instant>/<instant>` with offsets (`2019-01-01T00:00+05:30/2019-02-01T00:00+05:30`): as given, end excluded.
 * Returns the period, or a message saying what is wrong.
 */
export function parsePeriodText(text: string, timeZone: string): Period | { readonly problem: string } {
  const parts = text.split('/');
  if (parts.length !== 2) return { problem: 'expected two parts separated by "/"' };
  const [a, b] = parts as [string, string];
  if (isDate(a) && isDate(b)) {
    if (a > b) return { problem: `the first day ${a} is after the last day ${b}` };
    return localDays(a, b, timeZone);
  }
  const start = parseInstant(a);
  const end = parseInstant(b);
  if (Number.isNaN(start) || Number.isNaN(end)) return { problem: 'expected local dates YYYY-MM-DD/YYYY-MM-DD, or two ISO 8601 date-times with offsets' };
  if (start >= end) return { problem: 'the start must be before the end (the end is excluded)' };
  return periodOf({ start, end }, timeZone);
}

/** A stored period, either form (see {@link Period}). */
export const StoredPeriodSchema = z
  .object({ start: z.string(), end: z.string(), timeZone: z.string().refine(isTimeZone, 'not an IANA time zone').optional() })
  .refine(
    (p) => {
      try {
        const s = spanOf(p);
        return s.start < s.end;
      } catch {
        return false;
      }
    },
    { message: 'expected ISO 8601 date-times with offsets, start before end (or legacy dates YYYY-MM-DD, start not after end)' },
  );
