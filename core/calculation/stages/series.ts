/**
 * The series stage: the period the rows cover (declared, or read from the readings on the site's clock),
 * whether it lies in the crediting period, the gaps in the monitoring intervals, quantities reported for a
 * source the registration rules out, and the calibration adjustments — the QA/QC block of the result.
 */
import type { Period } from '../../mechanisms/mechanisms.ts';
import { formatPeriod } from '../../time/period.ts';
import { calibrationEffect } from '../partial.ts';
import { IntervalTracker } from '../qaqc.ts';
import type { CalculationResult } from '../result.ts';
import type { Calculation } from './context.ts';
import type { MergedRows } from './merge.ts';

type Span = { readonly start: number; readonly end: number };
type GapEntry = { from: string; to: string; missingIntervals: number; item?: string };

export interface Series {
  readonly resultPeriod: Period | undefined;
  readonly qaqc: NonNullable<CalculationResult['qaqc']>;
}

export function seriesOf(calc: Calculation, rows: MergedRows): Series {
  const { site, project, fileName } = calc;
  // Only items named by the item column count (a file without one has the single item "").
  const itemTrackers = [...rows.trackers].filter(([item]) => calc.itemIndex < 0 || item !== '');
  const resultSpan = calc.periodSpan ?? readSpan(calc, rows, itemTrackers);
  const resultPeriod: Period | undefined = calc.period ?? (resultSpan ? site.periodOf(resultSpan) : undefined);
  // Period limits come first: a period outside the crediting period gets no gap bookkeeping at all.
  const credited = resultSpan ? site.within(resultSpan, project.creditingPeriod) : false;
  if (resultSpan && resultPeriod && !credited)
    calc.diag({
      severity: 'error',
      code: 'period.outside_crediting',
      message: `The monitoring period ${formatPeriod(resultPeriod)} is not inside the crediting period ${formatPeriod(site.localDays(project.creditingPeriod))}.`,
      location: { file: fileName },
    });
  // Rows rejected for their values leave holes of their own: gaps are judged on a file whose rows all passed.
  const gapReport =
    calc.intervalSpec && rows.accepted > 0 && rows.rejected === 0 && credited && resultSpan
      ? findGaps(calc, itemTrackers, resultSpan)
      : { gaps: [] as GapEntry[], missing: 0, count: 0 };
  checkSourcesAtSite(calc, rows);
  const spec = calc.intervalSpec;
  const qaqc = {
    calibration: rows.calibration.map(({ before: terms, ...a }) => calibrationEffect(a, terms)),
    ...(spec && 'minutes' in spec ? { intervalMinutes: spec.minutes } : {}),
    ...(spec && 'months' in spec ? { intervalMonths: spec.months } : {}),
    gaps: gapReport.gaps.slice(0, 1000),
    missingIntervals: gapReport.missing,
  };
  for (const a of qaqc.calibration)
    calc.diag({
      severity: 'info',
      code: 'qaqc.calibration_overdue',
      message: `Meter ${a.meter} was overdue for calibration for ${a.rows} reading(s) of ${a.column} (${a.first} – ${a.last}); they were multiplied by ${a.factor} (MPE ${a.mpe * 100} %, ${a.side} side, adjusted conservatively).`,
      location: { file: fileName, column: a.column },
    });
  return { resultPeriod, qaqc };
}

/**
 * A period read from the data: the intervals of its readings on the site's clock, [start of the first,
 * end of the last) — with a monitoring plan, the first and last intervals of the plan (hourly end-stamped
 * January: 01-01 00:00 – 02-01 00:00); without one, whole local days.
 */
function readSpan(calc: Calculation, rows: MergedRows, itemTrackers: readonly (readonly [string, IntervalTracker])[]): Span | undefined {
  if (rows.accepted === 0) return undefined;
  if (calc.intervalSpec && itemTrackers.length)
    return { start: Math.min(...itemTrackers.map(([, t]) => t.startOfFirst ?? Infinity)), end: Math.max(...itemTrackers.map(([, t]) => t.end ?? -Infinity)) };
  return calc.site.daysSpan(rows.firstTime, rows.lastTime);
}

/** Gaps per item, judged over the whole period (declared, or from the first to the last reading of any item). */
function findGaps(calc: Calculation, itemTrackers: readonly (readonly [string, IntervalTracker])[], span: Span) {
  const { methodology } = calc;
  const report = { gaps: [] as GapEntry[], missing: 0, count: 0 };
  for (const [item, t] of itemTrackers) {
    const g = t.gaps(span.start, span.end, 1000 - report.gaps.length);
    report.gaps.push(...g.gaps.map((x) => (calc.itemIndex >= 0 ? { ...x, item } : x)));
    report.missing += g.missing;
    report.count += g.count;
  }
  if (report.missing > 0) {
    const severity = methodology.gapPolicy === 'reject' ? 'error' : 'warning';
    const consequence =
      severity === 'error'
        ? `${methodology.key} rejects a period with gaps: supply the missing readings`
        : 'the missing intervals count as zero (conservative)';
    const label = new IntervalTracker(calc.intervalSpec!, calc.site.clock, calc.site.marks).label;
    const first = report.gaps[0]!;
    calc.diag({
      severity,
      code: 'period.gap',
      message: `${report.missing} expected ${label} readings are missing in ${report.count} gap(s), the first${first.item !== undefined ? ` (${methodology.monitoringItemColumn} ${first.item})` : ''} from ${first.from} to ${first.to}; ${consequence}.`,
      location: { file: calc.fileName },
    });
  }
  return report;
}

/**
 * A quantity reported for a source the registration says the site does not have: the plan and the file
 * disagree. (Where the module finds from the parameters that the source cannot exist, a reported value
 * still enters its equations as written.)
 */
function checkSourcesAtSite(calc: Calculation, rows: MergedRows): void {
  for (const c of calc.sourceColumns) {
    const sum = c.registeredAbsent && c.meta.kind === 'number' ? rows.sums.get(c.name)?.value : undefined;
    if (sum !== undefined && sum !== 0 && rows.accepted > 0)
      calc.diag({
        severity: 'error',
        code: 'period.source_not_at_site',
        message: `Column ${c.name} reports ${c.meta.description} totalling ${sum} ${c.meta.unit}, but ${c.absentBecause}. Correct the file, or register the source (a new registration version with "sources": { "${c.source}": true } and a --reason), so the monitoring plan and the report agree.`,
        location: { file: calc.fileName, column: c.name },
      });
  }
}
