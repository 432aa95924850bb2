/**
 * The engine's per-cell validation of record events (XLSX rows, JSON rows, CSV rows off the byte
 * fast path: each cell through its column's own parser, zod only for a row with a cell that is not
 * plainly valid) against the general path (the monitoring schema's `safeParse` per record):
 * identical CalculationResults, diagnostics included, on the reader tests' workbooks, on every
 * methodology fixture as a workbook (cells as text and as typed numbers and Dates), and on
 * generated workbooks full of awkward cells. Also a units row (kWh → MWh), which loads core/units
 * on demand while the engine holds the header.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterEach, describe, expect, it } from 'vitest';
import { calculate, recordFastPath } from '../../../../core/calculation/calculate.ts';
import { ProjectSchema, type Project } from '../../../../core/project/project.ts';
import { registry } from '../../../../methodologies/index.ts';
import { chunked } from '../readers/helpers.ts';
import { fixtureCsvs } from './fixtures.ts';

afterEach(() => {
  recordFastPath.enabled = true;
});

async function workbook(fill: (ws: ExcelJS.Worksheet, wb: ExcelJS.Workbook) => void): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Monitoring');
  fill(ws, wb);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

async function both(bytes: Uint8Array, project: Project, fileName = 'upload.xlsx') {
  const run = async (fast: boolean) => {
    recordFastPath.enabled = fast;
    const r = await calculate({ source: chunked(bytes, 4096), fileName, project, registry });
    return JSON.parse(JSON.stringify(r)) as { status: string; diagnostics: unknown[] };
  };
  return { general: await run(false), fast: await run(true) };
}

const projectOf = (csvPath: string): Project => ProjectSchema.parse(JSON.parse(readFileSync(join(dirname(csvPath), 'project.json'), 'utf8')));
const gridFixture = () => fixtureCsvs().find((f) => f.name.includes('grid-renewable') && f.name.endsWith('/valid.csv'))!;

/** A CSV fixture as rows of cells: text as is, or typed (numbers as numbers, ISO timestamps as Dates). */
function rowsOf(csv: string, typed: boolean): unknown[][] {
  return csv
    .split(/\r?\n/)
    .filter((l) => l !== '')
    .map((line, i) =>
      line.split(',').map((cell) => {
        if (!typed || i === 0 || cell === '') return cell;
        if (/^-?\d+(\.\d+)?$/.test(cell)) return Number(cell);
        if (/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}Z)?$/.test(cell) && !Number.isNaN(Date.parse(cell))) return new Date(cell);
        return cell;
      }),
    );
}

