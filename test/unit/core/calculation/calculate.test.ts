import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineMethodology } from '../../../../core/methodology/define-methodology.ts';
import { column, monitoringRow } from '../../../../core/methodology/columns.ts';
import { createRegistry } from '../../../../core/methodology/registry.ts';
import { calculate } from '../../../../core/calculation/calculate.ts';
import { ProjectSchema } from '../../../../core/project/project.ts';
import { MethodologyDefinitionError } from '../../../../core/errors.ts';

// A tiny landfill-gas-like module: methane destroyed in a flare (domain.md §6.5, enclosed flare, AR4).
const definition = {
  id: 'test-flare',
  version: '1.0.0',
  title: 'Test flare',
  source: { body: 'test', document: 'domain.md §6.5', documentVersion: '1' },
  mechanisms: ['CDM', 'A6.4'] as const,
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
};
const methodology = defineMethodology(definition);
const registry = createRegistry([methodology]);
const project = ProjectSchema.parse({
  id: 'landfill-test',
  name: 'Landfill',
  methodology: 'test-flare@1.0.0',
  mechanism: 'CDM',
  hostCountry: 'BR',
  leastDevelopedCountry: false,
  scale: 'large',
  creditingPeriod: { start: '2013-01-01', end: '2019-12-31' },
  pddAnnualEstimate: 40000,
  parameters: { flare: true, eta_flare: 0.9, EF_grid: 0.7 },
});

async function* bytes(text: string) {
  const b = Buffer.from(text);
  for (let i = 0; i < b.length; i += 5) yield b.subarray(i, i + 5);
}
const run = (csv: string, extra: Partial<Parameters<typeof calculate>[0]> = {}) =>
  calculate({ source: bytes(csv), fileName: 'flare.csv', project, registry, ...extra });

describe('calculate', () => {
  it('computes BE, PE and ER per gas in exact decimals (1,790 t CH4 captured: BE 40,275 tCO2e, PE 210 t CO2 → ER 40,065 → 40,065 units)', async () => {
    // 5,000,000 Nm3 × 0.5 × 0.000716 t/Nm3 = 1,790 t CH4 (1789.9999999999998 in binary floating point).
    const r = await run('timestamp,LFG,w_CH4,EC\n2014-01-31,5000000,0.5,300\n');
    expect(r.status).toBe('accepted');
    expect(r.trace.find((t) => t.symbol === 'F_CH4')?.value).toBe('1790');
    // BE = 0.9 × 1790 t CH4 × 25 = 40,275 tCO2e; PE = 300 × 0.7 = 210 t CO2; ER = 40,065.
    expect(r.gases).toEqual([
      { gas: 'CH4', gwp: '25', BE: { t: '1611', tCO2e: '40275' }, PE: { t: '0', tCO2e: '0' }, LE: { t: '0', tCO2e: '0' }, ER: '40275' },
      { gas: 'CO2', gwp: '1', BE: { t: '0', tCO2e: '0' }, PE: { t: '210', tCO2e: '210' }, LE: { t: '0', tCO2e: '0' }, ER: '-210' },
    ]);
    expect(r.totals).toEqual({ BE: '40275', PE: '210', LE: '0', ER: '40065' });
    expect(r.issuable?.units).toBe('40065');
    expect(r.gwp).toMatchObject({ set: 'AR4', reason: expect.stringMatching(/second commitment period/) });
    expect(r.methodology).toMatchObject({ id: 'test-flare', version: '1.0.0', hash: methodology.hash });
    expect(r.file.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('traces every equation with its inputs, reference and value', async () => {
    const r = await run('timestamp,LFG,w_CH4,EC\n2014-01-31,1000,0.5,10\n2014-02-28,1000,0.5,10\n');
    const be = r.trace.find((t) => t.symbol === 'BE_CH4');
    expect(be).toMatchObject({ expr: 'eta_flare * F_CH4', ref: 'ACM0001', scope: 'period', inputs: { eta_flare: '0.9', F_CH4: '0.716' }, value: '0.6444' });
    expect(r.trace.find((t) => t.symbol === 'F_CH4')).toMatchObject({ scope: 'row', rows: 2, inputs: { rho_CH4: '0.000716' } });
  });

  it('reports every bad row with row, column and code, and gives no totals', async () => {
    const r = await run(
      'timestamp,LFG,w_CH4,EC\n2014-01-31,abc,0.5,1\n2014-02-28,100,1.5,1\n2014-03-31,100,0.5,-3\n2014-04-30,"1,5",0.5,1\n2014-05-31,100,0.5,1\n',
    );
    expect(r.status).toBe('rejected');
    expect(r.totals).toBeUndefined();
    expect(r.rows).toEqual({ total: 5, accepted: 1, rejected: 4 });
    expect(r.diagnostics.map((d) => [d.location?.row, d.location?.column, d.code])).toEqual([
      [1, 'LFG', 'row.not_a_number'],
      [2, 'w_CH4', 'row.above_maximum'],
      [3, 'EC', 'row.below_minimum'],
      [4, 'LFG', 'row.decimal_comma'],
    ]);
    expect(r.diagnostics[0]!.message).toBe('Row 1, column LFG: "abc" is not a number; expected a number ≥ 0 (Nm3).');
  });

  it('names a missing column once, with its unit, instead of failing every row', async () => {
    const r = await run('timestamp,LFG,EC\n2014-01-31,1,1\n2014-02-28,1,1\n');
    expect(r.status).toBe('rejected');
    expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.location?.column])).toEqual([['header.missing_column', 'w_CH4']]);
    expect(r.diagnostics[0]!.message).toMatch(/methane fraction, 1/);
  });

  it('returns not-applicable with the reason when an applicability condition fails', async () => {
    const off = ProjectSchema.parse({ ...project, parameters: { ...project.parameters, flare: false } });
    const r = await calculate({ source: bytes('timestamp,LFG,w_CH4,EC\n2014-01-31,1,0.5,1\n'), fileName: 'x.csv', project: off, registry });
    expect(r.status).toBe('not-applicable');
    expect(r.diagnostics[0]).toMatchObject({ code: 'applicability.not_met', message: expect.stringMatching(/has-flare .* no flare installed/) });
  });

  it('rejects rows outside a declared monitoring period and a period outside the crediting period', async () => {
    const r = await run('timestamp,LFG,w_CH4,EC\n2014-01-31,1,0.5,1\n2014-03-01,1,0.5,1\n', { period: { start: '2014-01-01', end: '2014-02-28' } });
    expect(r.diagnostics.map((d) => [d.code, d.location?.row])).toEqual([['period.outside', 2]]);
    const late = await run('timestamp,LFG,w_CH4,EC\n2021-01-31,1,0.5,1\n');
    expect(late.diagnostics.map((d) => d.code)).toContain('period.outside_crediting');
  });

  it('rejects a period that spans two GWP sets instead of picking one', async () => {
    const wide = ProjectSchema.parse({ ...project, creditingPeriod: { start: '2010-01-01', end: '2019-12-31' } });
    const r = await calculate({
      source: bytes('timestamp,LFG,w_CH4,EC\n2012-12-31,1,0.5,1\n2013-01-31,1,0.5,1\n'),
      fileName: 'x.csv',
      project: wide,
      registry,
    });
    expect(r.status).toBe('rejected');
    expect(r.diagnostics.map((d) => d.code)).toEqual(['period.spans_gwp_boundary']);
  });

  it('gives the same totals whatever the row order', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => `2014-01-${String((i % 28) + 1).padStart(2, '0')},${(i * 7919) % 1000}.37,0.${(i % 9) + 1},${i}.1`);
    const a = await run(`timestamp,LFG,w_CH4,EC\n${rows.join('\n')}\n`);
    const b = await run(`timestamp,LFG,w_CH4,EC\n${[...rows].reverse().join('\n')}\n`);
    expect(a.status).toBe('accepted');
    expect(b.totals).toEqual(a.totals);
  });
});

