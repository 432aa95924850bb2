import {
  create,
  absDependencies,
  addDependencies,
  andDependencies,
  ceilDependencies,
  compileDependencies,
  divideDependencies,
  equalDependencies,
  expDependencies,
  floorDependencies,
  largerDependencies,
  largerEqDependencies,
  logDependencies,
  maxDependencies,
  minDependencies,
  multiplyDependencies,
  notDependencies,
  orDependencies,
  powDependencies,
  roundDependencies,
  smallerDependencies,
  smallerEqDependencies,
  sqrtDependencies,
  subtractDependencies,
  unaryMinusDependencies,
  unaryPlusDependencies,
  unequalDependencies,
  type MathNode,
  type EvalFunction,
} from 'mathjs/number';
import Decimal from 'decimal.js';

/**
 * Methodology expressions run in a locked-down mathjs, following the mathjs guidance for untrusted
 * expressions (docs/expressions/security.md):
 *
 * 1. The instances are created with only the arithmetic, comparison and logic functions below:
 *    `import`, `createUnit`, `evaluate`, `simplify`, `derivative`, `resolve` and the rest of mathjs
 *    simply do not exist in them.
 * 2. `parse`, `compile` and `import`, which the compiler itself needs, are captured and then
 *    overridden inside the instance so an expression cannot reach them.
 * 3. Every expression is checked node by node against a whitelist before it is compiled: numbers,
 *    declared symbols, arithmetic/comparison/logic operators, parentheses, `a ? b : c`, and calls of
 *    {@link ALLOWED_FUNCTIONS}. Assignments, function definitions, property access, objects, arrays,
 *    strings, indexing and ranges are refused. So are symbols that are not declared.
 *
 * One instance, from the lean `mathjs/number` entry (binary floating point, for the per-row hot path;
 * its parser is the only way in for every expression). Period-level equations, whose results are
 * reported and issued, run in decimal (34 digits): the same checked tree is compiled to closures over
 * decimal.js ({@link compileDecimal}) with the semantics of mathjs's BigNumber instance, so no
 * mathjs BigNumber instance is needed at run time.
 */
export const ALLOWED_FUNCTIONS = ['min', 'max', 'abs', 'floor', 'ceil', 'round', 'sqrt', 'exp', 'log', 'pow'] as const;

const ALLOWED_OPERATORS = new Set([
  'add',
  'subtract',
  'multiply',
  'divide',
  'pow',
  'unaryMinus',
  'unaryPlus',
  'larger',
  'largerEq',
  'smaller',
  'smallerEq',
  'equal',
  'unequal',
  'and',
  'or',
  'not',
]);

const factories = {
  absDependencies,
  addDependencies,
  andDependencies,
  ceilDependencies,
  compileDependencies,
  divideDependencies,
  equalDependencies,
  expDependencies,
  floorDependencies,
  largerDependencies,
  largerEqDependencies,
  logDependencies,
  maxDependencies,
  minDependencies,
  multiplyDependencies,
  notDependencies,
  orDependencies,
  powDependencies,
  roundDependencies,
  smallerDependencies,
  smallerEqDependencies,
  sqrtDependencies,
  subtractDependencies,
  unaryMinusDependencies,
  unaryPlusDependencies,
  unequalDependencies,
};

function lockedDown() {
  const math = create(factories as unknown as Parameters<typeof create>[0], { number: 'number' });
  const parse = math.parse.bind(math);
  const compile = math.compile.bind(math);
  const refuse = (name: string) => () => {
    throw new Error(`${name} is disabled in methodology expressions`);
  };
  math.import(
    {
      import: refuse('import'),
      createUnit: refuse('createUnit'),
      evaluate: refuse('evaluate'),
      parse: refuse('parse'),
      compile: refuse('compile'),
      simplify: refuse('simplify'),
      derivative: refuse('derivative'),
      resolve: refuse('resolve'),
      reviver: refuse('reviver'),
    },
    { override: true },
  );
  return { parse, compile, math };
}

const floatMath = lockedDown();

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

