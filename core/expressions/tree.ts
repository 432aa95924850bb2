import { isConditionalNode, isConstantNode, isFunctionNode, isOperatorNode, isParenthesisNode, isSymbolNode, type MathNode } from 'mathjs/number';

/**
 * The one expression tree of the engine. mathjs parses a methodology expression once; {@link fromMathNode}
 * checks its nodes against the whitelist and converts them, once, into this small discriminated union.
 * Every walker (symbols, float closures, decimal closures, units) is an exhaustive `switch` over
 * {@link Expr}`['kind']`, so none of them reads mathjs node internals or casts a node. Only the text of a
 * node (mathjs `toString`, quoted in unit messages) still comes from mathjs, computed when asked.
 */

/** Functions an expression may call. */
export const ALLOWED_FUNCTIONS = ['min', 'max', 'abs', 'floor', 'ceil', 'round', 'sqrt', 'exp', 'log', 'pow'] as const;
export type FunctionName = (typeof ALLOWED_FUNCTIONS)[number];

/** Operators with one operand (mathjs function names: `-x` is `unaryMinus`). */
export const UNARY_OPERATORS = ['unaryMinus', 'unaryPlus', 'not'] as const;
export type UnaryOperator = (typeof UNARY_OPERATORS)[number];

/** Operators with two operands (mathjs function names: `a ^ b` is `pow`, `a >= b` is `largerEq`). */
export const BINARY_OPERATORS = [
  'add',
  'subtract',
  'multiply',
  'divide',
  'pow',
  'larger',
  'largerEq',
  'smaller',
  'smallerEq',
  'equal',
  'unequal',
  'and',
  'or',
] as const;
export type BinaryOperator = (typeof BINARY_OPERATORS)[number];

/** An expression: what a checked methodology expression can contain, and nothing else. */
export type Expr =
  | { readonly kind: 'constant'; readonly value: number | boolean }
  | { readonly kind: 'symbol'; readonly name: string }
  | { readonly kind: 'parenthesis'; readonly content: Expr }
  | { readonly kind: 'conditional'; readonly condition: Expr; readonly whenTrue: Expr; readonly whenFalse: Expr; readonly text: string }
  | { readonly kind: 'unary'; readonly op: UnaryOperator; readonly arg: Expr; readonly text: string }
  | { readonly kind: 'binary'; readonly op: BinaryOperator; readonly left: Expr; readonly right: Expr; readonly text: string }
  | { readonly kind: 'call'; readonly name: FunctionName; readonly args: readonly Expr[]; readonly text: string };

export type ExprKind = Expr['kind'];

const isIn =
  <T extends string>(list: readonly T[]) =>
  (x: string): x is T =>
    (list as readonly string[]).includes(x);
export const isFunctionName = isIn(ALLOWED_FUNCTIONS);
export const isUnaryOperator = isIn(UNARY_OPERATORS);
export const isBinaryOperator = isIn(BINARY_OPERATORS);

/** Thrown by a walker's `never` branch: a kind was added to {@link Expr} and a switch was not updated. */
export function unreachable(x: never): never {
  throw new Error(`unhandled expression node ${JSON.stringify(x)}`);
}

/**
 * Converts a mathjs parse tree into an {@link Expr}, checking every node against the whitelist on the
 * way. Returns all problems found, in the order of a pre-order walk (mathjs `traverse`), so a
 * definition reports everything at once. Refused: assignments, function definitions, property access,
 * objects, arrays, strings, indexing, ranges, operators and functions outside the lists above.
 */
export function fromMathNode(node: MathNode): { ok: true; tree: Expr } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  const tree = convert(node, problems);
  return tree && !problems.length ? { ok: true, tree } : { ok: false, problems };
}

/** Pushes the node's own problem first, then converts its children (the order of mathjs `traverse`). */
function convert(n: MathNode, problems: string[]): Expr | undefined {
  if (isConstantNode(n)) {
    const value: unknown = n.value;
    if (typeof value === 'number' || typeof value === 'boolean') return { kind: 'constant', value };
    problems.push(`constant ${JSON.stringify(value)} is not allowed (only numbers and true/false)`);
    return undefined;
  }
  if (isSymbolNode(n)) return { kind: 'symbol', name: n.name };
  if (isParenthesisNode(n)) {
    const content = convert(n.content, problems);
    return content && { kind: 'parenthesis', content };
  }
  if (isConditionalNode(n)) {
    const condition = convert(n.condition, problems);
    const whenTrue = convert(n.trueExpr, problems);
    const whenFalse = convert(n.falseExpr, problems);
    if (!condition || !whenTrue || !whenFalse) return undefined;
    return {
      kind: 'conditional',
      condition,
      whenTrue,
      whenFalse,
      get text() {
        return n.toString();
      },
    };
  }
  if (isOperatorNode(n)) return convertOperator(n, n.fn, n.op, n.args, problems);
  if (isFunctionNode(n)) return convertCall(n, n.fn, n.args, problems);
  problems.push(`${n.type} is not allowed in methodology expressions`);
  n.forEach((child) => convert(child, problems));
  return undefined;
}

function convertOperator(n: MathNode, fn: string, op: string, operands: readonly MathNode[], problems: string[]): Expr | undefined {
  const allowed = isUnaryOperator(fn) || isBinaryOperator(fn);
  if (!allowed) problems.push(`operator ${op} is not allowed`);
  const args = operands.map((a) => convert(a, problems));
  if (!allowed || args.some((a) => a === undefined)) return undefined;
  const text = () => n.toString();
  if (isUnaryOperator(fn) && args.length === 1)
    return {
      kind: 'unary',
      op: fn,
      arg: args[0]!,
      get text() {
        return text();
      },
    };
  if (isBinaryOperator(fn) && args.length === 2)
    return {
      kind: 'binary',
      op: fn,
      left: args[0]!,
      right: args[1]!,
      get text() {
        return text();
      },
    };
  problems.push(`operator ${op} with ${args.length} operand(s) is not supported`);
  return undefined;
}

function convertCall(n: MathNode, callee: MathNode, operands: readonly MathNode[], problems: string[]): Expr | undefined {
  let name: FunctionName | undefined;
  if (!isSymbolNode(callee)) {
    problems.push('only direct calls of allowed functions are allowed');
    convert(callee, problems);
  } else if (isFunctionName(callee.name)) name = callee.name;
  else problems.push(`function ${callee.name}() is not allowed (allowed: ${ALLOWED_FUNCTIONS.join(', ')})`);
  const converted = operands.map((a) => convert(a, problems));
  const args = converted.filter((a): a is Expr => a !== undefined);
  if (name === undefined || args.length !== converted.length) return undefined;
  return {
    kind: 'call',
    name,
    args,
    get text() {
      return n.toString();
    },
  };
}
