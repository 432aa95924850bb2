/**
 * The period stage, in exact decimals: the period scope (constants, GWPs, the rows' sums, n_rows,
 * period_days), the registered adjustments (rounding, the A/R small-scale cap) applied before later
 * equations read a value, the period equations and checks, and the trace of every equation.
 */
import type { Period } from '../../mechanisms/mechanisms.ts';
import type { Methodology } from '../../methodology/define-methodology.ts';
import { isBigNumber, toBigNumber, type BigNumber } from '../../expressions/decimal.ts';
import type { Project } from '../../project/project.ts';
import { findGas } from '../../gases/gases.ts';
import type { GwpBinding } from '../gwp-binding.ts';
import { intermediateRoundingKeys, periodAdjuster, roundEr, type PeriodAdjuster } from '../period-adjustments.ts';
import type { TraceAdjustment, TraceEntry } from '../result.ts';
import { Dec, decimalFromFloat } from '../rounding.ts';
import type { Calculation } from './context.ts';
import type { MergedRows } from './merge.ts';

export type PeriodScope = Map<string, BigNumber | boolean>;

export interface PeriodOutcome {
  readonly scope: PeriodScope;
  readonly trace: TraceEntry[];
  /** An equation could not be evaluated (its diagnostic is out). */
  readonly failed: boolean;
  readonly adjuster: PeriodAdjuster;
  /** What the period claims without the profile's intermediate roundings (when it has any), to check they never raise it. */
  readonly claimWithoutRounding: () => string | undefined;
  readonly intermediateRounding: readonly string[];
}

/** Formats a period-scope value for the trace: exact decimal, at most 12 decimals. */
export function show(value: BigNumber | boolean | number): string | boolean {
  if (typeof value === 'boolean') return value;
  return new Dec(value.toString()).toDecimalPlaces(12).toString();
}

const reader = (scope: PeriodScope) => (symbol: string) => {
  const x = scope.get(symbol);
  return isBigNumber(x) ? x.toString() : undefined;
};

export function runPeriod(calc: Calculation, rows: MergedRows, resultPeriod: Period, gwp: GwpBinding): PeriodOutcome {
  const { methodology, project } = calc;
  const scope = constantScope(calc, gwp);
  // Adjustments before later equations read a value: rounding as registered, the A/R small-scale cap.
  const adjuster = periodAdjuster(methodology, project);
  const adjustmentsOf = new Map<string, readonly TraceAdjustment[]>();
  const unroundedSums = new Map<string, string>();
  for (const [s, sum] of rows.sums) {
    unroundedSums.set(s, decimalFromFloat(sum.value).toString());
    const a = adjuster.adjust(s, unroundedSums.get(s)!, reader(scope));
    if (a.adjustments.length) adjustmentsOf.set(s, a.adjustments);
    scope.set(s, toBigNumber(a.value));
  }
  scope.set('n_rows', toBigNumber(rows.accepted));
  const span = calc.site.span(resultPeriod);
  scope.set('period_days', toBigNumber(new Dec(span.end - span.start).div(86_400_000).toString())); // exact: the length of [start, end) in days
  const intermediateRounding = intermediateRoundingKeys(methodology, project.rounding);
  const scopeBeforePeriod = intermediateRounding.length ? new Map(scope) : undefined;
  const trace = rowTrace(methodology, scope, rows, adjustmentsOf);
  const failed = !periodEquations(calc, scope, adjuster, trace);
  if (!failed) periodChecks(calc, scope);
  return {
    scope,
    trace,
    failed,
    adjuster,
    intermediateRounding,
    claimWithoutRounding: () =>
      scopeBeforePeriod && claimWithoutIntermediateRounding(methodology, project, scopeBeforePeriod, unroundedSums, intermediateRounding, gwp),
  };
}

