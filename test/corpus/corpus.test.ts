/**
 * The hostile-file corpus through the CLI (`mrv calc --json --project … file`): every file in
 * test/corpus/manifest.json gets its documented exit code and status, the expected diagnostic codes
 * (at the stated row/column), a report that names the problem, and stays byte-identical. Nothing
 * throws past the CLI (exit 3) and nothing hangs (per-file timeout; files that could exhaust the
 * process run in a child process with a time and heap cap).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderDiagnosticsCsv, renderReport } from '../../core/report/render-report.ts';
import type { UploadReport } from '../../core/report/upload-report.ts';
import type { Diagnostic } from '../../core/validation/diagnostic.ts';
import { mrv } from '../helpers/cli.ts';
import { calcArgs, checkOutcome, loadManifest, materializeCorpus, outcomeOf, type MaterializedEntry } from '../helpers/corpus.ts';

const manifest = loadManifest();
const dir = mkdtempSync(join(tmpdir(), 'mrv-corpus-'));
const MRV_BIN = fileURLToPath(new URL('../../cli/bin/mrv.mjs', import.meta.url));
/** Per-file safety net for the in-process runs (the slowest file takes ~0.1 s): catches a hang, not slowness. */
const PER_FILE_MS = 60_000;
/**
 * Child-process caps for `isolate` entries. The heap cap is the real guard (a zip bomb that inflated would
 * exceed it); the time cap only catches a hang, and is generous because a child pays tsx start-up, which on
 * a loaded 2-core machine alone can take tens of seconds.
 */
const ISOLATE = { timeoutMs: 150_000, heapMb: 256 } as const;

let entries: MaterializedEntry[] = [];
const reports = new Map<string, { json: UploadReport | undefined; diagnostics: Diagnostic[] }>();
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

beforeAll(async () => {
  entries = await materializeCorpus(dir);
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the corpus itself', () => {
  it(`has at least 60 hostile files across CSV, JSON and XLSX, each with a reason (${new Set(manifest.map((e) => e.file)).size} files, ${manifest.length} entries)`, () => {
    const files = new Set(manifest.map((e) => e.file));
    expect(files.size).toBeGreaterThanOrEqual(60);
    const byFormat = (f: string) => new Set(manifest.filter((e) => e.format === f).map((e) => e.file)).size;
    expect(byFormat('csv')).toBeGreaterThanOrEqual(20);
    expect(byFormat('json') + byFormat('ndjson')).toBeGreaterThanOrEqual(10);
    expect(byFormat('xlsx')).toBeGreaterThanOrEqual(10);
    expect(new Set(manifest.map((e) => `${e.file} ${e.project ?? ''}`)).size).toBe(manifest.length);
  });
});

