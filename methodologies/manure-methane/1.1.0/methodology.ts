/**
 * Methane recovery in animal manure management systems: AMS-III.D (small scale, Type III). An
 * anaerobic digester replaces an anaerobic baseline system (e.g. an uncovered lagoon); the biogas is
 * burnt (flare, engine or boiler).
 *
 * The baseline is the IPCC methane-producing potential of the manure (animal-days × volatile solids ×
 * B0 × MCF); project emissions are the 10 % physical leakage of the digester, methane slipping through
 * the flare, and electricity. Ex post, emission reductions are capped by the methane actually
 * destroyed: ER = min(BE − PE − LE, MD − PE_power). The engine sums BE, PE and LE by gas, so the cap
 * is one more baseline term, `BE_cap_adj_y` (in tCO2e, ≤ 0), which is zero unless the cap binds.
 *
 * 1.1.0: the applicability conditions of AMS-III.D in full — baseline retention of more than one month
 * (`pit-storage-under-1-month` is not eligible), annual average temperature above 5 °C, lagoon depth of at
 * least 1 m, no discharge to natural water, no methane recovery in the baseline.
 */
import { z } from 'zod';
import { defineMethodology, column, monitoringRow, type ParameterSpec } from '#core/methodology/authoring';

const AMS = 'AMS-III.D "Methane recovery in animal manure management systems" [unverified: version and wording not checked against the registered text]';
const IPCC10 = 'IPCC 2006 GL Vol. 4 Ch. 10';

export const BASELINE_SYSTEMS = [
  'uncovered-anaerobic-lagoon',
  'liquid-slurry',
  'pit-storage-over-1-month',
  'pit-storage-under-1-month',
  'solid-storage',
  'dry-lot',
  'daily-spread',
  'pasture',
] as const;
/** Baseline systems in which manure decomposes anaerobically (AMS-III.D applies to these only). */
const ANAEROBIC: readonly string[] = ['uncovered-anaerobic-lagoon', 'liquid-slurry', 'pit-storage-over-1-month', 'pit-storage-under-1-month'];
/** AMS-III.D applicability (para 4 of v21.0, as listed in the issue brief of this release; paragraph letters unverified). */
const AMS_APPLICABILITY = 'AMS-III.D applicability conditions (v21.0 para 4 [version and paragraph unverified])';

const project = z
  .object({
    livestock: z
      .string()
      .min(1)
      .describe('Livestock category LT as in IPCC 2006 Vol. 4 Ch. 10 (e.g. "dairy cattle"); 1.0.0 takes one category and one baseline system'),
    baseline_system: z
      .enum(BASELINE_SYSTEMS)
      .describe('Manure management system j of the baseline (IPCC 2006 Vol. 4 Table 10.17 names); decides applicability'),
    animals_confined: z.boolean().describe('Whether the animals are held in confinement (manure collected); AMS-III.D applies only then'),
    T_annual_avg: z
      .number()
      .min(-60)
      .max(60)
      .describe('Annual average temperature at the site of the baseline anaerobic manure treatment; AMS-III.D applies only above 5 °C [°C]'),
    lagoon_depth: z
      .number()
      .min(0)
      .max(50)
      .default(0)
      .describe('Depth of the baseline anaerobic lagoon(s); AMS-III.D requires at least 1 m for lagoons; 0 = not a lagoon [m]'),
    discharge_to_natural_water: z
      .boolean()
      .describe(
        'Whether manure or the streams after its treatment are discharged into natural water (rivers, estuaries) in the baseline or the project; AMS-III.D does not apply then',
      ),
    methane_recovery_in_baseline: z
      .boolean()
      .describe('Whether methane from the manure was recovered and destroyed (flared or used) before the project; AMS-III.D does not apply then'),
    VS_LT_yr: z
      .number()
      .min(0)
      .max(10_000)
      .default(0)
      .describe('Volatile solids excreted per animal per year, IPCC default or site-specific; give this or VS_LT_day [kg VS/head/yr]'),
    VS_LT_day: z
      .number()
      .min(0)
      .max(30)
      .default(0)
      .describe('Volatile solids excreted per animal per day (IPCC 2006 Vol. 4 Table 10A); give this or VS_LT_yr [kg VS/head/day]'),
    W_site: z
      .number()
      .min(0)
      .max(2_000)
      .default(0)
      .describe('Average live weight of the animals at the site, for scaling the IPCC default VS by (W_site/W_default)^0.75; 0 = no scaling [kg]'),
    W_default: z.number().min(0).max(2_000).default(0).describe('Default live weight behind the IPCC VS value; 0 = no scaling [kg]'),
    B0: z
      .number()
      .min(0.05)
      .max(0.6)
      .describe('Maximum methane producing capacity of the manure, IPCC 2006 Vol. 4 Table 10A (e.g. 0.13 dairy cattle, developing regions) [m3 CH4/kg VS]'),
    MCF: z.number().min(0).max(1).describe('Methane conversion factor of the baseline system at the site temperature, IPCC 2006 Vol. 4 Table 10.17 [1]'),
    MS_Bl: z.number().min(0).max(1).default(1).describe('Fraction of the manure handled in the baseline system (MS%_Bl,j) [1]'),
    EF_grid: z.number().min(0).max(2).describe('CO2 emission factor of the electricity the project consumes, TOOL05 [tCO2/MWh]'),
  })
  .refine((q) => q.VS_LT_yr > 0 !== q.VS_LT_day > 0, {
    message: 'give exactly one of VS_LT_yr (kg VS/head/yr) and VS_LT_day (kg VS/head/day)',
    path: ['VS_LT_yr'],
  })
  .refine((q) => q.W_site > 0 === q.W_default > 0, { message: 'give both W_site and W_default to scale VS by weight, or neither', path: ['W_site'] });

