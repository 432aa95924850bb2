import type { Period } from '../mechanisms/mechanisms.ts';
import { isLegacyPeriod, spanOf } from '../time/period.ts';
import { SiteClock } from '../time/zone.ts';

/**
 * Credit types, and when temporary A/R credits expire (decision 5/CMP.1 annex, domain.md §4.4).
 * Other credits (CERs, ERUs, JCM credits, A6.4ERs) do not expire.
 */
export const CREDIT_TYPES = ['CER', 'ERU', 'JCM', 'A6.4ER', 'tCER', 'lCER'] as const;
export type CreditType = (typeof CREDIT_TYPES)[number];

export interface CreditExpiry {
  /** Last day of validity (YYYY-MM-DD), or undefined when no rule fixes it. */
  readonly expires?: string;
  readonly rule: string;
}

/** Commitment periods of the Kyoto Protocol, by their last day. */
const COMMITMENT_PERIODS = [
  { name: 'first commitment period', end: '2012-12-31' },
  { name: 'second commitment period', end: '2020-12-31' },
] as const;

/**
 * When a credit expires.
 * - tCER (para 1(g)): at the end of the commitment period *following* the one in which it was
 *   issued. The issuance is taken to fall in the commitment period of the monitoring period's last
 *   day [unsure: the registry's issuance date decides]; a tCER issued in the second commitment period
 *   has no defined following period, so no date is given and the rule says so.
 * - lCER (para 1(h)): at the end of the crediting period of the project activity.
 */
export function creditExpiry(type: CreditType, period: Period, creditingPeriod: Period): CreditExpiry {
  if (type === 'lCER') return { expires: creditingPeriod.end, rule: 'lCER: expires at the end of the crediting period (decision 5/CMP.1 annex para 1(h))' };
  if (type !== 'tCER') return { rule: `${type}: does not expire` };
  // The period's last local day (half-open: the day before its end instant; a legacy period stores it).
  const lastDay = isLegacyPeriod(period) ? period.end : SiteClock.of(period.timeZone ?? 'UTC').dateOf(spanOf(period).end - 1);
  const issuedIn = COMMITMENT_PERIODS.findIndex((cp) => lastDay <= cp.end);
  const following = issuedIn >= 0 ? COMMITMENT_PERIODS[issuedIn + 1] : undefined;
  const rule = 'tCER: expires at the end of the commitment period following the one in which it was issued (decision 5/CMP.1 annex para 1(g))';
  if (!following)
    return {
      rule: `${rule}; issued after the first commitment period, and no later Kyoto commitment period is defined: the expiry follows the registry's rules`,
    };
  return { expires: following.end, rule: `${rule}: issued in the ${COMMITMENT_PERIODS[issuedIn]!.name}, expires at the end of the ${following.name}` };
}

/** The credit type a mechanism issues by default. */
export const DEFAULT_CREDIT_TYPE = { CDM: 'CER', JI: 'ERU', JCM: 'JCM', 'A6.4': 'A6.4ER' } as const satisfies Record<string, CreditType>;
