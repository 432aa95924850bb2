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

function expectedNumber(unit: string, min?: number, max?: number): string {
  const range = min !== undefined && max !== undefined ? ` between ${min} and ${max}` : min !== undefined ? ` ≥ ${min}` : max !== undefined ? ` ≤ ${max}` : '';
  return `a number${range} (${unit})`;
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

function number(spec: { unit: string; description: string; min?: number; max?: number; side?: ColumnMeta['side'] }) {
  const expected = expectedNumber(spec.unit, spec.min, spec.max);
  const schema = z.custom<Cell | undefined>(() => true).transform((cell, ctx): number => {
    const parsed = parseNumberCell(cell);
    if (typeof parsed !== 'number') return fail(ctx, cell, parsed, `${NUMBER_MESSAGES[parsed] ?? 'is invalid'}; expected ${expected}`, expected);
    if (spec.min !== undefined && parsed < spec.min) return fail(ctx, cell, 'row.below_minimum', `is below ${spec.min} ${spec.unit}`, expected);
    if (spec.max !== undefined && parsed > spec.max) return fail(ctx, cell, 'row.above_maximum', `is above ${spec.max} ${spec.unit}`, expected);
    return parsed;
  });
  return schema.register(columnRegistry, { kind: 'number', ...spec });
}

const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/;

/**
 * Parses a timestamp cell to epoch milliseconds. Accepts ISO 8601 date-times **with** an offset
 * (`2024-03-31T02:15:00+01:00`, `…Z`) and plain dates (`2024-03-31`, taken as 00:00 UTC), and Date
 * cells from spreadsheets. A local time without an offset is refused: around a DST change it is
 * ambiguous, and a tonne must not depend on a guess.
 */
export function parseTimestampCell(cell: Cell | undefined): number | DiagnosticCode {
  if (cell === null || cell === undefined || cell === '') return 'row.missing_value';
  if (cell instanceof Date) return Number.isNaN(cell.getTime()) ? 'row.invalid_timestamp' : cell.getTime();
  if (typeof cell !== 'string') return 'row.invalid_timestamp';
  const text = cell.trim();
  const m = ISO_DATE_TIME.exec(text);
  if (!m) return 'row.invalid_timestamp';
  const [, y, mo, d, hh, mi, , zone] = m;
  if (hh !== undefined && zone === undefined) return 'row.invalid_timestamp';
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31 || (hh !== undefined && (Number(hh) > 24 || Number(mi) > 59))) return 'row.invalid_timestamp';
  // Date.parse rolls 2023-02-30 over into March: refuse impossible calendar dates in every form.
  if (new Date(Date.UTC(Number(y), month - 1, day)).getUTCDate() !== day) return 'row.invalid_timestamp';
  const t = Date.parse(hh === undefined ? `${y}-${mo}-${d}T00:00:00Z` : text.replace(' ', 'T'));
  if (Number.isNaN(t)) return 'row.invalid_timestamp';
  return t;
}

function timestamp(spec: { description: string }) {
  const expected = 'an ISO 8601 date-time with offset (2024-01-31T23:45:00Z) or a date (2024-01-31)';
  const schema = z.custom<Cell | undefined>(() => true).transform((cell, ctx): number => {
    const parsed = parseTimestampCell(cell);
    if (typeof parsed !== 'number') {
      const why = parsed === 'row.missing_value' ? 'is empty' : typeof cell === 'string' && /\d{2}:\d{2}/.test(cell) && !/(Z|[+-]\d{2}:?\d{2})$/.test(cell.trim()) ? 'has no time-zone offset (add Z or +hh:mm)' : 'is not a valid date or date-time';
      return fail(ctx, cell, parsed, `${why}; expected ${expected}`, expected);
    }
    return parsed;
  });
  return schema.register(columnRegistry, { kind: 'timestamp', unit: '-', description: spec.description });
}

const TRUE = new Set(['true', '1', 'yes', 'y', 'on']);
const FALSE = new Set(['false', '0', 'no', 'n', 'off']);

function boolean(spec: { description: string }) {
  const expected = 'true/false, yes/no or 1/0';
  const schema = z.custom<Cell | undefined>(() => true).transform((cell, ctx): boolean => {
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
  const schema = z.custom<Cell | undefined>(() => true).transform((cell, ctx): V[number] => {
    if (cell === null || cell === undefined || cell === '') return fail(ctx, cell, 'row.missing_value', `is empty; expected ${expected}`, expected);
    const text = String(cell).trim();
    if (allowed.has(text)) return text;
    return fail(ctx, cell, 'row.invalid_enum', `is not allowed; expected ${expected}`, expected);
  });
  return schema.register(columnRegistry, { kind: 'enum', unit: '-', description: spec.description, values });
}

/** Makes a column optional: an empty cell or an absent column becomes `undefined`. */
function optional<T extends z.ZodType>(inner: T) {
  const meta = columnRegistry.get(inner);
  const schema = z.custom<Cell | undefined>(() => true).optional().transform((cell, ctx) => {
    if (cell === undefined || cell === null || cell === '') return undefined;
    const r = inner.safeParse(cell);
    if (r.success) return r.data as z.output<T>;
    for (const issue of r.error.issues) ctx.addIssue({ ...(issue as object), path: [] } as never);
    return z.NEVER;
  });
  if (meta) schema.register(columnRegistry, { ...meta, optional: true });
  return schema;
}

export const column = { number, timestamp, boolean, oneOf, optional };

/** A monitoring row: the methodology's symbols as column names, every column built with {@link column}. */
export function monitoringRow<S extends Record<string, z.ZodType>>(shape: S) {
  return z.object(shape);
}

/** Reads the metadata of each column of a monitoring row schema (in declaration order). */
export function columnsOf(schema: z.ZodObject): { name: string; meta: ColumnMeta | undefined }[] {
  return Object.entries(schema.shape).map(([name, s]) => ({ name, meta: columnRegistry.get(s as z.ZodType) }));
}
