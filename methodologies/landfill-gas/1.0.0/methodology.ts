/**
 * Landfill gas capture and flaring: ACM0001 (v19-style baseline with OX_top_layer and F_CH4,BL),
 * flare efficiency per hour by TOOL06, methane mass from volume flow by TOOL08, electricity of the
 * project by TOOL05.
 *
 * Everything here is data plus small pure functions; the engine evaluates the equations, multiplies
 * every emission term (tonnes of one gas) by the GWP of the set in force and rounds per mechanism,
 * so GWP_CH4 follows the commitment period without any code here. The README beside this file
 * lists every symbol with its unit and source, marks every value not confirmed against the registered version as unverified, and
 * works the fixture through by hand.
 */
import { z } from 'zod';
import { defineMethodology, column, monitoringRow, type ParameterSpec } from '#core/methodology/authoring';

const ACM0001 = 'ACM0001 v19-style (UNFCCC CDM "Flaring or use of landfill gas") (unverified: check against the version registered for the project)';
const TOOL06 = 'TOOL06 "Project emissions from flaring"';
const TOOL08 = 'TOOL08 "Tool to determine the mass flow of a greenhouse gas in a gaseous stream"';

const project = z.object({
  flare_type: z
    .enum(['enclosed', 'open'])
    .describe('Type of the flare(s) the landfill gas is sent to (TOOL06): enclosed (default or measured efficiency) or open (50 % with flame detection)'),
  enclosed_efficiency: z
    .enum(['default', 'continuous-monitoring'])
    .default('default')
    .describe('Enclosed flares only: TOOL06 default efficiency (0.90) or continuous monitoring of the efficiency (hourly column eta_flare_m)'),
  swds_management_changed: z
    .boolean()
    .default(false)
    .describe(
      'Whether the management of the solid waste disposal site is deliberately changed to increase methane generation (e.g. leachate recirculation, added liquids); ACM0001 does not apply then',
    ),
  AF: z
    .number()
    .min(0)
    .max(1)
    .default(0)
    .describe(
      'Adjustment factor for methane that would have been destroyed in the baseline, AF = ε_BL = MD_hist / MG_hist (0 when nothing was captured and destroyed before the project) [1]',
    ),
  F_CH4_BL_req: z
    .number()
    .min(0)
    .max(1_000_000)
    .default(0)
    .describe(
      'Methane the site would have to destroy anyway under a regulation or contract, per year (0 when there is no such requirement); pro-rated to the monitoring period [t CH4/yr]',
    ),
  EF_grid: z.number().min(0).max(2).describe('CO2 emission factor of the electricity the project consumes (blowers, flare, analysers), TOOL05 [tCO2/MWh]'),
  LFG_total_metered: z
    .boolean()
    .default(false)
    .describe(
      'Whether the total landfill gas collected is metered (column LFG_total): then every hour is checked for the mass balance flared + used ≤ collected',
    ),
  mass_balance_tolerance: z
    .number()
    .min(0)
    .max(0.1)
    .default(0)
    .describe(
      'Allowed excess of the gas used over the gas collected in the hourly mass balance, for the combined uncertainty of the two meters; 0 = strict [1]',
    ),
});

const p = (value: number, unit: string, source: string, description: string, range: readonly [number, number]): ParameterSpec => ({
  value,
  unit,
  source,
  range,
  description,
});

