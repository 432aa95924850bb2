/**
 * Units of an expression (core/units/units.ts `inferDimension`), inferred over the typed expression
 * tree: each rule gives its dimension, and each mismatch a problem quoting the expression as written
 * by mathjs.
 */
import { describe, expect, it } from 'vitest';
import { parseExpression } from '../../../../core/expressions/sandbox.ts';
import { describeDimension, inferDimension, parseUnit, type Dim } from '../../../../core/units/units.ts';

const UNITS: Record<string, string> = { E: 'MWh', M: 't', M2: 't', EF: 't/MWh', A: 'm2', eta: '1', T: 'K', d: 'day' };
const unitOf = (s: string): Dim | undefined => {
  if (s === 'flag') return 'bool';
  const text = UNITS[s];
  if (text === undefined) return undefined;
  const p = parseUnit(text);
  if (!p.ok) throw new Error(p.problem);
  return p.unit;
};
const infer = (expr: string) => {
  const r = parseExpression(expr);
  if (!r.ok) throw new Error(r.problems.join('; '));
  const { dim, problems } = inferDimension(r.parsed.tree, unitOf);
  return { dim: describeDimension(dim), problems };
};

describe('inferDimension over the typed tree', () => {
  it.each([
    ['E * EF', 't'],
    ['M / E', 't / MWh'],
    ['(M + M2) * eta', 't'],
    ['A ^ 2', 'm^4'],
    ['sqrt(A)', 'm'],
    ['abs(-M)', 't'],
    ['round(M, 2)', 't'],
    ['min(M, 0, M2)', 't'],
    ['max(0, E)', 'MWh'],
    ['exp(eta) + log(2)', 'dimensionless'],
    ['pow(eta, 2)', 'dimensionless'],
    ['M > 0 and not flag', 'true/false'],
    ['flag ? M : 0', 't'],
    ['2 * 3', 'dimensionless'],
  ])('%s is in %s, without a problem', (expr, unit) => {
    expect(infer(expr)).toEqual({ dim: unit, problems: [] });
  });

  it.each([
    ['E + M', '"E + M" adds t to MWh'],
    ['M - E', '"M - E" subtracts MWh from t'],
    ['M > E', '"M > E" compares t with MWh'],
    ['flag ? M : E', 'the branches of "flag ? M : E" have different units (t and MWh)'],
    ['E ^ eta', '"E ^ eta" raises MWh to a non-constant power'],
    ['E ^ (2)', '"E ^ (2)" raises MWh to a non-constant power'],
    ['min(M, E)', 'min() of different units in "min(M, E)"'],
    ['exp(M)', 'exp() needs dimensionless arguments in "exp(M)"'],
    ['pow(A, 2)', 'pow() needs dimensionless arguments in "pow(A, 2)"'],
  ])('%s: %s', (expr, problem) => {
    expect(infer(expr).problems).toEqual([problem]);
  });

  it('reports the problems of the operands before those of the expression that contains them', () => {
    expect(infer('(E + M) > d').problems).toEqual(['"E + M" adds t to MWh', '"(E + M) > d" compares MWh with day']);
  });
});
