/**
 * The engine: a monitoring file (or the partial results of a period's parts) in, a calculation result out.
 * This file is the conductor; each stage is a module of ./stages/ with its own tests:
 *
 *   open (hash tee, format) → rows (header, decode, validate, row equations and checks, sums) → partial
 *   → merge → series (period, crediting, gaps, calibration) → period (GWPs, period equations, roundings,
 *   caps) → emissions (per gas, totals) → issuance → result.
 *
 * `calculate` is "rows → merge of one → period"; `calculateMerged` is "merge of many → period", through
 * the same code from the merge on (core/calculation/partial.ts).
 */
import { createHash } from 'node:crypto';
import type { CalculateInput, CalculateMergedInput } from './input.ts';
import { mergePartials } from './partial.ts';
import type { CalculationResult } from './result.ts';
import { acceptedResult, endedResult, type FileInfo } from './stages/assemble.ts';
import { startCalculation, type Calculation } from './stages/context.ts';
import { emissionsOf } from './stages/emissions.ts';
import { issue } from './stages/issuance.ts';
import { takeMerged, type MergedRows } from './stages/merge.ts';
import { openFile, type OpenedFile } from './stages/open.ts';
import { runPeriod } from './stages/period.ts';
import { RowStage } from './stages/rows.ts';
import { seriesOf } from './stages/series.ts';

export type { CalculateInput, CalculateMergedInput } from './input.ts';
// Resolving a registration against its methodology lives in ./resolve.ts (no cycle with core/project/registration.ts).
export { resolveProject, type ResolvedProject } from './resolve.ts';
export { recordFastPath } from './stages/switches.ts';

/**
 * Validates a monitoring file against the project's methodology and calculates BE, PE, LE and
 * ER = BE − PE − LE per gas and in total, with a trace of every equation. Streams the file (memory
 * does not grow with its size), reports every bad row (capped list, full counts), and never throws
 * on bad data: the result's `status` says whether the file was accepted.
 *
 * Arithmetic: row equations run in floating point, and their period sums are accumulated with
 * compensated summation; period equations and every reported quantity are exact decimals
 * (core/calculation/rounding.ts states the policy).
 *
 * @example
 * const result = await calculate({ source: createReadStream(path), fileName: 'may.csv', project, registry });
 * if (result.status === 'accepted') console.log(result.totals?.ER);
 */
export async function calculate(input: CalculateInput): Promise<CalculationResult> {
  const calc = startCalculation(input);
  const file = openFile(input.source, input.fileName, input.format, input.onProgress);
  const refused = await refuseEarly(calc, file);
  if (refused) return refused;
  if (calc.period) calc.gwp.bind(calc.period);
  const rows = new RowStage(calc);
  await rows.read(file, input.archiveTail);
  await file.drain();
  input.onTimeConvention?.(calc.site.convention);
  // rows → partial → merge of one → period: the period reads only the merge.
  const merged = mergePartials([rows.partial(file)], { maxDiagnostics: calc.maxDiagnostics });
  input.onPartial?.(merged);
  return periodOf(calc, takeMerged(calc, merged, rows), file.info());
}

/**
 * The result of a period from its parts' partial results: merged exactly (mergePartials), then the
 * period equations once, exactly as {@link calculate} does after its own rows. The result's `file`
 * names the parts: `sha256` is the SHA-256 of their SHA-256s in order, `bytes` their total.
 */
export async function calculateMerged(input: CalculateMergedInput): Promise<CalculationResult> {
  const calc = startCalculation(input);
  const parts = input.partials.flatMap((p) => p.parts);
  const sha256 = createHash('sha256')
    .update(parts.map((p) => p.sha256 ?? '').join('\n'))
    .digest('hex');
  const file: FileInfo = { name: input.fileName, format: 'merged', bytes: parts.reduce((a, p) => a + (p.bytes ?? 0), 0), sha256 };
  if (calc.notApplicable) return endedResult(calc.base, 'not-applicable', file, calc.diagnostics);
  if (calc.period) calc.gwp.bind(calc.period);
  input.onTimeConvention?.(calc.site.convention);
  const merged = mergePartials(input.partials, { maxDiagnostics: calc.maxDiagnostics });
  const rows = takeMerged(calc, merged);
  input.onPartial?.(merged);
  return periodOf(calc, rows, file);
}

/** A project the methodology does not cover, or a file of no known format: refused before any row (the file hashed anyway: the report names what was uploaded). */
async function refuseEarly(calc: Calculation, file: OpenedFile): Promise<CalculationResult | undefined> {
  if (calc.notApplicable) {
    await file.drain();
    return endedResult(calc.base, 'not-applicable', file.info(), calc.diagnostics);
  }
  if (file.format) return undefined;
  await file.drain();
  calc.diag({
    severity: 'error',
    code: 'file.unknown_format',
    source: 'core/readers',
    message: `${calc.fileName}: the file type is not recognised; upload .csv, .json, .ndjson or .xlsx.`,
    location: { file: calc.fileName },
  });
  return endedResult(calc.base, 'rejected', file.info(), calc.diagnostics);
}

/** The period of merged rows: series, then (where nothing was refused so far) period equations, emissions and issuance. */
function periodOf(calc: Calculation, rows: MergedRows, file: FileInfo): CalculationResult {
  const { base, diagnostics } = calc;
  const { resultPeriod, qaqc } = seriesOf(calc, rows);
  if (resultPeriod && !calc.period && diagnostics.errors === 0) calc.gwp.confirm(resultPeriod);
  const counts = { total: rows.total, accepted: rows.accepted, rejected: rows.rejected };
  const gwp = calc.gwp.binding;
  if (diagnostics.errors > 0 || !gwp || !resultPeriod) return endedResult(base, 'rejected', file, diagnostics, { period: resultPeriod, rows: counts, qaqc });
  const period = runPeriod(calc, rows, resultPeriod, gwp);
  const ended = () => endedResult(base, 'rejected', file, diagnostics, { period: resultPeriod, rows: counts, qaqc, trace: period.trace });
  if (period.failed || diagnostics.errors > 0) return ended();
  const emissions = emissionsOf(calc.methodology, period.scope, gwp);
  const issuance = issue(calc, period, emissions, resultPeriod);
  if (!issuance) return ended();
  return acceptedResult(base, { file, gwp, period: resultPeriod, rows: counts, qaqc, emissions, issuance, trace: period.trace }, diagnostics);
}
