/**
 * A large CSV file calculated in byte ranges: `mrv calc` runs the ranges in worker threads, the
 * Distributed Map path of the pipeline in range-worker Lambdas. Everything here is pure (no file
 * system, no network): the caller reads the bytes it is asked for and hands them over.
 *
 * 1. {@link planSplit} reads the head of the file: the header line (and a units row) that every range
 *    is read with, and where to look for the n − 1 cuts (windows around evenly spaced targets).
 * 2. {@link cutRanges} reads those windows: each cut is placed just after the first line break at or
 *    after its target, so a range starts after its first newline and finishes the line that crosses
 *    its end. A quoted field may hide a line break, so a `"` (or a lone CR line break) anywhere in a
 *    window, or in the header, makes the split unsafe: the caller then reads the file in one pass.
 * 3. {@link calculateRange} calculates one range as if it were a file (the prefix, then its bytes) and
 *    returns its partial result (core/calculation/partial.ts) with the counts the next ranges need.
 * 4. {@link mergeRanges} renumbers each range's diagnostics to rows and lines of the whole file, drops
 *    the header's diagnostics that every range repeats, and says whether the split result can stand;
 *    `calculateMerged` then merges the partials with the same code a monitoring report uses
 *    (mergePartials) and runs the period equations once.
 *
 * When a split result cannot stand, the caller calculates the file in one pass instead, so that the
 * report is the one-pass report: a range ended by a file-level fault (an encoding error, a record
 * over the size limit: one pass stops reading there), a malformed record (an unbalanced quote may
 * hide a line break beyond the windows), or a reading present in two ranges (one pass rejects the
 * second row by its row number; partial sums cannot un-count it).
 */
import type { Diagnostic } from '../validation/diagnostic.ts';
import type { ByteSource } from '../readers/types.ts';
import { detectDelimiter } from '../readers/csv.ts';
import { unitsRow } from '../readers/shared.ts';
import { calculate, type CalculateInput } from './calculate.ts';
import { mergePartials, type PartialResult } from './partial.ts';

/** Bytes `[start, end)` of the file. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/** Why a file is read in one pass rather than split. */
export interface Unsafe {
  readonly unsafe: string;
}

export interface SplitPlan {
  readonly size: number;
  /** Bytes `[0, prefixEnd)`: the header line, and the units row under it if there is one; every range is read after them. */
  readonly prefixEnd: number;
  /** Physical lines in the prefix. */
  readonly prefixLines: number;
  /** Where each of the n − 1 cuts should fall (a line break at or after it)… */
  readonly targets: readonly number[];
  /** …and the bytes around it the caller reads for {@link cutRanges}. */
  readonly windows: readonly ByteRange[];
}

/** How many bytes around each cut must be free of `"` and lone CR line breaks (on each side). */
export const SPLIT_WINDOW_BYTES = 64 * 1024;
/** How much of the file's start {@link planSplit} needs at most (the header and a units row). */
export const SPLIT_HEAD_BYTES = 256 * 1024;

const NL = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8');

/** The first problem of `bytes` for a cut: a quote or a CR that is not part of CRLF. */
function hazard(bytes: Uint8Array): string | undefined {
  if (bytes.indexOf(QUOTE) !== -1) return 'a quote (") that may hide a line break';
  for (let i = bytes.indexOf(CR); i !== -1; i = bytes.indexOf(CR, i + 1))
    if (i + 1 < bytes.length && bytes[i + 1] !== NL) return 'a line break made of CR alone';
  return undefined;
}

const isBlank = (bytes: Uint8Array) => latin1.decode(bytes).trim() === '';

/**
 * Plans a split of a CSV file of `size` bytes into `ranges` byte ranges, from its first bytes
 * (`head`, up to {@link SPLIT_HEAD_BYTES}). Returns why not when the file cannot be split safely.
 */
