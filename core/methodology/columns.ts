import { z } from 'zod';
import type { Cell } from '../readers/types.ts';
import type { DiagnosticCode } from '../validation/codes.ts';

/**
 * Builders for the columns of a monitoring row. Each returns a zod schema that accepts the cells a
 * reader hands over (strings from CSV, JSON values, XLSX numbers and dates), normalises them, and on
 * bad input raises an issue that carries our diagnostic code, so that the same bad value gets the
 * same diagnostic in every format.
 *
 * @example
 * const row = monitoringRow({
 *   timestamp: column.timestamp({ description: 'End of the 15-minute interval' }),
 *   EG_export: column.number({ unit: 'MWh', min: 0, description: 'Electricity exported to the grid' }),
 * });
 */
export interface ColumnMeta {
  readonly kind: 'number' | 'timestamp' | 'boolean' | 'enum' | 'text';
  /** Unit of the values as stored after parsing (`MWh`, `kg`, `1` for dimensionless, `-` for none). */
  readonly unit: string;
  readonly description: string;
  readonly min?: number;
  readonly max?: number;
  readonly optional?: boolean;
  readonly values?: readonly string[];
  /** For numbers: which side of the balance a reading is on, for conservative QA/QC adjustment. */
  readonly side?: 'baseline' | 'project';
  /** For optional columns: what an absent column or an empty cell means (see {@link ColumnAbsence}). */
  readonly absence?: ColumnAbsenceMeta;
}

/**
 * What an optional column's absence (no such column in the file, or an empty cell) means. Declared by
 * the module author per optional column, checked by `defineMethodology`, applied by the engine:
 *
 * - `{ value: 0 }` — absent means `value` at every site. Allowed for a baseline-side number only when
 *   `value` is the column's minimum (less baseline is never more credit), and for a column that is
 *   not a number when `reason` says why `value` is the conservative reading.
 * - `{ source: 'diesel_backup', value: 0 }` — the column measures an emission source (project or
 *   leakage side) that a site may not have: the column may be left out (or a cell left empty) only
 *   when the registration's monitoring plan says the source does not exist at the site
 *   (`"sources": { "diesel_backup": false }`) or the module's `sources` entry finds so from the
 *   registered parameters; then it is `value`. Anywhere else a missing column is refused and an empty
 *   cell is a row error: an absent project-side quantity must never count as zero by accident.
 *
 * @example
 * FC_diesel: column.optional(column.number({ unit: 't', min: 0, side: 'project', description: '…' }), { absent: { source: 'diesel_backup', value: 0 } }),
 * LFG_EL: column.optional(column.number({ unit: 'Nm3', min: 0, side: 'baseline', description: '…' }), { absent: { value: 0 } }),
 */
export interface ColumnAbsence {
  readonly value: number | boolean | string;
  /** The emission source (a key of the module's `sources`) the column measures. */
  readonly source?: string;
  /** Why `value` is the conservative reading of an absent cell (required for a column that is not a number). */
  readonly reason?: string;
}

/** {@link ColumnAbsence} as stored in the column metadata; `declared: false` for the legacy `{ default }` form. */
export interface ColumnAbsenceMeta extends ColumnAbsence {
  readonly declared: boolean;
}

/** Column metadata, kept beside each zod schema (zod 4 registry). */
export const columnRegistry = z.registry<ColumnMeta>();

type IssueCtx = z.core.$RefinementCtx<unknown>;

function fail(ctx: IssueCtx, input: unknown, code: DiagnosticCode, message: string, expected: string): typeof z.NEVER {
  ctx.addIssue({ code: 'custom', input, message, params: { code, expected } });
  return z.NEVER;
}

