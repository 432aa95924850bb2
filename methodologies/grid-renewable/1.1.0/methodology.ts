/**
 * Grid-connected renewable electricity generation: ACM0002 v22.0 (large scale) and AMS-I.D v18.0
 * (small scale, ≤ 15 MW), with the combined margin of TOOL07. Greenfield plants only.
 *
 * 1.1.0: back-up diesel at the TOOL03 v3.0 upper limits of the IPCC 95 % intervals (1.0.0 took the central
 * values and so under-stated project emissions), and the cross-check of the main meter against the utility
 * invoice or a second meter: the lower export and the higher import are credited.
 *
 * Everything here is data plus small pure functions; the engine (core/calculation/calculate.ts)
 * evaluates the equations, converts each gas with the GWP set in force and rounds per mechanism.
 * The README beside this file lists every symbol with its unit and source, and works the fixture
 * through by hand.
 */
import { z } from 'zod';
import { defineMethodology, column, monitoringRow, type ParameterSpec } from '#core/methodology/authoring';

export const TECHNOLOGIES = ['solar', 'wind', 'hydro-run-of-river', 'hydro-reservoir', 'geothermal', 'tidal', 'wave'] as const;

const project = z.object({
  baseline_methodology: z
    .enum(['ACM0002', 'AMS-I.D'])
    .describe('Which of the two approved methodologies the project is registered under (AMS-I.D: small scale, ≤ 15 MW)'),
  plant_type: z
    .enum(['greenfield', 'capacity-addition', 'retrofit', 'replacement'])
    .describe('Greenfield plant, or a change to an existing plant (not covered by this module)'),
  technology: z.enum(TECHNOLOGIES).describe('Renewable technology; decides the TOOL07 margin weights'),
  crediting_period_number: z
    .number()
    .int()
    .min(1)
    .max(3)
    .describe('1, 2 or 3: which (renewable) crediting period the monitoring period lies in; decides the TOOL07 weights for non-wind/solar [1]'),
  installed_capacity_MW: z.number().positive().max(20_000).describe('Installed (rated) capacity of the project plant [MW]'),
  EF_grid_OM: z.number().min(0).max(2).describe('Operating-margin CO2 emission factor of the grid, TOOL07 step 4, fixed ex ante or per year y [tCO2/MWh]'),
  EF_grid_BM: z.number().min(0).max(2).describe('Build-margin CO2 emission factor of the grid, TOOL07 step 5 [tCO2/MWh]'),
  Cap_BL: z.number().min(0).default(0).describe('Installed capacity of the hydro plant before the project, 0 for a new plant [W]'),
  Cap_PJ: z.number().min(0).default(0).describe('Installed capacity of the hydro plant after the project [W]'),
  A_BL: z.number().min(0).default(0).describe('Area of the reservoir at full reservoir level before the project, 0 for a new reservoir [m²]'),
  A_PJ: z.number().min(0).default(0).describe('Area of the reservoir at full reservoir level after the project [m²]'),
  check_source: z
    .enum(['none', 'invoice', 'check-meter'])
    .default('none')
    .describe(
      'Second source of the exported and imported electricity the monitoring plan cross-checks the main meter against: the utility invoice (or joint meter reading) or a second (check) meter; columns EG_export_check and EG_import_check',
    ),
  check_tolerance: z
    .number()
    .min(0)
    .max(0.1)
    .default(0)
    .describe(
      'Relative difference between the main meter and the check source that the monitoring plan accepts without explanation; a larger difference is a warning naming both figures (0 = any difference is reported) [1]',
    ),
});

