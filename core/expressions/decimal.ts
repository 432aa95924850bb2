import Decimal from 'decimal.js';
import { checkedTree, type ParsedExpression } from './sandbox.ts';
import { unreachable, type BinaryOperator, type Expr, type FunctionName, type UnaryOperator } from './tree.ts';

// Decimal compilation: period-scope equations without a mathjs BigNumber instance.

/**
 * The period-scope decimal: decimal.js with the configuration of a mathjs BigNumber instance with
 * `precision: 34` (mathjs: `Decimal.clone({ precision, modulo: Decimal.EUCLID })`; rounding half up,
 * decimal.js's default).
 */
export const PeriodDecimal = Decimal.clone({ precision: 34, modulo: Decimal.EUCLID });
/** A period-scope decimal value (34 significant digits). */
export type BigNumber = Decimal;
export const toBigNumber = (value: string | number): BigNumber => new PeriodDecimal(typeof value === 'number' ? String(value) : value);
export const isBigNumber = (x: unknown): x is BigNumber => Decimal.isDecimal(x);

/** A compiled expression in decimal: evaluate with a Map of symbol → BigNumber | boolean. */
export type DecimalEvaluator = (scope: Map<string, BigNumber | boolean>) => BigNumber | boolean;

type DecValue = Decimal | boolean;
type DecClosure = (scope: ReadonlyMap<string, DecValue>) => DecValue;

/** mathjs config defaults (core/config.js): relTol 1e-12, absTol 1e-15; `toExponent(relTol)` = 12. */
const REL_TOL = 1e-12;
const ABS_TOL = 1e-15;
const EPSILON_DECIMALS = 12;

/** mathjs utils/bignumber/nearlyEqual.js. */
function bigNearlyEqual(a: Decimal, b: Decimal): boolean {
  if (a.isNaN() || b.isNaN()) return false;
  if (!a.isFinite() || !b.isFinite()) return a.eq(b);
  if (a.eq(b)) return true;
  const D = a.constructor as typeof Decimal;
  return a
    .minus(b)
    .abs()
    .lte(D.max(D.max(a.abs(), b.abs()).mul(REL_TOL), ABS_TOL));
}

/** typed-function's boolean → BigNumber conversion (mathjs converts mixed operands to BigNumber). */
const dec = (x: DecValue): Decimal => (typeof x === 'boolean' ? new PeriodDecimal(x ? 1 : 0) : x);
/** mathjs `and`/`or`/`not` on BigNumbers and booleans: zero and NaN are false. */
const truthy = (x: DecValue): boolean => (typeof x === 'boolean' ? x : !x.isZero() && !x.isNaN());

/** mathjs round(BigNumber): first to relTol decimals when that is "nearly equal", then to 0 decimals. */
function bigRound(x: Decimal, n = 0): Decimal {
  if (n >= EPSILON_DECIMALS) return x.toDecimalPlaces(n);
  const xEpsilon = x.toDecimalPlaces(EPSILON_DECIMALS);
  return (bigNearlyEqual(x, xEpsilon) ? xEpsilon : x).toDecimalPlaces(n);
}
/** mathjs floor/ceil(BigNumber): the rounded value when x is indistinguishable from it (floor.js). */
function bigFloorCeil(x: Decimal, up: boolean): Decimal {
  const f = up ? x.ceil() : x.floor();
  const r = bigRound(x);
  if (f.eq(r)) return f;
  if (bigNearlyEqual(x, r) && !bigNearlyEqual(x, f)) return r;
  return f;
}
const larger = (x: DecValue, y: DecValue): boolean => {
  const a = dec(x);
  const b = dec(y);
  return a.gt(b) && !bigNearlyEqual(a, b);
};
const smaller = (x: DecValue, y: DecValue): boolean => {
  const a = dec(x);
  const b = dec(y);
  return a.lt(b) && !bigNearlyEqual(a, b);
};
/** mathjs statistics/max.js / min.js `_max`: NaN wins, else the largest (the operand itself). */
function extreme(values: DecValue[], better: (x: DecValue, y: DecValue) => boolean): DecValue {
  let res: DecValue | undefined;
  for (const v of values) {
    if (typeof v !== 'boolean' && v.isNaN()) res = v;
    else if (res === undefined || better(v, res)) res = v;
  }
  return res!;
}
/** mathjs pow(BigNumber, BigNumber): decimal.js pow when the exponent is an integer or the base ≥ 0; else mathjs gives a Complex (here NaN, which the engine reports as non-finite). */
function bigPow(x: Decimal, y: Decimal): Decimal {
  if (y.isInteger() || x.gte(0)) return x.pow(y);
  return new PeriodDecimal(NaN);
}
const NAN = new PeriodDecimal(NaN);
const bigLog = (x: Decimal): Decimal => (x.isNegative() ? NAN : x.ln()); // mathjs: Complex for x < 0 (and for −0)

