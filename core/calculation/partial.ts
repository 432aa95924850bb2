import type { Diagnostic } from '../validation/diagnostic.ts';
import { DiagnosticCollector } from '../validation/diagnostic.ts';
import { IntervalTracker, type CalibrationAdjustment, type IntervalSpec, type TimestampConvention } from './qaqc.ts';
import { SiteClock } from '../time/zone.ts';
import { ExactSum } from './exact-sum.ts';
import { Dec, decimalFromFloat, reportQuantity } from './rounding.ts';

export { ExactSum };

/**
 * Mergeable partial results: what the rows of one part of a monitoring period (an upload, or a byte
 * range of a large file) contribute before the period equations run. `calculate()` is
 * "rows → partial → merge of one → period"; a monitoring report is "its uploads' partials → merge →
 * period" (core/report/monitoring-report.ts), and a split file is "its ranges' partials → merge →
 * period". Because the merge is exact and associative, every way of cutting the same rows gives the
 * same result, to the last digit (test/unit/core/calculation/partial.test.ts).
 *
 * Exactness: row equations run in binary floating point (calculate.ts says why). Their period sums
 * are kept as the *exact* sum of those doubles, stored as a non-overlapping expansion (Shewchuk 1997,
 * "Adaptive precision floating-point arithmetic", the algorithm behind Python's `math.fsum`): a few
 * doubles whose mathematical sum is the exact total. JSON carries doubles exactly, so a stored partial
 * loses nothing, and merging adds the expansions exactly. The decimal the period equations read is
 * derived once, from the merged exact sum ({@link ExactSum.decimal}).
 */

/** One sum as stored: the exact expansion and, for people, its decimal. */
export interface StoredSum {
  /** Decimal of the exact sum at 15 significant digits (what the period equations read). */
  readonly value: string;
  /** Doubles whose exact sum is the total (Shewchuk expansion): the part that makes merging exact. */
  readonly terms: readonly number[];
}

/** Monitoring intervals with a reading, as half-open runs `[from, to)` of interval numbers. */
export interface Coverage {
  readonly spec: IntervalSpec;
  /** The site's time zone the interval numbers are counted on (local days, months, hours). */
  readonly timeZone?: string;
  /** What the readings' timestamps mark. */
  readonly marks?: TimestampConvention;
  /** Per monitored item (`""` when the methodology names no item column). */
  readonly items: Readonly<Record<string, readonly (readonly [number, number])[]>>;
}

/** Where a part came from (an upload, a byte range): kept through merges for the per-part breakdown. */
export interface PartInfo {
  readonly name: string;
  readonly sha256?: string;
  readonly bytes?: number;
  readonly rows: { readonly total: number; readonly accepted: number; readonly rejected: number };
  readonly first?: string;
  readonly last?: string;
}

/**
 * What one part contributes, before the period equations. JSON-serialisable; `schemaVersion` is
 * bumped on any incompatible change (a reader refuses versions it does not know).
 */
export interface PartialResult {
  readonly schemaVersion: 1;
  readonly kind: 'mrv.partial';
  readonly projectId: string;
  /** The methodology whose row equations produced the sums: parts of different ones never merge. */
  readonly methodology: { readonly key: string; readonly hash: string };
  readonly rows: { readonly total: number; readonly accepted: number; readonly rejected: number };
  /** Instants (ISO, UTC) of the first and last accepted reading. */
  readonly first?: string;
  readonly last?: string;
  /** Sums over accepted rows, per monitoring column and row equation. */
  readonly sums: Readonly<Record<string, StoredSum>>;
  /** Intervals with a reading (absent when the methodology sets no monitoring frequency). */
  readonly coverage?: Coverage;
  /** Conservative calibration adjustments applied to the part's readings (qaqc.ts). */
  readonly calibration: readonly CalibrationAdjustment[];
  /** The part's diagnostics: listed up to a cap, all counted. */
  readonly diagnostics: {
    readonly kept: readonly Diagnostic[];
    readonly counts: Readonly<Record<string, number>>;
    readonly errors: number;
    readonly warnings: number;
  };
  /** A file-level fault (unreadable file, zip bomb) ended the part early. */
  readonly fatal: boolean;
  /** The GWP sets in the row scope when the rows ran (row equations may read GWPs); empty when none was resolved yet. */
  readonly rowGwpSets: readonly string[];
  readonly parts: readonly PartInfo[];
}

/** A merge that cannot be made: parts of different projects, methodologies or monitoring frequencies. */
export class PartialMergeError extends Error {
  override name = 'PartialMergeError';
}

