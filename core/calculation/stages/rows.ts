/**
 * The rows stage: every record of the file decoded (the byte and cell fast paths, or the monitoring
 * schema), validated (timestamp, period, duplicate interval), run through the row equations and checks,
 * and summed. What it produces is the file's partial result (core/calculation/partial.ts): the period is
 * calculated from that alone.
 *
 * The row loop is the hot path: per row it allocates nothing and makes no closure (values and slots are
 * reused arrays; sums are exact expansions updated in place).
 */
import { parseNumberCell, parseTimestampCell, type TimestampKind } from '../../readers/cell-values.ts';
import { absencePolicyOf } from '../../methodology/absence.ts';
import type { DiagnosticCode } from '../../validation/codes.ts';
import { showValue } from '../../validation/diagnostic.ts';
import { pumpRecords, type RecordSink } from '../../readers/read-records.ts';
import type { Cell, ReaderEvent } from '../../readers/types.ts';
import { checkZipBomb } from '../../readers/zip-directory.ts';
import { formatPeriod } from '../../time/period.ts';
import type * as Units from '../../units/exact.ts';
import { ExactSum, partialOf, type PartialResult } from '../partial.ts';
import { CalibrationRule, IntervalTracker } from '../qaqc.ts';
import { recordFastPath } from './switches.ts';
import { sourceHint, type Calculation } from './context.ts';
import { checkHeader, loadUnits, needsUnits } from './header.ts';
import type { OpenedFile } from './open.ts';
import { flagName } from './row-scope.ts';
import { buildPlan, planBytes, planCells, type ColumnPlan } from './row-plan.ts';
import { compileRowEquations, runRowChecks, runRowEquations, type RowEquations } from './row-equations.ts';

type RecordEvent = Extract<ReaderEvent, { kind: 'record' }>;

/** An empty cell in every format: "" in CSV, null in JSON and XLSX, or no key at all. */
const isEmptyCell = (cell: Cell | undefined): boolean => cell === undefined || cell === null || (typeof cell === 'string' && cell.trim() === '');

export class RowStage {
  /** Sums over accepted rows of every numeric column and row equation. */
  readonly sums = new Map<string, ExactSum>();
  /** One interval tracker per monitored item (e.g. per chiller) when the methodology names an item column. */
  readonly trackers = new Map<string, IntervalTracker>();
  total = 0;
  accepted = 0;
  rejected = 0;
  fatal = false;
  firstTime = Infinity;
  lastTime = -Infinity;

  private readonly calibration: CalibrationRule;
  private readonly intervals: IntervalTracker | undefined;
  private readonly compiled: RowEquations;
  private readonly sumList: readonly { readonly slot: number; readonly sum: ExactSum }[];
  /** The monitoring columns in schema order: where each value goes once a row is valid. */
  private readonly columnOrder: readonly string[];
  private readonly timeIndex: number;
  private readonly inputIndex: readonly { readonly index: number; readonly slot: number }[];
  private readonly flagIndex: readonly { readonly index: number; readonly flags: readonly { readonly v: string; readonly slot: number }[] }[];
  private readonly values: unknown[];
  /** Whether the time cell of the row at hand had no offset (a local time on the site's clock). */
  private readonly timeKind: TimestampKind = { local: false };
  private converted: ReadonlyMap<string, Units.Conversion> = new Map();
  private emptyRefused: ReadonlySet<string> = new Set();
  private emptyRefusedIndex: ReadonlySet<number> = new Set();
  private headerOk = false;
  private lastRejectedRow = -1;
  /** Readings stamped off the site's interval grid: how many, and the first (for one warning). */
  private offGrid = 0;
  private firstOffGrid: { readonly row: number; readonly line: number; readonly t: number } | undefined;
  /** The crediting period as instants, once an off-grid reading needs it. */
  private creditingSpan: { readonly start: number; readonly end: number } | undefined;
  private plan: ColumnPlan[] | undefined;
  /** Events held while core/units loads (see onHeader). */
  private held: { readonly queue: ReaderEvent[]; readonly loaded: Promise<void> } | undefined;
  private readonly sink: RecordSink;

