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
export type BigNumber = import('mathjs').BigNumber;
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
