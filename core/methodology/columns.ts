import { z } from 'zod';
import type { Cell } from '../readers/types.ts';
import type { DiagnosticCode } from '../validation/codes.ts';
import { parseNumberCell, parseTimestampCell } from '../readers/cell-values.ts';

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

/** " MWh" after a number; nothing for dimensionless units ("1", "-"), so no "above 1 1". */
const withUnit = (unit: string) => (unit === '1' || unit === '-' || unit === '' ? '' : ` ${unit}`);

function expectedNumber(unit: string, min?: number, max?: number): string {
  const range = min !== undefined && max !== undefined ? ` between ${min} and ${max}` : min !== undefined ? ` ≥ ${min}` : max !== undefined ? ` ≤ ${max}` : '';
  return `a number${range}${unit === '1' || unit === '-' || unit === '' ? ' (dimensionless)' : ` (${unit})`}`;
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