/** The period scope's constants: project symbols, fixed parameters and the GWPs as exact decimals. */
function constantScope(calc: Calculation, gwp: GwpBinding): PeriodScope {
  const { methodology } = calc;
  const enumColumns = methodology.columns.filter((c) => c.meta.kind === 'enum');
  const scope: PeriodScope = new Map();
  for (const [symbol, value] of calc.scope.constants) {
    if (
      methodology.rowInputs.includes(symbol) ||
      methodology.rowEquations.some((e) => e.symbol === symbol) ||
      enumColumns.some((c) => symbol.startsWith(`${c.name}_`))
    )
      continue;
    const gas = methodology.gwpSymbols.get(symbol);
    scope.set(symbol, typeof value === 'boolean' ? value : toBigNumber(gas !== undefined ? gwp.values.get(gas)!.value : String(value)));
  }
  return scope;
}

/** The row equations in the trace: their period sums, and the constants they read. */
function rowTrace(
  methodology: Methodology,
  scope: PeriodScope,
  rows: MergedRows,
  adjustmentsOf: ReadonlyMap<string, readonly TraceAdjustment[]>,
): TraceEntry[] {
  const constants = (symbols: readonly string[]) =>
    Object.fromEntries(symbols.filter((s) => scope.has(s) && !rows.sums.has(s)).map((s) => [s, show(scope.get(s)!)]));
  return methodology.rowEquations.map((eq) => ({
    symbol: eq.symbol,
    expr: eq.expr,
    unit: eq.unit,
    ref: eq.ref,
    scope: 'row' as const,
    inputs: constants(eq.parsed.symbols),
    value: show(scope.get(eq.symbol)!),
    rows: rows.accepted,
    ...(adjustmentsOf.has(eq.symbol) ? { adjustments: adjustmentsOf.get(eq.symbol)! } : {}),
  }));
}

/** Runs the period equations into the scope and the trace; false (with a diagnostic) at the first that fails. */
function periodEquations(calc: Calculation, scope: PeriodScope, adjuster: PeriodAdjuster, trace: TraceEntry[]): boolean {
  const location = { file: calc.fileName };
  for (const eq of calc.methodology.periodEquations) {
    let v: BigNumber | boolean;
    try {
      v = eq.decimal!(scope);
    } catch (e) {
      const message = `Equation ${eq.symbol} (${eq.ref}) could not be evaluated for the period: ${(e as Error).message}.`;
      calc.diag({ severity: 'error', code: 'equation.error', message, location, ref: eq.ref });
      return false;
    }
    if (isBigNumber(v) && !v.isFinite()) {
      const message = `Equation ${eq.symbol} = ${eq.expr} (${eq.ref}) gives ${v.toString()} for the period; check its inputs.`;
      calc.diag({ severity: 'error', code: 'equation.non_finite', message, location, ref: eq.ref });
      return false;
    }
    const inputs = Object.fromEntries(eq.parsed.symbols.filter((s) => scope.has(s)).map((s) => [s, show(scope.get(s)!)]));
    const adjusted = isBigNumber(v) ? adjuster.adjust(eq.symbol, v.toString(), reader(scope)) : undefined;
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
  return true;
}

function periodChecks(calc: Calculation, scope: PeriodScope): void {
  const location = { file: calc.fileName };
  for (const check of calc.methodology.periodChecks) {
    let passed: unknown;
    try {
      passed = check.decimal!(scope);
    } catch (e) {
      const message = `Check ${check.id} (${check.ref}) could not be evaluated for the period: ${(e as Error).message}.`;
      calc.diag({ severity: 'error', code: 'equation.error', message, location, ref: check.ref });
      continue;
    }
    if (passed === true) continue;
    const severity = check.severity ?? 'error';
    const message = check.message.replace(/\{([A-Za-z][A-Za-z0-9_]*)\}/g, (m, name: string) => (scope.has(name) ? String(show(scope.get(name)!)) : m));
    calc.diag({ severity, code: 'period.check_failed', message: `${message} (check ${check.id}, ${check.ref}).`, location, ref: check.ref });
  }
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
  const read = reader(scope);
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