export function planSplit(head: Uint8Array, size: number, ranges: number, window = SPLIT_WINDOW_BYTES): SplitPlan | Unsafe {
  if (!Number.isInteger(ranges) || ranges < 2) return { unsafe: 'one range was asked for' };
  if (head.length >= 2 && ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)))
    return { unsafe: 'the file is not UTF-8 (a UTF-16 byte-order mark)' };
  if (head.indexOf(0) !== -1) return { unsafe: 'the file has NUL bytes (not UTF-8 text)' };
  // The header: the first non-blank line; the units row: the next non-blank line, if it is one.
  const lines: ByteRange[] = [];
  for (let at = 0; lines.length < 2; ) {
    const nl = head.indexOf(NL, at);
    if (nl === -1) return { unsafe: 'the header (and units row) is not complete in the first bytes' };
    const line = head.subarray(at, nl + 1);
    if (!isBlank(line)) lines.push({ start: at, end: nl + 1 });
    at = nl + 1;
  }
  const [header, second] = lines as [ByteRange, ByteRange];
  const headerBytes = head.subarray(0, header.end);
  const problem = hazard(headerBytes);
  if (problem) return { unsafe: `the header has ${problem}` };
  const headerText = utf8.decode(head.subarray(header.start, header.end));
  const delimiter = detectDelimiter(headerText, true) ?? ',';
  const secondBytes = head.subarray(second.start, second.end);
  if (hazard(secondBytes)) return { unsafe: 'the first row under the header has a quote (")' };
  const isUnits =
    unitsRow(
      utf8
        .decode(secondBytes)
        .replace(/\r?\n$/, '')
        .split(delimiter),
    ) !== undefined;
  const prefixEnd = isUnits ? second.end : header.end;
  let prefixLines = 0;
  for (let i = head.indexOf(NL); i !== -1 && i < prefixEnd; i = head.indexOf(NL, i + 1)) prefixLines++;
  const body = size - prefixEnd;
  if (body < ranges * 2) return { unsafe: 'the file is too small to split' };
  const targets: number[] = [];
  const windows: ByteRange[] = [];
  for (let i = 1; i < ranges; i++) {
    const t = prefixEnd + Math.round((i * body) / ranges);
    targets.push(t);
    windows.push({ start: Math.max(prefixEnd, t - window), end: Math.min(size, t + window) });
  }
  return { size, prefixEnd, prefixLines, targets, windows };
}

/**
 * Places the cuts of a plan, given the bytes of its windows (in order). Each cut falls just after the
 * first line break at or after its target; a window with a quote or a lone CR makes the split unsafe.
 * Ranges that would be empty are dropped (fewer ranges, never a wrong one).
 */
export function cutRanges(plan: SplitPlan, windowBytes: readonly Uint8Array[]): { readonly ranges: readonly ByteRange[] } | Unsafe {
  if (windowBytes.length !== plan.windows.length) return { unsafe: 'the windows read do not match the plan' };
  const cuts: number[] = [];
  for (let i = 0; i < plan.targets.length; i++) {
    const w = plan.windows[i]!;
    const bytes = windowBytes[i]!;
    if (bytes.length !== w.end - w.start) return { unsafe: `the window at byte ${w.start} could not be read whole` };
    const problem = hazard(bytes);
    if (problem) return { unsafe: `the bytes around ${plan.targets[i]} have ${problem}` };
    const nl = bytes.indexOf(NL, plan.targets[i]! - w.start);
    if (nl === -1) {
      if (w.end === plan.size) continue; // the last line: no cut here
      return { unsafe: `no line break within ${w.end - plan.targets[i]!} bytes after byte ${plan.targets[i]}` };
    }
    const cut = w.start + nl + 1;
    if (cut < plan.size && cut > (cuts[cuts.length - 1] ?? plan.prefixEnd)) cuts.push(cut);
  }
  const bounds = [plan.prefixEnd, ...cuts, plan.size];
  return { ranges: bounds.slice(1).map((end, i) => ({ start: bounds[i]!, end })) };
}