  constructor(private readonly calc: Calculation) {
    const { methodology, project, scope, site, intervalSpec } = calc;
    const summed = [...methodology.columns.filter((c) => c.meta.kind === 'number').map((c) => c.name), ...methodology.rowEquations.map((e) => e.symbol)];
    for (const s of summed) this.sums.set(s, new ExactSum());
    this.sumList = [...this.sums].map(([s, sum]) => ({ slot: scope.slot(s), sum }));
    this.calibration = new CalibrationRule(project.meters ?? [], new Map(methodology.columns.map((c) => [c.name, c.meta])), site.clock);
    this.intervals = intervalSpec ? this.trackerOf('') : undefined;
    this.compiled = compileRowEquations(methodology, scope);
    this.columnOrder = methodology.columns.map((c) => c.name);
    this.timeIndex = this.columnOrder.indexOf(methodology.timeColumn);
    this.inputIndex = methodology.rowInputs.map((c) => ({ index: this.columnOrder.indexOf(c), slot: scope.slot(c) }));
    this.flagIndex = methodology.columns
      .filter((c) => c.meta.kind === 'enum')
      .map((c) => ({ index: this.columnOrder.indexOf(c.name), flags: (c.meta.values ?? []).map((v) => ({ v, slot: scope.slot(flagName(c.name, v)) })) }));
    this.values = new Array<unknown>(this.columnOrder.length).fill(undefined);
    this.sink = { event: this.onEvent, row: this.fastRow, pause: () => (this.held ? this.release() : undefined) };
  }

  /** Reads the file's events into the stage (an XLSX archive whose directory shows a zip bomb is not inflated). */
  async read(file: OpenedFile, archiveTail: Uint8Array | undefined): Promise<void> {
    const { fileName } = this.calc;
    const bomb = file.format === 'xlsx' && archiveTail ? checkZipBomb(archiveTail, fileName) : undefined;
    if (bomb) {
      this.calc.diagnostics.add(bomb);
      this.fatal = true;
    } else await pumpRecords(file.bytes, { fileName, format: file.format! }, this.sink);
    await this.release();
  }

  /** What the rows contribute to the period, as a mergeable value. */
  partial(file: OpenedFile): PartialResult {
    const { project, methodology, site, intervalSpec } = this.calc;
    this.warnOffGrid();
    return partialOf({
      projectId: project.id,
      methodology,
      fileName: this.calc.fileName,
      sha256: file.info().sha256,
      bytes: file.size,
      rows: { total: this.total, accepted: this.accepted, rejected: this.rejected },
      firstTime: this.firstTime,
      lastTime: this.lastTime,
      sums: this.sums,
      trackers: this.trackers,
      intervalSpec,
      timeZone: site.zone,
      marks: site.marks,
      calibration: this.calibration.adjustments,
      diagnostics: this.calc.diagnostics,
      fatal: this.fatal,
      rowGwpSet: this.calc.gwp.binding?.label,
    });
  }

  /** One warning for readings off the site's interval grid (the period is then read to the grid, not to the meter). */
  private warnOffGrid(): void {
    const first = this.firstOffGrid;
    if (!first || !this.intervals) return;
    this.firstOffGrid = undefined;
    const { site, methodology, fileName, diag } = this.calc;
    const n = this.offGrid;
    diag({
      severity: 'warning',
      code: 'period.off_grid',
      message: `Row ${first.row}: ${site.clock.format(first.t)} is not a boundary of the ${this.intervals.label} intervals on the site's clock (${site.zone})${n > 1 ? `, nor are ${n - 1} later reading${n > 2 ? 's' : ''}` : ''}; each reading is counted in the interval it falls in, so the monitoring period may differ from the meter's by up to one interval. Stamp readings at interval boundaries of the site's time zone (e.g. with its offset instead of Z).`,
      location: { file: fileName, row: first.row, line: first.line, column: methodology.timeColumn },
    });
  }

