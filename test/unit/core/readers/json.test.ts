import { describe, expect, it } from 'vitest';
import { collect } from './helpers.ts';

const CSV = 'timestamp,EG_export,status\n2024-01-01T00:00Z,1.5,ok\n\n2024-01-01T01:00Z,2,ok\n2024-01-01T02:00Z,3,"a, b"\n';
const ARRAY = `[
  {"timestamp": "2024-01-01T00:00Z", "EG_export": "1.5", "status": "ok"},

  {"timestamp": "2024-01-01T01:00Z", "EG_export": "2", "status": "ok"},
  {"timestamp": "2024-01-01T02:00Z", "EG_export": "3", "status": "a, b"}
]
`;
const NDJSON = `{"timestamp": "2024-01-01T00:00Z", "EG_export": "1.5", "status": "ok"}

{"timestamp": "2024-01-01T01:00Z", "EG_export": "2", "status": "ok"}\r
{"timestamp": "2024-01-01T02:00Z", "EG_export": "3", "status": "a, b"}`;

describe('JSON and NDJSON readers', () => {
  it('yield the same header, cells and row numbers as the CSV of the same data', async () => {
    const csv = await collect(CSV, 'csv');
    const array = await collect(ARRAY, 'json');
    const nd = await collect(NDJSON, 'ndjson');
    for (const r of [array, nd]) {
      expect(r.header).toEqual(csv.header);
      expect(r.records.map((x) => ({ row: x.row, cells: x.cells }))).toEqual(csv.records.map((x) => ({ row: x.row, cells: x.cells })));
      expect(r.diagnostics).toEqual([]);
    }
    expect(csv.records.map((x) => x.line)).toEqual([2, 4, 5]);
    expect(array.records.map((x) => x.line)).toEqual([2, 4, 5]);
    expect(nd.records.map((x) => x.line)).toEqual([1, 3, 4]);
  });

  it('keeps JSON types and turns nested values into JSON text', async () => {
    const r = await collect('[{"a": 1.25, "b": true, "c": null, "d": "x", "e": {"k": [1, "]}"]}, "f": [1,2]}]', 'json');
    expect(r.records).toEqual([{ row: 1, line: 1, cells: { a: 1.25, b: true, c: null, d: 'x', e: '{"k":[1,"]}"]}', f: '[1,2]' } }]);
  });

  it('handles strings with escaped quotes, brackets and commas split across chunks', async () => {
    const json = '[{"a":"x\\",]}[{\\\\"},{"a":"\\u00e9\\n"}\n,\n{"a":2}]';
    for (const size of [1, 3, 7]) {
      const r = await collect(json, 'json', {}, size);
      expect(r.records).toEqual([
        { row: 1, line: 1, cells: { a: 'x",]}[{\\' } },
        { row: 2, line: 1, cells: { a: 'é\n' } },
        { row: 3, line: 3, cells: { a: 2 } },
      ]);
    }
  });

  it('reports a malformed element and goes on with the next one', async () => {
    const r = await collect('[\n{"a":1},\n{"a": },\n{"a":3}\n]', 'json');
    expect(r.records.map((x) => [x.row, x.line, x.cells.a])).toEqual([
      [1, 2, 1],
      [3, 4, 3],
    ]);
    expect(r.diagnostics).toMatchObject([
      { code: 'record.malformed', severity: 'error', source: 'core/readers', location: { file: 'upload.json', row: 2, line: 3 } },
    ]);
  });

  it('reports non-object elements and lines as record.not_an_object', async () => {
    const array = await collect('[{"a":1}, 5, "x", [1], null, {"a":2}]', 'json');
    expect(array.records.map((x) => x.row)).toEqual([1, 6]);
    expect(array.diagnostics.map((d) => [d.code, d.location?.row])).toEqual([
      ['record.not_an_object', 2],
      ['record.not_an_object', 3],
      ['record.not_an_object', 4],
      ['record.not_an_object', 5],
    ]);
    const nd = await collect('{"a":1}\n[1,2]\nnot json\n{"a":2}\n', 'ndjson');
    expect(nd.records.map((x) => [x.row, x.line])).toEqual([
      [1, 1],
      [4, 4],
    ]);
    expect(nd.diagnostics.map((d) => [d.code, d.location?.row, d.location?.line])).toEqual([
      ['record.not_an_object', 2, 2],
      ['record.malformed', 3, 3],
    ]);
  });

  it('puts the header first even when the first rows are rejected', async () => {
    const r = await collect('oops\n{"a":1,"b":2}\n', 'ndjson');
    expect(r.events.map((e) => e.kind)).toEqual(['header', 'diagnostic', 'record']);
    expect(r.header?.columns).toEqual(['a', 'b']);
    expect(r.records[0]).toMatchObject({ row: 2, line: 2 });
  });

  it('reports a truncated array: the cut-off element is malformed', async () => {
    const r = await collect('[{"a":1},{"a":', 'json');
    expect(r.records).toHaveLength(1);
    expect(r.diagnostics).toMatchObject([{ code: 'record.malformed', location: { row: 2, line: 1 } }]);
    const unclosed = await collect('[{"a":1},', 'json');
    expect(unclosed.codes).toEqual(['file.unreadable']);
  });

  it('reports content after the closing bracket', async () => {
    const r = await collect('[{"a":1}]\n{"a":2}', 'json');
    expect(r.records).toHaveLength(1);
    expect(r.codes).toEqual(['record.malformed']);
  });

  it('reports empty files and empty arrays', async () => {
    expect((await collect('', 'json')).codes).toEqual(['file.empty']);
    expect((await collect(' \n ', 'ndjson')).codes).toEqual(['file.empty']);
    const empty = await collect('[ ]', 'json');
    expect(empty.events[0]).toEqual({ kind: 'header', columns: [] });
    expect(empty.codes).toEqual(['file.no_records']);
  });

  it('stops with file.too_large on an element or line longer than maxRecordChars', async () => {
    const big = `{"a":"${'x'.repeat(100)}"}`;
    expect((await collect(`[{"a":1},${big}]`, 'json', { limits: { maxRecordChars: 50 } })).codes).toEqual(['file.too_large']);
    expect((await collect(`{"a":1}\n${big}\n`, 'ndjson', { limits: { maxRecordChars: 50 } })).codes).toEqual(['file.too_large']);
    // An unterminated string never ends the element.
    const open = await collect(`[{"a":"${'y'.repeat(100)}`, 'json', { limits: { maxRecordChars: 50 } });
    expect(open.codes).toEqual(['file.too_large']);
  });

  it('rejects UTF-16 and Latin-1 JSON as file.encoding', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('[{"a":1}]', 'utf16le')]);
    expect((await collect(utf16, 'json')).codes).toEqual(['file.encoding']);
    const latin1 = Buffer.concat([Buffer.from('{"a":"caf'), Buffer.from([0xe9]), Buffer.from('"}\n')]);
    const r = await collect(latin1, 'ndjson');
    expect(r.codes).toEqual(['file.encoding']);
  });
});
