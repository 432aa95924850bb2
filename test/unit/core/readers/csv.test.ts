import { describe, expect, it } from 'vitest';
import { detectDelimiter } from '../../../../core/readers/csv.ts';
import { collect } from './helpers.ts';

describe('CSV reader', () => {
  it('strips the BOM, trims header names, handles CRLF and numbers rows from 1 (header = line 1)', async () => {
    const r = await collect('\uFEFF timestamp , EG_export\r\n2024-01-01T00:00Z,1.5\r\n2024-01-01T01:00Z,\r\n', 'csv');
    expect(r.events[0]).toEqual({ kind: 'header', columns: ['timestamp', 'EG_export'] });
    expect(r.records).toEqual([
      { row: 1, line: 2, cells: { timestamp: '2024-01-01T00:00Z', EG_export: '1.5' } },
      { row: 2, line: 3, cells: { timestamp: '2024-01-01T01:00Z', EG_export: '' } },
    ]);
    expect(r.diagnostics).toEqual([]);
  });

  it('reads quoted commas, doubled quotes and embedded newlines across chunk boundaries, counting physical lines', async () => {
    const csv = 'id,note,value\n1,"hello, world",10\n2,"line one\r\nline two\nline three",20\n3,"say ""hi""",30\n';
    for (const size of [1, 2, 3, 7, 64]) {
      const r = await collect(csv, 'csv', {}, size);
      expect(r.records).toEqual([
        { row: 1, line: 2, cells: { id: '1', note: 'hello, world', value: '10' } },
        { row: 2, line: 3, cells: { id: '2', note: 'line one\nline two\nline three', value: '20' } },
        { row: 3, line: 6, cells: { id: '3', note: 'say "hi"', value: '30' } },
      ]);
      expect(r.diagnostics).toEqual([]);
    }
  });

  it('detects ; and tab delimiters from the header line, ignoring delimiters inside quotes', async () => {
    const semi = await collect('a;"b,c,d";e\n1,5;2;3\n', 'csv');
    expect(semi.header?.columns).toEqual(['a', 'b,c,d', 'e']);
    expect(semi.records).toEqual([{ row: 1, line: 2, cells: { a: '1,5', 'b,c,d': '2', e: '3' } }]);
    const tab = await collect('a\tb\n1\t2\n', 'csv');
    expect(tab.records).toEqual([{ row: 1, line: 2, cells: { a: '1', b: '2' } }]);
    expect(detectDelimiter('a,b;c\n', false)).toBe(',');
    expect(detectDelimiter('a,b', false)).toBeUndefined();
    expect(detectDelimiter('\n\na;b;c,d\n', false)).toBe(';');
  });

  it('skips blank lines anywhere without consuming a row number', async () => {
    const r = await collect('\n\na,b\n1,2\n\n   \n3,4\n\n\n', 'csv');
    expect(r.records.map((x) => [x.row, x.line])).toEqual([
      [1, 4],
      [2, 7],
    ]);
    expect(r.diagnostics).toEqual([]);
  });

  it('handles a lone CR line ending and a CRLF split across chunks', async () => {
    const r = await collect('a,b\r1,2\r\n3,4\r', 'csv', {}, 4);
    expect(r.records).toEqual([
      { row: 1, line: 2, cells: { a: '1', b: '2' } },
      { row: 2, line: 3, cells: { a: '3', b: '4' } },
    ]);
  });

  it('reports a field-count mismatch with row, line and counts, and emits no record for it', async () => {
    const r = await collect('a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12\n', 'csv');
    expect(r.records.map((x) => x.row)).toEqual([1, 4]);
    expect(r.diagnostics).toMatchObject([
      {
        code: 'record.field_count',
        severity: 'error',
        source: 'core/readers',
        location: { file: 'upload.csv', row: 2, line: 3 },
        actual: '2 fields',
        expected: '3 fields',
      },
      { code: 'record.field_count', location: { row: 3, line: 4 }, actual: '4 fields' },
    ]);
  });

  it('reports an unterminated quote as record.malformed', async () => {
    const r = await collect('a,b\n1,2\n3,"open\n4,5\n', 'csv');
    expect(r.records).toEqual([{ row: 1, line: 2, cells: { a: '1', b: '2' } }]);
    expect(r.diagnostics).toMatchObject([{ code: 'record.malformed', location: { row: 2, line: 3 } }]);
  });

  it('stops with file.too_large when a record exceeds maxRecordChars', async () => {
    const r = await collect(`a,b\n1,2\n3,"${'x'.repeat(200)}\n`, 'csv', { limits: { maxRecordChars: 50 } });
    expect(r.records).toHaveLength(1);
    expect(r.codes).toEqual(['file.too_large']);
    expect(r.diagnostics[0]!.location).toEqual({ file: 'upload.csv', line: 3 });
    // Also when the long record arrives in one chunk.
    const one = await collect(`a,b\n1,${'y'.repeat(200)}\n`, 'csv', { limits: { maxRecordChars: 50 } }, 4096);
    expect(one.codes).toEqual(['file.too_large']);
  });

  it('reports duplicate and empty column names', async () => {
    const r = await collect('a,,a,b\n1,2,3,4\n', 'csv');
    expect(r.header?.columns).toEqual(['a', '', 'a', 'b']);
    expect(r.codes).toEqual(['header.empty_column_name', 'header.duplicate_column']);
    expect(r.diagnostics[1]).toMatchObject({ location: { file: 'upload.csv', line: 1, column: 'a' } });
    // The first "a" wins; unnamed and repeated columns are not mapped.
    expect(r.records).toEqual([{ row: 1, line: 2, cells: { a: '1', b: '4' } }]);
  });

  it('strips [unit] and (unit) suffixes into header.units', async () => {
    const r = await collect('timestamp,EG_export [kWh],EF_grid (tCO2/MWh)\n2024,1,2\n', 'csv');
    expect(r.header).toEqual({ kind: 'header', columns: ['timestamp', 'EG_export', 'EF_grid'], units: { EG_export: 'kWh', EF_grid: 'tCO2/MWh' } });
    expect(r.records[0]!.cells).toEqual({ timestamp: '2024', EG_export: '1', EF_grid: '2' });
  });

  it('accepts a #units row and a #unit: row, which are not records', async () => {
    const a = await collect('timestamp,EG_export\n#units,MWh\n2024,1\n', 'csv');
    expect(a.header?.units).toEqual({ EG_export: 'MWh' });
    expect(a.records).toEqual([{ row: 1, line: 3, cells: { timestamp: '2024', EG_export: '1' } }]);
    const b = await collect('timestamp,EG_export,EF\n,#unit:kWh,#unit: t/MWh\n2024,1,2\n', 'csv');
    expect(b.header?.units).toEqual({ EG_export: 'kWh', EF: 't/MWh' });
    expect(b.records.map((x) => [x.row, x.line])).toEqual([[1, 3]]);
    const conflict = await collect('EG [kWh]\n#unit:MWh\n1\n', 'csv');
    expect(conflict.header?.units).toEqual({ EG: 'MWh' });
    expect(conflict.codes).toEqual(['header.unknown_unit']);
  });

  it('rejects UTF-16 (with BOM, both byte orders, and without BOM) as file.encoding', async () => {
    const text = 'a,b\n1,2\n';
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.from(Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]));
    for (const bytes of [le, be, Buffer.from(text, 'utf16le')]) {
      const r = await collect(bytes, 'csv');
      expect(r.events).toHaveLength(1);
      expect(r.codes).toEqual(['file.encoding']);
    }
  });

  it('rejects Latin-1 bytes with one file.encoding diagnostic on the right line, after the valid rows', async () => {
    const bytes = Buffer.concat([Buffer.from('name,city\nA,Paris\nB,Orl'), Buffer.from([0xe9]), Buffer.from('ans\nC,Nice\n')]);
    const r = await collect(bytes, 'csv');
    expect(r.records).toEqual([{ row: 1, line: 2, cells: { name: 'A', city: 'Paris' } }]);
    expect(r.diagnostics).toMatchObject([{ code: 'file.encoding', location: { file: 'upload.csv', line: 3 } }]);
  });

  it('rejects binary garbage (NUL bytes) as file.unreadable', async () => {
    const r = await collect(new Uint8Array([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x01, 0x02, 0xff, 0x00, 0x13]), 'csv');
    expect(r.codes).toEqual(['file.unreadable']);
    expect(r.events).toHaveLength(1);
  });

  it('reports file.empty for 0 bytes and whitespace only, file.no_records for a header only', async () => {
    expect((await collect('', 'csv')).codes).toEqual(['file.empty']);
    expect((await collect(' \r\n\n \t\n', 'csv')).codes).toEqual(['file.empty']);
    const header = await collect('a,b\r\n\r\n', 'csv');
    expect(header.events[0]).toEqual({ kind: 'header', columns: ['a', 'b'] });
    expect(header.diagnostics).toMatchObject([{ code: 'file.no_records', severity: 'error', location: { line: 1 } }]);
    const unitsOnly = await collect('a,b\n#units,kWh\n', 'csv');
    expect(unitsOnly.codes).toEqual(['file.no_records']);
  });

  it('keeps a column named __proto__ as a plain key', async () => {
    const r = await collect('__proto__,b\n1,2\n', 'csv');
    const event = r.events[1];
    expect(event?.kind).toBe('record');
    const cells = event?.kind === 'record' ? event.cells : {};
    expect(Object.keys(cells)).toEqual(['__proto__', 'b']);
    expect(Object.getPrototypeOf(cells)).toBeNull();
    expect(cells['__proto__']).toBe('1');
  });

  it('stops with file.too_large when the header has more columns than maxColumns', async () => {
    const r = await collect('a,b,c\n1,2,3\n', 'csv', { limits: { maxColumns: 2 } });
    expect(r.codes).toEqual(['file.too_large']);
    expect(r.records).toEqual([]);
  });

  it('accepts a Node Readable of strings as the source', async () => {
    const { Readable } = await import('node:stream');
    const { readRecords } = await import('../../../../core/readers/read-records.ts');
    const events = [];
    for await (const e of readRecords(Readable.from(['a,b\n1,', '2\n']), { fileName: 'x.csv', format: 'csv' })) events.push(e);
    expect(events).toEqual([
      { kind: 'header', columns: ['a', 'b'] },
      { kind: 'record', row: 1, line: 2, cells: { a: '1', b: '2' } },
    ]);
  });
});
