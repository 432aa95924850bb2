/**
 * Streaming JSON / NDJSON reader.
 *
 * The first non-blank character decides the layout, whatever the declared format:
 * - `[` → a JSON array of objects. A small incremental splitter (string/escape state and bracket
 *   depth) cuts out one top-level element at a time, which is then `JSON.parse`d, so a large file
 *   is never parsed (or held) whole. `line` is the line of the element's first character.
 * - anything else → NDJSON: one JSON object per line, blank lines skipped.
 *
 * Every element/line that is not blank consumes a row number, also when it is rejected. The header
 * is the keys of the first object (trimmed); diagnostics about rows before that object follow the
 * header. Cells keep their JSON types; nested objects/arrays become their JSON text, so validation
 * reports them as invalid values. Keys are not parsed for units.
 */
import type { ByteSource, Cell, ReaderEvent, ReaderLimits, ReadOptions } from './types.ts';
import { decodeUtf8, diagnostic, emptyCells, encodingDiagnostic, EncodingError, headerEvent, parseHeader, peek, resolveLimits, sniffText } from './shared.ts';

/** How many rejected rows may precede the first object before the file is declared unreadable. */
const MAX_LEADING_REJECTS = 100;

/** Deepest nesting of a value kept as its JSON text; deeper values are refused (JSON.stringify recurses). */
export const MAX_VALUE_DEPTH = 64;

/** Nesting depth of a parsed JSON value, counted without recursion; stops counting past `limit`. */
function depthOf(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    const depth = d + 1;
    if (depth > deepest) deepest = depth;
    if (deepest > limit) return deepest;
    for (const child of Array.isArray(v) ? v : Object.values(v as Record<string, unknown>))
      if (child !== null && typeof child === 'object') stack.push([child, depth]);
  }
  return deepest;
}

/** A cell, or `undefined` for a value nested too deeply to be shown as text. */
function toCell(value: unknown): Cell | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (depthOf(value, MAX_VALUE_DEPTH) > MAX_VALUE_DEPTH) return undefined;
  return JSON.stringify(value) ?? null;
}

function shorten(s: string, max = 80): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** JSON white space between array elements, line feed aside (it counts lines). */
function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13;
}

type ArrayState = 'open' | 'before' | 'element' | 'closed';

/**
 * The state of one JSON / NDJSON read: text chunks go in ({@link JsonCutter.chunk}), events come out;
 * {@link JsonCutter.end} gives the events that close the file.
 */
class JsonCutter {
  private headerEmitted = false;
  /** Diagnostics for rows before the first object. */
  waiting: ReaderEvent[] = [];
  private rows = 0;
  stopped = false;
  /** Reading ended inside an NDJSON line: nothing more is emitted, not even the waiting diagnostics. */
  private done = false;
  line = 1;
  private mode: 'unknown' | 'array' | 'ndjson' = 'unknown';
  // --- NDJSON state
  private partialLine = '';
  // --- array state
  private state: ArrayState = 'open';
  private depth = 0;
  private inString = false;
  private escaped = false;
  private parts: string[] = [];
  private partsLen = 0;
  private elementLine = 0;
  private afterClose = false; // non-blank content after the closing ]

  constructor(
    private readonly options: ReadOptions,
    private readonly limits: ReaderLimits,
  ) {}

  /** Whether the caller must stop feeding chunks. */
  get ended(): boolean {
    return this.stopped || this.done;
  }

  /** One decoded text chunk; the first non-blank character decides the layout. */
  *chunk(text: string): Generator<ReaderEvent> {
    if (this.mode === 'unknown') {
      const first = text.search(/\S/);
      if (first === -1) {
        this.line += text.split('\n').length - 1;
        return;
      }
      this.mode = text[first] === '[' ? 'array' : 'ndjson';
    }
    if (this.mode === 'array') yield* this.arrayChunk(text);
    else yield* this.ndjsonChunk(text);
  }

  /** The events after the last chunk: a cut-off record, the header of a file with no object, `file.no_records`. */
  *end(): Generator<ReaderEvent> {
    if (this.done) return;
    if (this.afterClose) {
      if (!this.headerEmitted) yield* this.waiting;
      yield diagnostic(this.options, {
        code: 'record.malformed',
        message: `There is content after the closing ] on line ${this.line}; remove it or put it inside the array.`,
        line: this.line,
      });
      return;
    }
    if (this.stopped) {
      if (!this.headerEmitted) yield* this.waiting;
      return;
    }
    if (this.mode === 'unknown') {
      yield diagnostic(this.options, { code: 'file.empty', message: 'The file contains only whitespace; upload the file that contains the monitoring data.' });
      return;
    }
    if (this.mode === 'ndjson' && this.partialLine !== '') {
      yield* this.ndjsonLine(this.partialLine);
      if (this.stopped) {
        if (!this.headerEmitted) yield* this.waiting;
        return;
      }
    }
    if (this.mode === 'array' && this.state !== 'closed') yield* this.unclosedArray();
    yield* this.closing();
  }

