/**
 * The fast paths of the rows stage: cells parsed straight into the row's values without the monitoring
 * schema, where that gives exactly what the schema would. A cell they do not plainly accept sends the row
 * back to the monitoring schema, which reports it as always.
 *
 * - CSV bytes (core/readers/csv.ts pumpCsv): a column built with column.number / column.timestamp is
 *   parsed by the byte parsers; any other column by its own zod schema (an absent one once, up front).
 * - Record events (cells already typed: XLSX numbers and Dates, JSON values, strings): a number or
 *   timestamp column goes through the very parser its zod schema runs (`parseNumberCell` /
 *   `parseTimestampCell` plus the column's bounds); any other column through its own schema.
 *
 * Both run once per row: no allocation, no closure.
 */
import { fastColumnOf, isPlainMonitoringRow, type FastColumn } from '../../methodology/columns.ts';
import { parseNumberBytes, parseNumberCell, parseTimestampBytes, parseTimestampCell, type TimestampKind } from '../../readers/cell-values.ts';
import type { Methodology } from '../../methodology/define-methodology.ts';
import type { Cell } from '../../readers/types.ts';

const latin1 = new TextDecoder('latin1');

/** How one monitoring column (in schema order) is read on the fast paths. */
export interface ColumnPlan {
  /** Index of the column in the file's header; −1 when the file has none. */
  readonly field: number;
  readonly fast?: FastColumn;
  readonly schema: { safeParse(v: unknown): { success: boolean; data?: unknown } };
  /** The value of an absent cell, when the schema accepts one. */
  readonly absent?: unknown;
  readonly absentOk: boolean;
}

/** The plan for a file's header, or undefined when the fast paths cannot serve it (a refined row schema, a required column absent). */
export function buildPlan(methodology: Methodology, columns: readonly string[]): ColumnPlan[] | undefined {
  if (!isPlainMonitoringRow(methodology.monitoring)) return undefined;
  const shape = (methodology.monitoring as unknown as { shape: Record<string, ColumnPlan['schema']> }).shape;
  const out: ColumnPlan[] = [];
  for (const c of methodology.columns) {
    const schema = shape[c.name]!;
    const field = columns.indexOf(c.name);
    const fast = fastColumnOf(schema);
    const r = schema.safeParse(undefined);
    if (field === -1 && !r.success) return undefined;
    out.push({ field, schema, ...(fast ? { fast } : {}), absent: r.success ? r.data : undefined, absentOk: r.success });
  }
  return out;
}

const outOfBounds = (fast: FastColumn & { kind: 'number' }, v: number) => (fast.min !== undefined && v < fast.min) || (fast.max !== undefined && v > fast.max);

/** Fills `values` from a CSV record's bytes (field i is `bytes[starts[i] .. ends[i])`); false sends the row to the record path. */
export function planBytes(
  plan: readonly ColumnPlan[],
  values: unknown[],
  emptyRefused: ReadonlySet<number>,
  timeKind: TimestampKind,
  bytes: Uint8Array,
  starts: Int32Array,
  ends: Int32Array,
): boolean {
  for (let j = 0; j < plan.length; j++) {
    const p = plan[j]!;
    const f = p.field;
    if (f === -1) {
      values[j] = p.absent;
      continue;
    }
    if (starts[f] === ends[f] && emptyRefused.has(j)) return false;
    const fast = p.fast;
    if (fast === undefined) {
      const r = p.schema.safeParse(latin1.decode(bytes.subarray(starts[f], ends[f])));
      if (!r.success) return false;
      values[j] = r.data;
    } else if (fast.kind === 'number') {
      const v = parseNumberBytes(bytes, starts[f]!, ends[f]!);
      if (v === undefined || outOfBounds(fast, v)) return false;
      values[j] = v;
    } else {
      const v = parseTimestampBytes(bytes, starts[f]!, ends[f]!, timeKind);
      if (v === undefined) return false;
      values[j] = v;
    }
  }
  return true;
}

/** Fills `values` from a record event's cells, by column name; false sends the row to the monitoring schema. */
export function planCells(
  plan: readonly ColumnPlan[],
  columnOrder: readonly string[],
  values: unknown[],
  emptyRefused: ReadonlySet<number>,
  timeKind: TimestampKind,
  cells: Readonly<Record<string, Cell>>,
): boolean {
  for (let j = 0; j < plan.length; j++) {
    const p = plan[j]!;
    // By name, not by the header: a JSON record may carry a key its first record lacked (and lack one it had).
    const cell = cells[columnOrder[j]!];
    if (cell === undefined) {
      if (!p.absentOk || emptyRefused.has(j)) return false;
      values[j] = p.absent;
      continue;
    }
    if ((cell === null || cell === '') && emptyRefused.has(j)) return false;
    const fast = p.fast;
    if (fast === undefined) {
      const r = p.schema.safeParse(cell);
      if (!r.success) return false;
      values[j] = r.data;
    } else if (fast.kind === 'number') {
      const v = parseNumberCell(cell);
      if (typeof v !== 'number' || outOfBounds(fast, v)) return false;
      values[j] = v;
    } else {
      const v = parseTimestampCell(cell, timeKind);
      if (typeof v !== 'number') return false;
      values[j] = v;
    }
  }
  return true;
}
