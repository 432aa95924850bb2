/**
 * The skeleton module that `mrv methodology new <id>` copies: a deliberately small but real
 * methodology (renewable electricity displacing grid power, with back-up diesel as a project
 * emission, in the AMS-I.D form). It is never registered in methodologies/index.ts; its own test
 * runs the conformance suite so that the skeleton keeps working.
 *
 * Replace every part of it with your methodology: the source, the applicability conditions, the
 * project parameters, the monitoring columns, the fixed parameters, the equations, the emission
 * terms and the checks. methodologies/README.md explains each field.
 */
import { z } from 'zod';
import { defineMethodology, column, monitoringRow, type ParameterSpec } from '#core/methodology/authoring';

/** Parameters registered with the project. Every number carries its unit: `[unit]` at the end of the description. */
const project = z.object({
  EF_grid_CM: z.number().min(0).max(2).describe('Combined-margin CO2 emission factor of the grid, fixed ex ante at registration (TOOL07) [tCO2/MWh]'),
});

/** Fixed parameters: value, unit, source (document, table, edition) and the range the value may take. */
const parameters = {
  NCV_diesel: {
    value: 43.3,
    unit: 'GJ/t',
    source:
      'TOOL03 v3.0 (parameters NCV_i,t and EF_CO2,i,t): IPCC default at the upper limit of the 95 % confidence interval; IPCC 2006 GL Vol. 2 Ch. 1 Table 1.2, gas/diesel oil: default 43.0 TJ/Gg, interval 41.4–43.3, upper limit 43.3',
    range: [43.3, 43.3],
    description: 'Net calorific value of the diesel burnt in the back-up generator',
  },
  EF_CO2_diesel: {
    value: 0.0748,
    unit: 'tCO2/GJ',
    source:
      'TOOL03 v3.0 (parameter EF_CO2,i,t): IPCC default at the upper limit of the 95 % confidence interval; IPCC 2006 GL Vol. 2 Ch. 1 Table 1.4, gas/diesel oil: default 74,100 kg CO2/TJ, interval 72,600–74,800, upper limit 74,800',
    range: [0.0748, 0.0748],
    description: 'CO2 emission factor of diesel',
  },
} satisfies Record<string, ParameterSpec>;

export default defineMethodology({
  id: 'template',
  version: '1.0.0',
  title: 'Template: renewable electricity displacing grid power, with back-up diesel (skeleton module)',
  source: {
    body: 'UNFCCC CDM Executive Board',
    document: 'AMS-I.D Grid connected renewable electricity generation (simplified: greenfield plant, ex-ante grid factor); TOOL03 for fossil fuel combustion',
    documentVersion: 'AMS-I.D v18.0; TOOL03 v3.0',
    url: 'https://cdm.unfccc.int/methodologies/DB/W3TINZ7KKWCK7L8WTXFQQOFQQH4SBK',
  },
  mechanisms: ['CDM', 'A6.4'],
  applicability: [
    {
      id: 'grid-emission-factor-positive',
      ref: 'AMS-I.D v18.0 §2 (electricity displaces grid electricity)',
      description: 'The plant supplies a grid whose combined-margin emission factor is above zero.',
      check: (p) =>
        p.EF_grid_CM > 0
          ? { status: 'applicable' }
          : { status: 'not-applicable', reason: `EF_grid_CM is ${p.EF_grid_CM} tCO2/MWh: supplying that grid avoids no emissions` },
    },
  ],
  project,
  monitoring: monitoringRow({
    timestamp: column.timestamp({ description: 'Day the readings refer to (ISO 8601 date, or date-time with offset)' }),
    EG_net: column.number({
      unit: 'MWh',
      min: 0,
      max: 10_000,
      side: 'baseline',
      description: 'Net electricity supplied to the grid during the day (export minus import)',
    }),
    FC_diesel: column.number({ unit: 't', min: 0, max: 100, side: 'project', description: 'Diesel burnt in the back-up generator during the day' }),
  }),
  timeColumn: 'timestamp',
  timestampMarks: 'interval-start',
  monitoringIntervalMinutes: 1440,
  gapPolicy: 'zero-fill',
  parameters,
  equations: [
    {
      symbol: 'PE_FF',
      scope: 'row',
      expr: 'FC_diesel * NCV_diesel * EF_CO2_diesel',
      unit: 't CO2',
      ref: 'TOOL03 v3.0 option B: PE_FC = FC × NCV × EF_CO2',
      description: 'CO2 from the back-up diesel, per day; summed over the period',
    },
    {
      symbol: 'BE_y',
      scope: 'period',
      expr: 'EG_net * EF_grid_CM',
      unit: 't CO2',
      ref: 'AMS-I.D v18.0: BE_y = EG_PJ,y × EF_grid,y',
      description: 'Grid emissions avoided by the net electricity supplied in the period',
    },
  ],
  emissions: [
    { category: 'BE', gas: 'CO2', symbol: 'BE_y' },
    { category: 'PE', gas: 'CO2', symbol: 'PE_FF' },
  ],
  checks: [
    {
      id: 'electricity-supplied',
      scope: 'period',
      assert: 'EG_net > 0',
      message: 'No net electricity was supplied in the period; check the meter export register and the column unit',
      ref: 'QA/QC plausibility (AMS-I.D monitoring of EG_PJ,y)',
    },
  ],
});
