/**
 * Cross-format property (issue 16): the same rows through CSV, JSON, NDJSON and XLSX, on the fast and
 * the general paths, give identical results — the same totals, gases, trace, rows, period and QA/QC,
 * and the same diagnostics (severity, code, row, column, message) — over every registered module's
 * fixtures (valid.csv and invalid.csv), with
 * - a random column order (the same in every format of one sample);
 * - random absent optional columns: dropped from the file, or (JSON/NDJSON) a key left out of some
 *   records, or an empty cell;
 * - random cell typing: a plain number as a JSON number or a string, as an XLSX number or text; a
 *   UTC timestamp as an XLSX date or text;
 * - random decoy tabs in the workbook holding other numbers: hidden tabs before the data tab in
 *   workbook order, visible tabs after it, and a random archive order of the worksheet parts.
 *
 * fast-check with a fixed seed and a bounded number of runs per fixture, so it stays in `npm test`.
 * What differs between formats by design is left out of the comparison: the file's name, format,
 * bytes and hash, the physical line of a row, and the XLSX note naming the tab read
 * (file.sheet_selected); quotes around a value in a message (a JSON number is shown without them).
 * Fixture rows whose field count differs from the header (a CSV-only defect with no JSON equivalent)
 * are left out of the generated files.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import JSZip from 'jszip';
import Papa from 'papaparse';
import { afterEach, describe, expect, it } from 'vitest';
import { calculate, recordFastPath } from '../../core/calculation/calculate.ts';
import type { CalculationResult } from '../../core/calculation/result.ts';
import { ProjectSchema, type Project } from '../../core/project/project.ts';
import { csvFastPath } from '../../core/readers/csv.ts';
import type { MonitoringFormat } from '../../core/readers/types.ts';
import { registry } from '../../methodologies/index.ts';
import { fixtureCsvs } from '../unit/core/perf/fixtures.ts';
import { CROSS_FORMAT } from './cross-format-settings.ts';

afterEach(() => {
  recordFastPath.enabled = true;
  csvFastPath.enabled = true;
});

const PLAIN_NUMBER = /^-?(?:\d+(?:\.\d+)?)$/;
const UTC_STAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

interface Sample {
  readonly order: number[];
  readonly dropped: boolean[];
  /** Per row and column: how an empty optional cell is written in JSON (absent key, "" or null). */
  readonly emptyAs: ('absent' | 'empty' | 'null')[][];
  /** Per row and column: write a plain number / UTC timestamp typed (true) or as text. */
  readonly typed: boolean[][];
  readonly hiddenBefore: number;
  readonly visibleAfter: number;
  readonly partOrder: number;
}

function csvCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function typedValue(text: string, kind: string | undefined): string | number | Date {
  if (PLAIN_NUMBER.test(text) && Math.abs(Number(text)) <= 1e15) return Number(text);
  if (
    kind === 'timestamp' &&
    UTC_STAMP.test(text) &&
    !Number.isNaN(Date.parse(text)) &&
    new Date(Date.parse(text)).toISOString().replace('.000Z', 'Z') === text
  )
    return new Date(text);
  return text;
}

async function xlsxBytes(header: string[], rows: (string | number | Date | null)[][], sample: Sample): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  const decoy = rows.map((r) => r.map((c) => (typeof c === 'number' ? 7777 : c)));
  for (let i = 0; i < sample.hiddenBefore; i++) {
    const ws = wb.addWorksheet(`Hidden ${i}`, { state: i % 2 === 0 ? 'hidden' : 'veryHidden' });
    ws.addRow(header);
    for (const r of decoy) ws.addRow(r);
  }
  const data = wb.addWorksheet('Monitoring');
  data.addRow(header);
  for (const r of rows) data.addRow(r);
  for (let i = 0; i < sample.visibleAfter; i++) {
    const ws = wb.addWorksheet(`Other ${i}`);
    ws.addRow(header);
    for (const r of decoy) ws.addRow(r);
  }
  const bytes = await wb.xlsx.writeBuffer();
  if (sample.partOrder === 0) return new Uint8Array(bytes);
  // Another archive order: worksheets in reverse (and, half of the time, workbook.xml last).
  const zip = await JSZip.loadAsync(bytes);
  const names = Object.keys(zip.files).filter((n) => !zip.files[n]!.dir);
  const sheets = names.filter((n) => n.startsWith('xl/worksheets/sheet')).reverse();
  const rest = names.filter((n) => !sheets.includes(n) && !(sample.partOrder === 2 && n === 'xl/workbook.xml'));
  const out = new JSZip();
  for (const n of [...rest.slice(0, 2), ...sheets, ...rest.slice(2), ...(sample.partOrder === 2 ? ['xl/workbook.xml'] : [])])
    out.file(n, await zip.files[n]!.async('uint8array'));
  return new Uint8Array(await out.generateAsync({ type: 'uint8array', compression: 'DEFLATE' }));
}

