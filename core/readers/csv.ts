/**
 * Streaming CSV reader.
 *
 * Bytes are decoded as strict UTF-8, line breaks are normalised to `\n` (CRLF and lone CR count as
 * one physical line each, also inside quoted fields), and the text is cut into records by
 * papaparse's RFC 4180 `Parser`, fed chunk by chunk: each call parses what has arrived and leaves
 * the incomplete last record for the next chunk, so memory holds at most one chunk plus one record
 * (bounded by `limits.maxRecordChars`).
 *
 * - Delimiter: the most frequent of `,` `;` `\t` outside quotes in the header line (ties → `,`).
 * - Blank lines (and rows whose fields are all blank) are skipped anywhere; they do not consume a
 *   row number but do count as lines.
 * - Cells are the raw strings (no trimming, no coercion); an empty field is `''`.
 * - Units: see {@link parseHeader} (`name [unit]` / `name (unit)`) and {@link unitsRow}.
 */
import Papa from 'papaparse';
import type { ByteSource, Cell, ReaderEvent, ReadOptions } from './types.ts';
import {
  decodeUtf8,
  diagnostic,
  emptyCells,
  encodingDiagnostic,
  EncodingError,
  headerEvent,
  mergeUnits,
  parseHeader,
  peek,
  resolveLimits,
  sniffText,
  unitsRow,
  type ParsedHeader,
} from './shared.ts';

type Delimiter = ',' | ';' | '\t';

/** Counts `,` `;` and tab outside double quotes in the first non-blank line; `undefined` if that line is not complete yet. */
export function detectDelimiter(text: string, atEnd: boolean): Delimiter | undefined {
  let start = 0;
  // Skip leading blank lines.
  for (;;) {
    const nl = text.indexOf('\n', start);
    const lineText = nl === -1 ? text.slice(start) : text.slice(start, nl);
    if (lineText.trim() !== '') break;
    if (nl === -1) return atEnd ? ',' : undefined;
    start = nl + 1;
  }
  let comma = 0;
  let semicolon = 0;
  let tab = 0;
  let quoted = false;
  let complete = atEnd;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) quoted = !quoted;
    else if (quoted) continue;
    else if (c === 10 /* \n */) {
      complete = true;
      break;
    } else if (c === 44) comma++;
    else if (c === 59) semicolon++;
    else if (c === 9) tab++;
  }
  if (!complete) return undefined;
  if (semicolon > comma && semicolon >= tab) return ';';
  if (tab > comma && tab > semicolon) return '\t';
  return ',';
}

function countNewlines(s: string): number {
  let n = 0;
  let i = s.indexOf('\n');
  while (i !== -1) {
    n++;
    i = s.indexOf('\n', i + 1);
  }
  return n;
}

interface PapaError {
  readonly code: string;
  readonly row?: number;
}

interface PapaResult {
  readonly data: string[][];
  readonly errors: PapaError[];
  readonly meta: { readonly cursor: number };
}

