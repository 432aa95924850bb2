import { createHash } from 'node:crypto';
import { findGas } from '../gases/gases.ts';
import type { Period } from '../mechanisms/mechanisms.ts';
import { bindGwps, sameGwps, type GwpBinding } from './gwp-binding.ts';
import { intermediateRoundingKeys, periodAdjuster, roundEr, typeIIICap } from './period-adjustments.ts';
import type { CompiledEquation, Methodology } from '../methodology/define-methodology.ts';
import { compileFloatSlots, toBigNumber, isBigNumber, UNSET, type BigNumber, type SlotScope } from '../methodology/equations.ts';
import type { MethodologyRegistry } from '../methodology/registry.ts';
import type { Project } from '../project/project.ts';
import { readRecords, detectFormat } from '../readers/read-records.ts';
import type { ByteSource, Cell, MonitoringFormat, ReaderEvent } from '../readers/types.ts';
import { csvFastPath, pumpCsv } from '../readers/csv.ts';
import { DiagnosticCollector, showValue, type Diagnostic } from '../validation/diagnostic.ts';
import type { DiagnosticCode } from '../validation/codes.ts';
import { absorbDiagnostics, calibrationEffect, ExactSum, mergePartials, partialOf, trackerFromRuns, type PartialResult } from './partial.ts';
import { CalibrationRule, IntervalTracker, type IntervalSpec } from './qaqc.ts';
import { SitePeriods } from '../time/site-periods.ts';
import { closestColumn } from '../methodology/did-you-mean.ts';
import { absencePolicyOf, sourceAbsentBecause } from '../methodology/absence.ts';
import { formatPeriod } from '../time/period.ts';
import { checkZipBomb } from '../readers/zip-directory.ts';
import { creditExpiry, CREDIT_TYPES, DEFAULT_CREDIT_TYPE, type CreditType } from './credits.ts';
import type * as Units from '../units/exact.ts';
import { hasInvisible, visible, withoutInvisible } from '../readers/visible.ts';

/** core/units/exact.ts is loaded only for a file that states a column in another unit (kWh for MWh). */
let unitsModule: typeof Units | undefined;
import {
  fastColumnOf,
  isPlainMonitoringRow,
  parseNumberBytes,
  parseNumberCell,
  parseTimestampBytes,
  parseTimestampCell,
  type FastColumn,
  type TimestampKind,
} from '../methodology/columns.ts';

const latin1 = new TextDecoder('latin1');
import type { CalculationResult, GasBreakdown, TraceAdjustment, TraceEntry } from './result.ts';
import { Dec, decimalFromFloat, reportQuantity, roundWhole, ROUNDING_POLICIES } from './rounding.ts';

export interface CalculateInput {
  readonly source: ByteSource;
  /** Shown in every diagnostic: the S3 key or the local path. */
  readonly fileName: string;
  /** Detected from the file name (and first bytes) when absent. */
  readonly format?: MonitoringFormat;
  /** A registration that passed {@link resolveProject}. */
  readonly project: Project;
  readonly registry: MethodologyRegistry;
  /** Declared monitoring period; rows outside it are errors. Derived from the rows when absent. */
  readonly period?: Period;
  /** How many diagnostics are listed in full (all are counted). Default 1000. */
  readonly maxDiagnostics?: number;
  /**
   * For XLSX: the last bytes of the file (up to `ZIP_TAIL_BYTES`), so the zip directory can be checked
   * for a zip bomb before anything is inflated. Callers that can read the end of the object pass it
   * (the CLI from disk, the ingest function with a ranged GET).
   */
  readonly archiveTail?: Uint8Array;
  /** Called with the number of bytes read so far (for a progress bar). */
  readonly onProgress?: (bytes: number) => void;
  /** Called once with the rows' partial result (core/calculation/partial.ts), e.g. to store it with the upload. */
  readonly onPartial?: (partial: PartialResult) => void;
  /**
   * Called once the rows are read, with the timestamp convention the first reading set (with an offset,
   * or local times of the site): a byte range of a file (core/calculation/split.ts) is checked against the
   * file's convention with it.
   */
  readonly onTimeConvention?: (convention: 'local' | 'offset' | undefined) => void;
}

/** A period calculated from the partial results of its parts (uploads, byte ranges) instead of a file. */
export interface CalculateMergedInput extends Omit<CalculateInput, 'source' | 'format' | 'archiveTail' | 'onProgress'> {
  readonly partials: readonly PartialResult[];
}

// Resolving a registration against its methodology lives in ./resolve.ts (no cycle with core/project/registration.ts).
import { resolveProject } from './resolve.ts';
export { resolveProject, type ResolvedProject } from './resolve.ts';

/**
 * Switch for the per-cell validation of record events (XLSX and JSON rows, and CSV rows that left
 * the byte fast path): each cell through its column's own parser, zod only for a row with a cell
 * that is not plainly valid. On by default; the CLI sets it off for `MRV_RECORD_FAST=0` (core reads no environment) and then validates every record with the
 * monitoring schema's `safeParse` (the general path), and the equivalence tests flip it.
 */
export const recordFastPath = { enabled: true };

/** An empty cell in every format: "" in CSV, null in JSON and XLSX, or no key at all. */
const isEmptyCell = (cell: Cell | undefined): boolean => cell === undefined || cell === null || (typeof cell === 'string' && cell.trim() === '');

/** Formats a period-scope value for the trace: exact decimal, at most 12 decimals. */
function show(value: BigNumber | boolean | number): string | boolean {
  if (typeof value === 'boolean') return value;
  return new Dec(value.toString()).toDecimalPlaces(12).toString();
}

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
  return calculateRows(input);
}

/**
 * The result of a period from its parts' partial results: merged exactly (mergePartials), then the
 * period equations once, exactly as {@link calculate} does after its own rows. The result's `file`
 * names the parts: `sha256` is the SHA-256 of their SHA-256s in order, `bytes` their total.
 */
export async function calculateMerged(input: CalculateMergedInput): Promise<CalculationResult> {
  const result = await calculateRows({ ...input, source: (async function* () {})(), format: 'csv' }, input.partials);
  const parts = input.partials.flatMap((p) => p.parts);
  const sha256 = createHash('sha256')
    .update(parts.map((p) => p.sha256 ?? '').join('\n'))
    .digest('hex');
  return { ...result, file: { name: input.fileName, format: 'merged', bytes: parts.reduce((a, p) => a + (p.bytes ?? 0), 0), sha256 } };
}

