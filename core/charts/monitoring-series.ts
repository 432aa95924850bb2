import type { ColumnMeta } from '../methodology/columns.ts';
import { parseNumberCell, parseTimestampCell } from '../readers/cell-values.ts';
import type { Cell, ReaderEvent } from '../readers/types.ts';
import { SiteClock } from '../time/zone.ts';

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
  /** Start of the site's day or month, epoch ms. */
  readonly t: number;
  readonly sum: number;
  readonly count: number;
  readonly min: number;
  readonly max: number;
}

export interface RejectedRow {
  /** Row number as the validation report gives it (1 = first data row). */
  readonly row: number;
  /** The file it is in (a monitoring report charts several files). */
  readonly file?: string;
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
  /** The clock days and months are counted on. */
  readonly timeZone: string;
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
  /** The site's IANA time zone (registration `timeZone`): local timestamps are read and days counted on its clock. Default UTC. */
  readonly timeZone?: string;
  /** What a timestamp marks (methodology `timestampMarks`): with `end`, a reading counts for the interval before it. */
  readonly timestampMarks?: 'interval-start' | 'interval-end';
}

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

export interface SeriesFileOptions {
  /** Rows the validation rejected in this file (row numbers from the result's error diagnostics), marked on the charts. */
  readonly rejectedRows?: ReadonlyMap<number, string>;
  /** The file's name, kept on its rejected rows (a monitoring report charts several files). */
  readonly file?: string;
}

/**
 * Collects the chartable series of one or more files (the uploads of a monitoring report, in period
 * order) on the site's clock: a timestamp without an offset is a local time of the site, and daily and
 * monthly totals are the site's days and months (not UTC days). With `timestampMarks: 'interval-end'` a reading
 * stamped at a day's 00:00 closes the interval before it and counts for the day before.
 */
export class SeriesCollector {
  private readonly clock: SiteClock;
  private readonly maxPoints: number;
  private readonly maxRejected: number;
  private readonly timestampColumn: string | undefined;
  private readonly numeric: readonly { name: string; meta: ColumnMeta }[];
  private readonly state: Map<string, { points: SeriesPoint[]; daily: Buckets; monthly: Buckets; unit: string; present: boolean }>;
  private readonly rejected: RejectedRow[] = [];
  private rejectedCount = 0;
  private rows = 0;
  private first: number | undefined;
  private last: number | undefined;

  constructor(
    columns: readonly { name: string; meta: ColumnMeta }[],
    private readonly options: Omit<SeriesOptions, 'rejectedRows'> = {},
  ) {
    this.clock = SiteClock.of(options.timeZone ?? 'UTC');
    this.maxPoints = options.maxPoints ?? 2000;
    this.maxRejected = options.maxRejected ?? 500;
    this.timestampColumn = columns.find((c) => c.meta.kind === 'timestamp')?.name;
    this.numeric = columns.filter((c) => c.meta.kind === 'number');
    const shift = options.timestampMarks === 'interval-end' ? -1 : 0;
    const day = (t: number) => this.clock.startOfDate(this.clock.dateOf(t + shift));
    const month = (t: number) => this.clock.startOfDate(`${this.clock.dateOf(t + shift).slice(0, 8)}01`);
    this.state = new Map(
      this.numeric.map((c) => [
        c.name,
        { points: [] as SeriesPoint[], daily: new Buckets(day), monthly: new Buckets(month), unit: c.meta.unit, present: false },
      ]),
    );
  }

  private reject(r: RejectedRow): void {
    this.rejectedCount++;
    if (this.rejected.length < this.maxRejected) this.rejected.push(r);
  }

  async add(events: AsyncIterable<ReaderEvent>, options: SeriesFileOptions = {}): Promise<void> {
    const file = options.file !== undefined ? { file: options.file } : {};
    const present = new Set<string>();
    for await (const e of events) {
      if (e.kind === 'header') this.addHeader(e, present);
      else if (e.kind === 'record') this.addRecord(e, present, file, options.rejectedRows);
    }
  }

