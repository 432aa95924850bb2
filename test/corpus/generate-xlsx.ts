/**
 * Generates the corpus files that are binary, large or built by a library, so they are not committed:
 * XLSX workbooks (exceljs), damaged / encrypted / zip-bomb XLSX, and 10 MB single-line files. Run by
 * test/helpers/corpus.ts (`materializeCorpus`) into a temporary directory before the corpus runs.
 *
 * The zip bomb is a hand-built zip (no library writes one): a worksheet whose XML inflates to
 * `BOMB_UNCOMPRESSED_BYTES` from ~1/1000 of that, built by repeating one deflate segment that ends
 * in a full flush (byte-aligned, so copies of it concatenate into one valid deflate stream).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { constants, crc32, deflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';

const HEADER = ['timestamp', 'EG_export', 'EG_import', 'TEG', 'FC_diesel'] as const;
type Value = ExcelJS.CellValue;
const ROWS: Value[][] = [
  ['2015-06-01T00:00:00Z', 13.494, 0, 13.7, 0],
  ['2015-06-01T01:00:00Z', 13.346, 0, 13.549, 0],
  ['2015-06-01T02:00:00Z', 0, 0.045, 0, 0],
  ['2015-06-01T03:00:00Z', 16.65, 0, 16.904, 0],
];
const withCell = (row: number, col: number, v: Value): Value[][] => ROWS.map((r, i) => (i === row ? r.map((c, j) => (j === col ? v : c)) : [...r]));

async function workbook(header: readonly string[] | undefined, rows: readonly Value[][], style?: (ws: ExcelJS.Worksheet) => void): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Monitoring');
  if (header) ws.addRow([...header]);
  for (const r of rows) ws.addRow(r);
  style?.(ws);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Uncompressed size of the zip-bomb worksheet. A guarded reader refuses it on the compression ratio (~1000:1). */
export const BOMB_UNCOMPRESSED_BYTES = 256 * 1024 * 1024;

interface ZipEntry {
  readonly name: string;
  /** Raw deflate data. */
  readonly data: Buffer;
  readonly crc: number;
  readonly size: number;
}

const deflated = (name: string, text: string): ZipEntry => {
  const raw = Buffer.from(text, 'utf8');
  return { name, data: deflateRawSync(raw), crc: crc32(raw), size: raw.length };
};

