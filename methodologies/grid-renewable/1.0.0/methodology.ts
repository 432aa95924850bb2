/**
 * Grid-connected renewable electricity generation: ACM0002 v22.0 (large scale) and AMS-I.D v18.0
 * (small scale, ≤ 15 MW), with the combined margin of TOOL07. Greenfield plants only in 1.0.0.
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
    .describe('Greenfield plant, or a change to an existing plant (not covered by 1.0.0)'),
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
});

/** Fixed parameters, each with its unit, source and allowed range. */
const parameters = {
  NCV_diesel: {
    value: 43.0,
    unit: 'GJ/t',
    source: 'IPCC 2006 GL Vol. 2 Ch. 1 Table 1.2, gas/diesel oil, default NCV 43.0 TJ/Gg (95 % interval 41.4–43.3)',
    range: [41.4, 43.3],
    description: 'Net calorific value of diesel used on site (back-up generators); IPCC default value',
  },
  EF_CO2_diesel: {
    value: 0.0741,
    unit: 'tCO2/GJ',
    source: 'IPCC 2006 GL Vol. 2 Ch. 1 Table 1.4, gas/diesel oil, default 74,100 kg CO2/TJ (95 % interval 72,600–74,800)',
    range: [0.0726, 0.0748],
    description: 'CO2 emission factor of diesel; IPCC default value (TOOL03 would take the upper bound 0.0748: see README)',
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
  version: '1.0.0',
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
        'Version 1.0.0 implements the greenfield baseline (EG_PJ,y = EG_facility,y) only; capacity additions, retrofits and replacements need EG_historical and are not covered.',
      check: (p) =>
        p.plant_type === 'greenfield'
          ? { status: 'applicable' }
          : {
              status: 'not-applicable',
              reason: `plant_type is "${p.plant_type}"; 1.0.0 covers greenfield plants only (the EG_historical + σ baseline of retrofits is not covered by this version)`,
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
  }),
  timeColumn: 'timestamp',
  timestampMarks: 'interval-end',
  parameters,
  equations: [
    {
      symbol: 'EG_PJ',
      scope: 'row',
      expr: 'EG_export - EG_import',
      unit: 'MWh',
      ref: 'ACM0002 v22.0 baseline emissions, greenfield: EG_PJ,y = EG_facility,y (net supply to the grid)',
      description: 'Net electricity supplied to the grid; summed over the period it is EG_PJ,y',
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
    { symbol: 'BE_y', scope: 'period', expr: 'EG_PJ * EF_grid_CM_y', unit: 't CO2', ref: 'ACM0002 v22.0 / AMS-I.D v18.0: BE_y = EG_PJ,y × EF_grid,CM,y' },
    {
      symbol: 'PE_FF_y',
      scope: 'period',
      expr: 'FC_diesel * NCV_diesel * EF_CO2_diesel',
      unit: 't CO2',
      ref: 'ACM0002 v22.0 PE_FF,y per TOOL03: FC_i,y × NCV_i,y × EF_CO2,i,y (option B)',
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
  ],
});
