/**
 * Streaming XLSX reader on exceljs's `stream.xlsx.WorkbookReader`.
 *
 * - The first *visible* tab in workbook order is read (xl/workbook.xml; hidden and very hidden tabs
 *   are skipped), whatever order the archive stores the parts in; the others are drained unread. A
 *   workbook with more than one tab gets a `file.sheet_selected` diagnostic naming the tab read and
 *   the tabs not read (a warning when another visible tab exists). See core/readers/xlsx-sheet.ts.
 * - Cell values are decoded by core/readers/xlsx-sheet.ts, strictly: a numeric cell whose value is
 *   not an xsd:double is its text (rejected like the same text in CSV); `t="d"` ISO dates are Dates.
 * - The header is the first non-empty row (normally row 1); `line` is the worksheet row number.
 *   Empty rows are skipped and do not consume a row number.
 * - Cells: numbers, booleans and Dates (date-formatted cells, `t="d"`) keep their type; a formula
 *   gives its cached result (`null` if the file has none; a date-formatted numeric result becomes a
 *   Date); rich text gives its plain text (phonetic runs left out); an error cell or error result
 *   gives its error text (`'#DIV/0!'`); an empty cell is `null`.
 * - A value in a column right of the last header column is reported as a `record.field_count`
 *   warning and ignored; the record is still emitted.
 * - Units: as for CSV (`name [unit]` headers and a units row).
 * - Limits: the characters of all cells read are counted against `limits.maxUncompressedBytes`.
 *   exceljs gives no access to zip entry sizes, so the compression ratio is not checked, and
 *   `xl/sharedStrings.xml` is cached whole by exceljs before any row is read.
 *
 * Caveat (exceljs internals): when a worksheet comes before `xl/sharedStrings.xml` in the zip (as
 * both Excel and exceljs write it), exceljs copies that worksheet, uncompressed, to a temporary file
 * (`tmp` package, OS temp dir) and parses it after the whole zip has been read. Memory stays flat,
 * but disk use is the uncompressed worksheet size. The reader therefore reads the archive to its
 * end (also after a limit stop) so exceljs deletes those files.
 */
import { createRequire } from 'node:module';
import { type Duplex, Readable } from 'node:stream';
import { chooseSheet, sharedStrings, sheetRows, type SheetRow, type WorkbookSheet } from './xlsx-sheet.ts';
import type { ByteSource, Cell, ReaderEvent, ReaderLimits, ReadOptions } from './types.ts';
import {
  diagnostic,
  emptyCells,
  headerEvent,
  isBlank,
  mergeUnits,
  parseHeader,
  peek,
  resolveLimits,
  startsWith,
  unitsRow,
  type ParsedHeader,
} from './shared.ts';

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const CFB_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const require = createRequire(import.meta.url);

export { isDateFormat } from './xlsx-sheet.ts';

function headerText(cell: Cell): string {
  if (cell === null) return '';
  if (cell instanceof Date) return cell.toISOString();
  return String(cell);
}

/** Largest workbook kept in memory for one more read after a failed shared-string resolution. */
const RETRY_KEEP_BYTES = 64 * 1024 * 1024;

/** exceljs's placeholder for a text cell whose shared string it could not resolve. */
function isUnresolvedSharedString(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !(v instanceof Date) && 'sharedString' in v;
}

function cellSize(cell: Cell): number {
  return typeof cell === 'string' ? cell.length : 8;
}

/** The parts of exceljs's streaming WorkbookReader this reader relies on (exceljs 4.4.0, pinned). */
interface ReaderInternals {
  model?: { sheets?: WorkbookSheet[] };
  workbookRels?: { Id: string; Target: string }[];
  sharedStrings?: unknown[];
  properties?: { model?: { date1904?: boolean } };
  styles: { getStyleModel(id: number): { numFmt?: string } | null | undefined };
  _parseWorkbook(entry: unknown): Promise<void>;
  _parseStyles(entry: unknown): Promise<void>;
  _parseSharedStrings(entry: unknown): AsyncGenerator<unknown>;
  _parseWorksheet(iterator: unknown, sheetNo: string): Generator<{ eventType: string; value: WorksheetInternals }>;
}
/** An emitted worksheet: its XML (a zip entry, or a temporary file exceljs made) and the number N of `sheetN.xml`. */
interface WorksheetInternals {
  iterator: AsyncIterable<unknown> & { destroy?: () => void };
  sheetFile?: string;
}

