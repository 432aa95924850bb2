import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineMethodology } from '../../../../core/methodology/define-methodology.ts';
import { column, monitoringRow } from '../../../../core/methodology/columns.ts';
import { createRegistry } from '../../../../core/methodology/registry.ts';
import { calculate } from '../../../../core/calculation/calculate.ts';
import { ProjectSchema, type ProjectInput } from '../../../../core/project/project.ts';

// A module whose ROW equation converts methane with GWP_CH4 (issue 11 item 8), and whose period
// emission term is in t CH4 (converted by the engine with the GWP of the policy).
const base = {
  id: 'test-gwp-rows',
  version: '1.0.0',
  title: 'GWP in row equations',
  source: { body: 'test', document: 'engine conformance case', documentVersion: '1' },
  mechanisms: ['CDM', 'JI', 'JCM', 'A6.4'] as const,
  applicability: [],
  project: z.object({}),
  monitoring: monitoringRow({
    timestamp: column.timestamp({ description: 'day of the reading' }),
    CH4_t: column.number({ unit: 't', min: 0, description: 'methane destroyed' }),
  }),
  timeColumn: 'timestamp',
  parameters: {},
  equations: [
    { symbol: 'BE_row', scope: 'row' as const, expr: 'CH4_t * GWP_CH4', unit: 't', ref: 'row conversion with GWP_CH4' },
    { symbol: 'BE_CO2e', scope: 'period' as const, expr: 'BE_row', unit: 't', ref: 'sum of the rows' },
  ],
  emissions: [{ category: 'BE' as const, gas: 'CO2e', symbol: 'BE_CO2e' }],
};
const methodology = defineMethodology(base);
const methane = defineMethodology({
  ...base,
  id: 'test-gwp-period',
  equations: [{ symbol: 'BE_CH4', scope: 'period' as const, expr: 'CH4_t', unit: 't', ref: 'methane destroyed' }],
  emissions: [{ category: 'BE' as const, gas: 'CH4', symbol: 'BE_CH4' }],
});
const registry = createRegistry([methodology, methane]);
const projectOf = (over: Partial<ProjectInput> = {}) =>
  ProjectSchema.parse({
    id: 'gwp-test',
    name: 'x',
    methodology: 'test-gwp-rows@1.0.0',
    mechanism: 'CDM',
    hostCountry: 'BR',
    leastDevelopedCountry: false,
    scale: 'large',
    creditingPeriod: { start: '2010-01-01', end: '2030-12-31' },
    pddAnnualEstimate: 1,
    parameters: {},
    ...over,
  });
async function* bytes(text: string) {
  yield Buffer.from(text);
}
const run = (csv: string, over: Partial<ProjectInput> = {}, period?: { start: string; end: string }) =>
  calculate({ source: bytes(csv), fileName: 'gwp.csv', project: projectOf(over), registry, ...(period ? { period } : {}) });

describe('GWP symbols in row equations (issue 11 item 8)', () => {
  // Today's engine bound GWP_* only for a declared period; the ingest function never declares one,
  // so every row was rejected with "Undefined symbol GWP_CH4".
  it('binds GWP_CH4 before the rows when no period is declared (as the ingest function calls it)', async () => {
    const r = await run('timestamp,CH4_t\n2014-01-10,10\n2014-02-10,5\n');
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.status).toBe('accepted');
    expect(r.totals?.BE).toBe('375'); // 15 t × 25 (AR4, CP2, decision 4/CMP.7)
  });
  it('gives the same result with a declared period', async () => {
    const r = await run('timestamp,CH4_t\n2014-01-10,10\n2014-02-10,5\n', {}, { start: '2014-01-01', end: '2014-12-31' });
    expect(r.totals?.BE).toBe('375');
  });
  it('refuses a file whose rows span a GWP boundary instead of converting them with one set', async () => {
    const r = await run('timestamp,CH4_t\n2012-12-20,10\n2013-01-10,5\n');
    expect(r.status).toBe('rejected');
    expect(r.diagnostics.map((d) => d.code)).toContain('period.spans_gwp_boundary');
  });
});

describe('GWP policy of a calculation (issue 11 item 1)', () => {
  // CDM EB 108 temporary measures (https://cdm.unfccc.int/Reference/CDM_note.html): reductions achieved
  // from 1 January 2021 use, per gas, the lowest 100-year GWP among SAR, AR4 and AR5 (CH4: SAR 21).
  it('converts CH4 with 21 for a CDM period in 2021, in row equations and in emission terms', async () => {
    const rows = await run('timestamp,CH4_t\n2021-03-10,10\n');
    expect(rows.totals?.BE).toBe('210');
    const terms = await run('timestamp,CH4_t\n2021-03-10,10\n', { methodology: 'test-gwp-period@1.0.0' });
    expect(terms.status).toBe('accepted');
    expect(terms.gases?.[0]).toMatchObject({ gas: 'CH4', gwp: '21', BE: { t: '10', tCO2e: '210' } });
    expect(terms.gwp).toMatchObject({
      set: 'lowest of SAR, AR4, AR5',
      reason: expect.stringMatching(/108th meeting/),
      values: { CH4: { value: '21', set: 'SAR', rule: expect.stringMatching(/SAR 21, AR4 25, AR5 28 → SAR/) } },
    });
  });
  it('refuses a JI period after 2020 as a configuration error', async () => {
    const r = await run('timestamp,CH4_t\n2021-03-10,10\n', { mechanism: 'JI' });
    expect(r.status).toBe('rejected');
    expect(r.diagnostics[0]?.message).toMatch(/JI has no crediting after 2020-12-31/);
  });
  it('applies a per-gas policy pinned in the registration, and records it', async () => {
    const r = await run('timestamp,CH4_t\n2024-03-10,10\n', {
      methodology: 'test-gwp-period@1.0.0',
      mechanism: 'A6.4',
      gwpPolicy: { default: { set: 'AR5' }, perGas: { CH4: { set: 'AR6' } }, source: 'test registration' },
    });
    expect(r.gases?.[0]).toMatchObject({ gwp: '27.9' });
    expect(r.gwp?.reason).toMatch(/pinned in the project registration \(test registration\)/);
  });
});
