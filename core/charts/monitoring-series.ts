import type { ColumnMeta } from '../methodology/columns.ts';
import { parseNumberCell, parseTimestampCell } from '../methodology/columns.ts';
import type { ReaderEvent } from '../readers/types.ts';

/**
 * The monitoring data of one file, reduced to what the charts of a verification report show: per
 * numeric column the readings over time (or, for long files, daily means with their range), daily and
 * monthly totals, and the rows that were rejected. Pure and streaming: memory grows with the number
 * of days (and with {@link SeriesOptions.maxPoints} raw points), never with the file size.
 */

export interface SeriesPoint {
  /** Epoch ms (UTC). */
  readonly t: number;
  readonly value: number;
}

/** One day's (or month's) readings of a column: their sum, count and range. */
export interface Bucket {
  /** Start of the day or month, epoch ms (UTC). */
  readonly t: number;
  readonly sum: number;
  readonly count: number;
  readonly min: number;
  readonly max: number;
}

export interface RejectedRow {
  /** Row number as the validation report gives it (1 = first data row). */
  readonly row: number;
  /** Its timestamp when readable. */
  readonly t?: number;
  readonly column?: string;
  readonly why: string;
}

export interface ColumnSeries {
  readonly column: string;
  /** Unit of the values as written in the file (a header unit such as `[kWh]`), else the methodology's. */
  readonly unit: string;
  readonly description: string;
  /** Raw readings, in file order, when the file has at most `maxPoints` rows; otherwise undefined. */
  readonly points?: readonly SeriesPoint[];
  readonly daily: readonly Bucket[];
  readonly monthly: readonly Bucket[];
}

export interface MonitoringSeries {
  readonly timestampColumn: string | undefined;
  readonly rows: number;
  readonly columns: readonly ColumnSeries[];
  readonly rejected: readonly RejectedRow[];
  /** Rejected rows beyond the listed ones (counted, not listed). */
  readonly rejectedOmitted: number;
  /** First and last reading, epoch ms. */
  readonly first?: number;
  readonly last?: number;
}

export interface SeriesOptions {
  /** Raw points kept per column; above this many rows the charts use daily means (default 2000). */
  readonly maxPoints?: number;
  /** Rows the validation rejected (row numbers from the result's error diagnostics), marked on the charts. */
  readonly rejectedRows?: ReadonlyMap<number, string>;
  /** How many rejected rows are listed (all are counted). Default 500. */
  readonly maxRejected?: number;
}

const DAY_MS = 86_400_000;
const dayOf = (t: number) => Math.floor(t / DAY_MS) * DAY_MS;
const monthOf = (t: number) => {
  const d = new Date(t);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
};

class Buckets {
  private readonly map = new Map<number, { t: number; sum: number; count: number; min: number; max: number }>();
  constructor(private readonly key: (t: number) => number) {}
  add(t: number, v: number): void {
    const k = this.key(t);
    const b = this.map.get(k);
    if (!b) this.map.set(k, { t: k, sum: v, count: 1, min: v, max: v });
    else {
      b.sum += v;
      b.count++;
      if (v < b.min) b.min = v;
      if (v > b.max) b.max = v;
    }
  }
  list(): Bucket[] {
    return [...this.map.values()].sort((a, b) => a.t - b.t);
  }
}

/**
 * Collects the chartable series from a reader's events (core/readers `readRecords`).
 *
 * @example
 * const series = await collectSeries(readRecords(source, { fileName, format: 'csv' }), methodology.columns);
 */
export async function collectSeries(events: AsyncIterable<ReaderEvent>, columns: readonly { name: string; meta: ColumnMeta }[], options: SeriesOptions = {}): Promise<MonitoringSeries> {
  const maxPoints = options.maxPoints ?? 2000;
  const maxRejected = options.maxRejected ?? 500;
  const timestampColumn = columns.find((c) => c.meta.kind === 'timestamp')?.name;
  const numeric = columns.filter((c) => c.meta.kind === 'number');
  const state = new Map(numeric.map((c) => [c.name, { points: [] as SeriesPoint[], daily: new Buckets(dayOf), monthly: new Buckets(monthOf), unit: c.meta.unit, present: false }]));
  const rejected: RejectedRow[] = [];
  let rejectedCount = 0;
  const reject = (r: RejectedRow) => {
    rejectedCount++;
    if (rejected.length < maxRejected) rejected.push(r);
  };
  let rows = 0;
  let first: number | undefined;
  let last: number | undefined;
  for await (const e of events) {
    if (e.kind === 'header') {
      for (const name of e.columns) {
        const s = state.get(name);
        if (!s) continue;
        s.present = true;
        const unit = e.units?.[name];
        if (unit) s.unit = unit;
      }
      continue;
    }
    if (e.kind !== 'record') continue;
    rows++;
    const t = timestampColumn ? parseTimestampCell(e.cells[timestampColumn]) : undefined;
    const time = typeof t === 'number' ? t : undefined;
    const flagged = options.rejectedRows?.get(e.row);
    if (timestampColumn && time === undefined) {
      reject({ row: e.row, column: timestampColumn, why: flagged ?? 'unreadable timestamp' });
      continue;
    }
    if (flagged !== undefined) {
      reject({ row: e.row, ...(time !== undefined ? { t: time } : {}), why: flagged });
      continue;
    }
    if (time === undefined) continue; // a methodology without a timestamp column has nothing to plot over time
    first = first === undefined || time < first ? time : first;
    last = last === undefined || time > last ? time : last;
    for (const [name, s] of state) {
      if (!s.present) continue;
      const cell = e.cells[name];
      if (cell === null || cell === undefined || cell === '') continue; // an optional column left empty
      const v = parseNumberCell(cell);
      if (typeof v !== 'number') {
        reject({ row: e.row, t: time, column: name, why: `${name}: not a number` });
        continue;
      }
      if (rows <= maxPoints) s.points.push({ t: time, value: v });
      s.daily.add(time, v);
      s.monthly.add(time, v);
    }
  }
  const out: ColumnSeries[] = [];
  for (const c of numeric) {
    const s = state.get(c.name)!;
    if (!s.present) continue;
    out.push({ column: c.name, unit: s.unit, description: c.meta.description, ...(rows <= maxPoints ? { points: s.points } : {}), daily: s.daily.list(), monthly: s.monthly.list() });
  }
  return { timestampColumn, rows, columns: out, rejected, rejectedOmitted: rejectedCount - rejected.length, ...(first !== undefined ? { first, last } : {}) };
}