/**
 * An operating-system error (exceljs parks worksheets that precede the shared strings in temporary
 * files: ENOENT, EMFILE, ENOSPC …) says nothing about the workbook: it is a system fault, thrown so the
 * upload is retried, never reported to the site as a damaged file. Node marks such errors with `syscall`;
 * a zip or XML error has none.
 */
function isSystemFault(error: unknown): boolean {
  return typeof error === 'object' && error !== null && typeof (error as { syscall?: unknown }).syscall === 'string';
}

/** `file.unreadable` with the reason and how to save a readable workbook. */
function unreadable(options: ReadOptions, why: string): ReaderEvent {
  return diagnostic(options, {
    code: 'file.unreadable',
    message: `The file is not a readable XLSX workbook (${why}); save it from Excel as "Excel Workbook (.xlsx)" without a password and upload it again.`,
  });
}

/** The refusal of a file that is no XLSX workbook at all, judged from its first bytes (empty, encrypted or .xls, not a zip). */
function refusal(head: Uint8Array, options: ReadOptions): ReaderEvent | undefined {
  if (head.length === 0)
    return diagnostic(options, { code: 'file.empty', message: 'The file is empty (0 bytes); upload the workbook that contains the monitoring data.' });
  if (startsWith(head, CFB_MAGIC.slice(0, 4))) return unreadable(options, 'it is an encrypted (password-protected) workbook or a legacy .xls file');
  if (!startsWith(head, ZIP_MAGIC)) return unreadable(options, 'it is not a zip archive');
  return undefined;
}

/**
 * unzipper 0.10 (exceljs's unzip) emits `end` on its Parse stream as soon as the *input* side is
 * done ('finish': every byte of the archive parsed), although entries may still wait in the paused
 * output side. exceljs reads the entries with its iterate-stream, which stops at `end` and never sees
 * them: when exceljs is slower than the unzip (worksheets it parks in temporary files, a loaded
 * machine), the last entries of the archive were lost, and with them xl/workbook.xml or
 * xl/sharedStrings.xml, both stored after the worksheets by exceljs and other writers. A valid
 * workbook was then called unreadable at random (ZJONSSON/node-unzipper#346). Only the `end` of the
 * output side, once every entry has been handed over, is let through.
 */
function endOnlyWhenDrained(zip: Duplex): void {
  const emit = zip.emit.bind(zip);
  let ended = false;
  zip.emit = (event: string | symbol, ...args: unknown[]): boolean => {
    if (event === 'end') {
      if (ended || !zip.readableEnded) return false;
      ended = true;
    }
    return emit(event, ...args);
  };
}

/**
 * The workbook bytes as the stream exceljs reads, with a guard for every exceljs step and a copy of
 * the bytes (up to RETRY_KEEP_BYTES, first read only) for one more read.
 *
 * exceljs can wait forever: it does not notice when its input fails, and an inflate error on the zip
 * stream is only seen between entries. Both are raced against every step ({@link GuardedInput.step}).
 */
class GuardedInput {
  /** The error of the byte source itself, if it failed: rethrown, never reported as a damaged file. */
  inputError: unknown;
  readonly stream: Readable;
  // One pending step at a time: a failure rejects the step in flight (or the next one). Racing every
  // step against one long-lived promise (Promise.race) would attach a reaction to it per step, and
  // each reaction keeps that step's result (a worksheet row) alive: memory grew with the sheet.
  private failure: { error: unknown } | undefined;
  private rejectStep: ((e: unknown) => void) | undefined;
  private readonly kept: Uint8Array[] = [];
  private keptBytes = 0;
  private keeping: boolean;

  constructor(chunks: AsyncIterable<Uint8Array>, attempt: number) {
    this.keeping = attempt === 1;
    const input = Readable.from(this.keepingChunks(chunks), { objectMode: false });
    input.on('error', (e) => {
      this.inputError = e;
      this.fail(e);
    });
    const pipe = input.pipe.bind(input);
    // exceljs pipes the input into unzipper's Parse stream, and nothing else.
    input.pipe = <T extends NodeJS.WritableStream>(destination: T, opts?: { end?: boolean }): T => {
      (destination as unknown as NodeJS.EventEmitter).on('error', (e: unknown) => this.fail(e));
      endOnlyWhenDrained(destination as unknown as Duplex);
      return pipe(destination, opts);
    };
    this.stream = input;
  }