/** Reads a CSV byte stream into header, record and diagnostic events. Never throws on bad data. */
export async function* readCsv(source: ByteSource, options: ReadOptions): AsyncGenerator<ReaderEvent> {
  const limits = resolveLimits(options);
  const peeked = await peek(source);
  try {
    if (peeked.head.length === 0) {
      yield diagnostic(options, { code: 'file.empty', message: 'The file is empty (0 bytes); upload the file that contains the monitoring data.' });
      return;
    }
    const sniffed = sniffText(peeked.head, options);
    if (sniffed) {
      yield sniffed;
      return;
    }

    let pending = ''; // decoded, newline-normalised text not yet cut into records
    let heldCR = false; // a chunk ended in '\r': wait for the next one to see whether '\n' follows
    let delimiter: Delimiter | undefined;
    let parser: Papa.Parser | undefined;
    let line = 1; // physical line where the first record in `pending` starts
    let header: ParsedHeader | undefined;
    let headerLine = 0;
    let headerEmitted = false;
    let dataRows = 0;
    let stopped = false;

    const tooLong = (startLine: number): ReaderEvent =>
      diagnostic(options, {
        code: 'file.too_large',
        message: `The record starting on line ${startLine} is longer than ${limits.maxRecordChars} characters (an unterminated quote or a missing line break?); fix the record or split the file.`,
        line: startLine,
      });

    /** Turns parsed rows into events; sets `stopped` when reading must end. */
    const handle = function* (result: PapaResult): Generator<ReaderEvent> {
      const malformedRows = new Set<number>();
      for (const e of result.errors) {
        if ((e.code === 'MissingQuotes' || e.code === 'InvalidQuotes') && e.row !== undefined) malformedRows.add(e.row);
      }
      const rows = result.data;
      for (let r = 0; r < rows.length; r++) {
        const fields = rows[r]!;
        const startLine = line;
        let chars = fields.length;
        let blank = true;
        for (const f of fields) {
          chars += f.length;
          if (f.length > 0 && f.indexOf('\n') !== -1) line += countNewlines(f);
          if (blank && f.length > 0 && f.trim() !== '') blank = false;
        }
        line += 1;
        if (chars > limits.maxRecordChars) {
          yield tooLong(startLine);
          stopped = true;
          return;
        }
        if (malformedRows.has(r)) {
          if (!header) {
            yield diagnostic(options, {
              code: 'record.malformed',
              message: `The header line ${startLine} has a quote (") that is never closed or is followed by other characters; close the quote or remove it.`,
              line: startLine,
            });
            stopped = true;
            return;
          }
          if (!headerEmitted) yield* emitHeader();
          dataRows++;
          yield diagnostic(options, {
            code: 'record.malformed',
            message: `Row ${dataRows} (line ${startLine}) has a quote (") that is never closed or is followed by other characters; quote the whole field as "…" and double any quote inside it ("").`,
            row: dataRows,
            line: startLine,
          });
          continue;
        }
        if (blank) continue;
        if (!header) {
          header = parseHeader(fields, options, startLine);
          headerLine = startLine;
          if (header.columns.length > limits.maxColumns) {
            yield diagnostic(options, {
              code: 'file.too_large',
              message: `The header has ${header.columns.length} columns, more than the limit of ${limits.maxColumns}; remove the columns the methodology does not need.`,
              line: startLine,
              actual: String(header.columns.length),
              expected: `at most ${limits.maxColumns} columns`,
            });
            stopped = true;
            return;
          }
          continue;
        }
        if (!headerEmitted) {
          const units = unitsRow(fields);
          if (units) {
            const merged = mergeUnits(header, units, options, startLine);
            yield* emitHeader();
            yield* merged;
            continue;
          }
          yield* emitHeader();
        }
        dataRows++;
        const expected = header.columns.length;
        if (fields.length !== expected) {
          yield diagnostic(options, {
            code: 'record.field_count',
            message: `Row ${dataRows} (line ${startLine}) has ${fields.length} fields but the header has ${expected}; add or remove "${delimiter === '\t' ? 'tab' : delimiter}" separators, or quote values that contain one.`,
            row: dataRows,
            line: startLine,
            actual: `${fields.length} fields`,
            expected: `${expected} fields`,
          });
          continue;
        }
        const cells = emptyCells();
        const keys = header.keys;
        for (let i = 0; i < expected; i++) {
          const key = keys[i];
          if (key !== undefined) cells[key] = fields[i] as Cell;
        }
        yield { kind: 'record', row: dataRows, line: startLine, cells };
      }
    };

    const emitHeader = function* (): Generator<ReaderEvent> {
      if (!header || headerEmitted) return;
      headerEmitted = true;
      yield headerEvent(header);
      yield* header.diagnostics;
    };

    /** Parses `pending`; with `final` false the incomplete last record stays in `pending`. */
    const parse = function* (final: boolean): Generator<ReaderEvent> {
      if (!parser) {
        delimiter = detectDelimiter(pending, final);
        if (delimiter === undefined) {
          if (pending.length > limits.maxRecordChars) {
            yield tooLong(line);
            stopped = true;
          }
          return;
        }
        parser = new Papa.Parser({ delimiter, newline: '\n', quoteChar: '"' });
      }
      const result = parser.parse(pending, 0, !final) as PapaResult;
      pending = final ? '' : pending.slice(result.meta.cursor);
      yield* handle(result);
      if (!stopped && pending.length > limits.maxRecordChars) {
        yield tooLong(line);
        stopped = true;
      }
    };

    try {
      for await (let text of decodeUtf8(peeked.chunks)) {
        if (heldCR) text = `\r${text}`;
        heldCR = text.endsWith('\r');
        if (heldCR) text = text.slice(0, -1);
        if (text.indexOf('\r') !== -1) text = text.replace(/\r\n?/g, '\n');
        pending += text;
        yield* parse(false);
        if (stopped) return;
      }
    } catch (error) {
      if (!(error instanceof EncodingError)) throw error;
      yield* emitHeader();
      yield encodingDiagnostic(options, line + countNewlines(pending));
      return;
    }
    if (heldCR) pending += '\n';
    yield* parse(true);
    if (stopped) return;

    if (!header) {
      yield diagnostic(options, { code: 'file.empty', message: 'The file contains only blank lines; upload the file that contains the monitoring data.' });
      return;
    }
    yield* emitHeader();
    if (dataRows === 0) {
      yield diagnostic(options, {
        code: 'file.no_records',
        message: `The file has a header (line ${headerLine}) but no data rows; add the monitoring records below the header.`,
        line: headerLine,
      });
    }
  } finally {
    await peeked.close();
  }
}
