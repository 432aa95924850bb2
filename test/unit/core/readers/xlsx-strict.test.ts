/**
 * Regression tests (issue 16 items 2, 3, 16) for XLSX: the tab read is the first visible one in
 * workbook order, whatever the archive order; cell values are decoded exactly as strictly as the same
 * text in CSV (a numeric cell holding `13,494` is the text `13,494`, never 13); ISO date cells
 * (`t="d"`) are dates, never a year; booleans are never numbers; phonetic runs are not text.
 */
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { calculate } from '../../../../core/calculation/calculate.ts';
import { ProjectSchema, type Project } from '../../../../core/project/project.ts';
import { registry } from '../../../../methodologies/index.ts';
import { chunked, collect } from './helpers.ts';

/**
 * The fixture plant without its reservoir and with a monitoring plan that rules out diesel back-up, so
 * files of timestamp, EG_export and EG_import alone are complete (TEG and FC_diesel may be left out).
 */
function noReservoirNoDiesel(p: { parameters: Record<string, unknown> }) {
  return { ...p, sources: { diesel_backup: false }, parameters: { ...p.parameters, Cap_PJ: 0, A_PJ: 0 } };
}

const project = ProjectSchema.parse(
  noReservoirNoDiesel(JSON.parse(readFileSync('methodologies/grid-renewable/1.0.0/fixtures/project.json', 'utf8'))),
) as Project;
const HEADER = ['timestamp', 'EG_export', 'EG_import'];
const GOOD = [
  ['2015-06-01T00:00:00Z', 13.494, 0],
  ['2015-06-01T01:00:00Z', 13.346, 0],
];
const SECRET = [
  ['2015-06-01T00:00:00Z', 9999, 0],
  ['2015-06-01T01:00:00Z', 9999, 0],
];

async function book(tabs: { name: string; rows: unknown[][]; state?: 'visible' | 'hidden' | 'veryHidden' }[]): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  for (const t of tabs) {
    const ws = wb.addWorksheet(t.name, { state: t.state ?? 'visible' });
    for (const r of t.rows) ws.addRow(r);
  }
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

/** Rewrites parts of a workbook (e.g. one worksheet's XML); `order` puts these entries first in the archive. */
async function patch(bytes: Uint8Array, edit: Record<string, (xml: string) => string>, order: string[] = []): Promise<Uint8Array> {
  const zip = await JSZip.loadAsync(bytes);
  const names = Object.keys(zip.files).filter((n) => !zip.files[n]!.dir);
  const out = new JSZip();
  for (const name of [...order.filter((n) => names.includes(n)), ...names.filter((n) => !order.includes(n))]) {
    let text = await zip.files[name]!.async('string');
    if (edit[name]) text = edit[name]!(text);
    out.file(name, text);
  }
  return new Uint8Array(await out.generateAsync({ type: 'uint8array', compression: 'DEFLATE' }));
}

const calc = (bytes: Uint8Array | string, fileName: string) => calculate({ source: chunked(bytes, 512), fileName, project, registry });
const csvText = (rows: unknown[][]) =>
  `${HEADER.join(',')}\n${rows.map((r) => r.map((c) => (/[",]/.test(String(c)) ? `"${String(c).replace(/"/g, '""')}"` : String(c))).join(',')).join('\n')}\n`;

describe('XLSX: the first visible tab in workbook order', () => {
  it('a hidden sheet stored first in the archive does not supply the numbers', async () => {
    for (const state of ['hidden', 'veryHidden'] as const) {
      const bytes = await book([
        { name: 'Secret', rows: [HEADER, ...SECRET], state },
        { name: 'Monitoring', rows: [HEADER, ...GOOD] },
      ]);
      const r = await calc(bytes, 'h.xlsx');
      const reference = await calc(csvText(GOOD), 'h.csv');
      expect(r.totals, state).toEqual(reference.totals);
      expect(r.diagnostics.find((d) => d.code === 'file.sheet_selected')).toMatchObject({
        severity: 'info',
        actual: 'Monitoring',
        message: expect.stringContaining(`"Secret" (${state})`),
      });
    }
  });

  it('workbook order, not archive order: the tab listed first in xl/workbook.xml is read even when its part is stored last', async () => {
    const bytes = await book([
      { name: 'Monitoring', rows: [HEADER, ...GOOD] },
      { name: 'Secret', rows: [HEADER, ...SECRET] },
    ]);
    // Put sheet2 (Secret) before sheet1 in the archive and workbook.xml after both.
    const reordered = await patch(bytes, {}, [
      '[Content_Types].xml',
      '_rels/.rels',
      'xl/worksheets/sheet2.xml',
      'xl/worksheets/sheet1.xml',
      'xl/sharedStrings.xml',
      'xl/styles.xml',
      'xl/_rels/workbook.xml.rels',
    ]);
    const r = await calc(reordered, 'o.xlsx');
    expect(r.totals).toEqual((await calc(csvText(GOOD), 'o.csv')).totals);
    expect(r.diagnostics.find((d) => d.code === 'file.sheet_selected')).toMatchObject({ severity: 'warning', actual: 'Monitoring' });
    // …and when workbook.xml lists Secret first, Secret is read, wherever its part is stored.
    const swapped = await patch(reordered, {
      'xl/workbook.xml': (x) => x.replace(/(<sheet [^>]*name="Monitoring"[^>]*\/>)(<sheet [^>]*name="Secret"[^>]*\/>)/, '$2$1'),
    });
    const s = await calc(swapped, 's.xlsx');
    expect(s.totals).toEqual((await calc(csvText(SECRET), 's.csv')).totals);
  });

  it('every tab hidden, or the first visible tab missing from the archive: unreadable, never another tab', async () => {
    const hidden = await book([{ name: 'A', rows: [HEADER, ...GOOD], state: 'hidden' }]);
    expect((await collect(hidden, 'xlsx', {}, 1024)).diagnostics).toEqual([
      expect.objectContaining({ code: 'file.unreadable', message: expect.stringContaining('every sheet of the workbook is hidden') }),
    ]);
    const two = await book([
      { name: 'Monitoring', rows: [HEADER, ...GOOD] },
      { name: 'Other', rows: [HEADER, ...SECRET] },
    ]);
    const zip = await JSZip.loadAsync(two);
    zip.remove('xl/worksheets/sheet1.xml');
    const missing = await collect(new Uint8Array(await zip.generateAsync({ type: 'uint8array' })), 'xlsx', {}, 1024);
    expect(missing.records).toEqual([]);
    expect(missing.codes).toEqual(['file.unreadable']);
  });
});

