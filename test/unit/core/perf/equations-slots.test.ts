/**
 * Slot-compiled equations (compileFloatSlots) against mathjs `evaluate` (compileFloat): identical
 * results and identical errors on every equation and check of every registered module, and on
 * expressions that exercise each operator, function and edge case.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileFloat, parseExpression, type ParsedExpression } from '../../../../core/expressions/sandbox.ts';
import { compileFloatSlots, UNSET } from '../../../../core/expressions/float-slots.ts';
import { registry } from '../../../../methodologies/index.ts';

type Outcome = { value: unknown } | { error: string };
const outcome = (f: () => unknown): Outcome => {
  try {
    const v = f();
    return { value: typeof v === 'number' || typeof v === 'boolean' ? v : String(v) };
  } catch (e) {
    return { error: (e as Error).message };
  }
};

function expectSame(parsed: ParsedExpression, values: readonly unknown[]) {
  const slots = new Map(parsed.symbols.map((s, i) => [s, i]));
  const fast = compileFloatSlots(parsed, slots);
  expect(fast, parsed.expr).toBeDefined();
  const reference = compileFloat(parsed);
  const scope = new Map<string, number | boolean>();
  parsed.symbols.forEach((s, i) => {
    if (values[i] !== UNSET) scope.set(s, values[i] as number | boolean);
  });
  const a = outcome(() => fast!([...values]));
  const b = outcome(() => reference(scope));
  if ('value' in a && 'value' in b && typeof a.value === 'number' && typeof b.value === 'number')
    expect(
      Object.is(a.value, b.value) || (Number.isNaN(a.value) && Number.isNaN(b.value)),
      `${parsed.expr} with ${values.map((v) => String(v === UNSET ? 'unset' : v)).join(', ')}: ${a.value} vs ${b.value}`,
    ).toBe(true);
  else expect(a, `${parsed.expr} with ${values.map((v) => String(v === UNSET ? 'unset' : v)).join(', ')}`).toEqual(b);
}

const value = fc.oneof(
  { weight: 6, arbitrary: fc.double({ noDefaultInfinity: false }) },
  { weight: 4, arbitrary: fc.double({ min: -1000, max: 1000, noNaN: true }) },
  { weight: 3, arbitrary: fc.constantFrom(0, -0, 1, -1, 0.1, 0.2, 0.30000000000000004, 0.3, 1e-16, 1 + 1e-13, 2, 1000, Infinity, -Infinity, NaN) },
  { weight: 2, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(UNSET as unknown) },
  { weight: 1, arbitrary: fc.constant(undefined as unknown) },
);

function check(parsed: ParsedExpression, runs = 300) {
  fc.assert(
    fc.property(fc.array(value, { minLength: parsed.symbols.length, maxLength: parsed.symbols.length }), (values) => expectSame(parsed, values)),
    { numRuns: runs },
  );
}

describe('slot-compiled equations = mathjs evaluate', () => {
  it('on every equation and check of every registered methodology', () => {
    const all = registry.list;
    expect(all.length).toBeGreaterThan(0);
    let n = 0;
    for (const m of all) {
      for (const c of [...m.rowEquations, ...m.periodEquations, ...m.rowChecks, ...m.periodChecks]) {
        check(c.parsed);
        n++;
      }
    }
    expect(n).toBeGreaterThan(10);
  });

  it('on every operator and allowed function, including tolerance edge cases', () => {
    const exprs = [
      'a + b',
      'a - b',
      'a * b',
      'a / b',
      'a ^ b',
      '-a',
      '+a',
      'not a',
      'a and b',
      'a or b',
      'a > b',
      'a >= b',
      'a < b',
      'a <= b',
      'a == b',
      'a != b',
      'a ? b : 0',
      '(a + b) * (a - b) / 2',
      'min(a, b)',
      'max(a, b)',
      'abs(a)',
      'floor(a)',
      'ceil(a)',
      'round(a)',
      'sqrt(a)',
      'exp(a)',
      'log(a)',
      'pow(a, b)',
      'min(a, b, 3)',
      'a > 500 ? max(a, b) * (1 - b) : 0',
      'a == 0.3',
      '2 a',
      'true + a',
      'a ? true : false',
    ];
    for (const e of exprs) {
      const r = parseExpression(e);
      if (!r.ok) throw new Error(`${e}: ${r.problems.join('; ')}`);
      check(r.parsed, 400);
    }
    const eq = parseExpression('a == b');
    if (!eq.ok) throw new Error('parse');
    expectSame(eq.parsed, [0.1 + 0.2, 0.3]);
    expectSame(eq.parsed, [1, 1 + 1e-13]);
    expectSame(eq.parsed, [0, 1e-16]);
    // min and max run inline on two numbers: on values equal within mathjs's tolerance mathjs keeps the first.
    for (const f of ['min(a, b)', 'max(a, b)']) {
      const r = parseExpression(f);
      if (!r.ok) throw new Error('parse');
      for (const pair of [
        [1, 1 + 1e-13],
        [1 + 1e-13, 1],
        [1, 1 + 1e-15],
        [1 + 1e-15, 1],
        [0, -0],
        [-0, 0],
        [0, 1e-16],
        [1e-16, 0],
        [NaN, 1],
        [1, NaN],
        [Infinity, -Infinity],
      ])
        expectSame(r.parsed, pair);
    }
  });

  it('keeps the whitelist: refused expressions are never compiled', () => {
    for (const e of ['import({}, {})', 'a.constructor', 'f(x) = x', '"abc"', 'evaluate("1")']) expect(parseExpression(e).ok).toBe(false);
  });
});
