import Decimal from 'decimal.js';
import type { Mechanism } from '../mechanisms/mechanisms.ts';

// The decimal kernel lives on the ground floor (core/quantity/decimal.ts); re-exported here for the engine.
export { Dec, FLOAT_TO_DECIMAL_DIGITS, REPORT_DECIMALS, decimalFromFloat, reportQuantity, roundWhole, type RoundingMode } from '../quantity/decimal.ts';
import { Dec, type RoundingMode } from '../quantity/decimal.ts';
import type { ProfileRoundingMode } from '../quantity/rounding-modes.ts';

/**
 * The rounding policy of each mechanism, in one place.
 *
 * - Issuable units are whole tonnes, rounded **down** from the verified ER (conservative; CERs are
 *   whole units of 1 tCO2e, cdmrulebook.org/304; domain.md §4.1 marks the floor rule as practice, not
 *   an explicit rule [unsure]).
 * - Share-of-proceeds and reserve deductions are rounded **up** (conservative for the fund and the
 *   atmosphere): this matches the Vaayu Wind monitoring report (2 % of 111,949 = 2,238.98 → 2,239;
 *   domain.md §4.1) [the SOP rounding rule itself is unsure: configurable here].
 * - JCM credits: ER rounded down to whole tCO2 (JCM calculation spreadsheets) [unsure]; the
 *   allocation to accounts is rounded down per account, and the remainder goes to the project
 *   participants.
 */
export interface RoundingPolicy {
  readonly issuance: RoundingMode;
  readonly deductions: RoundingMode;
  readonly note: string;
}

export const ROUNDING_POLICIES: Readonly<Record<Mechanism, RoundingPolicy>> = {
  // CDM deductions rounded up: the Vaayu Wind MR forwards 2 % of 111,949 = 2,238.98 as 2,239.
  CDM: { issuance: 'floor', deductions: 'ceil', note: 'CERs = floor(ER); deductions rounded up' },
  JI: { issuance: 'floor', deductions: 'ceil', note: 'ERUs = floor(ER); deductions rounded up' },
  JCM: { issuance: 'floor', deductions: 'floor', note: 'JCM credits = floor(ER); allocations rounded down' },
  'A6.4': { issuance: 'floor', deductions: 'ceil', note: 'A6.4ERs = floor(ER); deductions rounded up' },
};

export { PROFILE_ROUNDING_MODES, type ProfileRoundingMode } from '../quantity/rounding-modes.ts';

/** One entry of a registration's rounding profile: round `symbol`'s period value to `decimals` places. */
export interface SymbolRounding {
  readonly decimals: number;
  readonly mode: ProfileRoundingMode;
  /** Where the registered calculation does this (e.g. the registered ER spreadsheet, sheet and cell). */
  readonly source: string;
}
export type RoundingProfile = Readonly<Record<string, SymbolRounding>>;

const DECIMAL_MODE: Record<ProfileRoundingMode, Decimal.Rounding> = {
  truncate: Decimal.ROUND_DOWN,
  floor: Decimal.ROUND_FLOOR,
  ceil: Decimal.ROUND_CEIL,
  'half-up': Decimal.ROUND_HALF_UP,
  'half-even': Decimal.ROUND_HALF_EVEN,
};

/**
 * Rounds a value exactly (decimal, no binary step) as a registration's rounding profile says, e.g. the
 * combined margin truncated to 4 decimals, 0.63479 → 0.6347. Off unless the registration declares it.
 *
 * @example roundAsRegistered('0.63479', { decimals: 4, mode: 'truncate', source: 'PDD ER sheet' }) // '0.6347'
 */
export function roundAsRegistered(value: string, rule: SymbolRounding): string {
  return new Dec(value).toDecimalPlaces(rule.decimals, DECIMAL_MODE[rule.mode]).toString();
}

/** The rule in words, for the trace: `truncate to 4 decimals (PDD ER sheet)`. */
export function describeRounding(rule: SymbolRounding): string {
  return `${rule.mode} to ${rule.decimals === 0 ? 'whole units' : `${rule.decimals} decimal${rule.decimals === 1 ? '' : 's'}`} as registered`;
}
