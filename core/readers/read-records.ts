/**
 * Entry point of the readers: turns the bytes of a monitoring file into {@link ReaderEvent}s.
 *
 * Numbering, the same in every format:
 * - `row` is the 1-based index of the data record: the first record after the header (and after
 *   the optional units row) is row 1. Blank lines / empty rows do not consume a row number; records
 *   that are rejected (wrong field count, malformed JSON) do.
 * - `line` is where the record starts: the physical line for CSV/NDJSON/JSON arrays (the header is
 *   line 1 of a CSV file), the worksheet row number for XLSX.
 *
 * Units: a header cell `EG_export [kWh]` or `EG_export (kWh)` is the column `EG_export` with the
 * unit `kWh` (CSV and XLSX). A units row directly below the header is also accepted: either its
 * first cell is `#units` and the other cells are the units, or each non-empty cell reads
 * `#unit:kWh`. Units are reported in the header event's `units`, never as a record.
 */
import { csvFastPath, pumpCsv, readCsv, type CsvSink } from './csv.ts';
import { readJson } from './json.ts';
import { diagnostic } from './shared.ts';
import type { ByteSource, MonitoringFormat, ReaderEvent, ReadOptions } from './types.ts';
import { readXlsx } from './xlsx.ts';

export { readCsv } from './csv.ts';
export { readJson } from './json.ts';
export { readXlsx } from './xlsx.ts';

const BY_EXTENSION: Readonly<Record<string, MonitoringFormat>> = {
  csv: 'csv',
  tsv: 'csv',
  txt: 'csv',
  json: 'json',
  ndjson: 'ndjson',
  jsonl: 'ndjson',
  xlsx: 'xlsx',
};

/**
 * The format of a monitoring file: by extension (`.csv` `.tsv` `.txt` `.json` `.ndjson` `.jsonl`
 * `.xlsx`, case-insensitive), otherwise by sniffing the first bytes: `PK\x03\x04` → xlsx, `[` →
 * json, `{` → ndjson (leading UTF-8 BOM and whitespace ignored). `undefined` if neither tells.
 */
export function detectFormat(fileName: string, firstBytes?: Uint8Array): MonitoringFormat | undefined {
  const dot = fileName.lastIndexOf('.');
  const slash = Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\'));
  if (dot > slash + 1) {
    const byExtension = BY_EXTENSION[fileName.slice(dot + 1).toLowerCase()];
    if (byExtension) return byExtension;
  }
  if (!firstBytes || firstBytes.length === 0) return undefined;
  if (firstBytes.length >= 4 && firstBytes[0] === 0x50 && firstBytes[1] === 0x4b && firstBytes[2] === 0x03 && firstBytes[3] === 0x04) return 'xlsx';
  let i = firstBytes[0] === 0xef && firstBytes[1] === 0xbb && firstBytes[2] === 0xbf ? 3 : 0;
  while (i < firstBytes.length && (firstBytes[i] === 0x20 || firstBytes[i] === 0x09 || firstBytes[i] === 0x0a || firstBytes[i] === 0x0d)) i++;
  if (firstBytes[i] === 0x5b) return 'json';
  if (firstBytes[i] === 0x7b) return 'ndjson';
  return undefined;
}

/**
 * Reads a monitoring file in `options.format`, streaming: memory stays flat whatever the file size.
 * Yields one `header` event first (unless the file cannot be read at all, in which case a single
 * `file.*` diagnostic ends the stream), then `record` and `diagnostic` events in file order.
 * Never throws on bad data; an error of the byte source itself (I/O) is rethrown.
 */
export async function* readRecords(source: ByteSource, options: ReadOptions): AsyncGenerator<ReaderEvent> {
  switch (options.format) {
    case 'csv':
      yield* readCsv(source, options);
      return;
    case 'json':
    case 'ndjson':
      yield* readJson(source, options);
      return;
    case 'xlsx':
      yield* readXlsx(source, options);
      return;
    default:
      yield diagnostic(options, {
        code: 'file.unknown_format',
        message: `The format "${String(options.format)}" is not supported; upload CSV, JSON, NDJSON or XLSX.`,
      });
  }
}

/**
 * Where a reader pushes its events ({@link pumpRecords}): `event` gets every event in file order; `row`
 * is offered the CSV records the byte fast path cuts (core/readers/csv.ts) before an event is built for
 * them; `pause` is asked after each chunk (a promise makes the reader wait for it).
 */
export type RecordSink = CsvSink;

/**
 * Reads a monitoring file in `options.format` and pushes its events into `sink`: the push form of
 * {@link readRecords}, which lets a CSV file take the byte fast path (`csvFastPath`). Never throws on
 * bad data; an error of the byte source itself (I/O) is rethrown.
 */
export async function pumpRecords(source: ByteSource, options: ReadOptions, sink: RecordSink): Promise<void> {
  if (options.format === 'csv' && csvFastPath.enabled) return pumpCsv(source, options, sink);
  for await (const event of readRecords(source, options)) {
    sink.event(event);
    const wait = sink.pause?.();
    if (wait) await wait;
  }
}
