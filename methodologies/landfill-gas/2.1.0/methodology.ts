/**
 * Landfill gas capture and flaring: ACM0001 (v19-style baseline with OX_top_layer and F_CH4,BL),
 * flare efficiency per hour by TOOL06, methane mass from volume flow by TOOL08, electricity of the
 * project by TOOL05.
 *
 * Everything here is data plus small pure functions; the engine evaluates the equations, multiplies
 * every emission term (tonnes of one gas) by the GWP of the set in force and rounds per mechanism,
 * so GWP_CH4 follows the commitment period without any code here. The README beside this file
 * lists every symbol with its unit and source, marks what is not confirmed against the official text [unverified], and
 * works the fixture through by hand.
 *
 * 2.0.0: the registration names the TOOL06 version. From TOOL06 v2.0 the efficiency is decided minute by
 * minute (an hour with 20 minutes below 500 °C earns 40/60 of it); v1 keeps its hourly rule, with the 50 %
 * tier for an enclosed flare outside the manufacturer's specifications. The mass balance reports its size
 * (excess Nm³ and hours), accepts a monthly totalizer of the gas collected, and flare temperatures outside
 * the manufacturer's range declared in the registration are flagged.
 *
 * 2.1.0: AF and F_CH4_BL_req are required registration parameters. In 2.0.0 an omitted value counted as 0, which
 * deducts no baseline destruction (F_CH4,BL,y) and so gives the most credits; now the registration must state
 * both, 0 included. Every number is otherwise the one 2.0.0 gives with the same stated values.
 */
import { z } from 'zod';
import { defineMethodology, column, monitoringRow, type ParameterSpec } from '#core/methodology/authoring';

const ACM0001 = 'ACM0001 v19-style (UNFCCC CDM "Flaring or use of landfill gas") [unverified: version and wording not checked against the registered text]';
const TOOL06 = 'TOOL06 "Project emissions from flaring"';
const TOOL06_V1 = 'TOOL06 v1 "Tool to determine project emissions from flaring gases containing methane" (EB 28 annex 13), hourly rule';
const TOOL06_V2 = 'TOOL06 "Project emissions from flaring" from v2.0, minute-by-minute rule';
const TOOL08 = 'TOOL08 "Tool to determine the mass flow of a greenhouse gas in a gaseous stream"';

/**
 * The message for a required baseline parameter the registration leaves out (other problems keep zod's
 * message). Either parameter omitted and read as 0 would deduct no baseline destruction (F_CH4,BL,y) and so
 * give the most credits, so neither has a default: a registration states it, 0 included.
 */
const required = (name: string, meaning: string, zeroWhen: string) => (issue: { input?: unknown }) =>
  issue.input === undefined
    ? `${name} is required: ${meaning} (ACM0001, baseline destruction F_CH4,BL,y). It has no default: omitted and read as 0 it would deduct no baseline destruction and give the most credits. State "${name}": 0 explicitly if ${zeroWhen}`
    : undefined;