const sameSpec = (a: IntervalSpec, b: IntervalSpec) => ('minutes' in a ? 'minutes' in b && a.minutes === b.minutes : 'months' in b && a.months === b.months);
const sameClock = (a: Coverage, b: Coverage) =>
  (a.timeZone ?? 'UTC') === (b.timeZone ?? 'UTC') && (a.marks ?? 'interval-start') === (b.marks ?? 'interval-start');

/** Runs of interval numbers from a sorted list of slots. */
export function runsOf(slots: Iterable<number>): [number, number][] {
  const runs: [number, number][] = [];
  for (const s of slots) {
    const last = runs[runs.length - 1];
    if (last && last[1] === s) last[1] = s + 1;
    else runs.push([s, s + 1]);
  }
  return runs;
}

/** Intervals covered by both run lists (each sorted, non-overlapping). */
function intersect(a: readonly (readonly [number, number])[], b: readonly (readonly [number, number])[]): [number, number][] {
  const out: [number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const from = Math.max(a[i]![0], b[j]![0]);
    const to = Math.min(a[i]![1], b[j]![1]);
    if (from < to) out.push([from, to]);
    if (a[i]![1] < b[j]![1]) i++;
    else j++;
  }
  return out;
}

function union(a: readonly (readonly [number, number])[], b: readonly (readonly [number, number])[]): [number, number][] {
  const all = [...a, ...b].map((r) => [r[0], r[1]] as [number, number]).sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  for (const r of all) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else out.push(r);
  }
  return out;
}

/** Rebuilds an interval tracker from stored runs (for the gap check of a merged period). */
export function trackerFromRuns(
  spec: IntervalSpec,
  runs: readonly (readonly [number, number])[],
  clock: SiteClock = SiteClock.of('UTC'),
  marks: TimestampConvention = 'interval-start',
): IntervalTracker {
  // Interval numbers are on the site's clock (local days, local months, slots aligned to local hours): the same clock reads them back.
  const t = new IntervalTracker(spec, clock, marks);
  for (const [from, to] of runs) t.addRun(from, to);
  return t;
}

export interface MergeOptions {
  /** How many diagnostics are listed in full (all are counted). Default 1000. */
  readonly maxDiagnostics?: number;
  /** Names the files in the diagnostic of an overlap (default: the parts' names). */
  readonly source?: string;
}

/**
 * Merges partial results exactly: sums are added as exact expansions, row counts added, first/last
 * instants widened, coverage united, calibration adjustments of the same meter and column combined,
 * diagnostics concatenated (listed up to the cap, all counted). A monitoring interval covered by two
 * parts is a duplicate across parts: both readings were summed, so the merge carries an error
 * (`period.duplicate_timestamp`) naming the parts and the first doubled interval, and the period is
 * refused. Throws {@link PartialMergeError} for parts that cannot belong together (a caller bug or a
 * tampered store), never for data.
 */
export function mergePartials(parts: readonly PartialResult[], options: MergeOptions = {}): PartialResult {
  const first = parts[0];
  if (!first) throw new PartialMergeError('mergePartials needs at least one part.');
  for (const p of parts) checkMergeable(first, p);
  if (parts.length === 1) return first;

  const diagnostics = new MergedDiagnostics(options.maxDiagnostics ?? 1000, parts);
  const coverage = first.coverage ? mergeCoverage(first.coverage, parts, diagnostics, options) : undefined;
  const instants = (pick: (p: PartialResult) => string | undefined) =>
    parts
      .map(pick)
      .filter((x): x is string => x !== undefined)
      .sort();
  const firsts = instants((p) => p.first);
  const lasts = instants((p) => p.last);
  return {
    schemaVersion: 1,
    kind: 'mrv.partial',
    projectId: first.projectId,
    methodology: first.methodology,
    rows: { total: sum(parts, (p) => p.rows.total), accepted: sum(parts, (p) => p.rows.accepted), rejected: sum(parts, (p) => p.rows.rejected) },
    ...(firsts.length ? { first: firsts[0]! } : {}),
    ...(lasts.length ? { last: lasts[lasts.length - 1]! } : {}),
    sums: mergeSums(parts),
    ...(coverage ? { coverage } : {}),
    calibration: mergeCalibration(parts),
    diagnostics: diagnostics.value(),
    fatal: parts.some((p) => p.fatal),
    rowGwpSets: [...new Set(parts.flatMap((p) => p.rowGwpSets))].sort(),
    parts: parts.flatMap((p) => p.parts),
  };
}

