/**
 * Small-scale afforestation and reforestation under the CDM: AR-AMS0007 "Afforestation and
 * reforestation project activities implemented on lands other than wetlands" v03.1, with tree
 * biomass per AR-TOOL14 (stem volume × wood density × BEF × (1 + R)). Trees only in 1.0.0 (omitting
 * the optional pools — shrubs, dead wood, litter, SOC — is conservative).
 *
 * Mapping onto the engine's ER = BE − PE − LE (removals, not emissions):
 *
 *     BE ("baseline" slot) = ΔC_P       actual gross removals of the project: tree carbon stock
 *                                        change since the start, t CO2 (cumulative to the inventory)
 *     PE                   = GHG_E + ΔC_BSL   project emissions (CO2e) + baseline net removals (CO2)
 *     LE                   = LK          leakage (CO2e)
 *     ER                   = ΔC_P − GHG_E − ΔC_BSL − LK = C_AR,t2, the net anthropogenic removals
 *                            cumulative since the project start (= the tCER quantity before flooring)
 *
 * tCER and lCER quantities are period symbols (`tCER_quantity`, `lCER_quantity`); `credits` makes
 * `issuable.units` the quantity of the registered credit type (`credits_issuable`), and the engine
 * adds the credit type and its expiry date (core/calculation/credits.ts).
 */
import { z } from 'zod';
import { defineMethodology, column, columnRegistry, monitoringRow, type ParameterSpec } from '#core/methodology/authoring';

const AMS = 'AR-AMS0007 v03.1';
const TOOL14 = 'AR-TOOL14 (estimation of carbon stocks and change in carbon stocks of trees and shrubs)';

const STRATUM_ID = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,39}$/;
const STRATUM_EXPECTED = 'a stratum id: letters, digits, space, . _ - (at most 40 characters, starting with a letter or digit)';

/**
 * A text column (the stratum id): identifies the row, enters no equation. core has no `column.text`
 * builder yet; this one registers `kind: 'text'` like the core builders and raises the core codes.
 */
function stratumColumn(description: string) {
  const schema = z
    .custom<unknown>(() => true)
    .transform((cell, ctx): string => {
      const text = cell === null || cell === undefined ? '' : String(cell).trim();
      if (text === '') {
        ctx.addIssue({
          code: 'custom',
          input: cell,
          message: `is empty; expected ${STRATUM_EXPECTED}`,
          params: { code: 'row.missing_value', expected: STRATUM_EXPECTED },
        });
        return z.NEVER;
      }
      if (!STRATUM_ID.test(text)) {
        ctx.addIssue({
          code: 'custom',
          input: cell,
          message: `is not a valid stratum id; expected ${STRATUM_EXPECTED}`,
          params: { code: 'row.invalid_value', expected: STRATUM_EXPECTED },
        });
        return z.NEVER;
      }
      return text;
    });
  schema.register(columnRegistry, { kind: 'text', unit: '-', description });
  return schema;
}

const project = z.object({
  credit_type: z
    .enum(['tCER', 'lCER'])
    .describe('Type of credits chosen by the project participants for the crediting period (decision 5/CMP.1): temporary (tCER) or long-term (lCER)'),
  D: z.number().gt(0).max(1.5).describe('Basic wood density of the planted species, IPCC 2006 GL Vol. 4 Ch. 4 Table 4.14 or species data [t d.m./m3]'),
  BEF: z
    .number()
    .min(1)
    .max(5)
    .describe('Biomass expansion factor: above-ground tree biomass / stem biomass, IPCC GPG-LULUCF Table 3A.1.10 or species data [1]'),
  R: z.number().min(0).max(1).describe('Root-shoot ratio of the planted species, IPCC 2006 GL Vol. 4 Ch. 4 Table 4.4 or species data [1]'),
  A_project: z.number().gt(0).max(100_000).describe('Area of the registered project boundary [ha]'),
  years_since_start: z
    .number()
    .gt(0)
    .max(60)
    .describe('Years from the start of the A/R project activity to the date of this inventory (verification t2) [year]'),
  C_TREE_start: z
    .number()
    .min(0)
    .default(0)
    .describe('Carbon stock in trees in the project area at the start of the project activity, 0 for treeless land [t CO2]'),
  DeltaC_BSL: z
    .number()
    .min(0)
    .default(0)
    .describe(
      'Baseline net GHG removals by sinks, cumulative from the start to this inventory, fixed ex ante in the PDD; 0 for degraded land without growing trees [t CO2]',
    ),
  GHG_E: z
    .number()
    .min(0)
    .default(0)
    .describe('GHG emissions within the project boundary (non-CO2 from burning of biomass), cumulative from the start to this inventory [t CO2e]'),
  LK: z
    .number()
    .min(0)
    .default(0)
    .describe('Leakage (displacement of pre-project agricultural activities, AR-TOOL15), cumulative from the start to this inventory [t CO2e]'),
  C_AR_t1: z
    .number()
    .min(0)
    .default(0)
    .describe(
      'Net anthropogenic removals certified cumulatively at the previous verification t1 (0 at the first verification); lCER = C_AR,t2 − C_AR,t1 [t CO2e]',
    ),
  wetland: z.boolean().describe('The project land is a wetland (AR-AMS0007 does not apply to wetlands)'),
  low_income_communities: z
    .boolean()
    .describe('The project is developed or implemented by low-income communities and individuals as determined by the host Party (small-scale A/R condition)'),
  soil_disturbance_fraction: z
    .number()
    .min(0)
    .max(1)
    .describe('Fraction of the project area where site preparation disturbs soil such that soil organic carbon would decrease [fraction]'),
});