const parameters = {
  rho_CH4: {
    ...p(
      0.000716,
      't/Nm3',
      `${TOOL08}: density of methane at normal conditions (0 °C, 101.325 kPa), 0.716 kg/Nm³ (unverified)`,
      'Density of methane at normal conditions (TOOL08)',
      [0.000716, 0.0007168],
    ),
    confidence: 'unverified',
  },
  OX_top_layer: {
    ...p(
      0.1,
      '1',
      `${ACM0001}: fraction of methane that would be oxidised in the top layer of the SWDS in the baseline, 0.1 (unverified)`,
      'Fraction of methane oxidised in the SWDS cover in the baseline',
      [0.1, 0.1],
    ),
    confidence: 'unverified',
  },
  eta_enclosed_default: {
    ...p(
      0.9,
      '1',
      `${TOOL06}: default efficiency of an enclosed flare operated within the manufacturer's specifications, 90 % (unverified for the current version)`,
      'Default flare efficiency of an enclosed flare',
      [0.9, 0.9],
    ),
    confidence: 'unverified',
  },
  eta_open_flame: p(
    0.5,
    '1',
    `${TOOL06} v1: open flare, 50 % when the flame is demonstrated (continuous electronic flame detection), otherwise 0 %`,
    'Flare efficiency of an open flare in an hour with the flame detected',
    [0.5, 0.5],
  ),
  T_flare_min: p(
    500,
    '°C',
    `${TOOL06}: "0 % of flare efficiency is to be used if T_flare is below 500 °C during more than 20 minutes during the hour h" (as quoted in CDM issuance request check ZXEKD2YRNCJWPI5)`,
    'Exhaust temperature below which the flare is not taken to destroy methane',
    [500, 500],
  ),
  t_low_max: p(
    20,
    'min',
    `${TOOL06}: more than 20 minutes below 500 °C in hour h → efficiency 0 for that hour (as quoted in CDM issuance request check ZXEKD2YRNCJWPI5)`,
    'Minutes below T_flare_min an hour may have and keep its flare efficiency',
    [20, 20],
  ),
  days_per_year: p(
    365,
    'day/yr',
    'Calendar convention for pro-rating an annual requirement to a monitoring period (365 days per year; a leap year is not lengthened)',
    'Days per year used to pro-rate F_CH4_BL_req',
    [365, 365],
  ),
} satisfies Record<string, ParameterSpec>;

const notApplicable = (reason: string) => ({ status: 'not-applicable' as const, reason });

