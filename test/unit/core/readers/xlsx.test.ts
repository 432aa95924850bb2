import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { collect } from './helpers.ts';

async function workbook(fill: (ws: ExcelJS.Worksheet, wb: ExcelJS.Workbook) => void): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Monitoring');
  fill(ws, wb);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

const T1 = new Date('2024-01-01T00:00:00.000Z');
const T2 = new Date('2024-01-01T01:00:00.000Z');

async function monitoring(): Promise<Uint8Array> {
  return workbook((ws, wb) => {
    ws.addRow(['timestamp', 'EG_export [MWh]', 'note', 'ok']);
    ws.addRow([T1, 1.5, { richText: [{ text: 'rich ', font: { bold: true } }, { text: 'text' }] }, true]);
    ws.addRow([]); // empty row 3
    ws.addRow([T2, { formula: 'B2*2', result: 3 }, { error: '#DIV/0!' }, false]);
    ws.addRow([{ formula: 'A4+1/24', result: 45292.125 }, { formula: 'B4+1' }, null, null]);
    ws.getCell('A5').numFmt = 'yyyy-mm-dd hh:mm';
    const other = wb.addWorksheet('Other');
    other.addRow(['ignored']);
    other.addRow([1]);
  });
}

describe('XLSX reader', () => {
  it('reads the first worksheet: types, formulas, rich text, errors; empty rows skipped; line = worksheet row', async () => {
    const r = await collect(await monitoring(), 'xlsx', {}, 1024);
    expect(r.events[0]).toEqual({ kind: 'header', columns: ['timestamp', 'EG_export', 'note', 'ok'], units: { EG_export: 'MWh' } });
    expect(r.records).toEqual([
      { row: 1, line: 2, cells: { timestamp: T1, EG_export: 1.5, note: 'rich text', ok: true } },
      { row: 2, line: 4, cells: { timestamp: T2, EG_export: 3, note: '#DIV/0!', ok: false } },
      { row: 3, line: 5, cells: { timestamp: new Date('2024-01-01T03:00:00.000Z'), EG_export: null, note: null, ok: null } },
    ]);
    expect(r.records[0]!.cells.timestamp).toBeInstanceOf(Date);
    // The second visible tab is not read, and the report says so (issue 16).
    expect(r.diagnostics).toEqual([
      expect.objectContaining({
        code: 'file.sheet_selected',
        severity: 'warning',
        actual: 'Monitoring',
        message: expect.stringContaining('not read: "Other" (visible)'),
      }),
    ]);
  });

  it('numbers rows like the CSV of the same data', async () => {
    const xlsx = await collect(
      await workbook((ws) => {
        ws.addRow(['a', 'b']);
        ws.addRow(['#units', 'kWh']);
        ws.addRow(['x', 1]);
        ws.addRow([]);
        ws.addRow(['y', 2]);
      }),
      'xlsx',
    );
    const csv = await collect('a,b\n#units,kWh\nx,1\n\ny,2\n', 'csv');
    expect(xlsx.header).toEqual(csv.header);
    expect(xlsx.records.map((x) => [x.row, x.line])).toEqual(csv.records.map((x) => [x.row, x.line]));
    expect(xlsx.records.map((x) => x.cells)).toEqual([
      { a: 'x', b: 1 },
      { a: 'y', b: 2 },
    ]);
  });

  it('warns about values right of the last header column and reports header problems', async () => {
    const r = await collect(
      await workbook((ws) => {
        ws.addRow(['a', 'a', null, 'c']);
        ws.addRow([1, 2, 3, 4, 'stray']);
      }),
      'xlsx',
    );
    expect(r.header?.columns).toEqual(['a', 'a', '', 'c']);
    expect(r.records).toEqual([{ row: 1, line: 2, cells: { a: 1, c: 4 } }]);
    expect(r.diagnostics.map((d) => [d.code, d.severity])).toEqual([
      ['header.duplicate_column', 'error'],
      ['header.empty_column_name', 'error'],
      ['record.field_count', 'warning'],
    ]);
  });

  it('reports an empty sheet and a header without data', async () => {
    expect((await collect(await workbook(() => undefined), 'xlsx')).codes).toEqual(['file.empty']);
    const headerOnly = await collect(await workbook((ws) => ws.addRow(['a', 'b'])), 'xlsx');
    expect(headerOnly.events[0]).toEqual({ kind: 'header', columns: ['a', 'b'] });
    expect(headerOnly.codes).toEqual(['file.no_records']);
  });

  it('turns not-a-zip, truncated, encrypted and empty files into one diagnostic, never a throw', async () => {
    const good = await monitoring();
    const cases: [Uint8Array, string][] = [
      [new TextEncoder().encode('a,b\n1,2\n'), 'file.unreadable'],
      [good.subarray(0, Math.floor(good.length / 2)), 'file.unreadable'],
      [good.subarray(0, good.length - 30), 'file.unreadable'],
      [new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]), 'file.unreadable'],
      [new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), 'file.unreadable'],
      [new Uint8Array(), 'file.empty'],
    ];
    for (const [bytes, code] of cases) {
      const r = await collect(bytes, 'xlsx', {}, 512);
      expect(r.records).toEqual([]);
      expect(r.codes.at(-1)).toBe(code);
      expect(r.diagnostics.at(-1)).toMatchObject({ severity: 'error', source: 'core/readers', location: { file: 'upload.xlsx' } });
    }
  });

  it('stops with file.too_large past limits.maxUncompressedBytes', async () => {
    const bytes = await workbook((ws) => {
      ws.addRow(['a', 'b']);
      for (let i = 0; i < 50; i++) ws.addRow([`value ${i}`, i]);
    });
    const r = await collect(bytes, 'xlsx', { limits: { maxUncompressedBytes: 200 } });
    expect(r.codes).toEqual(['file.too_large']);
    expect(r.records.length).toBeGreaterThan(0);
    expect(r.records.length).toBeLessThan(50);
  });
});
