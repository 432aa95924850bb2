/**
 * Regression tests (issue 16 items 4 and 5): units stated in a file's header are converted exactly (a
 * ratio of integers, decimal arithmetic), and only units the module can convert exactly are accepted;
 * temperature scales, substances in a mass unit and actual vs normal cubic metres are header errors.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { calculate } from '../../../../core/calculation/calculate.ts';
import { ProjectSchema, type Project } from '../../../../core/project/project.ts';
import { conversionFactor, formatRational } from '../../../../core/units/exact.ts';
import { registry } from '../../../../methodologies/index.ts';
import { chunked } from '../readers/helpers.ts';

const projectOf = (m: string) => ProjectSchema.parse(JSON.parse(readFileSync(`methodologies/${m}/1.0.0/fixtures/project.json`, 'utf8'))) as Project;
const fixture = (m: string) => readFileSync(`methodologies/${m}/1.0.0/fixtures/valid.csv`, 'utf8').trimEnd().split(/\r?\n/);
const FUZZ = { seed: 20_261_202, numRuns: 300 } as const;

describe('exact conversion factors', () => {
  it('whole minutes stated in seconds are exactly those minutes (1,200 s = 20 min, not 20.00000000004)', () => {
    const c = conversionFactor('s', 'min');
    if (!c.ok) throw new Error(c.problem);
    expect(c.label).toBe('1/60');
    for (let m = 0; m <= 60; m++) expect(c.apply(m * 60)).toBe(m);
  });

  it('any decimal reading in kWh is the nearest double of its exact MWh value', () => {
    const c = conversionFactor('kWh', 'MWh');
    if (!c.ok) throw new Error(c.problem);
    expect(c.label).toBe('0.001');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 12 }), fc.integer({ min: 0, max: 3 }), (digits, decimals) => {
        const text =
          decimals === 0 ? String(digits) : `${String(digits).slice(0, -decimals) || '0'}.${String(digits).padStart(decimals, '0').slice(-decimals)}`;
        // value in MWh = text × 10^-3, written as a decimal literal and parsed once by JS: correctly rounded.
        const [i, f = ''] = text.split('.');
        const shifted = `${i!.padStart(4, '0').slice(0, -3)}.${i!.padStart(4, '0').slice(-3)}${f}`;
        expect(c.apply(Number(text))).toBe(Number(shifted));
      }),
      FUZZ,
    );
  });

  it('factors are ratios of integers: units that are exact decimals print as such, others as num/den', () => {
    const cases: [string, string, string][] = [
      ['GJ', 'MWh', '5/18'],
      ['kWh', 'GJ', '0.0036'],
      ['h', 'day', '1/24'],
      ['L', 'm³', '0.001'],
      ['%', '1', '0.01'],
      ['kg CO2', 't CO2', '0.001'],
      ['tCO2', 't CO2', '1'],
      ['kg', 't CO2', '0.001'],
      ['g/kWh', 't/MWh', '0.001'],
    ];
    for (const [from, to, label] of cases) {
      const c = conversionFactor(from, to);
      expect(c.ok ? c.label : c.problem, `${from} → ${to}`).toBe(label);
    }
    expect(formatRational({ num: 1n, den: 3n })).toBe('1/3');
  });
});

describe('units that cannot be converted by a factor are header errors', () => {
  const refused: [string, string, RegExp][] = [
    ['K', '°C', /offset, not a factor/],
    ['degF', '°C', /offset, not a factor/],
    ['°F', '°C', /offset, not a factor/],
    ['kg CO2e', 't CO2', /quantity of CO2e but the column is of CO2/],
    ['t C', 't CO2', /quantity of C but the column is of CO2/],
    ['g CF4', 'kg', /quantity of CF4 but the column is in plain kg/],
    ['kg CH4', 't CO2', /quantity of CH4/],
    ['m3', 'Nm3', /actual and normal cubic metres/],
    ['Nm³', 'm3', /actual and normal cubic metres/],
    ['Sm3', 'Nm3', /not a unit/],
    ['yr', 'day', /not a unit/],
    ['kWh', 't', /different dimensions/],
    ['furlong', 'MWh', /not a unit/],
  ];
  it.each(refused)('%s for a column in %s', (from, to, why) => {
    const c = conversionFactor(from, to);
    expect(c.ok).toBe(false);
    if (!c.ok) expect(c.problem).toMatch(why);
  });
});

describe('through calculate: the same tonnes as the file in the methodology units, or a header error', () => {
  it('landfill-gas: t_below_500 [s] = 60 × minutes gives exactly the result of the file in minutes (the 20-minute rule does not flip)', async () => {
    const project = projectOf('landfill-gas');
    const [header, ...rows] = fixture('landfill-gas');
    const cols = header!.split(',');
    const k = cols.indexOf('t_below_500');
    // Every hour exactly at the 20-minute limit: the flare efficiency applies (rule is "more than 20 minutes").
    const at20 = rows.map((r) => r.split(',').map((c, i) => (i === k ? '20' : c)));
    const inMinutes = [cols.join(','), ...at20.map((r) => r.join(','))].join('\n');
    const inSeconds = [
      cols.map((c, i) => (i === k ? `${c} [s]` : c)).join(','),
      ...at20.map((r) => r.map((c, i) => (i === k ? String(Number(c) * 60) : c)).join(',')),
    ].join('\n');
    const a = await calculate({ source: chunked(`${inMinutes}\n`, 64), fileName: 'min.csv', project, registry });
    const b = await calculate({ source: chunked(`${inSeconds}\n`, 64), fileName: 's.csv', project, registry });
    expect(a.totals).toBeDefined();
    expect(b.totals).toEqual(a.totals);
    expect(b.gases).toEqual(a.gases);
    expect(b.diagnostics.find((d) => d.code === 'header.unit_converted')?.message).toMatch(/\(× 1\/60\)/);
  });

  it.each([
    ['landfill-gas', 'T_flare', 'K'],
    ['landfill-gas', 'T_flare', 'degF'],
    ['landfill-gas', 'LFG_flare', 'm3'],
    ['fgas-abatement', 'FC_NF3', 'g CF4'],
    ['ccs-storage', 'CO2_seepage', 'kg CO2e'],
  ])('%s: %s [%s] is a header.unknown_unit error naming file, column and unit', async (m, column, unit) => {
    const [header, ...rows] = fixture(m);
    const text = `${header!
      .split(',')
      .map((c) => (c === column ? `${c} [${unit}]` : c))
      .join(',')}\n${rows.join('\n')}\n`;
    const r = await calculate({ source: chunked(text, 64), fileName: 'u.csv', project: projectOf(m), registry });
    expect(r.status).toBe('rejected');
    expect(r.totals).toBeUndefined();
    const d = r.diagnostics.find((x) => x.code === 'header.unknown_unit');
    expect(d).toMatchObject({ severity: 'error', location: { file: 'u.csv', column }, actual: unit });
    expect(d!.message).toContain(`"${unit}"`);
  });
});
