import { ConfigError } from '../errors.ts';
import { commitmentPeriodOf, type Mechanism, type Period } from '../mechanisms/mechanisms.ts';
import { Dec, roundWhole, type RoundingMode } from '../quantity/decimal.ts';
import { ROUNDING_POLICIES, type RoundingPolicy } from '../calculation/rounding.ts';

/**
 * Issuance: how many whole units a verified emission reduction yields, and which accounts receive
 * them. Pure; every rate names its legal source (domain.md §4). Units are whole numbers carried as
 * decimal strings, like every quantity in a CalculationResult.
 */

/** Where deducted units go. */
export type DeductionPurpose = 'share-of-proceeds' | 'ccs-reserve' | 'omge-cancellation' | 'allocation';

export interface Deduction {
  /** Receiving account, e.g. `Adaptation Fund` or a JCM allocation account. */
  readonly account: string;
  readonly purpose: DeductionPurpose;
  /** Whole units (decimal string). */
  readonly units: string;
  /** Fraction of the units issued (decimal string, `"0.02"`). */
  readonly rate: string;
  readonly rounding: RoundingMode;
  /** Legal source of the rate, e.g. `decision 17/CP.7 para 15(a)`. */
  readonly source: string;
}

export interface IssuanceBreakdown {
  /** Whole units issued: ER rounded per the mechanism's policy (0 when ER ≤ 0). */
  readonly units: string;
  /** How `units` was rounded from the ER. */
  readonly rounding: string;
  readonly deductions: readonly Deduction[];
  /** Units forwarded to the project participants: units − Σ deductions. */
  readonly toParticipants: string;
  /**
   * CCS: a net reversal of storage (seepage exceeding the period's reductions, tCO2e, rounded up)
   * to be cancelled from the project's CCS reserve first (decision 10/CMP.7). The ledger works out
   * the cancellation against the reserve balance when it appends the entry.
   */
  readonly storageReversal?: string;
}

export interface IssuanceInput {
  readonly mechanism: Mechanism;
  /** Verified emission reductions of the period, tCO2e (decimal string). */
  readonly er: string;
  /**
   * The monitoring period the units are issued for. Required for JI: the 2 % share of proceeds applies
   * to ERUs of the second commitment period only (decision 1/CMP.8 para 21), so issuance must know it.
   */
  readonly period?: Period;
  /** Host is a least developed country (CDM share-of-proceeds exemption). */
  readonly ldc: boolean;
  /** Carbon capture and storage project activity (CDM CCS reserve). */
  readonly ccs: boolean;
  /** CCS: the period's net reversal of storage (−ER when ER < 0), tCO2e. */
  readonly netReversal?: string;
  /** JCM: shares of the credits allocated to named accounts; the rest goes to the participants. */
  readonly jcmAllocation?: readonly { readonly account: string; readonly share: number }[];
  /** Replaces a rate of {@link ISSUANCE_RATES} (the unsure ones are configurable). */
  readonly rates?: Partial<IssuanceRates>;
  /** Replaces the mechanism's rounding policy from ROUNDING_POLICIES. */
  readonly policy?: RoundingPolicy;
}

export interface Rate {
  readonly rate: string;
  readonly account: string;
  readonly source: string;
}

export interface IssuanceRates {
  readonly cdmShareOfProceeds: Rate;
  readonly cdmCcsReserve: Rate;
  readonly jiShareOfProceeds: Rate;
  readonly a64ShareOfProceeds: Rate;
  readonly a64Omge: Rate;
}

/** The deduction rates, each with the decision that sets it. */
export const ISSUANCE_RATES: IssuanceRates = {
  /** 2 % of CERs issued to the Adaptation Fund; CDM project activities in LDCs are exempt. */
  cdmShareOfProceeds: { rate: '0.02', account: 'Adaptation Fund (SOP-AF)', source: 'decision 17/CP.7 para 15(a); LDC exemption para 15(b)' },
  /** 5 % of the CERs issued for a CCS project activity held in the CCS reserve account [base = units issued: unsure, domain.md §4.2]. */
  cdmCcsReserve: { rate: '0.05', account: 'CCS reserve account', source: 'decision 10/CMP.7 (CCS as CDM), reserve of 5 % of CERs issued [unsure: base]' },
  /**
   * 2 % share of proceeds extended to the issuance of ERUs for the second commitment period
   * (decision 1/CMP.8 para 21); ERUs of the first commitment period carry none (see computeIssuance).
   */
  jiShareOfProceeds: { rate: '0.02', account: 'Adaptation Fund (SOP-AF)', source: 'decision 1/CMP.8 para 21 (ERUs issued for the second commitment period)' },
  /** 5 % of A6.4ERs at issuance forwarded to the Adaptation Fund. */
  a64ShareOfProceeds: { rate: '0.05', account: 'Adaptation Fund', source: 'decision 3/CMA.3 annex para 67 (share of proceeds for adaptation)' },
  /** 2 % of A6.4ERs issued cancelled for overall mitigation in global emissions. */
  a64Omge: { rate: '0.02', account: 'OMGE cancellation account', source: 'decision 3/CMA.3 annex para 69 (OMGE)' },
};