export default defineMethodology({
  id: 'landfill-gas',
  version: '1.0.0',
  title: 'Landfill gas capture and flaring (ACM0001 with TOOL06 flare efficiency and TOOL08 methane mass flow)',
  source: {
    body: 'UNFCCC CDM Executive Board',
    document:
      'ACM0001 Flaring or use of landfill gas; TOOL06 Project emissions from flaring; TOOL08 Mass flow of a greenhouse gas in a gaseous stream; TOOL05 Electricity consumption',
    documentVersion: 'ACM0001 v19.0 (version not confirmed: check the version registered for the project) / TOOL06 v1–v3 / TOOL08',
    url: 'https://cdm.unfccc.int/methodologies/PAmethodologies/approved',
  },
  mechanisms: ['CDM', 'JI', 'A6.4'],
  applicability: [
    {
      id: 'swds-management-not-changed-to-increase-methane',
      ref: 'ACM0001 applicability conditions (unverified)',
      description: 'The management of the solid waste disposal site is not deliberately changed during the crediting period to increase methane generation.',
      check: (q) =>
        q.swds_management_changed
          ? notApplicable('swds_management_changed is true: ACM0001 does not apply when the site is managed to generate more methane')
          : { status: 'applicable' },
    },
    {
      id: 'measured-efficiency-only-for-enclosed-flares',
      ref: 'TOOL06 (continuous monitoring of the flare efficiency is an option for enclosed flares only)',
      description: 'Continuous monitoring of the flare efficiency is registered only for enclosed flares; an open flare is credited 50 % with flame detection.',
      check: (q) =>
        q.flare_type === 'open' && q.enclosed_efficiency === 'continuous-monitoring'
          ? notApplicable(
              'flare_type is "open" but enclosed_efficiency is "continuous-monitoring": TOOL06 allows measured efficiency for enclosed flares only; register enclosed_efficiency "default" for an open flare',
            )
          : { status: 'applicable' },
    },
  ],
  project,
  monitoring: monitoringRow({
    timestamp: column.timestamp({ description: 'Start of the hour the readings refer to (ISO 8601 with offset)' }),
    LFG_flare: column.number({
      unit: 'Nm3',
      min: 0,
      max: 100_000,
      side: 'baseline',
      description: 'Landfill gas sent to the flare(s) in the hour, dry basis at normal conditions (0 °C, 101.325 kPa), TOOL08',
    }),
    w_CH4: column.number({
      unit: '1',
      min: 0,
      max: 1,
      side: 'baseline',
      description: 'Volume fraction of methane in the landfill gas, dry basis (hourly mean of the continuous analyser)',
    }),
    T_flare: column.number({ unit: '°C', min: -60, max: 1600, description: 'Mean exhaust gas temperature of the flare in the hour' }),
    t_below_500: column.number({
      unit: 'min',
      min: 0,
      max: 60,
      description: 'Minutes of the hour with the flare exhaust below 500 °C or with no temperature record',
    }),
    flame: column.optional(column.boolean({ description: 'Flame detected throughout the hour by the electronic flame detector (open flares)' }), {
      absent: { value: false, reason: 'no flame record means no flame demonstrated: an open flare is then credited 0 % (TOOL06), the conservative reading' },
      note: 'absent or empty = no flame detected',
    }),
    EC_PJ: column.number({
      unit: 'MWh',
      min: 0,
      max: 100,
      side: 'project',
      description: 'Electricity consumed by the project (blowers, flare, analysers) in the hour, TOOL05',
    }),
    LFG_EL: column.optional(
      column.number({
        unit: 'Nm3',
        min: 0,
        max: 100_000,
        side: 'baseline',
        description: 'Landfill gas sent to power generation in the hour, dry, normal conditions',
      }),
      { absent: { value: 0 }, note: 'absent or empty = 0' },
    ),
    LFG_total: column.optional(
      column.number({
        unit: 'Nm3',
        min: 0,
        max: 200_000,
        side: 'baseline',
        description: 'Total landfill gas collected in the hour, dry, normal conditions; for the mass balance when LFG_total_metered',
      }),
      { absent: { value: 0 }, note: 'absent or empty = 0' },
    ),
    eta_flare_m: column.optional(
      column.number({
        unit: '1',
        min: 0,
        max: 1,
        side: 'baseline',
        description: 'Measured flare efficiency of the enclosed flare in the hour (continuous monitoring, TOOL06)',
      }),
      { absent: { value: 0 }, note: 'absent or empty = 0, conservative' },
    ),
  }),
  timeColumn: 'timestamp',
  timestampMarks: 'interval-start',
  monitoringIntervalMinutes: 60,
  gapPolicy: 'reject',
  parameters,
  equations: [
    {
      symbol: 'eta_flare_h',
      scope: 'row',
      expr: 't_below_500 > t_low_max ? 0 : (flare_type_open ? (flame ? eta_open_flame : 0) : (enclosed_efficiency_continuous_monitoring ? eta_flare_m : eta_enclosed_default))',
      unit: '1',
      ref: `${TOOL06}: η_flare,h — 0 if T_flare < 500 °C for more than 20 min in hour h; open flare 0.50 with flame, else 0; enclosed flare default 0.90 or measured`,
      description: 'Flare efficiency in the hour',
    },
    {
      symbol: 'V_CH4_flare_h',
      scope: 'row',
      expr: 'LFG_flare * w_CH4',
      unit: 'Nm3',
      ref: `${TOOL08}: V_t,db × v_CH4,t,db (methane volume sent to the flare)`,
      description: 'Methane sent to the flare in the hour, Nm³',
    },
    {
      symbol: 'V_CH4_destroyed_h',
      scope: 'row',
      expr: 'V_CH4_flare_h * eta_flare_h',
      unit: 'Nm3',
      ref: `${TOOL06}: methane destroyed in the flare, V_CH4 × η_flare,h`,
      description: 'Methane destroyed in the flare in the hour, Nm³',
    },
    {
      symbol: 'V_CH4_EL_h',
      scope: 'row',
      expr: 'LFG_EL * w_CH4',
      unit: 'Nm3',
      ref: `${TOOL08}: methane volume sent to power generation`,
      description: 'Methane sent to power generation in the hour, Nm³',
    },
    {
      symbol: 'F_CH4_sent_flare_y',
      scope: 'period',
      expr: 'V_CH4_flare_h * rho_CH4',
      unit: 't CH4',
      ref: `${TOOL08}: F_CH4 = Σ_t V_t,db × v_CH4,t,db × ρ_CH4,n`,
      description: 'Methane sent to the flare in the period',
    },
    {
      symbol: 'PE_flare_y',
      scope: 'period',
      expr: '(V_CH4_flare_h - V_CH4_destroyed_h) * rho_CH4',
      unit: 't CH4',
      ref: `${TOOL06}: PE_flare,y = Σ_h TM_RG,h × (1 − η_flare,h) (in t CH4; × GWP_CH4 gives tCO2e)`,
      description: 'Methane not destroyed by the flare in the period',
    },
    {
      symbol: 'F_CH4_flared_y',
      scope: 'period',
      expr: 'F_CH4_sent_flare_y - PE_flare_y',
      unit: 't CH4',
      ref: `${ACM0001}: F_CH4,flared,y = F_CH4,sent_flare,y − PE_flare,y / GWP_CH4`,
      description: 'Methane destroyed by flaring in the period',
    },
    {
      symbol: 'F_CH4_EL_y',
      scope: 'period',
      expr: 'V_CH4_EL_h * rho_CH4',
      unit: 't CH4',
      ref: `${ACM0001}: F_CH4,EL,y, methane used for electricity generation (TOOL08)`,
      description: 'Methane destroyed in power generation in the period',
    },
    {
      symbol: 'F_CH4_PJ_y',
      scope: 'period',
      expr: 'F_CH4_flared_y + F_CH4_EL_y',
      unit: 't CH4',
      ref: `${ACM0001}: F_CH4,PJ,y = F_CH4,flared,y + F_CH4,EL,y (+ F_CH4,HG,y + F_CH4,NG,y, not in 1.0.0)`,
      description: 'Methane destroyed by the project in the period',
    },
    {
      symbol: 'F_CH4_BL_y',
      scope: 'period',
      expr: 'max(AF * F_CH4_PJ_y, F_CH4_BL_req * period_days / days_per_year)',
      unit: 't CH4',
      ref: `${ACM0001}: F_CH4,BL,y — requirement/contract, or F_CH4,PJ,y × AF (ε_BL = MD_hist/MG_hist) (GEC methodology copy: "MD_BL,y = MD_Project,y • AF"); the larger of the two is taken (unverified)`,
      description: 'Methane that would have been destroyed in the baseline in the period',
    },
    {
      symbol: 'BE_CH4_y',
      scope: 'period',
      expr: '(1 - OX_top_layer) * F_CH4_PJ_y - F_CH4_BL_y',
      unit: 't CH4',
      ref: `${ACM0001}: BE_CH4,y = (1 − OX_top_layer) × F_CH4,PJ,y × GWP_CH4 − F_CH4,BL,y × GWP_CH4 (unverified: some versions write (1 − OX) × (F_PJ − F_BL) × GWP); in t CH4, the engine applies GWP_CH4`,
      description: 'Baseline methane emissions avoided, tonnes of CH4',
    },
    {
      symbol: 'PE_EC_y',
      scope: 'period',
      expr: 'EC_PJ * EF_grid',
      unit: 't CO2',
      ref: 'ACM0001 PE_EC,y per TOOL05: EC_PJ,y × EF_EF,j,y',
      description: 'Emissions from the electricity the project consumes',
    },
  ],
  emissions: [
    { category: 'BE', gas: 'CH4', symbol: 'BE_CH4_y' },
    { category: 'PE', gas: 'CO2', symbol: 'PE_EC_y' },
  ],
  checks: [
    {
      id: 'lfg-mass-balance',
      scope: 'row',
      assert: 'not LFG_total_metered or LFG_flare + LFG_EL <= LFG_total * (1 + mass_balance_tolerance)',
      message:
        'Landfill gas sent to the flare plus gas sent to power generation exceeds the gas collected (LFG_total) in this hour; check the meters (or report LFG_total when the registration says it is metered). Nothing is clamped: the hour is rejected',
      ref: `${TOOL08} / ACM0001 monitoring: the gas flared and used cannot exceed the gas collected (mass balance)`,
    },
    {
      id: 'flare-temperature-consistent',
      scope: 'row',
      assert: 'T_flare >= T_flare_min or t_below_500 > 0',
      message:
        'The mean flare temperature of the hour is below 500 °C but no minute below 500 °C is reported in t_below_500; report the minutes from the per-minute temperature record',
      ref: `${TOOL06}: the 500 °C / 20 minute rule is applied from the per-minute temperature record`,
    },
    {
      id: 'measured-efficiency-reported',
      scope: 'period',
      assert: 'not (flare_type_enclosed and enclosed_efficiency_continuous_monitoring) or V_CH4_flare_h == 0 or eta_flare_m > 0',
      message:
        'The registration says the enclosed flare efficiency is continuously monitored, but no measured efficiency eta_flare_m is reported; add the column (hourly fraction) or register the default efficiency',
      ref: `${TOOL06}: continuous monitoring of the flare efficiency`,
    },
  ],
});
