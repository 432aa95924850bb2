/**
 * The typed expression tree (core/expressions/tree.ts) and its walkers: every node kind, operator and
 * function is converted from mathjs and handled by every walker (symbols, float slot closures, decimal
 * closures, units, TeX); disallowed constructs are refused at conversion with every problem listed.
 */
import { parse } from 'mathjs/number';
import { describe, expect, it } from 'vitest';
import { compileDecimalClosures } from '../../../../core/expressions/decimal.ts';
import { compileFloatSlots } from '../../../../core/expressions/float-slots.ts';
import { compileFloat, parseExpression, type ParsedExpression } from '../../../../core/expressions/sandbox.ts';
import { symbolsOf } from '../../../../core/expressions/symbols.ts';
import { toTex } from '../../../../core/expressions/tex.ts';
import { ALLOWED_FUNCTIONS, BINARY_OPERATORS, UNARY_OPERATORS, fromMathNode, type Expr, type ExprKind } from '../../../../core/expressions/tree.ts';
import { inferDimension } from '../../../../core/units/units.ts';

const parsedOk = (expr: string): ParsedExpression => {
  const r = parseExpression(expr);
  if (!r.ok) throw new Error(`${expr}: ${r.problems.join('; ')}`);
  return r.parsed;
};

/** The kinds of every node of a tree, in pre-order. */
function kinds(e: Expr): ExprKind[] {
  switch (e.kind) {
    case 'constant':
    case 'symbol':
      return [e.kind];
    case 'parenthesis':
      return [e.kind, ...kinds(e.content)];
    case 'conditional':
      return [e.kind, ...kinds(e.condition), ...kinds(e.whenTrue), ...kinds(e.whenFalse)];
    case 'unary':
      return [e.kind, ...kinds(e.arg)];
    case 'binary':
      return [e.kind, ...kinds(e.left), ...kinds(e.right)];
    case 'call':
      return [e.kind, ...e.args.flatMap(kinds)];
  }
}

const OPERATOR_TEXT: Record<(typeof UNARY_OPERATORS | typeof BINARY_OPERATORS)[number], string> = {
  unaryMinus: '-a',
  unaryPlus: '+a',
  not: 'not a',
  add: 'a + b',
  subtract: 'a - b',
  multiply: 'a * b',
  divide: 'a / b',
  pow: 'a ^ b',
  larger: 'a > b',
  largerEq: 'a >= b',
  smaller: 'a < b',
  smallerEq: 'a <= b',
  equal: 'a == b',
  unequal: 'a != b',
  and: 'a and b',
  or: 'a or b',
};
const CALL_TEXT: Record<(typeof ALLOWED_FUNCTIONS)[number], string> = {
  min: 'min(a, b, 2)',
  max: 'max(a, b)',
  abs: 'abs(a)',
  floor: 'floor(a)',
  ceil: 'ceil(a)',
  round: 'round(a, 2)',
  sqrt: 'sqrt(a)',
  exp: 'exp(a)',
  log: 'log(a, b)',
  pow: 'pow(a, b)',
};

describe('the typed tree', () => {
  it('converts every node kind once, with the operator and function names of mathjs', () => {
    const p = parsedOk('(a + 1) > -b ? max(a, true) : 0.5');
    expect(kinds(p.tree)).toEqual([
      'conditional',
      'binary',
      'parenthesis',
      'binary',
      'symbol',
      'constant',
      'unary',
      'symbol',
      'call',
      'symbol',
      'constant',
      'constant',
    ]);
    expect(p.tree).toMatchObject({
      kind: 'conditional',
      condition: { kind: 'binary', op: 'larger', right: { kind: 'unary', op: 'unaryMinus', arg: { kind: 'symbol', name: 'b' } } },
      whenTrue: {
        kind: 'call',
        name: 'max',
        args: [
          { kind: 'symbol', name: 'a' },
          { kind: 'constant', value: true },
        ],
      },
      whenFalse: { kind: 'constant', value: 0.5 },
    });
    expect(p.symbols).toEqual(['a', 'b']);
  });

  it('keeps the text of a compound node as mathjs prints it (what unit messages quote)', () => {
    const p = parsedOk('a+(b*2)');
    expect(p.tree.kind === 'binary' && p.tree.text).toBe('a + (b * 2)');
  });

  it.each([...UNARY_OPERATORS, ...BINARY_OPERATORS])('operator %s: every walker handles it', (op) => {
    const p = parsedOk(OPERATOR_TEXT[op]);
    expect(p.tree).toMatchObject({ op });
    expectEveryWalker(p);
  });

  it.each(ALLOWED_FUNCTIONS)('function %s(): every walker handles it', (name) => {
    const p = parsedOk(CALL_TEXT[name]);
    expect(p.tree).toMatchObject({ kind: 'call', name });
    expectEveryWalker(p);
  });

  it('symbols are listed once, in order of first use, function names aside', () => {
    expect(symbolsOf(parsedOk('b * min(a, b) + (c ? a : d)').tree)).toEqual(['b', 'a', 'c', 'd']);
    expect(parsedOk('min + max(min, 1)').symbols).toEqual(['min']);
  });
});

