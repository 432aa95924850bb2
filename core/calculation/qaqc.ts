import type { ColumnMeta } from '../methodology/columns.ts';
import { SiteClock } from '../time/zone.ts';
import { ExactSum } from './exact-sum.ts';

/**
 * QA/QC rules shared by every methodology: delayed meter calibration and monitoring gaps and
 * duplicates. Pure and streaming: state grows with the number of readings (runs of covered
 * intervals), never with the span of time they claim.
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
  /**
   * The adjusted readings' sum before the factor, as an exact expansion (exact-sum.ts): with the factor it
   * says what the adjustment changed (before × factor − before, in the column's unit).
   */
  before: number[];
}

const DAY_MS = 86_400_000;

/**
 * Delayed calibration (CDM VVS paras 366–367): a reading taken while its
 * meter's calibration is overdue is adjusted by the meter's maximum permissible error in the
 * conservative direction: down for baseline-side quantities (less credit), up for project-side ones
 * (more project emissions).
 */
export class CalibrationRule {
  private readonly byColumn = new Map<string, { windows: [number, number][]; adjustment: CalibrationAdjustment }[]>();
  readonly adjustments: CalibrationAdjustment[] = [];
  private readonly before = new Map<CalibrationAdjustment, ExactSum>();

  constructor(
    meters: readonly MeterSpec[],
    columns: ReadonlyMap<string, ColumnMeta>,
    private readonly clock: SiteClock = SiteClock.of('UTC'),
  ) {
    for (const meter of meters) {
      // A calibration date is a day on the site's clock: valid from its 00:00 local.
      const windows = meter.calibrations
        .map((d) => clock.startOfDate(d))
        .sort((a, b) => a - b)
        .map((start): [number, number] => [start, start + meter.calibrationIntervalDays * DAY_MS]);
      for (const column of meter.columns) {
        const side = columns.get(column)?.side;
        if (!side) continue; // checked by problemsOf()
        const adjustment: CalibrationAdjustment = {
          meter: meter.id,
          column,
          side,
          mpe: meter.mpe,
          factor: side === 'baseline' ? 1 - meter.mpe : 1 + meter.mpe,
          rows: 0,
          first: '',
          last: '',
          before: [],
        };
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
        else if (!meta.side)
          problems.push(
            `meter ${m.id}: the methodology does not say whether ${c} is a baseline-side or project-side quantity, so no conservative direction is known`,
          );
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
        const before = this.before.get(adjustment) ?? new ExactSum();
        before.add(v);
        this.before.set(adjustment, before);
        adjustment.before = before.terms as number[];
        if (adjustment.rows === 0) {
          adjustment.first = this.clock.format(t);
          this.adjustments.push(adjustment);
        }
        adjustment.rows++;
        adjustment.last = this.clock.format(t);
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

/** The expected monitoring frequency: a fixed number of minutes, or calendar months on the site's clock. */
export type IntervalSpec = { readonly minutes: number } | { readonly months: number };

/** What a row's timestamp marks: the start of its interval (`[t, t + L)`) or its end (`[t − L, t)`). */
export type TimestampConvention = 'interval-start' | 'interval-end';

/**
 * Expected-frequency bookkeeping: which monitoring intervals have a reading. Detects a second
 * reading for the same interval (a duplicate or overlapping timestamp) as it streams, and lists the
 * gaps at the end.
 *
 * Intervals are numbered slots on the site's clock:
 * - minutes below a day: fixed lengths of instants, aligned to the site's local clock (an hourly
 *   slot starts at a local full hour, also at +05:30);
 * - whole days (1440 minutes, …): local days, so a 23- or 25-hour DST day is one slot;
 * - calendar months: local months (a monthly reading for March is any time in March on the site's clock).
 * An end-stamped reading belongs to the slot that ends at (or after) its timestamp.
 *
 * Memory grows with the number of readings, never with the span of time they claim: covered slots
 * are kept as sorted runs (a file in time order is one run per gap plus one), and gaps are counted
 * from the runs, not slot by slot.
 */
export class IntervalTracker {
  /** Covered slots as sorted, disjoint, non-adjacent runs [runStart[i], runEnd[i]] (inclusive). */
  private readonly runStart: number[] = [];
  private readonly runEnd: number[] = [];
  private readonly anchor: number;
  private readonly wallDays: boolean;
  private readonly lengthMs: number;

  constructor(
    readonly spec: IntervalSpec,
    private readonly clock: SiteClock = SiteClock.of('UTC'),
    private readonly convention: TimestampConvention = 'interval-start',
  ) {
    this.lengthMs = 'minutes' in spec ? spec.minutes * 60_000 : 0;
    this.wallDays = 'minutes' in spec && spec.minutes % 1440 === 0;
    // Sub-day slots are aligned to the zone's standard offset (its offset in January and July, the smaller).
    this.anchor = 'minutes' in spec && !this.wallDays ? Math.min(clock.offsetAt(Date.UTC(2001, 0, 1)), clock.offsetAt(Date.UTC(2001, 6, 1))) : 0;
  }

  /** "15-minute" or "monthly" / "3-month", for messages. */
  get label(): string {
    if ('minutes' in this.spec) return `${this.spec.minutes}-minute`;
    return this.spec.months === 1 ? 'monthly' : `${this.spec.months}-month`;
  }

  /** The interval a reading stamped `t` belongs to. */
  slotOf(t: number): number {
    // An end-stamped reading covers the interval ending at t: take the instant just before it.
    const at = this.convention === 'interval-end' ? t - 1 : t;
    if ('minutes' in this.spec) {
      if (this.wallDays) return Math.floor(this.clock.wallOf(at) / this.lengthMs);
      return Math.floor((at + this.anchor) / this.lengthMs);
    }
    const d = new Date(this.clock.wallOf(at));
    return Math.floor((d.getUTCFullYear() * 12 + d.getUTCMonth()) / this.spec.months);
  }

  /** Start of an interval, epoch ms. */
  startOf(slot: number): number {
    if ('minutes' in this.spec) {
      if (this.wallDays) return this.clock.boundary(slot * this.lengthMs);
      return slot * this.lengthMs - this.anchor;
    }
    const month = slot * this.spec.months;
    const year = Math.floor(month / 12);
    const w = new Date(0);
    w.setUTCFullYear(year, month - year * 12, 1);
    return this.clock.boundary(w.getTime());
  }

  /** Start of the interval of the first reading, or undefined. */
  get startOfFirst(): number | undefined {
    return this.runStart.length ? this.startOf(this.runStart[0]!) : undefined;
  }

  /** Start of the interval after the last reading (the end of the monitored time), or undefined. */
  get end(): number | undefined {
    return this.runEnd.length ? this.startOf(this.runEnd[this.runEnd.length - 1]! + 1) : undefined;
  }

  /** Number of runs kept (for tests of the memory bound). */
  get runs(): number {
    return this.runStart.length;
  }

  /** Intervals with a reading, as sorted half-open runs `[from, to)` of interval numbers (for a stored partial result). */
  coveredRuns(): [number, number][] {
    return this.runStart.map((s, i) => [s, this.runEnd[i]! + 1]);
  }

  /**
   * Marks the intervals `[from, to)` as covered (rebuilding a tracker from stored runs); returns false
   * when any of them already had a reading. Costs one step per run, not per interval.
   */
  addRun(from: number, to: number): boolean {
    if (to <= from) return true;
    const starts = this.runStart;
    const ends = this.runEnd;
    const n = starts.length;
    const last = to - 1;
    if (n === 0 || from > ends[n - 1]! + 1) {
      starts.push(from);
      ends.push(last);
      return true;
    }
    if (from === ends[n - 1]! + 1) {
      ends[n - 1] = last;
      return true;
    }
    // Out of order (stored runs are sorted, so only a merge of overlapping parts lands here): slot by slot.
    let fresh = true;
    for (let s = from; s < to; s++) fresh = this.addSlot(s) && fresh;
    return fresh;
  }

  /**
   * Whether `t` is a boundary of the site's intervals (sub-day and whole-day intervals; monthly ones are
   * stamped on any day). A reading off the grid is counted in the interval it falls in, so the monitored
   * time may differ from the meter's by up to one interval.
   */
  onGrid(t: number): boolean {
    if (!('minutes' in this.spec)) return true;
    const x = this.wallDays ? this.clock.wallOf(t) : t + this.anchor;
    return ((x % this.lengthMs) + this.lengthMs) % this.lengthMs === 0;
  }

  /**
   * The time an off-grid reading really covers on the meter: `[t − L, t)` when timestamps mark the end
   * of their interval, `[t, t + L)` when they mark its start (one local day for daily intervals). The
   * slot it is counted in is a grid interval that differs from this by up to one interval.
   */
  meterSpan(t: number): { readonly start: number; readonly end: number } {
    const end = this.convention === 'interval-end';
    if (!this.wallDays) return end ? { start: t - this.lengthMs, end: t } : { start: t, end: t + this.lengthMs };
    const wall = this.clock.wallOf(t);
    return end ? { start: this.clock.boundary(wall - this.lengthMs), end: t } : { start: t, end: this.clock.boundary(wall + this.lengthMs) };
  }

  /** Records a reading; returns false when its interval already had one. */
  add(t: number): boolean {
    return this.addSlot(this.slotOf(t));
  }

  private addSlot(slot: number): boolean {
    const starts = this.runStart;
    const ends = this.runEnd;
    const n = starts.length;
    // The common case: in time order, at or after the last run.
    if (n === 0 || slot > ends[n - 1]!) {
      if (n > 0 && slot === ends[n - 1]! + 1) ends[n - 1] = slot;
      else {
        starts.push(slot);
        ends.push(slot);
      }
      return true;
    }
    // Binary search: the last run starting at or before slot.
    let lo = 0;
    let hi = n - 1;
    let i = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid]! <= slot) {
        i = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (i >= 0 && slot <= ends[i]!) return false;
    const joinsLeft = i >= 0 && ends[i]! + 1 === slot;
    const joinsRight = i + 1 < n && starts[i + 1]! - 1 === slot;
    if (joinsLeft && joinsRight) {
      ends[i] = ends[i + 1]!;
      starts.splice(i + 1, 1);
      ends.splice(i + 1, 1);
    } else if (joinsLeft) ends[i] = slot;
    else if (joinsRight) starts[i + 1] = slot;
    else {
      starts.splice(i + 1, 0, slot);
      ends.splice(i + 1, 0, slot);
    }
    return true;
  }

  /**
   * Gaps between `from` and `to` (epoch ms, `to` exclusive), or between the first and last reading:
   * at most `limit` listed (default 1000), all counted.
   */
  gaps(from?: number, to?: number, limit = 1000): { gaps: Gap[]; missing: number; count: number } {
    const n = this.runStart.length;
    if (n === 0 && (from === undefined || to === undefined)) return { gaps: [], missing: 0, count: 0 };
    // Slots wholly inside [from, to): the first slot starting at or after from, the last ending at or before to.
    const first = from !== undefined ? this.firstSlotFrom(from) : this.runStart[0]!;
    const last = to !== undefined ? this.lastSlotTo(to) : this.runEnd[n - 1]!;
    const gaps: Gap[] = [];
    let missing = 0;
    let count = 0;
    const hole = (a: number, b: number) => {
      // Missing slots a..b inclusive, clipped to [first, last].
      const lo = Math.max(a, first);
      const hi = Math.min(b, last);
      if (lo > hi) return;
      missing += hi - lo + 1;
      count++;
      if (gaps.length < limit)
        gaps.push({ from: this.clock.format(this.startOf(lo)), to: this.clock.format(this.startOf(hi + 1)), missingIntervals: hi - lo + 1 });
    };
    let cursor = first;
    for (let i = 0; i < n && cursor <= last; i++) {
      const s = this.runStart[i]!;
      const e = this.runEnd[i]!;
      if (e < cursor) continue;
      if (s > cursor) hole(cursor, s - 1);
      cursor = e + 1;
    }
    if (cursor <= last) hole(cursor, last);
    return { gaps, missing, count };
  }

  private firstSlotFrom(t: number): number {
    const s = this.slotOfStart(t);
    return this.startOf(s) < t ? s + 1 : s;
  }

  private lastSlotTo(t: number): number {
    const s = this.slotOfStart(t);
    return s - 1;
  }

  /** The slot an instant falls in (start-stamped sense), for boundaries. */
  private slotOfStart(t: number): number {
    if ('minutes' in this.spec) {
      if (this.wallDays) return Math.floor(this.clock.wallOf(t) / this.lengthMs);
      return Math.floor((t + this.anchor) / this.lengthMs);
    }
    const d = new Date(this.clock.wallOf(t));
    return Math.floor((d.getUTCFullYear() * 12 + d.getUTCMonth()) / this.spec.months);
  }
}
