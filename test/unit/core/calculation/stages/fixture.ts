// A tiny flare module (as in calculate.test.ts) for the stage tests: methane destroyed in a flare, grid electricity used.
import { z } from 'zod';
import { column, monitoringRow } from '../../../../../core/methodology/columns.ts';
import { defineMethodology } from '../../../../../core/methodology/define-methodology.ts';
import { createRegistry } from '../../../../../core/methodology/registry.ts';
import { ProjectSchema } from '../../../../../core/project/project.ts';

export const methodology = defineMethodology({
  id: 'stage-flare',
  version: '1.0.0',
  title: 'Stage flare',
  source: { body: 'test', document: 'domain.md §6.5', documentVersion: '1' },
  mechanisms: ['CDM'] as const,
  applicability: [
    {
      id: 'has-flare',
      ref: '§1',
      description: 'a flare is installed',
      check: (p: { flare: boolean }) => (p.flare ? { status: 'applicable' as const } : { status: 'not-applicable' as const, reason: 'no flare installed' }),
    },
  ],
  project: z.object({
    flare: z.boolean(),
    eta_flare: z.number().min(0).max(1).meta({ unit: '1' }),
    EF_grid: z.number().nonnegative().meta({ unit: 'tCO2/MWh' }),
  }),
  monitoring: monitoringRow({
    timestamp: column.timestamp({ description: 'end of the month' }),
    LFG: column.number({ unit: 'Nm3', min: 0, description: 'landfill gas sent to the flare' }),
    w_CH4: column.number({ unit: '1', min: 0, max: 1, description: 'methane fraction' }),
    EC: column.number({ unit: 'MWh', min: 0, description: 'electricity used' }),
  }),
  timeColumn: 'timestamp',
  parameters: {
    rho_CH4: { value: 0.000716, unit: 't/Nm3', source: 'TOOL08, 0 °C and 101.325 kPa', range: [0.0007, 0.00073] as const, description: 'methane density' },
  },
  equations: [
    { symbol: 'F_CH4', expr: 'LFG * w_CH4 * rho_CH4', unit: 't', ref: 'TOOL08', scope: 'row' as const },
    { symbol: 'BE_CH4', expr: 'eta_flare * F_CH4', unit: 't', ref: 'ACM0001', scope: 'period' as const },
    { symbol: 'PE_EC', expr: 'EC * EF_grid', unit: 't', ref: 'TOOL05', scope: 'period' as const },
  ],
  emissions: [
    { category: 'BE' as const, gas: 'CH4', symbol: 'BE_CH4' },
    { category: 'PE' as const, gas: 'CO2', symbol: 'PE_EC' },
  ],
});
export const registry = createRegistry([methodology]);

export const projectWith = (parameters: { flare: boolean; eta_flare: number; EF_grid: number } = { flare: true, eta_flare: 0.9, EF_grid: 0.7 }) =>
  ProjectSchema.parse({
    id: 'stage-test',
    name: 'Landfill',
    methodology: 'stage-flare@1.0.0',
    mechanism: 'CDM',
    hostCountry: 'BR',
    leastDevelopedCountry: false,
    scale: 'large',
    creditingPeriod: { start: '2013-01-01', end: '2019-12-31' },
    pddAnnualEstimate: 40000,
    parameters,
  });
export const project = projectWith();

/** The text in chunks of `size` bytes, as a stream would hand it over. */
export async function* chunks(text: string, size = 5): AsyncGenerator<Uint8Array> {
  const b = Buffer.from(text);
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}
