/**
 * Helpers shared by the CSV, JSON and XLSX readers: diagnostics, limits, byte sniffing, streaming
 * UTF-8 decoding and header/unit parsing. Pure: no file system, no environment.
 */
import type { Diagnostic, DiagnosticLocation } from '../validation/diagnostic.ts';
import type { DiagnosticCode } from '../validation/codes.ts';
import { DEFAULT_READER_LIMITS } from './types.ts';
import type { ByteSource, Cell, ReaderEvent, ReaderLimits, ReadOptions } from './types.ts';

export const READER_SOURCE = 'core/readers';

/** How many leading bytes are inspected for BOMs, NUL bytes and magic numbers. */
export const SNIFF_BYTES = 4096;

export function resolveLimits(options: ReadOptions): ReaderLimits {
  return { ...DEFAULT_READER_LIMITS, ...options.limits };
}

export interface DiagnosticInit {
  readonly code: DiagnosticCode;
  readonly message: string;
  readonly severity?: Diagnostic['severity'];
  readonly row?: number;
  readonly line?: number;
  readonly column?: string;
  readonly actual?: string;
  readonly expected?: string;
}

/** Builds a `diagnostic` event raised by the readers. */
export function diagnostic(options: ReadOptions, init: DiagnosticInit): ReaderEvent {
  const location: DiagnosticLocation = {
    file: options.fileName,
    ...(init.row !== undefined ? { row: init.row } : {}),
    ...(init.line !== undefined ? { line: init.line } : {}),
    ...(init.column !== undefined ? { column: init.column } : {}),
  };
  const d: Diagnostic = {
    severity: init.severity ?? 'error',
    code: init.code,
    message: init.message,
    source: READER_SOURCE,
    location,
    ...(init.actual !== undefined ? { actual: init.actual } : {}),
    ...(init.expected !== undefined ? { expected: init.expected } : {}),
  };
  return { kind: 'diagnostic', diagnostic: d };
}

/** A fresh cell map without a prototype, so a column called `__proto__` stays a plain key. */
export function emptyCells(): Record<string, Cell> {
  return Object.create(null) as Record<string, Cell>;
}

// ---------------------------------------------------------------------------------------------
// Bytes

export interface PeekedSource {
  /** The first `SNIFF_BYTES` bytes (fewer if the source is shorter). */
  readonly head: Uint8Array;
  /** All bytes, head included, as chunks. Iterate at most once. */
  readonly chunks: AsyncIterable<Uint8Array>;
  /** Releases the source (a Node stream is destroyed) when the reader stops early. Idempotent. */
  close(): Promise<void>;
}

function toBytes(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  throw new TypeError(`ByteSource yielded ${typeof chunk}; expected Uint8Array chunks`);
}

function concat(parts: readonly Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Reads the first bytes of a source for sniffing and hands back an iterable over all bytes.
 * A source that fails while being read (a network error) ends the bytes early; such an I/O error
 * is rethrown, because it is not a problem of the data.
 */
export async function peek(source: ByteSource, want = SNIFF_BYTES): Promise<PeekedSource> {
  const it = source[Symbol.asyncIterator]();
  const parts: Uint8Array[] = [];
  let total = 0;
  let finished = false;
  while (total < want) {
    const next = await it.next();
    if (next.done) {
      finished = true;
      break;
    }
    const bytes = toBytes(next.value);
    if (bytes.length === 0) continue;
    parts.push(bytes);
    total += bytes.length;
  }
  const first = concat(parts, total);
  const head = first.length > want ? first.subarray(0, want) : first;
  // The chunks are handed on as they came (not concatenated), so chunk boundaries stay where the
  // source put them.
  const close = async (): Promise<void> => {
    if (finished) return;
    finished = true;
    await it.return?.();
  };
  const chunks: AsyncIterable<Uint8Array> = {
    async *[Symbol.asyncIterator]() {
      try {
        for (const part of parts.splice(0)) yield part;
        while (!finished) {
          const next = await it.next();
          if (next.done) {
            finished = true;
            break;
          }
          const bytes = toBytes(next.value);
          if (bytes.length > 0) yield bytes;
        }
      } finally {
        await close();
      }
    },
  };
  return { head, chunks, close };
}

export function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  if (bytes.length < magic.length) return false;
  return magic.every((b, i) => bytes[i] === b);
}