/** Fixed parameters, each with its unit, source and allowed range. */
const parameters = {
  NCV_diesel: {
    value: 43.3,
    unit: 'GJ/t',
    source:
      'TOOL03 v3.0 (parameter NCV_i,t): IPCC default at the upper limit of the 95 % confidence interval; IPCC 2006 GL Vol. 2 Ch. 1 Table 1.2, gas/diesel oil: default 43.0 TJ/Gg, interval 41.4–43.3, upper limit 43.3',
    range: [43.3, 43.3],
    description: 'Net calorific value of diesel used on site (back-up generators); IPCC default at the upper limit of its 95 % interval',
  },
  EF_CO2_diesel: {
    value: 0.0748,
    unit: 'tCO2/GJ',
    source:
      'TOOL03 v3.0 (parameter EF_CO2,i,t): IPCC default at the upper limit of the 95 % confidence interval; IPCC 2006 GL Vol. 2 Ch. 1 Table 1.4, gas/diesel oil: default 74,100 kg CO2/TJ, interval 72,600–74,800, upper limit 74,800',
    range: [0.0748, 0.0748],
    description: 'CO2 emission factor of diesel; IPCC default at the upper limit of its 95 % interval',
  },
  EF_Res: {
    value: 90,
    unit: 'kg CO2e/MWh',
    source: 'ACM0002 v22.0, project emissions from water reservoirs of hydro power plants: default emission factor for reservoirs',
    range: [90, 90],
    description: 'Default emission factor for emissions from the reservoir (stated by the methodology as CO2e)',
  },
  PD_min: {
    value: 4,
    unit: 'W/m²',
    source: 'ACM0002 v22.0 applicability: hydro power plants with a new or enlarged reservoir need a power density above 4 W/m²',
    range: [4, 4],
    description: 'Power density at or below which a plant with a new or enlarged reservoir is not eligible',
  },
  PD_reservoir_emissions_max: {
    value: 10,
    unit: 'W/m²',
    source: 'ACM0002 v22.0, project emissions from reservoirs: PE_HP,y = 0 if PD > 10 W/m²',
    range: [10, 10],
    description: 'Power density above which reservoir emissions are taken as zero',
  },
  w_OM_wind_solar: {
    value: 0.75,
    unit: '1',
    source: 'TOOL07 (emission factor for an electricity system) step 6: wind and solar power, all crediting periods, w_OM = 0.75, w_BM = 0.25',
    range: [0, 1],
    description: 'Operating-margin weight for wind and solar projects',
  },
  w_OM_first_cp: {
    value: 0.5,
    unit: '1',
    source: 'TOOL07 step 6: all other projects, first crediting period, w_OM = 0.5, w_BM = 0.5',
    range: [0, 1],
    description: 'Operating-margin weight for other projects in their first crediting period',
  },
  w_OM_later_cp: {
    value: 0.25,
    unit: '1',
    source: 'TOOL07 step 6: all other projects, second and third crediting periods, w_OM = 0.25, w_BM = 0.75',
    range: [0, 1],
    description: 'Operating-margin weight for other projects in their second and third crediting periods',
  },
} satisfies Record<string, ParameterSpec>;

/** Power density of a new or enlarged reservoir, W/m²; undefined when there is none. Same formula as equation PD. */
export function powerDensity(p: { Cap_BL: number; Cap_PJ: number; A_BL: number; A_PJ: number }): number | undefined {
  return p.A_PJ > p.A_BL ? (p.Cap_PJ - p.Cap_BL) / (p.A_PJ - p.A_BL) : undefined;
}

