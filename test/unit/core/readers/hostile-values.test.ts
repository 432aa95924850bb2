/**
 * Regression tests (issue 16) for hostile values that look valid: deeply nested JSON values, and (below)
 * spreadsheet cells that must be read exactly as strictly as the same text in CSV.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { calculate } from '../../../../core/calculation/calculate.ts';
import { ProjectSchema, type Project } from '../../../../core/project/project.ts';
import { MAX_VALUE_DEPTH } from '../../../../core/readers/json.ts';
import { renderDiagnostic } from '../../../../core/report/render-report.ts';
import { registry } from '../../../../methodologies/index.ts';
import { chunked, collect } from './helpers.ts';

/**
 * The fixture plant without its reservoir and with a monitoring plan that rules out diesel back-up, so
 * files of timestamp, EG_export and EG_import alone are complete (TEG and FC_diesel may be left out).
 */
function noReservoirNoDiesel(p: { parameters: Record<string, unknown> }) {
  return { ...p, sources: { diesel_backup: false }, parameters: { ...p.parameters, Cap_PJ: 0, A_PJ: 0 } };
}

const gridProject = ProjectSchema.parse(
  noReservoirNoDiesel(JSON.parse(readFileSync('methodologies/grid-renewable/1.0.0/fixtures/project.json', 'utf8'))),
) as Project;

describe('deeply nested JSON values', () => {
  const deep = (levels: number) => `${'['.repeat(levels)}1${']'.repeat(levels)}`;
  const file = (value: string) =>
    `[{"timestamp":"2015-06-01T00:00:00Z","EG_export":${value},"EG_import":0},{"timestamp":"2015-06-01T01:00:00Z","EG_export":1,"EG_import":0}]`;

  it('a value 10,000 levels deep (20 KB) is a record.malformed row error naming the key, not a stack overflow', async () => {
    const r = await collect(file(deep(10_000)), 'json', {}, 4096);
    expect(r.diagnostics.map((d) => [d.code, d.location?.row, d.location?.column])).toEqual([['record.malformed', 1, 'EG_export']]);
    expect(r.records.map((x) => x.row)).toEqual([2]);
  });

  it('a value at the depth limit is still its JSON text (reported as not a number downstream)', async () => {
    const r = await collect(file(deep(MAX_VALUE_DEPTH)), 'json');
    expect(r.diagnostics).toEqual([]);
    expect(r.records[0]!.cells.EG_export).toBe(deep(MAX_VALUE_DEPTH));
  });

  it('calculate and the text report survive it: the row is rejected, the file gets a report', async () => {
    for (const name of ['deep.json', 'deep.ndjson']) {
      const text = name.endsWith('.json')
        ? file(deep(10_000))
        : JSON.parse(file('0'))
            .map((o: object, i: number) => (i === 0 ? JSON.stringify(o).replace('"EG_export":0', `"EG_export":${deep(10_000)}`) : JSON.stringify(o)))
            .join('\n');
      const r = await calculate({ source: chunked(text, 4096), fileName: name, project: gridProject, registry });
      expect(r.status).toBe('rejected');
      expect(r.rows).toMatchObject({ total: 2, rejected: 1 });
      expect(r.diagnostics.map((d) => d.code)).toContain('record.malformed');
      for (const d of r.diagnostics) expect(renderDiagnostic(d).length).toBeLessThan(2000);
    }
  });
});

describe('timestamps with a lower-case t / z (RFC 3339 §5.6 allows them)', () => {
  it('are read as UTC like T / Z, in CSV (byte fast path and general path) and JSON alike', async () => {
    const { parseTimestampCell } = await import('../../../../core/readers/cell-values.ts');
    expect(parseTimestampCell('2015-06-01t01:00:00z')).toBe(Date.parse('2015-06-01T01:00:00Z'));
    expect(parseTimestampCell('2015-06-01T01:00:00z')).toBe(Date.parse('2015-06-01T01:00:00Z'));
    expect(parseTimestampCell('2015-06-01t01:00:00+02:00')).toBe(Date.parse('2015-06-01T01:00:00+02:00'));
    const csv = 'timestamp,EG_export,EG_import\n2015-06-01T00:00:00z,1,0\n2015-06-01t01:00:00Z,2,0\n';
    const r = await calculate({ source: chunked(csv), fileName: 'z.csv', project: gridProject, registry });
    expect(r.diagnostics.filter((d) => d.code.startsWith('row.'))).toEqual([]);
    expect(r.rows).toEqual({ total: 2, accepted: 2, rejected: 0 });
  });
  // Issue 10: a time without an offset is a local time of the site (here UTC, the default), not an error;
  // mixing it with times that have an offset is, with the precise message.
  it('a time without an offset is read on the site clock; mixing conventions is refused with the precise message', async () => {
    const local = await calculate({
      source: chunked('timestamp,EG_export,EG_import\n2015-06-01T01:00:00,1,0\n'),
      fileName: 'z.csv',
      project: gridProject,
      registry,
    });
    expect(local.diagnostics.filter((d) => d.code === 'row.invalid_timestamp')).toEqual([]);
    const mixed = 'timestamp,EG_export,EG_import\n2015-06-01T01:00:00Z,1,0\n2015-06-01T02:00:00,1,0\n';
    const r = await calculate({ source: chunked(mixed), fileName: 'z.csv', project: gridProject, registry });
    expect(r.diagnostics[0]).toMatchObject({
      code: 'row.invalid_timestamp',
      message: expect.stringMatching(/has no time-zone offset, but the file's first rows have one/),
    });
  });
});
