/**
 * Regression tests (issue 16) for the engine side of the readers: the record fast path must read each
 * JSON record by name (an optional column absent from the first record still counts in later ones), and
 * a methodology check that throws on a row is a row diagnostic, never a crash.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { calculate, recordFastPath } from '../../../../core/calculation/calculate.ts';
import { column, monitoringRow } from '../../../../core/methodology/columns.ts';
import { defineMethodology } from '../../../../core/methodology/define-methodology.ts';
import { createRegistry } from '../../../../core/methodology/registry.ts';
import { ProjectSchema, type Project } from '../../../../core/project/project.ts';
import { registry } from '../../../../methodologies/index.ts';
import { chunked } from './helpers.ts';

afterEach(() => {
  recordFastPath.enabled = true;
});

const gridProject = ProjectSchema.parse(JSON.parse(readFileSync('methodologies/grid-renewable/1.0.0/fixtures/project.json', 'utf8'))) as Project;

const rows = [
  { timestamp: '2015-06-01T00:00:00Z', EG_export: 13.494, EG_import: 0, TEG: 13.7 },
  { timestamp: '2015-06-01T01:00:00Z', EG_export: 13.346, EG_import: 0, TEG: 13.549, FC_diesel: 2.5 },
  { timestamp: '2015-06-01T02:00:00Z', EG_export: 12, EG_import: 0, TEG: 12.5, FC_diesel: 1 },
];

async function run(text: string, fileName: string, fast: boolean) {
  recordFastPath.enabled = fast;
  return calculate({ source: chunked(text, 13), fileName, project: gridProject, registry });
}

describe('record fast path: columns are looked up per record, not from the first record', () => {
  it('JSON and NDJSON: an optional column absent from the first record still counts in the later ones (same as CSV)', async () => {
    // LFG_EL (gas to the engine, baseline side) may be left out: absent means 0. A project-side column whose
    // source the site has may not (then a JSON file is read like a CSV file whose header lacks it).
    const landfill = ProjectSchema.parse(JSON.parse(readFileSync('methodologies/landfill-gas/1.0.0/fixtures/project.json', 'utf8'))) as Project;
    const hours = [
      { timestamp: '2014-03-01T00:00:00Z', LFG_flare: 1210, w_CH4: 0.5, T_flare: 880, t_below_500: 0, flame: true, EC_PJ: 0.05, LFG_total: 1230 },
      { timestamp: '2014-03-01T01:00:00Z', LFG_flare: 1185, w_CH4: 0.51, T_flare: 875, t_below_500: 0, flame: true, EC_PJ: 0.05, LFG_EL: 10, LFG_total: 1205 },
      { timestamp: '2014-03-01T02:00:00Z', LFG_flare: 1240, w_CH4: 0.49, T_flare: 870, t_below_500: 0, flame: true, EC_PJ: 0.05, LFG_EL: 12, LFG_total: 1260 },
    ];
    const names = ['timestamp', 'LFG_flare', 'w_CH4', 'T_flare', 't_below_500', 'flame', 'EC_PJ', 'LFG_EL', 'LFG_total'] as const;
    const calc = (text: string, fileName: string, fast: boolean) => {
      recordFastPath.enabled = fast;
      return calculate({ source: chunked(text, 13), fileName, project: landfill, registry });
    };
    const csv = `${names.join(',')}\n${hours.map((h) => names.map((n) => String((h as Record<string, unknown>)[n] ?? '')).join(',')).join('\n')}\n`;
    const reference = await calc(csv, 'p.csv', true);
    expect(reference.status, JSON.stringify(reference.diagnostics)).toBe('accepted');
    expect(reference.trace.find((t) => t.symbol === 'V_CH4_EL_h')?.value).not.toBe('0'); // the engine gas counts
    for (const [text, name] of [
      [JSON.stringify(hours), 'p.json'],
      [hours.map((r) => JSON.stringify(r)).join('\n'), 'p.ndjson'],
    ] as const) {
      for (const fast of [true, false]) {
        const r = await calc(text, name, fast);
        expect(r.status, `${name} fast=${fast}`).toBe('accepted');
        expect(r.totals, `${name} fast=${fast}`).toEqual(reference.totals);
        expect(r.gases, `${name} fast=${fast}`).toEqual(reference.gases);
      }
    }
  });

  it('JSON and NDJSON: a record without FC_diesel, at a site that has diesel back-up, is a missing reading on both paths (same as CSV)', async () => {
    const withDiesel: { timestamp: string; EG_export: number; EG_import: number; TEG: number; FC_diesel?: number }[] = [
      { ...rows[0]!, FC_diesel: 0 },
      { ...rows[1]!, FC_diesel: undefined },
      rows[2]!,
    ];
    const csv = `timestamp,EG_export,EG_import,TEG,FC_diesel\n${withDiesel.map((r) => [r.timestamp, r.EG_export, r.EG_import, r.TEG, r.FC_diesel ?? ''].join(',')).join('\n')}\n`;
    const codes = (r: Awaited<ReturnType<typeof run>>) => r.diagnostics.map((d) => [d.code, d.location?.row, d.location?.column]);
    const reference = await run(csv, 'p.csv', true);
    expect(reference.rows).toEqual({ total: 3, accepted: 2, rejected: 1 });
    expect(codes(reference)).toEqual([['row.missing_value', 2, 'FC_diesel']]);
    for (const fast of [true, false]) {
      const r = await run(JSON.stringify(withDiesel), 'p.json', fast);
      expect(r.rows, `fast=${fast}`).toEqual(reference.rows);
      expect(codes(r), `fast=${fast}`).toEqual(codes(reference));
    }
  });

  it('a required key missing from a later JSON record is the same row error on both paths', async () => {
    const text = JSON.stringify([{ ...rows[0], FC_diesel: 0 }, { ...rows[1], EG_export: undefined }, rows[2]]);
    const [fast, general] = [await run(text, 'm.json', true), await run(text, 'm.json', false)];
    expect(fast).toEqual(general);
    expect(fast.diagnostics.map((d) => [d.code, d.location?.row])).toContainEqual(['row.missing_value', 2]);
  });
});

describe('a row check that throws is a row diagnostic', () => {
  const m = defineMethodology({
    id: 'throwing-check',
    version: '1.0.0',
    title: 'A row check that throws on some rows',
    source: { body: 'test', document: 'test', documentVersion: '1' },
    mechanisms: ['CDM'],
    applicability: [],
    project: z.object({}),
    monitoring: monitoringRow({
      timestamp: column.timestamp({ description: 't' }),
      a: column.number({ unit: 't', description: 'a' }),
      d: column.number({ unit: '1', description: 'decimals' }),
    }),
    timeColumn: 'timestamp',
    parameters: {},
    equations: [{ symbol: 'BE_y', scope: 'period', expr: 'a', unit: 't', ref: 'probe' }],
    emissions: [{ category: 'BE', gas: 'CO2', symbol: 'BE_y' }],
    checks: [{ id: 'rounded', scope: 'row', assert: 'round(a, d) >= 0', message: 'a is negative', ref: 'probe check' }],
  } as never);
  const base = JSON.parse(readFileSync('methodologies/grid-renewable/1.0.0/fixtures/project.json', 'utf8')) as Record<string, unknown>;
  const project = ProjectSchema.parse({
    ...base,
    id: 'throwing-check',
    methodology: 'throwing-check@1.0.0',
    parameters: {},
    monitoringIntervalMinutes: undefined,
  }) as Project;

  it('round(a, 0.5) throws inside the check: row 2 is rejected with equation.error, the run completes', async () => {
    const text = 'timestamp,a,d\n2015-06-01T00:00:00Z,1,0\n2015-06-01T01:00:00Z,2,0.5\n2015-06-01T02:00:00Z,3,1\n';
    const r = await calculate({ source: chunked(text), fileName: 'c.csv', project, registry: createRegistry([m]) });
    expect(r.status).toBe('rejected');
    expect(r.rows).toEqual({ total: 3, accepted: 2, rejected: 1 });
    expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.location?.row])).toEqual([['equation.error', 2]]);
  });
});