describe('calculate: per-cell validation of records = monitoring schema per record', () => {
  it('gives identical results on every methodology fixture as a workbook (text cells and typed cells)', async () => {
    let compared = 0;
    for (const f of fixtureCsvs()) {
      const project = projectOf(f.name);
      if (!registry.list.some((m) => m.key === project.methodology)) continue;
      for (const typed of [false, true]) {
        const bytes = await workbook((ws) => {
          for (const row of rowsOf(new TextDecoder().decode(f.bytes), typed)) ws.addRow(row);
        });
        const { general, fast } = await both(bytes, project);
        expect(fast, `${f.name} (${typed ? 'typed' : 'text'} cells)`).toEqual(general);
        compared++;
      }
    }
    expect(compared).toBeGreaterThanOrEqual(16);
  });

  it('gives identical results on the reader tests’ workbooks (formulas, rich text, errors, empty rows, repeated columns, stray values, units rows)', async () => {
    const project = projectOf(gridFixture().name);
    const T1 = new Date('2015-06-01T00:00:00.000Z');
    const T2 = new Date('2015-06-01T01:00:00.000Z');
    const books = [
      await workbook((ws, wb) => {
        ws.addRow(['timestamp', 'EG_export [MWh]', 'note', 'ok']);
        ws.addRow([T1, 1.5, { richText: [{ text: 'rich ', font: { bold: true } }, { text: 'text' }] }, true]);
        ws.addRow([]);
        ws.addRow([T2, { formula: 'B2*2', result: 3 }, { error: '#DIV/0!' }, false]);
        ws.addRow([{ formula: 'A4+1/24', result: 42156.125 }, { formula: 'B4+1' }, null, null]);
        ws.getCell('A5').numFmt = 'yyyy-mm-dd hh:mm';
        wb.addWorksheet('Other').addRow(['ignored']);
      }),
      await workbook((ws) => {
        ws.addRow(['timestamp', 'EG_export', 'EG_import', 'EG_import']);
        ws.addRow([T1, 1, 0, 5, 'stray']);
        ws.addRow([T2, 2, 0.5]);
      }),
      await workbook((ws) => {
        ws.addRow(['timestamp', 'EG_export', 'EG_import']);
        ws.addRow(['#units', 'kWh', 'kWh']);
        ws.addRow([T1, 1500, 20]);
        ws.addRow([T2, '2500', 'x']);
      }),
      await workbook((ws) => {
        ws.addRow(['timestamp', 'EG_export [kWh]', 'EG_import [MWh]']);
        ws.addRow([T1, 1500, 0.02]);
      }),
      await workbook((ws) => {
        ws.addRow(['timestamp', 'EG_export [furlong]', 'EG_import']);
        ws.addRow([T1, 1500, 0.02]);
      }),
    ];
    for (const [i, bytes] of books.entries()) {
      const { general, fast } = await both(bytes, project);
      expect(fast, `workbook ${i}`).toEqual(general);
    }
  });

  it('gives identical results on generated workbooks with awkward cells', async () => {
    const grid = gridFixture();
    const project = projectOf(grid.name);
    const header = new TextDecoder().decode(grid.bytes).split(/\r?\n/)[0]!.split(',');
    let seed = 7;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const numbers: unknown[] = [
      0,
      -0,
      1.5,
      13.494,
      -1,
      1e15,
      1e16,
      100001,
      Number.MAX_VALUE,
      0.1 + 0.2,
      '2.5',
      ' 3 ',
      '1,5',
      '1 000',
      '1e3',
      'NaN',
      'inf',
      'abc',
      '',
      null,
      true,
      { formula: '1+1', result: 2 },
      { formula: 'x' },
      { error: '#N/A' },
      { richText: [{ text: '4' }] },
    ];
    const times = (i: number): unknown[] => [
      new Date(Date.UTC(2015, 5, 1, 0, 15 * i)),
      new Date(Date.UTC(2015, 5, 1, 0, 15 * i)).toISOString(),
      new Date(Date.UTC(2015, 5, 1, 0, 15 * i)).toISOString().replace('.000Z', '+00:00'),
      '2015-06-01T00:00:00',
      '2015-02-30',
      '2015-06-01',
      'yesterday',
      null,
      new Date(Date.UTC(2016, 0, 1)),
      new Date(Date.UTC(2015, 5, 1, 0, 15 * (i - 1))), // a duplicate interval, sometimes
    ];
    for (let book = 0; book < 6; book++) {
      const bytes = await workbook((ws) => {
        ws.addRow(header);
        for (let i = 0; i < 150; i++) {
          const clean = rnd() < 0.7;
          ws.addRow(header.map((c, k) => (k === 0 ? (clean ? times(i)[0] : pick(times(i))) : clean ? Math.round(rnd() * 1000) / 100 : pick(numbers))));
        }
      });
      const { general, fast } = await both(bytes, project);
      expect(fast, `generated workbook ${book}`).toEqual(general);
      expect(general.diagnostics.length, `generated workbook ${book} has bad rows`).toBeGreaterThan(0);
    }
  });

  it('gives identical results on CSV files whose rows leave the byte fast path, and with a units row', async () => {
    const grid = gridFixture();
    const project = projectOf(grid.name);
    const lines = new TextDecoder().decode(grid.bytes).trimEnd().split(/\r?\n/);
    const texts = [
      `${lines[0]}\n#units,kWh,kWh,,\n${lines.slice(1).join('\n')}\n`,
      `${lines[0]}\n${lines
        .slice(1)
        .map((l, i) => (i % 3 === 0 ? l.replace(/,/g, ' , ') : i % 3 === 1 ? l.replace(/(\d)\.(\d)/, '"$1.$2"') : l))
        .join('\n')}\n`,
    ];
    for (const text of texts) {
      const { general, fast } = await both(new TextEncoder().encode(text), project, 'upload.csv');
      expect(fast).toEqual(general);
    }
  });
});
