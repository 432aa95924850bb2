import { findGas } from '../gases/gases.ts';
import { create, createUnitDependencies, unitDependencies, multiplyDependencies, divideDependencies, powDependencies, type MathNode, type Unit } from 'mathjs';

/**
 * Units of columns, parameters and equations, checked with mathjs units (a private instance that
 * methodology expressions never see). Custom units:
 *
 * - `tCO2e`, `tCO2`, `tCH4`, `tNF3`, … and their `kg`/`g` forms are **mass**: the engine converts tonnes
 *   of a gas to tCO2e with the GWP in force, so GWPs are dimensionless here;
 * - `Nm3` is a cubic metre at normal conditions (0 °C, 101.325 kPa; CDM TOOL08): volume;
 * - `ha` (hectare), `head` (animals), `USD`;
 * - `1`, `-`, `fraction`, `ratio` are dimensionless; `%` is 0.01;
 * - `°C` and `degC` are treated as kelvin: methodology equations use temperature *differences*.
 *
 * Unit strings are written as in the methodology documents: `tCO2/MWh`, `W/m2`, `kg/Nm3`, `GJ/t`.
 */
const math = create({ createUnitDependencies, unitDependencies, multiplyDependencies, divideDependencies, powDependencies } as unknown as Parameters<
  typeof create
>[0]);

const GAS_UNITS = ['CO2e', 'CO2', 'CH4', 'N2O', 'SF6', 'NF3', 'CF4', 'C2F6', 'C3F8', 'C4F8', 'CHF3', 'HFC', 'PFC', 'C'];
const custom: Record<string, string> = { Nm3: '1 m^3', ha: '10000 m^2', percent_: '0.01' };
math.createUnit('head', { aliases: ['heads', 'animal', 'animals'] });
math.createUnit('USD');
math.createUnit('Nm3', custom.Nm3!);
math.createUnit('ha', custom.ha!);
for (const gas of GAS_UNITS) {
  math.createUnit(`t${gas}`, '1 t');
  math.createUnit(`kg${gas}`, '1 kg');
  math.createUnit(`g${gas}`, '1 g');
}

const DIMENSIONLESS = new Set(['1', '-', '', 'fraction', 'ratio', 'dimensionless']);

export type ParsedUnit = { readonly ok: true; readonly unit: Unit | null; readonly scale: number } | { readonly ok: false; readonly problem: string };

/** Parses a unit as written in a methodology (`tCO2/MWh`, `W/m2`, `%`); `unit: null` = dimensionless. */
export function parseUnit(text: string): ParsedUnit {
  const t = text.trim();
  if (DIMENSIONLESS.has(t)) return { ok: true, unit: null, scale: 1 };
  if (t === '%') return { ok: true, unit: null, scale: 0.01 };
  const normalised = t
    // "kg CF4/kg c-C4F8", "t NF3", "tCO2": the gas names what is weighed; the dimension is mass.
    .replace(/\b(Gg|Mg|kg|g|t) ?([A-Za-z][A-Za-z0-9-]*)/g, (all, mass: string, what: string) =>
      findGas(what) || findGas(what.replace(/^c(?=[A-Z])/, 'c-')) || what === 'CO2e' ? mass : all,
    )
    .replace(/Nm(³|\^3)/g, 'Nm3')
    // Substance qualifiers ("m³ CH4/kg VS", "t d.m./ha") name what is measured, not a dimension.
    .replace(/\s+(VS|d\.m\.|dm|steam|biogas|LFG|C)(?=[\s/)*]|$)/g, '')
    .replace(/(m³|m3|m\^3)\s+(CH4|CO2|biogas|LFG)\b/g, '$1')
    .replace(/²/g, '^2')
    .replace(/³/g, '^3')
    .replace(/\b(k?g|t) (CO2e|CO2|CH4|N2O|SF6|NF3|CF4|C2F6|C3F8|C4F8|CHF3|HFC|PFC|C)\b/g, '$1$2')
    .replace(/°C|degC/g, 'K')
    .replace(/\b(k?m|cm|mm)([23])\b/g, '$1^$2')
    .replace(/·/g, ' ')
    .replace(/\/yr\b/g, '/year');
  try {
    const u = math.unit(1, normalised) as unknown as Unit;
    return { ok: true, unit: u, scale: 1 };
  } catch {
    return { ok: false, problem: `unit "${text}" is not known` };
  }
}

// Units stated in an uploaded file are converted by core/units/exact.ts (exact rational factors, a
// closed list of units), never here: this module's units are for checking methodology definitions.

/** A dimension: a unit with value 1, or null for dimensionless; `bool` for comparisons. */
type Dim = Unit | null | 'bool' | 'num';

function describe(d: Dim): string {
  if (d === null || d === 'num') return 'dimensionless';
  if (d === 'bool') return 'true/false';
  const simple = (d as Unit & { simplify?: () => Unit }).simplify?.() ?? d;
  return simple.formatUnits() || 'dimensionless';
}

/** A bare number literal takes the unit of what it is added to or compared with (`T_flare > 500`, `1 - eta`). */
function same(a: Dim, b: Dim): boolean {
  if (a === 'num' || b === 'num') return a !== 'bool' && b !== 'bool';
  if (a === 'bool' || b === 'bool') return a === b;
  if (a === null || b === null) return (a === null || a.dimensions.every((x) => x === 0)) && (b === null || b.dimensions.every((x) => x === 0));
  return a.equalBase(b);
}