async function calculateRows(input: CalculateInput, partials?: readonly PartialResult[]): Promise<CalculationResult> {
  const { project, methodology, parameters } = resolveProject(input.project, input.registry);
  const fileName = input.fileName;
  const diagnostics = new DiagnosticCollector(input.maxDiagnostics ?? 1000);
  const diag = (d: Omit<Diagnostic, 'source'> & { source?: string }) => diagnostics.add({ source: methodology.key, ...d });

  const base = {
    schemaVersion: 1 as const,
    project: { id: project.id, mechanism: project.mechanism, hostCountry: project.hostCountry, scale: project.scale },
    methodology: {
      id: methodology.id,
      version: methodology.version,
      key: methodology.key,
      hash: methodology.hash,
      title: methodology.title,
      source: `${methodology.source.body} ${methodology.source.document} v${methodology.source.documentVersion}`,
    },
    parameters,
  };

  // Applicability comes first: a project the methodology does not cover gets no numbers.
  const registration = {
    mechanism: project.mechanism,
    scale: project.scale,
    hostCountry: project.hostCountry,
    leastDevelopedCountry: project.leastDevelopedCountry,
  };
  const notMet = methodology.applicability.map((c) => ({ c, r: c.check(parameters as never, registration) })).filter((x) => x.r.status === 'not-applicable');
  for (const { c, r } of notMet)
    diag({
      severity: 'error',
      code: 'applicability.not_met',
      message: `Applicability condition ${c.id} (${c.ref}) is not met: ${r.status === 'not-applicable' ? r.reason : ''}.`,
      ref: c.ref,
    });

  // Hash and count the bytes as they stream past. The reader gets a view whose early exit (a fatal
  // file error) does not close the upload: the rest is drained into the hash, so the file's sha256 —
  // and with it the upload id — is the same whatever the reader made of the content.
  const sha = createHash('sha256');
  let bytes = 0;
  let firstBytes: Uint8Array | undefined;
  const upstream = input.source[Symbol.asyncIterator]();
  let exhausted = false;
  const pull = async (): Promise<Uint8Array | undefined> => {
    if (exhausted) return undefined;
    const r = await upstream.next();
    if (r.done) {
      exhausted = true;
      return undefined;
    }
    const chunk = r.value as Uint8Array | string;
    const buf = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk;
    if (!firstBytes) firstBytes = buf.subarray(0, 16);
    sha.update(buf);
    bytes += buf.length;
    input.onProgress?.(bytes);
    return buf;
  };
  const hashed: AsyncIterable<Uint8Array> = {
    [Symbol.asyncIterator]: () => ({
      next: async () => {
        const value = await pull();
        return value ? { value, done: false as const } : { value: undefined, done: true as const };
      },
      return: async () => ({ value: undefined, done: true as const }),
    }),
  };
  const drain = async () => {
    while (await pull());
  };
  const format = input.format ?? detectFormat(fileName);
  let digest: string | undefined;
  const fileInfo = () => ({ name: fileName, format: format ?? 'unknown', bytes, sha256: (digest ??= sha.digest('hex')) });

  if (notMet.length) {
    await drain(); // hash the file anyway: the report names what was uploaded
    return { ...base, status: 'not-applicable', file: fileInfo(), rows: { total: 0, accepted: 0, rejected: 0 }, trace: [], ...listDiagnostics(diagnostics) };
  }
  if (!format) {
    await drain();
    diag({
      severity: 'error',
      code: 'file.unknown_format',
      source: 'core/readers',
      message: `${fileName}: the file type is not recognised; upload .csv, .json, .ndjson or .xlsx.`,
      location: { file: fileName },
    });
    return { ...base, status: 'rejected', file: fileInfo(), rows: { total: 0, accepted: 0, rejected: 0 }, trace: [], ...listDiagnostics(diagnostics) };
  }

  // Row scope: constants first (project parameters, fixed parameters, GWPs), then per-row values.
  // The row equations read it as an array of slots (one per symbol; see compileFloatSlots); the
  // Map keeps the constants for the period scope.
  const rowScope = new Map<string, number | boolean>();
  const enumColumns = methodology.columns.filter((c) => c.meta.kind === 'enum');
  const inputColumns = methodology.rowInputs;
  const flagName = (c: string, v: string) => `${c}_${v.replace(/[^A-Za-z0-9]/g, '_')}`;
  const slotOf = new Map<string, number>();
  const addSlot = (name: string) => {
    if (!slotOf.has(name)) slotOf.set(name, slotOf.size);
  };
  for (const symbol of methodology.projectSymbols.keys()) addSlot(symbol);
  for (const name of Object.keys(methodology.parameters)) addSlot(name);
  for (const symbol of methodology.gwpSymbols.keys()) addSlot(symbol);
  for (const c of inputColumns) addSlot(c);
  for (const c of enumColumns) for (const v of c.meta.values ?? []) addSlot(flagName(c.name, v));
  for (const eq of methodology.rowEquations) addSlot(eq.symbol);
  const slots: SlotScope = new Array<unknown>(slotOf.size).fill(UNSET);
  const setConstant = (symbol: string, value: number | boolean) => {
    rowScope.set(symbol, value);
    const i = slotOf.get(symbol);
    if (i !== undefined) slots[i] = value;
  };
  for (const [symbol, ps] of methodology.projectSymbols) {
    const v = parameters[ps.field];
    if (ps.kind === 'enum-flag') setConstant(symbol, v === ps.option);
    else if (typeof v === 'number' || typeof v === 'boolean') setConstant(symbol, v);
  }
  for (const [name, p] of Object.entries(methodology.parameters)) setConstant(name, p.value);

  // Time on the site's clock: periods are half-open instants [start, end) (core/time).
  const site = new SitePeriods(project.timeZone, methodology.timestampMarks);
  const clock = site.clock;
  const period = input.period ? site.normalise(input.period) : undefined;
  const periodSpan = period ? site.span(period) : undefined;

  // GWP: bound before any row equation runs — from the declared period, or else from the day of the
  // first accepted reading; re-checked against the whole period once the rows have shown it
  // (core/calculation/gwp-binding.ts).
  let gwp: GwpBinding | undefined;
  let gwpFailed = false;
  const bindFor = (p: Period): boolean => {
    const outcome = bindGwps(project, methodology, p);
    if (!outcome.ok) {
      for (const message of outcome.messages) diag({ severity: 'error', code: outcome.code, message, location: { file: fileName } });
      gwpFailed = true;
      return false;
    }
    gwp = outcome.binding;
    for (const [symbol, gas] of methodology.gwpSymbols) setConstant(symbol, Number(gwp.values.get(gas)!.value));
    return true;
  };
  if (period) bindFor(period);

  // Sums over accepted rows of every numeric column and row equation.
  const sums = new Map<string, ExactSum>();
  const summed = [...methodology.columns.filter((c) => c.meta.kind === 'number').map((c) => c.name), ...methodology.rowEquations.map((e) => e.symbol)];
  for (const s of summed) sums.set(s, new ExactSum());
  const sumList = [...sums].map(([s, sum]) => ({ slot: slotOf.get(s)!, sum }));
  const required = methodology.columns.filter((c) => !c.meta.optional).map((c) => c.name);
  // Optional columns measuring an emission source (core/methodology/absence.ts): at a site that has the
  // source they are required, and an empty cell is a missing reading; at a site without it they may be left out.
  const sourceColumns = methodology.columns.flatMap((c) => {
    const policy = absencePolicyOf(c);
    if (policy?.kind !== 'source') return [];
    const absentBecause = sourceAbsentBecause(policy.source, methodology.sources?.[policy.source] as never, project.sources, parameters);
    return [{ name: c.name, meta: c.meta, source: policy.source, absentBecause, registeredAbsent: project.sources?.[policy.source] === false }];
  });
  /** What to do about a source column left out at a site that has (or has not ruled out) the source. */
  const sourceHint = (c: { meta: { kind: string; side?: string }; source: string }) =>
    `It is ${c.meta.kind === 'number' ? `a ${c.meta.side ?? 'project'}-side quantity` : 'a monitored value'} that may be left out only where the site has no ${c.source}: report it (0 where nothing was emitted), or, if the site has no ${c.source}, say so in the registration's monitoring plan: "sources": { "${c.source}": false }.`;
  /** Source columns present in the file at a site that has the source: an empty cell is refused. */
  const emptyRefused = new Set<string>();
  const emptyRefusedIndex = new Set<number>();
  const known = new Set(methodology.columns.map((c) => c.name));

  const calibration = new CalibrationRule(project.meters ?? [], new Map(methodology.columns.map((c) => [c.name, c.meta])), clock);
  // The monitoring plan of the registration sets the expected frequency; the methodology's is the default.
  const intervalSpec: IntervalSpec | undefined = project.monitoringIntervalMinutes
    ? { minutes: project.monitoringIntervalMinutes }
    : project.monitoringIntervalMonths
      ? { months: project.monitoringIntervalMonths }
      : methodology.monitoringIntervalMinutes
        ? { minutes: methodology.monitoringIntervalMinutes }
        : methodology.monitoringIntervalMonths
          ? { months: methodology.monitoringIntervalMonths }
          : undefined;
  // One tracker per monitored item (e.g. per chiller) when the methodology names an item column.
  const trackers = new Map<string, IntervalTracker>();
  const trackerOf = (item: string): IntervalTracker => {
    let t = trackers.get(item);
    if (!t) trackers.set(item, (t = new IntervalTracker(intervalSpec!, clock, site.marks)));
    return t;
  };
  const intervals = intervalSpec ? trackerOf('') : undefined;
  const itemIndex = methodology.monitoringItemColumn ? methodology.columns.findIndex((c) => c.name === methodology.monitoringItemColumn) : -1;

  // Row equations and checks compiled over the slots (same results as mathjs: see equations.ts).
  const mapOfSlots = () => {
    const m = new Map<string, number | boolean>();
    for (const [name, i] of slotOf) if (slots[i] !== UNSET) m.set(name, slots[i] as number | boolean);
    return m;
  };
  const slotted = (c: { parsed: CompiledEquation['parsed']; float?: CompiledEquation['float'] }): ((s: SlotScope) => number | boolean) =>
    compileFloatSlots(c.parsed, slotOf) ?? (() => c.float!(mapOfSlots()));
  const rowEquations = methodology.rowEquations.map((eq) => ({ eq, slot: slotOf.get(eq.symbol)!, run: slotted(eq) }));
  const rowChecks = methodology.rowChecks.map((check) => ({ check, run: slotted(check) }));
  /** CalibrationRule adjusts readings through a Map interface; this one reads and writes the slots. */
  const slotMap = {
    get: (k: string) => {
      const i = slotOf.get(k);
      return i === undefined || slots[i] === UNSET ? undefined : slots[i];
    },
    set: (k: string, v: number | boolean) => {
      slots[slotOf.get(k)!] = v;
      return slotMap;
    },
  } as unknown as Map<string, number | boolean>;

  // The monitoring columns in schema order: where each value goes once a row is valid.
  const columnOrder = methodology.columns.map((c) => c.name);
  const timeIndex = columnOrder.indexOf(methodology.timeColumn);
  const inputIndex = inputColumns.map((c) => ({ index: columnOrder.indexOf(c), slot: slotOf.get(c)! }));
  const flagIndex = enumColumns.map((c) => ({
    index: columnOrder.indexOf(c.name),
    flags: (c.meta.values ?? []).map((v) => ({ v, slot: slotOf.get(flagName(c.name, v))! })),
  }));
  const values: unknown[] = new Array<unknown>(columnOrder.length).fill(undefined);
  /** Whether the time cell of the row at hand had no offset (a local time on the site's clock). */
  const timeKind: TimestampKind = { local: false };

  /** Columns the file states in another compatible unit: the exact conversion to the methodology's unit. */
  const converted = new Map<string, Units.Conversion>();
  let total = 0;
  let accepted = 0;
  let rejected = 0;
  let headerOk = false;
  let fatal = false;
  let firstTime = Infinity;
  let lastTime = -Infinity;
  let lastRejectedRow = -1;
  const rejectRow = (row: number) => {
    if (row !== lastRejectedRow) {
      rejected++;
      lastRejectedRow = row;
    }
  };

  /** A row whose cells passed the monitoring schema; `values` holds them in `columnOrder`. */
  const acceptValues = (rowNumber: number, line: number): void => {
    const loc = { file: fileName, row: rowNumber, line, column: methodology.timeColumn };
    const time = site.instantOf(values[timeIndex] as number, timeKind.local);
    if (typeof time === 'string') {
      rejectRow(rowNumber);
      diag({ severity: 'error', code: 'row.invalid_timestamp', message: `Row ${rowNumber}, column ${methodology.timeColumn}: ${time}.`, location: loc });
      return;
    }
    const t = time;
    if (periodSpan && !site.admits(periodSpan, t)) {
      rejectRow(rowNumber);
      diag({
        severity: 'error',
        code: 'period.outside',
        message: `Row ${rowNumber}: ${clock.format(t)} is outside the monitoring period ${formatPeriod(period!)}${site.marks === 'interval-end' ? ' (timestamps mark the end of their interval)' : ''}; remove the row or upload it with its own period.`,
        location: loc,
      });
      return;
    }
    const item = itemIndex >= 0 ? String(values[itemIndex]) : '';
    if (intervals && !trackerOf(item).add(t)) {
      rejectRow(rowNumber);
      const which = itemIndex >= 0 ? ` of ${methodology.monitoringItemColumn} ${item}` : '';
      diag({
        severity: 'error',
        code: 'period.duplicate_timestamp',
        message: `Row ${rowNumber}: another row already has a reading${which} for the ${intervals.label} interval of ${clock.format(t)}; remove the duplicate so no quantity is counted twice.`,
        location: { file: fileName, row: rowNumber, line, column: methodology.timeColumn },
      });
      return;
    }
    if (!gwp) {
      if (gwpFailed) {
        rejectRow(rowNumber);
        return;
      }
      // The instant of the first accepted reading, as a half-open period [t, t + 1 ms).
      if (!bindFor({ start: new Date(t).toISOString(), end: new Date(t + 1).toISOString() })) {
        rejectRow(rowNumber);
        return;
      }
    }
    for (let k = 0; k < inputIndex.length; k++) slots[inputIndex[k]!.slot] = values[inputIndex[k]!.index];
    if (calibration.active) calibration.apply(t, slotMap);
    for (const f of flagIndex) for (const { v, slot } of f.flags) slots[slot] = values[f.index] === v;

    let ok = true;
    for (let k = 0; k < rowEquations.length; k++) {
      const { eq, slot, run } = rowEquations[k]!;
      let v: number | boolean;
      try {
        v = run(slots);
      } catch (e) {
        diag({
          severity: 'error',
          code: 'equation.error',
          message: `Row ${rowNumber}: equation ${eq.symbol} (${eq.ref}) could not be evaluated: ${(e as Error).message}.`,
          location: { file: fileName, row: rowNumber, line },
          ref: eq.ref,
        });
        ok = false;
        break;
      }
      if (typeof v === 'number' && !Number.isFinite(v)) {
        diag({
          severity: 'error',
          code: 'equation.non_finite',
          message: `Row ${rowNumber}: equation ${eq.symbol} = ${eq.expr} (${eq.ref}) gives ${v}; check the inputs of this row (a zero divisor?).`,
          location: { file: fileName, row: rowNumber, line },
          ref: eq.ref,
        });
        ok = false;
        break;
      }
      slots[slot] = v;
    }
    if (ok) {
      for (let k = 0; k < rowChecks.length; k++) {
        const { check, run } = rowChecks[k]!;
        let passed: unknown;
        try {
          passed = run(slots);
        } catch (e) {
          // A check that cannot be evaluated on this row is a row error, never a crash (nor a pass).
          diag({
            severity: 'error',
            code: 'equation.error',
            message: `Row ${rowNumber}: check ${check.id} (${check.ref}) could not be evaluated: ${(e as Error).message}.`,
            location: { file: fileName, row: rowNumber, line },
            ref: check.ref,
          });
          ok = false;
          break;
        }
        if (passed === true) continue;
        const severity = check.severity ?? 'error';
        diag({
          severity,
          code: 'row.check_failed',
          message: `Row ${rowNumber}: ${check.message} (check ${check.id}, ${check.ref}).`,
          location: { file: fileName, row: rowNumber, line },
          ref: check.ref,
        });
        if (severity === 'error') ok = false;
      }
    }
    if (!ok) {
      rejectRow(rowNumber);
      return;
    }
    accepted++;
    if (t < firstTime) firstTime = t;
    if (t > lastTime) lastTime = t;
    for (let k = 0; k < sumList.length; k++) {
      const { slot, sum } = sumList[k]!;
      const v = slots[slot];
      sum.add(typeof v === 'boolean' ? (v ? 1 : 0) : (v as number));
    }
  };

  /**
   * The CSV fast path (core/readers/csv.ts pumpCsv): cells straight from the bytes. A column built
   * with column.number / column.timestamp is parsed by the byte parsers; any other column by its own
   * zod schema (an absent one once, up front). A cell the fast parsers do not accept sends the whole
   * row back as an ordinary record event, so zod reports it exactly as before.
   */
  type Plan = {
    readonly field: number;
    readonly fast?: FastColumn;
    readonly schema: { safeParse(v: unknown): { success: boolean; data?: unknown } };
    readonly absent?: unknown;
    readonly absentOk: boolean;
  };
  let plan: Plan[] | undefined;
  const buildPlan = (columns: readonly string[]): Plan[] | undefined => {
    if (!isPlainMonitoringRow(methodology.monitoring)) return undefined;
    const shape = (methodology.monitoring as unknown as { shape: Record<string, Plan['schema']> }).shape;
    const out: Plan[] = [];
    for (const name of columnOrder) {
      const schema = shape[name]!;
      const field = columns.indexOf(name);
      const fast = fastColumnOf(schema);
      const r = schema.safeParse(undefined);
      if (field === -1 && !r.success) return undefined;
      out.push({ field, schema, ...(fast ? { fast } : {}), absent: r.success ? r.data : undefined, absentOk: r.success });
    }
    return out;
  };
  const fastRow = (rowNumber: number, line: number, bytes: Uint8Array, starts: Int32Array, ends: Int32Array): boolean => {
    if (!plan) return false;
    for (let j = 0; j < plan.length; j++) {
      const p = plan[j]!;
      const f = p.field;
      if (f === -1) {
        values[j] = p.absent;
        continue;
      }
      if (starts[f] === ends[f] && emptyRefusedIndex.has(j)) return false;
      const fast = p.fast;
      if (fast === undefined) {
        const r = p.schema.safeParse(latin1.decode(bytes.subarray(starts[f], ends[f])));
        if (!r.success) return false;
        values[j] = r.data;
      } else if (fast.kind === 'number') {
        const v = parseNumberBytes(bytes, starts[f]!, ends[f]!);
        if (v === undefined || (fast.min !== undefined && v < fast.min) || (fast.max !== undefined && v > fast.max)) return false;
        values[j] = v;
      } else {
        const v = parseTimestampBytes(bytes, starts[f]!, ends[f]!, timeKind);
        if (v === undefined) return false;
        values[j] = v;
      }
    }
    total++;
    acceptValues(rowNumber, line);
    return true;
  };

  /**
   * The same plan for a record event (cells already typed: XLSX numbers and Dates, JSON values,
   * strings): a number or timestamp column goes through the very parser its zod schema runs
   * (`parseNumberCell` / `parseTimestampCell` plus the column's bounds), so a cell they accept gets
   * the value zod would give; any other column through its own schema. A cell that is not plainly
   * valid sends the row to the monitoring schema, which reports it as always.
   */
  const fastRecord = (cells: Record<string, Cell>): boolean => {
    const p0 = plan!;
    for (let j = 0; j < p0.length; j++) {
      const p = p0[j]!;
      // By name, not by the header: a JSON record may carry a key its first record lacked (and lack one it had).
      const cell = cells[columnOrder[j]!];
      if (cell === undefined) {
        if (!p.absentOk || emptyRefusedIndex.has(j)) return false;
        values[j] = p.absent;
        continue;
      }
      if ((cell === null || cell === '') && emptyRefusedIndex.has(j)) return false;
      const fast = p.fast;
      if (fast === undefined) {
        const r = p.schema.safeParse(cell);
        if (!r.success) return false;
        values[j] = r.data;
      } else if (fast.kind === 'number') {
        const v = parseNumberCell(cell);
        if (typeof v !== 'number' || (fast.min !== undefined && v < fast.min) || (fast.max !== undefined && v > fast.max)) return false;
        values[j] = v;
      } else {
        const v = parseTimestampCell(cell, timeKind);
        if (typeof v !== 'number') return false;
        values[j] = v;
      }
    }
    return true;
  };

  /** Events held while core/units loads (see the header case below). */
  let held: { readonly queue: ReaderEvent[]; readonly loaded: Promise<void> } | undefined;
  /** Waits for core/units if a header asked for it, then replays the held events in order. */
  const release = async (): Promise<void> => {
    while (held) {
      const { queue, loaded } = held;
      await loaded;
      held = undefined;
      for (const event of queue) onEvent(event); // (a header held again would queue the rest)
    }
  };

  const onEvent = (event: ReaderEvent): void => {
    if (event.kind === 'diagnostic') {
      diagnostics.add(event.diagnostic);
      if (event.diagnostic.code.startsWith('file.')) fatal = true;
      if (event.diagnostic.location?.row !== undefined && event.diagnostic.code.startsWith('record.')) {
        total++;
        rejectRow(event.diagnostic.location.row);
      }
      return;
    }
    if (held) {
      held.queue.push(event);
      return;
    }
    if (event.kind === 'header') {
      // A unit to convert needs core/units, loaded on first use: the header (and whatever the reader
      // sends before the engine can wait, at most one chunk) is held until it is there.
      if (
        !unitsModule &&
        Object.entries(event.units ?? {}).some(
          ([c, unit]) => unit !== '' && methodology.columns.some((x) => x.name === c && x.meta.kind === 'number' && x.meta.unit !== unit),
        )
      ) {
        held = { queue: [event], loaded: import('../units/exact.ts').then((m) => void (unitsModule = m)) };
        return;
      }
      const present = new Set(event.columns);
      const missing: string[] = required.filter((c) => !present.has(c));
      /** Declared columns a misspelled header was taken for (did you mean …?). */
      const meantColumns = new Set<string>();
      for (const c of missing) {
        const meta = methodology.columns.find((x) => x.name === c)!.meta;
        // A name that differs only by invisible characters (a zero-width space) is named as such, escaped.
        const lookalike = event.columns.find((x) => x !== c && withoutInvisible(x) === c);
        const why = lookalike !== undefined ? ` The file has a column "${visible(lookalike)}", which contains invisible characters: delete them.` : '';
        diag({
          severity: 'error',
          code: 'header.missing_column',
          message: `Column ${c} is missing: the methodology needs it (${meta.description}, ${meta.unit}).${why} Columns found: ${event.columns.map((x) => (hasInvisible(x) ? `"${visible(x)}"` : x)).join(', ') || '(none)'}.`,
          location: { file: fileName, column: c },
          expected: `${c} (${meta.unit})`,
        });
      }
      for (const c of event.columns) {
        if (!c || known.has(c)) continue;
        // Close to a declared column: a typo whose quantity would be dropped; refused, never ignored.
        const meant = closestColumn(c, [...known]);
        if (meant) meantColumns.add(meant);
        if (meant)
          diag({
            severity: 'error',
            code: 'header.misspelled_column',
            message: `Column ${hasInvisible(c) ? `"${visible(c)}"` : c} is not defined by ${methodology.key}: did you mean ${meant}? Rename the column; a misspelled column is refused rather than ignored, so no quantity is dropped.`,
            location: { file: fileName, column: c },
            actual: c,
            expected: meant,
          });
        else
          diag({
            severity: 'warning',
            code: 'header.unknown_column',
            message: `Column ${hasInvisible(c) ? `"${visible(c)}"` : c} is not defined by ${methodology.key} and is ignored.`,
            location: { file: fileName, column: c },
          });
      }
      emptyRefused.clear();
      emptyRefusedIndex.clear();
      for (const c of sourceColumns) {
        if (c.absentBecause !== undefined) continue;
        if (present.has(c.name)) {
          emptyRefused.add(c.name);
          emptyRefusedIndex.add(columnOrder.indexOf(c.name));
          continue;
        }
        missing.push(c.name);
        if (meantColumns.has(c.name)) continue; // the did-you-mean above already names it
        diag({
          severity: 'error',
          code: 'header.missing_column',
          message: `Column ${c.name} (${c.meta.unit}) is missing: ${c.meta.description}. ${sourceHint(c)} Columns found: ${event.columns.map((x) => (hasInvisible(x) ? `"${visible(x)}"` : x)).join(', ') || '(none)'}.`,
          location: { file: fileName, column: c.name },
          expected: `${c.name} (${c.meta.unit})`,
        });
      }
      for (const [c, unit] of Object.entries(event.units ?? {})) {
        const meta = methodology.columns.find((x) => x.name === c)?.meta;
        if (!meta || unit === meta.unit || unit === '') continue;
        const conversion =
          meta.kind === 'number' ? unitsModule!.conversionFactor(String(unit), meta.unit) : ({ ok: false, problem: `${c} is not a numeric column` } as const);
        if (conversion.ok) {
          if (conversion.factor.num !== conversion.factor.den) converted.set(c, conversion);
          diag({
            severity: 'info',
            code: 'header.unit_converted',
            message: `Column ${c} is stated in ${unit} and converted to ${meta.unit} (× ${conversion.label}).`,
            location: { file: fileName, column: c },
          });
        } else
          diag({
            severity: 'error',
            code: 'header.unknown_unit',
            message: `Column ${c} is stated in "${unit}", which cannot be used: ${conversion.problem}. State it in ${meta.unit} or a compatible unit (e.g. kWh for MWh).`,
            location: { file: fileName, column: c },
            actual: String(unit),
            expected: meta.unit,
          });
      }
      headerOk = missing.length === 0 && diagnostics.errors === 0;
      plan = headerOk && converted.size === 0 ? buildPlan(event.columns) : undefined;
      return;
    }
    // A record.
    total++;
    if (!headerOk) {
      rejectRow(event.row);
      return;
    }
    if (plan !== undefined && recordFastPath.enabled && fastRecord(event.cells)) {
      acceptValues(event.row, event.line);
      return;
    }
    let cells = event.cells;
    if (converted.size) {
      const copy: Record<string, Cell> = { ...cells };
      for (const [c, conversion] of converted) {
        const n = parseNumberCell(copy[c]);
        if (typeof n === 'number') copy[c] = conversion.apply(n);
      }
      cells = copy;
    }
    const parsed = methodology.monitoring.safeParse(cells);
    // An empty cell of a source the site has is a missing reading, not a zero.
    const emptySources = emptyRefused.size ? [...emptyRefused].filter((c) => isEmptyCell((cells as Record<string, Cell | undefined>)[c])) : [];
    if (emptySources.length) {
      rejectRow(event.row);
      for (const column of emptySources) {
        const c = sourceColumns.find((x) => x.name === column)!;
        diag({
          severity: 'error',
          code: 'row.missing_value',
          message: `Row ${event.row}, column ${column}: empty, and a missing ${column} is refused rather than counted as ${String(absencePolicyOf(c)?.value ?? 0)}. ${sourceHint(c)}`,
          location: { file: fileName, row: event.row, line: event.line, column },
          actual: 'empty',
          expected: `${column} (${c.meta.unit})`,
        });
      }
    }
    if (!parsed.success) {
      if (!emptySources.length) rejectRow(event.row);
      const loc = { file: fileName, row: event.row, line: event.line };
      for (const issue of parsed.error.issues) {
        const column = String(issue.path[0] ?? '');
        const params = (issue as { params?: { code?: DiagnosticCode; expected?: string } }).params;
        const cell = (event.cells as Record<string, Cell | undefined>)[column];
        diag({
          severity: 'error',
          code: params?.code ?? 'row.invalid_value',
          // An empty cell reads the same in every format ("" in CSV, null in JSON and XLSX, or no key at all).
          message: `Row ${event.row}, column ${column}: ${showValue(cell === '' ? null : cell)} ${issue.message}.`,
          location: { ...loc, column },
          actual: showValue(cell === '' ? null : cell),
          ...(params?.expected ? { expected: params.expected } : {}),
        });
      }
      return;
    }
    if (emptySources.length) return;
    const row = parsed.data as Record<string, unknown>;
    for (let j = 0; j < columnOrder.length; j++) values[j] = row[columnOrder[j]!];
    parseTimestampCell(event.cells[methodology.timeColumn], timeKind); // local or with offset (the value is the one zod gave)
    acceptValues(event.row, event.line);
  };

  const bomb = format === 'xlsx' && input.archiveTail ? checkZipBomb(input.archiveTail, fileName) : undefined;
  if (partials) {
    // No rows of its own: the parts were read before (calculateMerged).
  } else if (bomb) {
    diagnostics.add(bomb);
    fatal = true;
  } else if (format === 'csv' && csvFastPath.enabled)
    await pumpCsv(hashed, { fileName, format }, { event: onEvent, row: fastRow, pause: () => (held ? release() : undefined) });
  else
    for await (const event of readRecords(hashed, { fileName, format })) {
      onEvent(event);
      if (held) await release();
    }
  await release();
  await drain();
  input.onTimeConvention?.(site.convention);

  // rows → partial → merge (of this one, or of the parts given) → period: the period below reads only the merge.
  const merged = mergePartials(
    partials ?? [
      partialOf({
        projectId: project.id,
        methodology,
        fileName,
        sha256: fileInfo().sha256,
        bytes,
        rows: { total, accepted, rejected },
        firstTime,
        lastTime,
        sums,
        trackers,
        intervalSpec,
        timeZone: site.zone,
        marks: site.marks,
        calibration: calibration.adjustments,
        diagnostics,
        fatal,
        rowGwpSet: gwp?.label,
      }),
    ],
    { maxDiagnostics: input.maxDiagnostics ?? 1000 },
  );
  if (partials) absorbDiagnostics(diagnostics, merged.diagnostics);
  input.onPartial?.(merged);
  ({ total, accepted, rejected } = merged.rows);
  firstTime = merged.first ? Date.parse(merged.first) : Infinity;
  lastTime = merged.last ? Date.parse(merged.last) : -Infinity;
  fatal = merged.fatal;
  for (const [symbol, stored] of Object.entries(merged.sums)) sums.set(symbol, ExactSum.of(stored.terms));
  // Parts bring no rows here: bind the GWPs as a file would at its first reading, and refuse parts whose rows ran with others.
  if (partials && !gwp && !gwpFailed && merged.first) bindFor({ start: merged.first, end: new Date(Date.parse(merged.first) + 1).toISOString() });
  if (partials && gwp && merged.rowGwpSets.some((label) => label !== gwp!.label))
    diag({
      severity: 'error',
      code: 'period.spans_gwp_boundary',
      message: `Parts of this period were calculated with GWPs ${merged.rowGwpSets.join(', ')}, but the period binds ${gwp.label}; recalculate the parts within one GWP period.`,
      location: { file: fileName },
    });
  if (partials && merged.coverage && ((merged.coverage.timeZone ?? 'UTC') !== site.zone || (merged.coverage.marks ?? 'interval-start') !== site.marks))
    diag({
      severity: 'error',
      code: 'period.parts_clock_mismatch',
      message: `The parts were checked for gaps on the clock ${merged.coverage.timeZone ?? 'UTC'} (${merged.coverage.marks ?? 'interval-start'}), but the registration now sets ${site.zone} (${site.marks}); upload the files again so they are read on the registered clock.`,
      location: { file: fileName },
    });
  if (partials) {
    // (A file's own trackers already hold exactly its coverage.)
    trackers.clear();
    for (const [item, runs] of Object.entries(merged.coverage?.items ?? {})) trackers.set(item, trackerFromRuns(intervalSpec!, runs, clock, site.marks));
  }

  if (!fatal && total === 0 && diagnostics.errors === 0)
    diag({ severity: 'error', code: 'file.no_records', source: 'core/readers', message: `${fileName} has no data rows.`, location: { file: fileName } });

  // A period read from the data: the intervals of its readings on the site's clock, [start of the
  // first, end of the last) — with a monitoring plan, the first and last intervals of the plan
  // (hourly end-stamped January: 01-01 00:00 – 02-01 00:00); without one, whole local days.
  const itemTrackers = [...trackers].filter(([item]) => itemIndex < 0 || item !== '');
  const resultSpan =
    periodSpan ??
    (accepted > 0
      ? intervals && itemTrackers.length
        ? { start: Math.min(...itemTrackers.map(([, t]) => t.startOfFirst ?? Infinity)), end: Math.max(...itemTrackers.map(([, t]) => t.end ?? -Infinity)) }
        : site.daysSpan(firstTime, lastTime)
      : undefined);
  const resultPeriod: Period | undefined = period ?? (resultSpan ? site.periodOf(resultSpan) : undefined);
  // Period limits come first: a period outside the crediting period gets no gap bookkeeping at all.
  const credited = resultSpan ? site.within(resultSpan, project.creditingPeriod) : false;
  if (resultSpan && resultPeriod && !credited)
    diag({
      severity: 'error',
      code: 'period.outside_crediting',
      message: `The monitoring period ${formatPeriod(resultPeriod)} is not inside the crediting period ${formatPeriod(site.localDays(project.creditingPeriod))}.`,
      location: { file: fileName },
    });
  // Rows rejected for their values leave holes of their own: gaps are judged on a file whose rows all passed.
  // Gaps per item, judged over the whole period (declared, or from the first to the last reading of any item).
  const gapReport = { gaps: [] as { from: string; to: string; missingIntervals: number; item?: string }[], missing: 0, count: 0 };
  if (intervals && accepted > 0 && rejected === 0 && credited && resultSpan)
    for (const [item, t] of itemTrackers) {
      const g = t.gaps(resultSpan.start, resultSpan.end, 1000 - gapReport.gaps.length);
      gapReport.gaps.push(...g.gaps.map((x) => (itemIndex >= 0 ? { ...x, item } : x)));
      gapReport.missing += g.missing;
      gapReport.count += g.count;
    }
  if (gapReport.missing > 0) {
    const severity = methodology.gapPolicy === 'reject' ? 'error' : 'warning';
    const consequence =
      severity === 'error'
        ? `${methodology.key} rejects a period with gaps: supply the missing readings`
        : 'the missing intervals count as zero (conservative)';
    diag({
      severity,
      code: 'period.gap',
      message: `${gapReport.missing} expected ${intervals!.label} readings are missing in ${gapReport.count} gap(s), the first${gapReport.gaps[0]!.item !== undefined ? ` (${methodology.monitoringItemColumn} ${gapReport.gaps[0]!.item})` : ''} from ${gapReport.gaps[0]!.from} to ${gapReport.gaps[0]!.to}; ${consequence}.`,
      location: { file: fileName },
    });
  }
  // A quantity reported for a source the registration says the site does not have: the plan and the file
  // disagree. (Where the module finds from the parameters that the source cannot exist, a reported value
  // still enters its equations as written.)
  for (const c of sourceColumns) {
    const sum = c.registeredAbsent && c.meta.kind === 'number' ? sums.get(c.name)?.value : undefined;
    if (sum !== undefined && sum !== 0 && accepted > 0)
      diag({
        severity: 'error',
        code: 'period.source_not_at_site',
        message: `Column ${c.name} reports ${c.meta.description} totalling ${sum} ${c.meta.unit}, but ${c.absentBecause}. Correct the file, or register the source (a new registration version with "sources": { "${c.source}": true } and a --reason), so the monitoring plan and the report agree.`,
        location: { file: fileName, column: c.name },
      });
  }
  const qaqc = {
    calibration: merged.calibration.map(({ before: terms, ...a }) => calibrationEffect(a, terms)),
    ...(intervalSpec && 'minutes' in intervalSpec ? { intervalMinutes: intervalSpec.minutes } : {}),
    ...(intervalSpec && 'months' in intervalSpec ? { intervalMonths: intervalSpec.months } : {}),
    gaps: gapReport.gaps.slice(0, 1000),
    missingIntervals: gapReport.missing,
  };
  for (const a of qaqc.calibration)
    diag({
      severity: 'info',
      code: 'qaqc.calibration_overdue',
      message: `Meter ${a.meter} was overdue for calibration for ${a.rows} reading(s) of ${a.column} (${a.first} – ${a.last}); they were multiplied by ${a.factor} (MPE ${a.mpe * 100} %, ${a.side} side, adjusted conservatively).`,
      location: { file: fileName, column: a.column },
    });
  if (resultPeriod && !period && diagnostics.errors === 0 && gwp) {
    const whole = bindGwps(project, methodology, resultPeriod);
    if (!whole.ok) for (const message of whole.messages) diag({ severity: 'error', code: whole.code, message, location: { file: fileName } });
    else if (!sameGwps(gwp, whole.binding))
      diag({
        severity: 'error',
        code: 'period.spans_gwp_boundary',
        message: `The rows of ${formatPeriod(resultPeriod)} need different GWPs (${gwp.label} at the first reading, ${whole.binding.label} for the whole period); split the upload at the boundary.`,
        location: { file: fileName },
      });
    else gwp = whole.binding;
  }

  const rows = { total, accepted, rejected };
  if (diagnostics.errors > 0 || !gwp || !resultPeriod) {
    return {
      ...base,
      status: 'rejected',
      file: fileInfo(),
      ...(resultPeriod ? { period: resultPeriod } : {}),
      rows,
      qaqc,
      trace: [],
      ...listDiagnostics(diagnostics),
    };
  }

  // Period scope, exact decimals.
  const trace: TraceEntry[] = [];
  const scope = new Map<string, BigNumber | boolean>();
  for (const [symbol, value] of rowScope) {
    if (inputColumns.includes(symbol) || methodology.rowEquations.some((e) => e.symbol === symbol) || enumColumns.some((c) => symbol.startsWith(`${c.name}_`)))
      continue;
    scope.set(
      symbol,
      typeof value === 'boolean'
        ? value
        : toBigNumber(methodology.gwpSymbols.has(symbol) ? gwp.values.get(methodology.gwpSymbols.get(symbol)!)!.value : String(value)),
    );
  }
  // Adjustments before later equations read a value: rounding as registered, the A/R small-scale cap.
  const adjuster = periodAdjuster(methodology, project);
  const readScope = (symbol: string) => {
    const x = scope.get(symbol);
    return isBigNumber(x) ? x.toString() : undefined;
  };
  const adjustmentsOf = new Map<string, readonly TraceAdjustment[]>();
  const unroundedSums = new Map<string, string>();
  for (const [s, sum] of sums) {
    unroundedSums.set(s, decimalFromFloat(sum.value).toString());
    const a = adjuster.adjust(s, unroundedSums.get(s)!, readScope);
    if (a.adjustments.length) adjustmentsOf.set(s, a.adjustments);
    scope.set(s, toBigNumber(a.value));
  }
  scope.set('n_rows', toBigNumber(accepted));
  const periodSpanMs = site.span(resultPeriod);
  scope.set('period_days', toBigNumber(new Dec(periodSpanMs.end - periodSpanMs.start).div(86_400_000).toString())); // exact: the length of [start, end) in days
  const intermediateRounding = intermediateRoundingKeys(methodology, project.rounding);
  const scopeBeforePeriod = intermediateRounding.length ? new Map(scope) : undefined;

  const constants = (symbols: readonly string[]) =>
    Object.fromEntries(symbols.filter((s) => scope.has(s) && !sums.has(s)).map((s) => [s, show(scope.get(s)!)]));
  for (const eq of methodology.rowEquations)
    trace.push({
      symbol: eq.symbol,
      expr: eq.expr,
      unit: eq.unit,
      ref: eq.ref,
      scope: 'row',
      inputs: constants(eq.parsed.symbols),
      value: show(scope.get(eq.symbol)!),
      rows: accepted,
      ...(adjustmentsOf.has(eq.symbol) ? { adjustments: adjustmentsOf.get(eq.symbol)! } : {}),
    });

  let failed = false;
  for (const eq of methodology.periodEquations) {
    let v: BigNumber | boolean;
    try {
      v = eq.decimal!(scope);
    } catch (e) {
      diag({
        severity: 'error',
        code: 'equation.error',
        message: `Equation ${eq.symbol} (${eq.ref}) could not be evaluated for the period: ${(e as Error).message}.`,
        location: { file: fileName },
        ref: eq.ref,
      });
      failed = true;
      break;
    }
    if (isBigNumber(v) && !v.isFinite()) {
      diag({
        severity: 'error',
        code: 'equation.non_finite',
        message: `Equation ${eq.symbol} = ${eq.expr} (${eq.ref}) gives ${v.toString()} for the period; check its inputs.`,
        location: { file: fileName },
        ref: eq.ref,
      });
      failed = true;
      break;
    }
    const inputs = Object.fromEntries(eq.parsed.symbols.filter((s) => scope.has(s)).map((s) => [s, show(scope.get(s)!)]));
    const adjusted = isBigNumber(v) ? adjuster.adjust(eq.symbol, v.toString(), readScope) : undefined;
    if (adjusted?.adjustments.length) v = toBigNumber(adjusted.value);
    scope.set(eq.symbol, v);
    trace.push({
      symbol: eq.symbol,
      expr: eq.expr,
      unit: eq.unit,
      ref: eq.ref,
      scope: 'period',
      inputs,
      value: show(v),
      ...(adjusted?.adjustments.length ? { adjustments: adjusted.adjustments } : {}),
    });
  }
  if (!failed) {
    for (const check of methodology.periodChecks) {
      let passed: unknown;
      try {
        passed = check.decimal!(scope);
      } catch (e) {
        diag({
          severity: 'error',
          code: 'equation.error',
          message: `Check ${check.id} (${check.ref}) could not be evaluated for the period: ${(e as Error).message}.`,
          location: { file: fileName },
          ref: check.ref,
        });
        continue;
      }
      if (passed === true) continue;
      const severity = check.severity ?? 'error';
      const message = check.message.replace(/\{([A-Za-z][A-Za-z0-9_]*)\}/g, (m, name: string) => (scope.has(name) ? String(show(scope.get(name)!)) : m));
      diag({ severity, code: 'period.check_failed', message: `${message} (check ${check.id}, ${check.ref}).`, location: { file: fileName }, ref: check.ref });
    }
  }
  if (failed || diagnostics.errors > 0) {
    return { ...base, status: 'rejected', file: fileInfo(), period: resultPeriod, rows, qaqc, trace, ...listDiagnostics(diagnostics) };
  }

  // Emission terms → per gas, per category, in tCO2e with the GWP in force.
  const zero = () => ({ t: new Dec(0), co2e: new Dec(0) });
  const perGas = new Map<string, { BE: ReturnType<typeof zero>; PE: ReturnType<typeof zero>; LE: ReturnType<typeof zero> }>();
  for (const term of methodology.emissions) {
    const gas = findGas(term.gas)!.id;
    const value = scope.get(term.symbol);
    const t = new Dec(isBigNumber(value) ? value.toString() : value ? 1 : 0);
    const gwpValue = new Dec(gwp.values.get(gas)!.value);
    const entry = perGas.get(gas) ?? { BE: zero(), PE: zero(), LE: zero() };
    entry[term.category].t = entry[term.category].t.plus(t);
    entry[term.category].co2e = entry[term.category].co2e.plus(t.times(gwpValue));
    perGas.set(gas, entry);
  }
  let BE = new Dec(0);
  let PE = new Dec(0);
  let LE = new Dec(0);
  const gases: GasBreakdown[] = [];
  for (const [gas, e] of perGas) {
    BE = BE.plus(e.BE.co2e);
    PE = PE.plus(e.PE.co2e);
    LE = LE.plus(e.LE.co2e);
    const q = (x: ReturnType<typeof zero>) => ({ t: reportQuantity(x.t), tCO2e: reportQuantity(x.co2e) });
    gases.push({
      gas,
      gwp: gwp.values.get(gas)!.value,
      BE: q(e.BE),
      PE: q(e.PE),
      LE: q(e.LE),
      ER: reportQuantity(e.BE.co2e.minus(e.PE.co2e).minus(e.LE.co2e)),
    });
  }
  const erRounding = roundEr(project, BE.minus(PE).minus(LE).toString());
  const ER = erRounding ? new Dec(erRounding.to) : BE.minus(PE).minus(LE);
  const policy = ROUNDING_POLICIES[project.mechanism];
  // What is issued: floor(ER) of the mechanism's credit, or the methodology's own credit quantity and type.
  const creditValue = methodology.credits ? scope.get(methodology.credits.symbol) : undefined;
  const claimed = creditValue !== undefined && isBigNumber(creditValue) ? new Dec(creditValue.toString()) : ER;
  // A rounding of an intermediate value can move the result either way: recompute the period without the profile's
  // intermediate roundings; if they raise what is claimed, the period is refused (rounding never adds credits).
  if (scopeBeforePeriod) {
    const unrounded = claimWithoutIntermediateRounding(methodology, project, scopeBeforePeriod, unroundedSums, intermediateRounding, gwp);
    if (unrounded !== undefined && claimed.greaterThan(unrounded)) {
      diag({
        severity: 'error',
        code: 'period.rounding_raises_result',
        message: `The registered rounding of ${intermediateRounding.join(', ')} raises ${methodology.credits ? methodology.credits.symbol : 'the emission reductions'} from ${reportQuantity(new Dec(unrounded))} to ${reportQuantity(claimed)} t CO2e in this period; a rounding as registered may only lower the result: correct the registration's rounding profile (mode and direction of these symbols).`,
        location: { file: fileName },
      });
      return { ...base, status: 'rejected', file: fileInfo(), period: resultPeriod, rows, qaqc, trace, ...listDiagnostics(diagnostics) };
    }
  }
  // Small-scale limits cap what is issued (core/calculation/small-scale-cap.ts): Type III here, A/R on its symbol above.
  const smallScaleCap = typeIIICap(methodology, project, claimed.toString(), resultPeriod) ?? adjuster.capOutcome();
  const quantity = smallScaleCap?.applied && smallScaleCap.kind === 'type-III' ? new Dec(smallScaleCap.capped) : claimed;
  if (smallScaleCap?.applied)
    diag({
      severity: 'warning',
      code: 'period.small_scale_cap',
      message: `${smallScaleCap.kind === 'type-III' ? 'Emission reductions' : 'Net removals'} of ${smallScaleCap.uncapped} t exceed the small-scale limit for this ${smallScaleCap.kind === 'type-III' ? 'period' : 'span'}, ${smallScaleCap.limit} t (${smallScaleCap.proRating}): units are issued only up to the limit; the excess ${smallScaleCap.excess} t is not eligible (${smallScaleCap.source}).`,
      location: { file: fileName },
    });
  const units = quantity.isNegative() ? new Dec(0) : roundWhole(new Dec(reportQuantity(quantity)), policy.issuance);
  const typeParameter = methodology.credits?.typeParameter;
  const creditType = (
    typeParameter && CREDIT_TYPES.includes(parameters[typeParameter] as CreditType) ? parameters[typeParameter] : DEFAULT_CREDIT_TYPE[project.mechanism]
  ) as CreditType;
  const expiry = creditExpiry(creditType, resultPeriod, project.creditingPeriod);
  if (ER.isNegative())
    diag({
      severity: 'warning',
      code: 'period.check_failed',
      message: `Emission reductions are negative (${reportQuantity(ER)} tCO2e): project and leakage emissions exceed the baseline; no units are issuable for this period.`,
      location: { file: fileName },
    });

  return {
    ...base,
    status: 'accepted',
    file: fileInfo(),
    gwp: {
      set: gwp.label,
      reason: gwp.policy.reason,
      confidence: gwp.policy.confidence,
      values: Object.fromEntries(
        [...gwp.values].map(([g, v]) => [
          g,
          { value: v.value, set: v.set, rule: v.rule, source: v.source, confidence: v.confidence, ...(v.replaces ? { replaces: v.replaces } : {}) },
        ]),
      ),
    },
    period: resultPeriod,
    rows,
    qaqc,
    totals: { BE: reportQuantity(BE), PE: reportQuantity(PE), LE: reportQuantity(LE), ER: reportQuantity(ER) },
    gases,
    issuable: {
      units: units.toString(),
      rounding: policy.note,
      creditType,
      ...(smallScaleCap ? { smallScaleCap } : {}),
      ...(erRounding ? { erRounding } : {}),
      ...(expiry.expires ? { expires: expiry.expires } : {}),
      ...(creditType === 'tCER' || creditType === 'lCER' ? { expiryRule: expiry.rule } : {}),
    },
    trace,
    ...listDiagnostics(diagnostics),
  };
}

