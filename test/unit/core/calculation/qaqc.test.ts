import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineMethodology } from '../../../../core/methodology/define-methodology.ts';
import { column, monitoringRow } from '../../../../core/methodology/columns.ts';
import { createRegistry } from '../../../../core/methodology/registry.ts';
import { calculate, calculateMerged, resolveProject } from '../../../../core/calculation/calculate.ts';
import type { PartialResult } from '../../../../core/calculation/partial.ts';
import { ProjectSchema } from '../../../../core/project/project.ts';
import { ConfigError } from '../../../../core/errors.ts';

const make = (gapPolicy: 'zero-fill' | 'reject') =>
  defineMethodology({
    id: `hourly-${gapPolicy}`,
    version: '1.0.0',
    title: 'Hourly net export',
    source: { body: 'test', document: 'QA/QC', documentVersion: '1' },
    mechanisms: ['CDM'],
    applicability: [],
    project: z.object({ EF: z.number().meta({ unit: 'tCO2/MWh' }) }),
    monitoring: monitoringRow({
      timestamp: column.timestamp({ description: 'end of hour' }),
      EG_export: column.number({ unit: 'MWh', min: 0, description: 'export', side: 'baseline' }),
      EG_import: column.number({ unit: 'MWh', min: 0, description: 'import', side: 'project' }),
    }),
    timeColumn: 'timestamp',
    parameters: {},
    equations: [{ symbol: 'BE', expr: '(EG_export - EG_import) * EF', unit: 't', ref: 'eq 1', scope: 'period' }],
    emissions: [{ category: 'BE', gas: 'CO2', symbol: 'BE' }],
    monitoringIntervalMinutes: 60,
    gapPolicy,
  });
const zeroFill = make('zero-fill');
const reject = make('reject');
const registry = createRegistry([zeroFill, reject]);
const project = (methodology: string, extra: object = {}) =>
  ProjectSchema.parse({
    id: 'qaqc-test',
    name: 'x',
    methodology,
    mechanism: 'CDM',
    hostCountry: 'IN',
    leastDevelopedCountry: false,
    scale: 'small',
    creditingPeriod: { start: '2014-01-01', end: '2020-12-31' },
    pddAnnualEstimate: 1,
    parameters: { EF: 1 },
    ...extra,
  });
async function* bytes(text: string) {
  yield Buffer.from(text);
}
const hours = (n: number, skip: number[] = []) =>
  Array.from({ length: n }, (_, h) => h)
    .filter((h) => !skip.includes(h))
    .map((h) => `2014-01-01T${String(h).padStart(2, '0')}:00:00Z,10,1`);
const csv = (rows: string[]) => `timestamp,EG_export,EG_import\n${rows.join('\n')}\n`;

