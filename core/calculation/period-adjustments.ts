import type { Methodology } from '../methodology/define-methodology.ts';
import type { Period } from '../mechanisms/mechanisms.ts';
import type { Project } from '../project/project.ts';
import type { TraceAdjustment } from './result.ts';
import { describeRounding, roundAsRegistered, type RoundingProfile } from './rounding.ts';
import { capForPeriod, capForYears, type SmallScaleCapOutcome } from './small-scale-cap.ts';

/**
 * The adjustments the engine makes to a period value before later equations read it: the
 * registration's rounding profile (issue 11 item 12) and the small-scale cap of an A/R module
 * (issue 11 item 3), in that order. Kept out of calculate.ts, which only calls {@link PeriodAdjuster.adjust}.
 */
export interface PeriodAdjuster {
  /** Adjusts the period value of `symbol`; `read` gives other period values (decimal strings). */
  adjust(
    symbol: string,
    value: string,
    read: (symbol: string) => string | undefined,
  ): { readonly value: string; readonly adjustments: readonly TraceAdjustment[] };
  /** The small-scale cap outcome of an A/R module once its symbol was adjusted. */
  readonly capOutcome: () => SmallScaleCapOutcome | undefined;
}

/** The special rounding-profile key for the period's total emission reductions. */
export const ER_KEY = 'ER';

/**
 * The rounding mode that can only lower ER for an emission term or for ER itself: baseline terms and ER
 * rounded down (`floor`), project and leakage terms rounded up (`ceil`). `floor`/`ceil` keep that direction
 * for negative values too (`truncate` rounds a negative value up, `half-up`/`half-even` go either way).
 */
const CONSERVATIVE_MODE = { BE: 'floor', PE: 'ceil', LE: 'ceil', ER: 'floor' } as const;

/**
 * Problems of a rounding profile against a methodology: every key must be an equation symbol (row or
 * period) or `ER`, and a rule on ER or on an emission term must round in the conservative direction
 * (ER and baseline terms down, project and leakage terms up), so that rounding as registered never raises
 * the emission reductions. An emission term whose period value later equations read, or that is booked both as a
 * baseline and as a project/leakage term, has no direction that is safe in every case and is refused.
 * A registration is configuration: the caller throws ConfigError with these.
 */
export function roundingProfileProblems(methodology: Methodology, profile: RoundingProfile | undefined): string[] {
  const equations = [...methodology.rowEquations, ...methodology.periodEquations];
  const symbols = new Set([...equations.map((e) => e.symbol), ER_KEY]);
  const problems: string[] = [];
  for (const [key, rule] of Object.entries(profile ?? {})) {
    if (!symbols.has(key)) {
      problems.push(
        `rounding.${key}: ${methodology.key} has no equation ${key}; a rounding profile names equation symbols (or ER): ${[...symbols].join(', ')}`,
      );
      continue;
    }
    const categories = key === ER_KEY ? (['ER'] as const) : [...new Set(methodology.emissions.filter((t) => t.symbol === key).map((t) => t.category))];
    if (!categories.length) continue;
    if (categories.length > 1) {
      problems.push(
        `rounding.${key}: ${key} is booked as ${categories.join(' and ')}; no rounding direction of it is conservative for both, so it cannot be rounded`,
      );
      continue;
    }
    const readers = key === ER_KEY ? [] : methodology.periodEquations.filter((e) => e.parsed.symbols.includes(key)).map((e) => e.symbol);
    if (readers.length) {
      problems.push(
        `rounding.${key}: ${key} is an emission term that other equations read (${readers.join(', ')}), so the direction in which its rounding moves the emission reductions is not known; round those equations' results instead`,
      );
      continue;
    }
    const category = categories[0]!;
    const mode = CONSERVATIVE_MODE[category];
    if (rule.mode !== mode) {
      const what =
        category === 'ER'
          ? 'the emission reductions'
          : category === 'BE'
            ? `${key}, a baseline term,`
            : `${key}, a ${category === 'PE' ? 'project' : 'leakage'} emission term,`;
      problems.push(
        `rounding.${key}: mode "${rule.mode}" can round ${what} in the direction of more credits; a rounding profile must be conservative: declare mode "${mode}" (${mode === 'floor' ? 'ER and baseline terms rounded down' : 'project and leakage terms rounded up'})`,
      );
    }
  }
  return problems;
}

/**
 * The profile's keys that are neither ER nor an emission term (e.g. the combined margin): the registration check
 * cannot tell in which direction their rounding moves the result, so the engine recomputes the period without them.
 */
export function intermediateRoundingKeys(methodology: Methodology, profile: RoundingProfile | undefined): string[] {
  const terms = new Set(methodology.emissions.map((t) => t.symbol));
  return Object.keys(profile ?? {}).filter((k) => k !== ER_KEY && !terms.has(k));
}

export function periodAdjuster(methodology: Methodology, project: Project): PeriodAdjuster {
  const profile = project.rounding ?? {};
  const ssc = methodology.smallScaleCap;
  let cap: SmallScaleCapOutcome | undefined;
  return {
    adjust(symbol, value, read) {
      const adjustments: TraceAdjustment[] = [];
      let v = value;
      const rule = symbol === ER_KEY ? undefined : profile[symbol];
      if (rule) {
        const to = roundAsRegistered(v, rule);
        adjustments.push({ kind: 'rounding', from: v, to, rule: describeRounding(rule), source: rule.source });
        v = to;
      }
      if (ssc?.kind === 'ar-small-scale' && ssc.symbol === symbol) {
        const years = read(ssc.years);
        if (years !== undefined) {
          cap = capForYears('ar-small-scale', v, years);
          if (cap.applied)
            adjustments.push({
              kind: 'small-scale-cap',
              from: v,
              to: cap.capped,
              rule: `capped at ${cap.limit} (${cap.proRating}); the excess ${cap.excess} is not eligible`,
              source: cap.source,
            });
          v = cap.capped;
        }
      }
      return { value: v, adjustments };
    },
    capOutcome: () => cap,
  };
}

/** Rounds the period's total ER when the profile names `ER`. */
export function roundEr(project: Project, er: string): TraceAdjustment | undefined {
  const rule = project.rounding?.[ER_KEY];
  if (!rule) return undefined;
  return { kind: 'rounding', from: er, to: roundAsRegistered(er, rule), rule: describeRounding(rule), source: rule.source };
}

/** The Type III cap of a period's issuable quantity, when the module declares it. */
export function typeIIICap(methodology: Methodology, project: Project, quantity: string, period: Period): SmallScaleCapOutcome | undefined {
  if (methodology.smallScaleCap?.kind !== 'type-III') return undefined;
  return capForPeriod('type-III', quantity, period, project.creditingPeriod.start);
}
