import { createHash } from 'node:crypto';
import { z } from 'zod';
import { MethodologyDefinitionError } from '../errors.ts';
import { findGas, gasSymbol, GASES } from '../gases/gases.ts';
import { columnsOf, type ColumnMeta } from './columns.ts';
import { absenceDefinitionProblems } from './absence.ts';
import { compileFloat, parseExpression, type ParsedExpression } from '../expressions/sandbox.ts';
import { compileDecimalClosures } from '../expressions/decimal.ts';
import type { CompiledCheck, CompiledEquation, Methodology, MethodologyDefinition, ProjectSymbol } from './types.ts';
import { buildTimeUnitChecks } from './unit-checks.ts';

/**
 * The unit checker (mathjs units), loaded unless this process relies on the build-time list of
 * unit-checked modules (the ingest Lambda; see ./unit-checks.ts).
 */
const unitChecker = buildTimeUnitChecks() ? undefined : (await import('./check-units.ts')).checkMethodologyUnits;

/** Symbols the engine provides in the period scope. */
export const PERIOD_BUILTINS = {
  n_rows: 'number of accepted monitoring rows in the period',
  period_days: 'length of the monitoring period in days (first and last day included)',
} as const;

// The types of a compiled methodology live in ./types.ts; re-exported here for existing importers.
export type { CompiledCheck, CompiledEquation, Methodology, ProjectSymbol } from './types.ts';

const KEBAB = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const SEMVER = /^\d+\.\d+\.\d+$/;
const SYMBOL = /^[A-Za-z][A-Za-z0-9_]*$/;

function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema as z.ZodType & { _zod: { def: { type: string; innerType?: z.ZodType } } };
  while (['optional', 'default', 'nullable', 'readonly', 'prefault'].includes(s._zod.def.type) && s._zod.def.innerType) s = s._zod.def.innerType as typeof s;
  return s;
}

function projectSymbolsOf(schema: z.ZodObject): Map<string, ProjectSymbol> {
  const out = new Map<string, ProjectSymbol>();
  for (const [field, raw] of Object.entries(schema.shape)) {
    const inner = unwrap(raw as z.ZodType) as z.ZodType & { _zod: { def: { type: string; entries?: Record<string, string> } } };
    const type = inner._zod.def.type;
    if (type === 'number' || type === 'int') out.set(field, { field, kind: 'number' });
    else if (type === 'boolean') out.set(field, { field, kind: 'boolean' });
    else if (type === 'enum' && inner._zod.def.entries)
      for (const option of Object.values(inner._zod.def.entries))
        out.set(`${field}_${String(option).replace(/[^A-Za-z0-9]/g, '_')}`, { field, kind: 'enum-flag', option: String(option) });
  }
  return out;
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

/**
 * A canonical description of a zod schema for the methodology hash: every zod type's definition
 * (`_zod.def`: type, shape, checks with their bounds and formats, inner types, enum entries, literal
 * values, defaults, …) and its registry metadata (description, unit, …), with functions left out.
 * Much cheaper than `z.toJSONSchema` (which this replaced; the hashes changed with it) and it also
 * sees what JSON Schema cannot represent.
 */
export function schemaFingerprint(schema: unknown): unknown {
  const seen = new Map<object, number>();
  const walk = (v: unknown): unknown => {
    if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
    if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
    if (typeof v === 'bigint') return `${v}n`;
    if (typeof v === 'function' || typeof v === 'symbol' || v === undefined) return undefined;
    if (v instanceof RegExp) return { regexp: String(v) };
    if (v instanceof Date) return { date: v.toISOString() };
    if (Array.isArray(v)) return v.map((x) => walk(x) ?? null);
    const o = v as Record<string, unknown>;
    if (seen.has(o)) return { ref: seen.get(o) };
    seen.set(o, seen.size);
    if ('_zod' in o && o._zod && typeof o._zod === 'object') {
      const meta = z.globalRegistry.get(o as unknown as z.ZodType);
      return { def: walk((o._zod as { def: unknown }).def), ...(meta ? { meta: walk(meta) } : {}) };
    }
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(o)) {
      const x = walk(o[k]);
      if (x !== undefined) out[k] = x;
    }
    return out;
  };
  return walk(schema);
}