describe('QA/QC', () => {
  it('lists gaps against the expected frequency and counts them as zero under zero-fill', async () => {
    const r = await calculate({
      source: bytes(csv(hours(24, [5, 6, 7, 20]))),
      fileName: 'h.csv',
      project: project(zeroFill.key),
      registry,
      period: { start: '2014-01-01', end: '2014-01-01' },
    });
    expect(r.status).toBe('accepted');
    expect(r.qaqc?.gaps).toEqual([
      { from: '2014-01-01T05:00:00+00:00', to: '2014-01-01T08:00:00+00:00', missingIntervals: 3 },
      { from: '2014-01-01T20:00:00+00:00', to: '2014-01-01T21:00:00+00:00', missingIntervals: 1 },
    ]);
    expect(r.totals?.BE).toBe('180'); // 20 hours × (10 − 1)
    expect(r.diagnostics.find((d) => d.code === 'period.gap')).toMatchObject({ severity: 'warning' });
  });

  it('rejects a period with gaps where the methodology says so', async () => {
    const r = await calculate({
      source: bytes(csv(hours(24, [3]))),
      fileName: 'h.csv',
      project: project(reject.key),
      registry,
      period: { start: '2014-01-01', end: '2014-01-01' },
    });
    expect(r.status).toBe('rejected');
    expect(r.diagnostics.find((d) => d.code === 'period.gap')).toMatchObject({ severity: 'error' });
  });

  it('refuses a second reading for the same interval, so nothing is counted twice', async () => {
    const rows = hours(3);
    rows.push('2014-01-01T01:00:00Z,10,1');
    const r = await calculate({ source: bytes(csv(rows)), fileName: 'h.csv', project: project(zeroFill.key), registry });
    expect(r.status).toBe('rejected');
    expect(r.diagnostics.map((d) => [d.code, d.location?.row])).toEqual([['period.duplicate_timestamp', 4]]);
  });

  it('adjusts readings taken while a calibration was overdue by the MPE, conservatively on each side', async () => {
    // Calibrated 2013-01-01 for 365 days: overdue from 2014-01-01; recalibrated 2014-01-01T... not until 2014-01-02.
    const meters = [{ id: 'main', columns: ['EG_export', 'EG_import'], mpe: 0.002, calibrationIntervalDays: 365, calibrations: ['2013-01-01', '2014-01-02'] }];
    const rows = [...hours(2), '2014-01-02T01:00:00Z,10,1'];
    const r = await calculate({ source: bytes(csv(rows)), fileName: 'h.csv', project: project(zeroFill.key, { meters }), registry });
    expect(r.status).toBe('accepted');
    // Two overdue hours: export 10 × 0.998, import 1 × 1.002; one calibrated hour: 10 − 1.
    // BE = 2 × (9.98 − 1.002) + 9 = 26.956
    expect(r.totals?.BE).toBe('26.956');
    expect(r.qaqc?.calibration.map((a) => [a.column, a.side, a.factor, a.rows])).toEqual([
      ['EG_export', 'baseline', 0.998, 2],
      ['EG_import', 'project', 1.002, 2],
    ]);
    // What each adjustment changed, in the column's unit: 20 MWh exported → 19.96 (−0.04); 2 imported → 2.004 (+0.004).
    expect(r.qaqc?.calibration.map((a) => [a.before, a.after, a.change])).toEqual([
      ['20', '19.96', '-0.04'],
      ['2', '2.004', '0.004'],
    ]);
  });

  it('merges the calibration adjustments of parts exactly (rows, first and last, what they changed)', async () => {
    const meters = [{ id: 'main', columns: ['EG_export', 'EG_import'], mpe: 0.002, calibrationIntervalDays: 365, calibrations: ['2013-01-01', '2014-01-02'] }];
    const p = project(zeroFill.key, { meters });
    const parts: PartialResult[] = [];
    for (const rows of [hours(1), ['2014-01-01T01:00:00Z,10,1'], ['2014-01-02T01:00:00Z,10,1']])
      await calculate({ source: bytes(csv(rows)), fileName: 'h.csv', project: p, registry, onPartial: (x) => void parts.push(x) });
    const whole = await calculate({ source: bytes(csv([...hours(2), '2014-01-02T01:00:00Z,10,1'])), fileName: 'h.csv', project: p, registry });
    const merged = await calculateMerged({ partials: parts, fileName: 'h.csv', project: p, registry });
    expect(merged.qaqc?.calibration).toEqual(whole.qaqc?.calibration);
    expect(merged.totals).toEqual(whole.totals);
  });

  it('refuses meters on columns the methodology does not know', () => {
    const bad = project(zeroFill.key, { meters: [{ id: 'm', columns: ['EG_gross'], mpe: 0.01, calibrationIntervalDays: 365, calibrations: ['2014-01-01'] }] });
    expect(() => resolveProject(bad, registry)).toThrow(ConfigError);
  });
});

describe('units stated in the file', () => {
  it('converts a column stated in a compatible unit (kWh for MWh) and says so', async () => {
    const text = 'timestamp,EG_export [kWh],EG_import\n2014-01-01T00:00:00Z,10000,1\n2014-01-01T01:00:00Z,10000,1\n';
    const r = await calculate({ source: bytes(text), fileName: 'h.csv', project: project(zeroFill.key), registry });
    expect(r.status).toBe('accepted');
    expect(r.totals?.BE).toBe('18'); // 2 × (10 MWh − 1 MWh)
    expect(r.diagnostics.find((d) => d.code === 'header.unit_converted')?.message).toMatch(/kWh and converted to MWh \(× 0\.001\)/);
  });
  it('rejects an unknown or incompatible unit, naming the column, never casting silently', async () => {
    for (const unit of ['kWhh', 't']) {
      const text = `timestamp,EG_export [${unit}],EG_import\n2014-01-01T00:00:00Z,10000,1\n`;
      const r = await calculate({ source: bytes(text), fileName: 'h.csv', project: project(zeroFill.key), registry });
      expect(r.status).toBe('rejected');
      expect(r.diagnostics[0]).toMatchObject({ code: 'header.unknown_unit', location: { column: 'EG_export' }, actual: unit });
    }
  });
});