  /** Awaits an exceljs step, or fails as soon as the input or the zip stream fails. */
  step<T>(p: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.failure) {
        p.catch(() => undefined);
        reject(this.failure.error);
        return;
      }
      this.rejectStep = reject;
      p.then(
        (v) => {
          this.rejectStep = undefined;
          resolve(v);
        },
        (e) => {
          this.rejectStep = undefined;
          reject(e);
        },
      );
    });
  }

  /** The whole workbook for one more read; undefined when it was not kept (a second read, or larger than RETRY_KEEP_BYTES). */
  keptWorkbook(): Uint8Array | undefined {
    if (!this.keeping || this.keptBytes === 0) return undefined;
    return new Uint8Array(Buffer.concat(this.kept));
  }

  private fail(e: unknown): void {
    this.failure ??= { error: e };
    this.rejectStep?.(e);
  }

  private async *keepingChunks(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    for await (const chunk of chunks) {
      if (this.keeping) {
        if (this.keptBytes + chunk.length <= RETRY_KEEP_BYTES) {
          this.kept.push(chunk);
          this.keptBytes += chunk.length;
        } else {
          this.keeping = false;
          this.kept.length = 0;
        }
      }
      yield chunk;
    }
  }
}

/** exceljs's streaming reader with this reader's hooks, the worksheets it emits, the shared strings and the workbook relationships. */
interface Workbook {
  readonly r: ReaderInternals;
  readonly sheets: AsyncIterator<WorksheetInternals>;
  readonly strings: Cell[];
  /** The workbook relationships as parsed (whether or not exceljs has been shown them yet). */
  rels(): ReaderInternals['workbookRels'];
}

/**
 * Which tab to read is only known from xl/workbook.xml and its relationships. exceljs parses a
 * worksheet on the spot once it has the shared strings and the relationships, and copies it to a
 * temporary file to parse after the archive otherwise: the relationships are shown to it only once
 * workbook.xml and styles.xml (number formats: dates) are read too, so every worksheet is parsed
 * when the choice can be made. Returns the relationships as parsed.
 */
function deferRelationships(r: ReaderInternals): () => ReaderInternals['workbookRels'] {
  let rels: ReaderInternals['workbookRels'];
  let workbookSeen = false;
  let stylesSeen = false;
  Object.defineProperty(r, 'workbookRels', {
    configurable: true,
    get: () => (workbookSeen && stylesSeen ? rels : undefined),
    set: (v: ReaderInternals['workbookRels']) => {
      rels = v;
    },
  });
  const parseWorkbook = r._parseWorkbook.bind(r);
  r._parseWorkbook = async (entry) => {
    await parseWorkbook(entry);
    workbookSeen = true;
  };
  const parseStyles = r._parseStyles.bind(r);
  r._parseStyles = async (entry) => {
    await parseStyles(entry);
    stylesSeen = true;
  };
  return () => rels;
}

/** Opens the workbook stream with exceljs and installs the hooks (relationships, shared strings, worksheet numbers). */
async function openWorkbook(input: Readable): Promise<Workbook> {
  // exceljs (≈1 MB with its zip stack) is loaded on the first XLSX only: CSV/JSON never pay for it.
  const ExcelJS = (await import('exceljs')).default;
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'cache',
    entries: 'emit',
  });
  // exceljs reads the zip entries in archive order; when xl/workbook.xml comes after the first
  // worksheet it dereferences the not-yet-parsed workbook model and throws ("reading 'sheets'",
  // exceljs/exceljs#3064). An empty model until workbook.xml is parsed avoids that.
  const r = reader as unknown as ReaderInternals;
  r.model ??= { sheets: [] };
  const rels = deferRelationships(r);
  const strings: Cell[] = [];
  const iterateStream = require('exceljs/lib/utils/iterate-stream') as (s: unknown) => AsyncIterable<unknown>;
  // eslint-disable-next-line require-yield -- exceljs delegates to it with yield*; it yields no event
  r._parseSharedStrings = async function* (entry: unknown) {
    await sharedStrings(iterateStream(entry), strings);
    r.sharedStrings = strings;
  };
  const parseWorksheet = r._parseWorksheet.bind(r);
  r._parseWorksheet = function* (iterator: unknown, sheetNo: string) {
    for (const event of parseWorksheet(iterator, sheetNo)) {
      event.value.sheetFile = String(sheetNo);
      yield event;
    }
  };
  const sheets = reader[Symbol.asyncIterator]() as AsyncIterator<WorksheetInternals>;
  return { r, sheets, strings, rels };
}

