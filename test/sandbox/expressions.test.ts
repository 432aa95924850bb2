/**
 * The expression sandbox (core/expressions/sandbox.ts): methodology expressions cannot reach
 * mathjs's dangerous functions, constructors or prototypes, cannot define functions, assign, access
 * properties, build matrices/ranges or strings, neither through parseExpression nor through
 * defineMethodology (which reports a MethodologyDefinitionError naming the equation); evaluation
 * time is bounded and deep nesting is a definition error, not a stack overflow.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MethodologyDefinitionError } from '../../core/errors.ts';
import { column, monitoringRow } from '../../core/methodology/columns.ts';
import { defineMethodology } from '../../core/methodology/define-methodology.ts';
import { EXPRESSION_LIMITS, compileFloat, parseExpression } from '../../core/expressions/sandbox.ts';
import { compileFloatSlots } from '../../core/expressions/float-slots.ts';
import { compileDecimal, toBigNumber } from '../../core/expressions/decimal.ts';

/** Each must be refused. Grouped by what it tries to reach. */
export const HOSTILE: Readonly<Record<string, readonly string[]>> = {
  'mathjs functions': [
    'import({x: 1})',
    'createUnit("foo")',
    'evaluate("1+1")',
    'parse("1+1")',
    'compile("1")',
    'simplify("x+x")',
    'derivative("x^2", "x")',
    'resolve(x)',
    'reviver()',
    'help(add)',
    'typed("f", {})',
    'chain(1)',
    'config({})',
    'sin(x)',
    'add(x, 1)',
    'format(1)',
    'print("$x", {})',
    'string(1)',
    'matrix([1])',
    'range(1, 1e9)',
    'map([1], f)',
    'forEach([1], f)',
    'f(1)',
  ],
  'constructors and prototypes': [
    'x.constructor',
    'toString.constructor',
    'toString.constructor("return process")()',
    '[].map',
    '[].map.constructor("return 1")()',
    '"".constructor',
    '"".constructor.constructor("return this")()',
    'x["constructor"]',
    'x.__proto__',
    'cos.constructor("return process")()',
    'Function("return 1")()',
    'globalThis.process',
    'process.exit(1)',
    'eval("1")',
    'Object.keys(x)',
  ],
  'function definitions and assignments': [
    'f(x) = x',
    'f(x) = f(x)',
    'x = 1',
    'x += 1',
    'a.b = 1',
    'a["b"] = 1',
    'a[1] = 2',
    '(x) = 1',
    'f(x) = import({}); 1',
  ],
  'property access and indexing': ['a.b', 'a["b"]', 'a[1]', 'a.b.c', 'x[1:2]', '{a: 1}.a', '{a: 1}["a"]'],
  'matrices, ranges, objects, strings, units': [
    '[1, 2, 3]',
    '[1; 2]',
    '1:10',
    '1:1e9',
    '{a: 1}',
    '"text"',
    "'text'",
    '"a" + 1',
    'x to cm',
    'x; y',
    'x\ny',
    '1, 2',
  ],
  'operators outside the whitelist': ['x mod 2', 'x % 2', 'x!', 'x xor y', 'x & y', 'x | y', 'x << 2', 'x >> 2', 'x >>> 2', '~x', "x'"],
};
/** Bare names of JS internals: just undeclared symbols. parseExpression lists them; defineMethodology refuses them; evaluation never resolves them to JS objects. */
const BARE = ['constructor', '__proto__', 'prototype', 'this', 'toString', 'valueOf', 'hasOwnProperty', 'process', 'globalThis'] as const;
/** Units do not exist in the locked-down instance: `5 cm` is 5 × an undeclared symbol `cm`. */
const UNDECLARED = ['5 cm', '1 km + 1', 'pi * x', 'e ^ x', 'i * x'] as const;
const cases = Object.entries(HOSTILE).flatMap(([group, exprs]) => exprs.map((e) => [group, e] as const));