  private trackerOf(item: string): IntervalTracker {
    let t = this.trackers.get(item);
    if (!t) this.trackers.set(item, (t = new IntervalTracker(this.calc.intervalSpec!, this.calc.site.clock, this.calc.site.marks)));
    return t;
  }

  private rejectRow(row: number): void {
    if (row !== this.lastRejectedRow) {
      this.rejected++;
      this.lastRejectedRow = row;
    }
  }

  /** The instant of a row whose cells passed the monitoring schema, or NaN when the row is rejected for its time. */
  private admit(row: number, line: number): number {
    const { site, methodology, fileName, diag, periodSpan } = this.calc;
    const loc = { file: fileName, row, line, column: methodology.timeColumn };
    const t = site.instantOf(this.values[this.timeIndex] as number, this.timeKind.local);
    if (typeof t === 'string') {
      diag({ severity: 'error', code: 'row.invalid_timestamp', message: `Row ${row}, column ${methodology.timeColumn}: ${t}.`, location: loc });
      return NaN;
    }
    if (periodSpan && !site.admits(periodSpan, t)) {
      diag({
        severity: 'error',
        code: 'period.outside',
        message: `Row ${row}: ${site.clock.format(t)} is outside the monitoring period ${formatPeriod(this.calc.period!)}${site.marks === 'interval-end' ? ' (timestamps mark the end of their interval)' : ''}; remove the row or upload it with its own period.`,
        location: loc,
      });
      return NaN;
    }
    const { itemIndex } = this.calc;
    const item = itemIndex >= 0 ? String(this.values[itemIndex]) : '';
    if (this.intervals && !this.trackerOf(item).add(t)) {
      const which = itemIndex >= 0 ? ` of ${methodology.monitoringItemColumn} ${item}` : '';
      diag({
        severity: 'error',
        code: 'period.duplicate_timestamp',
        message: `Row ${row}: another row already has a reading${which} for the ${this.intervals.label} interval of ${site.clock.format(t)}; remove the duplicate so no quantity is counted twice.`,
        location: loc,
      });
      return NaN;
    }
    const offGrid = this.intervals !== undefined && !this.trackerOf(item).onGrid(t);
    if (offGrid && this.offGrid++ === 0) this.firstOffGrid = { row, line, t };
    const gwp = this.calc.gwp;
    // The GWPs are bound at the instant of the first accepted reading (unless the period is declared).
    if (!gwp.binding && (gwp.failed || !gwp.bindAt(t))) return NaN;
    if (offGrid && !this.meterSpanAdmitted(this.trackerOf(item), t, loc)) return NaN;
    return t;
  }

  /**
   * An off-grid reading is counted in the grid interval it falls in, but on the meter it covers one
   * interval before (end stamps) or after (start stamps) its timestamp. Where that reaches across a
   * local midnight — where crediting periods and GWP periods begin and end — it must still lie inside
   * the crediting period and need the GWPs already bound; otherwise the row is refused, so no time
   * outside the crediting period (or converted with another period's GWPs) is credited.
   */
  private meterSpanAdmitted(tracker: IntervalTracker, t: number, loc: { file: string; row: number; line: number; column: string }): boolean {
    const { site, project, gwp } = this.calc;
    const span = tracker.meterSpan(t);
    if (site.clock.dayNumberOf(span.start) === site.clock.dayNumberOf(span.end - 1)) return true;
    const refuse = (code: DiagnosticCode, reason: string): false => {
      const covers = `Row ${loc.row}: ${site.clock.format(t)} is not a boundary of the ${tracker.label} intervals on the site's clock (${site.zone}), so on the meter it covers ${formatPeriod(site.periodOf(span))}`;
      const fix = "stamp readings at interval boundaries of the site's clock (e.g. with its offset instead of Z), or remove the row";
      this.calc.diag({ severity: 'error', code, message: `${covers}, which ${reason}; ${fix}.`, location: loc });
      return false;
    };
    this.creditingSpan ??= site.span(site.localDays(project.creditingPeriod));
    if (span.start < this.creditingSpan.start || span.end > this.creditingSpan.end)
      return refuse('period.outside_crediting', `reaches outside the crediting period ${formatPeriod(site.localDays(project.creditingPeriod))}`);
    if (!gwp.holdsOver(site.periodOf(span)))
      return refuse('period.spans_gwp_boundary', `reaches across a boundary of the GWP periods (${gwp.binding?.label ?? 'none'} bound)`);
    return true;
  }

