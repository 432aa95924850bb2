/**
 * The merge stage: a merged partial result (one file's, or the parts' of a period) taken back into the
 * calculation. Everything after this reads only the merge, so a file and its parts give the same period.
 * Parts bring checks a file's own rows cannot need: the GWPs their rows ran with, and the clock their
 * intervals were counted on.
 */
import type { Methodology } from '../../methodology/define-methodology.ts';
import { absorbDiagnostics, ExactSum, trackerFromRuns, type PartialResult } from '../partial.ts';
import type { IntervalTracker } from '../qaqc.ts';
import type { Calculation } from './context.ts';

/** The rows of the period, as the series and period stages read them. */
export interface MergedRows {
  readonly total: number;
  readonly accepted: number;
  readonly rejected: number;
  /** Instants of the first and last accepted reading (±Infinity without one). */
  readonly firstTime: number;
  readonly lastTime: number;
  readonly fatal: boolean;
  /** Sums over accepted rows, in the methodology's order (numeric columns, then row equations). */
  readonly sums: ReadonlyMap<string, ExactSum>;
  /** Interval trackers per monitored item, holding the period's coverage. */
  readonly trackers: ReadonlyMap<string, IntervalTracker>;
  readonly calibration: PartialResult['calibration'];
}

/** The symbols the rows sum: every numeric column and row equation. */
export function summedSymbols(methodology: Methodology): string[] {
  return [...methodology.columns.filter((c) => c.meta.kind === 'number').map((c) => c.name), ...methodology.rowEquations.map((e) => e.symbol)];
}

/**
 * Takes a merge into the calculation. `own` is set for a file's own rows: their diagnostics are already in
 * the calculation's collector and their trackers hold exactly the merge's coverage; for parts, both come from
 * the merge.
 */
export function takeMerged(calc: Calculation, merged: PartialResult, own?: { readonly trackers: ReadonlyMap<string, IntervalTracker> }): MergedRows {
  if (!own) absorbDiagnostics(calc.diagnostics, merged.diagnostics);
  const sums = new Map<string, ExactSum>();
  for (const s of summedSymbols(calc.methodology)) sums.set(s, new ExactSum());
  for (const [symbol, stored] of Object.entries(merged.sums)) sums.set(symbol, ExactSum.of(stored.terms));
  if (!own) checkParts(calc, merged);
  const rows: MergedRows = {
    ...merged.rows,
    firstTime: merged.first ? Date.parse(merged.first) : Infinity,
    lastTime: merged.last ? Date.parse(merged.last) : -Infinity,
    fatal: merged.fatal,
    sums,
    trackers: own ? own.trackers : trackersOf(calc, merged),
    calibration: merged.calibration,
  };
  if (!rows.fatal && rows.total === 0 && calc.diagnostics.errors === 0)
    calc.diag({
      severity: 'error',
      code: 'file.no_records',
      source: 'core/readers',
      message: `${calc.fileName} has no data rows.`,
      location: { file: calc.fileName },
    });
  return rows;
}

/** Parts bring no rows here: bind the GWPs as a file would at its first reading, and refuse parts whose rows ran with others or on another clock. */
function checkParts(calc: Calculation, merged: PartialResult): void {
  const { gwp, site, fileName } = calc;
  if (!gwp.binding && !gwp.failed && merged.first) gwp.bind({ start: merged.first, end: new Date(Date.parse(merged.first) + 1).toISOString() });
  const binding = gwp.binding;
  if (binding && merged.rowGwpSets.some((label) => label !== binding.label))
    calc.diag({
      severity: 'error',
      code: 'period.spans_gwp_boundary',
      message: `Parts of this period were calculated with GWPs ${merged.rowGwpSets.join(', ')}, but the period binds ${binding.label}; recalculate the parts within one GWP period.`,
      location: { file: fileName },
    });
  const coverage = merged.coverage;
  if (coverage && ((coverage.timeZone ?? 'UTC') !== site.zone || (coverage.marks ?? 'interval-start') !== site.marks))
    calc.diag({
      severity: 'error',
      code: 'period.parts_clock_mismatch',
      message: `The parts were checked for gaps on the clock ${coverage.timeZone ?? 'UTC'} (${coverage.marks ?? 'interval-start'}), but the registration now sets ${site.zone} (${site.marks}); upload the files again so they are read on the registered clock.`,
      location: { file: fileName },
    });
}

function trackersOf(calc: Calculation, merged: PartialResult): Map<string, IntervalTracker> {
  const trackers = new Map<string, IntervalTracker>();
  for (const [item, runs] of Object.entries(merged.coverage?.items ?? {}))
    trackers.set(item, trackerFromRuns(calc.intervalSpec!, runs, calc.site.clock, calc.site.marks));
  return trackers;
}