export interface RangeInput extends Omit<CalculateInput, 'source' | 'format' | 'archiveTail' | 'onProgress' | 'onPartial' | 'onTimeConvention'> {
  /** The file's bytes `[0, plan.prefixEnd)`: header (and units row). */
  readonly prefix: Uint8Array;
  /** Lines in the prefix ({@link SplitPlan.prefixLines}). */
  readonly prefixLines: number;
  /** The range's own bytes, `[range.start, range.end)` of the file. */
  readonly body: ByteSource;
  readonly range: ByteRange;
  /** Position of the range in the file (0 for the first). */
  readonly index: number;
}

/** One range's contribution: JSON-serialisable (it crosses a thread or a Lambda boundary). */
export interface RangeResult {
  readonly index: number;
  readonly range: ByteRange;
  readonly partial: PartialResult;
  /** Data rows the reader numbered in the range (blank lines take no number). */
  readonly rows: number;
  /** Physical lines of the range's bytes (CRLF and lone CR count once each, as the reader counts them). */
  readonly lines: number;
  readonly prefixLines: number;
  /** The timestamp convention of the range's first reading (a file keeps one: with offsets, or local times). */
  readonly timeConvention?: 'local' | 'offset';
}

/** Counts line breaks as the CSV reader does: LF, CRLF and lone CR once each. */
class LineCounter {
  lines = 0;
  private heldCR = false;
  add(b: Uint8Array): void {
    let start = 0;
    if (this.heldCR) {
      this.heldCR = false;
      this.lines++; // the CR of the last chunk, with or without its LF
      if (b[0] === NL) start = 1;
    }
    for (let i = b.indexOf(NL, start); i !== -1; i = b.indexOf(NL, i + 1)) this.lines++;
    for (let i = b.indexOf(CR, start); i !== -1; i = b.indexOf(CR, i + 1)) {
      if (i + 1 === b.length) this.heldCR = true;
      else if (b[i + 1] !== NL) this.lines++;
    }
  }
  end(): number {
    if (this.heldCR) this.lines++;
    this.heldCR = false;
    return this.lines;
  }
}

/** Calculates one byte range of a CSV file: its rows as a partial result (no period equations). */
export async function calculateRange(input: RangeInput): Promise<RangeResult> {
  const { prefix, prefixLines, body, range, index, ...rest } = input;
  const counter = new LineCounter();
  async function* source(): AsyncGenerator<Uint8Array> {
    yield prefix;
    for await (const chunk of body) {
      const b = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk;
      counter.add(b);
      yield b;
    }
  }
  let partial: PartialResult | undefined;
  let timeConvention: 'local' | 'offset' | undefined;
  await calculate({ ...rest, source: source(), format: 'csv', onPartial: (p) => (partial = p), onTimeConvention: (c) => (timeConvention = c) });
  const lines = counter.end();
  if (!partial) throw new Error(`range ${index} of ${input.fileName} gave no partial result`);
  // The part keeps the SHA-256 of what the range was read as (prefix + range): calculateMerged names a merged file by
  // the SHA-256 of its parts' SHA-256s. The CLI replaces that with the file's own SHA-256 (it can read the whole file).
  return {
    index,
    range,
    partial: { ...partial, parts: [{ ...partial.parts[0]!, name: `${input.fileName} [bytes ${range.start}-${range.end})`, bytes: range.end - range.start }] },
    rows: partial.rows.total,
    lines,
    prefixLines,
    ...(timeConvention ? { timeConvention } : {}),
  };
}

/** Row and line numbers of a range's diagnostic, as numbers of the whole file. */
function renumber(d: Diagnostic, rowOffset: number, lineOffset: number): Diagnostic {
  const loc = d.location;
  if (!loc || (rowOffset === 0 && lineOffset === 0) || (loc.row === undefined && loc.line === undefined)) return d;
  let message = d.message;
  if (loc.row !== undefined) message = message.replace(/\bRow (\d+)\b/g, (m, n: string) => (Number(n) === loc.row ? `Row ${loc.row + rowOffset}` : m));
  if (loc.line !== undefined) message = message.replace(/\bline (\d+)\b/g, (m, n: string) => (Number(n) === loc.line ? `line ${loc.line + lineOffset}` : m));
  return {
    ...d,
    message,
    location: { ...loc, ...(loc.row !== undefined ? { row: loc.row + rowOffset } : {}), ...(loc.line !== undefined ? { line: loc.line + lineOffset } : {}) },
  };
}