  /** A row whose cells passed the monitoring schema; `values` holds them in `columnOrder`. */
  private acceptValues(row: number, line: number): void {
    const t = this.admit(row, line);
    if (Number.isNaN(t)) {
      this.rejectRow(row);
      return;
    }
    const { slots, asMap } = this.calc.scope;
    const values = this.values;
    const inputIndex = this.inputIndex;
    for (let k = 0; k < inputIndex.length; k++) slots[inputIndex[k]!.slot] = values[inputIndex[k]!.index];
    if (this.calibration.active) this.calibration.apply(t, asMap);
    for (const f of this.flagIndex) for (const { v, slot } of f.flags) slots[slot] = values[f.index] === v;
    const { diag, fileName } = this.calc;
    if (!runRowEquations(this.compiled, slots, diag, fileName, row, line) || !runRowChecks(this.compiled, slots, diag, fileName, row, line)) {
      this.rejectRow(row);
      return;
    }
    this.accepted++;
    if (t < this.firstTime) this.firstTime = t;
    if (t > this.lastTime) this.lastTime = t;
    const sumList = this.sumList;
    for (let k = 0; k < sumList.length; k++) {
      const { slot, sum } = sumList[k]!;
      const v = slots[slot];
      sum.add(typeof v === 'boolean' ? (v ? 1 : 0) : (v as number));
    }
  }

  /** The CSV byte fast path (see row-plan.ts). */
  private readonly fastRow = (row: number, line: number, bytes: Uint8Array, starts: Int32Array, ends: Int32Array): boolean => {
    if (!this.plan || !planBytes(this.plan, this.values, this.emptyRefusedIndex, this.timeKind, bytes, starts, ends)) return false;
    this.total++;
    this.acceptValues(row, line);
    return true;
  };

  /** Waits for core/units if a header asked for it, then replays the held events in order. */
  private async release(): Promise<void> {
    while (this.held) {
      const { queue, loaded } = this.held;
      await loaded;
      this.held = undefined;
      for (const event of queue) this.onEvent(event); // (a header held again would queue the rest)
    }
  }

  private readonly onEvent = (event: ReaderEvent): void => {
    if (event.kind === 'diagnostic') {
      const d = event.diagnostic;
      this.calc.diagnostics.add(d);
      if (d.code.startsWith('file.')) this.fatal = true;
      if (d.location?.row !== undefined && d.code.startsWith('record.')) {
        this.total++;
        this.rejectRow(d.location.row);
      }
    } else if (this.held) this.held.queue.push(event);
    else if (event.kind === 'header') this.onHeader(event);
    else this.onRecord(event);
  };

  private onHeader(event: Extract<ReaderEvent, { kind: 'header' }>): void {
    const { methodology } = this.calc;
    // A unit to convert needs core/units, loaded on first use: the header (and whatever the reader
    // sends before the engine can wait, at most one chunk) is held until it is there.
    if (needsUnits(methodology, event)) {
      this.held = { queue: [event], loaded: loadUnits() };
      return;
    }
    const outcome = checkHeader(this.calc, event);
    this.emptyRefused = outcome.emptyRefused;
    this.emptyRefusedIndex = new Set([...outcome.emptyRefused].map((c) => this.columnOrder.indexOf(c)));
    this.converted = outcome.converted;
    this.headerOk = outcome.complete && this.calc.diagnostics.errors === 0;
    this.plan = this.headerOk && this.converted.size === 0 ? buildPlan(methodology, event.columns) : undefined;
  }

