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
  type EvalFunction,
  type MathNode,
} from 'mathjs/number';
import { fromMathNode, type Expr } from './tree.ts';
import { symbolsOf } from './symbols.ts';

/**
 * Methodology expressions run in a locked-down mathjs, following the mathjs guidance for untrusted
 * expressions (docs/expressions/security.md):
 *
 * 1. The instance is created with only the arithmetic, comparison and logic functions below:
 *    `import`, `createUnit`, `evaluate`, `simplify`, `derivative`, `resolve` and the rest of mathjs
 *    simply do not exist in it.
 * 2. `parse`, `compile` and `import`, which the compiler itself needs, are captured and then
 *    overridden inside the instance so an expression cannot reach them.
 * 3. Every expression is checked node by node against a whitelist while it is converted to the typed
 *    tree ({@link fromMathNode}): numbers, declared symbols, arithmetic/comparison/logic operators,
 *    parentheses, `a ? b : c`, and calls of the allowed functions. Assignments, function definitions,
 *    property access, objects, arrays, strings, indexing and ranges are refused. Symbols are checked
 *    against the declarations by `defineMethodology`.
 *
 * One instance, from the lean `mathjs/number` entry (binary floating point, for the per-row hot path;
 * its parser is the only way in for every expression). Period-level equations, whose results are
 * reported and issued, run in decimal (34 digits): the same checked tree is compiled to closures over
 * decimal.js (core/expressions/decimal.ts) with the semantics of mathjs's BigNumber instance.
 */
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

/** A function of the locked-down instance, called by the float closures exactly as mathjs's compiled code calls it. */
export type MathFunction = (...args: unknown[]) => unknown;

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
  const functions = math as unknown as Readonly<Record<string, MathFunction | undefined>>;
  // mathjs reads its configuration with config() (no argument); the typings only declare the setter.
  const config = (math as unknown as { config: () => { relTol?: number; absTol?: number } }).config();
  return {
    parse: (expr: string): MathNode => parse(expr),
    compile: (expr: string): EvalFunction => compile(expr),
    /** The instance's function of that name (`add`, `min`, …), as its compiled expressions call it. */
    fn: (name: string): MathFunction | undefined => {
      const f = functions[name];
      return typeof f === 'function' ? f : undefined;
    },
    /** The instance's tolerances of "nearly equal" comparisons (mathjs defaults: 1e-12, 1e-15). */
    tolerance: { relTol: config.relTol ?? 1e-12, absTol: config.absTol ?? 1e-15 },
  };
}

/** The locked-down float instance; used only inside core/expressions/. */
export const floatMath = lockedDown();

export interface ParsedExpression {
  readonly expr: string;
  /** The checked expression as the engine's typed tree (the one every walker reads). */
  readonly tree: Expr;
  /** Symbols the expression reads, in order of first use. */
  readonly symbols: readonly string[];
}

/**
 * Limits on an expression's size and nesting, checked on the text before mathjs parses it (its
 * parser and tree walks recurse): methodology equations are short, and a longer one is better split
 * into named intermediate equations a verifier can read in the trace.
 */
export const EXPRESSION_LIMITS = { maxLength: 2000, maxParenthesisDepth: 32, maxPowers: 16, maxUnaryRun: 4 } as const;

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
  let converted: ReturnType<typeof fromMathNode>;
  try {
    converted = fromMathNode(node);
  } catch (e) {
    // A stack overflow on a pathological tree is a definition problem, never an uncaught error.
    return { ok: false, problems: [`is too deeply nested to check (${(e as Error).name}); split it into several equations`] };
  }
  if (!converted.ok) return converted;
  checkedText.set(converted.tree, expr);
  return { ok: true, parsed: { expr, tree: converted.tree, symbols: symbolsOf(converted.tree) } };
}

/** The text each tree made by {@link parseExpression} was checked from. */
const checkedText = new WeakMap<Expr, string>();

/**
 * The tree to compile for a parsed expression: its own tree when {@link parseExpression} made it from
 * this very text (always, unless a caller assembled the object by hand), else the text parsed and
 * checked again. So every compiler runs what the text says and what the whitelist let through, as
 * {@link compileFloat} (which compiles the text) does.
 */
export function checkedTree(parsed: ParsedExpression): ReturnType<typeof fromMathNode> {
  if (checkedText.get(parsed.tree) === parsed.expr) return { ok: true, tree: parsed.tree };
  const again = parseExpression(parsed.expr);
  return again.ok ? { ok: true, tree: again.parsed.tree } : again;
}

/** Problems of an expression's text: length, parenthesis depth, number of powers, runs of signs. */
export function shapeProblems(expr: string): string[] {
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

/** A compiled expression in floating point: evaluate with a Map of symbol → number | boolean. */
export type FloatEvaluator = (scope: Map<string, number | boolean>) => number | boolean;

/** Compiles a checked expression for the per-row floating-point path (mathjs's own compiler, Map scope). */
export function compileFloat(parsed: ParsedExpression): FloatEvaluator {
  const compiled = floatMath.compile(parsed.expr);
  return (scope) => compiled.evaluate(scope) as number | boolean;
}