const project = z.object({
  tool06_version: z
    .enum(['v1', 'v2', 'v3'])
    .describe(
      "Version of TOOL06 named in the registered PDD: v1 (hourly rule: an hour with more than 20 minutes below 500 °C earns nothing, an enclosed flare outside the manufacturer's specifications earns 50 %) or v2.0 and later (minute by minute: each minute below 500 °C or outside the specifications earns nothing)",
    ),
  T_spec_min: z
    .number()
    .min(0)
    .max(2000)
    .default(0)
    .describe(
      "Lowest exhaust temperature of the manufacturer's specifications for proper operation of the enclosed flare, as declared in the registration; 0 with T_spec_max 0 = not declared [°C]",
    ),
  T_spec_max: z
    .number()
    .min(0)
    .max(2000)
    .default(0)
    .describe(
      "Highest exhaust temperature of the manufacturer's specifications for proper operation of the enclosed flare, as declared in the registration [°C]",
    ),
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
    .number({
      error: required(
        'AF',
        'the adjustment factor ε_BL = MD_hist / MG_hist for methane that would have been destroyed in the baseline',
        'no methane was captured and destroyed at the site before the project',
      ),
    })
    .min(0)
    .max(1)
    .describe(
      'Adjustment factor for methane that would have been destroyed in the baseline, AF = ε_BL = MD_hist / MG_hist; required, no default (0, stated, when nothing was captured and destroyed before the project) [1]',
    ),
  F_CH4_BL_req: z
    .number({
      error: required(
        'F_CH4_BL_req',
        'the methane the site must destroy anyway under a regulation or contract, in t CH4 per year',
        'no regulation or contract requires the site to destroy methane',
      ),
    })
    .min(0)
    .max(1_000_000)
    .describe(
      'Methane the site would have to destroy anyway under a regulation or contract, per year; required, no default (0, stated, when there is no such requirement); pro-rated to the monitoring period [t CH4/yr]',
    ),
  EF_grid: z.number().min(0).max(2).describe('CO2 emission factor of the electricity the project consumes (blowers, flare, analysers), TOOL05 [tCO2/MWh]'),
  LFG_total_metering: z
    .enum(['none', 'hourly', 'monthly-totalizer'])
    .default('none')
    .describe(
      "How the total landfill gas collected is metered (column LFG_total): not at all; hourly (every hour is checked: flared + used ≤ collected); or a monthly totalizer balance (the month's total on one row of the month, compared with the hourly flare and engine flows of the period)",
    ),
  mass_balance_tolerance: z
    .number()
    .min(0)
    .max(0.1)
    .default(0)
    .describe('Allowed excess of the gas used over the gas collected in the mass balance, for the combined uncertainty of the meters; 0 = strict [1]'),
});

const p = (value: number, unit: string, source: string, description: string, range: readonly [number, number], confidence?: 'unverified'): ParameterSpec => ({
  value,
  unit,
  source,
  range,
  description,
  ...(confidence ? { confidence } : {}),
});

