/**
 * The parts of an XLSX that decide which numbers are read, parsed here rather than by exceljs, whose
 * streaming reader is lenient where a tonne depends on it:
 *
 * - **Which worksheet.** The first *visible* tab in workbook order (`<sheets>` in xl/workbook.xml,
 *   ECMA-376 Part 1 §18.2.19/§18.2.20: `state="hidden"` and `"veryHidden"` tabs are skipped), found
 *   through its relationship id in xl/_rels/workbook.xml.rels — not the first worksheet stored in the
 *   archive (a hidden sheet stored first would supply numbers no verifier sees).
 * - **Cell values** (§18.3.1.4 `c`, §18.18.11 ST_CellType). exceljs reads a numeric cell with
 *   `parseFloat`, so `<v>13,494</v>` became 13, `0x2D` 0, `12.5 MWh` 12.5; an ISO date cell
 *   (`t="d"`) became its year; a boolean formula result became 1. Here a numeric `<v>` must be an
 *   xsd:double exactly, otherwise the cell is its text, which the column parser then rejects with the
 *   same diagnostic as the same text in CSV; `t="b"` is a boolean (`0`/`1`), `t="d"` a date, never a
 *   number.
 * - **Shared strings** (§18.4.8 `si`): the text is the `t` of the item or of its runs (`r`); phonetic
 *   runs (`rPh`, §18.4.6) are readings shown above the text and are not part of it (exceljs let a
 *   phonetic run replace the text).
 */
import { createRequire } from 'node:module';
import type { Cell } from './types.ts';

const require = createRequire(import.meta.url);

interface SaxTag {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
}
type SaxEvent = { eventType: 'opentag'; value: SaxTag } | { eventType: 'text'; value: string } | { eventType: 'closetag'; value: SaxTag };
type ParseSax = (iterable: AsyncIterable<unknown>) => AsyncGenerator<SaxEvent[]>;
/** exceljs's SAX driver (saxes, events in batches per chunk). */
let parseSaxModule: ParseSax | undefined;
const parseSax = (iterable: AsyncIterable<unknown>): AsyncGenerator<SaxEvent[]> =>
  (parseSaxModule ??= require('exceljs/lib/utils/parse-sax') as ParseSax)(iterable);

/** xsd:double lexical space without INF/NaN (those stay text and are refused as not finite). */
const XSD_DOUBLE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
/** ISO 8601 as written in `t="d"` cells: a date, optionally a time, optionally an offset. */
const ISO_CELL = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/** Number formats already judged by {@link isDateFormat} (a workbook has few; the cache is bounded all the same). */
const dateFormats = new Map<string, boolean>();

/** True for number formats that show a date or time (`yyyy-mm-dd`, `h:mm`), ignoring quoted text, escapes and `[color]` sections. */
export function isDateFormat(numFmt: string | undefined): boolean {
  if (!numFmt) return false;
  const known = dateFormats.get(numFmt);
  if (known !== undefined) return known;
  const bare = numFmt
    .replace(/"[^"]*"/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\\./g, '');
  const isDate = /[dmyhs]/i.test(bare) && !/^General$/i.test(bare);
  if (dateFormats.size >= 256) dateFormats.clear();
  dateFormats.set(numFmt, isDate);
  return isDate;
}

export function excelSerialToDate(serial: number, date1904: boolean): Date {
  return new Date(Math.round((serial - 25569 + (date1904 ? 1462 : 0)) * 86_400_000));
}

/**
 * A `t="d"` cell: ISO 8601 text. A date-time without an offset is taken as UTC, the convention of
 * every date cell in a workbook (Excel stores no time zone; serial dates are read as UTC too).
 * Text that is not a real calendar date stays text (and is refused by the column).
 */
export function isoDateCell(text: string): Cell {
  const m = ISO_CELL.exec(text.trim());
  if (!m) return text;
  const [, y, mo, d, hh, mi, ss, frac, zone] = m;
  const iso = `${y}-${mo}-${d}T${hh ?? '00'}:${mi ?? '00'}:${ss ?? '00'}${frac ?? ''}${zone ?? 'Z'}`;
  const t = Date.parse(iso);
  if (Number.isNaN(t) || new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d))).getUTCDate() !== Number(d)) return text;
  return new Date(t);
}

/** A numeric `<v>`: the number when it is an xsd:double, its text otherwise (so the column parser reports it like CSV). */
function numeric(text: string, numFmt: string | undefined, date1904: boolean): Cell {
  if (!XSD_DOUBLE.test(text)) return text;
  const n = Number(text);
  if (!Number.isFinite(n)) return text;
  return isDateFormat(numFmt) ? excelSerialToDate(n, date1904) : n;
}

