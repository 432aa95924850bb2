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
import { Readable } from 'node:stream';
import { chooseSheet, sharedStrings, sheetRows, type SheetRow, type WorkbookSheet } from './xlsx-sheet.ts';
import type { ByteSource, Cell, ReaderEvent, ReadOptions } from './types.ts';
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

/** Reads the first worksheet of an XLSX byte stream into header, record and diagnostic events. Never throws on bad data. */
export async function* readXlsx(source: ByteSource, options: ReadOptions, attempt = 1): AsyncGenerator<ReaderEvent> {
  const limits = resolveLimits(options);
  const peeked = await peek(source);
  const unreadable = (why: string): ReaderEvent =>
    diagnostic(options, {
      code: 'file.unreadable',
      message: `The file is not a readable XLSX workbook (${why}); save it from Excel as "Excel Workbook (.xlsx)" without a password and upload it again.`,
    });
  if (peeked.head.length === 0) {
    await peeked.close();
    yield diagnostic(options, { code: 'file.empty', message: 'The file is empty (0 bytes); upload the workbook that contains the monitoring data.' });
    return;
  }
  if (startsWith(peeked.head, CFB_MAGIC.slice(0, 4))) {
    await peeked.close();
    yield unreadable('it is an encrypted (password-protected) workbook or a legacy .xls file');
    return;
  }
  if (!startsWith(peeked.head, ZIP_MAGIC)) {
    await peeked.close();
    yield unreadable('it is not a zip archive');
    return;
  }

  // exceljs can wait forever: it does not notice when its input fails, and an inflate error on
  // the zip stream is only seen between entries. Both are raced against every step.
  let inputError: unknown;
  // One pending step at a time: a failure rejects the step in flight (or the next one). Racing every
  // step against one long-lived promise (Promise.race) would attach a reaction to it per step, and
  // each reaction keeps that step's result (a worksheet row) alive: memory grew with the sheet.
  let failure0: { error: unknown } | undefined;
  let rejectStep: ((e: unknown) => void) | undefined;
  const fail = (e: unknown): void => {
    failure0 ??= { error: e };
    rejectStep?.(e);
  };
  // A copy of the bytes (up to RETRY_KEEP_BYTES) for one more read when exceljs resolved no shared
  // strings (see `unresolved` below).
  const kept: Uint8Array[] = [];
  let keptBytes = 0;
  let keeping = attempt === 1;
  const keepingChunks = async function* () {
    for await (const chunk of peeked.chunks) {
      if (keeping) {
        if (keptBytes + chunk.length <= RETRY_KEEP_BYTES) {
          kept.push(chunk);
          keptBytes += chunk.length;
        } else {
          keeping = false;
          kept.length = 0;
        }
      }
      yield chunk;
    }
  };
  let unresolved = false;
  const input = Readable.from(keepingChunks(), { objectMode: false });
  input.on('error', (e) => {
    inputError = e;
    fail(e);
  });
  const pipe = input.pipe.bind(input);
  input.pipe = <T extends NodeJS.WritableStream>(destination: T, opts?: { end?: boolean }): T => {
    (destination as unknown as NodeJS.EventEmitter).on('error', (e: unknown) => fail(e));
    return pipe(destination, opts);
  };
  /** Awaits an exceljs step, or fails as soon as the input or the zip stream fails. */
  const step = <T>(p: Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (failure0) {
        p.catch(() => undefined);
        reject(failure0.error);
        return;
      }
      rejectStep = reject;
      p.then(
        (v) => {
          rejectStep = undefined;
          resolve(v);
        },
        (e) => {
          rejectStep = undefined;
          reject(e);
        },
      );
    });

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
  // Which tab to read is only known from xl/workbook.xml and its relationships. exceljs parses a
  // worksheet on the spot once it has the shared strings and the relationships, and copies it to a
  // temporary file to parse after the archive otherwise: the relationships are shown to it only once
  // workbook.xml and styles.xml (number formats: dates) are read too, so every worksheet is parsed
  // when the choice can be made.
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

  let header: ParsedHeader | undefined;
  let headerLine = 0;
  let headerEmitted = false;
  let dataRows = 0;
  let size = 0;
  let sheetCount = 0;
  let stopped = false;
  const failure: { message?: string } = {};
  let choice: ReturnType<typeof chooseSheet> | undefined;
  let chosenRead = false;
  let sheetProblem: string | undefined;

  const sheetNote = (): ReaderEvent | undefined => {
    if (!choice?.ok || choice.others.length === 0) return undefined;
    const visibleOthers = choice.others.filter((x) => x.state !== 'hidden' && x.state !== 'veryHidden');
    const list = choice.others.map((x) => `"${x.name}" (${x.state === 'hidden' || x.state === 'veryHidden' ? x.state : 'visible'})`).join(', ');
    return diagnostic(options, {
      code: 'file.sheet_selected',
      severity: visibleOthers.length > 0 ? 'warning' : 'info',
      message: `Read the worksheet "${choice.sheet.name}", the first visible tab of the workbook; not read: ${list}.${visibleOthers.length > 0 ? ' Only the first visible tab counts: put all monitoring records in it, or upload the other tabs as separate files.' : ''}`,
      actual: choice.sheet.name,
    });
  };
  const emitHeader = function* (): Generator<ReaderEvent> {
    if (!header || headerEmitted) return;
    headerEmitted = true;
    yield headerEvent(header);
    const note = sheetNote();
    if (note) yield note;
    yield* header.diagnostics;
  };

  /** A worksheet that is not read: close its temporary-file stream, if exceljs made one. */
  const release = (sheet: WorksheetInternals): void => {
    const iterator = sheet.iterator as WorksheetInternals['iterator'] & { on?: (event: string, listener: () => void) => void };
    // exceljs deletes the temporary file as soon as it moves on, possibly before this stream has opened
    // it: that ENOENT belongs to a sheet nobody reads and must not surface as an unhandled error.
    if (iterator && typeof iterator.on === 'function') iterator.on('error', () => undefined);
    if (iterator && typeof iterator.destroy === 'function') iterator.destroy();
  };
  const drain = async (): Promise<void> => {
    try {
      for (;;) {
        const next = await step(sheets.next());
        if (next.done) return;
        release(next.value);
      }
    } catch {
      // The archive is damaged further on; nothing more to release.
    }
  };

  try {
    for (;;) {
      let next: IteratorResult<WorksheetInternals>;
      try {
        next = await step(sheets.next());
      } catch (error) {
        if (inputError !== undefined) throw inputError;
        if (isSystemFault(error)) throw error;
        failure.message = error instanceof Error ? error.message : String(error);
        break;
      }
      if (next.done) break;
      sheetCount++;
      const ws = next.value;
      // The first worksheet handed over comes after workbook.xml, its relationships and styles (or after
      // the whole archive, when they are missing): the choice is final now.
      choice ??= chooseSheet(r.model?.sheets, rels);
      if (!choice.ok || choice.file === undefined) {
        sheetProblem = !choice.ok ? choice.why : `its first visible sheet "${choice.sheet.name}" is stored as ${choice.part}, a part this reader cannot open`;
        release(ws);
        await drain();
        break;
      }
      if (chosenRead || ws.sheetFile !== choice.file) {
        release(ws);
        continue;
      }
      chosenRead = true;
      const date1904 = Boolean(r.properties?.model?.date1904);
      const rowsOf = sheetRows(ws.iterator, {
        date1904,
        numFmtOf: (id) => (id > 0 ? (r.styles.getStyleModel(id)?.numFmt ?? undefined) : undefined),
        shared: (i) => strings[i],
      });
      rows: for (;;) {
        let batch: SheetRow[] | undefined;
        try {
          const b = await step(rowsOf.next());
          batch = b.done ? undefined : b.value;
        } catch (error) {
          if (inputError !== undefined) throw inputError;
          if (isSystemFault(error)) throw error;
          failure.message = error instanceof Error ? error.message : String(error);
          break;
        }
        if (!batch) break;
        for (const row of batch) {
          const raw = row.values;
          if (raw.some(isUnresolvedSharedString)) {
            // A text cell whose shared string could not be read: not bad data, a failed read (or a damaged table).
            unresolved = true;
            stopped = true;
            break rows;
          }
          if (row.repeated !== undefined) {
            yield* emitHeader();
            yield unreadable(`the cell ${row.repeated} appears twice in worksheet row ${row.number}, so its value is ambiguous`);
            stopped = true;
            break rows;
          }
          const cells: Cell[] = [];
          let last = 0;
          for (let c = 1; c < raw.length; c++) {
            const cell = (raw[c] ?? null) as Cell;
            cells.push(cell);
            size += cellSize(cell);
            if (!isBlank(cell)) last = c;
          }
          if (size > limits.maxUncompressedBytes) {
            yield* emitHeader();
            yield diagnostic(options, {
              code: 'file.too_large',
              message: `The worksheet holds more than ${limits.maxUncompressedBytes} characters of cell data (reached at worksheet row ${row.number}); split the workbook into smaller files.`,
              line: row.number,
            });
            stopped = true;
            break rows;
          }
          if (last === 0) continue; // empty row
          cells.length = last;
          if (!header) {
            if (last > limits.maxColumns) {
              yield diagnostic(options, {
                code: 'file.too_large',
                message: `The header has ${last} columns, more than the limit of ${limits.maxColumns}; remove the columns the methodology does not need.`,
                line: row.number,
                actual: String(last),
                expected: `at most ${limits.maxColumns} columns`,
              });
              stopped = true;
              break rows;
            }
            header = parseHeader(cells.map(headerText), options, row.number);
            headerLine = row.number;
            continue;
          }
          if (!headerEmitted) {
            const units = unitsRow(cells);
            if (units) {
              const merged = mergeUnits(header, units, options, row.number);
              yield* emitHeader();
              yield* merged;
              continue;
            }
            yield* emitHeader();
          }
          dataRows++;
          const record = emptyCells();
          const width = header.columns.length;
          for (let i = 0; i < width; i++) {
            const key = header.keys[i];
            if (key !== undefined) record[key] = cells[i] ?? null;
          }
          if (last > width) {
            yield diagnostic(options, {
              code: 'record.field_count',
              severity: 'warning',
              message: `Row ${dataRows} (worksheet row ${row.number}) has a value in column ${last}, right of the last header column (${width}); it is ignored: give the column a header or delete the value.`,
              row: dataRows,
              line: row.number,
              actual: `${last} columns`,
              expected: `${width} columns`,
            });
          }
          yield { kind: 'record', row: dataRows, line: row.number, cells: record };
        }
      }
      if (stopped) {
        // Let exceljs finish the archive so it deletes the temporary files it made.
        await drain();
        break;
      }
      if (failure.message !== undefined) break;
    }
  } finally {
    input.destroy();
    await peeked.close();
  }

  if (unresolved) {
    if (!headerEmitted && keeping && keptBytes > 0) {
      const whole = Buffer.concat(kept);
      yield* readXlsx(
        (async function* () {
          yield new Uint8Array(whole);
        })(),
        options,
        attempt + 1,
      );
      return;
    }
    yield* emitHeader();
    yield unreadable('its text cells refer to a shared-string table that could not be read');
    return;
  }
  if (stopped) return;
  // A workbook whose structure was not found (no workbook part, no worksheet, the chosen sheet's part
  // missing) is read once more from the kept bytes before it is called unreadable: under load, exceljs'
  // streamed unzip has been seen to lose an entry of a valid archive (a fixed-seed property test failed
  // 2 runs in 3 on a busy machine, never alone). A truly broken workbook fails twice, and only then is
  // reported; nothing has been emitted yet, so the second read starts clean.
  const structureMissing = sheetCount === 0 || sheetProblem !== undefined || (!chosenRead && choice?.ok === true);
  if (structureMissing && failure.message === undefined && !headerEmitted && keeping && keptBytes > 0) {
    const whole = Buffer.concat(kept);
    yield* readXlsx(
      (async function* () {
        yield new Uint8Array(whole);
      })(),
      options,
      attempt + 1,
    );
    return;
  }
  if (failure.message !== undefined) {
    yield* emitHeader();
    yield unreadable(`the archive is damaged or truncated: ${failure.message.slice(0, 120)}`);
    return;
  }
  if (sheetCount === 0) {
    yield unreadable('it contains no worksheet');
    return;
  }
  if (sheetProblem !== undefined) {
    yield unreadable(sheetProblem);
    return;
  }
  if (!chosenRead && choice?.ok) {
    yield unreadable(`its first visible sheet "${choice.sheet.name}" has no worksheet part (${choice.part}) in the archive`);
    return;
  }
  const which = choice?.ok ? `The worksheet "${choice.sheet.name}" (the first visible tab)` : 'The first worksheet';
  if (!header) {
    const note = sheetNote();
    if (note) yield note;
    yield diagnostic(options, { code: 'file.empty', message: `${which} is empty; put the header in row 1 and the monitoring records below it.` });
    return;
  }
  yield* emitHeader();
  if (dataRows === 0) {
    yield diagnostic(options, {
      code: 'file.no_records',
      message: `${which} has a header (row ${headerLine}) but no data rows; add the monitoring records below the header.`,
      line: headerLine,
    });
  }
}