describe('XLSX cells are read as strictly as CSV text', () => {
  /** The GOOD workbook with the EG_export value of data row 1 (cell B2) replaced by raw XML. */
  const withB2 = async (cellXml: string) =>
    patch(await book([{ name: 'Monitoring', rows: [HEADER, ...GOOD] }]), {
      'xl/worksheets/sheet1.xml': (x) => x.replace(/<c r="B2"[^>]*>.*?<\/c>/, cellXml.replace('REF', 'B2')),
    });

  it.each([
    ['<c r="REF"><v>13,494</v></c>', '13,494'],
    ['<c r="REF" t="n"><v>0x2D</v></c>', '0x2D'],
    ['<c r="REF"><v>12.5 MWh</v></c>', '12.5 MWh'],
    ['<c r="REF"><v>1_000</v></c>', '1_000'],
    ['<c r="REF"><v> </v></c>', ' '],
    ['<c r="REF"><v>INF</v></c>', 'INF'],
  ])('numeric cell %s gives the same diagnostic as the CSV text %j', async (xml, text) => {
    const x = await calc(await withB2(xml), 'v.xlsx');
    const c = await calc(csvText([[GOOD[0]![0], text, 0], GOOD[1]!]), 'v.csv');
    const codes = (r: typeof x) => r.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.location?.row, d.location?.column]);
    expect(codes(x)).toEqual(codes(c));
    expect(codes(x).length).toBeGreaterThan(0);
    expect(x.status).toBe('rejected');
  });

  it.each([
    ['a boolean cell', '<c r="REF" t="b"><v>1</v></c>'],
    ['a boolean formula result', '<c r="REF" t="b"><f>TRUE()</f><v>1</v></c>'],
  ])('%s in a number column is an error, never 1', async (_, xml) => {
    const x = await calc(await withB2(xml), 'b.xlsx');
    expect(x.status).toBe('rejected');
    expect(x.diagnostics.find((d) => d.severity === 'error')).toMatchObject({ code: 'row.not_a_number', location: { row: 1, column: 'EG_export' } });
  });

  it('an ISO date cell (t="d") is that instant, never its year', async () => {
    const bytes = await patch(await book([{ name: 'Monitoring', rows: [HEADER, ...GOOD] }]), {
      'xl/worksheets/sheet1.xml': (x) =>
        x
          .replace(/<c r="A2"[^>]*>.*?<\/c>/, '<c r="A2" t="d"><v>2015-06-01T00:00:00</v></c>')
          .replace(/<c r="A3"[^>]*>.*?<\/c>/, '<c r="A3" t="d"><v>2015-06-01T01:00:00Z</v></c>'),
    });
    const r = await collect(bytes, 'xlsx', {}, 1024);
    expect(r.records.map((x) => x.cells.timestamp)).toEqual([new Date('2015-06-01T00:00:00Z'), new Date('2015-06-01T01:00:00Z')]);
    expect((await calc(bytes, 'd.xlsx')).totals).toEqual((await calc(csvText(GOOD), 'd.csv')).totals);
  });

  it('a shared string with a phonetic reading is its text, not the reading', async () => {
    const bytes = await patch(await book([{ name: 'Monitoring', rows: [HEADER, ['2015-06-01T00:00:00Z', 'five', 0]] }]), {
      'xl/sharedStrings.xml': (x) => x.replace('<t>five</t>', '<t>5</t><rPh sb="0" eb="1"><t>50</t></rPh>'),
    });
    const r = await collect(bytes, 'xlsx', {}, 1024);
    expect(r.records[0]!.cells.EG_export).toBe('5');
  });

  it('a cell listed twice in one row is refused (its value would be ambiguous)', async () => {
    const bytes = await withB2('<c r="B2"><v>1</v></c><c r="B2"><v>9999</v></c>');
    const r = await collect(bytes, 'xlsx', {}, 1024);
    expect(r.codes).toContain('file.unreadable');
    expect(r.records).toEqual([]);
  });
});