  /** Marks the header's numeric columns present in this file and takes the units it states. */
  private addHeader(e: ReaderEvent & { kind: 'header' }, present: Set<string>): void {
    for (const name of e.columns) {
      const s = this.state.get(name);
      if (!s) continue;
      s.present = true;
      present.add(name);
      const unit = e.units?.[name];
      if (unit) s.unit = unit;
    }
  }

  /** The record's instant on the site clock, or undefined when there is no timestamp column or it is unreadable. */
  private recordTime(cells: Readonly<Record<string, Cell>>): number | undefined {
    const kind = { local: false };
    const parsed = this.timestampColumn ? parseTimestampCell(cells[this.timestampColumn], kind) : undefined;
    const time = typeof parsed === 'number' ? parsed : undefined;
    if (time === undefined || !kind.local) return time;
    const t = this.clock.fromWall(time);
    return typeof t === 'number' ? t : undefined;
  }

  private addRecord(
    e: ReaderEvent & { kind: 'record' },
    present: ReadonlySet<string>,
    file: { file?: string },
    rejectedRows: SeriesFileOptions['rejectedRows'],
  ): void {
    this.rows++;
    const time = this.recordTime(e.cells);
    const flagged = rejectedRows?.get(e.row);
    if (this.timestampColumn && time === undefined) {
      this.reject({ row: e.row, ...file, column: this.timestampColumn, why: flagged ?? 'unreadable timestamp' });
      return;
    }
    if (flagged !== undefined) {
      this.reject({ row: e.row, ...file, ...(time !== undefined ? { t: time } : {}), why: flagged });
      return;
    }
    if (time === undefined) return; // a methodology without a timestamp column has nothing to plot over time
    this.first = this.first === undefined || time < this.first ? time : this.first;
    this.last = this.last === undefined || time > this.last ? time : this.last;
    for (const name of present) this.addValue(e, name, time, file);
  }

  /** One numeric cell of a record: into the raw points (while they are kept), the daily and the monthly buckets. */
  private addValue(e: ReaderEvent & { kind: 'record' }, name: string, time: number, file: { file?: string }): void {
    const s = this.state.get(name)!;
    const cell = e.cells[name];
    if (cell === null || cell === undefined || cell === '') return; // an optional column left empty
    const v = parseNumberCell(cell);
    if (typeof v !== 'number') {
      this.reject({ row: e.row, ...file, t: time, column: name, why: `${name}: not a number` });
      return;
    }
    if (this.rows <= this.maxPoints) s.points.push({ t: time, value: v });
    s.daily.add(time, v);
    s.monthly.add(time, v);
  }

  result(): MonitoringSeries {
    const out: ColumnSeries[] = [];
    const raw = this.rows <= this.maxPoints;
    for (const c of this.numeric) {
      const s = this.state.get(c.name)!;
      if (!s.present) continue;
      out.push({
        column: c.name,
        unit: s.unit,
        description: c.meta.description,
        ...(raw ? { points: s.points } : {}),
        daily: s.daily.list(),
        monthly: s.monthly.list(),
      });
    }
    const { first, last } = this;
    return {
      timestampColumn: this.timestampColumn,
      timeZone: this.clock.zone,
      rows: this.rows,
      columns: out,
      rejected: this.rejected,
      rejectedOmitted: this.rejectedCount - this.rejected.length,
      ...(first !== undefined ? { first, last } : {}),
    };
  }
}

/**
 * Collects the chartable series from one file's reader events (core/readers `readRecords`).
 *
 * @example
 * const series = await collectSeries(readRecords(source, { fileName, format: 'csv' }), methodology.columns, { timeZone: 'Asia/Kolkata' });
 */
export async function collectSeries(
  events: AsyncIterable<ReaderEvent>,
  columns: readonly { name: string; meta: ColumnMeta }[],
  options: SeriesOptions = {},
): Promise<MonitoringSeries> {
  const { rejectedRows, ...rest } = options;
  const c = new SeriesCollector(columns, rest);
  await c.add(events, rejectedRows ? { rejectedRows } : {});
  return c.result();
}
