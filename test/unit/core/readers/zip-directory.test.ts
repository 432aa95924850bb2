import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { checkZipBomb, readZipDirectory, ZIP_TAIL_BYTES } from '../../../../core/readers/zip-directory.ts';
import { zipBomb } from '../../../corpus/generate-xlsx.ts';

const tail = (b: Buffer) => new Uint8Array(b.subarray(Math.max(0, b.length - ZIP_TAIL_BYTES)));

async function workbook(rows: number): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Monitoring');
  ws.addRow(['timestamp', 'EG_export', 'EG_import']);
  for (let i = 0; i < rows; i++) ws.addRow([`2015-06-01T${String(i % 24).padStart(2, '0')}:00:00Z`, 10 + (i % 7) / 10, 0.1]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('zip-bomb guard', () => {
  it('reads the declared sizes of a real workbook and lets it through', async () => {
    const xlsx = await workbook(2000);
    const entries = readZipDirectory(tail(xlsx));
    expect(entries?.map((e) => e.name)).toContain('xl/worksheets/sheet1.xml');
    expect(entries?.find((e) => e.name === 'xl/worksheets/sheet1.xml')?.uncompressed).toBeGreaterThan(50_000);
    expect(checkZipBomb(tail(xlsx), 'ok.xlsx')).toBeUndefined();
  });

  it('refuses a worksheet that inflates a thousandfold, before any byte is inflated', () => {
    const bomb = zipBomb();
    const d = checkZipBomb(tail(bomb), 'bomb.xlsx');
    expect(d).toMatchObject({ code: 'file.too_large', location: { file: 'bomb.xlsx' } });
    expect(d?.message).toMatch(/zip bomb/);
  });

  it('refuses a workbook whose total inflated size exceeds the limit', async () => {
    const xlsx = await workbook(2000);
    expect(checkZipBomb(tail(xlsx), 'big.xlsx', { maxUncompressedBytes: 10_000 })?.code).toBe('file.too_large');
  });

  it('leaves files without a readable directory to the streaming reader (not a zip, truncated)', async () => {
    const xlsx = await workbook(10);
    expect(checkZipBomb(new Uint8Array(Buffer.from('timestamp,EG_export\n')), 'x.xlsx')).toBeUndefined();
    expect(readZipDirectory(tail(xlsx.subarray(0, xlsx.length - 30)))).toBeUndefined();
  });
});
