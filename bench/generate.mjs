/**
 * Deterministic monitoring files for the benchmark (seeded PRNG: the same bytes on every machine).
 *
 * - grid-renewable@1.0.0: 15-minute meter data `timestamp,EG_export,EG_import` (ISO 8601 with Z, MWh
 *   with 3 decimals), a 60 MW solar plant with a day curve, starting 2021-01-01T00:15:00Z.
 * - fgas-abatement@1.0.0: 15-minute gas consumption of 7 gases, the abatement fraction `a`, its
 *   electricity and natural gas.
 * - XLSX: the grid-renewable rows written with exceljs's streaming WorkbookWriter (Date cells).
 *
 * Plus the two project registrations the files are calculated for (Article 6.4, crediting period
 * 2021–2399 so even 10M quarter-hours, 285 years, lie inside it and the result is `accepted`).
 */
import { createWriteStream, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';

const START = Date.UTC(2021, 0, 1, 0, 15);
const STEP = 15 * 60_000;

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const iso = (ms) => `${new Date(ms).toISOString().slice(0, 19)}Z`;

function gridRow(i, rnd) {
  const t = START + i * STEP;
  const hour = ((t / 3_600_000) % 24) - 0.125;
  const sun = Math.max(0, Math.sin(((hour - 6) / 12) * Math.PI));
  const exp = sun > 0 ? sun * 15 * (0.6 + 0.4 * rnd()) : 0;
  const imp = sun > 0 ? 0 : 0.02 + 0.03 * rnd();
  return [t, exp.toFixed(3), imp.toFixed(3)];
}

function fgasRow(i, rnd) {
  const t = START + i * STEP;
  const g = (max, p = 1) => (rnd() < p ? (max * rnd()).toFixed(3) : '0');
  const a = rnd() < 0.95 ? '1' : rnd().toFixed(2);
  return [t, g(0.6), g(0.04), g(0.09), g(0.02, 0.3), g(0.03), g(0.012), g(0.02), a, g(0.013), g(0.002)];
}

async function writeLines(path, header, rows, make, seed) {
  const rnd = mulberry32(seed);
  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  out.write(`${header}\n`);
  let buf = '';
  for (let i = 0; i < rows; i++) {
    const r = make(i, rnd);
    buf += `${iso(r[0])},${r.slice(1).join(',')}\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
}

async function writeXlsx(path, rows, seed) {
  const { default: ExcelJS } = await import('exceljs');
  const rnd = mulberry32(seed);
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: false, useStyles: true });
  const ws = wb.addWorksheet('Monitoring');
  ws.columns = [
    { header: 'timestamp', key: 't', width: 22, style: { numFmt: 'yyyy-mm-dd hh:mm' } },
    { header: 'EG_export', key: 'e', width: 12 },
    { header: 'EG_import', key: 'i', width: 12 },
  ];
  for (let i = 0; i < rows; i++) {
    const [t, e, imp] = gridRow(i, rnd);
    ws.addRow({ t: new Date(t), e: Number(e), i: Number(imp) }).commit();
  }
  ws.commit();
  await wb.commit();
}

export const PROJECTS = {
  grid: {
    schemaVersion: 1,
    id: 'bench-solar',
    name: 'Benchmark: 60 MW solar plant, 15-minute meter data',
    methodology: 'grid-renewable@1.0.0',
    mechanism: 'A6.4',
    hostCountry: 'IN',
    leastDevelopedCountry: false,
    scale: 'large',
    creditingPeriod: { start: '2021-01-01', end: '2399-12-31' },
    pddAnnualEstimate: 90000,
    // The generated files have no FC_diesel column: the monitoring plan says the plant has no diesel back-up.
    sources: { diesel_backup: false },
    parameters: {
      baseline_methodology: 'ACM0002',
      plant_type: 'greenfield',
      technology: 'solar',
      crediting_period_number: 1,
      installed_capacity_MW: 60,
      EF_grid_OM: 0.92,
      EF_grid_BM: 0.68,
    },
  },
  fgas: {
    schemaVersion: 1,
    id: 'bench-fab',
    name: 'Benchmark: semiconductor fab, 15-minute gas consumption',
    methodology: 'fgas-abatement@1.0.0',
    mechanism: 'A6.4',
    hostCountry: 'KR',
    leastDevelopedCountry: false,
    scale: 'large',
    creditingPeriod: { start: '2021-01-01', end: '2399-12-31' },
    pddAnnualEstimate: 38000,
    parameters: { sector: 'semiconductor', nf3_clean_type: 'remote-plasma', abatement_before_project: false, h: 0.1, EF_grid: 0.66 },
  },
};

const GRID_HEADER = 'timestamp,EG_export,EG_import';
const FGAS_HEADER = 'timestamp,FC_NF3,FC_CF4,FC_C2F6,FC_C3F8,FC_cC4F8,FC_SF6,FC_CHF3,a,EC_abatement,FC_NG';

/** The files of the benchmark; `make` writes one if it is not there yet. */
export function files(dir) {
  const f = (name, project, rows, make) => ({ name, path: join(dir, name), project, rows, make });
  return [
    f('grid-100k.csv', 'grid', 100_000, (p) => writeLines(p, GRID_HEADER, 100_000, gridRow, 1)),
    f('grid-1m.csv', 'grid', 1_000_000, (p) => writeLines(p, GRID_HEADER, 1_000_000, gridRow, 2)),
    f('grid-10m.csv', 'grid', 10_000_000, (p) => writeLines(p, GRID_HEADER, 10_000_000, gridRow, 3)),
    f('fgas-1m.csv', 'fgas', 1_000_000, (p) => writeLines(p, FGAS_HEADER, 1_000_000, fgasRow, 4)),
    f('grid-200k.xlsx', 'grid', 200_000, (p) => writeXlsx(p, 200_000, 5)),
  ];
}

/** Writes the project files and every missing data file; returns the file list. */
export async function generate(dir, { quick = false, log = () => {} } = {}) {
  mkdirSync(dir, { recursive: true });
  for (const [k, p] of Object.entries(PROJECTS)) writeFileSync(join(dir, `project-${k}.json`), `${JSON.stringify(p, null, 2)}\n`);
  const list = files(dir).filter((f) => !(quick && f.rows >= 10_000_000));
  for (const f of list) {
    if (existsSync(f.path) && statSync(f.path).size > 0) continue;
    const t = performance.now();
    await f.make(`${f.path}.tmp`);
    const { renameSync } = await import('node:fs');
    renameSync(`${f.path}.tmp`, f.path);
    log(`generated ${f.name} (${(statSync(f.path).size / 1e6).toFixed(1)} MB) in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  return list;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await generate(process.argv[2] ?? 'bench-data', { quick: process.argv.includes('--quick'), log: (m) => console.error(m) });
}
