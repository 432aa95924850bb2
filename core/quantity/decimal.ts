import Decimal from 'decimal.js';

/**
 * The decimal kernel: the one decimal type of every reported and issuable quantity, and the rules that
 * bring a float row sum into it. On the ground floor of core/: the ledger, review and issuance use it
 * without importing the calculation engine.
 */

/**
 * Decimal arithmetic for every reported and issuable quantity. 34 significant digits (IEEE 754
 * decimal128), round half to even where a rounding mode is not set by policy.
 */
export const Dec = Decimal.clone({ precision: 34, rounding: Decimal.ROUND_HALF_EVEN, toExpNeg: -30, toExpPos: 30 });
export type Dec = Decimal;

/**
 * Row-level equations run in binary floating point for speed; their period sums are accumulated with
 * compensated summation and then brought back to decimal at this many significant digits. A double
 * holds 15–17 significant digits, so 15 removes binary artefacts (1789.9999999999998 → 1790) without
 * touching any digit a meter can measure.
 */
export const FLOAT_TO_DECIMAL_DIGITS = 15;

/** Reported quantities (t of gas, tCO2e) are rounded to this many decimals: 1 g. */
export const REPORT_DECIMALS = 6;

/** Converts a float (row sum) to Decimal, dropping binary noise beyond 15 significant digits. */
export function decimalFromFloat(x: number): Dec {
  if (x === 0) return new Dec(0);
  return new Dec(x.toPrecision(FLOAT_TO_DECIMAL_DIGITS));
}

/** A quantity as reported: 6 decimals, trailing zeros dropped (`"1790"`, `"36037.5"`). */
export function reportQuantity(x: Dec): string {
  return x.toDecimalPlaces(REPORT_DECIMALS, Decimal.ROUND_HALF_EVEN).toString();
}

export type RoundingMode = 'floor' | 'ceil' | 'half-up';

export function roundWhole(x: Dec, mode: RoundingMode): Dec {
  return x.toDecimalPlaces(0, mode === 'floor' ? Decimal.ROUND_FLOOR : mode === 'ceil' ? Decimal.ROUND_CEIL : Decimal.ROUND_HALF_UP);
}
