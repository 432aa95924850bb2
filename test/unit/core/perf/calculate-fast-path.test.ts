/**
 * The engine's CSV fast path (bytes → fast column parsers → slot-compiled equations) against the
 * general path (papaparse → zod safeParse per row): identical CalculationResults on every
 * methodology fixture and on files made to hit every fallback.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { calculate } from '../../../../core/calculation/calculate.ts';
import { ProjectSchema, type Project } from '../../../../core/project/project.ts';
import { csvFastPath } from '../../../../core/readers/csv.ts';
import { registry } from '../../../../methodologies/index.ts';
import { chunked } from '../readers/helpers.ts';
import { fixtureCsvs } from './fixtures.ts';

afterEach(() => {
  csvFastPath.enabled = true;
});

async function both(bytes: Uint8Array | string, project: Project, size: number) {
  const run = async (fast: boolean) => {
    csvFastPath.enabled = fast;
    const r = await calculate({ source: chunked(bytes, size), fileName: 'upload.csv', project, registry });
    return JSON.parse(JSON.stringify(r)) as unknown;
  };
  const general = await run(false);
  const fast = await run(true);
  return { general, fast };
}

const projectOf = (csvPath: string): Project => ProjectSchema.parse(JSON.parse(readFileSync(join(dirname(csvPath), 'project.json'), 'utf8')));

describe('calculate: CSV fast path = general path', () => {
  it('gives identical results on every methodology fixture', async () => {
    let compared = 0;
    for (const f of fixtureCsvs()) {
      const project = projectOf(f.name);
      if (!registry.list.some((m) => m.key === project.methodology)) continue; // e.g. the authoring template
      compared++;
      for (const size of [7, 4096, f.bytes.length]) {
        const { general, fast } = await both(f.bytes, project, size);
        expect(fast, `${f.name} in chunks of ${size}`).toEqual(general);
      }
    }
    expect(compared).toBeGreaterThanOrEqual(4);
  });

  it('gives identical results when rows need the fallback (bad values, exponents, long decimals, dates, CRLF, quotes)', async () => {
    const grid = fixtureCsvs().find((f) => f.name.includes('grid-renewable') && f.name.endsWith('valid.csv') && !f.name.endsWith('invalid.csv'))!;
    const project = projectOf(grid.name);
    const rows = [
      'timestamp,EG_export,EG_import,TEG,FC_diesel',
      '2015-06-01T00:00:00Z,13.494,0.000,13.7,0',
      '2015-06-01T01:00:00Z,1.3346e1,0.000,13.549,0', // exponent: zod decides
      '2015-06-01T02:00:00Z,0.1234567890123456789,0.045,0.2,0', // > 15 digits
      '2015-06-01T03:00:00Z,-0.000,0.045,0.000,0', // negative zero
      '2015-06-01T04:00:00Z, 1.5 ,0.045,2,0', // spaces
      '2015-06-01,1.5,0,2,0', // date only
      '2015-02-30T05:00:00Z,1,0,2,0', // impossible date
      '2015-06-01T05:00:00+02:00,1,0,2,0', // offset
      '2015-06-01T06:00:00Z,abc,0,2,0',
      '2015-06-01T07:00:00Z,100001,0,100002,0', // above max
      '2015-06-01T08:00:00Z,1,0,,', // empty optional columns
      '2015-06-01T09:00:00Z,1,0,2',
      '2015-06-01T10:00:00Z,"1.5",0,2,0',
      '2015-06-01T11:00:00Z,1.5,0,2,0\r',
      '',
      '2015-06-01T12:00:00Z,2.5,0.001,3,0.0001',
    ];
    const text = `${rows.join('\n')}\n`;
    for (const size of [5, 64, text.length]) {
      const { general, fast } = await both(text, project, size);
      expect(fast).toEqual(general);
    }
  });

  it('gives identical results on a larger generated file', async () => {
    const fgas = fixtureCsvs().find((f) => f.name.includes('fgas-abatement') && f.name.endsWith('/valid.csv'))!;
    const project = projectOf(fgas.name);
    const lines = ['timestamp,FC_NF3,FC_CF4,FC_C2F6,FC_C3F8,FC_cC4F8,FC_SF6,FC_CHF3,a,EC_abatement,FC_NG'];
    let x = 7;
    const rnd = () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let i = 0; i < 2000; i++) {
      const d = new Date(Date.UTC(2016, 2, 1) + i * 900_000).toISOString().slice(0, 19) + 'Z';
      const v = () => (rnd() * 50).toFixed(Math.floor(rnd() * 6));
      lines.push([d, v(), v(), v(), v(), v(), v(), v(), rnd() < 0.9 ? '1' : rnd().toFixed(3), v(), v()].join(','));
    }
    const text = `${lines.join('\n')}\n`;
    for (const size of [1000, 65536]) {
      const { general, fast } = await both(text, project, size);
      expect(fast).toEqual(general);
      expect((fast as { status: string }).status).toBe('accepted');
    }
  });
});