/** A worksheet that is not read: close its temporary-file stream, if exceljs made one. */
function release(sheet: WorksheetInternals): void {
  const iterator = sheet.iterator as WorksheetInternals['iterator'] & { on?: (event: string, listener: () => void) => void };
  // exceljs deletes the temporary file as soon as it moves on, possibly before this stream has opened
  // it: that ENOENT belongs to a sheet nobody reads and must not surface as an unhandled error.
  if (iterator && typeof iterator.on === 'function') iterator.on('error', () => undefined);
  if (iterator && typeof iterator.destroy === 'function') iterator.destroy();
}

/** What a worksheet row means for the read: go on, stop, or stop because a shared string could not be resolved. */
type RowOutcome = 'next' | 'stop' | 'unresolved';

/** One read of a workbook: the worksheets exceljs hands over, the rows of the chosen one, and how the read ended. */
class XlsxRead {
  /** A text cell referred to a shared string that could not be read (not bad data: a failed read, or a damaged table). */
  unresolved = false;
  stopped = false;
  private sheetCount = 0;
  private sheetProblem: string | undefined;
  private chosenRead = false;
  private failureMessage: string | undefined;
  private choice: ReturnType<typeof chooseSheet> | undefined;
  private header: ParsedHeader | undefined;
  private headerLine = 0;
  headerEmitted = false;
  private dataRows = 0;
  private size = 0;

  constructor(
    private readonly options: ReadOptions,
    private readonly limits: ReaderLimits,
    private readonly input: GuardedInput,
    private readonly wb: Workbook,
  ) {}

  /** Every worksheet exceljs hands over: the chosen one is read, the others released. */
  async *sheets(): AsyncGenerator<ReaderEvent> {
    for (;;) {
      const next = await this.guarded(this.wb.sheets.next());
      if (!next || next.done) break;
      this.sheetCount++;
      const ws = next.value;
      // The first worksheet handed over comes after workbook.xml, its relationships and styles (or after
      // the whole archive, when they are missing): the choice is final now.
      const choice = (this.choice ??= chooseSheet(this.wb.r.model?.sheets, this.wb.rels()));
      if (!choice.ok || choice.file === undefined) {
        this.sheetProblem = !choice.ok
          ? choice.why
          : `its first visible sheet "${choice.sheet.name}" is stored as ${choice.part}, a part this reader cannot open`;
        release(ws);
        await this.drain();
        break;
      }
      if (this.chosenRead || ws.sheetFile !== choice.file) {
        release(ws);
        continue;
      }
      this.chosenRead = true;
      yield* this.rows(ws);
      if (this.stopped) {
        // Let exceljs finish the archive so it deletes the temporary files it made.
        await this.drain();
        break;
      }
      if (this.failureMessage !== undefined) break;
    }
  }

  /**
   * Whether the workbook should be read once more from the kept bytes: a shared string could not be
   * resolved, or the structure was not found (no workbook part, no worksheet, the chosen sheet's part
   * missing) while nothing has been emitted yet. Under load, exceljs' streamed unzip was seen to lose
   * the last entries of a valid archive (a fixed-seed property test failed 2 runs in 3 on a busy machine,
   * never alone): the unzip's early `end`, now held back by {@link endOnlyWhenDrained}. The retry stays
   * as a second line of defence. A truly broken workbook fails twice, and only then is reported.
   */
  wantsRetry(): boolean {
    if (this.headerEmitted) return false;
    if (this.unresolved) return true;
    if (this.stopped || this.failureMessage !== undefined) return false;
    return this.sheetCount === 0 || this.sheetProblem !== undefined || (!this.chosenRead && this.choice?.ok === true);
  }

  /** The events that end the read: why the workbook could not be read, or the header and `file.no_records`. */
  *conclusion(): Generator<ReaderEvent> {
    if (this.unresolved) {
      yield* this.emitHeader();
      yield unreadable(this.options, 'its text cells refer to a shared-string table that could not be read');
      return;
    }
    if (this.stopped) return;
    if (this.failureMessage !== undefined) {
      yield* this.emitHeader();
      yield unreadable(this.options, `the archive is damaged or truncated: ${this.failureMessage.slice(0, 120)}`);
      return;
    }
    const problem = this.structureProblem();
    if (problem !== undefined) {
      yield unreadable(this.options, problem);
      return;
    }
    yield* this.endOfSheet();
  }