const p = (value: number, unit: string, source: string, description: string, range: readonly [number, number], confidence?: 'unverified'): ParameterSpec => ({
  value,
  unit,
  source,
  range,
  description,
  ...(confidence ? { confidence } : {}),
});

const parameters = {
  UF_b: p(
    0.94,
    '1',
    `${AMS}: model correction factor for model uncertainties, 0.94 [unverified: the default of the current version is not confirmed]`,
    'Model correction factor applied to the baseline',
    [0.89, 1],
    'unverified',
  ),
  D_CH4: p(
    0.00067,
    't CH4/m3',
    `${AMS}: density of methane at 20 °C and 1 atm, 0.00067 t/m³ [unverified]`,
    'Density of methane at the AMS-III.D reference conditions',
    [0.00067, 0.000716],
    'unverified',
  ),
  f_PL: p(
    0.1,
    '1',
    `${AMS}: default physical leakage from the digester, 10 % of the maximum methane producing potential [unverified: the default of the current version is not confirmed]`,
    'Fraction of the methane producing potential leaking from the digester',
    [0.1, 0.1],
    'unverified',
  ),
  days_per_year: p(365, 'day/yr', 'Calendar convention: VS per year ÷ 365 = VS per day (IPCC 2006 Vol. 4 Eq. 10.24 uses 365)', 'Days per year', [365, 365]),
  W_exponent: p(
    0.75,
    '1',
    `${IPCC10} (and AMS-III.D): VS scaled to site weight by (W_site/W_default)^0.75 [unverified]`,
    'Exponent of the live-weight scaling of VS',
    [0.75, 0.75],
    'unverified',
  ),
} satisfies Record<string, ParameterSpec>;

const notApplicable = (reason: string) => ({ status: 'not-applicable' as const, reason });