  /** The file ends inside the array: inside an element, or before its `]`. */
  private *unclosedArray(): Generator<ReaderEvent> {
    if (this.state === 'element') {
      const text = this.parts.join('');
      this.parts = [];
      yield* this.emit(
        diagnostic(this.options, {
          code: 'record.malformed',
          message: `Row ${this.rows + 1} (line ${this.elementLine}) is cut off: the file ends inside it; upload the complete file.`,
          row: this.rows + 1,
          line: this.elementLine,
          actual: shorten(text.trim(), 60),
        }),
      );
      this.rows++;
    } else {
      yield* this.emit(
        diagnostic(this.options, {
          code: 'file.unreadable',
          message: 'The JSON array is not closed with ]; the file may be truncated: upload the complete file.',
          line: this.line,
        }),
      );
    }
  }

  private *closing(): Generator<ReaderEvent> {
    if (!this.headerEmitted) {
      yield { kind: 'header', columns: [] };
      yield* this.waiting;
    }
    if (this.rows === 0) {
      yield diagnostic(this.options, {
        code: 'file.no_records',
        message: 'The file has no records; add the monitoring records (an array of objects, or one object per line).',
      });
    }
  }

  private *emit(event: ReaderEvent): Generator<ReaderEvent> {
    if (this.headerEmitted) {
      yield event;
      return;
    }
    this.waiting.push(event);
    if (this.waiting.length >= MAX_LEADING_REJECTS) {
      yield* this.waiting;
      this.waiting = [];
      yield diagnostic(this.options, {
        code: 'file.unreadable',
        message: `None of the first ${MAX_LEADING_REJECTS} records is a JSON object; the file must be an array of objects ([{"column": value, …}, …]) or one object per line.`,
      });
      this.stopped = true;
    }
  }

