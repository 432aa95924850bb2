import { checkedTree, floatMath, type MathFunction, type ParsedExpression } from './sandbox.ts';
import { unreachable, type BinaryOperator, type Expr, type FunctionName, type UnaryOperator } from './tree.ts';

// Slot compilation: the per-row hot path without mathjs's Map lookups and typed-function dispatch.

/** Marks a slot whose symbol is not in the scope (mathjs: `Undefined symbol …`). */
export const UNSET: unique symbol = Symbol('unset');

/**
 * A row scope as an array: every symbol the row equations may read has a fixed slot (its index);
 * {@link UNSET} means "not in the scope". Any other value is what a Map scope would hold.
 */
export type SlotScope = unknown[];

/** A compiled float expression over a {@link SlotScope}. Same results and errors as `compileFloat`. */
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
const near = makeNearlyEqual(floatMath.tolerance.relTol, floatMath.tolerance.absTol);

/** Unary operators on a number inline; anything else goes to the mathjs function. */
const UNARY: Record<UnaryOperator, (a: Closure, fn: MathFunction) => Closure> = {
  unaryMinus: (a, fn) => (s) => {
    const x = a(s);
    return typeof x === 'number' ? -x : fn(x);
  },
  unaryPlus: (a, fn) => (s) => {
    const x = a(s);
    return typeof x === 'number' ? x : fn(x);
  },
  not: (a, fn) => (s) => {
    const x = a(s);
    return typeof x === 'number' || typeof x === 'boolean' ? !x : fn(x);
  },
};

type BinaryBuilder = (a: Closure, b: Closure, fn: MathFunction) => Closure;
/** Two numbers inline with `f`; any other operands go to the mathjs function. */
const num =
  (f: (x: number, y: number) => unknown): BinaryBuilder =>
  (a, b, fn) =>
  (s) => {
    const x = a(s);
    const y = b(s);
    return typeof x === 'number' && typeof y === 'number' ? f(x, y) : fn(x, y);
  };
/** Two numbers or booleans inline with `f`; any other operands go to the mathjs function. */
const logic =
  (f: (x: unknown, y: unknown) => boolean): BinaryBuilder =>
  (a, b, fn) =>
  (s) => {
    const x = a(s);
    const y = b(s);
    return (typeof x === 'number' || typeof x === 'boolean') && (typeof y === 'number' || typeof y === 'boolean') ? f(x, y) : fn(x, y);
  };
/** Binary operators with mathjs number semantics (comparisons with mathjs's relative/absolute tolerance). */
const BINARY: Record<BinaryOperator, BinaryBuilder> = {
  add: num((x, y) => x + y),
  subtract: num((x, y) => x - y),
  multiply: num((x, y) => x * y),
  divide: num((x, y) => x / y),
  pow: (a, b, fn) => (s) => fn(a(s), b(s)),
  larger: num((x, y) => x > y && !near(x, y)),
  largerEq: num((x, y) => x >= y || near(x, y)),
  smaller: num((x, y) => x < y && !near(x, y)),
  smallerEq: num((x, y) => x <= y || near(x, y)),
  equal: num((x, y) => near(x, y)),
  unequal: num((x, y) => !near(x, y)),
  and: logic((x, y) => !!(x && y)),
  or: logic((x, y) => !!(x || y)),
};

/**
 * `min(x, y)` and `max(x, y)` of two numbers inline, as mathjs 15 computes them (its `_min`/`_max` keep
 * the first value unless the second is `smaller`/`larger` by its tolerance): the typed-function dispatch
 * made row equations with a `min` about ten times slower per row. NaN and non-numbers go to mathjs.
 */
const PAIRWISE: Partial<Record<FunctionName, BinaryBuilder>> = {
  min: (a, b, fn) => (s) => {
    const x = a(s);
    const y = b(s);
    return typeof x === 'number' && typeof y === 'number' && x === x && y === y ? (y < x && !near(y, x) ? y : x) : fn(x, y);
  },
  max: (a, b, fn) => (s) => {
    const x = a(s);
    const y = b(s);
    return typeof x === 'number' && typeof y === 'number' && x === x && y === y ? (y > x && !near(y, x) ? y : x) : fn(x, y);
  },
};

/** What a build needs: the slots, and whether every node could be compiled. */
interface SlotBuild {
  readonly slots: ReadonlyMap<string, number>;
  ok: boolean;
}

const giveUp = (c: SlotBuild): Closure => {
  c.ok = false;
  return () => undefined;
};

function build(e: Expr, c: SlotBuild): Closure {
  switch (e.kind) {
    case 'constant': {
      const v = e.value;
      return () => v;
    }
    case 'parenthesis':
      return build(e.content, c);
    case 'symbol':
      return buildSymbol(e.name, c);
    case 'conditional':
      return buildConditional(build(e.condition, c), build(e.whenTrue, c), build(e.whenFalse, c));
    case 'unary': {
      const fn = floatMath.fn(e.op);
      return fn ? UNARY[e.op](build(e.arg, c), fn) : giveUp(c);
    }
    case 'binary': {
      const fn = floatMath.fn(e.op);
      return fn ? BINARY[e.op](build(e.left, c), build(e.right, c), fn) : giveUp(c);
    }
    case 'call':
      return buildCall(e.name, e.args, c);
    default:
      return unreachable(e);
  }
}

function buildSymbol(name: string, c: SlotBuild): Closure {
  const slot = c.slots.get(name);
  if (slot === undefined) return giveUp(c);
  return (s) => {
    const v = s[slot];
    if (v === UNSET) throw DEFER;
    return v;
  };
}

function buildConditional(cond: Closure, t: Closure, f: Closure): Closure {
  return (s) => {
    const v = cond(s);
    if (typeof v !== 'number' && typeof v !== 'boolean') throw DEFER;
    return v ? t(s) : f(s);
  };
}

/** A call of an allowed function runs the locked-down mathjs function itself (unless a slot shadows its name). */
function buildCall(name: FunctionName, argNodes: readonly Expr[], c: SlotBuild): Closure {
  const fn = floatMath.fn(name);
  if (c.slots.has(name) || !fn) return giveUp(c);
  const args = argNodes.map((a) => build(a, c));
  const inline = args.length === 2 ? PAIRWISE[name] : undefined;
  if (inline) return inline(args[0]!, args[1]!, fn);
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

/**
 * Compiles an expression that passed `parseExpression` into a tree of JS closures over a
 * {@link SlotScope}: symbols become array reads, and operators on two numbers run inline with the
 * exact mathjs number semantics (comparisons use mathjs's relative/absolute tolerance). Anything
 * else (booleans in arithmetic, `pow`, the allowed functions) calls the same locked-down mathjs
 * function that `evaluate` would call. When a closure meets an unset symbol or a condition that is
 * not a number or boolean, the whole expression is re-evaluated by the mathjs compiled expression
 * on a Map built from the slots, so results and error messages are those of `compileFloat`.
 *
 * Returns `undefined` for a tree it does not handle (a symbol without a slot, a slot that shadows a
 * function name, a text that does not pass the whitelist): then use `compileFloat`.
 */
export function compileFloatSlots(parsed: ParsedExpression, slots: ReadonlyMap<string, number>): SlotEvaluator | undefined {
  const checked = checkedTree(parsed);
  if (!checked.ok) return undefined;
  const c: SlotBuild = { slots, ok: true };
  const root = build(checked.tree, c);
  if (!c.ok) return undefined;
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
