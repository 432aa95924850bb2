import { ConfigError } from '../errors.ts';
import type { GwpPolicy, GwpRule, GwpSetId } from '../gases/gwp.ts';
import { spanOf, type Period } from '../time/period.ts';
import { SiteClock } from '../time/zone.ts';

/** Crediting mechanisms in scope: Kyoto (CDM, JI), Japan's Joint Crediting Mechanism, Paris Article 6.4. */
export const MECHANISMS = ['CDM', 'JI', 'JCM', 'A6.4'] as const;
export type Mechanism = (typeof MECHANISMS)[number];

/** A monitoring period: half-open instants `[start, end)` in the site's zone (core/time/period.ts). */
export type { Period } from '../time/period.ts';

const CP1_END = '2012-12-31'; // Kyoto first commitment period 2008–2012 (decision 2/CP.3; CDM prompt-start credits are CP1 too)
const CP2_END = '2020-12-31'; // Kyoto second commitment period 2013–2020 (Doha Amendment, decision 1/CMP.8)
/** The day after each last day: the boundary instant is 00:00 of it on the site's clock (UTC for a legacy period). */
const DAY_AFTER: Record<string, string> = { [CP1_END]: '2013-01-01', [CP2_END]: '2021-01-01' };

/** Whether a period lies within (ends by) or after (starts at or after) the end of a commitment period, on the site's clock. */
function boundaryTests(period: Period) {
  // Half-open instants: a period ending at 2013-01-01T00:00 on the site's clock lies within 2012.
  const span = spanOf(period);
  const clock = SiteClock.of(period.timeZone ?? 'UTC');
  const boundary = (last: string) => clock.startOfDate(DAY_AFTER[last]!);
  return { within: (last: string) => span.end <= boundary(last), after: (last: string) => span.start >= boundary(last) };
}

/** The CDM EB 108 temporary measures: where the rule and the table of lowest values are published. */
export const CDM_TEMPORARY_MEASURES_GWP =
  'CDM Executive Board, 108th meeting, temporary measures (meeting report paras 7–8; "Global warming potential values under the temporary measures", https://cdm.unfccc.int/Reference/CDM_note.html)';

/** A GWP policy pinned in the project registration: one set, or a rule per gas. */
export interface PinnedGwp {
  readonly set?: GwpSetId;
  readonly policy?: { readonly default: GwpRule; readonly perGas?: Readonly<Record<string, GwpRule>>; readonly source: string };
}

/**
 * Chooses the GWP policy a mechanism requires for a monitoring period.
 *
 * - CDM and JI, first commitment period (to 2012): IPCC SAR, decision 2/CP.3.
 * - CDM and JI, second commitment period (2013–2020): IPCC AR4, decision 4/CMP.7 (adds NF3).
 * - CDM reductions achieved on or after 1 January 2021: gas by gas, the **lowest** 100-year GWP among
 *   IPCC SAR, AR4 and AR5 (EB 108 temporary measures, {@link CDM_TEMPORARY_MEASURES_GWP}); a gas that
 *   a report did not assess (NF3 in SAR) takes the lowest among the reports that did.
 * - JI after 2020: a configuration error. JI issues ERUs for the Kyoto commitment periods only.
 * - JCM up to 2020: AR4 (the set of UNFCCC inventories from 2015) and JCM after 2020: AR5 (Paris-era
 *   reporting, decision 18/CMA.1 annex para 37). Neither is settled by a JCM text we hold: `unverified`,
 *   pin a policy in the registration where the Joint Committee's rules say otherwise.
 * - Article 6.4: AR5, decision 18/CMA.1 annex para 37 (Paris reporting). Whether a Supervisory Body
 *   standard sets another rule for A6.4 activities is not checked: `unverified`.
 * - A pinned set or policy in the project registration wins, and the reason says so.
 *
 * A period that straddles a boundary is a configuration error: split it at the boundary.
 *
 * @example gwpPolicyLabel(selectGwpPolicy('CDM', { start: '2021-01-01', end: '2021-12-31' })) // 'lowest of SAR, AR4, AR5'
 */