const parameters = {
  CF_TREE: {
    value: 0.47,
    unit: 'tC/t d.m.',
    source: 'IPCC 2006 GL Vol. 4 Ch. 4 Table 4.3 (carbon fraction of dry matter, default 0.47); AR-TOOL14 default',
    range: [0.43, 0.55],
    description: 'Carbon fraction of tree dry matter',
  },
  soil_disturbance_max: {
    value: 0.1,
    unit: 'fraction',
    source: `${AMS} applicability: soil disturbance on at most 10 % of the area where it would decrease soil organic carbon (registry.carborea.com)`,
    range: [0.1, 0.1],
    description: 'Largest fraction of the area with SOC-reducing soil disturbance',
  },
} satisfies Record<string, ParameterSpec>;

export default defineMethodology({
  id: 'ar-small-scale',
  version: '1.0.0',
  title: 'Small-scale afforestation and reforestation on lands other than wetlands (AR-AMS0007, tCER/lCER)',
  source: {
    body: 'UNFCCC CDM Executive Board',
    document:
      'AR-AMS0007 "Afforestation and reforestation project activities implemented on lands other than wetlands"; AR-TOOL14 (trees); decision 5/CMP.1 (tCER, lCER)',
    documentVersion: '03.1',
    url: 'https://cdm.unfccc.int/methodologies/ARmethodologies/approved',
  },
  mechanisms: ['CDM'],
  credits: { symbol: 'credits_issuable', typeParameter: 'credit_type' },
  // Small-scale A/R limit (16 kt CO2/yr, decision 9/CMP.3): the engine caps the cumulative net removals
  // C_AR_t2 at 16,000 × years_since_start before the tCERs/lCERs are derived from them; only the excess
  // is not eligible (core/calculation/small-scale-cap.ts).
  smallScaleCap: { kind: 'ar-small-scale', symbol: 'C_AR_t2', years: 'years_since_start' },
  tags: ['afforestation'],
  applicability: [
    {
      id: 'small-scale-registration',
      ref: 'decision 5/CMP.1 annex, small-scale A/R modalities (registration as a small-scale project activity)',
      description: 'The project is registered as small scale (scale small or micro).',
      check: (_p, reg) =>
        reg.scale === 'large'
          ? { status: 'not-applicable', reason: 'the registration scale is "large": AR-AMS0007 is a small-scale methodology (net removals below 16 kt CO2/yr)' }
          : { status: 'applicable' },
    },
    {
      id: 'not-wetland',
      ref: `${AMS} §2 (lands other than wetlands)`,
      description: 'The project land is not a wetland.',
      check: (p) =>
        p.wetland ? { status: 'not-applicable', reason: 'wetland is true: AR-AMS0007 applies to lands other than wetlands' } : { status: 'applicable' },
    },
    {
      id: 'low-income-communities',
      ref: 'decision 5/CMP.1 annex para 1(i) (small-scale A/R: low-income communities and individuals) (unverified)',
      description: 'The project is developed or implemented by low-income communities and individuals as determined by the host Party.',
      check: (p) =>
        p.low_income_communities
          ? { status: 'applicable' }
          : {
              status: 'not-applicable',
              reason:
                'low_income_communities is false: small-scale A/R project activities are developed or implemented by low-income communities and individuals',
            },
    },
    {
      id: 'soil-disturbance-limited',
      ref: `${AMS} §2 applicability (soil disturbance)`,
      description: 'Soil disturbance that would decrease soil organic carbon affects at most 10 % of the area.',
      check: (p) =>
        p.soil_disturbance_fraction <= parameters.soil_disturbance_max.value
          ? { status: 'applicable' }
          : { status: 'not-applicable', reason: `soil_disturbance_fraction ${p.soil_disturbance_fraction} exceeds ${parameters.soil_disturbance_max.value}` },
    },
  ],
  project,
  monitoring: monitoringRow({
    timestamp: column.timestamp({ description: 'Date of the forest inventory (verification t2); every stratum row of one inventory has the same date' }),
    stratum: stratumColumn('Stratum id of the inventory row (one row per stratum)'),
    A: column.number({ unit: 'ha', min: 0, max: 100_000, side: 'baseline', description: 'Area of the stratum' }),
    V: column.number({
      unit: 'm3/ha',
      min: 0,
      max: 2_000,
      side: 'baseline',
      description: 'Mean stem volume per hectare of the stratum, from the sample plots (conservative estimate where the sampling uncertainty exceeds 10 %)',
    }),
  }),
  timeColumn: 'timestamp',
  timestampMarks: 'interval-start',
  parameters,
  equations: [
    {
      symbol: 'V_A',
      scope: 'row',
      expr: 'V * A',
      unit: 'm3',
      ref: `${TOOL14}: stem volume of stratum i, V_i × A_i`,
      description: 'Stem volume of the stratum; summed over the strata it is the stem volume of the project area',
    },
    {
      symbol: 'B_TREE',
      scope: 'period',
      expr: 'V_A * D * BEF * (1 + R)',
      unit: 't d.m.',
      ref: `${TOOL14}: B_TREE = V × D × BEF × (1 + R) (biomass expansion method)`,
      description: 'Tree biomass (above- and below-ground) in the project area',
    },
    {
      symbol: 'C_TREE',
      scope: 'period',
      expr: 'B_TREE * CF_TREE * 44 / 12',
      unit: 't CO2',
      ref: `${TOOL14}: C_TREE = 44/12 × CF_TREE × B_TREE`,
      description: 'Carbon stock in trees, t CO2 (44/12 applied last, so the decimal result is exact)',
    },
    {
      symbol: 'DeltaC_P',
      scope: 'period',
      expr: 'C_TREE - C_TREE_start',
      unit: 't CO2',
      ref: `${AMS} §5.5 actual net removals: ΔC_P (tree pool) since the start`,
      description: 'Change in tree carbon stock since the start of the project activity',
    },
    {
      symbol: 'DeltaC_ACTUAL',
      scope: 'period',
      expr: 'DeltaC_P - GHG_E',
      unit: 't CO2e',
      ref: `${AMS} §5.5: ΔC_ACTUAL = ΔC_P − GHG_E`,
      description: 'Actual net GHG removals by sinks, cumulative',
    },
    {
      symbol: 'C_AR_t2',
      scope: 'period',
      expr: 'DeltaC_ACTUAL - DeltaC_BSL - LK',
      unit: 't CO2e',
      ref: `${AMS} §5.7: ΔC_AR = ΔC_ACTUAL − ΔC_BSL − LK (cumulative to t2 = C_AR,t2)`,
      description: 'Net anthropogenic GHG removals by sinks since the start (equals ER)',
    },
    {
      symbol: 'tCER_quantity',
      scope: 'period',
      expr: 'floor(max(0, C_AR_t2))',
      unit: 't CO2e',
      ref: 'decision 5/CMP.1 annex para 1(g): tCER(t2) = C_AR,t2, whole units',
      description: 'tCERs issuable at t2 (cumulative since start; the tCERs of earlier verifications expire separately)',
    },
    {
      symbol: 'lCER_quantity',
      scope: 'period',
      expr: 'max(0, floor(max(0, C_AR_t2)) - floor(C_AR_t1))',
      unit: 't CO2e',
      ref: 'decision 5/CMP.1 annex para 1(h): lCER(t2) = C_AR,t2 − C_AR,t1, floor-then-subtract',
      description: 'lCERs issuable at t2: whole removals certified now minus whole removals certified before',
    },
    {
      symbol: 'lCER_replacement',
      scope: 'period',
      expr: 'max(0, floor(C_AR_t1) - floor(max(0, C_AR_t2)))',
      unit: 't CO2e',
      ref: 'decision 5/CMP.1 annex: reversal of lCER-certified removals must be replaced',
      description: 'lCERs to be replaced because the certified cumulative removals fell since t1',
    },
    {
      symbol: 'credits_issuable',
      scope: 'period',
      expr: 'credit_type_tCER ? tCER_quantity : lCER_quantity',
      unit: 't CO2e',
      ref: 'decision 5/CMP.1: the credit type chosen for the crediting period',
      description: 'Units of the registered credit type issuable at t2 (what issuance must read for an lCER project)',
    },
    {
      symbol: 'C_AR_annual',
      scope: 'period',
      expr: 'C_AR_t2 / years_since_start',
      unit: 't CO2e/yr',
      ref: 'Small-scale A/R limit (average net removals per year)',
      description: 'Average net anthropogenic removals per year since the start',
    },
  ],
  emissions: [
    { category: 'BE', gas: 'CO2', symbol: 'DeltaC_P' },
    { category: 'PE', gas: 'CO2e', symbol: 'GHG_E' },
    { category: 'PE', gas: 'CO2', symbol: 'DeltaC_BSL' },
    { category: 'LE', gas: 'CO2e', symbol: 'LK' },
  ],
  checks: [
    {
      id: 'strata-within-project-area',
      scope: 'period',
      assert: 'A <= A_project',
      message: 'The strata of the inventory add up to more than the registered project area; a stratum is listed twice or an area is wrong',
      ref: `${AMS}: stratification of the project area (strata partition the project boundary)`,
    },
  ],
});