/** Throws {@link PartialMergeError} for a part that cannot be merged with the first. */
function checkMergeable(first: PartialResult, p: PartialResult): void {
  if (p.schemaVersion !== 1 || p.kind !== 'mrv.partial')
    throw new PartialMergeError(`Part ${p.parts[0]?.name ?? '?'} is not a partial result of a known version.`);
  if (p.projectId !== first.projectId) throw new PartialMergeError(`Parts of projects ${first.projectId} and ${p.projectId} cannot be merged.`);
  if (p.methodology.key !== first.methodology.key || p.methodology.hash !== first.methodology.hash)
    throw new PartialMergeError(
      `Parts calculated with ${first.methodology.key} (${first.methodology.hash.slice(0, 12)}) and ${p.methodology.key} (${p.methodology.hash.slice(0, 12)}) cannot be merged: recalculate them with one methodology version.`,
    );
  if (
    Boolean(p.coverage) !== Boolean(first.coverage) ||
    (p.coverage && first.coverage && (!sameSpec(p.coverage.spec, first.coverage.spec) || !sameClock(p.coverage, first.coverage)))
  )
    throw new PartialMergeError(
      `Parts with different monitoring frequencies or site clocks (time zone, timestamp convention) cannot be merged (${first.parts[0]?.name ?? '?'} and ${p.parts[0]?.name ?? '?'}).`,
    );
}

/** The parts' diagnostics concatenated (listed up to the cap, all counted), and those the merge adds. */
class MergedDiagnostics {
  private readonly collector: DiagnosticCollector;
  private readonly counts = new Map<string, number>();
  private errors = 0;
  private warnings = 0;

  constructor(cap: number, parts: readonly PartialResult[]) {
    this.collector = new DiagnosticCollector(cap);
    for (const p of parts) {
      for (const d of p.diagnostics.kept) this.keep(d);
      for (const [code, n] of Object.entries(p.diagnostics.counts)) this.counts.set(code, (this.counts.get(code) ?? 0) + n);
      this.errors += p.diagnostics.errors;
      this.warnings += p.diagnostics.warnings;
    }
  }

  private keep(d: Diagnostic): void {
    if (this.collector.kept.length < this.collector.cap) this.collector.kept.push(d);
  }

  add(d: Diagnostic): void {
    this.keep(d);
    this.counts.set(d.code, (this.counts.get(d.code) ?? 0) + 1);
    if (d.severity === 'error') this.errors++;
    else if (d.severity === 'warning') this.warnings++;
  }

  value(): PartialResult['diagnostics'] {
    return { kept: this.collector.kept, counts: Object.fromEntries(this.counts), errors: this.errors, warnings: this.warnings };
  }
}

/** Sums added as exact expansions. */
function mergeSums(parts: readonly PartialResult[]): Record<string, StoredSum> {
  const sums = new Map<string, ExactSum>();
  for (const p of parts)
    for (const [symbol, s] of Object.entries(p.sums)) {
      const acc = sums.get(symbol) ?? new ExactSum();
      for (const t of s.terms) acc.add(t);
      sums.set(symbol, acc);
    }
  return Object.fromEntries([...sums].map(([s, acc]) => [s, storeSum(acc)]));
}

/** Coverage united per item; an interval covered by two parts is a duplicate across parts (an error of the merge). */
function mergeCoverage(firstCoverage: Coverage, parts: readonly PartialResult[], diagnostics: MergedDiagnostics, options: MergeOptions): Coverage {
  const items: Record<string, [number, number][]> = {};
  const ownerOf: Record<string, { name: string; runs: readonly (readonly [number, number])[] }[]> = {};
  for (const p of parts)
    for (const [item, runs] of Object.entries(p.coverage!.items)) {
      const name = p.parts.map((x) => x.name).join(', ');
      for (const other of ownerOf[item] ?? []) {
        const both = intersect(other.runs, runs);
        if (both.length) diagnostics.add(duplicateAcrossParts(firstCoverage, other.name, name, item, both, options));
      }
      (ownerOf[item] ??= []).push({ name, runs });
      items[item] = union(items[item] ?? [], runs);
    }
  return { ...firstCoverage, items };
}

function duplicateAcrossParts(
  coverage: Coverage,
  otherName: string,
  name: string,
  item: string,
  both: readonly (readonly [number, number])[],
  options: MergeOptions,
): Diagnostic {
  const clock = SiteClock.of(coverage.timeZone ?? 'UTC');
  const tracker = new IntervalTracker(coverage.spec, clock, coverage.marks);
  const n = both.reduce((a, [f, t]) => a + t - f, 0);
  return {
    severity: 'error',
    code: 'period.duplicate_timestamp',
    source: options.source ?? 'core/calculation',
    message: `${otherName} and ${name} both have readings${item ? ` of ${item}` : ''} for ${n} ${tracker.label} interval(s), the first from ${clock.format(tracker.startOf(both[0]![0]))}; a quantity would be counted twice, so the parts cannot be combined.`,
    location: { file: name },
  };
}