/**
 * Checks a methodology definition once, at load, and returns it compiled and frozen. Every problem
 * is collected and reported together in one {@link MethodologyDefinitionError}:
 * id and version format; columns built with `column.*` and carrying units; the time column;
 * parameters with unit, source and a range that holds the value; every expression parses in the
 * locked-down mathjs and reads only declared symbols (columns, project fields, parameters, GWP
 * symbols, earlier equations); no symbol defined twice; emission terms name a known gas and a
 * period-scope symbol.
 *
 * @example
 * export default defineMethodology({ id: 'grid-renewable', version: '1.0.0', … });
 */
export function defineMethodology<P extends z.ZodObject, R extends z.ZodObject>(definition: MethodologyDefinition<P, R>): Methodology<P, R> {
  const key = `${definition.id}@${definition.version}`;
  const problems = identityProblems(definition);
  const columns = checkedColumns(definition, problems);
  const symbols = declaredSymbols(definition, columns, problems);
  const equations = compileEquations(definition, symbols, problems);
  const checks = compileChecks(definition, symbols, problems);
  problems.push(...referenceProblems(definition, columns, symbols.periodScope));
  if (problems.length) throw new MethodologyDefinitionError(key, problems);

  const methodology = Object.freeze({
    ...definition,
    key,
    hash: methodologyHash(definition, columns),
    columns,
    projectSymbols: symbols.projectSymbols,
    gwpSymbols: symbols.usedGwp,
    ...equations,
    ...checks,
    rowInputs: symbols.rowInputs,
  });
  // Units: checked here, or (ingest Lambda) checked at build time for exactly this content.
  if (unitChecker) problems.push(...unitChecker(methodology as unknown as Methodology));
  else if (buildTimeUnitChecks()!.get(key) !== methodology.hash)
    problems.push(
      `its units were not checked: this content (hash ${methodology.hash}) is not in the build-time list methodologies/units-checked.json; run MRV_UPDATE_UNITS_CHECKED=1 npx vitest run test/unit/core/perf/units-checked.test.ts, which checks every registered module and rewrites the list`,
    );
  if (problems.length) throw new MethodologyDefinitionError(key, problems);
  return methodology;
}

type AnyDefinition = MethodologyDefinition<z.ZodObject, z.ZodObject>;
type Column = { name: string; meta: ColumnMeta };

/** Id and version format, title, source document, mechanisms. */
function identityProblems(definition: AnyDefinition): string[] {
  const problems: string[] = [];
  if (!KEBAB.test(definition.id)) problems.push(`id "${definition.id}" must be kebab-case (lowercase letters, digits, hyphens)`);
  if (!SEMVER.test(definition.version)) problems.push(`version "${definition.version}" must be semver major.minor.patch`);
  if (!definition.title) problems.push('title is empty');
  if (!definition.source?.document || !definition.source.documentVersion) problems.push('source.document and source.documentVersion are required');
  if (!definition.mechanisms.length) problems.push('mechanisms must list at least one mechanism');
  return problems;
}

/** The monitoring columns built with `column.*` and carrying units; their absence policies; the time column. */
function checkedColumns(definition: AnyDefinition, problems: string[]): Column[] {
  const columns: Column[] = [];
  for (const { name, meta } of columnsOf(definition.monitoring)) {
    if (!meta) problems.push(`monitoring column ${name} is not built with column.* (its unit and kind are unknown)`);
    else if (!meta.unit) problems.push(`monitoring column ${name} has no unit`);
    else columns.push({ name, meta });
    if (!SYMBOL.test(name)) problems.push(`monitoring column ${name} is not a valid symbol (letters, digits, _; starts with a letter)`);
  }
  problems.push(...absenceDefinitionProblems(columns, definition.sources as never));
  const timeMeta = columns.find((c) => c.name === definition.timeColumn)?.meta;
  if (!timeMeta) problems.push(`timeColumn ${definition.timeColumn} is not a monitoring column`);
  else if (timeMeta.kind !== 'timestamp') problems.push(`timeColumn ${definition.timeColumn} must be a column.timestamp`);
  return columns;
}