/** Runs `mrv calc` in-process, failing (not hanging) after `ms`. */
async function runWithin(args: string[], ms: number) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`mrv ${args.join(' ')} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([mrv(args), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs the real CLI in a child process with a heap cap; killed after `timeoutMs`. */
function runIsolated(args: string[]): Promise<{ code: number; out: string; err: string; ms: number; killed: boolean }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [`--max-old-space-size=${ISOLATE.heapMb}`, MRV_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let killed = false;
    child.stdout.on('data', (b: Buffer) => void (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => void (err += b.toString()).slice(-4000));
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, ISOLATE.timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : -1), out, err: err.slice(-2000), ms: Date.now() - started, killed });
    });
  });
}

describe('mrv calc on every corpus file', () => {
  for (const e of manifest.filter((m) => !m.isolate)) {
    const name = e.project ? `${e.file} with ${e.project}` : e.file;
    it(`${name} → exit ${e.expect.exit}${e.expect.status ? ` ${e.expect.status}` : ''} ${e.expect.codes.join(', ')} (${e.why})`, async () => {
      const entry = entries.find((x) => x.name === name)!;
      const before = sha(entry.path);
      const run = await runWithin(calcArgs(entry), PER_FILE_MS);
      const outcome = outcomeOf(run);
      expect(run.err, 'no internal error').not.toMatch(/internal error/);
      expect(checkOutcome(entry, outcome)).toEqual([]);

      // The human-readable report names every expected problem (its code and, for rows, the row).
      if (e.expect.exit !== 2) {
        const text = await runWithin(calcArgs(entry, false), PER_FILE_MS);
        expect(text.code, `exit code of the text run (the JSON run gave ${run.code}); output:\n${text.out}\n${text.err}`).toBe(e.expect.exit);
        // (the CLI summary lists errors and warnings; info diagnostics such as unit conversions are in the JSON)
        const shown = outcome.diagnostics.filter((d) => d.severity !== 'info').map((d) => d.code);
        for (const code of e.expect.codes.filter((c) => c.split('|').some((x) => shown.includes(x))))
          expect(text.out).toMatch(
            new RegExp(
              code
                .split('|')
                .map((c) => c.replace(/\./g, '\\.'))
                .join('|'),
            ),
          );
        if (e.expect.row !== undefined) expect(text.out).toMatch(new RegExp(`row ${e.expect.row}\\b`));
      }
      expect(sha(entry.path), 'the raw file is never modified').toBe(before);
      const json = run.code === 2 ? undefined : (JSON.parse(run.out) as UploadReport);
      reports.set(name, { json, diagnostics: outcome.diagnostics as Diagnostic[] });
    });
  }

  // BUG (core/readers/xlsx.ts:16-18, limits in core/readers/types.ts:32/39): maxCompressionRatio (200) is
  // declared as the zip-bomb guard but never enforced; the 1.1 MB bomb runs until killed (~65 s and a heap
  // OOM at 512 MB for a 512 MiB sheet when run by hand).
  for (const e of manifest.filter((m) => m.isolate)) {
    it(
      `${e.file} → exit ${e.expect.exit} ${e.expect.codes.join(', ')} within ${ISOLATE.timeoutMs / 1000} s and ${ISOLATE.heapMb} MB of heap (${e.why})`,
      async () => {
        const entry = entries.find((x) => x.name === e.file)!;
        const before = sha(entry.path);
        const run = await runIsolated(calcArgs(entry));
        expect({ killedAfterTimeout: run.killed, outOfMemory: /heap out of memory/.test(run.err) }).toEqual({ killedAfterTimeout: false, outOfMemory: false });
        expect(checkOutcome(entry, outcomeOf(run))).toEqual([]);
        expect(sha(entry.path)).toBe(before);
      },
      ISOLATE.timeoutMs + 10_000,
    );
  }
});

describe('reports built from corpus diagnostics', () => {
  it('no prototype was polluted by __proto__ / constructor keys and column names', () => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
  });

  it('the diagnostics CSV of every corpus run starts no cell with = + - @ (tab, CR) unless neutralised with a quote', () => {
    const all = [...reports.values()].flatMap((r) => r.diagnostics);
    expect(all.length).toBeGreaterThan(60);
    // The payloads really reach the report (as column names and as `actual` values).
    expect(all.some((d) => d.location?.column?.startsWith('='))).toBe(true);
    expect(all.some((d) => d.actual?.includes('@SUM'))).toBe(true);
    const csv = renderDiagnosticsCsv(all);
    const parsed = Papa.parse<string[]>(csv, { skipEmptyLines: true });
    expect(parsed.errors).toEqual([]);
    expect(parsed.data.length).toBe(all.length + 1);
    const dangerous = parsed.data.flat().filter((cell) => /^[=+\-@\t\r]/.test(cell) && !/^-?\d+(?:\.\d+)?$/.test(cell));
    expect(dangerous).toEqual([]);
    // …and the neutralised payloads are still there, readable.
    expect(parsed.data.flat().some((cell) => cell.startsWith("'=cmd|"))).toBe(true);
  });

  it('the text report of every corpus run is one line per diagnostic: control characters from the file are escaped', () => {
    for (const [name, r] of reports) {
      if (!r.json) continue;
      const text = renderReport({
        ...r.json,
        upload: { uploadId: 'u'.repeat(32), projectId: 'p', key: `uploads/p/${name}`, receivedAt: '2024-01-01T00:00:00Z' },
      });
      const diagLines = text.split('\n').filter((l) => /^ {2}(ERROR|WARNING|INFO) /.test(l));
      expect(diagLines.length, name).toBe(r.json.diagnostics.length);
      // eslint-disable-next-line no-control-regex
      expect(text, name).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    }
  });
});
