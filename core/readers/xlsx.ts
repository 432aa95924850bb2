/**
 * Streaming XLSX reader on exceljs's `stream.xlsx.WorkbookReader`.
 *
 * - Only the first worksheet the zip delivers is read (normally `sheet1.xml`, the first tab); the
 *   other worksheets are drained unread so exceljs can release them.
 * - The header is the first non-empty row (normally row 1); `line` is the worksheet row number.
 *   Empty rows are skipped and do not consume a row number.
 * - Cells: numbers, booleans and Dates (date-formatted cells) keep their type; a formula gives its
 *   cached result (`null` if the file has none; a date-formatted numeric result becomes a Date; an
 *   error result becomes `'#ERROR'` because exceljs's streaming reader loses its text); rich text
 *   and hyperlinks give their plain text; an error cell gives its error text (`'#DIV/0!'`); an empty
 *   cell is `null`.
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
import { Readable } from 'node:stream';
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
const FORMULA_ERROR = '#ERROR';

/** True for number formats that show a date or time (`yyyy-mm-dd`, `h:mm`), ignoring quoted text and `[color]` sections. */
export function isDateFormat(numFmt: string | undefined): boolean {
  if (!numFmt) return false;
  const bare = numFmt.replace(/"[^"]*"/g, '').replace(/\[[^\]]*\]/g, '').replace(/\\./g, '');
  return /[dmyhs]/i.test(bare) && !/^General$/i.test(bare);
}

function excelSerialToDate(serial: number, date1904: boolean): Date {
  return new Date(Math.round((serial - 25569 + (date1904 ? 1462 : 0)) * 86_400_000));
}

interface RichTextRun {
  readonly text?: string;
}

/** Converts an exceljs cell value to a reader {@link Cell}. */
export function toCell(value: unknown, numFmt: string | undefined, date1904: boolean): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isNaN(value) ? FORMULA_ERROR : value;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (value instanceof Date) return value;
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if ('formula' in v || 'sharedFormula' in v) {
      const result = v.result;
      if (result === undefined || result === null) return null;
      if (typeof result === 'number' && Number.isFinite(result) && isDateFormat(numFmt)) return excelSerialToDate(result, date1904);
      if (typeof result === 'object' && result !== null && 'error' in result) return String((result as { error: unknown }).error);
      return toCell(result, undefined, date1904);
    }
    if (Array.isArray(v.richText)) return (v.richText as RichTextRun[]).map((r) => r.text ?? '').join('');
    if ('error' in v) return String(v.error);
    if ('text' in v) return toCell(v.text, numFmt, date1904);
    return JSON.stringify(value) ?? null;
  }
  return String(value);
}

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

/** The structural part of an exceljs streaming row we rely on. */
interface StreamRow {
  readonly number: number;
  readonly values: unknown;
  getCell(col: number): { readonly value: unknown; readonly numFmt?: string };
}

