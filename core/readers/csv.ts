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
 *
 * Fast path: after the header, blocks of complete lines that are pure ASCII with no quote and no
 * lone CR are cut directly in the bytes instead (see {@link pumpCsv}); the events are identical
 * (test/unit/core/perf/csv-fast-path.test.ts).
 */
import { isAscii } from 'node:buffer';
import Papa from 'papaparse';
import type { ByteSource, Cell, ReaderEvent, ReaderLimits, ReadOptions } from './types.ts';
import {
  diagnostic,
  emptyCells,
  encodingDiagnostic,
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

/**
 * Receives the reader's output in file order, synchronously while the bytes are cut (see
 * {@link pumpCsv}). `row` is offered each data record of a fast block (see below) before a record
 * event is built for it: returning true consumes it, false asks for the ordinary `record` event.
 */
export interface CsvSink {
  event(event: ReaderEvent): void;
  /**
   * A data record with exactly as many fields as the header, none quoted, from pure-ASCII bytes:
   * field `i` is `bytes[starts[i] .. ends[i])` (a trailing CR of a CRLF line break is excluded).
   * `starts` and `ends` are reused for the next record.
   */
  row?(row: number, line: number, bytes: Uint8Array, starts: Int32Array, ends: Int32Array): boolean;
  /**
   * Asked after each source chunk (and at the end): a promise makes the reader wait for it before
   * it reads on (the engine loads core/units when a header states a unit to convert).
   */
  pause?(): Promise<void> | undefined;
}

export interface CsvPumpOptions {
  /**
   * Cut quote-free, pure-ASCII blocks of complete lines with the byte tokenizer (default true);
   * false sends every byte through strict UTF-8 decoding and papaparse (the general path). Both give
   * identical events (test/unit/core/perf/csv-fast-path.test.ts).
   */
  readonly fast?: boolean;
}

/**
 * Switch for the fast path of {@link pumpCsv} as the engine uses it (core/calculation/calculate.ts).
 * On by default; the CLI turns it off for `MRV_CSV_FAST=0` (core reads no environment) (to compare with the general path), and the
 * equivalence tests flip it.
 */
export const csvFastPath = { enabled: true };

const NL = 10;
const CR = 13;
const QUOTE = 34;
/** Bytes held back while waiting for a line break before they go to the general path anyway. */
const MAX_CARRY = 1 << 20;
const latin1 = new TextDecoder('latin1');

function isAsciiBytes(bytes: Uint8Array): boolean {
  return isAscii(bytes);
}

/**
 * Reads a CSV byte stream and pushes header, record and diagnostic events into `sink`, in file
 * order. Never throws on bad data (an I/O error of the source is rethrown).
 *
 * Two paths cut the bytes, with identical results:
 * - the general path decodes strict UTF-8, normalises line breaks and parses with papaparse;
 * - the fast path takes over once the header (and units row) is read, for each block of complete
 *   lines that is pure ASCII, has no `"` and no lone CR, and while papaparse holds no partial
 *   record: it splits lines at `\n` and fields at the delimiter directly in the bytes, with no
 *   decoding and no per-field strings unless a record event is wanted. Any other block (a quote,
 *   non-ASCII text, an over-long record) goes to the general path.
 */
export async function pumpCsv(source: ByteSource, options: ReadOptions, sink: CsvSink, pumpOptions: CsvPumpOptions = {}): Promise<void> {
  for await (const batch of csvBatches(source, options, sink, pumpOptions)) for (const e of batch) sink.event(e);
}

/** Reads a CSV byte stream into header, record and diagnostic events. Never throws on bad data. */
export async function* readCsv(source: ByteSource, options: ReadOptions, pumpOptions: CsvPumpOptions = {}): AsyncGenerator<ReaderEvent> {
  for await (const batch of csvBatches(source, options, { event: () => {} }, pumpOptions)) yield* batch;
}

/**
 * The reader itself. Events go to `sink.event` while a fast block is cut when `sink.row` is given
 * (so they interleave with the rows it takes, in file order); otherwise they are collected and
 * yielded once per source chunk.
 */
async function* csvBatches(source: ByteSource, options: ReadOptions, sink: CsvSink, pumpOptions: CsvPumpOptions): AsyncGenerator<ReaderEvent[]> {
  const fast = pumpOptions.fast ?? csvFastPath.enabled;
  const direct = sink.row !== undefined;
  let out: ReaderEvent[] = [];
  const emit = direct ? (e: ReaderEvent) => sink.event(e) : (e: ReaderEvent) => void out.push(e);
  const flush = function* (): Generator<ReaderEvent[]> {
    if (out.length > 0) {
      const batch = out;
      out = [];
      yield batch;
    }
  };
  const peeked = await peek(source);
  try {
    if (peeked.head.length === 0) {
      emit(diagnostic(options, { code: 'file.empty', message: 'The file is empty (0 bytes); upload the file that contains the monitoring data.' }));
      yield* flush();
      return;
    }
    const sniffed = sniffText(peeked.head, options);
    if (sniffed) {
      emit(sniffed);
      yield* flush();
      return;
    }
    const cutter = new CsvCutter(options, sink, fast, emit);
    for await (const chunk of peeked.chunks) {
      cutter.step(chunk);
      yield* flush();
      if (cutter.stopped) return;
      const wait = sink.pause?.();
      if (wait) await wait;
    }
    cutter.finish();
    yield* flush();
  } finally {
    await peeked.close();
  }
}

/**
 * The state of one CSV read after the sniffing: byte chunks go in ({@link CsvCutter.step}, then
 * {@link CsvCutter.finish}), events go to `emit` and fast rows to `sink.row`.
 */
class CsvCutter {
  /** Reading must end (a limit, an encoding error, a malformed header). */
  stopped = false;
  private readonly limits: ReaderLimits;
  private pending = ''; // decoded, newline-normalised text not yet cut into records
  private heldCR = false; // a chunk ended in '\r': wait for the next one to see whether '\n' follows
  private delimiter: Delimiter | undefined;
  private delimiterByte = 44;
  private parser: Papa.Parser | undefined;
  private line = 1; // physical line where the first record in `pending` starts
  private header: ParsedHeader | undefined;
  private headerLine = 0;
  private headerEmitted = false;
  private dataRows = 0;
  private lastFed = -1; // last byte handed to the general path's decoder
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private starts = new Int32Array(0);
  private ends = new Int32Array(0);
  private carry: Uint8Array | undefined;

  constructor(
    private readonly options: ReadOptions,
    private readonly sink: CsvSink,
    private readonly fast: boolean,
    private readonly emit: (e: ReaderEvent) => void,
  ) {
    this.limits = resolveLimits(options);
  }

  /** One source chunk: complete lines go to the fast or the general path, a trailing partial line waits in `carry`. */
  step(chunk: Uint8Array): void {
    let bytes = chunk;
    if (this.carry) {
      const joined = new Uint8Array(this.carry.length + chunk.length);
      joined.set(this.carry, 0);
      joined.set(chunk, this.carry.length);
      bytes = joined;
      this.carry = undefined;
    }
    const lastNl = bytes.lastIndexOf(NL);
    if (lastNl === -1) {
      if (bytes.length > MAX_CARRY || !this.fast) this.feedText(bytes);
      else this.carry = bytes;
      return;
    }
    const end = lastNl + 1;
    if (this.fastBlock(bytes, end)) {
      const at = this.fastLines(bytes, end);
      if (at < end) this.feedText(bytes.subarray(at, end));
    } else this.feedText(bytes.subarray(0, end));
    if (!this.stopped && end < bytes.length) this.carry = bytes.slice(end);
  }

  /** After the last chunk: the rest of the text, then `file.empty` or `file.no_records` when they apply. */
  finish(): void {
    if (this.carry) this.feedText(this.carry);
    if (this.stopped) return;
    try {
      const tail = this.decoder.decode();
      if (tail.length > 0) this.pending += tail;
    } catch {
      this.emitHeader();
      this.emit(encodingDiagnostic(this.options, this.line + countNewlines(this.pending)));
      return;
    }
    if (this.heldCR) this.pending += '\n';
    this.parse(true);
    if (this.stopped) return;
    if (!this.header) {
      this.emit(
        diagnostic(this.options, { code: 'file.empty', message: 'The file contains only blank lines; upload the file that contains the monitoring data.' }),
      );
      return;
    }
    this.emitHeader();
    if (this.dataRows === 0) {
      this.emit(
        diagnostic(this.options, {
          code: 'file.no_records',
          message: `The file has a header (line ${this.headerLine}) but no data rows; add the monitoring records below the header.`,
          line: this.headerLine,
        }),
      );
    }
  }

  private stop(event: ReaderEvent): void {
    this.emit(event);
    this.stopped = true;
  }

  private tooLong(startLine: number): ReaderEvent {
    return diagnostic(this.options, {
      code: 'file.too_large',
      message: `The record starting on line ${startLine} is longer than ${this.limits.maxRecordChars} characters (an unterminated quote or a missing line break?); fix the record or split the file.`,
      line: startLine,
    });
  }

  private fieldCount(startLine: number, count: number, expected: number): ReaderEvent {
    const delimiter = this.delimiter;
    return diagnostic(this.options, {
      code: 'record.field_count',
      message: `Row ${this.dataRows} (line ${startLine}) has ${count} fields but the header has ${expected}; add or remove "${delimiter === '\t' ? 'tab' : delimiter}" separators, or quote values that contain one.`,
      row: this.dataRows,
      line: startLine,
      actual: `${count} fields`,
      expected: `${expected} fields`,
    });
  }

  private emitHeader(): void {
    const header = this.header;
    if (!header || this.headerEmitted) return;
    this.headerEmitted = true;
    this.emit(headerEvent(header));
    for (const d of header.diagnostics) this.emit(d);
  }

  /** Turns parsed rows into events; sets `stopped` when reading must end. */
  private handle(result: PapaResult): void {
    const malformedRows = new Set<number>();
    for (const e of result.errors) {
      if ((e.code === 'MissingQuotes' || e.code === 'InvalidQuotes') && e.row !== undefined) malformedRows.add(e.row);
    }
    const rows = result.data;
    for (let r = 0; r < rows.length; r++) {
      this.handleRow(rows[r]!, malformedRows.has(r));
      if (this.stopped) return;
    }
  }

  /** One record of the general path: counts its lines, then a malformed row, a blank row, the header, the units row or a data row. */
  private handleRow(fields: string[], malformed: boolean): void {
    const startLine = this.line;
    let chars = fields.length;
    let blank = true;
    for (const f of fields) {
      chars += f.length;
      if (f.length > 0 && f.indexOf('\n') !== -1) this.line += countNewlines(f);
      if (blank && f.length > 0 && f.trim() !== '') blank = false;
    }
    this.line += 1;
    if (chars > this.limits.maxRecordChars) this.stop(this.tooLong(startLine));
    else if (malformed) this.malformedRow(startLine);
    else if (blank) return;
    else if (!this.header) this.headerRow(fields, startLine);
    else if (this.headerEmitted || !this.takeUnitsRow(this.header, fields, startLine)) this.dataRow(this.header, fields, startLine);
  }

  private malformedRow(startLine: number): void {
    if (!this.header) {
      this.stop(
        diagnostic(this.options, {
          code: 'record.malformed',
          message: `The header line ${startLine} has a quote (") that is never closed or is followed by other characters; close the quote or remove it.`,
          line: startLine,
        }),
      );
      return;
    }
    if (!this.headerEmitted) this.emitHeader();
    this.dataRows++;
    this.emit(
      diagnostic(this.options, {
        code: 'record.malformed',
        message: `Row ${this.dataRows} (line ${startLine}) has a quote (") that is never closed or is followed by other characters; quote the whole field as "…" and double any quote inside it ("").`,
        row: this.dataRows,
        line: startLine,
      }),
    );
  }

  private headerRow(fields: string[], startLine: number): void {
    const header = parseHeader(fields, this.options, startLine);
    this.header = header;
    this.headerLine = startLine;
    const max = this.limits.maxColumns;
    if (header.columns.length > max) {
      this.stop(
        diagnostic(this.options, {
          code: 'file.too_large',
          message: `The header has ${header.columns.length} columns, more than the limit of ${max}; remove the columns the methodology does not need.`,
          line: startLine,
          actual: String(header.columns.length),
          expected: `at most ${max} columns`,
        }),
      );
    }
  }

  /** The row after the header, before it is emitted: a units row merges into the header (true), anything else emits the header (false). */
  private takeUnitsRow(header: ParsedHeader, fields: string[], startLine: number): boolean {
    const units = unitsRow(fields);
    if (!units) {
      this.emitHeader();
      return false;
    }
    const merged = mergeUnits(header, units, this.options, startLine);
    this.emitHeader();
    for (const d of merged) this.emit(d);
    return true;
  }

  private dataRow(header: ParsedHeader, fields: string[], startLine: number): void {
    this.dataRows++;
    const expected = header.columns.length;
    if (fields.length !== expected) {
      this.emit(this.fieldCount(startLine, fields.length, expected));
      return;
    }
    const cells = emptyCells();
    const keys = header.keys;
    for (let i = 0; i < expected; i++) {
      const key = keys[i];
      if (key !== undefined) cells[key] = fields[i] as Cell;
    }
    this.emit({ kind: 'record', row: this.dataRows, line: startLine, cells });
  }

  /** Parses `pending`; with `final` false the incomplete last record stays in `pending`. */
  private parse(final: boolean): void {
    if (!this.parser) {
      const delimiter = detectDelimiter(this.pending, final);
      this.delimiter = delimiter;
      if (delimiter === undefined) {
        if (this.pending.length > this.limits.maxRecordChars) this.stop(this.tooLong(this.line));
        return;
      }
      this.delimiterByte = delimiter.charCodeAt(0);
      this.parser = new Papa.Parser({ delimiter, newline: '\n', quoteChar: '"' });
    }
    const result = this.parser.parse(this.pending, 0, !final) as PapaResult;
    this.pending = final ? '' : this.pending.slice(result.meta.cursor);
    this.handle(result);
    if (!this.stopped && this.pending.length > this.limits.maxRecordChars) this.stop(this.tooLong(this.line));
  }

  /** The general path for some bytes: strict UTF-8, line-break normalisation, papaparse. An encoding error is reported and stops reading. */
  private feedText(bytes: Uint8Array): void {
    if (this.stopped || bytes.length === 0) return;
    this.lastFed = bytes[bytes.length - 1]!;
    let text: string;
    let bad = false;
    try {
      text = this.decoder.decode(bytes, { stream: true });
    } catch {
      const lenient = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
      const at = lenient.indexOf('\uFFFD');
      text = at > 0 ? lenient.slice(0, at) : '';
      bad = true;
    }
    if (text.length > 0) {
      if (this.heldCR) text = `\r${text}`;
      this.heldCR = text.endsWith('\r');
      if (this.heldCR) text = text.slice(0, -1);
      if (text.indexOf('\r') !== -1) text = text.replace(/\r\n?/g, '\n');
      this.pending += text;
      this.parse(false);
    }
    if (bad && !this.stopped) {
      this.emitHeader();
      this.stop(encodingDiagnostic(this.options, this.line + countNewlines(this.pending)));
    }
  }

  /** Whether `bytes[0 .. end)` may take the fast path. */
  private fastBlock(bytes: Uint8Array, end: number): boolean {
    if (!this.fast || !this.headerEmitted || !this.header || this.pending !== '' || this.heldCR || (this.lastFed !== -1 && this.lastFed !== NL)) return false;
    const block = bytes.subarray(0, end);
    if (block.indexOf(QUOTE) !== -1 || !isAsciiBytes(block)) return false;
    for (let cr = block.indexOf(CR); cr !== -1; cr = block.indexOf(CR, cr + 1)) if (block[cr + 1] !== NL) return false;
    return true;
  }

  /**
   * The fast path for `bytes[0 .. end)`, complete lines ending in `\n`, pure ASCII, no quote, no
   * lone CR. Returns where it stopped: `end`, or the start of a line it leaves to the general path.
   */
  private fastLines(bytes: Uint8Array, end: number): number {
    const h = this.header!;
    const expected = h.columns.length;
    if (this.starts.length < expected + 1) {
      this.starts = new Int32Array(expected + 1);
      this.ends = new Int32Array(expected + 1);
    }
    const starts = this.starts;
    const ends = this.ends;
    const keys = h.keys;
    const d = this.delimiterByte;
    const sink = this.sink;
    const rowSink = sink.row;
    const maxRecordChars = this.limits.maxRecordChars;
    let ls = 0;
    while (ls < end) {
      // One pass over the line: fields end at the delimiter, the line at \n (bytes[end - 1]).
      let count = 0;
      let fs = ls;
      let i = ls;
      let c = bytes[i]!;
      while (c !== NL) {
        if (c === d) {
          if (count < expected) {
            starts[count] = fs;
            ends[count] = i;
          }
          count++;
          fs = i + 1;
        }
        c = bytes[++i]!;
      }
      const nl = i;
      const le = nl > ls && bytes[nl - 1] === CR ? nl - 1 : nl;
      // papaparse counts fields + characters; here every character is one byte.
      if (le - ls + 1 > maxRecordChars) return ls;
      if (count < expected) {
        starts[count] = fs;
        ends[count] = le;
      }
      count++;
      const startLine = this.line;
      this.line++;
      if (isBlankLine(bytes, ls, le, d)) {
        ls = nl + 1;
        continue;
      }
      ls = nl + 1;
      this.dataRows++;
      if (count !== expected) {
        this.emit(this.fieldCount(startLine, count, expected));
        continue;
      }
      if (rowSink && rowSink.call(sink, this.dataRows, startLine, bytes, starts, ends)) continue;
      const cells = emptyCells();
      for (let i = 0; i < expected; i++) {
        const key = keys[i];
        if (key !== undefined) cells[key] = latin1.decode(bytes.subarray(starts[i]!, ends[i]!));
      }
      this.emit({ kind: 'record', row: this.dataRows, line: startLine, cells });
    }
    return end;
  }
}

/** Blank: every byte of `bytes[ls .. le)` is white space or the delimiter `d` (papaparse: every field trims to ''). */
function isBlankLine(bytes: Uint8Array, ls: number, le: number, d: number): boolean {
  const c0 = bytes[ls]!;
  if (c0 !== d && c0 !== 32 && (c0 < 9 || c0 > 13)) return false;
  for (let k = ls; k < le; k++) {
    const b = bytes[k]!;
    if (b !== d && b !== 32 && (b < 9 || b > 13)) return false;
  }
  return true;
}