describe('defineMethodology', () => {
  it('reports every problem of a broken definition at once', () => {
    let error: unknown;
    try {
      defineMethodology({
        ...definition,
        id: 'Bad_Id',
        version: '1.0',
        parameters: { rho_CH4: { ...definition.parameters.rho_CH4, value: 2, source: '' } },
        equations: [
          { symbol: 'F_CH4', expr: 'LFG * w_CH4 * rho_CH4 * unknown_factor', unit: 't', ref: 'TOOL08', scope: 'row' },
          { symbol: 'BE_CH4', expr: 'evaluate("1")', unit: 't', ref: 'x', scope: 'period' },
          { symbol: 'PE_EC', expr: 'EC * EF_grid', unit: 't', ref: 'TOOL05', scope: 'period' },
        ],
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MethodologyDefinitionError);
    const problems = (error as MethodologyDefinitionError).problems.join('\n');
    expect(problems).toMatch(/id "Bad_Id" must be kebab-case/);
    expect(problems).toMatch(/version "1.0" must be semver/);
    expect(problems).toMatch(/rho_CH4 has no source/);
    expect(problems).toMatch(/rho_CH4 = 2 is outside its range/);
    expect(problems).toMatch(/F_CH4 .* reads unknown_factor, which is not declared/);
    expect(problems).toMatch(/BE_CH4 .* function evaluate\(\) is not allowed/);
    expect(problems).toMatch(/emission term BE CH4: BE_CH4 is not a period-scope symbol/);
  });

  it('rejects an equation whose units do not combine to its declared unit, naming the equation', () => {
    const broken = () =>
      defineMethodology({
        ...definition,
        equations: [
          definition.equations[0]!,
          { symbol: 'BE_CH4', expr: 'eta_flare * F_CH4 + EC', unit: 't', ref: 'ACM0001', scope: 'period' },
          { symbol: 'PE_EC', expr: 'EC * EF_grid', unit: 'MWh', ref: 'TOOL05', scope: 'period' },
        ],
      });
    expect(broken).toThrow(/equation BE_CH4 \(ACM0001\): "eta_flare \* F_CH4 \+ EC" adds MWh to t/);
    expect(broken).toThrow(/equation PE_EC \(TOOL05\): EC \* EF_grid gives t, but the equation is declared in MWh/);
  });

  it('requires a unit on every numeric project parameter', () => {
    expect(() =>
      defineMethodology({ ...definition, project: z.object({ flare: z.boolean(), eta_flare: z.number(), EF_grid: z.number().meta({ unit: 'tCO2/MWh' }) }) }),
    ).toThrow(/project parameter eta_flare has no unit/);
  });

  it('gives the same hash for the same content and a different one when a number changes', () => {
    const again = defineMethodology(definition);
    expect(again.hash).toBe(methodology.hash);
    const changed = defineMethodology({ ...definition, parameters: { rho_CH4: { ...definition.parameters.rho_CH4, value: 0.0007168 } } });
    expect(changed.hash).not.toBe(methodology.hash);
  });
});