  /** Why the worksheet to read was not found, if it was not. */
  private structureProblem(): string | undefined {
    if (this.sheetCount === 0) return 'it contains no worksheet';
    if (this.sheetProblem !== undefined) return this.sheetProblem;
    if (!this.chosenRead && this.choice?.ok)
      return `its first visible sheet "${this.choice.sheet.name}" has no worksheet part (${this.choice.part}) in the archive`;
    return undefined;
  }

  /** After the last row: `file.empty` without a header, the header and `file.no_records` without data rows. */
  private *endOfSheet(): Generator<ReaderEvent> {
    const which = this.choice?.ok ? `The worksheet "${this.choice.sheet.name}" (the first visible tab)` : 'The first worksheet';
    if (!this.header) {
      const note = this.sheetNote();
      if (note) yield note;
      yield diagnostic(this.options, { code: 'file.empty', message: `${which} is empty; put the header in row 1 and the monitoring records below it.` });
      return;
    }
    yield* this.emitHeader();
    if (this.dataRows === 0) {
      yield diagnostic(this.options, {
        code: 'file.no_records',
        message: `${which} has a header (row ${this.headerLine}) but no data rows; add the monitoring records below the header.`,
        line: this.headerLine,
      });
    }
  }

  /** An exceljs step: its result, or undefined when the archive failed (the failure is kept). A failure of the input or of the system is thrown. */
  private async guarded<T>(p: Promise<T>): Promise<T | undefined> {
    try {
      return await this.input.step(p);
    } catch (error) {
      if (this.input.inputError !== undefined) throw this.input.inputError;
      if (isSystemFault(error)) throw error;
      this.failureMessage = error instanceof Error ? error.message : String(error);
      return undefined;
    }
  }

  private async drain(): Promise<void> {
    try {
      for (;;) {
        const next = await this.input.step(this.wb.sheets.next());
        if (next.done) return;
        release(next.value);
      }
    } catch {
      // The archive is damaged further on; nothing more to release.
    }
  }

  /** The rows of the chosen worksheet, batch by batch. */
  private async *rows(ws: WorksheetInternals): AsyncGenerator<ReaderEvent> {
    const r = this.wb.r;
    const strings = this.wb.strings;
    const rowsOf = sheetRows(ws.iterator, {
      date1904: Boolean(r.properties?.model?.date1904),
      numFmtOf: (id) => (id > 0 ? (r.styles.getStyleModel(id)?.numFmt ?? undefined) : undefined),
      shared: (i) => strings[i],
    });
    for (;;) {
      const b = await this.guarded(rowsOf.next());
      if (!b || b.done) return;
      for (const row of b.value) {
        const outcome = yield* this.row(row);
        if (outcome === 'next') continue;
        if (outcome === 'unresolved') this.unresolved = true;
        this.stopped = true;
        return;
      }
    }
  }

  /** One worksheet row: empty, the header, the units row or a data record. */
  private *row(row: SheetRow): Generator<ReaderEvent, RowOutcome> {
    const raw = row.values;
    if (raw.some(isUnresolvedSharedString)) return 'unresolved';
    if (row.repeated !== undefined) {
      yield* this.emitHeader();
      yield unreadable(this.options, `the cell ${row.repeated} appears twice in worksheet row ${row.number}, so its value is ambiguous`);
      return 'stop';
    }
    const cells: Cell[] = [];
    const last = this.collect(raw, cells);
    if (this.size > this.limits.maxUncompressedBytes) {
      yield* this.emitHeader();
      yield diagnostic(this.options, {
        code: 'file.too_large',
        message: `The worksheet holds more than ${this.limits.maxUncompressedBytes} characters of cell data (reached at worksheet row ${row.number}); split the workbook into smaller files.`,
        line: row.number,
      });
      return 'stop';
    }
    if (last === 0) return 'next'; // empty row
    cells.length = last;
    if (!this.header) return yield* this.headerRow(cells, last, row.number);
    if (!this.headerEmitted && (yield* this.takeUnitsRow(this.header, cells, row.number))) return 'next';
    yield* this.record(this.header, cells, last, row.number);
    return 'next';
  }