/** A minimal zip writer (deflate entries, no data descriptors, no zip64): enough for an XLSX. */
export function zip(entries: readonly ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt16LE(0, 10);
    local.writeUInt16LE(0x21, 12);
    local.writeUInt32LE(e.crc >>> 0, 14);
    local.writeUInt32LE(e.data.length, 18);
    local.writeUInt32LE(e.size, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(0, 12);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(e.crc >>> 0, 16);
    central.writeUInt32LE(e.data.length, 20);
    central.writeUInt32LE(e.size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, e.data);
    centrals.push(central, name);
    offset += local.length + name.length + e.data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const CONTENT_TYPES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`;
const RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`;
const WORKBOOK = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Monitoring" sheetId="1" r:id="rId1"/></sheets></workbook>`;
const WORKBOOK_RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`;

/**
 * An XLSX whose only worksheet inflates to `uncompressed` bytes: a header row, then the same data
 * row over and over. About 1000:1, so the file on disk is ~uncompressed/1000.
 */
export function zipBomb(uncompressed = BOMB_UNCOMPRESSED_BYTES): Buffer {
  const inline = (ref: string, t: string) => `<c r="${ref}" t="inlineStr"><is><t>${t}</t></is></c>`;
  const head = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">${HEADER.map((h, i) => inline(`${'ABCDE'[i]}1`, h)).join('')}</row>`;
  const tail = '</sheetData></worksheet>';
  // Every copy claims to be worksheet row 2: the XML stays one repeated pattern (a real bomb would number them; the ratio is what matters).
  const row = `<row r="2">${inline('A2', '2015-06-01T00:00:00Z')}<c r="B2"><v>1</v></c><c r="C2"><v>0</v></c><c r="D2"><v>1</v></c><c r="E2"><v>0</v></c></row>`;
  const block = Buffer.from(row.repeat(Math.ceil((1 << 20) / row.length)), 'utf8');
  const copies = Math.max(1, Math.floor((uncompressed - head.length - tail.length) / block.length));
  const segment = deflateRawSync(block, { level: 9, finishFlush: constants.Z_FULL_FLUSH });
  const headBytes = Buffer.from(head, 'utf8');
  const tailBytes = Buffer.from(tail, 'utf8');
  const headSegment = deflateRawSync(headBytes, { finishFlush: constants.Z_FULL_FLUSH });
  const tailSegment = deflateRawSync(tailBytes);
  let crc = crc32(headBytes);
  for (let i = 0; i < copies; i++) crc = crc32(block, crc);
  crc = crc32(tailBytes, crc);
  const data = Buffer.concat([headSegment, ...Array.from({ length: copies }, () => segment), tailSegment]);
  const size = headBytes.length + copies * block.length + tailBytes.length;
  return zip([
    deflated('[Content_Types].xml', CONTENT_TYPES),
    deflated('_rels/.rels', RELS),
    deflated('xl/workbook.xml', WORKBOOK),
    deflated('xl/_rels/workbook.xml.rels', WORKBOOK_RELS),
    { name: 'xl/worksheets/sheet1.xml', data, crc, size },
  ]);
}

/** One line of `bytes` characters (no line break) after a valid header: past every record-length limit. */
export function longLine(header: string, bytes: number): Buffer {
  return Buffer.concat([Buffer.from(`${header}\n2015-06-01T00:00:00Z,`), Buffer.alloc(bytes, '1')]);
}

/** Every generated corpus file by name. The manifest (test/corpus/manifest.json) marks them `"generated": true`. */
export const GENERATORS: Readonly<Record<string, () => Buffer | Promise<Buffer>>> = {
  'xlsx-valid.xlsx': () => workbook(HEADER, ROWS),
  'xlsx-date-cells.xlsx': () =>
    workbook(
      HEADER,
      ROWS.map((r) => [new Date(String(r[0])), ...r.slice(1)]),
      (ws) => {
        ws.getColumn(1).numFmt = 'yyyy-mm-dd hh:mm:ss';
      },
    ),
  'xlsx-text-number.xlsx': () => workbook(HEADER, withCell(1, 1, 'ten')),
  'xlsx-1e308.xlsx': () => workbook(HEADER, withCell(1, 1, 1e308)),
  'xlsx-negative.xlsx': () => workbook(HEADER, withCell(2, 2, -0.045)),
  'xlsx-local-time-text.xlsx': () => workbook(HEADER, withCell(1, 0, '2015-06-01 01:00')),
  'xlsx-formula-cached.xlsx': () => workbook(HEADER, withCell(0, 1, { formula: '13+0.494', result: 13.494 })),
  'xlsx-formula-no-result.xlsx': () => workbook(HEADER, withCell(1, 1, { formula: 'B2*2' } as Value)),
  'xlsx-error-cell.xlsx': () => workbook(HEADER, withCell(1, 1, { error: '#DIV/0!' } as Value)),
  'xlsx-missing-column.xlsx': () =>
    workbook(
      ['timestamp', 'EG_export', 'TEG', 'FC_diesel'],
      ROWS.map((r) => [r[0], r[1], r[3], r[4]]),
    ),
  'xlsx-header-only.xlsx': () => workbook(HEADER, []),
  'xlsx-empty-sheet.xlsx': () => workbook(undefined, []),
  'xlsx-value-right-of-header.xlsx': () =>
    workbook(
      HEADER,
      ROWS.map((r, i) => (i === 1 ? [...r, 'stray'] : r)),
    ),
  'xlsx-formula-injection.xlsx': () =>
    workbook(
      [...HEADER, "=cmd|' /C calc'!A0"],
      ROWS.map((r, i) => [...r, ['=HYPERLINK("http://evil","x")', '+SUM(1,2)', '-2+3', '@SUM(A1)'][i]!]),
    ),
  'xlsx-truncated.xlsx': async () => {
    const full = await workbook(HEADER, ROWS);
    return full.subarray(0, Math.floor(full.length * 0.6));
  },
  'xlsx-encrypted.xlsx': () =>
    Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504, 0), Buffer.from('EncryptionInfo'.repeat(64), 'utf16le')]),
  'xlsx-not-a-zip.xlsx': () => Buffer.from('timestamp,EG_export\n2015-06-01T00:00:00Z,1\n'),
  'xlsx-zero-bytes.xlsx': () => Buffer.alloc(0),
  'xlsx-zip-bomb.xlsx': () => zipBomb(),
  'csv-10mb-line.csv': () => longLine(HEADER.join(','), 10 * 1024 * 1024),
  'ndjson-10mb-line.ndjson': () =>
    Buffer.concat([Buffer.from('{"timestamp":"2015-06-01T00:00:00Z","EG_export":"'), Buffer.alloc(10 * 1024 * 1024, '1'), Buffer.from('"}\n')]),
};

/** Writes the generated files named in `names` (all by default) into `dir`. */
export async function generateCorpusFiles(dir: string, names: readonly string[] = Object.keys(GENERATORS)): Promise<void> {
  for (const name of names) {
    const make = GENERATORS[name];
    if (!make) throw new Error(`no generator for corpus file ${name}`);
    writeFileSync(join(dir, name), await make());
  }
}