const baseDefinition = (expr: string, scope: 'row' | 'period' = 'row') => ({
  id: 'sandbox-probe',
  version: '1.0.0',
  title: 'Sandbox probe',
  source: { body: 'test', document: 'test', documentVersion: '1' },
  mechanisms: ['CDM' as const],
  applicability: [],
  project: z.object({}),
  monitoring: monitoringRow({
    timestamp: column.timestamp({ description: 'time' }),
    x: column.number({ unit: 't', min: 0, description: 'x' }),
    y: column.number({ unit: 't', min: 0, description: 'y' }),
  }),
  timeColumn: 'timestamp',
  parameters: {},
  equations: [
    { symbol: 'Q', scope, expr, unit: 't', ref: 'probe equation Q' },
    ...(scope === 'row' ? [] : []),
    { symbol: 'BE_y', scope: 'period' as const, expr: 'x', unit: 't', ref: 'probe BE' },
  ],
  emissions: [{ category: 'BE' as const, gas: 'CO2', symbol: 'BE_y' }],
});

describe(`hostile expressions are refused (${cases.length} expressions)`, () => {
  it.each(cases)('%s: parseExpression refuses %j without evaluating anything', (_group, expr) => {
    const r = parseExpression(expr);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.length).toBeGreaterThan(0);
  });

  it.each(cases)('%s: defineMethodology refuses %j with a MethodologyDefinitionError naming equation Q', (_group, expr) => {
    for (const scope of ['row', 'period'] as const) {
      let error: unknown;
      try {
        defineMethodology(baseDefinition(expr, scope) as never);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(MethodologyDefinitionError);
      expect((error as MethodologyDefinitionError).problems.some((p) => p.startsWith('equation Q (probe equation Q)'))).toBe(true);
    }
  });

  it.each(BARE)('bare %s: an undeclared symbol for defineMethodology; evaluating it with an empty scope throws instead of reaching JS', (name) => {
    const r = parseExpression(name);
    expect(r.ok && r.parsed.symbols).toEqual([name]);
    expect(() => defineMethodology(baseDefinition(name) as never)).toThrow(/equation Q \(probe equation Q\) reads .* which is not declared/);
    if (r.ok) {
      // mathjs refuses ("Undefined symbol" / "No access to property"): it never hands out a JS object
      expect(() => compileFloat(r.parsed)(new Map())).toThrow();
      expect(() => compileDecimal(r.parsed)(new Map())).toThrow();
    }
  });

  it.each(UNDECLARED)('%s: undeclared symbols (no units, no constants) → definition error naming equation Q', (expr) => {
    expect(() => defineMethodology(baseDefinition(expr) as never)).toThrow(/equation Q \(probe equation Q\) reads/);
  });

  it('…and in checks too, naming the check', () => {
    for (const expr of ['import({})', 'f(x) = 1', 'x.constructor', '"a"']) {
      const def = { ...baseDefinition('x'), checks: [{ id: 'probe-check', scope: 'row' as const, assert: expr, message: 'm', ref: 'r' }] };
      expect(() => defineMethodology(def as never)).toThrow(/check probe-check/);
    }
  });

  it('a benign control definition is accepted (so the refusals above are about the expression)', () => {
    expect(() => defineMethodology(baseDefinition('max(x - y, 0) * 2') as never)).not.toThrow();
  });

  it('the compiled evaluators cannot reach the disabled functions even if an expression got past the check', () => {
    // Call the mathjs compile directly on an unchecked expression: the instance itself has no import/evaluate/parse.
    for (const expr of ['import({a: 1})', 'evaluate("1")', 'parse("1")', 'compile("1")', 'createUnit("x")', 'simplify("x")', 'derivative("x", "x")']) {
      const one = parseExpression('1');
      if (!one.ok) throw new Error('control expression must parse');
      const fake = { ...one.parsed, expr };
      expect(() => compileFloat(fake)(new Map())).toThrow();
      expect(() => compileDecimal(fake)(new Map())).toThrow();
    }
  });
});

