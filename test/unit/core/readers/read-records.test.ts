import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectFormat, readRecords } from '../../../../core/readers/read-records.ts';
import type { MonitoringFormat } from '../../../../core/readers/types.ts';
import { chunked } from './helpers.ts';

const bytes = (s: string | number[]): Uint8Array => (typeof s === 'string' ? new TextEncoder().encode(s) : new Uint8Array(s));

describe('detectFormat', () => {
  it('goes by extension, case-insensitively', () => {
    expect(detectFormat('uploads/p1/2024-01.CSV')).toBe('csv');
    expect(detectFormat('a.json')).toBe('json');
    expect(detectFormat('a.ndjson')).toBe('ndjson');
    expect(detectFormat('a.jsonl')).toBe('ndjson');
    expect(detectFormat('a.xlsx', bytes('[{}]'))).toBe('xlsx');
  });
  it('falls back to sniffing the first bytes', () => {
    expect(detectFormat('upload', bytes([0x50, 0x4b, 0x03, 0x04, 0x14]))).toBe('xlsx');
    expect(detectFormat('upload.bin', bytes('\uFEFF \n [{"a":1}]'))).toBe('json');
    expect(detectFormat('upload', bytes('{"a":1}\n'))).toBe('ndjson');
    expect(detectFormat('upload', bytes('a,b\n'))).toBeUndefined();
    expect(detectFormat('dir.v2/upload')).toBeUndefined();
    expect(detectFormat('.csv')).toBeUndefined();
  });
});

describe('readRecords', () => {
  it('reports an unknown format instead of throwing', async () => {
    const events = [];
    for await (const e of readRecords(chunked('x'), { fileName: 'f', format: 'xml' as MonitoringFormat })) events.push(e);
    expect(events).toMatchObject([{ kind: 'diagnostic', diagnostic: { code: 'file.unknown_format', location: { file: 'f' } } }]);
  });

  it('never throws and always ends, whatever the bytes (property)', async () => {
    const formats: MonitoringFormat[] = ['csv', 'json', 'ndjson', 'xlsx'];
    const text = fc.string({
      unit: fc.constantFrom('a', '1', ',', ';', '\t', '"', '\n', '\r', ' ', '[', ']', '{', '}', ':', '\\', '#units', '#unit:x', 'é', '\uFEFF'),
    });
    const data = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      text.map((s) => new TextEncoder().encode(s)),
    );
    await fc.assert(
      fc.asyncProperty(data, fc.constantFrom(...formats), fc.integer({ min: 1, max: 64 }), async (input, format, size) => {
        let headers = 0;
        let n = 0;
        for await (const e of readRecords(chunked(input, size), { fileName: 'p', format, limits: { maxRecordChars: 100 } })) {
          if (e.kind === 'header') headers++;
          if (e.kind === 'record') expect(e.row).toBeGreaterThan(0);
          if (e.kind === 'diagnostic') expect(e.diagnostic.source).toBe('core/readers');
          if (++n > 10_000) throw new Error('runaway reader');
        }
        expect(headers).toBeLessThanOrEqual(1);
      }),
      { numRuns: 400 },
    );
  });

  it('never throws on XLSX-like bytes (a valid zip with damaged bytes)', async () => {
    const ExcelJS = (await import('exceljs')).default;
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('S');
    ws.addRow(['a', 'b']);
    ws.addRow([1, 'x']);
    const good = new Uint8Array(await wb.xlsx.writeBuffer());
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 4, max: good.length - 1 }), fc.integer({ min: 0, max: 255 }), fc.boolean(), async (at, byte, cut) => {
        const damaged = cut ? good.slice(0, at) : good.slice();
        if (!cut) damaged[at] = byte;
        const events = [];
        for await (const e of readRecords(chunked(damaged, 256), { fileName: 'p.xlsx', format: 'xlsx' })) events.push(e);
        expect(events.length).toBeGreaterThan(0);
      }),
      { numRuns: 60 },
    );
  });
});