/** Reads the first worksheet of an XLSX byte stream into header, record and diagnostic events. Never throws on bad data. */
export async function* readXlsx(source: ByteSource, options: ReadOptions, attempt = 1): AsyncGenerator<ReaderEvent> {
  const limits = resolveLimits(options);
  const peeked = await peek(source);
  const unreadable = (why: string): ReaderEvent =>
    diagnostic(options, { code: 'file.unreadable', message: `The file is not a readable XLSX workbook (${why}); save it from Excel as "Excel Workbook (.xlsx)" without a password and upload it again.` });
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
  // exceljs/exceljs#3064), so a valid workbook was rejected now and then. An empty model until
  // workbook.xml is parsed lets the worksheet be read (we read the first one, by archive order, and
  // need none of the workbook's sheet names).
  (reader as unknown as { model?: unknown }).model ??= { sheets: [] };
  const sheets = reader[Symbol.asyncIterator]() as AsyncIterator<AsyncIterable<StreamRow>>;

  let header: ParsedHeader | undefined;
  let headerLine = 0;
  let headerEmitted = false;
  let dataRows = 0;
  let size = 0;
  let sheetCount = 0;
  let stopped = false;
  const failure: { message?: string } = {};

  const emitHeader = function* (): Generator<ReaderEvent> {
    if (!header || headerEmitted) return;
    headerEmitted = true;
    yield headerEvent(header);
    yield* header.diagnostics;
  };

  /** A worksheet that is not read: close its temporary-file stream, if exceljs made one. */
  const release = (sheet: unknown): void => {
    const iterator = (sheet as { iterator?: { destroy?: () => void } }).iterator;
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
      let next: IteratorResult<AsyncIterable<StreamRow>>;
      try {
        next = await step(sheets.next());
      } catch (error) {
        if (inputError !== undefined) throw inputError;
        failure.message = error instanceof Error ? error.message : String(error);
        break;
      }
      if (next.done) break;
      sheetCount++;
      if (sheetCount > 1) {
        release(next.value);
        continue;
      }
      const date1904 = Boolean((reader as unknown as { properties?: { model?: { date1904?: boolean } } }).properties?.model?.date1904);
      // Rows in batches: exceljs's WorksheetReader.parse() yields the events of one chunk of XML
      // at a time (its async iterator only unpacks those batches row by row, one await per row).
      const sheet = next.value as AsyncIterable<StreamRow> & { parse?: () => AsyncIterator<{ eventType: string; value: unknown }[]> };
      const batches = typeof sheet.parse === 'function' ? sheet.parse() : undefined;
      const single = batches ? undefined : sheet[Symbol.asyncIterator]();
      const nextBatch = async (): Promise<StreamRow[] | undefined> => {
        if (batches) {
          const b = await batches.next();
          if (b.done) return undefined;
          const out: StreamRow[] = [];
          for (const e of b.value) if (e.eventType === 'row') out.push(e.value as StreamRow);
          return out;
        }
        const r = await single!.next();
        return r.done ? undefined : [r.value];
      };
      rows: for (;;) {
        let batch: StreamRow[] | undefined;
        try {
          batch = await step(nextBatch());
        } catch (error) {
          if (inputError !== undefined) throw inputError;
          failure.message = error instanceof Error ? error.message : String(error);
          break;
        }
        if (!batch) break;
        for (const row of batch) {
        const raw = row.values as unknown[];
        if (raw.some(isUnresolvedSharedString)) {
          // exceljs read the worksheet without the shared-string table (now and then under load its
          // zip reader reports the sheet before sharedStrings.xml): not bad data, a failed read.
          unresolved = true;
          stopped = true;
          break rows;
        }
        const cells: Cell[] = [];
        let last = 0;
        for (let c = 1; c < raw.length; c++) {
          const v = raw[c];
          const cell = v === undefined || v === null ? null : toCell(v, typeof v === 'number' || typeof v === 'object' ? row.getCell(c).numFmt : undefined, date1904);
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
        release(next.value);
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
      yield* readXlsx((async function* () { yield new Uint8Array(whole); })(), options, attempt + 1);
      return;
    }
    yield* emitHeader();
    yield unreadable('its text cells refer to a shared-string table that could not be read');
    return;
  }
  if (stopped) return;
  if (failure.message !== undefined) {
    yield* emitHeader();
    yield unreadable(`the archive is damaged or truncated: ${failure.message.slice(0, 120)}`);
    return;
  }
  if (sheetCount === 0) {
    yield unreadable('it contains no worksheet');
    return;
  }
  if (!header) {
    yield diagnostic(options, { code: 'file.empty', message: 'The first worksheet is empty; put the header in row 1 and the monitoring records below it.' });
    return;
  }
  yield* emitHeader();
  if (dataRows === 0) {
    yield diagnostic(options, {
      code: 'file.no_records',
      message: `The first worksheet has a header (row ${headerLine}) but no data rows; add the monitoring records below the header.`,
      line: headerLine,
    });
  }
}