/**
 * Computes units issued, deductions and the participants' share (domain.md §4.6 waterfall):
 *
 * - units = ER rounded per ROUNDING_POLICIES (floor); negative ER issues nothing;
 * - CDM: share of proceeds 2 % (none in an LDC), CCS reserve 5 % for CCS project activities, both on
 *   the units issued and rounded up;
 * - JI: share of proceeds 2 % (1/CMP.8 para 21) on ERUs of the second commitment period (2013–2020)
 *   only, rounded up; ERUs of the first commitment period carry none; the period is required and a
 *   period after 2020 (no JI crediting) or across 31 December 2012 is a configuration error;
 * - Article 6.4: 5 % share of proceeds + 2 % OMGE cancellation, rounded up;
 * - JCM: each `jcmAllocation` share rounded down; the remainder goes to the participants.
 *
 * Throws {@link ConfigError} when JCM shares add up to more than 1, and for JI without a period (or
 * with one that is not inside one Kyoto commitment period).
 *
 * @example computeIssuance({ mechanism: 'A6.4', er: '100000', ldc: false, ccs: false }).toParticipants // '93000'
 */
export function computeIssuance(input: IssuanceInput): IssuanceBreakdown {
  const policy = input.policy ?? ROUNDING_POLICIES[input.mechanism];
  const rates = { ...ISSUANCE_RATES, ...input.rates };
  const er = new Dec(input.er);
  const units = er.isNegative() ? new Dec(0) : roundWhole(er, policy.issuance);
  const deductions: Deduction[] = [];
  const deduct = (r: Rate, purpose: DeductionPurpose, rounding: RoundingMode = policy.deductions) =>
    deductions.push({ account: r.account, purpose, units: roundWhole(units.times(r.rate), rounding).toString(), rate: r.rate, rounding, source: r.source });

  switch (input.mechanism) {
    case 'CDM':
      if (!input.ldc) deduct(rates.cdmShareOfProceeds, 'share-of-proceeds');
      if (input.ccs) deduct(rates.cdmCcsReserve, 'ccs-reserve');
      break;
    case 'JI': {
      if (!input.period)
        throw new ConfigError(
          'JI issuance needs the monitoring period: the share of proceeds applies to ERUs of the second commitment period only (decision 1/CMP.8 para 21).',
        );
      const cp = commitmentPeriodOf(input.period);
      if (cp === 'post-2020')
        throw new ConfigError(`JI has no crediting after 2020-12-31: no ERUs can be issued for ${input.period.start} – ${input.period.end}.`);
      if (cp === 'CP2') deduct(rates.jiShareOfProceeds, 'share-of-proceeds');
      break;
    }
    case 'A6.4':
      deduct(rates.a64ShareOfProceeds, 'share-of-proceeds');
      deduct(rates.a64Omge, 'omge-cancellation');
      break;
    case 'JCM': {
      const allocation = input.jcmAllocation ?? [];
      const total = allocation.reduce((s, a) => s.plus(String(a.share)), new Dec(0));
      if (total.greaterThan(1)) throw new ConfigError(`JCM allocation shares add up to ${total.toString()}, more than 1.`);
      for (const a of allocation)
        deduct(
          {
            rate: String(a.share),
            account: a.account,
            source: 'JCM credit allocation declared by the project participants (Modalities of Communication; JCM Credit Allocation Form)',
          },
          'allocation',
        );
      break;
    }
  }
  const deducted = deductions.reduce((s, d) => s.plus(d.units), new Dec(0));
  if (deducted.greaterThan(units)) throw new ConfigError(`Deductions (${deducted.toString()}) exceed the units issued (${units.toString()}).`);
  const reversal =
    input.ccs && input.netReversal !== undefined && new Dec(input.netReversal).greaterThan(0)
      ? roundWhole(new Dec(input.netReversal), 'ceil').toString()
      : undefined;
  return {
    units: units.toString(),
    rounding: policy.note,
    deductions,
    toParticipants: units.minus(deducted).toString(),
    ...(reversal ? { storageReversal: reversal } : {}),
  };
}

export interface ReserveCancellation {
  /** Units cancelled from the CCS reserve account. */
  readonly fromReserve: string;
  /** Reserve balance after the cancellation. */
  readonly reserveRemaining: string;
  /** Units the project participants must cancel because the reserve does not cover the reversal. */
  readonly owedByParticipants: string;
}

/**
 * A net reversal of storage (seepage) in a CCS project activity: units equal to the reversal
 * (rounded up to whole units, conservative) are cancelled from the CCS reserve first; a shortfall is
 * owed by the project participants (then the host Party, per the liability provisions of
 * decision 10/CMP.7; domain.md §4.2 [unsure: cascade details]).
 *
 * @example cancelFromReserve('45000', '30000') // { fromReserve: '30000', reserveRemaining: '15000', owedByParticipants: '0' }
 */
export function cancelFromReserve(reserveBalance: string | number, reversal: string | number): ReserveCancellation {
  const balance = new Dec(String(reserveBalance));
  const owed = roundWhole(new Dec(String(reversal)), 'ceil');
  if (balance.isNegative() || owed.isNegative()) throw new ConfigError('Reserve balance and reversal must not be negative.');
  const fromReserve = Dec.min(balance, owed);
  return {
    fromReserve: fromReserve.toString(),
    reserveRemaining: balance.minus(fromReserve).toString(),
    owedByParticipants: owed.minus(fromReserve).toString(),
  };
}