/** The symbols a definition declares, and the scopes its expressions read from (equations extend them). */
interface DeclaredSymbols {
  /** Records a symbol's definition; a second definition of the same symbol is a problem. */
  readonly define: (symbol: string, what: string) => void;
  readonly rowInputs: string[];
  readonly projectSymbols: Map<string, ProjectSymbol>;
  readonly rowScope: Set<string>;
  readonly periodScope: Set<string>;
  /** GWP symbols (`GWP_CH4`) by gas id, and those the expressions read. */
  readonly gwpSymbols: ReadonlyMap<string, string>;
  readonly usedGwp: Map<string, string>;
}

const enumFlag = (column: string, value: string) => `${column}_${value.replace(/[^A-Za-z0-9]/g, '_')}`;

/** Declares columns, enum flags, project parameters, fixed parameters (checking each) and the built-ins, in that order. */
function declaredSymbols(definition: AnyDefinition, columns: readonly Column[], problems: string[]): DeclaredSymbols {
  const defined = new Map<string, string>(); // symbol → what defines it
  const define = (symbol: string, what: string) => {
    const previous = defined.get(symbol);
    if (previous) problems.push(`symbol ${symbol} is defined twice (${previous} and ${what})`);
    else defined.set(symbol, what);
  };
  const rowInputs: string[] = [];
  for (const c of columns) {
    if (c.meta.kind === 'number' || c.meta.kind === 'boolean') {
      define(c.name, 'monitoring column');
      rowInputs.push(c.name);
    } else if (c.meta.kind === 'enum') {
      for (const v of c.meta.values ?? []) define(enumFlag(c.name, v), `flag of monitoring column ${c.name}`);
    }
  }
  const projectSymbols = projectSymbolsOf(definition.project);
  for (const s of projectSymbols.keys()) define(s, 'project parameter');
  for (const [name, p] of Object.entries(definition.parameters)) {
    define(name, 'fixed parameter');
    problems.push(...parameterProblems(name, p));
  }
  const gwpSymbols = new Map<string, string>();
  for (const gas of GASES) gwpSymbols.set(`GWP_${gasSymbol(gas.id)}`, gas.id);

  const rowScope = new Set<string>([...rowInputs, ...projectSymbols.keys(), ...Object.keys(definition.parameters)]);
  for (const c of columns) if (c.meta.kind === 'enum') for (const v of c.meta.values ?? []) rowScope.add(enumFlag(c.name, v));
  const periodScope = new Set<string>([
    ...rowInputs.filter((n) => columns.find((c) => c.name === n)?.meta.kind === 'number'),
    ...projectSymbols.keys(),
    ...Object.keys(definition.parameters),
    ...Object.keys(PERIOD_BUILTINS),
  ]);
  for (const b of Object.keys(PERIOD_BUILTINS)) define(b, 'engine built-in');
  return { define, rowInputs, projectSymbols, rowScope, periodScope, gwpSymbols, usedGwp: new Map() };
}

function parameterProblems(name: string, p: AnyDefinition['parameters'][string]): string[] {
  const problems: string[] = [];
  if (!SYMBOL.test(name)) problems.push(`parameter ${name} is not a valid symbol`);
  if (!p.unit) problems.push(`parameter ${name} has no unit`);
  if (!p.source || p.source.length < 5) problems.push(`parameter ${name} has no source (cite the document and table)`);
  if (!Array.isArray(p.range) || p.range.length !== 2 || !(p.range[0] <= p.range[1])) problems.push(`parameter ${name} has no valid range [min, max]`);
  else if (!(p.value >= p.range[0] && p.value <= p.range[1]))
    problems.push(`parameter ${name} = ${p.value} is outside its range [${p.range[0]}, ${p.range[1]}]`);
  return problems;
}