/**
 * Checks the leading bytes of a text file. Returns a `file.*` diagnostic when the file is UTF-16 /
 * UTF-32, or binary (NUL bytes), or `undefined` when it may be UTF-8 text.
 */
export function sniffText(head: Uint8Array, options: ReadOptions): ReaderEvent | undefined {
  const utf16 = startsWith(head, [0xff, 0xfe]) || startsWith(head, [0xfe, 0xff]);
  const utf32 = startsWith(head, [0x00, 0x00, 0xfe, 0xff]);
  if (utf16 || utf32) {
    return diagnostic(options, {
      code: 'file.encoding',
      message: `The file starts with a UTF-${utf32 ? '32' : '16'} byte-order mark; save it as UTF-8 (in Excel: "CSV UTF-8") and upload it again.`,
      line: 1,
    });
  }
  let nul = 0;
  let nulEven = 0;
  for (let i = 0; i < head.length; i++) {
    if (head[i] === 0) {
      nul++;
      if (i % 2 === 0) nulEven++;
    }
  }
  if (nul === 0) return undefined;
  // UTF-16 without a BOM: ASCII text has a NUL in every other byte, all at the same parity.
  const oneParity = Math.max(nulEven, nul - nulEven) >= 0.95 * nul;
  if (oneParity && nul >= head.length / 4) {
    return diagnostic(options, {
      code: 'file.encoding',
      message: 'The file looks like UTF-16 text (every other byte is NUL); save it as UTF-8 and upload it again.',
      line: 1,
    });
  }
  return diagnostic(options, {
    code: 'file.unreadable',
    message: `The file contains NUL bytes, so it is binary, not ${options.format.toUpperCase()} text; upload the monitoring data as UTF-8 ${options.format.toUpperCase()}.`,
  });
}

/** Thrown by {@link decodeUtf8} after it has yielded the valid text before the first bad byte. */
export class EncodingError extends Error {
  constructor() {
    super('invalid UTF-8');
  }
}

/**
 * Decodes a byte stream as strict UTF-8, chunk by chunk; the UTF-8 BOM is dropped. At the first
 * invalid byte it yields the valid text before it (so the caller can tell the line) and then throws
 * an {@link EncodingError}.
 */
export async function* decodeUtf8(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<string, void, undefined> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for await (const bytes of chunks) {
    let text: string;
    try {
      text = decoder.decode(bytes, { stream: true });
    } catch {
      const lenient = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
      const bad = lenient.indexOf('\uFFFD');
      if (bad > 0) yield lenient.slice(0, bad);
      throw new EncodingError();
    }
    if (text.length > 0) yield text;
  }
  let tail: string;
  try {
    tail = decoder.decode();
  } catch {
    throw new EncodingError();
  }
  if (tail.length > 0) yield tail;
}

export function encodingDiagnostic(options: ReadOptions, line?: number): ReaderEvent {
  return diagnostic(options, {
    code: 'file.encoding',
    message: `The file is not valid UTF-8${line !== undefined ? ` (first bad byte on line ${line})` : ''}, e.g. Latin-1/Windows-1252 accents; save it as UTF-8 and upload it again.`,
    ...(line !== undefined ? { line } : {}),
  });
}

// ---------------------------------------------------------------------------------------------
// Header and units

const UNIT_SUFFIX = /^(.*?)\s*(?:\[\s*([^\]]*?)\s*\]|\(\s*([^)]*?)\s*\))$/s;

/** `EG_export [kWh]` → `{name:'EG_export', unit:'kWh'}`; names without a bracketed suffix pass through. */
export function splitUnit(raw: string): { name: string; unit?: string } {
  const name = raw.replace(/^\uFEFF/, '').trim();
  const m = UNIT_SUFFIX.exec(name);
  if (m && m[1] !== undefined && m[1].length > 0) {
    const unit = m[2] ?? m[3] ?? '';
    if (unit.length > 0) return { name: m[1], unit };
  }
  return { name };
}

export interface ParsedHeader {
  /** Column names in file order (unit suffix removed, trimmed); empty names stay `''`. */
  readonly columns: string[];
  /** Unit per column name from a `[unit]` / `(unit)` suffix. */
  readonly units: Record<string, string>;
  /** Column index → the name it is stored under in `cells`, or undefined (empty or repeated name). */
  readonly keys: (string | undefined)[];
  readonly diagnostics: ReaderEvent[];
}