const PLAIN_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const DECIMAL_COMMA = /^[+-]?\d+,\d+$/;
const THOUSANDS = /^[+-]?[1-9]\d{0,2}(?:[,. '\u00a0\u202f]\d{3})+(?:[.,]\d+)?$/;
/** Larger than any physical monitoring quantity; guards against 1e308 and friends. */
const MAX_MAGNITUDE = 1e15;

/** " MWh" after a number; nothing for dimensionless units ("1", "-"), so no "above 1 1". */
const withUnit = (unit: string) => (unit === '1' || unit === '-' || unit === '' ? '' : ` ${unit}`);

function expectedNumber(unit: string, min?: number, max?: number): string {
  const range = min !== undefined && max !== undefined ? ` between ${min} and ${max}` : min !== undefined ? ` ≥ ${min}` : max !== undefined ? ` ≤ ${max}` : '';
  return `a number${range}${unit === '1' || unit === '-' || unit === '' ? ' (dimensionless)' : ` (${unit})`}`;
}

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

const NUMBER_MESSAGES: Partial<Record<DiagnosticCode, string>> = {
  'row.missing_value': 'is empty',
  'row.not_a_number': 'is not a number',
  'row.not_finite': 'is not a finite measurement',
  'row.decimal_comma': 'uses a decimal comma: write it with a point',
  'row.thousands_separator': 'contains a thousands separator: remove it',
};

// ---------------------------------------------------------------------------------------------
// Fast paths: parsing plain cells straight from ASCII bytes, for the CSV hot loop.

/**
 * How a column built here can be checked without zod when its cell is plainly valid: the engine
 * parses the bytes itself and asks zod only about cells the fast parser does not accept (zod then
 * reports them with the usual diagnostics). Only schemas made by {@link column}`.number` and
 * `.timestamp` carry one.
 */
export type FastColumn = { readonly kind: 'number'; readonly min?: number; readonly max?: number } | { readonly kind: 'timestamp' };
const fastColumns = new WeakMap<object, FastColumn>();
const plainRows = new WeakSet<object>();

/** The fast-path description of a column schema, if it was built by `column.number` / `column.timestamp`. */
export function fastColumnOf(schema: unknown): FastColumn | undefined {
  return typeof schema === 'object' && schema !== null ? fastColumns.get(schema) : undefined;
}

/** True for a row schema made by {@link monitoringRow} (a plain object: each cell checked on its own). */
export function isPlainMonitoringRow(schema: unknown): boolean {
  return typeof schema === 'object' && schema !== null && plainRows.has(schema);
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

function number(spec: { unit: string; description: string; min?: number; max?: number; side?: ColumnMeta['side'] }) {
  const expected = expectedNumber(spec.unit, spec.min, spec.max);
  const schema = z
    .custom<Cell | undefined>(() => true)
    .transform((cell, ctx): number => {
      const parsed = parseNumberCell(cell);
      if (typeof parsed !== 'number') return fail(ctx, cell, parsed, `${NUMBER_MESSAGES[parsed] ?? 'is invalid'}; expected ${expected}`, expected);
      if (spec.min !== undefined && parsed < spec.min) return fail(ctx, cell, 'row.below_minimum', `is below ${spec.min}${withUnit(spec.unit)}`, expected);
      if (spec.max !== undefined && parsed > spec.max) return fail(ctx, cell, 'row.above_maximum', `is above ${spec.max}${withUnit(spec.unit)}`, expected);
      return parsed;
    });
  fastColumns.set(schema, { kind: 'number', ...(spec.min !== undefined ? { min: spec.min } : {}), ...(spec.max !== undefined ? { max: spec.max } : {}) });
  return schema.register(columnRegistry, { kind: 'number', ...spec });
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

function timestamp(spec: { description: string }) {
  const expected = "an ISO 8601 date-time (2024-01-31T23:45:00+05:30, or without offset on the site's clock) or a date (2024-01-31)";
  const schema = z
    .custom<Cell | undefined>(() => true)
    .transform((cell, ctx): number => {
      const parsed = parseTimestampCell(cell);
      if (typeof parsed !== 'number') {
        const why = parsed === 'row.missing_value' ? 'is empty' : 'is not a valid date or date-time';
        return fail(ctx, cell, parsed, `${why}; expected ${expected}`, expected);
      }
      return parsed;
    });
  fastColumns.set(schema, { kind: 'timestamp' });
  return schema.register(columnRegistry, { kind: 'timestamp', unit: '-', description: spec.description });
}

const TRUE = new Set(['true', '1', 'yes', 'y', 'on']);
const FALSE = new Set(['false', '0', 'no', 'n', 'off']);

function boolean(spec: { description: string }) {
  const expected = 'true/false, yes/no or 1/0';
  const schema = z
    .custom<Cell | undefined>(() => true)
    .transform((cell, ctx): boolean => {
      if (typeof cell === 'boolean') return cell;
      if (cell === null || cell === undefined || cell === '') return fail(ctx, cell, 'row.missing_value', `is empty; expected ${expected}`, expected);
      const text = String(cell).trim().toLowerCase();
      if (TRUE.has(text)) return true;
      if (FALSE.has(text)) return false;
      return fail(ctx, cell, 'row.invalid_boolean', `is not a boolean; expected ${expected}`, expected);
    });
  return schema.register(columnRegistry, { kind: 'boolean', unit: '-', description: spec.description });
}

function oneOf<const V extends readonly [string, ...string[]]>(values: V, spec: { description: string }) {
  const expected = `one of ${values.join(', ')}`;
  const allowed = new Set<string>(values);
  const schema = z
    .custom<Cell | undefined>(() => true)
    .transform((cell, ctx): V[number] => {
      if (cell === null || cell === undefined || cell === '') return fail(ctx, cell, 'row.missing_value', `is empty; expected ${expected}`, expected);
      const text = String(cell).trim();
      if (allowed.has(text)) return text;
      return fail(ctx, cell, 'row.invalid_enum', `is not allowed; expected ${expected}`, expected);
    });
  return schema.register(columnRegistry, { kind: 'enum', unit: '-', description: spec.description, values });
}

/**
 * Makes a column optional: an absent column or an empty cell becomes the value its absence is
 * declared to mean (`absent`, see {@link ColumnAbsence}). The engine decides per registration whether
 * the absence is allowed at all (a project-side source the site has must be reported).
 *
 * The older form `{ default }` (no `absent`) still loads, but is treated conservatively: an absent
 * project-side (or side-less) column is refused unless the registration declares
 * `"sources": { "<column>": false }`, and the conformance suite reports the missing declaration.
 */
function optional<T extends z.ZodType>(inner: T, options: { absent?: ColumnAbsence & { value: z.output<T> }; default?: z.output<T>; note?: string } = {}) {
  const meta = columnRegistry.get(inner);
  const fallback = options.absent ? options.absent.value : options.default;
  // A numeric column must say what its absence means (usually 0): an engine sum never meets `undefined`.
  if (meta?.kind === 'number' && fallback === undefined)
    throw new Error(`column.optional(column.number(…)) needs { absent: { … } }: say what an absent "${meta.description}" means`);
  const schema = z
    .custom<Cell | undefined>(() => true)
    .optional()
    .transform((cell, ctx) => {
      if (cell === undefined || cell === null || cell === '') return fallback;
      const r = inner.safeParse(cell);
      if (r.success) return r.data as z.output<T>;
      for (const issue of r.error.issues) ctx.addIssue({ ...(issue as object), path: [] } as never);
      return z.NEVER;
    });
  if (meta) {
    const absence: ColumnAbsenceMeta | undefined = options.absent
      ? { ...options.absent, declared: true }
      : fallback !== undefined
        ? { value: fallback as ColumnAbsence['value'], declared: false }
        : undefined;
    const note =
      options.note ??
      (options.absent?.source !== undefined
        ? `absent or empty: ${String(fallback)}, only where the site has no ${options.absent.source}`
        : fallback !== undefined
          ? `absent or empty: ${String(fallback)}`
          : undefined);
    schema.register(columnRegistry, {
      ...meta,
      optional: true,
      ...(absence ? { absence } : {}),
      ...(note !== undefined ? { description: `${meta.description} (${note})` } : {}),
    });
  }
  return schema;
}

/** A free-text column (an identifier such as a stratum or chiller name), trimmed, at most `maxLength` characters. */
function text(spec: { description: string; maxLength?: number }) {
  const max = spec.maxLength ?? 200;
  const expected = `text of at most ${max} characters`;
  const schema = z
    .custom<Cell | undefined>(() => true)
    .transform((cell, ctx): string => {
      if (cell === null || cell === undefined || cell === '') return fail(ctx, cell, 'row.missing_value', `is empty; expected ${expected}`, expected);
      const t = String(cell).trim();
      if (t === '') return fail(ctx, cell, 'row.missing_value', `is empty; expected ${expected}`, expected);
      if (t.length > max) return fail(ctx, cell, 'row.invalid_value', `is longer than ${max} characters`, expected);
      return t;
    });
  return schema.register(columnRegistry, { kind: 'text', unit: '-', description: spec.description });
}

export const column = { number, timestamp, boolean, oneOf, optional, text };

/** A monitoring row: the methodology's symbols as column names, every column built with {@link column}. */
export function monitoringRow<S extends Record<string, z.ZodType>>(shape: S) {
  const schema = z.object(shape);
  plainRows.add(schema);
  return schema;
}

/** Reads the metadata of each column of a monitoring row schema (in declaration order). */
export function columnsOf(schema: z.ZodObject): { name: string; meta: ColumnMeta | undefined }[] {
  return Object.entries(schema.shape).map(([name, s]) => ({ name, meta: columnRegistry.get(s as z.ZodType) }));
}