/** The value of a cell from its type, `<v>` text, inline text and number format (ECMA-376 ST_CellType). */
export function cellValue(
  type: string | undefined,
  v: string | undefined,
  inline: string | undefined,
  hasFormula: boolean,
  numFmt: string | undefined,
  date1904: boolean,
  shared: (index: number) => Cell | undefined,
): Cell | { sharedString: number } {
  switch (type) {
    case 'inlineStr':
      return inline ?? v ?? null;
    case 's': {
      if (v === undefined) return null;
      if (!/^\d+$/.test(v.trim())) return v;
      const index = Number(v.trim());
      const s = shared(index);
      return s === undefined ? { sharedString: index } : s;
    }
    case 'str':
      return v ?? (hasFormula ? null : '');
    case 'e':
      return v ?? null;
    case 'b':
      if (v === undefined) return null;
      return v.trim() === '1' || v.trim() === 'true' ? true : v.trim() === '0' || v.trim() === 'false' ? false : v;
    case 'd':
      return v === undefined ? null : isoDateCell(v);
    case undefined:
    case 'n':
      return v === undefined ? null : numeric(v, numFmt, date1904);
    default:
      // An unknown cell type: the text as it stands, never a guess at a number.
      return v ?? null;
  }
}

/** Column index (1-based) of a cell reference such as `B12`, or undefined. */
export function columnOf(ref: string | undefined): number | undefined {
  if (!ref) return undefined;
  // Same language as /^\$?([A-Za-z]{1,3})\$?\d*$/, without a regular expression per cell.
  const len = ref.length;
  let i = ref.charCodeAt(0) === 36 ? 1 : 0;
  const start = i;
  let n = 0;
  for (; i < len; i++) {
    let c = ref.charCodeAt(i);
    if (c >= 97 && c <= 122) c -= 32;
    if (c < 65 || c > 90) break;
    n = n * 26 + (c - 64);
  }
  if (i === start || i - start > 3) return undefined;
  if (i < len && ref.charCodeAt(i) === 36) i++;
  for (; i < len; i++) {
    const c = ref.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
  }
  return n;
}

export interface SheetRow {
  /** Worksheet row number (`r`, else one more than the previous row). */
  readonly number: number;
  /** Values by 1-based column index; index 0 unused. */
  readonly values: (Cell | { sharedString: number } | undefined)[];
  /** A cell reference that appeared twice in this row, if any (a damaged or forged sheet). */
  readonly repeated?: string;
}

export interface SheetContext {
  readonly date1904: boolean;
  numFmtOf(styleId: number): string | undefined;
  shared(index: number): Cell | undefined;
}

/** The cell being read: its column, reference, type, style, `<v>` text, formula flag and inline text. */
interface OpenCell {
  col: number;
  ref: string;
  t?: string;
  s: number;
  v?: string;
  f: boolean;
  inline?: string;
}

/** The state of one worksheet's SAX event stream, from `<sheetData>` to its last `</row>`. */
class SheetParser {
  /** Rows completed since the last {@link take}. */
  private out: SheetRow[] = [];
  private inData = false;
  private row: { number: number; values: SheetRow['values']; repeated?: string } | undefined;
  private lastRow = 0;
  private cell: OpenCell | undefined;
  private text: 'v' | 'is' | undefined;
  private inRun = 0; // depth inside <rPh> (phonetic, skipped)
  private inT = false; // inside a <t> of an inline string
  private buffer = '';
  private lastCol = 0;

  constructor(private readonly ctx: SheetContext) {}

  event(e: SaxEvent): void {
    if (e.eventType === 'opentag') this.open(e.value);
    else if (e.eventType === 'text') this.textOf(e.value);
    else this.close(e.value.name);
  }

  /** The rows completed so far; the next call starts a new batch. */
  take(): SheetRow[] {
    const rows = this.out;
    this.out = [];
    return rows;
  }

  private open({ name, attributes }: SaxTag): void {
    if (name === 'sheetData') this.inData = true;
    else if (!this.inData) return;
    else if (name === 'row') this.openRow(attributes);
    else if (name === 'c' && this.row) this.openCell(attributes);
    else if (this.cell) this.openInCell(name, this.cell);
  }

  private openRow(attributes: SaxTag['attributes']): void {
    const r = Number.parseInt(attributes.r ?? '', 10);
    this.lastRow = Number.isFinite(r) && r > 0 ? r : this.lastRow + 1;
    this.row = { number: this.lastRow, values: [] };
    this.lastCol = 0;
  }

  private openCell(attributes: SaxTag['attributes']): void {
    const col = columnOf(attributes.r) ?? this.lastCol + 1;
    this.lastCol = col;
    this.cell = {
      col,
      ref: attributes.r ?? `column ${col}`,
      s: Number.parseInt(attributes.s ?? '0', 10) || 0,
      f: false,
      ...(attributes.t !== undefined ? { t: attributes.t } : {}),
    };
  }