describe('calendar-month intervals', () => {
  const monthly = defineMethodology({
    ...make('zero-fill'),
    id: 'monthly-net-export',
    monitoringIntervalMinutes: undefined,
    monitoringIntervalMonths: 1,
  } as never);
  const reg = createRegistry([monthly]);
  const prj = ProjectSchema.parse({
    id: 'monthly-test',
    name: 'x',
    methodology: monthly.key,
    mechanism: 'CDM',
    hostCountry: 'IN',
    leastDevelopedCountry: false,
    scale: 'small',
    creditingPeriod: { start: '2014-01-01', end: '2020-12-31' },
    pddAnnualEstimate: 1,
    parameters: { EF: 1 },
  });
  const run = (rows: string[]) => calculate({ source: bytes(csv(rows)), fileName: 'm.csv', project: prj, registry: reg });

  it('ends a period read from monthly rows on the last day of the last month, and lists a missing month', async () => {
    const r = await run(['2015-01-01,10,1', '2015-02-01,10,1', '2015-04-01,10,1']);
    expect(r.status).toBe('accepted');
    expect(r.period).toEqual({ start: '2015-01-01T00:00:00+00:00', end: '2015-05-01T00:00:00+00:00', timeZone: 'UTC' });
    expect(r.qaqc).toMatchObject({ intervalMonths: 1, gaps: [{ from: '2015-03-01T00:00:00+00:00', to: '2015-04-01T00:00:00+00:00', missingIntervals: 1 }] });
  });

  it('refuses a second reading for the same month, whatever its day, so a month is never counted twice', async () => {
    const r = await run(['2015-01-01,10,1', '2015-02-01,10,1', '2015-02-28,10,1']);
    expect(r.status).toBe('rejected');
    expect(r.diagnostics.map((d) => [d.code, d.location?.row])).toEqual([['period.duplicate_timestamp', 3]]);
    expect(r.diagnostics[0]!.message).toMatch(/monthly interval/);
  });
});

describe('intervals per monitored item (jcm-chiller@1.0.0: one reading per chiller and month)', () => {
  it("accepts one row per chiller and month, refuses a second one for the same chiller, and lists a chiller's missing month", async () => {
    const { registry: modules } = await import('../../../../methodologies/index.ts');
    const { readFileSync } = await import('node:fs');
    const folder = new URL('../../../../methodologies/jcm-chiller/1.0.0/fixtures/', import.meta.url);
    const prj = ProjectSchema.parse(JSON.parse(readFileSync(new URL('project.json', folder), 'utf8')));
    const lines = readFileSync(new URL('valid.csv', folder), 'utf8').trimEnd().split('\n');
    const go = (rows: string[]) => calculate({ source: bytes(`${rows.join('\n')}\n`), fileName: 'ch.csv', project: prj, registry: modules });
    expect((await go(lines)).status).toBe('accepted');
    // The first data row again: same chiller, same month.
    const dup = await go([...lines, lines[1]!]);
    expect(dup.diagnostics.map((d) => [d.code, d.location?.row])).toEqual([['period.duplicate_timestamp', lines.length]]);
    expect(dup.diagnostics[0]!.message).toMatch(/of chiller 1 for the monthly interval/);
    // Chiller 2's February row removed: a gap of that chiller only.
    const chiller2Feb = lines.findIndex((l) => /^2017-02-01,2,/.test(l));
    const gap = await go(lines.filter((_, i) => i !== chiller2Feb));
    expect(gap.qaqc?.gaps).toEqual([{ from: '2017-02-01T00:00:00+00:00', to: '2017-03-01T00:00:00+00:00', missingIntervals: 1, item: '2' }]);
  });
});