describe('evaluation time and depth are bounded', () => {
  const parsedOk = (expr: string) => {
    const r = parseExpression(expr);
    if (!r.ok) throw new Error(r.problems.join('; '));
    return r.parsed;
  };

  // Was a bug: parseExpression threw RangeError (node.traverse recursion) on a long expression; now the
  // size and nesting limits (EXPRESSION_LIMITS) refuse it before mathjs parses it. Both sides of the limit
  // are exercised: 10,000 chained operations are refused with the length problem, and the longest chain
  // that fits the limit parses and evaluates to the same value in float, decimal and slot closures.
  it('10,000 chained operations are refused by the length limit; the longest admissible chain evaluates exactly', () => {
    const term = (i: number) => `x * ${(i % 7) + 1}`;
    const chain = (n: number) => Array.from({ length: n }, (_, i) => term(i)).join(' + ');
    let long: ReturnType<typeof parseExpression> | undefined;
    expect(() => (long = parseExpression(chain(10_000))), 'parseExpression returns problems, never throws').not.toThrow();
    expect(long?.ok).toBe(false);
    if (long && !long.ok) expect(long.problems.join('; ')).toMatch(/characters long; the limit is 2000/);

    let n = 1;
    while (chain(n + 1).length <= EXPRESSION_LIMITS.maxLength) n++;
    const expr = chain(n);
    expect(expr.length).toBeLessThanOrEqual(EXPRESSION_LIMITS.maxLength);
    expect(n).toBeGreaterThan(100);
    const p = parsedOk(expr);
    // x = 2: the sum of 2 × ((i mod 7) + 1) over i < n.
    const expected = Array.from({ length: n }, (_, i) => 2 * ((i % 7) + 1)).reduce((a, b) => a + b, 0);
    expect(compileFloat(p)(new Map([['x', 2]]))).toBe(expected);
    expect(String(compileDecimal(p)(new Map([['x', toBigNumber(2)]])))).toBe(String(expected));
    const slots = compileFloatSlots(p, new Map([['x', 0]]));
    expect(slots).toBeTruthy();
    if (slots) expect(slots([2])).toBe(expected);
  });

  // Was a bug: 3,000 unary minus and a 2,000-level power tower escaped defineMethodology as an uncaught
  // RangeError; now they are definition errors naming the equation. Each case stays under the length
  // limit (EXPRESSION_LIMITS.maxLength), so it is the nesting, power or sign limit that must refuse it,
  // and the message must say which: a case refused only for its length would prove nothing here.
  it('deep nesting (900 parentheses, 200 nested max(), 1,500 unary minus, a 900-level power tower) is a definition error naming the limit: never an uncaught RangeError', () => {
    const cases: [string, RegExp][] = [
      ['('.repeat(900) + 'x' + ')'.repeat(900), /nests parentheses 900 deep; the limit is 32/],
      ['max('.repeat(200) + 'x' + ', 1)'.repeat(200), /nests parentheses 200 deep; the limit is 32/],
      ['-'.repeat(1_500) + 'x', /has 1500 signs in a row/],
      ['x' + '^x'.repeat(900), /has 900 powers \(\^\); the limit is 16/],
    ];
    for (const [expr, limit] of cases) {
      expect(expr.length, 'under the length limit').toBeLessThanOrEqual(EXPRESSION_LIMITS.maxLength);
      let error: unknown;
      const t0 = performance.now();
      try {
        defineMethodology(baseDefinition(expr) as never);
      } catch (e) {
        error = e;
      }
      // A safety net against runaway recursion, not a speed target (npm run bench measures speed).
      expect(performance.now() - t0).toBeLessThan(20_000);
      expect(error, expr.slice(0, 20)).toBeInstanceOf(MethodologyDefinitionError);
      const message = (error as MethodologyDefinitionError).message;
      expect(message).toMatch(/equation Q/);
      expect(message).toMatch(limit);
      expect(message).not.toMatch(/characters long/);
    }
  });

  it('pow towers and huge constants evaluate to a number (non-finite results are the engine’s equation.non_finite)', () => {
    for (const expr of ['x ^ x ^ x ^ x ^ x', '1e308 * 1e308', 'exp(1e6)', 'pow(x, 1e9)', 'sqrt(-x)', 'log(0)', 'x / 0']) {
      const p = parsedOk(expr);
      const v = compileFloat(p)(new Map([['x', 9]]));
      expect(typeof v === 'number' || typeof v === 'boolean' || typeof v === 'object').toBe(true);
    }
  });
});