  /** Copies the row's cells (1-based `raw`) into `cells`, counts their size against the limit; returns the last non-blank column (0: empty row). */
  private collect(raw: SheetRow['values'], cells: Cell[]): number {
    let last = 0;
    for (let c = 1; c < raw.length; c++) {
      const cell = (raw[c] ?? null) as Cell;
      cells.push(cell);
      this.size += cellSize(cell);
      if (!isBlank(cell)) last = c;
    }
    return last;
  }

  private *headerRow(cells: Cell[], last: number, line: number): Generator<ReaderEvent, RowOutcome> {
    if (last > this.limits.maxColumns) {
      yield diagnostic(this.options, {
        code: 'file.too_large',
        message: `The header has ${last} columns, more than the limit of ${this.limits.maxColumns}; remove the columns the methodology does not need.`,
        line,
        actual: String(last),
        expected: `at most ${this.limits.maxColumns} columns`,
      });
      return 'stop';
    }
    this.header = parseHeader(cells.map(headerText), this.options, line);
    this.headerLine = line;
    return 'next';
  }

  /** The row after the header, before it is emitted: a units row merges into the header (true); either way the header is emitted. */
  private *takeUnitsRow(header: ParsedHeader, cells: Cell[], line: number): Generator<ReaderEvent, boolean> {
    const units = unitsRow(cells);
    if (!units) {
      yield* this.emitHeader();
      return false;
    }
    const merged = mergeUnits(header, units, this.options, line);
    yield* this.emitHeader();
    yield* merged;
    return true;
  }

  private *record(header: ParsedHeader, cells: Cell[], last: number, line: number): Generator<ReaderEvent> {
    this.dataRows++;
    const record = emptyCells();
    const width = header.columns.length;
    for (let i = 0; i < width; i++) {
      const key = header.keys[i];
      if (key !== undefined) record[key] = cells[i] ?? null;
    }
    if (last > width) {
      yield diagnostic(this.options, {
        code: 'record.field_count',
        severity: 'warning',
        message: `Row ${this.dataRows} (worksheet row ${line}) has a value in column ${last}, right of the last header column (${width}); it is ignored: give the column a header or delete the value.`,
        row: this.dataRows,
        line,
        actual: `${last} columns`,
        expected: `${width} columns`,
      });
    }
    yield { kind: 'record', row: this.dataRows, line, cells: record };
  }

  private sheetNote(): ReaderEvent | undefined {
    const choice = this.choice;
    if (!choice?.ok || choice.others.length === 0) return undefined;
    const visibleOthers = choice.others.filter((x) => x.state !== 'hidden' && x.state !== 'veryHidden');
    const list = choice.others.map((x) => `"${x.name}" (${x.state === 'hidden' || x.state === 'veryHidden' ? x.state : 'visible'})`).join(', ');
    return diagnostic(this.options, {
      code: 'file.sheet_selected',
      severity: visibleOthers.length > 0 ? 'warning' : 'info',
      message: `Read the worksheet "${choice.sheet.name}", the first visible tab of the workbook; not read: ${list}.${visibleOthers.length > 0 ? ' Only the first visible tab counts: put all monitoring records in it, or upload the other tabs as separate files.' : ''}`,
      actual: choice.sheet.name,
    });
  }

  private *emitHeader(): Generator<ReaderEvent> {
    if (!this.header || this.headerEmitted) return;
    this.headerEmitted = true;
    yield headerEvent(this.header);
    const note = this.sheetNote();
    if (note) yield note;
    yield* this.header.diagnostics;
  }
}

/** Reads the first worksheet of an XLSX byte stream into header, record and diagnostic events. Never throws on bad data. */
export async function* readXlsx(source: ByteSource, options: ReadOptions, attempt = 1): AsyncGenerator<ReaderEvent> {
  const limits = resolveLimits(options);
  const peeked = await peek(source);
  const refused = refusal(peeked.head, options);
  if (refused) {
    await peeked.close();
    yield refused;
    return;
  }
  const input = new GuardedInput(peeked.chunks, attempt);
  const wb = await openWorkbook(input.stream);
  const read = new XlsxRead(options, limits, input, wb);
  try {
    yield* read.sheets();
  } finally {
    input.stream.destroy();
    await peeked.close();
  }
  const whole = read.wantsRetry() ? input.keptWorkbook() : undefined;
  if (whole) {
    yield* readXlsx(
      (async function* () {
        yield whole;
      })(),
      options,
      attempt + 1,
    );
    return;
  }
  yield* read.conclusion();
}