const ROW_SCOPE = 'in the row scope (monitoring columns, project parameters, fixed parameters, earlier row equations)';
const PERIOD_SCOPE =
  'in the period scope (period sums of numeric columns and row equations, project and fixed parameters, earlier period equations, n_rows, period_days)';

/** Every symbol an expression reads is declared in its scope (GWP symbols are recorded as used). */
function checkSymbols(symbols: DeclaredSymbols, what: string, parsed: ParsedExpression, scope: Set<string>, problems: string[]): void {
  for (const s of parsed.symbols) {
    const gas = symbols.gwpSymbols.get(s);
    if (gas !== undefined) symbols.usedGwp.set(s, gas);
    else if (!scope.has(s)) problems.push(`${what} reads ${s}, which is not declared ${scope === symbols.rowScope ? ROW_SCOPE : PERIOD_SCOPE}`);
  }
}

/** Parses, checks and compiles every equation in order: row equations to float, period equations to decimal closures. */
function compileEquations(
  definition: AnyDefinition,
  symbols: DeclaredSymbols,
  problems: string[],
): { rowEquations: CompiledEquation[]; periodEquations: CompiledEquation[] } {
  const rowEquations: CompiledEquation[] = [];
  const periodEquations: CompiledEquation[] = [];
  for (const eq of definition.equations) {
    const what = `equation ${eq.symbol} (${eq.ref})`;
    if (!SYMBOL.test(eq.symbol)) problems.push(`${what}: symbol is not valid`);
    if (!eq.unit) problems.push(`${what}: no unit`);
    if (!eq.ref) problems.push(`${what}: no reference to the source document`);
    symbols.define(eq.symbol, `${eq.scope} equation`);
    const result = parseExpression(eq.expr);
    if (!result.ok) {
      problems.push(...result.problems.map((p) => `${what}: ${p}`));
      continue;
    }
    if (eq.scope === 'row') {
      checkSymbols(symbols, what, result.parsed, symbols.rowScope, problems);
      symbols.rowScope.add(eq.symbol);
      symbols.periodScope.add(eq.symbol);
      rowEquations.push({ ...eq, parsed: result.parsed, float: compileFloat(result.parsed) });
    } else {
      checkSymbols(symbols, what, result.parsed, symbols.periodScope, problems);
      symbols.periodScope.add(eq.symbol);
      const decimal = compileDecimalClosures(result.parsed);
      if (!decimal.ok) problems.push(...decimal.problems.map((p) => `${what}: ${p}`));
      else periodEquations.push({ ...eq, parsed: result.parsed, decimal: decimal.evaluate });
    }
  }
  return { rowEquations, periodEquations };
}

/** Parses, checks and compiles every check: row checks to float, period checks to decimal closures. */
function compileChecks(definition: AnyDefinition, symbols: DeclaredSymbols, problems: string[]): { rowChecks: CompiledCheck[]; periodChecks: CompiledCheck[] } {
  const rowChecks: CompiledCheck[] = [];
  const periodChecks: CompiledCheck[] = [];
  for (const check of definition.checks ?? []) {
    const what = `check ${check.id}`;
    const result = parseExpression(check.assert);
    if (!result.ok) {
      problems.push(...result.problems.map((p) => `${what}: ${p}`));
      continue;
    }
    if (check.scope === 'row') {
      checkSymbols(symbols, what, result.parsed, symbols.rowScope, problems);
      rowChecks.push({ ...check, parsed: result.parsed, float: compileFloat(result.parsed) });
    } else {
      checkSymbols(symbols, what, result.parsed, symbols.periodScope, problems);
      // A period check's message may name period values as {symbol} (e.g. both figures of a meter comparison).
      for (const [, name] of check.message.matchAll(/\{([A-Za-z][A-Za-z0-9_]*)\}/g))
        if (!symbols.periodScope.has(name!)) problems.push(`${what}: message placeholder {${name}} is not a period-scope symbol`);
      const decimal = compileDecimalClosures(result.parsed);
      if (!decimal.ok) problems.push(...decimal.problems.map((p) => `${what}: ${p}`));
      else periodChecks.push({ ...check, parsed: result.parsed, decimal: decimal.evaluate });
    }
  }
  return { rowChecks, periodChecks };
}