/**
 * Parses header cells. Repeated names keep the first column (later ones are reported and not
 * mapped); empty names are reported and not mapped.
 */
export function parseHeader(raw: readonly string[], options: ReadOptions, line: number, withUnits = true): ParsedHeader {
  const columns: string[] = [];
  const units: Record<string, string> = {};
  const keys: (string | undefined)[] = [];
  const diagnostics: ReaderEvent[] = [];
  const seen = new Set<string>();
  raw.forEach((cell, i) => {
    const { name, unit } = withUnits ? splitUnit(cell) : { name: cell.replace(/^\uFEFF/, '').trim(), unit: undefined };
    columns.push(name);
    const position = `column ${i + 1}${columnLetter(i) ? ` (${columnLetter(i)})` : ''}`;
    if (name === '') {
      keys.push(undefined);
      diagnostics.push(
        diagnostic(options, {
          code: 'header.empty_column_name',
          message: `The header has no name in ${position}; name the column or delete it.`,
          line,
        }),
      );
      return;
    }
    if (seen.has(name)) {
      keys.push(undefined);
      diagnostics.push(
        diagnostic(options, {
          code: 'header.duplicate_column',
          message: `The column "${name}" appears more than once (again in ${position}); rename or delete the repeated column. Only the first one is read.`,
          line,
          column: name,
        }),
      );
      return;
    }
    seen.add(name);
    keys.push(name);
    if (unit !== undefined) units[name] = unit;
  });
  return { columns, units, keys, diagnostics };
}

function columnLetter(index: number): string {
  let n = index + 1;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

export const UNITS_MARKER = '#units';
export const UNIT_PREFIX = '#unit:';

/**
 * Decides whether the first data row is a units row and returns the unit per column index.
 *
 * A units row is either
 * - a row whose first cell is exactly `#units`; the other cells are the units of their columns
 *   (an empty cell means "no unit"), or
 * - a row in which every non-empty cell starts with `#unit:` (e.g. `#unit:kWh`) and at least one
 *   does; empty cells mean "no unit".
 *
 * Returns `undefined` when the row is an ordinary record.
 */
export function unitsRow(cells: readonly (Cell | undefined)[]): (string | undefined)[] | undefined {
  const text = cells.map((c) => (typeof c === 'string' ? c.trim() : c === null || c === undefined ? '' : undefined));
  if (text[0] === UNITS_MARKER) {
    return text.map((t, i) => (i === 0 || t === undefined || t === '' ? undefined : t));
  }
  let any = false;
  for (const t of text) {
    if (t === undefined) return undefined;
    if (t === '') continue;
    if (!t.startsWith(UNIT_PREFIX)) return undefined;
    any = true;
  }
  if (!any) return undefined;
  return text.map((t) => {
    const unit = t === undefined || t === '' ? '' : t.slice(UNIT_PREFIX.length).trim();
    return unit === '' ? undefined : unit;
  });
}

/**
 * Merges units from a units row into the header's suffix units. A column stating two different
 * units yields a `header.unknown_unit` diagnostic; the units row wins.
 */
export function mergeUnits(header: ParsedHeader, fromRow: readonly (string | undefined)[], options: ReadOptions, line: number): ReaderEvent[] {
  const out: ReaderEvent[] = [];
  fromRow.forEach((unit, i) => {
    const key = header.keys[i];
    if (unit === undefined || key === undefined) return;
    const before = header.units[key];
    if (before !== undefined && before !== unit) {
      out.push(
        diagnostic(options, {
          code: 'header.unknown_unit',
          message: `The column "${key}" states the unit "${before}" in its name but "${unit}" in the units row; state one unit.`,
          line,
          column: key,
          actual: unit,
          expected: before,
        }),
      );
    }
    header.units[key] = unit;
  });
  return out;
}

export function headerEvent(header: ParsedHeader): ReaderEvent {
  return Object.keys(header.units).length > 0 ? { kind: 'header', columns: header.columns, units: header.units } : { kind: 'header', columns: header.columns };
}

export function isBlank(value: Cell | undefined): boolean {
  return value === null || value === undefined || (typeof value === 'string' && value.trim() === '');
}
