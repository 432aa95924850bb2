import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { readRecords } from '../../../../core/readers/read-records.ts';
import type { ReaderEvent } from '../../../../core/readers/types.ts';

/** A workbook whose archive lists the worksheet (and shared strings) before xl/workbook.xml. */
async function workbookXmlLast(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Monitoring');
  ws.addRow(['timestamp', 'EG_export', 'note']);
  ws.addRow(['2015-06-01T01:00:00Z', 10.5, 'shared string']);
  ws.addRow(['2015-06-01T02:00:00Z', 11, 'shared string']);
  const original = await JSZip.loadAsync(await wb.xlsx.writeBuffer());
  const names = Object.keys(original.files).filter((n) => !original.files[n]!.dir);
  const last = ['xl/workbook.xml'];
  const first = ['[Content_Types].xml', '_rels/.rels', 'xl/_rels/workbook.xml.rels', 'xl/sharedStrings.xml', 'xl/styles.xml'];
  const order = [...first.filter((n) => names.includes(n)), ...names.filter((n) => !first.includes(n) && !last.includes(n)), ...last];
  const rebuilt = new JSZip();
  for (const name of order) rebuilt.file(name, await original.files[name]!.async('uint8array'));
  return rebuilt.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

async function events(bytes: Buffer): Promise<ReaderEvent[]> {
  async function* source() {
    yield new Uint8Array(bytes);
  }
  const out: ReaderEvent[] = [];
  for await (const e of readRecords(source(), { fileName: 'order.xlsx', format: 'xlsx' })) out.push(e);
  return out;
}

describe('XLSX entry order (exceljs/exceljs#3064)', () => {
  it('reads a workbook whose xl/workbook.xml comes after the worksheet in the archive', async () => {
    const ev = await events(await workbookXmlLast());
    expect(ev.filter((e) => e.kind === 'diagnostic')).toEqual([]);
    expect(ev[0]).toMatchObject({ kind: 'header', columns: ['timestamp', 'EG_export', 'note'] });
    expect(ev.filter((e) => e.kind === 'record').map((e) => (e.kind === 'record' ? e.cells : undefined))).toEqual([
      { timestamp: '2015-06-01T01:00:00Z', EG_export: 10.5, note: 'shared string' },
      { timestamp: '2015-06-01T02:00:00Z', EG_export: 11, note: 'shared string' },
    ]);
  });
});

describe('XLSX text cells without their shared-string table', () => {
  it('reports the workbook as unreadable (after one more read), never as headers like {"sharedString":0}', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Monitoring');
    ws.addRow(['timestamp', 'EG_export']);
    ws.addRow(['2015-06-01T01:00:00Z', 10.5]);
    const zip = await JSZip.loadAsync(await wb.xlsx.writeBuffer());
    zip.remove('xl/sharedStrings.xml');
    const ev = await events(await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
    expect(ev.filter((e) => e.kind === 'header' || e.kind === 'record')).toEqual([]);
    expect(ev).toEqual([
      expect.objectContaining({
        kind: 'diagnostic',
        diagnostic: expect.objectContaining({ code: 'file.unreadable', message: expect.stringMatching(/shared-string table that could not be read/) }),
      }),
    ]);
  });
});