const UNARY: Record<UnaryOperator, (a: DecClosure) => DecClosure> = {
  unaryMinus: (a) => (s) => dec(a(s)).neg(),
  unaryPlus: (a) => (s) => dec(a(s)),
  not: (a) => (s) => !truthy(a(s)),
};

const BINARY: Record<BinaryOperator, (a: DecClosure, b: DecClosure) => DecClosure> = {
  add: (a, b) => (s) => dec(a(s)).plus(dec(b(s))),
  subtract: (a, b) => (s) => dec(a(s)).minus(dec(b(s))),
  multiply: (a, b) => (s) => dec(a(s)).times(dec(b(s))),
  divide: (a, b) => (s) => dec(a(s)).div(dec(b(s))),
  pow: (a, b) => (s) => bigPow(dec(a(s)), dec(b(s))),
  larger: (a, b) => (s) => larger(a(s), b(s)),
  smaller: (a, b) => (s) => smaller(a(s), b(s)),
  largerEq: (a, b) => (s) => {
    const x = dec(a(s));
    const y = dec(b(s));
    return x.gte(y) || bigNearlyEqual(x, y);
  },
  smallerEq: (a, b) => (s) => {
    const x = dec(a(s));
    const y = dec(b(s));
    return x.lte(y) || bigNearlyEqual(x, y);
  },
  equal: (a, b) => (s) => bigNearlyEqual(dec(a(s)), dec(b(s))),
  unequal: (a, b) => (s) => !bigNearlyEqual(dec(a(s)), dec(b(s))),
  and: (a, b) => (s) => {
    const x = a(s);
    const y = b(s);
    return truthy(x) && truthy(y);
  },
  or: (a, b) => (s) => {
    const x = a(s);
    const y = b(s);
    return truthy(x) || truthy(y);
  },
};

/** A function of one decimal; `takes` names its arity in the problem when called otherwise. */
const oneArgument =
  (f: (x: Decimal) => Decimal, takes = '1 argument') =>
  (args: DecClosure[], problems: string[], name: string): DecClosure => {
    if (args.length !== 1) problems.push(`${name}() takes ${takes}`);
    const a = args[0]!;
    return (s) => f(dec(a(s)));
  };
const extremeOf =
  (better: (x: DecValue, y: DecValue) => boolean) =>
  (args: DecClosure[], problems: string[], name: string): DecClosure => {
    if (!args.length) problems.push(`${name}() needs at least one argument`);
    return (s) =>
      extreme(
        args.map((a) => a(s)),
        better,
      );
  };

const CALLS: Record<FunctionName, (args: DecClosure[], problems: string[], name: string) => DecClosure> = {
  min: extremeOf(smaller),
  max: extremeOf(larger),
  abs: oneArgument((x) => x.abs()),
  floor: oneArgument((x) => bigFloorCeil(x, false)),
  ceil: oneArgument((x) => bigFloorCeil(x, true)),
  sqrt: oneArgument((x) => (x.isNegative() && !x.isZero() ? NAN : x.sqrt())), // mathjs: Complex for x < 0
  exp: oneArgument((x) => x.exp()),
  round: (args, problems, name) => {
    if (args.length !== 2) return oneArgument((x) => bigRound(x), '1 argument (or 2)')(args, problems, name);
    const [a, b] = args as [DecClosure, DecClosure];
    return (s) => {
      const x = dec(a(s));
      const digits = dec(b(s));
      if (!digits.isInteger()) throw new TypeError('Number of decimals in function round must be an integer');
      return bigRound(x, digits.toNumber());
    };
  },
  log: (args, problems, name) => {
    if (args.length !== 2) return oneArgument(bigLog, '1 argument (or 2)')(args, problems, name);
    const [a, b] = args as [DecClosure, DecClosure];
    return (s) => bigLog(dec(a(s))).div(bigLog(dec(b(s))));
  },
  pow: (args, problems) => {
    if (args.length !== 2) problems.push('pow() takes 2 arguments');
    const [a, b] = args as [DecClosure, DecClosure];
    return (s) => bigPow(dec(a(s)), dec(b(s)));
  },
};