export interface ParsedExpression {
  readonly expr: string;
  readonly node: MathNode;
  /** Symbols the expression reads, in order of first use. */
  readonly symbols: readonly string[];
}

/**
 * Parses an expression and checks it against the whitelist. Returns the problems found (all of
 * them) instead of throwing, so a methodology definition can report everything at once.
 */
export function parseExpression(expr: string): { ok: true; parsed: ParsedExpression } | { ok: false; problems: string[] } {
  const shape = shapeProblems(expr);
  if (shape.length) return { ok: false, problems: shape };
  let node: MathNode;
  try {
    node = floatMath.parse(expr);
  } catch (e) {
    return { ok: false, problems: [`does not parse: ${(e as Error).message}`] };
  }
  const problems: string[] = [];
  const symbols: string[] = [];
  try {
    walk(node, problems, symbols);
  } catch (e) {
    // A stack overflow on a pathological tree is a definition problem, never an uncaught error.
    return { ok: false, problems: [`is too deeply nested to check (${(e as Error).name}); split it into several equations`] };
  }
  return problems.length ? { ok: false, problems } : { ok: true, parsed: { expr, node, symbols } };
}

/**
 * Limits on an expression's size and nesting, checked on the text before mathjs parses it (its
 * parser and tree walks recurse): methodology equations are short, and a longer one is better split
 * into named intermediate equations a verifier can read in the trace.
 */
export const EXPRESSION_LIMITS = { maxLength: 2000, maxParenthesisDepth: 32, maxPowers: 16, maxUnaryRun: 4 } as const;

function shapeProblems(expr: string): string[] {
  const problems: string[] = [];
  if (expr.length > EXPRESSION_LIMITS.maxLength)
    problems.push(`is ${expr.length} characters long; the limit is ${EXPRESSION_LIMITS.maxLength}: split it into several equations`);
  let depth = 0;
  let maxDepth = 0;
  let powers = 0;
  let unaryRun = 0;
  let maxUnaryRun = 0;
  let previous = '(';
  for (const c of expr) {
    if (c === ' ' || c === '\t' || c === '\n') continue;
    if (c === '(' || c === '[') maxDepth = Math.max(maxDepth, ++depth);
    else if (c === ')' || c === ']') depth--;
    else if (c === '^') powers++;
    // A sign right after an operator or an opening parenthesis is unary.
    if ((c === '-' || c === '+') && '(,+-*/^<>=!?:'.includes(previous)) maxUnaryRun = Math.max(maxUnaryRun, ++unaryRun);
    else unaryRun = 0;
    previous = c;
  }
  if (maxDepth > EXPRESSION_LIMITS.maxParenthesisDepth)
    problems.push(`nests parentheses ${maxDepth} deep; the limit is ${EXPRESSION_LIMITS.maxParenthesisDepth}`);
  if (powers > EXPRESSION_LIMITS.maxPowers) problems.push(`has ${powers} powers (^); the limit is ${EXPRESSION_LIMITS.maxPowers}`);
  if (maxUnaryRun > EXPRESSION_LIMITS.maxUnaryRun) problems.push(`has ${maxUnaryRun} signs in a row; write the sign once`);
  return problems;
}

function walk(node: MathNode, problems: string[], symbols: string[]): void {
  node.traverse((n: MathNode, path: string, parent: MathNode | null) => {
    switch (n.type) {
      case 'ConstantNode': {
        const value = (n as unknown as { value: unknown }).value;
        if (typeof value !== 'number' && typeof value !== 'boolean')
          problems.push(`constant ${JSON.stringify(value)} is not allowed (only numbers and true/false)`);
        return;
      }
      case 'SymbolNode': {
        const name = (n as unknown as { name: string }).name;
        if (parent?.type === 'FunctionNode' && path === 'fn') {
          if (!(ALLOWED_FUNCTIONS as readonly string[]).includes(name))
            problems.push(`function ${name}() is not allowed (allowed: ${ALLOWED_FUNCTIONS.join(', ')})`);
          return;
        }
        if (!symbols.includes(name)) symbols.push(name);
        return;
      }
      case 'OperatorNode': {
        const fn = (n as unknown as { fn: string; op: string }).fn;
        if (!ALLOWED_OPERATORS.has(fn)) problems.push(`operator ${(n as unknown as { op: string }).op} is not allowed`);
        return;
      }
      case 'FunctionNode': {
        const fnNode = (n as unknown as { fn: MathNode }).fn;
        if (fnNode.type !== 'SymbolNode') problems.push('only direct calls of allowed functions are allowed');
        return;
      }
      case 'ParenthesisNode':
      case 'ConditionalNode':
        return;
      default:
        problems.push(`${n.type} is not allowed in methodology expressions`);
    }
  });
}