export default defineMethodology({
  id: 'manure-methane',
  version: '1.1.0',
  title: 'Methane recovery in animal manure management (AMS-III.D, anaerobic digester with biogas combustion)',
  source: {
    body: 'UNFCCC CDM Executive Board',
    document: 'AMS-III.D Methane recovery in animal manure management systems; IPCC 2006 GL Vol. 4 Ch. 10; TOOL05; TOOL06',
    documentVersion: 'AMS-III.D (version not confirmed [unverified]); IPCC 2006 GL',
    url: 'https://cdm.unfccc.int/methodologies/SSCmethodologies/approved',
  },
  mechanisms: ['CDM', 'JI', 'A6.4'],
  // Monthly totals: one reading per calendar month; a second one for the same month is refused.
  // A missing month counts as nothing: no baseline methane and no project emissions for it (listed as a gap).
  monitoringIntervalMonths: 1,
  gapPolicy: 'zero-fill',
  // Type III small-scale limit (60 kt CO2e/yr): the engine caps the units issued at the limit pro-rated
  // to the monitoring period (decision 4/CMP.1 annex II para 8; core/calculation/small-scale-cap.ts).
  smallScaleCap: { kind: 'type-III' },
  applicability: [
    {
      id: 'small-scale',
      ref: 'AMS-III.D scope; decision 1/CMP.2 (Type III small-scale projects)',
      description: 'AMS-III.D is a small-scale methodology: the registration is small or micro scale.',
      check: (_q, reg) =>
        reg.scale === 'large'
          ? notApplicable('the project is registered as large scale; AMS-III.D is a small-scale (Type III) methodology')
          : { status: 'applicable' },
    },
    {
      id: 'anaerobic-baseline-system',
      ref: 'AMS-III.D applicability: the baseline manure management system is anaerobic [unverified]',
      description: 'The manure is treated anaerobically in the baseline (lagoon, liquid slurry, pit storage).',
      check: (q) =>
        ANAEROBIC.includes(q.baseline_system)
          ? { status: 'applicable' }
          : notApplicable(
              `baseline_system is "${q.baseline_system}": manure there does not decompose anaerobically, so there is no baseline methane to recover`,
            ),
    },
    {
      id: 'baseline-retention-over-one-month',
      ref: `${AMS_APPLICABILITY}: retention time of the manure in the baseline anaerobic system greater than one month`,
      description: 'The manure stays more than one month in the baseline anaerobic system (pit storage of less than a month is not eligible).',
      check: (q) =>
        q.baseline_system === 'pit-storage-under-1-month'
          ? notApplicable(
              'baseline_system is "pit-storage-under-1-month": AMS-III.D requires a retention time of the manure in the baseline anaerobic system of more than one month',
            )
          : { status: 'applicable' },
    },
    {
      id: 'annual-average-temperature-above-5',
      ref: `${AMS_APPLICABILITY}: annual average temperature of the baseline site higher than 5 °C`,
      description: 'The annual average temperature at the site of the baseline anaerobic treatment is above 5 °C.',
      check: (q) =>
        q.T_annual_avg > 5
          ? { status: 'applicable' }
          : notApplicable(`T_annual_avg is ${q.T_annual_avg} °C: AMS-III.D requires an annual average temperature above 5 °C at the baseline site`),
    },
    {
      id: 'lagoon-depth-at-least-1-m',
      ref: `${AMS_APPLICABILITY}: depth of the baseline anaerobic lagoons at least 1 m`,
      description: 'A baseline anaerobic lagoon is at least 1 m deep.',
      check: (q) =>
        q.baseline_system !== 'uncovered-anaerobic-lagoon' || q.lagoon_depth >= 1
          ? { status: 'applicable' }
          : notApplicable(`lagoon_depth is ${q.lagoon_depth} m: AMS-III.D requires baseline anaerobic lagoons at least 1 m deep (register the measured depth)`),
    },
    {
      id: 'no-discharge-to-natural-water',
      ref: `${AMS_APPLICABILITY}: manure or treated streams not discharged into natural water resources`,
      description: 'Neither the manure nor the streams after treatment are discharged into natural water (rivers, estuaries).',
      check: (q) =>
        q.discharge_to_natural_water
          ? notApplicable('discharge_to_natural_water is true: AMS-III.D does not apply when manure or its treated streams go to natural water')
          : { status: 'applicable' },
    },
    {
      id: 'no-methane-recovery-in-baseline',
      ref: `${AMS_APPLICABILITY}: no recovery and destruction of methane in the baseline`,
      description: 'No methane from the manure was recovered and destroyed before the project.',
      check: (q) =>
        q.methane_recovery_in_baseline
          ? notApplicable('methane_recovery_in_baseline is true: the baseline already recovers methane; AMS-III.D credits only recovery the project adds')
          : { status: 'applicable' },
    },
    {
      id: 'animals-confined',
      ref: 'AMS-III.D applicability: livestock held in confinement [unverified]',
      description: 'The animals are held in confinement, so their manure is collected.',
      check: (q) =>
        q.animals_confined ? { status: 'applicable' } : notApplicable('animals_confined is false: manure of animals not in confinement is not collected'),
    },
  ],
  project,
  sources: {
    flare: {
      description:
        'A flare burning part of the biogas (its methane slip is a project emission, TOOL06): a site that burns all biogas in engines or boilers declares "sources": { "flare": false }',
    },
  },
  monitoring: monitoringRow({
    timestamp: column.timestamp({ description: 'Month the row refers to (its first day, e.g. 2014-01-01)' }),
    N: column.number({ unit: 'head', min: 0, max: 1_000_000, side: 'baseline', description: 'Average animal population of the month (monthly census)' }),
    d: column.number({ unit: 'day', min: 0, max: 31, description: 'Days of the month the row covers (animal-days = N × d)' }),
    BG_burnt: column.number({
      unit: 'm3',
      min: 0,
      max: 10_000_000,
      side: 'baseline',
      description: 'Biogas burnt (flare, engine, boiler) in the month, at 20 °C and 1 atm (the D_CH4 reference conditions)',
    }),
    w_CH4: column.number({ unit: '1', min: 0, max: 1, side: 'baseline', description: 'Methane volume fraction of the biogas (monthly mean)' }),
    FE: column.number({
      unit: '1',
      min: 0,
      max: 1,
      side: 'baseline',
      description: 'Efficiency of the combustion/flare in the month: TOOL06 default (enclosed 0.90; open 0.50 with flame, else 0) or measured',
    }),
    EC_PJ: column.number({
      unit: 'MWh',
      min: 0,
      max: 10_000,
      side: 'project',
      description: 'Electricity consumed by the project (digester, pumps, blowers) in the month, TOOL05',
    }),
    BG_flared: column.optional(
      column.number({
        unit: 'm3',
        min: 0,
        max: 10_000_000,
        side: 'project',
        description: 'Part of BG_burnt sent to a flare (the flare slip is a project emission, TOOL06)',
      }),
      { absent: { source: 'flare', value: 0 } },
    ),
  }),
  timeColumn: 'timestamp',
  timestampMarks: 'interval-start',
  parameters,
  equations: [
    {
      symbol: 'N_days',
      scope: 'row',
      expr: 'N * d',
      unit: 'head*day',
      ref: `${AMS}: N_LT × days (animal-days of the month)`,
      description: 'Animal-days of the month',
    },
    {
      symbol: 'V_CH4_burnt',
      scope: 'row',
      expr: 'BG_burnt * w_CH4',
      unit: 'm3',
      ref: `${AMS}: BG_burnt,y × w_CH4,y`,
      description: 'Methane in the biogas burnt in the month, m³',
    },
    {
      symbol: 'V_CH4_destroyed',
      scope: 'row',
      expr: 'V_CH4_burnt * FE',
      unit: 'm3',
      ref: `${AMS}: BG_burnt,y × w_CH4,y × FE`,
      description: 'Methane destroyed in the month, m³',
    },
    {
      symbol: 'V_CH4_flare_slip',
      scope: 'row',
      expr: 'BG_flared * w_CH4 * (1 - FE)',
      unit: 'm3',
      ref: 'TOOL06: methane not destroyed in the flare, BG_flared × w_CH4 × (1 − η_flare)',
      description: 'Methane slipping through the flare in the month, m³',
    },
    {
      symbol: 'VS_day',
      scope: 'period',
      expr: 'VS_LT_yr > 0 ? VS_LT_yr / days_per_year : VS_LT_day',
      unit: 'kg VS/head/day',
      ref: `${AMS}: VS_LT,y (kg VS/animal/yr) per day; ${IPCC10} Eq. 10.24 (× 365)`,
      description: 'Volatile solids per animal per day',
    },
    {
      symbol: 'VS_site',
      scope: 'period',
      expr: 'W_default > 0 ? VS_day * (W_site / W_default) ^ W_exponent : VS_day',
      unit: 'kg VS/head/day',
      ref: `${AMS}: VS_LT,y = VS_default × (W_site / W_default)^0.75 [unverified]`,
      description: 'Volatile solids per animal per day, scaled to the site weight',
    },
    {
      symbol: 'VS_total',
      scope: 'period',
      expr: 'VS_site * N_days',
      unit: 'kg VS',
      ref: `${AMS}: Σ N_LT × VS_LT,y over the period`,
      description: 'Volatile solids excreted in the period',
    },
    {
      symbol: 'BE_CH4_y',
      scope: 'period',
      expr: 'UF_b * D_CH4 * MCF * B0 * MS_Bl * VS_total',
      unit: 't CH4',
      ref: `${AMS}: BE_y = GWP_CH4 × D_CH4 × UF_b × Σ_j,LT MCF_j × B0,LT × N_LT × VS_LT,y × MS%_Bl,j (in t CH4; the engine applies GWP_CH4)`,
      description: 'Baseline methane emissions of the manure management system',
    },
    {
      symbol: 'PE_PL_y',
      scope: 'period',
      expr: 'f_PL * D_CH4 * B0 * MS_Bl * VS_total',
      unit: 't CH4',
      ref: `${AMS}: PE_PL,y = 0.10 × GWP_CH4 × D_CH4 × Σ B0,LT × N_LT × VS_LT,y × MS%_Bl,j (in t CH4)`,
      description: 'Physical leakage of methane from the digester',
    },
    {
      symbol: 'PE_flare_y',
      scope: 'period',
      expr: 'V_CH4_flare_slip * D_CH4',
      unit: 't CH4',
      ref: `${AMS}: PE_flare,y per TOOL06 (in t CH4)`,
      description: 'Methane not destroyed in the flare',
    },
    {
      symbol: 'PE_power_y',
      scope: 'period',
      expr: 'EC_PJ * EF_grid',
      unit: 't CO2',
      ref: `${AMS}: PE_power,y per TOOL05, EC_PJ,y × EF_grid`,
      description: 'Emissions from the electricity the project consumes',
    },
    {
      symbol: 'MD_y',
      scope: 'period',
      expr: 'V_CH4_destroyed * D_CH4',
      unit: 't CH4',
      ref: `${AMS}: MD_y = BG_burnt,y × w_CH4,y × D_CH4 × FE × GWP_CH4 (in t CH4)`,
      description: 'Methane destroyed by the project in the period',
    },
    {
      symbol: 'ER_uncapped_y',
      scope: 'period',
      expr: '(BE_CH4_y - PE_PL_y - PE_flare_y) * GWP_CH4 - PE_power_y',
      unit: 't CO2e',
      ref: `${AMS}: BE_y − PE_y − LE_y (LE_y = 0; PE_transp, PE_storage not in 1.0.0)`,
      description: 'Emission reductions before the ex-post cap',
    },
    {
      symbol: 'ER_cap_y',
      scope: 'period',
      expr: 'MD_y * GWP_CH4 - PE_power_y',
      unit: 't CO2e',
      ref: `${AMS}: ex-post cap MD_y − PE_power,y (− PE_transp, − PE_storage: not in 1.0.0)`,
      description: 'Emission reductions the destroyed methane can support',
    },
    {
      symbol: 'BE_cap_adj_y',
      scope: 'period',
      expr: 'min(0, ER_cap_y - ER_uncapped_y)',
      unit: 't CO2e',
      ref: `${AMS}: ER_y = min(BE_y − PE_y − LE_y, MD_y − PE_power,y − …), booked as a baseline adjustment so that BE − PE − LE equals the capped ER`,
      description: 'Reduction of the baseline when the methane destroyed caps the emission reductions (0 otherwise)',
    },
  ],
  emissions: [
    { category: 'BE', gas: 'CH4', symbol: 'BE_CH4_y' },
    { category: 'BE', gas: 'CO2e', symbol: 'BE_cap_adj_y' },
    { category: 'PE', gas: 'CH4', symbol: 'PE_PL_y' },
    { category: 'PE', gas: 'CH4', symbol: 'PE_flare_y' },
    { category: 'PE', gas: 'CO2', symbol: 'PE_power_y' },
  ],
  checks: [
    {
      id: 'flared-within-burnt',
      scope: 'row',
      assert: 'BG_flared <= BG_burnt',
      message: 'Biogas sent to the flare (BG_flared) exceeds the biogas burnt (BG_burnt) in this month; BG_flared is the part of BG_burnt that goes to a flare',
      ref: `${AMS} monitoring: biogas flow meters (mass balance)`,
    },
  ],
});