export default defineMethodology({
  id: 'grid-renewable',
  version: '1.1.0',
  title: 'Grid-connected renewable electricity generation (ACM0002 / AMS-I.D with TOOL07 combined margin)',
  source: {
    body: 'UNFCCC CDM Executive Board',
    document: 'ACM0002 Grid-connected electricity generation from renewable sources; AMS-I.D Grid connected renewable electricity generation; TOOL07',
    documentVersion: 'ACM0002 v22.0 / AMS-I.D v18.0',
    url: 'https://cdm.unfccc.int/methodologies/PAmethodologies/approved',
  },
  mechanisms: ['CDM', 'JI', 'A6.4'],
  // Meter data comes at the frequency of the registered monitoring plan (project monitoringIntervalMinutes).
  // A missing interval counts as no net export: conservative, since only net export earns credit.
  gapPolicy: 'zero-fill',
  applicability: [
    {
      id: 'greenfield-plant',
      ref: 'ACM0002 v22.0 §2 (baseline scenario of greenfield plants)',
      description:
        'This version implements the greenfield baseline (EG_PJ,y = EG_facility,y) only; capacity additions, retrofits and replacements need EG_historical and are not covered.',
      check: (p) =>
        p.plant_type === 'greenfield'
          ? { status: 'applicable' }
          : {
              status: 'not-applicable',
              reason: `plant_type is "${p.plant_type}"; this module covers greenfield plants only (the EG_historical + σ baseline of retrofits is not covered by this version)`,
            },
    },
    {
      id: 'small-scale-capacity-limit',
      ref: 'AMS-I.D v18.0 §2; decision 4/CMP.1 annex II as amended by 1/CMP.2 para 28 (Type I ≤ 15 MW)',
      description: 'A project registered under AMS-I.D has an installed capacity of at most 15 MW.',
      check: (p) =>
        p.baseline_methodology !== 'AMS-I.D' || p.installed_capacity_MW <= 15
          ? { status: 'applicable' }
          : {
              status: 'not-applicable',
              reason: `installed capacity ${p.installed_capacity_MW} MW exceeds the 15 MW small-scale limit of AMS-I.D; register under ACM0002`,
            },
    },
    {
      id: 'reservoir-power-density-above-4',
      ref: 'ACM0002 v22.0 applicability conditions (hydro power plants with new or enlarged reservoirs)',
      description: 'A hydro plant that creates or enlarges a reservoir has a power density PD = (Cap_PJ − Cap_BL)/(A_PJ − A_BL) greater than 4 W/m².',
      check: (p) => {
        const pd = powerDensity(p);
        if (pd === undefined || pd > parameters.PD_min.value) return { status: 'applicable' };
        return {
          status: 'not-applicable',
          reason: `power density ${pd} W/m² is not above ${parameters.PD_min.value} W/m² (Cap_PJ − Cap_BL = ${p.Cap_PJ - p.Cap_BL} W over A_PJ − A_BL = ${p.A_PJ - p.A_BL} m²)`,
        };
      },
    },
  ],
  project,
  // Project-side sources a site may not have: their columns may be left out only where it has none.
  sources: {
    diesel_backup: { description: 'Diesel back-up generators on site (ACM0002 PE_FF,y): a site without them declares "sources": { "diesel_backup": false }' },
    geothermal_steam: {
      description: 'Non-condensable gases released with the steam of a geothermal plant (ACM0002 PE_GP,y)',
      notAtSiteWhen: (p) => (p.technology === 'geothermal' ? undefined : `the registered technology is ${p.technology}, which releases no geothermal steam`),
      atSiteWhen: (p) => (p.technology === 'geothermal' ? 'the registered technology is geothermal' : undefined),
    },
    reservoir_emissions: {
      description: 'Emissions from a new or enlarged reservoir with a power density of 4–10 W/m² (ACM0002 PE_HP,y, from the gross generation TEG)',
      notAtSiteWhen: (p) => {
        const pd = powerDensity(p);
        if (pd === undefined) return 'the registration has no new or enlarged reservoir (A_PJ ≤ A_BL)';
        return pd > parameters.PD_reservoir_emissions_max.value
          ? `the reservoir's power density ${pd} W/m² is above ${parameters.PD_reservoir_emissions_max.value} W/m², so its emissions are zero`
          : undefined;
      },
      atSiteWhen: (p) => {
        const pd = powerDensity(p);
        return pd !== undefined && pd <= parameters.PD_reservoir_emissions_max.value
          ? `a new or enlarged reservoir with a power density of ${pd} W/m² (at most ${parameters.PD_reservoir_emissions_max.value}) has reservoir emissions`
          : undefined;
      },
    },
    check_source: {
      description:
        'Second source of the exported and imported electricity the registration names (check_source: the utility invoice, a joint meter reading or a check meter); the higher imported electricity of the two is deducted',
      notAtSiteWhen: (p) => (p.check_source === 'none' ? 'the registration names no check source (check_source: none)' : undefined),
      atSiteWhen: (p) => (p.check_source === 'none' ? undefined : `the registration names a check source (check_source: ${p.check_source})`),
    },
  },
  monitoring: monitoringRow({
    timestamp: column.timestamp({ description: 'End of the metering interval (ISO 8601 with offset)' }),
    EG_export: column.number({
      unit: 'MWh',
      min: 0,
      max: 100_000,
      side: 'baseline',
      description: 'Electricity delivered to the grid in the interval (main meter at the interconnection)',
    }),
    EG_import: column.number({
      unit: 'MWh',
      min: 0,
      max: 100_000,
      side: 'project',
      description: 'Electricity drawn from the grid in the interval (same meter, import register)',
    }),
    TEG: column.optional(
      column.number({
        unit: 'MWh',
        min: 0,
        max: 100_000,
        side: 'project',
        description: 'Total (gross) electricity generated by the plant in the interval; needed for reservoir hydro',
      }),
      { absent: { source: 'reservoir_emissions', value: 0 } },
    ),
    FC_diesel: column.optional(
      column.number({ unit: 't', min: 0, max: 10_000, side: 'project', description: 'Diesel burnt on site (back-up generators) in the interval' }),
      { absent: { source: 'diesel_backup', value: 0 } },
    ),
    M_steam: column.optional(
      column.number({ unit: 't', min: 0, max: 10_000_000, side: 'project', description: 'Steam produced in the interval (geothermal)' }),
      { absent: { source: 'geothermal_steam', value: 0 } },
    ),
    w_steam_CO2: column.optional(
      column.number({
        unit: 't CO2/t steam',
        min: 0,
        max: 0.2,
        side: 'project',
        description: 'Mass fraction of CO2 in the produced steam (latest non-condensable gas sample)',
      }),
      { absent: { source: 'geothermal_steam', value: 0 } },
    ),
    w_steam_CH4: column.optional(
      column.number({
        unit: 't CH4/t steam',
        min: 0,
        max: 0.2,
        side: 'project',
        description: 'Mass fraction of CH4 in the produced steam (latest non-condensable gas sample)',
      }),
      { absent: { source: 'geothermal_steam', value: 0 } },
    ),
    EG_export_check: column.optional(
      column.number({
        unit: 'MWh',
        min: 0,
        max: 10_000_000,
        side: 'baseline',
        description:
          'Electricity delivered to the grid by the check source (invoice, joint meter reading or check meter), on the row that closes the invoiced interval; empty on other rows',
      }),
      {
        absent: { value: 0 },
        note: 'absent or empty = nothing invoiced on this row (counts as 0, the lower export); a registration with a check source must report it (check-source-reported)',
      },
    ),
    EG_import_check: column.optional(
      column.number({
        unit: 'MWh',
        min: 0,
        max: 10_000_000,
        side: 'project',
        description: 'Electricity drawn from the grid according to the check source, on the row that closes the invoiced interval; 0 on other rows',
      }),
      {
        absent: { source: 'check_source', value: 0 },
        note: 'required when the registration names a check source, and an empty cell is then refused (a missing invoiced import would raise the credited net export); may be left out without one',
      },
    ),
  }),
  timeColumn: 'timestamp',
  timestampMarks: 'interval-end',
  parameters,
  equations: [
    {
      symbol: 'EG_export_y',
      scope: 'period',
      expr: 'check_source_none ? EG_export : min(EG_export, EG_export_check)',
      unit: 'MWh',
      ref: 'ACM0002 v22.0 monitoring of EG_facility,y (cross-check with invoices or a second meter); conservative choice: the lower export of the two sources',
      description: 'Electricity exported that is credited: the main meter, or the lower of the main meter and the check source',
    },
    {
      symbol: 'EG_import_y',
      scope: 'period',
      expr: 'check_source_none ? EG_import : max(EG_import, EG_import_check)',
      unit: 'MWh',
      ref: 'ACM0002 v22.0 monitoring of EG_facility,y (cross-check with invoices or a second meter); conservative choice: the higher import of the two sources',
      description: 'Electricity imported that is deducted: the main meter, or the higher of the main meter and the check source',
    },
    {
      symbol: 'EG_PJ_y',
      scope: 'period',
      expr: 'EG_export_y - EG_import_y',
      unit: 'MWh',
      ref: 'ACM0002 v22.0 baseline emissions, greenfield: EG_PJ,y = EG_facility,y (net supply to the grid)',
      description: 'Net electricity supplied to the grid in the period',
    },
    {
      symbol: 'PE_GP_CO2',
      scope: 'row',
      expr: 'w_steam_CO2 * M_steam',
      unit: 't CO2',
      ref: 'ACM0002 v22.0 project emissions of geothermal plants, PE_GP,y (CO2 part)',
      description: 'CO2 released with the steam',
    },
    {
      symbol: 'PE_GP_CH4',
      scope: 'row',
      expr: 'w_steam_CH4 * M_steam',
      unit: 't CH4',
      ref: 'ACM0002 v22.0 project emissions of geothermal plants, PE_GP,y (CH4 part; the engine applies GWP_CH4)',
      description: 'CH4 released with the steam, tonnes of CH4',
    },
    {
      symbol: 'w_OM',
      scope: 'period',
      expr: '(technology_wind or technology_solar) ? w_OM_wind_solar : (crediting_period_number == 1 ? w_OM_first_cp : w_OM_later_cp)',
      unit: '1',
      ref: 'TOOL07 step 6 (weights of the combined margin)',
    },
    { symbol: 'w_BM', scope: 'period', expr: '1 - w_OM', unit: '1', ref: 'TOOL07 step 6 (w_OM + w_BM = 1)' },
    {
      symbol: 'EF_grid_CM_y',
      scope: 'period',
      expr: 'w_OM * EF_grid_OM + w_BM * EF_grid_BM',
      unit: 'tCO2/MWh',
      ref: 'TOOL07 step 6: EF_grid,CM,y = w_OM × EF_grid,OM,y + w_BM × EF_grid,BM,y',
    },
    { symbol: 'BE_y', scope: 'period', expr: 'EG_PJ_y * EF_grid_CM_y', unit: 't CO2', ref: 'ACM0002 v22.0 / AMS-I.D v18.0: BE_y = EG_PJ,y × EF_grid,CM,y' },
    {
      symbol: 'PE_FF_y',
      scope: 'period',
      expr: 'FC_diesel * NCV_diesel * EF_CO2_diesel',
      unit: 't CO2',
      ref: 'ACM0002 v22.0 PE_FF,y per TOOL03 v3.0: FC_i,y × NCV_i,y × EF_CO2,i,y (option B), IPCC defaults at the upper limit of the 95 % interval',
    },
    {
      symbol: 'PD',
      scope: 'period',
      expr: 'A_PJ > A_BL ? (Cap_PJ - Cap_BL) / (A_PJ - A_BL) : 0',
      unit: 'W/m²',
      ref: 'ACM0002 v22.0 power density PD = (Cap_PJ − Cap_BL)/(A_PJ − A_BL)',
      description: 'Power density of the new or enlarged reservoir; 0 when there is none (no reservoir emissions)',
    },
    {
      symbol: 'PE_HP_y',
      scope: 'period',
      expr: '(A_PJ > A_BL and PD > PD_min and PD <= PD_reservoir_emissions_max) ? EF_Res * TEG / 1000 : 0',
      unit: 't CO2e',
      ref: 'ACM0002 v22.0 PE_HP,y = EF_Res × TEG_y / 1000 for 4 < PD ≤ 10 W/m²; 0 if PD > 10 or no new reservoir',
      description: 'Reservoir emissions; the methodology gives EF_Res in CO2e only, so the term is booked as CO2e (no species split)',
    },
    { symbol: 'LE_y', scope: 'period', expr: '0', unit: 't CO2', ref: 'ACM0002 v22.0 leakage: none (LE_y = 0); AMS-I.D: no equipment transfer' },
  ],
  emissions: [
    { category: 'BE', gas: 'CO2', symbol: 'BE_y' },
    { category: 'PE', gas: 'CO2', symbol: 'PE_FF_y' },
    { category: 'PE', gas: 'CO2', symbol: 'PE_GP_CO2' },
    { category: 'PE', gas: 'CH4', symbol: 'PE_GP_CH4' },
    { category: 'PE', gas: 'CO2e', symbol: 'PE_HP_y' },
    { category: 'LE', gas: 'CO2', symbol: 'LE_y' },
  ],
  checks: [
    {
      id: 'export-within-capacity',
      scope: 'period',
      assert: 'EG_export <= installed_capacity_MW * 24 * period_days',
      message: 'Electricity exported exceeds installed capacity × hours of the period; check the meter unit (kWh vs MWh) or the registered capacity',
      ref: 'QA/QC plausibility: capacity × hours ≥ generation (ACM0002 monitoring of EG_facility,y)',
    },
    {
      id: 'reservoir-gross-generation-reported',
      scope: 'period',
      assert: 'A_PJ <= A_BL or TEG >= EG_export',
      message:
        'A plant with a new or enlarged reservoir must report gross generation TEG (MWh), at least the electricity exported; TEG is missing or too small',
      ref: 'ACM0002 v22.0 monitoring of TEG_y (reservoir emissions)',
    },
    {
      id: 'geothermal-steam-reported',
      scope: 'period',
      assert: 'not technology_geothermal or M_steam > 0',
      message: 'A geothermal plant must report the steam produced M_steam (t) and its CO2 and CH4 mass fractions',
      ref: 'ACM0002 v22.0 monitoring of M_steam,y, w_steam,CO2,y, w_steam,CH4,y',
    },
    {
      id: 'check-source-reported',
      scope: 'period',
      assert: 'check_source_none or EG_export_check > 0',
      message:
        'The registration names a check source (invoice or check meter) but the file gives no EG_export_check for the period; add the invoiced export on the row that closes each invoiced interval',
      ref: 'ACM0002 v22.0 monitoring of EG_facility,y: cross-check declared in the monitoring plan',
    },
    {
      id: 'export-agrees-with-check-source',
      scope: 'period',
      assert: 'check_source_none or EG_export_check == 0 or abs(EG_export - EG_export_check) <= check_tolerance * max(EG_export, EG_export_check)',
      message:
        'Exported electricity: main meter {EG_export} MWh, check source {EG_export_check} MWh; the difference exceeds the tolerance of the monitoring plan. The lower figure ({EG_export_y} MWh) is credited; explain the difference to the verifier',
      ref: 'ACM0002 v22.0 monitoring of EG_facility,y (meter vs invoice cross-check); CDM VVS: verifiers cross-check reported data against other sources',
      severity: 'warning',
    },
    {
      id: 'import-agrees-with-check-source',
      scope: 'period',
      assert: 'check_source_none or abs(EG_import - EG_import_check) <= check_tolerance * max(EG_import, EG_import_check)',
      message:
        'Imported electricity: main meter {EG_import} MWh, check source {EG_import_check} MWh; the difference exceeds the tolerance of the monitoring plan. The higher figure ({EG_import_y} MWh) is deducted; explain the difference to the verifier',
      ref: 'ACM0002 v22.0 monitoring of EG_facility,y (meter vs invoice cross-check); CDM VVS: verifiers cross-check reported data against other sources',
      severity: 'warning',
    },
  ],
});
