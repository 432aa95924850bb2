import type { Project } from './project.ts';

/**
 * Declared scale against the registration's own parameters. The scale sets the materiality threshold
 * of verification (decision 9/CMP.7: 10 % micro, 5 % small, 0.5–2 % large; core/review/materiality.ts),
 * so a project declared smaller than it is would be verified against a looser threshold. Declaring a
 * *larger* scale than the parameters require is allowed (a stricter threshold is conservative).
 */
export interface ScaleLimit {
  readonly what: string;
  readonly small: number;
  readonly micro?: number;
  readonly unit: string;
  readonly source: string;
  readonly microSource?: string;
  readonly confidence: 'confirmed' | 'unverified';
}

/** The small-scale definitions: decision 4/CMP.1 annex II (simplified modalities) as amended by decision 1/CMP.2 para 28. */
const SSC_SOURCE = 'CDM small-scale definitions, decision 4/CMP.1 annex II as amended by decision 1/CMP.2 para 28';
const MICRO_SOURCE =
  'CDM Executive Board, Guidelines for demonstrating additionality of microscale project activities (unverified: confirm that the materiality standard uses the same definition)';

export const SCALE_LIMITS = {
  typeI: {
    what: 'installed capacity (Type I, renewable energy)',
    small: 15,
    micro: 5,
    unit: 'MW',
    source: SSC_SOURCE,
    microSource: MICRO_SOURCE,
    confidence: 'unverified',
  },
  typeIII: {
    what: 'estimated annual emission reductions (Type III, other project activities)',
    small: 60_000,
    micro: 20_000,
    unit: 'tCO2e/yr',
    source: SSC_SOURCE,
    microSource: MICRO_SOURCE,
    confidence: 'unverified',
  },
  smallAR: {
    what: 'estimated annual net anthropogenic removals (small-scale A/R)',
    small: 16_000,
    unit: 'tCO2/yr',
    source: 'Small-scale A/R limit, decision 5/CMP.1 as amended by decision 9/CMP.3 (below 16 kt CO2 per year)',
    confidence: 'unverified',
  },
} as const satisfies Record<string, ScaleLimit>;

/**
 * How each registered methodology's projects are sized. A methodology not listed here is not
 * checked (jcm-chiller: Type II energy efficiency, sized by GWh saved per year, which its
 * registration does not declare).
 */
const RULES: Readonly<
  Record<
    string,
    {
      readonly limit: ScaleLimit;
      readonly value: (p: Project, parameters: Record<string, unknown>) => number | undefined;
      readonly smallScaleMethodology?: (parameters: Record<string, unknown>) => string | undefined;
    }
  >
> = {
  'grid-renewable': {
    limit: SCALE_LIMITS.typeI,
    value: (_p, x) => num(x.installed_capacity_MW),
    smallScaleMethodology: (x) => (x.baseline_methodology === 'AMS-I.D' ? 'AMS-I.D' : undefined),
  },
  'jcm-solar-pv': { limit: SCALE_LIMITS.typeI, value: (_p, x) => num(x.installed_capacity_MW) },
  'landfill-gas': { limit: SCALE_LIMITS.typeIII, value: (p) => p.pddAnnualEstimate },
  'manure-methane': { limit: SCALE_LIMITS.typeIII, value: (p) => p.pddAnnualEstimate },
  'fgas-abatement': { limit: SCALE_LIMITS.typeIII, value: (p) => p.pddAnnualEstimate },
  'ccs-storage': { limit: SCALE_LIMITS.typeIII, value: (p) => p.pddAnnualEstimate },
  'ar-small-scale': { limit: SCALE_LIMITS.smallAR, value: (p) => p.pddAnnualEstimate },
};

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 6 });

/** Contradictions between the declared scale and the parameters (empty when consistent or not checkable). */
export function scaleProblems(project: Project, methodologyId: string, parameters: Record<string, unknown>): string[] {
  const rule = RULES[methodologyId];
  if (!rule) return [];
  const v = rule.value(project, parameters);
  if (v === undefined) return [];
  const { limit } = rule;
  const problems: string[] = [];
  const ssc = rule.smallScaleMethodology?.(parameters);
  if (ssc && v > limit.small)
    problems.push(
      `${limit.what} ${fmt(v)} ${limit.unit} exceeds the ${fmt(limit.small)} ${limit.unit} limit of the small-scale methodology ${ssc} (${limit.source}); register under the large-scale methodology`,
    );
  if (ssc && project.scale === 'large')
    problems.push(`scale "large" contradicts the small-scale methodology ${ssc}: declare "small" (or "micro") or register under the large-scale methodology`);
  if (project.scale === 'small' && v > limit.small)
    problems.push(
      `scale "small" contradicts the ${limit.what} of ${fmt(v)} ${limit.unit}: small scale is at most ${fmt(limit.small)} ${limit.unit} (${limit.source}); declare "large", which sets the stricter materiality threshold`,
    );
  if (project.scale === 'micro') {
    if (limit.micro === undefined) problems.push(`scale "micro" is not defined for this kind of project (${limit.what}); declare "small" or "large"`);
    else if (v > limit.micro)
      problems.push(
        `scale "micro" contradicts the ${limit.what} of ${fmt(v)} ${limit.unit}: micro scale is at most ${fmt(limit.micro)} ${limit.unit} (${limit.microSource ?? limit.source}); declare ${v > limit.small ? '"large"' : '"small"'}`,
      );
  }
  return problems;
}
