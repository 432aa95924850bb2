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
  bignumberDependencies,
  type MathNode,
  type EvalFunction,
  type BigNumber as MathBigNumber,
} from 'mathjs';

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
 * Two instances: `number` (binary floating point, for the per-row hot path) and `BigNumber` (decimal,
 * 34 digits, for period-level equations whose results are reported and issued).
 */
export const ALLOWED_FUNCTIONS = ['min', 'max', 'abs', 'floor', 'ceil', 'round', 'sqrt', 'exp', 'log', 'pow'] as const;

const ALLOWED_OPERATORS = new Set(['add', 'subtract', 'multiply', 'divide', 'pow', 'unaryMinus', 'unaryPlus', 'larger', 'largerEq', 'smaller', 'smallerEq', 'equal', 'unequal', 'and', 'or', 'not']);

const factories = {
  absDependencies, addDependencies, andDependencies, ceilDependencies, compileDependencies, divideDependencies, equalDependencies, expDependencies,
  floorDependencies, largerDependencies, largerEqDependencies, logDependencies, maxDependencies, minDependencies, multiplyDependencies, notDependencies,
  orDependencies, powDependencies, roundDependencies, smallerDependencies, smallerEqDependencies, sqrtDependencies, subtractDependencies,
  unaryMinusDependencies, unaryPlusDependencies, unequalDependencies, bignumberDependencies,
};

function lockedDown(number: 'number' | 'BigNumber') {
  const math = create(factories as unknown as Parameters<typeof create>[0], { number, precision: 34 });
  const parse = math.parse.bind(math);
  const compile = math.compile.bind(math);
  const bignumber = math.bignumber.bind(math);
  const refuse = (name: string) => () => {
    throw new Error(`${name} is disabled in methodology expressions`);
  };
  math.import(
    { import: refuse('import'), createUnit: refuse('createUnit'), evaluate: refuse('evaluate'), parse: refuse('parse'), compile: refuse('compile'), simplify: refuse('simplify'), derivative: refuse('derivative'), resolve: refuse('resolve'), reviver: refuse('reviver') },
    { override: true },
  );
  return { parse, compile, bignumber, math };
}

const floatMath = lockedDown('number');
const decimalMath = lockedDown('BigNumber');

/** mathjs BigNumber (a decimal.js clone with 34 digits) used in period scope. */
export type BigNumber = MathBigNumber;
export const toBigNumber = (value: string | number): BigNumber => decimalMath.bignumber(typeof value === 'number' ? String(value) : value) as BigNumber;
export const isBigNumber = (x: unknown): x is BigNumber => typeof x === 'object' && x !== null && (x as { isBigNumber?: boolean }).isBigNumber === true;

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
  let node: MathNode;
  try {
    node = floatMath.parse(expr);
  } catch (e) {
    return { ok: false, problems: [`does not parse: ${(e as Error).message}`] };
  }
  const problems: string[] = [];
  const symbols: string[] = [];
  node.traverse((n: MathNode, path: string, parent: MathNode | null) => {
    switch (n.type) {
      case 'ConstantNode': {
        const value = (n as unknown as { value: unknown }).value;
        if (typeof value !== 'number' && typeof value !== 'boolean') problems.push(`constant ${JSON.stringify(value)} is not allowed (only numbers and true/false)`);
        return;
      }
      case 'SymbolNode': {
        const name = (n as unknown as { name: string }).name;
        if (parent?.type === 'FunctionNode' && path === 'fn') {
          if (!(ALLOWED_FUNCTIONS as readonly string[]).includes(name)) problems.push(`function ${name}() is not allowed (allowed: ${ALLOWED_FUNCTIONS.join(', ')})`);
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
  return problems.length ? { ok: false, problems } : { ok: true, parsed: { expr, node, symbols } };
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

/** Compiles a checked expression for the period-level decimal path. */
export function compileDecimal(parsed: ParsedExpression): DecimalEvaluator {
  return wrap<BigNumber | boolean>(decimalMath.compile(parsed.expr));
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
    const n = node as unknown as { type: string; value?: unknown; name?: string; fn?: unknown; args?: MathNode[]; content?: MathNode; condition?: MathNode; trueExpr?: MathNode; falseExpr?: MathNode };
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
        const num = (f: (x: number, y: number) => unknown): Closure => (s) => {
          const x = a(s);
          const y = b(s);
          return typeof x === 'number' && typeof y === 'number' ? f(x, y) : fn(x, y);
        };
        const logic = (f: (x: unknown, y: unknown) => boolean): Closure => (s) => {
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