  private onRecord(event: RecordEvent): void {
    this.total++;
    if (!this.headerOk) {
      this.rejectRow(event.row);
      return;
    }
    if (
      this.plan !== undefined &&
      recordFastPath.enabled &&
      planCells(this.plan, this.columnOrder, this.values, this.emptyRefusedIndex, this.timeKind, event.cells)
    ) {
      this.acceptValues(event.row, event.line);
      return;
    }
    this.generalRecord(event);
  }

  /** The general path: the record through the monitoring schema, every problem reported. */
  private generalRecord(event: RecordEvent): void {
    const cells = this.convertUnits(event.cells);
    const parsed = this.calc.methodology.monitoring.safeParse(cells);
    // An empty cell of a source the site has is a missing reading, not a zero.
    const emptySources = this.emptyRefused.size ? [...this.emptyRefused].filter((c) => isEmptyCell((cells as Record<string, Cell | undefined>)[c])) : [];
    if (emptySources.length) {
      this.rejectRow(event.row);
      this.reportEmptySources(event, emptySources);
    }
    if (!parsed.success) {
      if (!emptySources.length) this.rejectRow(event.row);
      this.reportIssues(event, parsed.error.issues);
      return;
    }
    if (emptySources.length) return;
    const row = parsed.data as Record<string, unknown>;
    for (let j = 0; j < this.columnOrder.length; j++) this.values[j] = row[this.columnOrder[j]!];
    parseTimestampCell(event.cells[this.calc.methodology.timeColumn], this.timeKind); // local or with offset (the value is the one zod gave)
    this.acceptValues(event.row, event.line);
  }

  private convertUnits(cells: Readonly<Record<string, Cell>>): Readonly<Record<string, Cell>> {
    if (!this.converted.size) return cells;
    const copy: Record<string, Cell> = { ...cells };
    for (const [c, conversion] of this.converted) {
      const n = parseNumberCell(copy[c]);
      if (typeof n === 'number') copy[c] = conversion.apply(n);
    }
    return copy;
  }

  private reportEmptySources(event: RecordEvent, columns: readonly string[]): void {
    for (const column of columns) {
      const c = this.calc.sourceColumns.find((x) => x.name === column)!;
      this.calc.diag({
        severity: 'error',
        code: 'row.missing_value',
        message: `Row ${event.row}, column ${column}: empty, and a missing ${column} is refused rather than counted as ${String(absencePolicyOf(c)?.value ?? 0)}. ${sourceHint(c)}`,
        location: { file: this.calc.fileName, row: event.row, line: event.line, column },
        actual: 'empty',
        expected: `${column} (${c.meta.unit})`,
      });
    }
  }

  private reportIssues(event: RecordEvent, issues: readonly { path: readonly PropertyKey[]; message: string }[]): void {
    const loc = { file: this.calc.fileName, row: event.row, line: event.line };
    for (const issue of issues) {
      const column = String(issue.path[0] ?? '');
      const params = (issue as { params?: { code?: DiagnosticCode; expected?: string } }).params;
      const cell = (event.cells as Record<string, Cell | undefined>)[column];
      this.calc.diag({
        severity: 'error',
        code: params?.code ?? 'row.invalid_value',
        // An empty cell reads the same in every format ("" in CSV, null in JSON and XLSX, or no key at all).
        message: `Row ${event.row}, column ${column}: ${showValue(cell === '' ? null : cell)} ${issue.message}.`,
        location: { ...loc, column },
        actual: showValue(cell === '' ? null : cell),
        ...(params?.expected ? { expected: params.expected } : {}),
      });
    }
  }
}
