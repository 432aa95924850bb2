import { Dec } from '../quantity/decimal.ts';

/** Project scale as registered (sets the materiality bracket). */
export type Scale = 'large' | 'small' | 'micro';

export interface MaterialityBracket {
  /** Threshold in percent of the emission reductions claimed (decimal string, `"0.5"`). */
  readonly percent: string;
  /** Which bracket applied, in words. */
  readonly bracket: string;
  readonly source: string;
}

const SOURCE = 'decision 9/CMP.7 (materiality in CDM verification); CDM Validation and Verification Standard for project activities (VVS-PA)';

/**
 * The materiality threshold of a verification (decision 9/CMP.7), by project scale and annual
 * emission reductions:
 *
 * | scale | annual ER (tCO2e/yr) | threshold |
 * |---|---|---|
 * | large | > 500,000 | 0.5 % |
 * | large | 300,000 < ER ≤ 500,000 | 1 % |
 * | large | ≤ 300,000 | 2 % |
 * | small | any | 5 % |
 * | micro | any | 10 % |
 *
 * The decision text says ">500,000", "300,000 to 500,000" and "up to 300,000"; how exactly 300,000
 * and 500,000 are treated is ambiguous [unsure]. Following domain.md §3: exactly 500,000 is in the
 * 1 % bracket and exactly 300,000 in the 2 % bracket (the larger threshold at a boundary).
 */
export function materialityBracket(scale: Scale, annualEr: string | number): MaterialityBracket {
  if (scale === 'micro') return { percent: '10', bracket: 'micro-scale', source: SOURCE };
  if (scale === 'small') return { percent: '5', bracket: 'small-scale', source: SOURCE };
  const er = new Dec(String(annualEr));
  if (er.greaterThan(500_000)) return { percent: '0.5', bracket: 'large-scale, > 500,000 tCO2e/yr', source: SOURCE };
  if (er.greaterThan(300_000)) return { percent: '1', bracket: 'large-scale, 300,000 < ER ≤ 500,000 tCO2e/yr', source: SOURCE };
  return { percent: '2', bracket: 'large-scale, ≤ 300,000 tCO2e/yr', source: SOURCE };
}

export interface MaterialityInput {
  readonly scale: Scale;
  /** Emission reductions claimed for the monitoring period, tCO2e (decimal string). */
  readonly erPeriod: string;
  /** Length of the monitoring period in days, first and last day included. */
  readonly periodDays: number;
  /** Registered PDD estimate, tCO2e/yr (fallback for the bracket). */
  readonly pddAnnualEstimate: number;
}

export interface Materiality extends MaterialityBracket {
  /** The annual ER that chose the bracket (decimal string, 0 decimals). */
  readonly annualEr: string;
  readonly annualBasis: 'claimed ER annualised over the period' | 'registered PDD estimate';
  /** Threshold in tonnes for this period: percent × ER claimed (decimal string, 3 decimals). */
  readonly tonnes: string;
}

/**
 * Materiality for one monitoring period. The bracket is set by the claimed ER annualised over the
 * period (ER × 365 / days), falling back to the registered PDD estimate when the period gives no
 * positive ER (domain.md §3 suggestion; which value sets the bracket is unsure). The threshold in
 * tonnes is the percentage of the ER claimed for the period.
 *
 * @example materiality({ scale: 'large', erPeriod: '600000', periodDays: 365, pddAnnualEstimate: 0 }).tonnes // '3000'
 */
export function materiality(input: MaterialityInput): Materiality {
  const er = new Dec(input.erPeriod);
  const useClaimed = er.greaterThan(0) && input.periodDays > 0;
  const annual = useClaimed ? er.times(365).dividedBy(input.periodDays) : new Dec(input.pddAnnualEstimate);
  const bracket = materialityBracket(input.scale, annual.toString());
  const tonnes = Dec.max(er, 0).times(bracket.percent).dividedBy(100).toDecimalPlaces(3);
  return {
    ...bracket,
    annualEr: annual.toDecimalPlaces(0).toString(),
    annualBasis: useClaimed ? 'claimed ER annualised over the period' : 'registered PDD estimate',
    tonnes: tonnes.toString(),
  };
}