const key = (d: Diagnostic) => `${d.code}\u0000${d.severity}\u0000${d.message}`;

/**
 * Makes the ranges' partials into parts of one file: diagnostics renumbered to the file's rows and
 * lines, and those about the header (or the registration) that every range repeats listed once.
 * `onePass` says why the split result cannot stand (see the module comment); then the caller
 * calculates the file in one pass.
 */
export function mergeRanges(results: readonly RangeResult[]): { readonly partials: readonly PartialResult[]; readonly onePass?: string } {
  const ordered = [...results].sort((a, b) => a.index - b.index);
  const seen = new Set<string>();
  const partials: PartialResult[] = [];
  let rowOffset = 0;
  let lineOffset = 0;
  let onePass: string | undefined;
  for (const r of ordered) {
    const p = r.partial;
    const name = p.parts[0]?.name ?? `range ${r.index}`;
    if (p.fatal) onePass ??= `a file-level problem in ${name}`;
    if (p.diagnostics.kept.some((d) => d.code === 'record.malformed')) onePass ??= `a malformed record in ${name}`;
    partials.push({ ...p, diagnostics: rangeDiagnostics(r, r.index === ordered[0]!.index, seen, rowOffset, lineOffset) });
    rowOffset += r.rows;
    lineOffset += r.lines;
  }
  onePass ??= acrossRanges(ordered, partials);
  return { partials, ...(onePass ? { onePass } : {}) };
}

/**
 * A range's diagnostics as parts of the file: renumbered to the file's rows and lines; those not about a row
 * of the range (the header, the registration), which every range says, listed by the first range only.
 */
function rangeDiagnostics(r: RangeResult, first: boolean, seen: Set<string>, rowOffset: number, lineOffset: number): PartialResult['diagnostics'] {
  const p = r.partial;
  const counts = { ...p.diagnostics.counts };
  let { errors, warnings } = p.diagnostics;
  const kept: Diagnostic[] = [];
  for (const d of p.diagnostics.kept) {
    const ofPrefix = d.location?.row === undefined && (d.location?.line === undefined || d.location.line <= r.prefixLines);
    if (ofPrefix && !first && seen.has(key(d))) {
      counts[d.code] = (counts[d.code] ?? 1) - 1;
      if (counts[d.code] === 0) delete counts[d.code];
      if (d.severity === 'error') errors--;
      else if (d.severity === 'warning') warnings--;
      continue;
    }
    if (ofPrefix) {
      seen.add(key(d));
      kept.push(d);
    } else kept.push(renumber(d, rowOffset, lineOffset));
  }
  return { kept, counts, errors, warnings };
}

/**
 * Each range checked its rows against its own first reading's convention and bound the GWPs at its own first
 * reading (without a declared period): one pass does both once, for the file. And a reading in two ranges is
 * rejected by one pass by its row number, which partial sums cannot un-count.
 */
function acrossRanges(ordered: readonly RangeResult[], partials: readonly PartialResult[]): string | undefined {
  const conventions = new Set(ordered.map((r) => r.timeConvention).filter((c) => c !== undefined));
  if (conventions.size > 1) return 'timestamps with and without offsets in different ranges';
  const gwpSets = new Set(ordered.flatMap((r) => r.partial.rowGwpSets));
  if (gwpSets.size > 1) return `ranges whose first readings bind different GWPs (${[...gwpSets].join(', ')})`;
  if (partials.length > 1) {
    const before = partials.reduce((a, p) => a + (p.diagnostics.counts['period.duplicate_timestamp'] ?? 0), 0);
    const merged = mergePartials(partials);
    if ((merged.diagnostics.counts['period.duplicate_timestamp'] ?? 0) > before) return 'a reading present in two ranges (a duplicate across a cut)';
  }
  return undefined;
}
