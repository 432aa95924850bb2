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
  adjust(symbol: string, value: string, read: (symbol: string) => string | undefined): { readonly value: string; readonly adjustments: readonly TraceAdjustment[] };
  /** The small-scale cap outcome of an A/R module once its symbol was adjusted. */
  readonly capOutcome: () => SmallScaleCapOutcome | undefined;
}

/** The special rounding-profile key for the period's total emission reductions. */
export const ER_KEY = 'ER';

/**
 * Problems of a rounding profile against a methodology: every key must be an equation symbol (row or
 * period) or `ER`. A registration is configuration: the caller throws ConfigError with these.
 */
export function roundingProfileProblems(methodology: Methodology, profile: RoundingProfile | undefined): string[] {
  const symbols = new Set([...methodology.rowEquations.map((e) => e.symbol), ...methodology.periodEquations.map((e) => e.symbol), ER_KEY]);
  return Object.keys(profile ?? {})
    .filter((k) => !symbols.has(k))
    .map((k) => `rounding.${k}: ${methodology.key} has no equation ${k}; a rounding profile names equation symbols (or ER): ${[...symbols].join(', ')}`);
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
          if (cap.applied) adjustments.push({ kind: 'small-scale-cap', from: v, to: cap.capped, rule: `capped at ${cap.limit} (${cap.proRating}); the excess ${cap.excess} is not eligible`, source: cap.source });
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
