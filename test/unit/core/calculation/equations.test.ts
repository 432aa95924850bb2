import { describe, expect, it } from 'vitest';
import { compileFloat, parseExpression } from '../../../../core/expressions/sandbox.ts';
import { compileDecimal, toBigNumber } from '../../../../core/expressions/decimal.ts';

const refused = (expr: string) => {
  const r = parseExpression(expr);
  expect(r.ok, `${expr} should be refused`).toBe(false);
  return r.ok ? [] : r.problems;
};

describe('the expression sandbox', () => {
  it('refuses import, createUnit, evaluate, parse, simplify and derivative calls', () => {
    for (const f of ['import({}, {})', 'createUnit("foo")', 'evaluate("1+1")', 'parse("x")', 'simplify("x")', 'derivative("x^2", "x")', 'compile("1")'])
      expect(refused(f).join()).toMatch(/not allowed/);
  });
  it('refuses assignments, function definitions, property access, objects, strings and indexing', () => {
    expect(refused('a = 1').join()).toMatch(/AssignmentNode/);
    expect(refused('f(x) = x').join()).toMatch(/FunctionAssignmentNode/);
    expect(refused('a.constructor').join()).toMatch(/AccessorNode/);
    expect(refused('{a: 1}').join()).toMatch(/ObjectNode/);
    expect(refused('"abc"').join()).toMatch(/constant/);
    expect(refused('[1,2][1]').join()).toMatch(/not allowed/);
    expect(refused('1:10').join()).toMatch(/RangeNode/);
  });
  it('refuses calls through anything but a plain allowed function name', () => {
    expect(refused('(max)(1, 2)').length).toBeGreaterThan(0);
  });
  it('refuses expressions too long or too deeply nested to check safely, with a reason', () => {
    expect(refused('x + '.repeat(600) + 'x').join()).toMatch(/characters long; the limit is 2000/);
    expect(refused('('.repeat(40) + 'x' + ')'.repeat(40)).join()).toMatch(/nests parentheses 40 deep/);
    expect(refused('x' + '^x'.repeat(20)).join()).toMatch(/20 powers/);
    expect(refused('-'.repeat(6) + 'x').join()).toMatch(/signs in a row/);
    expect(parseExpression('a - -b').ok).toBe(true);
  });

  it('evaluates arithmetic, comparisons, conditionals and min/max', () => {
    const r = parseExpression('T > 500 ? max(a, b) * (1 - eta) : 0');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.parsed.symbols).toEqual(['T', 'a', 'b', 'eta']);
    const f = compileFloat(r.parsed);
    expect(
      f(
        new Map<string, number>([
          ['T', 600],
          ['a', 2],
          ['b', 3],
          ['eta', 0.9],
        ]),
      ),
    ).toBeCloseTo(0.3, 12);
    expect(
      f(
        new Map<string, number>([
          ['T', 400],
          ['a', 2],
          ['b', 3],
          ['eta', 0.9],
        ]),
      ),
    ).toBe(0);
  });
  it('evaluates period equations in exact decimals', () => {
    const r = parseExpression('a * b * c');
    if (!r.ok) throw new Error('parse');
    const v = compileDecimal(r.parsed)(
      new Map([
        ['a', toBigNumber('5000000')],
        ['b', toBigNumber('0.5')],
        ['c', toBigNumber('0.000716')],
      ]),
    );
    expect(String(v)).toBe('1790');
  });
});
