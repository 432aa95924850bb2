/**
 * Identity of the decimal closures (compileDecimal, decimal.js) with the mathjs BigNumber evaluation
 * they replace (`number: 'BigNumber', precision: 34`): every period equation and period check of
 * every registered module on random scopes, and every operator and function on awkward values.
 */
import { all, create } from 'mathjs';
import { describe, expect, it } from 'vitest';
import { registry } from '../../../../methodologies/index.ts';
import { parseExpression } from '../../../../core/expressions/sandbox.ts';
import { compileDecimal, isBigNumber, toBigNumber, type BigNumber } from '../../../../core/expressions/decimal.ts';

const oracle = create(all!, { number: 'BigNumber', precision: 34 });
const OracleBigNumber = (oracle as unknown as { BigNumber: new (v: unknown) => unknown }).BigNumber;
type Val = BigNumber | boolean;

/** Seeded PRNG (mulberry32). */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomDecimal(r: () => number): BigNumber {
  const k = r();
  if (k < 0.08) return toBigNumber(0);
  if (k < 0.16) return toBigNumber(Math.floor(r() * 20) - 5);
  if (k < 0.22) return toBigNumber((Math.floor(r() * 2000) / 4).toString()); // halves and quarters (round/floor edges)
  if (k < 0.26) return toBigNumber('1e-13'); // below relTol
  const digits = 1 + Math.floor(r() * 15);
  const mantissa = Math.floor(r() * 10 ** digits);
  const exp = Math.floor(r() * 16) - 8;
  const sign = r() < 0.2 ? '-' : '';
  return toBigNumber(`${sign}${mantissa}e${exp}`);
}

/** Runs one expression both ways; returns the (oracle) value to put in the scope, or undefined. */
function both(expr: string, scope: Map<string, Val>): { mine: Val | Error; theirs: unknown } {
  const parsed = parseExpression(expr);
  if (!parsed.ok) throw new Error(`${expr}: ${parsed.problems.join('; ')}`);
  const oScope = new Map<string, unknown>([...scope].map(([k, v]) => [k, typeof v === 'boolean' ? v : new OracleBigNumber(v)]));
  let theirs: unknown;
  try {
    theirs = oracle.compile(expr).evaluate(oScope);
  } catch (e) {
    theirs = e;
  }
  let mine: Val | Error;
  try {
    mine = compileDecimal(parsed.parsed)(scope);
  } catch (e) {
    mine = e as Error;
  }
  return { mine, theirs };
}

function expectSame(expr: string, scope: Map<string, Val>, mine: Val | Error, theirs: unknown): void {
  const where = `${expr} with ${[...scope].map(([k, v]) => `${k}=${String(v)}`).join(', ')}`;
  if (theirs instanceof Error) {
    expect(mine, where).toBeInstanceOf(Error);
    expect((mine as Error).message, where).toBe(theirs.message);
    return;
  }
  expect(mine, where).not.toBeInstanceOf(Error);
  const t = theirs as { isBigNumber?: boolean; isComplex?: boolean; toString(): string };
  if (typeof theirs === 'boolean') expect(mine, where).toBe(theirs);
  else if (t?.isComplex) expect(isBigNumber(mine) && (mine as BigNumber).isNaN(), `${where}: mathjs gives a Complex, the closures NaN`).toBe(true);
  else if (t?.isBigNumber) {
    expect(isBigNumber(mine), where).toBe(true);
    expect((mine as BigNumber).toString(), where).toBe(t.toString());
  } else if (typeof theirs === 'number') {
    // mathjs keeps plain numbers for arithmetic on two booleans (and sqrt/log of −0); the closures give the same value as a decimal
    expect(isBigNumber(mine) ? (mine as BigNumber).toNumber() : mine, where).toBe(theirs);
  } else throw new Error(`unexpected oracle result for ${where}: ${String(theirs)}`);
}