/** Emission terms, the monitoring item column, the small-scale cap, credits and applicability conditions name what exists. */
function referenceProblems(definition: AnyDefinition, columns: readonly Column[], periodScope: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  if (!definition.emissions.length) problems.push('emissions must list at least one BE, PE or LE term');
  if (definition.monitoringItemColumn && !columns.some((c) => c.name === definition.monitoringItemColumn))
    problems.push(`monitoringItemColumn ${definition.monitoringItemColumn} is not a monitoring column`);
  const ssc = definition.smallScaleCap;
  if (ssc?.kind === 'ar-small-scale') {
    if (!definition.equations.some((e) => e.scope === 'period' && e.symbol === ssc.symbol))
      problems.push(`smallScaleCap.symbol ${ssc.symbol} is not a period equation`);
    if (!periodScope.has(ssc.years)) problems.push(`smallScaleCap.years ${ssc.years} is not a period-scope symbol`);
  }
  if (definition.credits) {
    if (!periodScope.has(definition.credits.symbol)) problems.push(`credits.symbol ${definition.credits.symbol} is not a period-scope symbol`);
    if (definition.credits.typeParameter && !(definition.credits.typeParameter in definition.project.shape))
      problems.push(`credits.typeParameter ${definition.credits.typeParameter} is not a project parameter`);
  }
  for (const term of definition.emissions) {
    if (!findGas(term.gas)) problems.push(`emission term ${term.symbol}: unknown gas ${term.gas}`);
    if (!periodScope.has(term.symbol))
      problems.push(
        `emission term ${term.category} ${term.gas}: ${term.symbol} is not a period-scope symbol (a numeric column, a row equation summed over the period, or a period equation)`,
      );
  }
  for (const cond of definition.applicability)
    if (!KEBAB.test(cond.id) || !cond.ref) problems.push(`applicability condition "${cond.id}" needs a kebab-case id and a ref`);
  return problems;
}

/** SHA-256 of the canonical declarative content (what the ledger pins a module version by). */
function methodologyHash(definition: AnyDefinition, columns: readonly Column[]): string {
  return createHash('sha256')
    .update(
      canonical({
        id: definition.id,
        version: definition.version,
        title: definition.title,
        source: definition.source,
        mechanisms: definition.mechanisms,
        tags: definition.tags ?? [],
        applicability: definition.applicability.map(({ id, ref, description }) => ({ id, ref, description })),
        project: schemaFingerprint(definition.project),
        columns,
        ...(definition.sources
          ? {
              sources: Object.fromEntries(
                Object.entries(definition.sources).map(([id, src]) => [
                  id,
                  { description: src.description, decidedByParameters: src.notAtSiteWhen !== undefined },
                ]),
              ),
            }
          : {}),
        timeColumn: definition.timeColumn,
        ...(definition.timestampMarks ? { timestampMarks: definition.timestampMarks } : {}),
        parameters: definition.parameters,
        equations: definition.equations,
        emissions: definition.emissions,
        checks: definition.checks ?? [],
        monitoringIntervalMinutes: definition.monitoringIntervalMinutes ?? null,
        monitoringIntervalMonths: definition.monitoringIntervalMonths ?? null,
        monitoringItemColumn: definition.monitoringItemColumn ?? null,
        gapPolicy: definition.gapPolicy ?? null,
        credits: definition.credits ?? null,
        ...(definition.smallScaleCap ? { smallScaleCap: definition.smallScaleCap } : {}),
      }),
    )
    .digest('hex');
}
