import type { Cell } from './types.ts';
import type { DiagnosticCode } from '../validation/codes.ts';

/**
 * The cell parsers of the hot path: numbers and timestamps from a reader's cells, and straight from the
 * bytes of a CSV line (the engine's fast path). Plain functions with no zod, shared by the column builders
 * of the authoring DSL (core/methodology/columns.ts), which give their diagnostics, and by the engine
 * (core/calculation/stages/) and the charts, which call them once per cell.
 */

const PLAIN_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const DECIMAL_COMMA = /^[+-]?\d+,\d+$/;
const THOUSANDS = /^[+-]?[1-9]\d{0,2}(?:[,. '\u00a0\u202f]\d{3})+(?:[.,]\d+)?$/;
/** Larger than any physical monitoring quantity; guards against 1e308 and friends. */
const MAX_MAGNITUDE = 1e15;

/** Parses a cell into a finite number, or returns the diagnostic code that explains why not. */
export function parseNumberCell(cell: Cell | undefined): number | DiagnosticCode {
  if (cell === null || cell === undefined || cell === '') return 'row.missing_value';
  if (typeof cell === 'number') return Number.isFinite(cell) && Math.abs(cell) <= MAX_MAGNITUDE ? cell : 'row.not_finite';
  if (typeof cell !== 'string') return 'row.not_a_number';
  const text = cell.trim();
  if (text === '') return 'row.missing_value';
  if (PLAIN_NUMBER.test(text)) {
    const n = Number(text);
    return Number.isFinite(n) && Math.abs(n) <= MAX_MAGNITUDE ? n : 'row.not_finite';
  }
  if (/^[+-]?(nan|inf|infinity)$/i.test(text)) return 'row.not_finite';
  if (DECIMAL_COMMA.test(text) && !THOUSANDS.test(text)) return 'row.decimal_comma';
  if (THOUSANDS.test(text)) return 'row.thousands_separator';
  return 'row.not_a_number';
}

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/**
 * Parses `bytes[start .. end)` when it is a plain decimal (`[+-]digits[.digits]`, at most 15
 * digits, no spaces, no exponent) and returns exactly `Number(text)`; otherwise `undefined` (ask
 * {@link parseNumberCell}). Exact because an integer below 2^53 divided by a power of ten up to
 * 10^22 is one correctly rounded IEEE operation (Clinger's fast path), as `Number()` is.
 */
export function parseNumberBytes(bytes: Uint8Array, start: number, end: number): number | undefined {
  let i = start;
  let negative = false;
  let c = bytes[i];
  if (c === 45 /* - */ || c === 43 /* + */) {
    negative = c === 45;
    i++;
  }
  let mantissa = 0;
  let digits = 0;
  let scale = 0;
  let point = false;
  for (; i < end; i++) {
    c = bytes[i]!;
    const d = c - 48;
    if (d >= 0 && d <= 9) {
      mantissa = mantissa * 10 + d;
      digits++;
      if (point) scale++;
    } else if (c === 46 /* . */ && !point) point = true;
    else return undefined;
  }
  if (digits === 0 || digits > 15) return undefined;
  const v = scale === 0 ? mantissa : mantissa / POW10[scale]!;
  return negative ? -v : v;
}

const DAYS_BEFORE_MONTH = [0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];

const digit2 = (b: Uint8Array, i: number): number => {
  const a = b[i]! - 48;
  const c = b[i + 1]! - 48;
  return a >= 0 && a <= 9 && c >= 0 && c <= 9 ? a * 10 + c : -1;
};

/**
 * Which kind of time the last successful timestamp parse read (`local`: no offset — a wall-clock time
 * or a date on the site's clock, or a spreadsheet date cell, which has no zone). Pass one to the
 * parsers; the engine converts local times with the site's clock (core/time/zone.ts).
 */
export interface TimestampKind {
  local: boolean;
}

/**
 * Parses `bytes[start .. end)` when it is exactly `YYYY-MM-DDTHH:MM:SSZ`, `YYYY-MM-DDTHH:MM:SS`
 * (local) or `YYYY-MM-DD` (local) with a real calendar date and time, and returns what
 * {@link parseTimestampCell} returns for it (epoch ms, or the wall time written as UTC for a local
 * time); otherwise `undefined` (ask {@link parseTimestampCell}).
 */
export function parseTimestampBytes(bytes: Uint8Array, start: number, end: number, kind?: TimestampKind): number | undefined {
  const n = end - start;
  if (n !== 20 && n !== 19 && n !== 10) return undefined;
  const days = epochDayOfBytes(bytes, start);
  if (days === undefined) return undefined;
  const ms = n === 10 ? 0 : msOfDayOfBytes(bytes, start, n === 20);
  if (ms < 0) return undefined;
  if (kind) kind.local = n !== 20;
  return days * 86_400_000 + ms;
}

/**
 * `YYYY-MM-DD` at `start` as days since 1970-01-01 in the proleptic Gregorian calendar (what Date
 * uses; negative before 1970), or `undefined` when it is not a real calendar date.
 */
function epochDayOfBytes(bytes: Uint8Array, start: number): number | undefined {
  const y1 = digit2(bytes, start);
  const y2 = digit2(bytes, start + 2);
  const month = digit2(bytes, start + 5);
  const day = digit2(bytes, start + 8);
  if (y1 < 0 || y2 < 0 || month < 1 || month > 12 || day < 1 || bytes[start + 4] !== 45 || bytes[start + 7] !== 45) return undefined;
  const year = y1 * 100 + y2;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const monthDays = month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  if (day > monthDays) return undefined;
  const y = year - 1;
  return (
    365 * (year - 1970) +
    (Math.floor(y / 4) - Math.floor(y / 100) + Math.floor(y / 400)) -
    477 +
    DAYS_BEFORE_MONTH[month]! +
    (month > 2 && leap ? 1 : 0) +
    day -
    1
  );
}

/** `THH:MM:SS` (and `Z` when `utc`) at `start + 10` as milliseconds since midnight, or −1 when it is not a time of day. */
function msOfDayOfBytes(bytes: Uint8Array, start: number, utc: boolean): number {
  const hh = digit2(bytes, start + 11);
  const mi = digit2(bytes, start + 14);
  const ss = digit2(bytes, start + 17);
  if (bytes[start + 10] !== 84 /* T */ || bytes[start + 13] !== 58 || bytes[start + 16] !== 58 || (utc && bytes[start + 19] !== 90) /* Z */) return -1;
  if (hh < 0 || hh > 23 || mi < 0 || mi > 59 || ss < 0 || ss > 59) return -1;
  return ((hh * 60 + mi) * 60 + ss) * 1000;
}

const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Parses a timestamp cell. ISO 8601 date-times **with** an offset (`2024-03-31T02:15:00+01:00`,
 * `…Z`) give their instant (epoch ms). Times without an offset (`2024-03-31T02:15:00`), plain dates
 * (`2024-03-31`, its 00:00) and spreadsheet Date cells are local times of the site: they give the
 * wall time written as UTC and set `kind.local`; the engine reads them on the site's clock, and
 * refuses one that a DST change makes ambiguous or skips (a tonne must not depend on a guess).
 */
export function parseTimestampCell(cell: Cell | undefined, kind?: TimestampKind): number | DiagnosticCode {
  if (cell === null || cell === undefined || cell === '') return 'row.missing_value';
  if (cell instanceof Date) {
    if (Number.isNaN(cell.getTime())) return 'row.invalid_timestamp';
    if (kind) kind.local = true;
    return cell.getTime();
  }
  if (typeof cell !== 'string') return 'row.invalid_timestamp';
  // RFC 3339 §5.6 (note): "T" and "Z" may alternatively be lower case "t" and "z".
  const text = cell
    .trim()
    .replace(/^(\d{4}-\d{2}-\d{2})t/, '$1T')
    .replace(/z$/, 'Z');
  const m = ISO_DATE_TIME.exec(text);
  if (!m) return 'row.invalid_timestamp';
  const [, y, mo, d, hh, mi, , zone] = m;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31 || (hh !== undefined && (Number(hh) > 24 || Number(mi) > 59))) return 'row.invalid_timestamp';
  // Date.parse rolls 2023-02-30 over into March: refuse impossible calendar dates in every form.
  if (new Date(Date.UTC(Number(y), month - 1, day)).getUTCDate() !== day) return 'row.invalid_timestamp';
  const t = Date.parse(hh === undefined ? `${y}-${mo}-${d}T00:00:00Z` : `${text.replace(' ', 'T')}${zone === undefined ? 'Z' : ''}`);
  if (Number.isNaN(t)) return 'row.invalid_timestamp';
  if (kind) kind.local = zone === undefined;
  return t;
}