/** A compiled expression in floating point: evaluate with a Map of symbol → number | boolean. */
export type FloatEvaluator = (scope: Map<string, number | boolean>) => number | boolean;
/** A compiled expression in decimal: evaluate with a Map of symbol → BigNumber | boolean. */
export type DecimalEvaluator = (scope: Map<string, BigNumber | boolean>) => BigNumber | boolean;

function wrap<T>(compiled: EvalFunction): (scope: Map<string, T>) => T {
  return (scope) => compiled.evaluate(scope) as T;
}

/** Compiles a checked expression for the per-row floating-point path. */
export function compileFloat(parsed: ParsedExpression): FloatEvaluator {
  return wrap<number | boolean>(floatMath.compile(parsed.expr));
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

/** LaTeX of an expression, from the same parse tree that runs (for `mrv methodology doc`). */
export function toTex(parsed: ParsedExpression): string {
  return parsed.node.toTex({ parenthesis: 'keep', implicit: 'hide' });
}

// ---------------------------------------------------------------------------------------------
// Slot compilation: the per-row hot path without mathjs's Map lookups and typed-function dispatch.

/** Marks a slot whose symbol is not in the scope (mathjs: `Undefined symbol …`). */
export const UNSET: unique symbol = Symbol('unset');

/**
 * A row scope as an array: every symbol the row equations may read has a fixed slot (its index);
 * {@link UNSET} means "not in the scope". Any other value is what a Map scope would hold.
 */
export type SlotScope = unknown[];

/** A compiled float expression over a {@link SlotScope}. Same results and errors as {@link compileFloat}. */
export type SlotEvaluator = (scope: SlotScope) => number | boolean;

type Closure = (s: SlotScope) => unknown;

/** Thrown inside a slot closure when it meets something only mathjs itself handles the same way. */
const DEFER: unique symbol = Symbol('defer to mathjs');

/** mathjs's `nearlyEqual` for numbers (utils/number.js) with the instance's relTol / absTol. */
function makeNearlyEqual(relTol: number, absTol: number) {
  return (a: number, b: number): boolean => {
    if (Number.isNaN(a) || Number.isNaN(b)) return false;
    if (!Number.isFinite(a) || !Number.isFinite(b)) return a === b;
    if (a === b) return true;
    return Math.abs(a - b) <= Math.max(relTol * Math.max(Math.abs(a), Math.abs(b)), absTol);
  };
}

/**
 * Compiles an expression that passed {@link parseExpression} into a tree of JS closures over a
 * {@link SlotScope}: symbols become array reads, and operators on two numbers run inline with the
 * exact mathjs number semantics (comparisons use mathjs's relative/absolute tolerance). Anything
 * else (booleans in arithmetic, `pow`, the allowed functions) calls the same locked-down mathjs
 * function that `evaluate` would call. When a closure meets an unset symbol or a condition that is
 * not a number or boolean, the whole expression is re-evaluated by the mathjs compiled expression
 * on a Map built from the slots, so results and error messages are those of {@link compileFloat}.
 *
 * The whitelist check is not repeated here; the input must be a {@link ParsedExpression}. Returns
 * `undefined` for a tree it does not handle (then use {@link compileFloat}).
 */
export function compileFloatSlots(parsed: ParsedExpression, slots: ReadonlyMap<string, number>): SlotEvaluator | undefined {
  const math = floatMath.math as unknown as Record<string, (...args: unknown[]) => unknown> & { config: () => { relTol?: number; absTol?: number } };
  const config = math.config();
  const near = makeNearlyEqual(config.relTol ?? 1e-12, config.absTol ?? 1e-15);
  let ok = true;
  const build = (node: MathNode): Closure => {
    const n = node as unknown as {
      type: string;
      value?: unknown;
      name?: string;
      fn?: unknown;
      args?: MathNode[];
      content?: MathNode;
      condition?: MathNode;
      trueExpr?: MathNode;
      falseExpr?: MathNode;
    };
    switch (n.type) {
      case 'ConstantNode': {
        const v = n.value;
        return () => v;
      }
      case 'ParenthesisNode':
        return build(n.content!);
      case 'SymbolNode': {
        const slot = slots.get(n.name!);
        if (slot === undefined) {
          ok = false;
          return () => undefined;
        }
        return (s) => {
          const v = s[slot];
          if (v === UNSET) throw DEFER;
          return v;
        };
      }
      case 'ConditionalNode': {
        const c = build(n.condition!);
        const t = build(n.trueExpr!);
        const f = build(n.falseExpr!);
        return (s) => {
          const v = c(s);
          if (typeof v !== 'number' && typeof v !== 'boolean') throw DEFER;
          return v ? t(s) : f(s);
        };
      }
      case 'FunctionNode': {
        const name = (n.fn as { name?: string } | undefined)?.name;
        if (!name || slots.has(name) || !(ALLOWED_FUNCTIONS as readonly string[]).includes(name) || typeof math[name] !== 'function') {
          ok = false;
          return () => undefined;
        }
        const fn = math[name];
        const args = n.args!.map(build);
        if (args.length === 1) {
          const a = args[0]!;
          return (s) => fn(a(s));
        }
        if (args.length === 2) {
          const a = args[0]!;
          const b = args[1]!;
          return (s) => fn(a(s), b(s));
        }
        return (s) => fn(...args.map((a) => a(s)));
      }
      case 'OperatorNode': {
        const op = n.fn as string;
        if (!ALLOWED_OPERATORS.has(op) || typeof math[op] !== 'function') {
          ok = false;
          return () => undefined;
        }
        const fn = math[op];
        const args = n.args!.map(build);
        if (args.length === 1) {
          const a = args[0]!;
          switch (op) {
            case 'unaryMinus':
              return (s) => {
                const x = a(s);
                return typeof x === 'number' ? -x : fn(x);
              };
            case 'unaryPlus':
              return (s) => {
                const x = a(s);
                return typeof x === 'number' ? x : fn(x);
              };
            case 'not':
              return (s) => {
                const x = a(s);
                return typeof x === 'number' || typeof x === 'boolean' ? !x : fn(x);
              };
            default:
              return (s) => fn(a(s));
          }
        }
        if (args.length !== 2) {
          ok = false;
          return () => undefined;
        }
        const a = args[0]!;
        const b = args[1]!;
        const num =
          (f: (x: number, y: number) => unknown): Closure =>
          (s) => {
            const x = a(s);
            const y = b(s);
            return typeof x === 'number' && typeof y === 'number' ? f(x, y) : fn(x, y);
          };
        const logic =
          (f: (x: unknown, y: unknown) => boolean): Closure =>
          (s) => {
            const x = a(s);
            const y = b(s);
            return (typeof x === 'number' || typeof x === 'boolean') && (typeof y === 'number' || typeof y === 'boolean') ? f(x, y) : fn(x, y);
          };
        switch (op) {
          case 'add':
            return num((x, y) => x + y);
          case 'subtract':
            return num((x, y) => x - y);
          case 'multiply':
            return num((x, y) => x * y);
          case 'divide':
            return num((x, y) => x / y);
          case 'larger':
            return num((x, y) => x > y && !near(x, y));
          case 'largerEq':
            return num((x, y) => x >= y || near(x, y));
          case 'smaller':
            return num((x, y) => x < y && !near(x, y));
          case 'smallerEq':
            return num((x, y) => x <= y || near(x, y));
          case 'equal':
            return num((x, y) => near(x, y));
          case 'unequal':
            return num((x, y) => !near(x, y));
          case 'and':
            return logic((x, y) => !!(x && y));
          case 'or':
            return logic((x, y) => !!(x || y));
          default:
            return (s) => fn(a(s), b(s));
        }
      }
      default:
        ok = false;
        return () => undefined;
    }
  };
  const root = build(parsed.node);
  if (!ok) return undefined;
  const reference = floatMath.compile(parsed.expr);
  const names: string[] = [];
  for (const [name, slot] of slots) names[slot] = name;
  const slow = (s: SlotScope): number | boolean => {
    const scope = new Map<string, unknown>();
    for (let i = 0; i < names.length; i++) if (names[i] !== undefined && s[i] !== UNSET) scope.set(names[i]!, s[i]);
    return reference.evaluate(scope) as number | boolean;
  };
  return (s) => {
    try {
      return root(s) as number | boolean;
    } catch (e) {
      if (e === DEFER) return slow(s);
      throw e;
    }
  };
}

// ---------------------------------------------------------------------------------------------
// Decimal compilation: period-scope equations without a mathjs BigNumber instance.

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

const UNARY_FUNCTIONS: Record<string, (x: Decimal) => Decimal> = {
  abs: (x) => x.abs(),
  floor: (x) => bigFloorCeil(x, false),
  ceil: (x) => bigFloorCeil(x, true),
  round: (x) => bigRound(x),
  sqrt: (x) => (x.isNegative() && !x.isZero() ? NAN : x.sqrt()), // mathjs: Complex for x < 0
  exp: (x) => x.exp(),
  log: (x) => (x.isNegative() ? NAN : x.ln()), // mathjs: Complex for x < 0 (and for −0)
};

/** Numeric literals of an expression as written (mathjs BigNumber mode parses them from their text). */
const NUMBER_LITERAL = /(?<![A-Za-z0-9_.])(?:0[xXbBoO][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)/g;

/**
 * Compiles an expression that passed {@link parseExpression} into closures over decimal.js with the
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
  const problems: string[] = [];
  // Literal text by float value: the number parser keeps the float, the decimal needs the text.
  const literals = new Map<number, Set<string>>();
  for (const m of parsed.expr.matchAll(NUMBER_LITERAL)) {
    const text = m[0];
    const v = Number(text);
    if (Number.isNaN(v)) continue;
    const set = literals.get(v) ?? new Set<string>();
    set.add(/^0[xXbBoO]/.test(text) ? String(v) : text);
    literals.set(v, set);
  }
  const constant = (v: number): Decimal => {
    const texts = [...(literals.get(v) ?? [])].map((t) => new PeriodDecimal(t));
    if (texts.length > 1 && texts.some((d) => !d.eq(texts[0]!)))
      problems.push(`the literals ${[...literals.get(v)!].join(' and ')} are the same binary number; write them with at most 15 significant digits`);
    return texts[0] ?? new PeriodDecimal(v);
  };
  const build = (node: MathNode): DecClosure => {
    const n = node as unknown as {
      type: string;
      value?: unknown;
      name?: string;
      fn?: unknown;
      args?: MathNode[];
      content?: MathNode;
      condition?: MathNode;
      trueExpr?: MathNode;
      falseExpr?: MathNode;
    };
    switch (n.type) {
      case 'ConstantNode': {
        const v = typeof n.value === 'boolean' ? n.value : constant(n.value as number);
        return () => v;
      }
      case 'ParenthesisNode':
        return build(n.content!);
      case 'SymbolNode': {
        const name = n.name!;
        return (scope) => {
          const v = scope.get(name);
          if (v === undefined) throw new Error(`Undefined symbol ${name}`);
          return v;
        };
      }
      case 'ConditionalNode': {
        const c = build(n.condition!);
        const t = build(n.trueExpr!);
        const f = build(n.falseExpr!);
        return (s) => {
          const v = c(s);
          return (typeof v === 'boolean' ? v : !v.isZero()) ? t(s) : f(s);
        };
      }
      case 'FunctionNode': {
        const name = (n.fn as { name?: string } | undefined)?.name ?? '';
        const args = n.args!.map(build);
        if (name === 'min' || name === 'max') {
          if (!args.length) problems.push(`${name}() needs at least one argument`);
          const better = name === 'max' ? larger : smaller;
          return (s) =>
            extreme(
              args.map((a) => a(s)),
              better,
            );
        }
        if (name === 'pow') {
          if (args.length !== 2) problems.push('pow() takes 2 arguments');
          const [a, b] = args as [DecClosure, DecClosure];
          return (s) => bigPow(dec(a(s)), dec(b(s)));
        }
        if (name === 'round' && args.length === 2) {
          const [a, b] = args as [DecClosure, DecClosure];
          return (s) => {
            const x = dec(a(s));
            const digits = dec(b(s));
            if (!digits.isInteger()) throw new TypeError('Number of decimals in function round must be an integer');
            return bigRound(x, digits.toNumber());
          };
        }
        if (name === 'log' && args.length === 2) {
          const [a, b] = args as [DecClosure, DecClosure];
          return (s) => {
            const x = UNARY_FUNCTIONS.log!(dec(a(s)));
            const base = UNARY_FUNCTIONS.log!(dec(b(s)));
            return x.div(base);
          };
        }
        const f = Object.hasOwn(UNARY_FUNCTIONS, name) ? UNARY_FUNCTIONS[name] : undefined;
        if (!f) {
          problems.push(`function ${name}() is not allowed`);
          return () => NAN;
        }
        if (args.length !== 1) problems.push(`${name}() takes 1 argument${name === 'round' || name === 'log' ? ' (or 2)' : ''}`);
        const a = args[0]!;
        return (s) => f(dec(a(s)));
      }
      case 'OperatorNode': {
        const op = n.fn as string;
        const args = n.args!.map(build);
        const [a, b] = args as [DecClosure, DecClosure];
        if (args.length === 1) {
          switch (op) {
            case 'unaryMinus':
              return (s) => dec(a(s)).neg();
            case 'unaryPlus':
              return (s) => dec(a(s));
            case 'not':
              return (s) => !truthy(a(s));
          }
        } else if (args.length === 2) {
          switch (op) {
            case 'add':
              return (s) => dec(a(s)).plus(dec(b(s)));
            case 'subtract':
              return (s) => dec(a(s)).minus(dec(b(s)));
            case 'multiply':
              return (s) => dec(a(s)).times(dec(b(s)));
            case 'divide':
              return (s) => dec(a(s)).div(dec(b(s)));
            case 'pow':
              return (s) => bigPow(dec(a(s)), dec(b(s)));
            case 'larger':
              return (s) => larger(a(s), b(s));
            case 'smaller':
              return (s) => smaller(a(s), b(s));
            case 'largerEq':
              return (s) => {
                const x = dec(a(s));
                const y = dec(b(s));
                return x.gte(y) || bigNearlyEqual(x, y);
              };
            case 'smallerEq':
              return (s) => {
                const x = dec(a(s));
                const y = dec(b(s));
                return x.lte(y) || bigNearlyEqual(x, y);
              };
            case 'equal':
              return (s) => bigNearlyEqual(dec(a(s)), dec(b(s)));
            case 'unequal':
              return (s) => !bigNearlyEqual(dec(a(s)), dec(b(s)));
            case 'and':
              return (s) => {
                const x = a(s);
                const y = b(s);
                return truthy(x) && truthy(y);
              };
            case 'or':
              return (s) => {
                const x = a(s);
                const y = b(s);
                return truthy(x) || truthy(y);
              };
          }
        }
        problems.push(`operator ${op} with ${args.length} operand(s) is not supported`);
        return () => NAN;
      }
      default:
        problems.push(`${n.type} is not allowed`);
        return () => NAN;
    }
  };
  // Built from the expression text (as compileFloat compiles it), through the same parser.
  let node: MathNode;
  try {
    node = floatMath.parse(parsed.expr);
  } catch (e) {
    return { ok: false, problems: [`does not parse: ${(e as Error).message}`] };
  }
  const root = build(node);
  if (problems.length) return { ok: false, problems };
  return { ok: true, evaluate: (scope) => root(scope as ReadonlyMap<string, DecValue>) };
}