/** The files of one sample, in every format. */
async function files(
  header: string[],
  rows: string[][],
  kinds: (string | undefined)[],
  optional: boolean[],
  sample: Sample,
): Promise<Record<MonitoringFormat, Uint8Array>> {
  const cols = sample.order.filter((c) => !sample.dropped[c]);
  const names = cols.map((c) => header[c]!);
  const csv = `${names.map(csvCell).join(',')}\n${rows.map((r) => cols.map((c) => csvCell(r[c]!)).join(',')).join('\n')}\n`;
  const records = rows.map((r, i) => {
    const o: Record<string, unknown> = {};
    for (const c of cols) {
      const text = r[c]!;
      if (text === '' && optional[c]) {
        const how = sample.emptyAs[i]![c]!;
        if (how === 'absent') continue;
        o[header[c]!] = how === 'null' ? null : '';
        continue;
      }
      const typed = sample.typed[i]![c]! ? typedValue(text, kinds[c]) : text;
      o[header[c]!] = typed instanceof Date ? text : typed;
    }
    return o;
  });
  // A spreadsheet date cell is a wall time on the site's clock, with no written convention: a UTC stamp
  // becomes a date cell only when every time cell of the column is a UTC stamp (the same column as text
  // with offsets and as typed dates would mix conventions, which the engine refuses in every format).
  const typedOk = (c: number) => kinds[c] !== 'timestamp' || rows.every((r) => UTC_STAMP.test(r[c]!));
  // The time column is typed as a whole (all date cells or all text), as a spreadsheet column is.
  const typedAt = (i: number, c: number) => (kinds[c] === 'timestamp' ? sample.typed[0]![c]! && typedOk(c) : sample.typed[i]![c]!);
  const xlsxRows = rows.map((r, i) => cols.map((c) => (r[c] === '' ? null : typedAt(i, c) ? typedValue(r[c]!, kinds[c]) : r[c]!)));
  const enc = (s: string) => new TextEncoder().encode(s);
  return {
    csv: enc(csv),
    json: enc(`[\n${records.map((o) => JSON.stringify(o)).join(',\n')}\n]\n`),
    ndjson: enc(`${records.map((o) => JSON.stringify(o)).join('\n')}\n`),
    xlsx: await xlsxBytes(names, xlsxRows, sample),
  };
}

/** What must be identical across formats. */
function comparable(r: CalculationResult) {
  const { file: _file, diagnostics, diagnosticCounts, diagnosticsOmitted: _omitted, ...rest } = r;
  const counts = { ...diagnosticCounts };
  delete counts['file.sheet_selected'];
  return {
    ...rest,
    diagnosticCounts: counts,
    diagnostics: diagnostics
      .filter((d) => d.code !== 'file.sheet_selected')
      .map((d) => ({ severity: d.severity, code: d.code, row: d.location?.row, column: d.location?.column, message: d.message.replace(/"/g, '') })),
  };
}

const chunks = (bytes: Uint8Array, size: number) => ({
  async *[Symbol.asyncIterator]() {
    for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
  },
});

describe('cross-format property: CSV, JSON, NDJSON and XLSX, fast and general paths, agree on every module fixture', () => {
  const fixtures = fixtureCsvs().filter((f) => {
    const project = JSON.parse(readFileSync(join(dirname(f.name), 'project.json'), 'utf8')) as { methodology: string };
    return registry.list.some((m) => m.key === project.methodology);
  });

  it('covers every registered module', () => {
    const covered = new Set(
      fixtures.map((f) => (JSON.parse(readFileSync(join(dirname(f.name), 'project.json'), 'utf8')) as { methodology: string }).methodology),
    );
    expect([...covered].sort()).toEqual(registry.list.map((m) => m.key).sort());
  });

  for (const f of fixtures) {
    it(`${f.name.replace(/^methodologies\//, '')}`, async () => {
      const project = ProjectSchema.parse(JSON.parse(readFileSync(join(dirname(f.name), 'project.json'), 'utf8'))) as Project;
      const methodology = registry.get(project.methodology);
      const parsed = Papa.parse<string[]>(new TextDecoder().decode(f.bytes).trimEnd(), { delimiter: ',' }).data;
      const header = parsed[0]!;
      const rows = parsed.slice(1).filter((r) => r.length === header.length);
      const meta = header.map((h) => methodology.columns.find((c) => c.name === h)?.meta);
      const kinds = meta.map((m) => m?.kind);
      const optional = meta.map((m) => Boolean(m?.optional));
      const width = header.length;
      const sample: fc.Arbitrary<Sample> = fc.record({
        order: fc.shuffledSubarray([...header.keys()], { minLength: width, maxLength: width }),
        dropped: fc.tuple(...header.map((_, c) => (optional[c] ? fc.boolean() : fc.constant(false)))),
        emptyAs: fc.array(fc.array(fc.constantFrom('absent' as const, 'empty' as const, 'null' as const), { minLength: width, maxLength: width }), {
          minLength: rows.length,
          maxLength: rows.length,
        }),
        typed: fc.array(fc.array(fc.boolean(), { minLength: width, maxLength: width }), { minLength: rows.length, maxLength: rows.length }),
        hiddenBefore: fc.integer({ min: 0, max: 2 }),
        visibleAfter: fc.integer({ min: 0, max: 1 }),
        partOrder: fc.integer({ min: 0, max: 2 }),
      });
      await fc.assert(
        fc.asyncProperty(sample, fc.integer({ min: 7, max: 4096 }), async (s, chunk) => {
          const byFormat = await files(header, rows, kinds, optional, s);
          let reference: ReturnType<typeof comparable> | undefined;
          for (const format of ['csv', 'json', 'ndjson', 'xlsx'] as const) {
            for (const fast of [true, false]) {
              recordFastPath.enabled = fast;
              csvFastPath.enabled = fast;
              const r = comparable(await calculate({ source: chunks(byFormat[format], chunk), fileName: `upload.${format}`, project, registry }));
              if (!reference) reference = r;
              else expect(r, `${format} ${fast ? 'fast' : 'general'} path`).toEqual(reference);
            }
          }
        }),
        CROSS_FORMAT,
      );
    }, 240_000);
  }
});