/** Symbols, float slots, decimal closures, units and TeX all accept the tree; float slots agree with mathjs. */
function expectEveryWalker(p: ParsedExpression) {
  expect(symbolsOf(p.tree)).toEqual(p.symbols);
  const slots = new Map(p.symbols.map((s, i) => [s, i]));
  const fast = compileFloatSlots(p, slots);
  expect(fast, p.expr).toBeDefined();
  const values = p.symbols.map((_, i) => 2 + i);
  expect(fast!(values)).toEqual(compileFloat(p)(new Map(p.symbols.map((s, i) => [s, values[i]!]))));
  const decimal = compileDecimalClosures(p);
  expect(decimal.ok, p.expr).toBe(true);
  expect(() => inferDimension(p.tree, () => null)).not.toThrow();
  expect(toTex(p)).toBe(parse(p.expr).toTex({ parenthesis: 'keep', implicit: 'hide' }));
}

describe('the whitelist, at conversion', () => {
  it.each([
    ['a.b', 'AccessorNode is not allowed in methodology expressions'],
    ['f(x) = x', 'FunctionAssignmentNode is not allowed in methodology expressions'],
    ['x = 1', 'AssignmentNode is not allowed in methodology expressions'],
    ['[1, 2]', 'ArrayNode is not allowed in methodology expressions'],
    ['x mod 2', 'operator mod is not allowed'],
    ['"text"', 'constant "text" is not allowed (only numbers and true/false)'],
    ['sin(x)', `function sin() is not allowed (allowed: ${ALLOWED_FUNCTIONS.join(', ')})`],
    ['a < b < c', 'RelationalNode is not allowed in methodology expressions'],
  ])('refuses %j: %s', (expr, problem) => {
    const r = fromMathNode(parse(expr));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems).toContain(problem);
    expect(parseExpression(expr)).toEqual({ ok: false, problems: expect.arrayContaining([problem]) });
  });

  it('lists every problem, in the order of a pre-order walk (a node before what it contains)', () => {
    const r = fromMathNode(parse('sin(a.b) + (x mod "s")'));
    expect(r).toEqual({
      ok: false,
      problems: [
        `function sin() is not allowed (allowed: ${ALLOWED_FUNCTIONS.join(', ')})`,
        'AccessorNode is not allowed in methodology expressions',
        'IndexNode is not allowed in methodology expressions',
        'constant "b" is not allowed (only numbers and true/false)',
        'operator mod is not allowed',
        'constant "s" is not allowed (only numbers and true/false)',
      ],
    });
  });

  it('a call of anything but a plain function name is refused', () => {
    const r = fromMathNode(parse('a.b(1)'));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]).toBe('only direct calls of allowed functions are allowed');
  });

  it('an object assembled by hand cannot smuggle a tree past its text: the compilers check the text again', () => {
    const fake = { ...parsedOk('1'), expr: 'import({a: 1})' };
    expect(compileFloatSlots(fake, new Map())).toBeUndefined();
    const decimal = compileDecimalClosures(fake);
    expect(decimal.ok).toBe(false);
  });
});