/** Numeric literals of an expression as written (mathjs BigNumber mode parses them from their text). */
const NUMBER_LITERAL = /(?<![A-Za-z0-9_.])(?:0[xXbBoO][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)/g;

/** The decimal of each float literal, from its text: the number parser keeps the float, the decimal needs the text. */
function literalDecimals(expr: string, problems: string[]): (v: number) => Decimal {
  const literals = new Map<number, Set<string>>();
  for (const m of expr.matchAll(NUMBER_LITERAL)) {
    const text = m[0];
    const v = Number(text);
    if (Number.isNaN(v)) continue;
    const set = literals.get(v) ?? new Set<string>();
    set.add(/^0[xXbBoO]/.test(text) ? String(v) : text);
    literals.set(v, set);
  }
  return (v) => {
    const texts = [...(literals.get(v) ?? [])].map((t) => new PeriodDecimal(t));
    if (texts.length > 1 && texts.some((d) => !d.eq(texts[0]!)))
      problems.push(`the literals ${[...literals.get(v)!].join(' and ')} are the same binary number; write them with at most 15 significant digits`);
    return texts[0] ?? new PeriodDecimal(v);
  };
}

interface DecimalBuild {
  readonly problems: string[];
  readonly constant: (v: number) => Decimal;
}

function build(e: Expr, c: DecimalBuild): DecClosure {
  switch (e.kind) {
    case 'constant': {
      const v = typeof e.value === 'boolean' ? e.value : c.constant(e.value);
      return () => v;
    }
    case 'parenthesis':
      return build(e.content, c);
    case 'symbol': {
      const name = e.name;
      return (scope) => {
        const v = scope.get(name);
        if (v === undefined) throw new Error(`Undefined symbol ${name}`);
        return v;
      };
    }
    case 'conditional': {
      const cond = build(e.condition, c);
      const t = build(e.whenTrue, c);
      const f = build(e.whenFalse, c);
      return (s) => {
        const v = cond(s);
        return (typeof v === 'boolean' ? v : !v.isZero()) ? t(s) : f(s);
      };
    }
    case 'unary':
      return UNARY[e.op](build(e.arg, c));
    case 'binary':
      return BINARY[e.op](build(e.left, c), build(e.right, c));
    case 'call':
      return CALLS[e.name](
        e.args.map((a) => build(a, c)),
        c.problems,
        e.name,
      );
    default:
      return unreachable(e);
  }
}

/**
 * Compiles an expression that passed `parseExpression` into closures over decimal.js with the
 * semantics mathjs's BigNumber instance (`number: 'BigNumber', precision: 34`) gives it:
 *
 * - literals are decimals from their text (`0.1` is exactly 1/10); symbols are read from the scope
 *   (`Undefined symbol X` when absent, as mathjs);
 * - `+ − × ÷`, unary ±: `plus`, `minus`, `times`, `div`, `neg` at 34 digits; `^`/`pow`: `pow` when
 *   the exponent is an integer or the base ≥ 0;
 * - comparisons: `gt`/`lt`/`gte`/`lte` with mathjs's relTol 1e-12 / absTol 1e-15 "nearly equal";
 * - `and`, `or`, `not`: zero and NaN are false; `a ? b : c`: a decimal condition is true unless zero;
 * - `min`/`max` return the chosen operand (NaN wins); `abs`, `floor`, `ceil`, `round` (with mathjs's
 *   round-off correction), `round(x, n)`, `sqrt`, `exp`, `log`, `log(x, base)`;
 * - booleans meeting a decimal in arithmetic or comparison count as 0/1 (typed-function's
 *   boolean → BigNumber conversion).
 *
 * Deliberate differences, only where mathjs's result is not a real number the engine can use:
 * `sqrt`/`log` of a negative and a negative base to a non-integer power give NaN (mathjs: a Complex,
 * which the engine could not report); arithmetic on two booleans gives a decimal (mathjs: a float).
 * Shapes mathjs would only reject at evaluation (wrong number of arguments) are refused here.
 */
export function compileDecimalClosures(parsed: ParsedExpression): { ok: true; evaluate: DecimalEvaluator } | { ok: false; problems: string[] } {
  const checked = checkedTree(parsed);
  if (!checked.ok) return checked;
  const problems: string[] = [];
  const root = build(checked.tree, { problems, constant: literalDecimals(parsed.expr, problems) });
  if (problems.length) return { ok: false, problems };
  return { ok: true, evaluate: (scope) => root(scope as ReadonlyMap<string, DecValue>) };
}

/**
 * Compiles a checked expression for the period-level decimal path: closures over decimal.js (see
 * {@link compileDecimalClosures}). Throws for a tree it cannot compile; {@link decimalProblems}
 * reports that at definition time.
 */
export function compileDecimal(parsed: ParsedExpression): DecimalEvaluator {
  const r = compileDecimalClosures(parsed);
  if (!r.ok) throw new Error(`${parsed.expr}: ${r.problems.join('; ')}`);
  return r.evaluate;
}

/** What keeps an expression from compiling for the period scope (empty when it compiles). */
export function decimalProblems(parsed: ParsedExpression): string[] {
  const r = compileDecimalClosures(parsed);
  return r.ok ? [] : r.problems;
}