const parameters = {
  rho_CH4: p(
    0.000716,
    't/Nm3',
    `${TOOL08}: density of methane at normal conditions (0 °C, 101.325 kPa), 0.716 kg/Nm³ [unverified]`,
    'Density of methane at normal conditions (TOOL08)',
    [0.000716, 0.0007168],
    'unverified',
  ),
  OX_top_layer: p(
    0.1,
    '1',
    `${ACM0001}: fraction of methane that would be oxidised in the top layer of the SWDS in the baseline, 0.1 [unverified]`,
    'Fraction of methane oxidised in the SWDS cover in the baseline',
    [0.1, 0.1],
    'unverified',
  ),
  eta_enclosed_default: {
    ...p(
      0.9,
      '1',
      `${TOOL06_V1}: default efficiency 90 % of an enclosed flare operated within the manufacturer's specifications (T_flare above 500 °C); kept as the default for enclosed flares from v2.0 [unverified against the v2.0/v3.0 text]`,
      'Default flare efficiency of an enclosed flare',
      [0.9, 0.9],
    ),
    confidence: 'unverified' as const,
  },
  eta_enclosed_outside_spec_v1: {
    ...p(
      0.5,
      '1',
      `${TOOL06_V1}: enclosed flare with the default efficiency, 50 % in an hour with T_flare above 500 °C but the manufacturer's specifications for proper operation not met at some time in the hour [unverified: taken from the CDM issue brief of this module, not checked against the v1 text]`,
      "Efficiency of an enclosed flare in an hour outside the manufacturer's specifications (TOOL06 v1 only)",
      [0.5, 0.5],
    ),
    confidence: 'unverified' as const,
  },
  eta_open_flame: p(
    0.5,
    '1',
    `${TOOL06_V1}: open flare, 50 % when the flame is demonstrated (continuous electronic flame detection), otherwise 0 %`,
    'Flare efficiency of an open flare with the flame detected',
    [0.5, 0.5],
  ),
  T_flare_min: p(
    500,
    '°C',
    `${TOOL06}: "0 % of flare efficiency is to be used if T_flare is below 500 °C during more than 20 minutes during the hour h" (v1, CDM IRCheck ZXEKD2YRNCJWPI5); from v2.0 per minute below 500 °C`,
    'Exhaust temperature below which the flare is not taken to destroy methane',
    [500, 500],
  ),
  t_low_max: p(
    20,
    'min',
    `${TOOL06_V1}: more than 20 minutes below 500 °C in hour h → efficiency 0 for that hour (CDM IRCheck ZXEKD2YRNCJWPI5)`,
    'Minutes below T_flare_min an hour may have and keep its flare efficiency (v1 only)',
    [20, 20],
  ),
  minutes_per_hour: p(
    60,
    'min',
    `${TOOL06_V2}: the efficiency of hour h is the share of its 60 minutes that meet the conditions`,
    'Minutes in an hour',
    [60, 60],
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
  version: '2.1.0',
  title: 'Landfill gas capture and flaring (ACM0001 with TOOL06 flare efficiency and TOOL08 methane mass flow)',
  source: {
    body: 'UNFCCC CDM Executive Board',
    document:
      'ACM0001 Flaring or use of landfill gas; TOOL06 Project emissions from flaring; TOOL08 Mass flow of a greenhouse gas in a gaseous stream; TOOL05 Electricity consumption',
    documentVersion: 'ACM0001 v19.0 (version not confirmed [unverified]) / TOOL06 v1 (hourly) or v2.0 and later (per minute), as registered / TOOL08',
    url: 'https://cdm.unfccc.int/methodologies/PAmethodologies/approved',
  },
  mechanisms: ['CDM', 'JI', 'A6.4'],
  applicability: [
    {
      id: 'swds-management-not-changed-to-increase-methane',
      ref: 'ACM0001 applicability conditions [unverified]',
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
    {
      id: 'manufacturer-range-declared-for-default-efficiency',
      ref: "TOOL06 (default efficiency of an enclosed flare only when operated within the manufacturer's specifications)",
      description:
        "An enclosed flare credited with the default efficiency declares the manufacturer's exhaust temperature range (T_spec_min < T_spec_max) in the registration.",
      check: (q) =>
        q.flare_type === 'enclosed' && q.enclosed_efficiency === 'default' && !(q.T_spec_max > q.T_spec_min)
          ? notApplicable(
              `T_spec_min ${q.T_spec_min} °C and T_spec_max ${q.T_spec_max} °C do not declare a range: TOOL06 allows the default efficiency of an enclosed flare only within the manufacturer's specifications; register the range from the flare's specification sheet`,
            )
          : { status: 'applicable' },
    },
  ],
  project,
  // Per-minute records that lower the flare efficiency. Their absence would count as 0 minutes, the least
  // conservative reading, so a site must report them wherever they apply.
  sources: {
    open_flare_flame_minutes: {
      description:
        'Minutes without a detected flame at an open flare, from the per-minute flame record (TOOL06 v2.0 and later: each such minute earns no flare efficiency)',
      notAtSiteWhen: (q) =>
        q.flare_type !== 'open'
          ? 'the registered flare is enclosed (minutes without flame are counted for open flares)'
          : q.tool06_version === 'v1'
            ? 'the registration applies TOOL06 v1, whose hourly rule reads the flame column only'
            : undefined,
      atSiteWhen: (q) =>
        q.flare_type === 'open' && q.tool06_version !== 'v1'
          ? `an open flare under TOOL06 ${q.tool06_version} is credited minute by minute, without the minutes without flame`
          : undefined,
    },
    other_manufacturer_specs: {
      description:
        'Manufacturer\'s specifications for proper operation of the enclosed flare other than its exhaust temperature range (e.g. gas flow, residence time), monitored minute by minute (TOOL06): a registration whose declared specifications are the exhaust temperature range only (T_spec_min – T_spec_max, checked every hour) declares "sources": { "other_manufacturer_specs": false }',
      notAtSiteWhen: (q) =>
        q.flare_type === 'open'
          ? "the registered flare is open (the manufacturer's specifications apply to enclosed flares)"
          : q.tool06_version === 'v1' && q.enclosed_efficiency === 'continuous-monitoring'
            ? 'under TOOL06 v1 the measured efficiency of the enclosed flare decides the hour'
            : undefined,
    },
  },
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
    t_outside_spec: column.optional(
      column.number({
        unit: 'min',
        min: 0,
        max: 60,
        description:
          "Minutes of the hour the enclosed flare operated outside the manufacturer's specifications for another reason than a temperature below 500 °C (from the per-minute record)",
      }),
      {
        absent: { source: 'other_manufacturer_specs', value: 0 },
        note: 'required for an enclosed flare unless the registration says its specifications are the exhaust temperature range only ("sources": { "other_manufacturer_specs": false }); an hourly mean outside the declared range counts the whole hour',
      },
    ),
    t_no_flame: column.optional(
      column.number({ unit: 'min', min: 0, max: 60, description: 'Open flares under TOOL06 v2.0 or later: minutes of the hour without a detected flame' }),
      {
        absent: { source: 'open_flare_flame_minutes', value: 0 },
        note: 'required for an open flare under TOOL06 v2.0 or later (an empty cell is refused); not read otherwise',
      },
    ),
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
        max: 100_000_000,
        side: 'baseline',
        description:
          "Total landfill gas collected, dry, normal conditions: in the hour (LFG_total_metering hourly), or the month's totalizer difference on one row of the month (monthly-totalizer)",
      }),
      {
        absent: { value: 0 },
        note: 'absent or empty = 0; a registration that meters the gas collected must report it (lfg-total-reported), and a mass balance against 0 rejects the period',
      },
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
      symbol: 't_off_spec_h',
      scope: 'row',
      expr: 'flare_type_enclosed and T_spec_max > T_spec_min and (T_flare < T_spec_min or T_flare > T_spec_max) ? minutes_per_hour : min(minutes_per_hour, t_outside_spec)',
      unit: 'min',
      ref: `${TOOL06}: operation within the manufacturer's specifications; an hourly mean exhaust temperature outside the declared range counts the whole hour`,
      description: "Minutes of the hour outside the manufacturer's specifications (other than below 500 °C)",
    },
    {
      symbol: 't_lost_h',
      scope: 'row',
      expr: 'flare_type_open ? (flame ? min(minutes_per_hour, t_no_flame) : minutes_per_hour) : min(minutes_per_hour, t_below_500 + t_off_spec_h)',
      unit: 'min',
      ref: `${TOOL06_V2}: η_flare,m = 0 in a minute below 500 °C or outside the manufacturer's specifications (enclosed), or without a flame (open); minutes below 500 °C and outside the specifications are added (conservative where they overlap)`,
      description: 'Minutes of the hour that earn no flare efficiency (used from v2.0)',
    },
    {
      symbol: 'eta_flare_h',
      scope: 'row',
      expr: 'tool06_version_v1 ? (t_below_500 > t_low_max ? 0 : (flare_type_open ? (flame ? eta_open_flame : 0) : (enclosed_efficiency_continuous_monitoring ? eta_flare_m : (t_off_spec_h > 0 ? eta_enclosed_outside_spec_v1 : eta_enclosed_default)))) : (flare_type_open ? eta_open_flame : (enclosed_efficiency_continuous_monitoring ? eta_flare_m : eta_enclosed_default)) * (minutes_per_hour - t_lost_h) / minutes_per_hour',
      unit: '1',
      ref: `${TOOL06_V1}: η_flare,h = 0 if T_flare < 500 °C for more than 20 min in hour h; open flare 0.50 with flame, else 0; enclosed flare measured, or default 0.90, 0.50 outside the manufacturer's specifications. ${TOOL06_V2}: η_flare,h = Σ_m η_flare,m / 60`,
      description: 'Flare efficiency in the hour, by the TOOL06 version of the registration',
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
      symbol: 'LFG_excess_h',
      scope: 'row',
      expr: 'LFG_total_metering_hourly ? max(0, LFG_flare + LFG_EL - LFG_total * (1 + mass_balance_tolerance)) : 0',
      unit: 'Nm3',
      ref: `${TOOL08} / ACM0001 monitoring: hourly mass balance, gas flared and used beyond the gas collected`,
      description: 'Gas flared and used beyond the gas collected in the hour (hourly metering); summed, the size of the imbalance',
    },
    {
      symbol: 'n_hours_excess',
      scope: 'row',
      expr: 'LFG_excess_h > 0 ? 1 : 0',
      unit: '1',
      ref: `${TOOL08} / ACM0001 monitoring: hours with a mass-balance excess`,
      description: '1 in an hour with a mass-balance excess; summed, the number of such hours',
    },
    {
      symbol: 'n_hours_off_range',
      scope: 'row',
      expr: 'flare_type_enclosed and T_spec_max > T_spec_min and (T_flare < T_spec_min or T_flare > T_spec_max) ? 1 : 0',
      unit: '1',
      ref: `${TOOL06}: operation within the manufacturer's specifications (declared exhaust temperature range)`,
      description: '1 in an hour with a mean flare temperature outside the declared range; summed, the number of such hours',
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
      ref: `${ACM0001}: BE_CH4,y = (1 − OX_top_layer) × F_CH4,PJ,y × GWP_CH4 − F_CH4,BL,y × GWP_CH4 [unverified: some versions (1 − OX) × (F_PJ − F_BL) × GWP]; in t CH4, the engine applies GWP_CH4`,
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
    {
      symbol: 'LFG_used_y',
      scope: 'period',
      expr: 'LFG_flare + LFG_EL',
      unit: 'Nm3',
      ref: `${TOOL08} / ACM0001 monitoring: gas sent to the flares and to power generation in the period`,
      description: 'Landfill gas flared and used in the period',
    },
    {
      symbol: 'LFG_excess_totalizer_y',
      scope: 'period',
      expr: 'LFG_total_metering_monthly_totalizer ? max(0, LFG_used_y - LFG_total * (1 + mass_balance_tolerance)) : 0',
      unit: 'Nm3',
      ref: `${TOOL08} / ACM0001 monitoring: mass balance against the totalizer of the gas collected`,
      description: 'Gas flared and used beyond the totalizer reading of the gas collected (monthly totalizer)',
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
      assert: 'not LFG_total_metering_hourly or LFG_flare + LFG_EL <= LFG_total * (1 + mass_balance_tolerance)',
      message:
        'Landfill gas sent to the flare plus gas sent to power generation exceeds the gas collected (LFG_total) in this hour; the period total is reported by lfg-mass-balance-period',
      ref: `${TOOL08} / ACM0001 monitoring: the gas flared and used cannot exceed the gas collected (mass balance)`,
      severity: 'warning',
    },
    {
      id: 'lfg-mass-balance-period',
      scope: 'period',
      assert: 'LFG_excess_h == 0',
      message:
        'Gas flared and used exceeds the gas collected by {LFG_excess_h} Nm³ in {n_hours_excess} hour(s) (each listed as a warning); check the meters. Nothing is clamped: the period is rejected until the meters are reconciled',
      ref: `${TOOL08} / ACM0001 monitoring: the gas flared and used cannot exceed the gas collected (mass balance)`,
    },
    {
      id: 'lfg-mass-balance-totalizer',
      scope: 'period',
      assert: 'LFG_excess_totalizer_y == 0',
      message:
        'Gas flared and used in the period ({LFG_used_y} Nm³) exceeds the totalizer of the gas collected ({LFG_total} Nm³) by {LFG_excess_totalizer_y} Nm³ beyond the tolerance; check the meters. The period is rejected until they are reconciled',
      ref: `${TOOL08} / ACM0001 monitoring: mass balance against the totalizer of the gas collected`,
    },
    {
      id: 'lfg-total-reported',
      scope: 'period',
      assert: 'LFG_total_metering_none or LFG_total > 0',
      message:
        'The registration says the gas collected is metered, but the file gives no LFG_total; add the hourly readings or the monthly totalizer differences',
      ref: `${TOOL08} / ACM0001 monitoring: gas collected`,
    },
    {
      id: 'flare-temperature-within-manufacturer-range',
      scope: 'row',
      assert: 'not flare_type_enclosed or T_spec_max <= T_spec_min or (T_flare >= T_spec_min and T_flare <= T_spec_max)',
      message:
        "The mean exhaust temperature of the hour is outside the manufacturer's range declared in the registration (T_spec_min – T_spec_max): the hour counts as outside the specifications (TOOL06 v1: 50 %; from v2.0: no efficiency)",
      ref: `${TOOL06}: operation within the manufacturer's specifications`,
      severity: 'warning',
    },
    {
      id: 'flare-temperature-within-manufacturer-range-period',
      scope: 'period',
      assert: 'n_hours_off_range == 0',
      message:
        "{n_hours_off_range} hour(s) with a mean flare temperature outside the manufacturer's declared range (each listed as a warning); their efficiency was reduced",
      ref: `${TOOL06}: operation within the manufacturer's specifications`,
      severity: 'warning',
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
