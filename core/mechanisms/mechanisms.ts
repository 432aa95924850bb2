import { ConfigError } from '../errors.ts';
import type { GwpSetId } from '../gases/gwp.ts';
import { spanOf, type Period } from '../time/period.ts';
import { SiteClock } from '../time/zone.ts';

/** Crediting mechanisms in scope: Kyoto (CDM, JI), Japan's Joint Crediting Mechanism, Paris Article 6.4. */
export const MECHANISMS = ['CDM', 'JI', 'JCM', 'A6.4'] as const;
export type Mechanism = (typeof MECHANISMS)[number];

/** A monitoring period: half-open instants `[start, end)` in the site's zone (core/time/period.ts). */
export type { Period } from '../time/period.ts';

export interface GwpChoice {
  readonly set: GwpSetId;
  /** Why this set: the rule applied and its legal basis, recorded on every result. */
  readonly reason: string;
}

const CP1_END = '2012-12-31'; // Kyoto first commitment period 2008–2012 (CDM prompt-start credits are CP1 too)
const CP2_END = '2020-12-31'; // Kyoto second commitment period 2013–2020 (Doha Amendment)
/** The day after each last day: the boundary instant is 00:00 of it on the site's clock (UTC for a legacy period). */
const DAY_AFTER: Record<string, string> = { [CP1_END]: '2013-01-01', [CP2_END]: '2021-01-01' };

/**
 * Chooses the GWP set a mechanism requires for a monitoring period.
 *
 * - CDM and JI, first commitment period (to 2012): IPCC SAR, decision 2/CP.3.
 * - CDM and JI, second commitment period (2013–2020): IPCC AR4, decision 4/CMP.7 (adds NF3).
 * - CDM and JI after 2020, Article 6.4, and JCM after 2020: IPCC AR5 (Paris-era crediting; decision
 *   18/CMA.1 annex para 37). The post-2020 CDM rule is marked unsure in domain.md: pin a set in the
 *   registration where the registry requires another.
 * - JCM up to 2020: AR4, the set of UNFCCC inventories from 2015 (decision 24/CP.19) [unsure: pinnable].
 * - A pinned set in the project registration wins, and the reason says so.
 *
 * A period that straddles a boundary is a configuration error: split it at the boundary.
 *
 * @example selectGwpSet('CDM', { start: '2014-01-01', end: '2014-12-31' }).set // 'AR4'
 */
export function selectGwpSet(mechanism: Mechanism, period: Period, pinned?: GwpSetId): GwpChoice {
  if (pinned) return { set: pinned, reason: `pinned in the project registration (mechanism ${mechanism} would otherwise apply its default rule)` };
  // Half-open instants: a period ending at 2013-01-01T00:00 on the site's clock lies within 2012.
  const span = spanOf(period);
  const clock = SiteClock.of(period.timeZone ?? 'UTC');
  const boundary = (last: string) => clock.startOfDate(DAY_AFTER[last]!);
  const within = (last: string) => span.end <= boundary(last);
  const after = (last: string) => span.start >= boundary(last);
  const straddles = (last: string, what: string): never => {
    throw new ConfigError(`The monitoring period ${period.start} – ${period.end} spans the end of ${what} (${last}), where the required GWP set changes. Split the upload into one period up to ${last} and one after it.`);
  };
  switch (mechanism) {
    case 'CDM':
    case 'JI':
      if (within(CP1_END)) return { set: 'SAR', reason: `${mechanism} first commitment period (to ${CP1_END}): IPCC SAR per decision 2/CP.3` };
      if (!after(CP1_END)) return straddles(CP1_END, 'the first commitment period');
      if (within(CP2_END)) return { set: 'AR4', reason: `${mechanism} second commitment period (2013–2020): IPCC AR4 per decision 4/CMP.7` };
      if (!after(CP2_END)) return straddles(CP2_END, 'the second commitment period');
      return { set: 'AR5', reason: `${mechanism} crediting after 2020 (Paris era): IPCC AR5 per decision 18/CMA.1 annex para 37` };
    case 'JCM':
      if (within(CP2_END)) return { set: 'AR4', reason: 'JCM crediting up to 2020: IPCC AR4, the set of UNFCCC inventories from 2015 (decision 24/CP.19)' };
      if (!after(CP2_END)) return straddles(CP2_END, 'the pre-2021 JCM crediting');
      return { set: 'AR5', reason: 'JCM crediting after 2020 (NDC accounting under Paris): IPCC AR5 per decision 18/CMA.1 annex para 37' };
    case 'A6.4':
      return { set: 'AR5', reason: 'Article 6.4 mechanism: IPCC AR5 per decision 18/CMA.1 annex para 37' };
  }
}
