import { z } from 'zod';
import type { Unit } from 'mathjs';
import { describeDimension, inferDimension, matchesUnit, parseUnit, type Dim } from '../units/units.ts';
import type { ColumnMeta } from './columns.ts';
import type { ParsedExpression } from '../expressions/sandbox.ts';
import { GASES, gasSymbol } from '../gases/gases.ts';
import type { Methodology, MethodologyDefinition } from './types.ts';

/**
 * Unit of a project parameter: `z.number().meta({ unit: 'tCO2/MWh' })`, or a description that ends
 * its unit in square brackets (the last such bracket): `.describe('Operating margin of the grid [tCO2/MWh]')`.
 */
export function projectFieldUnit(schema: z.ZodType): string | undefined {
  let s: z.ZodType | undefined = schema;
  while (s) {
    const meta = z.globalRegistry.get(s) as { unit?: unknown; description?: unknown } | undefined;
    if (typeof meta?.unit === 'string') return meta.unit;
    const bracket = typeof meta?.description === 'string' ? /\[([^\]]+)\][^[]*$/.exec(meta.description) : null;
    if (bracket) return bracket[1]!.trim();
    const def: { innerType?: z.ZodType } = (s as unknown as { _zod: { def: { innerType?: z.ZodType } } })._zod.def;
    s = def.innerType;
  }
  return undefined;
}

/**
 * Checks that every equation's units combine to its declared unit, that emission terms are masses
 * and that checks are true/false. Returns every problem, each naming the equation.
 */
export function checkUnits(
  definition: MethodologyDefinition,
  context: {
    columns: readonly { name: string; meta: ColumnMeta }[];
    projectSymbols: ReadonlyMap<string, { field: string; kind: string }>;
    gwpSymbols: ReadonlySet<string>;
    parsed: ReadonlyMap<string, ParsedExpression>; // by equation symbol or `check:<id>`
  },
): string[] {
  const problems: string[] = [];
  const units = new Map<string, Dim>();
  const declare = (symbol: string, unit: string, what: string) => {
    const p = parseUnit(unit);
    if (!p.ok) problems.push(`${what} ${symbol}: ${p.problem}`);
    else units.set(symbol, p.unit);
  };
  for (const c of context.columns) {
    if (c.meta.kind === 'number') declare(c.name, c.meta.unit, 'monitoring column');
    else if (c.meta.kind === 'boolean') units.set(c.name, 'bool');
    else if (c.meta.kind === 'enum') for (const v of c.meta.values ?? []) units.set(`${c.name}_${v.replace(/[^A-Za-z0-9]/g, '_')}`, 'bool');
  }
  const shape = definition.project.shape as Record<string, z.ZodType>;
  for (const [symbol, ps] of context.projectSymbols) {
    if (ps.kind !== 'number') {
      units.set(symbol, 'bool');
      continue;
    }
    const unit = projectFieldUnit(shape[ps.field]!);
    if (unit === undefined) problems.push(`project parameter ${ps.field} has no unit: declare it with .meta({ unit: '…', description: '…' })`);
    else declare(symbol, unit, 'project parameter');
  }
  for (const [name, p] of Object.entries(definition.parameters)) declare(name, p.unit, 'parameter');
  for (const g of context.gwpSymbols) units.set(g, null);
  units.set('n_rows', null);
  units.set('period_days', (parseUnit('day') as { unit: Unit }).unit);

  for (const eq of definition.equations) {
    const parsed = context.parsed.get(eq.symbol);
    const declared = parseUnit(eq.unit);
    if (!declared.ok) {
      problems.push(`equation ${eq.symbol} (${eq.ref}): ${declared.problem}`);
      continue;
    }
    if (parsed) {
      const r = inferDimension(parsed.tree, (s) => units.get(s));
      problems.push(...r.problems.map((p) => `equation ${eq.symbol} (${eq.ref}): ${p}`));
      if (!r.problems.length && !matchesUnit(r.dim, declared))
        problems.push(`equation ${eq.symbol} (${eq.ref}): ${eq.expr} gives ${describeDimension(r.dim)}, but the equation is declared in ${eq.unit}`);
    }
    units.set(eq.symbol, declared.unit);
  }
  const mass = parseUnit('t');
  for (const term of definition.emissions) {
    const u = units.get(term.symbol);
    if (u !== undefined && mass.ok && !matchesUnit(u, mass))
      problems.push(
        `emission term ${term.category} ${term.gas} (${term.symbol}) must be a mass (tonnes of ${term.gas}), but its unit is ${describeDimension(u)}`,
      );
  }
  for (const check of definition.checks ?? []) {
    const parsed = context.parsed.get(`check:${check.id}`);
    if (!parsed) continue;
    const r = inferDimension(parsed.tree, (s) => units.get(s));
    problems.push(...r.problems.map((p) => `check ${check.id} (${check.ref}): ${p}`));
    if (r.dim !== 'bool') problems.push(`check ${check.id} (${check.ref}): ${check.assert} is not a true/false condition`);
  }
  return problems;
}

/**
 * {@link checkUnits} on a compiled methodology (what `defineMethodology` runs, and what
 * test/unit/core/perf/units-checked.test.ts runs on every registered module for the build-time list).
 */
export function checkMethodologyUnits(m: Methodology): string[] {
  const parsed = new Map<string, ParsedExpression>([...m.rowEquations, ...m.periodEquations].map((e) => [e.symbol, e.parsed]));
  for (const c of [...m.rowChecks, ...m.periodChecks]) parsed.set(`check:${c.id}`, c.parsed);
  const gwpSymbols = new Set(GASES.map((g) => `GWP_${gasSymbol(g.id)}`));
  return checkUnits(m, { columns: m.columns, projectSymbols: m.projectSymbols, gwpSymbols, parsed });
}