/** Calibration adjustments of the same meter and column combined. */
function mergeCalibration(parts: readonly PartialResult[]): CalibrationAdjustment[] {
  const calibration = new Map<string, CalibrationAdjustment>();
  for (const p of parts)
    for (const a of p.calibration) {
      const k = `${a.meter}\u0000${a.column}`;
      const had = calibration.get(k);
      if (!had) calibration.set(k, { ...a });
      else {
        had.rows += a.rows;
        had.before = ExactSum.of([...had.before, ...a.before]).terms as number[];
        if (a.first < had.first) had.first = a.first;
        if (a.last > had.last) had.last = a.last;
      }
    }
  return [...calibration.values()];
}

const sum = <T>(xs: readonly T[], f: (x: T) => number) => xs.reduce((a, x) => a + f(x), 0);

export function storeSum(acc: ExactSum): StoredSum {
  return { value: acc.decimal(), terms: acc.terms };
}

/** The state of one streamed part, as calculate.ts holds it, made into a {@link PartialResult}. */
export interface PartState {
  readonly projectId: string;
  readonly methodology: { readonly key: string; readonly hash: string };
  readonly fileName: string;
  readonly sha256: string | undefined;
  readonly bytes: number;
  readonly rows: { readonly total: number; readonly accepted: number; readonly rejected: number };
  readonly firstTime: number;
  readonly lastTime: number;
  readonly sums: ReadonlyMap<string, ExactSum>;
  readonly trackers: ReadonlyMap<string, IntervalTracker>;
  readonly intervalSpec: IntervalSpec | undefined;
  /** The site's zone and timestamp convention the trackers count intervals in. */
  readonly timeZone: string;
  readonly marks: TimestampConvention;
  readonly calibration: readonly CalibrationAdjustment[];
  readonly diagnostics: DiagnosticCollector;
  readonly fatal: boolean;
  readonly rowGwpSet: string | undefined;
}

export function partialOf(s: PartState): PartialResult {
  const first = Number.isFinite(s.firstTime) ? new Date(s.firstTime).toISOString() : undefined;
  const last = Number.isFinite(s.lastTime) ? new Date(s.lastTime).toISOString() : undefined;
  return {
    schemaVersion: 1,
    kind: 'mrv.partial',
    projectId: s.projectId,
    methodology: { key: s.methodology.key, hash: s.methodology.hash },
    rows: { ...s.rows },
    ...(first ? { first } : {}),
    ...(last ? { last } : {}),
    sums: Object.fromEntries([...s.sums].map(([symbol, acc]) => [symbol, storeSum(acc)])),
    ...(s.intervalSpec
      ? {
          coverage: {
            spec: s.intervalSpec,
            timeZone: s.timeZone,
            marks: s.marks,
            items: Object.fromEntries([...s.trackers].map(([item, t]) => [item, t.coveredRuns()])),
          },
        }
      : {}),
    calibration: s.calibration.map((a) => ({ ...a })),
    diagnostics: {
      kept: [...s.diagnostics.kept],
      counts: Object.fromEntries(s.diagnostics.countsByCode),
      errors: s.diagnostics.errors,
      warnings: s.diagnostics.warnings,
    },
    fatal: s.fatal,
    rowGwpSets: s.rowGwpSet ? [s.rowGwpSet] : [],
    parts: [
      {
        name: s.fileName,
        ...(s.sha256 ? { sha256: s.sha256 } : {}),
        bytes: s.bytes,
        rows: { ...s.rows },
        ...(first ? { first } : {}),
        ...(last ? { last } : {}),
      },
    ],
  };
}

/**
 * A calibration adjustment as a result reports it: what the readings summed before the factor, after
 * it, and the change (after − before, in the column's unit; negative for baseline-side readings).
 */
export function calibrationEffect<T extends { factor: number }>(a: T, before: readonly number[]): T & { before: string; after: string; change: string } {
  const b = decimalFromFloat(ExactSum.of(before).value);
  const after = b.times(new Dec(a.factor));
  return { ...a, before: reportQuantity(b), after: reportQuantity(after), change: reportQuantity(after.minus(b)) };
}

/** Adds a merged partial's diagnostics to a collector (listed up to its cap, all counted). */
export function absorbDiagnostics(into: DiagnosticCollector, d: PartialResult['diagnostics']): void {
  for (const x of d.kept) if (into.kept.length < into.cap) into.kept.push(x);
  for (const [code, n] of Object.entries(d.counts)) into.countsByCode.set(code, (into.countsByCode.get(code) ?? 0) + n);
  into.errors += d.errors;
  into.warnings += d.warnings;
}