  /** An element inside `<c>`: a formula, the value, an inline string, its text or a phonetic run. */
  private openInCell(name: string, cell: OpenCell): void {
    if (name === 'f') cell.f = true;
    else if (name === 'v' || name === 'is') {
      this.text = name;
      this.buffer = '';
    } else if (name === 't' && this.text === 'is') this.inT = true;
    else if (name === 'rPh') this.inRun++;
  }

  private textOf(value: string): void {
    if ((this.text === 'v' || (this.text === 'is' && this.inT)) && this.inRun === 0) this.buffer += value;
  }

  private close(name: string): void {
    if (name === 'sheetData') this.inData = false;
    else if (!this.inData) return;
    else if (name === 'rPh') this.inRun = Math.max(0, this.inRun - 1);
    else if (name === 't') this.inT = false;
    else if (this.cell) this.closeInCell(name, this.cell);
    else if (name === 'row' && this.row) this.closeRow(this.row);
  }

  /** `</v>`, `</is>`, `</c>` (the cell's value goes into the row) or `</row>` while a cell is open. */
  private closeInCell(name: string, cell: OpenCell): void {
    if (name === 'v' && this.text === 'v') {
      cell.v = this.buffer;
      this.text = undefined;
    } else if (name === 'is' && this.text === 'is') {
      cell.inline = this.buffer;
      this.text = undefined;
    } else if (name === 'c' && this.row) {
      const row = this.row;
      if (row.values[cell.col] !== undefined) row.repeated ??= cell.ref;
      const ctx = this.ctx;
      row.values[cell.col] = cellValue(cell.t, cell.v, cell.inline, cell.f, ctx.numFmtOf(cell.s), ctx.date1904, ctx.shared);
      this.cell = undefined;
    } else if (name === 'row' && this.row) this.closeRow(this.row);
  }

  private closeRow(row: SheetRow): void {
    this.out.push(row);
    this.row = undefined;
  }
}

/** Parses worksheet XML into rows, one batch per chunk of XML. */
export async function* sheetRows(xml: AsyncIterable<unknown>, ctx: SheetContext): AsyncGenerator<SheetRow[]> {
  const parser = new SheetParser(ctx);
  for await (const events of parseSax(xml)) {
    for (const e of events) parser.event(e);
    const out = parser.take();
    if (out.length > 0) yield out;
  }
}

/**
 * Replacement for exceljs's shared-string parser: one string per `<si>`, the text of its `<t>`
 * elements (directly or in runs), phonetic runs (`<rPh>`) left out.
 */
export async function sharedStrings(xml: AsyncIterable<unknown>, into: Cell[]): Promise<void> {
  let inItem = false;
  let inText = false;
  let phonetic = 0;
  let text = '';
  for await (const events of parseSax(xml)) {
    for (const e of events) {
      if (e.eventType === 'opentag') {
        const n = e.value.name;
        if (n === 'si') {
          inItem = true;
          text = '';
        } else if (n === 'rPh') phonetic++;
        else if (n === 't' && inItem && phonetic === 0) inText = true;
      } else if (e.eventType === 'text') {
        if (inText) text += e.value;
      } else {
        const n = e.value.name;
        if (n === 't') inText = false;
        else if (n === 'rPh') phonetic = Math.max(0, phonetic - 1);
        else if (n === 'si') {
          into.push(text);
          inItem = false;
        }
      }
    }
  }
}

export interface WorkbookSheet {
  readonly name: string;
  readonly state?: string;
  readonly rId?: string;
}

/**
 * The worksheet to read: the first tab in workbook order that is not hidden, and the number N of its
 * part `xl/worksheets/sheetN.xml` (resolved through the workbook relationships). Returns the reason
 * when there is none.
 */
export function chooseSheet(
  sheets: readonly WorkbookSheet[] | undefined,
  rels: readonly { Id: string; Target: string }[] | undefined,
): { ok: true; sheet: WorkbookSheet; part: string; file: string | undefined; others: WorkbookSheet[] } | { ok: false; why: string } {
  if (!sheets || sheets.length === 0) return { ok: false, why: 'it has no workbook part (xl/workbook.xml) listing its sheets' };
  const sheet = sheets.find((s) => s.state !== 'hidden' && s.state !== 'veryHidden');
  if (!sheet) return { ok: false, why: 'every sheet of the workbook is hidden' };
  const rel = rels?.find((r) => r.Id === sheet.rId);
  if (!rel) return { ok: false, why: `the sheet "${sheet.name}" has no relationship to a worksheet part` };
  // Targets are relative to xl/ (or absolute from the package root).
  const target = rel.Target.startsWith('/') ? rel.Target.slice(1) : `xl/${rel.Target.replace(/^\.\//, '')}`;
  const m = /^xl\/worksheets\/sheet(\d+)\.xml$/.exec(target);
  return { ok: true, sheet, part: target, file: m ? m[1] : undefined, others: sheets.filter((s) => s !== sheet) };
}