describe('decimal closures = mathjs BigNumber evaluation', () => {
  it.each(registry.list.map((m) => [m.key, m] as const))('%s: every period equation and check on random scopes', (_key, m) => {
    const r = rng(0xc0ffee ^ m.key.length);
    let compared = 0;
    for (let run = 0; run < 200; run++) {
      const scope = new Map<string, Val>();
      const booleans = new Set([...m.projectSymbols].filter(([, p]) => p.kind !== 'number').map(([s]) => s));
      const value = (s: string): Val => (booleans.has(s) ? r() < 0.5 : randomDecimal(r));
      const fill = (symbols: readonly string[]) => {
        for (const s of symbols) if (!scope.has(s) && !m.periodEquations.some((e) => e.symbol === s)) scope.set(s, value(s));
      };
      for (const eq of m.periodEquations) {
        fill(eq.parsed.symbols);
        const { mine, theirs } = both(eq.expr, scope);
        expectSame(eq.expr, scope, mine, theirs);
        compared++;
        if (mine instanceof Error) break;
        scope.set(eq.symbol, mine);
      }
      for (const check of m.periodChecks) {
        fill(check.parsed.symbols);
        const { mine, theirs } = both(check.assert, scope);
        expectSame(check.assert, scope, mine, theirs);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(0);
  });

  const EXPRS = [
    'a + b',
    'a - b',
    'a * b',
    'a / b',
    'a ^ 2',
    'a ^ 3',
    'a ^ -2',
    'a ^ b',
    'a ^ 0.5',
    'pow(a, 2)',
    'pow(a, b)',
    '-a',
    '+a',
    '-(a - b)',
    'a > b',
    'a >= b',
    'a < b',
    'a <= b',
    'a == b',
    'a != b',
    'a > 0',
    'a == 0.1 + 0.2',
    'a and b',
    'a or b',
    'not a',
    'p and q',
    'p or a',
    'not p',
    'p ? a : b',
    'a ? a : b',
    '(a > b) ? a - b : b - a',
    'min(a, b)',
    'max(a, b)',
    'min(a, b, c)',
    'max(a, p)',
    'min(p, q)',
    'max(0, a - b)',
    'abs(a)',
    'floor(a)',
    'ceil(a)',
    'round(a)',
    'round(a, 2)',
    'round(a, 14)',
    'floor(a / b)',
    'ceil(a * 3)',
    'sqrt(a)',
    'exp(a / 1e9)',
    'log(a)',
    'log(a, 10)',
    'a * 44 / 12',
    '0.1 + 0.2',
    '1 / 3 * 3',
    'a / 0',
    '0 / 0',
    'a + p',
    'p * a',
    'p + q',
    'a * 1e-12',
    '(a + b) * c - a / (b + 1)',
    '1 - a',
    '44 / 12 * a * 0.000716',
    'a > b and b > c',
    'a == b or p',
    'a + undefinedSymbol',
  ];
  it('every operator and function on awkward values (zero, negatives, halves, near-equal, NaN, ±Infinity, booleans)', () => {
    const r = rng(42);
    const specials = [
      '0',
      '-0',
      '1',
      '-1',
      '0.5',
      '2.5',
      '-2.5',
      '3',
      '1e-13',
      '1.0000000000001',
      '0.9999999999999',
      '1e20',
      '-7.25',
      'NaN',
      'Infinity',
      '-Infinity',
      '0.30000000000000000000000000000000001',
    ];
    let n = 0;
    for (const expr of EXPRS) {
      for (let i = 0; i < 120; i++) {
        const pick = () => (r() < 0.5 ? toBigNumber(specials[Math.floor(r() * specials.length)]!) : randomDecimal(r));
        const scope = new Map<string, Val>([
          ['a', pick()],
          ['b', pick()],
          ['c', pick()],
          ['p', r() < 0.5],
          ['q', r() < 0.5],
        ]);
        if (/\b(a|b)\b/.test(expr) && r() < 0.1) scope.set('b', scope.get('a')!);
        const { mine, theirs } = both(expr, scope);
        expectSame(expr, scope, mine, theirs);
        n++;
      }
    }
    expect(n).toBe(EXPRS.length * 120);
  });

  it('literals are decimals from their text, as in mathjs BigNumber mode', () => {
    for (const expr of ['0.1', '0.1 + 0.2', '1.23456789012345678901234567890123', '3.6e-3', '2.5e3', '.5', '10%', '0x1F', 'Infinity', '-Infinity']) {
      const { mine, theirs } = both(expr, new Map());
      expect(String(mine), expr).toBe(String(theirs));
    }
  });
});