/**
 * What the period claims (the credit symbol, or BE − PE − LE in t CO2e) when the profile's intermediate roundings
 * are left out and everything else (the other roundings, the A/R cap) applies as usual; undefined if an equation
 * cannot be evaluated that way.
 */
function claimWithoutIntermediateRounding(
  methodology: Methodology,
  project: Project,
  before: ReadonlyMap<string, BigNumber | boolean>,
  unroundedSums: ReadonlyMap<string, string>,
  keys: readonly string[],
  gwp: GwpBinding,
): string | undefined {
  const rounding = Object.fromEntries(Object.entries(project.rounding ?? {}).filter(([k]) => !keys.includes(k)));
  const adjuster = periodAdjuster(methodology, { ...project, rounding });
  const scope = new Map(before);
  const read = (symbol: string) => {
    const x = scope.get(symbol);
    return isBigNumber(x) ? x.toString() : undefined;
  };
  for (const [s, raw] of unroundedSums) scope.set(s, toBigNumber(adjuster.adjust(s, raw, read).value));
  try {
    for (const eq of methodology.periodEquations) {
      const v = eq.decimal!(scope);
      scope.set(eq.symbol, isBigNumber(v) ? toBigNumber(adjuster.adjust(eq.symbol, v.toString(), read).value) : v);
    }
  } catch {
    return undefined;
  }
  if (methodology.credits) {
    const c = scope.get(methodology.credits.symbol);
    return isBigNumber(c) ? c.toString() : undefined;
  }
  let er = new Dec(0);
  for (const term of methodology.emissions) {
    const value = scope.get(term.symbol);
    const t = new Dec(isBigNumber(value) ? value.toString() : value ? 1 : 0).times(gwp.values.get(findGas(term.gas)!.id)!.value);
    er = term.category === 'BE' ? er.plus(t) : er.minus(t);
  }
  const erRounding = roundEr(project, er.toString());
  return erRounding ? erRounding.to : er.toString();
}

function listDiagnostics(c: DiagnosticCollector) {
  return { diagnostics: c.kept, diagnosticsOmitted: c.truncated, diagnosticCounts: Object.fromEntries(c.countsByCode) };
}
