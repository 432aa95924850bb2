/**
 * Float closures (the per-row path) and decimal closures (the period path) compile the same typed tree:
 * on generated expressions over every operator and function, they agree within floating-point error,
 * take the same branches and give the same true/false; where the float is not finite, neither is the
 * decimal. (Exact agreement of each with mathjs is tested in test/unit/core/perf/equations-*.test.ts.)
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileDecimal, isBigNumber, toBigNumber, type BigNumber } from '../../../../core/expressions/decimal.ts';
import { compileFloatSlots } from '../../../../core/expressions/float-slots.ts';
import { parseExpression } from '../../../../core/expressions/sandbox.ts';

const SYMBOLS = ['a', 'b', 'c'] as const;
const leaf = fc.oneof(fc.constantFrom(...SYMBOLS), fc.constantFrom('0', '1', '2', '0.5', '0.1', '3', '10', '1.25'));
const nonZeroLeaf = fc.oneof(fc.constantFrom(...SYMBOLS), fc.constantFrom('1', '2', '0.5', '0.1', '3', '1.25'));
/** A condition on leaves only, so both paths take the same branch. */
const condition = fc.oneof(
  fc.tuple(leaf, fc.constantFrom('>', '>=', '<', '<=', '==', '!='), leaf).map(([x, op, y]) => `${x} ${op} ${y}`),
  fc.tuple(leaf, leaf, leaf).map(([x, y, z]) => `(${x} > ${y} and not (${z} == 1))`),
  fc.tuple(leaf, leaf).map(([x, y]) => `(${x} < ${y} or ${x} == 0)`),
);

const { expr } = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.tuple(tie('expr'), fc.constantFrom('+', '-', '*'), tie('expr')).map(([x, op, y]) => `(${x} ${op} ${y})`),
    fc.tuple(tie('expr'), nonZeroLeaf).map(([x, y]) => `(${x} / ${y})`),
    tie('expr').map((x) => `-(${x})`),
    fc.tuple(fc.constantFrom('min', 'max'), tie('expr'), tie('expr')).map(([f, x, y]) => `${f}(${x}, ${y})`),
    tie('expr').map((x) => `abs(${x})`),
    tie('expr').map((x) => `sqrt(abs(${x}))`),
    tie('expr').map((x) => `(${x}) ^ 2`),
    tie('expr').map((x) => `pow(abs(${x}), 0.5)`),
    tie('expr').map((x) => `log(abs(${x}) + 1)`),
    leaf.map((x) => `exp(${x})`),
    fc.tuple(fc.constantFrom('floor', 'ceil', 'round'), leaf).map(([f, x]) => `${f}(${x})`),
    fc.tuple(condition, tie('expr'), tie('expr')).map(([p, x, y]) => `(${p} ? ${x} : ${y})`),
  ),
}));
const value = fc.oneof(
  fc.constantFrom(-3, -1, 0, 0.5, 1, 2, 7, 0.1, 10),
  fc.integer({ min: -40, max: 40 }).map((n) => n / 4),
);

describe('float and decimal closures of the same tree agree', () => {
  it('on generated expressions over every operator and function', () => {
    fc.assert(
      fc.property(expr, fc.tuple(value, value, value), (text, values) => {
        const r = parseExpression(text);
        if (!r.ok) throw new Error(`${text}: ${r.problems.join('; ')}`);
        const slots = new Map<string, number>(SYMBOLS.map((s, i) => [s, i]));
        const float = compileFloatSlots(r.parsed, slots)!(values as unknown as unknown[]);
        const decimal = compileDecimal(r.parsed)(new Map(SYMBOLS.map((s, i) => [s, toBigNumber(values[i]!)])));
        const context = `${text} with a, b, c = ${values.join(', ')}: float ${String(float)}, decimal ${String(decimal)}`;
        expect(typeof float === 'boolean', context).toBe(typeof decimal === 'boolean');
        if (typeof float === 'boolean') {
          expect(decimal, context).toBe(float);
          return;
        }
        const d = decimal as BigNumber;
        expect(isBigNumber(d), context).toBe(true);
        if (!Number.isFinite(float)) {
          expect(d.isFinite(), context).toBe(false);
          return;
        }
        expect(d.isFinite(), context).toBe(true);
        const tolerance = 1e-9 * Math.max(1, Math.abs(d.toNumber())) + 1e-9;
        expect(Math.abs(float - d.toNumber()), context).toBeLessThanOrEqual(tolerance);
      }),
      { seed: 20_261_202, numRuns: 2000 },
    );
  });

  it('decimal literals are exact where the float is not (0.1 + 0.2 == 0.3 in both, by tolerance and by value)', () => {
    const r = parseExpression('0.1 + 0.2');
    if (!r.ok) throw new Error(r.problems.join());
    expect(compileFloatSlots(r.parsed, new Map())!([])).toBe(0.30000000000000004);
    expect(String(compileDecimal(r.parsed)(new Map()))).toBe('0.3');
  });
});