  /** Handles the text of one element (array) or line (NDJSON). */
  private *value(text: string, row: number, at: number): Generator<ReaderEvent> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      yield* this.emit(
        diagnostic(this.options, {
          code: 'record.malformed',
          message: `Row ${row} (line ${at}) is not valid JSON (${shorten(why)}); fix the syntax of this record.`,
          row,
          line: at,
          actual: shorten(text.trim(), 60),
        }),
      );
      return;
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      yield* this.emit(
        diagnostic(this.options, {
          code: 'record.not_an_object',
          message: `Row ${row} (line ${at}) is ${parsed === null ? 'null' : Array.isArray(parsed) ? 'an array' : `a ${typeof parsed}`}, not an object; write each record as {"column": value, …}.`,
          row,
          line: at,
          actual: shorten(text.trim(), 60),
          expected: 'an object',
        }),
      );
      return;
    }
    yield* this.record(parsed as Record<string, unknown>, row, at);
  }

  /** One parsed object: the header (the first object's keys) and waiting diagnostics, then its record. */
  private *record(object: Record<string, unknown>, row: number, at: number): Generator<ReaderEvent> {
    if (!this.headerEmitted) {
      const header = parseHeader(Object.keys(object), this.options, at, false);
      this.headerEmitted = true;
      yield headerEvent(header);
      yield* header.diagnostics;
      yield* this.waiting;
      this.waiting = [];
    }
    const cells = emptyCells();
    for (const key of Object.keys(object)) {
      const name = key.trim();
      if (name === '' || name in cells) continue;
      const cell = toCell(object[key]);
      if (cell === undefined) {
        yield diagnostic(this.options, {
          code: 'record.malformed',
          message: `Row ${row} (line ${at}): the value of ${JSON.stringify(name)} is nested more than ${MAX_VALUE_DEPTH} levels deep; a monitoring value is a number, text or a date, so the record is not read.`,
          row,
          line: at,
          column: name,
        });
        return;
      }
      cells[name] = cell;
    }
    yield { kind: 'record', row, line: at, cells };
  }

  private tooLong(at: number): ReaderEvent {
    return diagnostic(this.options, {
      code: 'file.too_large',
      message: `The record starting on line ${at} is longer than ${this.limits.maxRecordChars} characters (an unterminated string or bracket?); fix the record or split the file.`,
      line: at,
    });
  }

  private *ndjsonChunk(text: string): Generator<ReaderEvent> {
    const chunk = this.partialLine + text;
    let from = 0;
    let nl = chunk.indexOf('\n');
    while (nl !== -1) {
      yield* this.ndjsonLine(chunk.slice(from, nl));
      if (this.stopped) {
        this.done = true;
        return;
      }
      from = nl + 1;
      nl = chunk.indexOf('\n', from);
    }
    this.partialLine = chunk.slice(from);
    if (this.partialLine.length > this.limits.maxRecordChars) {
      yield this.tooLong(this.line);
      this.stopped = true;
    }
  }

  private *ndjsonLine(raw: string): Generator<ReaderEvent> {
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (text.length > this.limits.maxRecordChars) {
      yield this.tooLong(this.line);
      this.stopped = true;
      return;
    }
    if (text.trim() !== '') yield* this.value(text, ++this.rows, this.line);
    this.line++;
  }

  private *finishElement(text: string): Generator<ReaderEvent> {
    this.parts.push(text);
    const element = this.parts.join('');
    this.parts = [];
    this.partsLen = 0;
    if (element.length > this.limits.maxRecordChars) {
      yield this.tooLong(this.elementLine);
      this.stopped = true;
      return;
    }
    yield* this.value(element, ++this.rows, this.elementLine);
  }

  /**
   * Scans an element from `text[from]` on (string/escape state and bracket depth, lines counted):
   * the index of the `,` or `]` that ends it at depth 0, or -1 when the chunk ends first.
   */
  private scanElement(text: string, from: number): number {
    let depth = this.depth;
    let inString = this.inString;
    let escaped = this.escaped;
    let line = this.line;
    let end = -1;
    for (let i = from; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (inString) {
        if (escaped) escaped = false;
        else if (c === 92 /* \ */) escaped = true;
        else if (c === 34 /* " */) inString = false;
        else if (c === 10) line++;
        continue;
      }
      if (c === 34) inString = true;
      else if (c === 123 /* { */ || c === 91 /* [ */) depth++;
      else if (c === 125 /* } */) depth = Math.max(0, depth - 1);
      else if (c === 10) line++;
      else if (depth === 0 && (c === 44 /* , */ || c === 93) /* ] */) {
        end = i;
        break;
      } else if (c === 93) depth--;
    }
    this.depth = depth;
    this.inString = inString;
    this.escaped = escaped;
    this.line = line;
    return end;
  }

  private startElement(): void {
    this.state = 'element';
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
    this.elementLine = this.line;
  }

  private *arrayChunk(text: string): Generator<ReaderEvent> {
    let start = this.state === 'element' ? 0 : -1;
    for (let i = 0; i < text.length; i++) {
      if (this.state === 'element') {
        const end = this.scanElement(text, i);
        if (end === -1) break;
        yield* this.finishElement(text.slice(start, end));
        if (this.stopped) return;
        this.state = text.charCodeAt(end) === 44 ? 'before' : 'closed';
        i = end;
        continue;
      }
      const c = text.charCodeAt(i);
      if (c === 10) {
        this.line++;
        continue;
      }
      if (isSpace(c)) continue;
      if (this.state === 'open') {
        this.state = 'before';
        if (c === 91) continue;
        // Not an array after all (caller checked the first character; defensive).
        yield diagnostic(this.options, { code: 'file.unreadable', message: 'The JSON file does not start with [; write the records as an array of objects.' });
        this.stopped = true;
        return;
      }
      if (this.state === 'closed') {
        this.afterClose = true;
        this.stopped = true;
        return;
      }
      if (c === 93 /* ] */) {
        this.state = 'closed'; // `[]` or a trailing comma `[…,]`
        continue;
      }
      if (c === 44 /* , */) {
        // An empty element `[…,,…]`.
        yield* this.value('', ++this.rows, this.line);
        if (this.stopped) return;
        continue;
      }
      this.startElement();
      start = i;
      i--; // re-read this character in element state
    }
    if (this.state === 'element') yield* this.keepPart(text.slice(start));
  }

  /** The part of an element that the chunk ends inside, kept for the next chunk (bounded by `maxRecordChars`). */
  private *keepPart(rest: string): Generator<ReaderEvent> {
    this.parts.push(rest);
    this.partsLen += rest.length;
    if (this.partsLen > this.limits.maxRecordChars) {
      yield this.tooLong(this.elementLine);
      this.stopped = true;
    }
  }
}

/** Reads a JSON array or NDJSON byte stream into header, record and diagnostic events. Never throws on bad data. */
export async function* readJson(source: ByteSource, options: ReadOptions): AsyncGenerator<ReaderEvent> {
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
    const cutter = new JsonCutter(options, limits);
    try {
      for await (const text of decodeUtf8(peeked.chunks)) {
        yield* cutter.chunk(text);
        if (cutter.ended) break;
      }
    } catch (error) {
      if (!(error instanceof EncodingError)) throw error;
      yield* cutter.waiting;
      yield encodingDiagnostic(options, cutter.line);
      return;
    }
    yield* cutter.end();
  } finally {
    await peeked.close();
  }
}