const plain = (d: Dim): Unit | null => (d === 'num' || d === 'bool' ? null : d);
/** mathjs returns a plain number when units cancel (t / t): that is dimensionless. */
const asUnit = (x: unknown): Unit | null => (x !== null && typeof x === 'object' && 'dimensions' in x ? (x as Unit) : null);
const mul = (x: Dim, y: Dim): Unit | null => {
  const a = plain(x);
  const b = plain(y);
  return a === null ? b : b === null ? a : asUnit(math.multiply(a, b));
};
const div = (x: Dim, y: Dim): Unit | null => {
  const a = plain(x);
  const b = plain(y);
  return b === null ? a : a === null ? asUnit(math.pow(b, -1)) : asUnit(math.divide(a, b));
};
/** Of two operands that must agree, the one that carries the unit (a literal adopts the other's). */
const pick = (a: Dim, b: Dim): Dim => (a === 'num' ? b : a);

/** The fields of a mathjs node that dimension inference reads. */
interface NodeFields {
  type: string;
  name?: string;
  value?: unknown;
  fn?: string | { name: string };
  op?: string;
  args?: MathNode[];
  content?: MathNode;
  condition?: MathNode;
  trueExpr?: MathNode;
  falseExpr?: MathNode;
}

/** `a ^ exponent`: a unit to a constant power; a non-constant power of a dimensional quantity is a problem. */
function powerDim(n: MathNode, a: Dim, exponent: MathNode, problems: string[]): Dim {
  if (a === null || a === 'num') return a;
  const e = Number((exponent as unknown as { value?: unknown }).value);
  if (exponent.type !== 'ConstantNode' || !Number.isFinite(e)) {
    problems.push(`"${n.toString()}" raises ${describe(a)} to a non-constant power`);
    return a;
  }
  return a === 'bool' ? null : asUnit(math.pow(a, e));
}

const COMPARISONS = new Set(['larger', 'largerEq', 'smaller', 'smallerEq', 'equal', 'unequal']);

/** An operator node, from the dimensions of its operands. */
function operatorDim(n: MathNode, fn: string, args: Dim[], argNodes: readonly MathNode[], problems: string[]): Dim {
  const [a, b] = args as [Dim, Dim];
  switch (fn) {
    case 'add':
    case 'subtract':
      if (!same(a, b)) problems.push(`"${n.toString()}" ${fn === 'add' ? 'adds' : 'subtracts'} ${describe(b)} ${fn === 'add' ? 'to' : 'from'} ${describe(a)}`);
      return pick(a, b);
    case 'multiply':
      return a === 'num' && b === 'num' ? 'num' : mul(a, b);
    case 'divide':
      return a === 'num' && b === 'num' ? 'num' : div(a, b);
    case 'pow':
      return powerDim(n, a, argNodes[1]!, problems);
    case 'unaryMinus':
    case 'unaryPlus':
      return a;
    default:
      if (COMPARISONS.has(fn) && !same(a, b)) problems.push(`"${n.toString()}" compares ${describe(a)} with ${describe(b)}`);
      return 'bool';
  }
}

/** A function call, from the dimensions of its arguments. */
function functionDim(n: MathNode, name: string, args: Dim[], problems: string[]): Dim {
  if (name === 'min' || name === 'max') {
    for (const x of args.slice(1)) if (!same(args[0]!, x)) problems.push(`${name}() of different units in "${n.toString()}"`);
    return args.reduce<Dim>((acc, x) => pick(acc, x), 'num');
  }
  if (name === 'sqrt') return args[0] === null || args[0] === 'bool' || args[0] === 'num' || args[0] === undefined ? null : asUnit(math.pow(args[0], 0.5));
  if (name === 'exp' || name === 'log' || name === 'pow') {
    for (const x of args) if (!same(x, null)) problems.push(`${name}() needs dimensionless arguments in "${n.toString()}"`);
    return null;
  }
  return args[0] ?? null; // abs, floor, ceil, round keep the unit
}

/**
 * Infers the dimension of an expression from the units of its symbols, statically (both branches of
 * a conditional are checked). Returns problems in plain words: adding MWh to t, comparing t with a
 * number, `exp` of a dimensional quantity, and so on.
 */
export function inferDimension(node: MathNode, unitOf: (symbol: string) => Dim | undefined): { dim: Dim; problems: string[] } {
  const problems: string[] = [];
  const visit = (n: MathNode): Dim => {
    const any = n as unknown as NodeFields;
    switch (any.type) {
      case 'ConstantNode':
        return typeof any.value === 'boolean' ? 'bool' : 'num';
      case 'SymbolNode': {
        const u = unitOf(any.name!);
        return u === undefined ? null : u;
      }
      case 'ParenthesisNode':
        return visit(any.content!);
      case 'ConditionalNode': {
        visit(any.condition!);
        const a = visit(any.trueExpr!);
        const b = visit(any.falseExpr!);
        if (!same(a, b)) problems.push(`the branches of "${n.toString()}" have different units (${describe(a)} and ${describe(b)})`);
        return pick(a, b);
      }
      case 'OperatorNode':
        return operatorDim(n, any.fn as string, any.args!.map(visit), any.args!, problems);
      case 'FunctionNode':
        return functionDim(n, (any.fn as { name: string }).name, any.args!.map(visit), problems);
      default:
        return null;
    }
  };
  const dim = visit(node);
  return { dim, problems };
}

/** True when `dim` has the dimension of the declared unit. */
export function matchesUnit(dim: Dim, declared: ParsedUnit & { ok: true }): boolean {
  if (dim === 'num') return true; // a bare literal (LE_y = 0) is valid in any unit
  return same(dim, declared.unit);
}

export { describe as describeDimension };
export type { Dim };
