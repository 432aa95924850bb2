import type { ColumnMeta } from '../methodology/columns.ts';

/**
 * QA/QC rules shared by every methodology (domain.md §7.2): delayed meter calibration and
 * monitoring gaps and duplicates. Pure and streaming: state grows with the number of monitoring
 * intervals (one byte each), never with the file size.
 */

export interface MeterSpec {
  readonly id: string;
  readonly columns: readonly string[];
  /** Maximum permissible error as a fraction (0.002 = 0.2 %). */
  readonly mpe: number;
  readonly calibrationIntervalDays: number;
  /** Dates (YYYY-MM-DD) of the calibrations on record. */
  readonly calibrations: readonly string[];
}

export interface CalibrationAdjustment {
  readonly meter: string;
  readonly column: string;
  readonly side: 'baseline' | 'project';
  readonly mpe: number;
  /** ×(1 − MPE) for baseline-side quantities, ×(1 + MPE) for project-side ones. */
  readonly factor: number;
  rows: number;
  first: string;
  last: string;
}

const DAY_MS = 86_400_000;

/**
 * Delayed calibration (CDM VVS paras 366–367, domain.md §7.2 item 3): a reading taken while its
 * meter's calibration is overdue is adjusted by the meter's maximum permissible error in the
 * conservative direction: down for baseline-side quantities (less credit), up for project-side ones
 * (more project emissions).
 */
export class CalibrationRule {
  private readonly byColumn = new Map<string, { windows: [number, number][]; adjustment: CalibrationAdjustment }[]>();
  readonly adjustments: CalibrationAdjustment[] = [];

  constructor(meters: readonly MeterSpec[], columns: ReadonlyMap<string, ColumnMeta>) {
    for (const meter of meters) {
      const windows = meter.calibrations.map((d) => Date.parse(`${d}T00:00:00Z`)).sort((a, b) => a - b).map((start): [number, number] => [start, start + meter.calibrationIntervalDays * DAY_MS]);
      for (const column of meter.columns) {
        const side = columns.get(column)?.side;
        if (!side) continue; // checked by problemsOf()
        const adjustment: CalibrationAdjustment = { meter: meter.id, column, side, mpe: meter.mpe, factor: side === 'baseline' ? 1 - meter.mpe : 1 + meter.mpe, rows: 0, first: '', last: '' };
        const list = this.byColumn.get(column) ?? [];
        list.push({ windows, adjustment });
        this.byColumn.set(column, list);
      }
    }
  }

  /** Registration problems: meters on unknown columns or on columns without a side. */
  static problemsOf(meters: readonly MeterSpec[], columns: ReadonlyMap<string, ColumnMeta>): string[] {
    const problems: string[] = [];
    for (const m of meters)
      for (const c of m.columns) {
        const meta = columns.get(c);
        if (!meta || meta.kind !== 'number') problems.push(`meter ${m.id}: ${c} is not a numeric monitoring column of the methodology`);
        else if (!meta.side) problems.push(`meter ${m.id}: the methodology does not say whether ${c} is a baseline-side or project-side quantity, so no conservative direction is known`);
      }
    return problems;
  }

  get active(): boolean {
    return this.byColumn.size > 0;
  }

  /** Adjusts the row's readings in place where calibration was overdue at time `t`. */
  apply(t: number, values: Map<string, number | boolean>): void {
    for (const [column, list] of this.byColumn) {
      for (const { windows, adjustment } of list) {
        if (windows.some(([a, b]) => t >= a && t < b)) continue;
        const v = values.get(column);
        if (typeof v !== 'number') continue;
        values.set(column, v * adjustment.factor);
        if (adjustment.rows === 0) {
          adjustment.first = new Date(t).toISOString();
          this.adjustments.push(adjustment);
        }
        adjustment.rows++;
        adjustment.last = new Date(t).toISOString();
      }
    }
  }
}

export interface Gap {
  readonly from: string;
  readonly to: string;
  readonly missingIntervals: number;
  /** The monitored item (e.g. the chiller) the gap belongs to, when the methodology names an item column. */
  readonly item?: string;
}

const CHUNK = 1 << 16;

/** The expected monitoring frequency: a fixed number of minutes, or calendar months (UTC). */
export type IntervalSpec = { readonly minutes: number } | { readonly months: number };

/**
 * Expected-frequency bookkeeping: which monitoring intervals have a reading. Detects a second
 * reading for the same interval (a duplicate or overlapping timestamp) as it streams, and lists the
 * gaps at the end. Intervals are fixed lengths of minutes, or calendar months (a monthly reading for
 * March is any timestamp in March, UTC).
 */
export class IntervalTracker {
  private readonly chunks = new Map<number, Uint8Array>();
  private min = Infinity;
  private max = -Infinity;
  constructor(readonly spec: IntervalSpec) {}

  /** "15-minute" or "monthly" / "3-month", for messages. */
  get label(): string {
    if ('minutes' in this.spec) return `${this.spec.minutes}-minute`;
    return this.spec.months === 1 ? 'monthly' : `${this.spec.months}-month`;
  }

  /** The interval a timestamp falls in. */
  slotOf(t: number): number {
    if ('minutes' in this.spec) return Math.floor(t / (this.spec.minutes * 60_000));
    const d = new Date(t);
    return Math.floor((d.getUTCFullYear() * 12 + d.getUTCMonth()) / this.spec.months);
  }

  /** Start of an interval, epoch ms. */
  startOf(slot: number): number {
    if ('minutes' in this.spec) return slot * this.spec.minutes * 60_000;
    const month = slot * this.spec.months;
    return Date.UTC(Math.floor(month / 12), month % 12, 1);
  }

  /** Start of the interval of the first reading, or undefined. */
  get startOfFirst(): number | undefined {
    return this.min === Infinity ? undefined : this.startOf(this.min);
  }

  /** Start of the interval after the last reading (the end of the monitored time), or undefined. */
  get end(): number | undefined {
    return this.max === -Infinity ? undefined : this.startOf(this.max + 1);
  }

  /** Records a reading; returns false when its interval already had one. */
  add(t: number): boolean {
    const slot = this.slotOf(t);
    const key = Math.floor(slot / CHUNK);
    let chunk = this.chunks.get(key);
    if (!chunk) {
      chunk = new Uint8Array(CHUNK);
      this.chunks.set(key, chunk);
    }
    const i = slot - key * CHUNK;
    if (chunk[i]) return false;
    chunk[i] = 1;
    if (slot < this.min) this.min = slot;
    if (slot > this.max) this.max = slot;
    return true;
  }

  /** Gaps between `from` and `to` (epoch ms, `to` exclusive), or between the first and last reading. */
  gaps(from?: number, to?: number): { gaps: Gap[]; missing: number } {
    if (this.min === Infinity && from === undefined) return { gaps: [], missing: 0 };
    const first = from !== undefined ? this.slotOf(from) : this.min;
    const last = to !== undefined ? this.slotOf(to - 1) : this.max;
    const gaps: Gap[] = [];
    let missing = 0;
    let start = -1;
    for (let slot = first; slot <= last + 1; slot++) {
      const chunk = this.chunks.get(Math.floor(slot / CHUNK));
      const has = slot > last || (chunk ? chunk[slot - Math.floor(slot / CHUNK) * CHUNK] === 1 : false);
      if (!has && start < 0) start = slot;
      if (has && start >= 0) {
        const n = slot - start;
        missing += n;
        gaps.push({ from: new Date(this.startOf(start)).toISOString(), to: new Date(this.startOf(slot)).toISOString(), missingIntervals: n });
        start = -1;
      }
    }
    return { gaps, missing };
  }
}
