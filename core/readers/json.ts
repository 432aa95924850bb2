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
import type { ByteSource, Cell, ReaderEvent, ReadOptions } from './types.ts';
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

    let headerEmitted = false;
    let waiting: ReaderEvent[] = []; // diagnostics for rows before the first object
    let rows = 0;
    let stopped = false;
    let line = 1;
    let mode: 'unknown' | 'array' | 'ndjson' = 'unknown';

    const emit = function* (event: ReaderEvent): Generator<ReaderEvent> {
      if (headerEmitted) {
        yield event;
        return;
      }
      waiting.push(event);
      if (waiting.length >= MAX_LEADING_REJECTS) {
        yield* waiting;
        waiting = [];
        yield diagnostic(options, {
          code: 'file.unreadable',
          message: `None of the first ${MAX_LEADING_REJECTS} records is a JSON object; the file must be an array of objects ([{"column": value, …}, …]) or one object per line.`,
        });
        stopped = true;
      }
    };

    /** Handles the text of one element (array) or line (NDJSON). */
    const value = function* (text: string, row: number, at: number): Generator<ReaderEvent> {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (error) {
        const why = error instanceof Error ? error.message : String(error);
        yield* emit(
          diagnostic(options, {
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
        yield* emit(
          diagnostic(options, {
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
      const object = parsed as Record<string, unknown>;
      if (!headerEmitted) {
        const header = parseHeader(Object.keys(object), options, at, false);
        headerEmitted = true;
        yield headerEvent(header);
        yield* header.diagnostics;
        yield* waiting;
        waiting = [];
      }
      const cells = emptyCells();
      for (const key of Object.keys(object)) {
        const name = key.trim();
        if (name === '' || name in cells) continue;
        const cell = toCell(object[key]);
        if (cell === undefined) {
          yield diagnostic(options, {
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
    };

    const tooLong = (at: number): ReaderEvent =>
      diagnostic(options, {
        code: 'file.too_large',
        message: `The record starting on line ${at} is longer than ${limits.maxRecordChars} characters (an unterminated string or bracket?); fix the record or split the file.`,
        line: at,
      });

    // --- NDJSON state
    let partialLine = '';
    const ndjsonLine = function* (raw: string): Generator<ReaderEvent> {
      const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (text.length > limits.maxRecordChars) {
        yield tooLong(line);
        stopped = true;
        return;
      }
      if (text.trim() !== '') yield* value(text, ++rows, line);
      line++;
    };

    // --- array state
    type ArrayState = 'open' | 'before' | 'element' | 'closed';
    let state = 'open' as ArrayState;
    let depth = 0;
    let inString = false;
    let escaped = false;
    let parts: string[] = [];
    let partsLen = 0;
    let elementLine = 0;
    let afterClose = false; // non-blank content after the closing ]

    const finishElement = function* (text: string): Generator<ReaderEvent> {
      parts.push(text);
      const element = parts.join('');
      parts = [];
      partsLen = 0;
      if (element.length > limits.maxRecordChars) {
        yield tooLong(elementLine);
        stopped = true;
        return;
      }
      yield* value(element, ++rows, elementLine);
    };

    const arrayChunk = function* (text: string): Generator<ReaderEvent> {
      let start = state === 'element' ? 0 : -1;
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (state === 'element') {
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
            yield* finishElement(text.slice(start, i));
            if (stopped) return;
            state = c === 44 ? 'before' : 'closed';
          } else if (c === 93) depth--;
          continue;
        }
        if (c === 10) {
          line++;
          continue;
        }
        if (c === 32 || c === 9 || c === 13) continue;
        if (state === 'open') {
          state = 'before';
          if (c === 91) continue;
          // Not an array after all (caller checked the first character; defensive).
          yield diagnostic(options, { code: 'file.unreadable', message: 'The JSON file does not start with [; write the records as an array of objects.' });
          stopped = true;
          return;
        }
        if (state === 'closed') {
          afterClose = true;
          stopped = true;
          return;
        }
        if (c === 93 /* ] */) {
          state = 'closed'; // `[]` or a trailing comma `[…,]`
          continue;
        }
        if (c === 44 /* , */) {
          // An empty element `[…,,…]`.
          yield* value('', ++rows, line);
          if (stopped) return;
          continue;
        }
        state = 'element';
        depth = 0;
        inString = false;
        escaped = false;
        elementLine = line;
        start = i;
        i--; // re-read this character in element state
      }
      if (state === 'element') {
        const rest = text.slice(start);
        parts.push(rest);
        partsLen += rest.length;
        if (partsLen > limits.maxRecordChars) {
          yield tooLong(elementLine);
          stopped = true;
        }
      }
    };

    try {
      for await (const text of decodeUtf8(peeked.chunks)) {
        let chunk = text;
        if (mode === 'unknown') {
          const first = chunk.search(/\S/);
          if (first === -1) {
            line += chunk.split('\n').length - 1;
            continue;
          }
          mode = chunk[first] === '[' ? 'array' : 'ndjson';
        }
        if (mode === 'array') {
          yield* arrayChunk(chunk);
        } else {
          chunk = partialLine + chunk;
          let from = 0;
          let nl = chunk.indexOf('\n');
          while (nl !== -1) {
            yield* ndjsonLine(chunk.slice(from, nl));
            if (stopped) return;
            from = nl + 1;
            nl = chunk.indexOf('\n', from);
          }
          partialLine = chunk.slice(from);
          if (partialLine.length > limits.maxRecordChars) {
            yield tooLong(line);
            stopped = true;
          }
        }
        if (stopped) break;
      }
    } catch (error) {
      if (!(error instanceof EncodingError)) throw error;
      yield* waiting;
      yield encodingDiagnostic(options, line);
      return;
    }
    if (afterClose) {
      if (!headerEmitted) yield* waiting;
      yield diagnostic(options, {
        code: 'record.malformed',
        message: `There is content after the closing ] on line ${line}; remove it or put it inside the array.`,
        line,
      });
      return;
    }
    if (stopped) {
      if (!headerEmitted) yield* waiting;
      return;
    }

    if (mode === 'unknown') {
      yield diagnostic(options, { code: 'file.empty', message: 'The file contains only whitespace; upload the file that contains the monitoring data.' });
      return;
    }
    if (mode === 'ndjson' && partialLine !== '') {
      yield* ndjsonLine(partialLine);
      if (stopped) {
        if (!headerEmitted) yield* waiting;
        return;
      }
    }
    if (mode === 'array' && state !== 'closed') {
      if (state === 'element') {
        const text = parts.join('');
        parts = [];
        yield* emit(
          diagnostic(options, {
            code: 'record.malformed',
            message: `Row ${rows + 1} (line ${elementLine}) is cut off: the file ends inside it; upload the complete file.`,
            row: rows + 1,
            line: elementLine,
            actual: shorten(text.trim(), 60),
          }),
        );
        rows++;
      } else {
        yield* emit(
          diagnostic(options, {
            code: 'file.unreadable',
            message: 'The JSON array is not closed with ]; the file may be truncated: upload the complete file.',
            line,
          }),
        );
      }
    }
    if (!headerEmitted) {
      yield { kind: 'header', columns: [] };
      yield* waiting;
    }
    if (rows === 0) {
      yield diagnostic(options, {
        code: 'file.no_records',
        message: 'The file has no records; add the monitoring records (an array of objects, or one object per line).',
      });
    }
  } finally {
    await peeked.close();
  }
}