export function selectGwpPolicy(mechanism: Mechanism, period: Period, pinned: PinnedGwp = {}): GwpPolicy {
  const { within, after } = boundaryTests(period);
  const straddles = (last: string, what: string): never => {
    throw new ConfigError(
      `The monitoring period ${period.start} – ${period.end} spans the end of ${what} (${last}), where the required GWP rule changes. Split the upload into one period up to ${last} and one after it.`,
    );
  };
  if (mechanism === 'JI' && !within(CP2_END)) {
    throw new ConfigError(
      `JI has no crediting after ${CP2_END}: ERUs are issued for the Kyoto first and second commitment periods only (decision 9/CMP.1; Doha Amendment, decision 1/CMP.8), but the monitoring period is ${period.start} – ${period.end}. Check the registration's mechanism and crediting period.`,
    );
  }
  if (pinned.policy)
    return {
      default: pinned.policy.default,
      ...(pinned.policy.perGas ? { perGas: pinned.policy.perGas } : {}),
      reason: `pinned in the project registration (${pinned.policy.source}); mechanism ${mechanism} would otherwise apply its default rule`,
      confidence: 'confirmed',
    };
  if (pinned.set)
    return {
      default: { set: pinned.set },
      reason: `pinned in the project registration (mechanism ${mechanism} would otherwise apply its default rule)`,
      confidence: 'confirmed',
    };
  const set = (s: GwpSetId, reason: string, confidence: GwpPolicy['confidence'] = 'confirmed'): GwpPolicy => ({ default: { set: s }, reason, confidence });
  switch (mechanism) {
    case 'CDM':
    case 'JI':
      if (within(CP1_END)) return set('SAR', `${mechanism} first commitment period (to ${CP1_END}): IPCC SAR per decision 2/CP.3`);
      if (!after(CP1_END)) return straddles(CP1_END, 'the first commitment period');
      if (within(CP2_END)) return set('AR4', `${mechanism} second commitment period (2013–2020): IPCC AR4 per decision 4/CMP.7`);
      if (!after(CP2_END)) return straddles(CP2_END, 'the second commitment period');
      return {
        default: { lowestOf: ['SAR', 'AR4', 'AR5'] },
        reason: `CDM reductions achieved on or after 1 January 2021: for each gas the lowest 100-year GWP of the IPCC assessment reports (SAR, AR4, AR5), per the ${CDM_TEMPORARY_MEASURES_GWP}`,
        confidence: 'confirmed',
      };
    case 'JCM':
      if (within(CP2_END))
        return set(
          'AR4',
          'JCM crediting up to 2020: IPCC AR4, the set of UNFCCC inventories from 2015 (decision 24/CP.19) [unverified for JCM: pin a policy if the Joint Committee rules differ]',
          'unverified',
        );
      if (!after(CP2_END)) return straddles(CP2_END, 'the pre-2021 JCM crediting');
      return set(
        'AR5',
        'JCM crediting after 2020 (NDC accounting under Paris): IPCC AR5 per decision 18/CMA.1 annex para 37 [unverified for JCM: pin a policy if the Joint Committee rules differ]',
        'unverified',
      );
    case 'A6.4':
      return set(
        'AR5',
        'Article 6.4 mechanism: IPCC AR5 per decision 18/CMA.1 annex para 37 (Paris reporting) [unverified: a Supervisory Body standard may set the rule for A6.4 activities; pin a policy if it differs]',
        'unverified',
      );
  }
}

/** The Kyoto commitment period a monitoring period falls in, or `post-2020`. */
export type CommitmentPeriod = 'CP1' | 'CP2' | 'post-2020';

/**
 * Which Kyoto commitment period a monitoring period belongs to: CP1 2008–2012 (decision 2/CP.3 era,
 * first commitment period of the Kyoto Protocol), CP2 2013–2020 (Doha Amendment, decision 1/CMP.8),
 * or after 2020. A period that spans the end of a commitment period throws {@link ConfigError}.
 *
 * @example commitmentPeriodOf({ start: '2013-01-01', end: '2013-12-31' }) // 'CP2'
 */
export function commitmentPeriodOf(period: Period): CommitmentPeriod {
  const straddles = (last: string) =>
    new ConfigError(`The period ${period.start} – ${period.end} spans the end of a Kyoto commitment period (${last}); split it at that day.`);
  const { within, after } = boundaryTests(period);
  if (within(CP1_END)) return 'CP1';
  if (!after(CP1_END)) throw straddles(CP1_END);
  if (within(CP2_END)) return 'CP2';
  if (!after(CP2_END)) throw straddles(CP2_END);
  return 'post-2020';
}
