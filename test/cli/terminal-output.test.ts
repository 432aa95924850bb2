/**
 * Regression tests (issue 16 items 15, 16, 18) for what `mrv` writes to a terminal: names from the file
 * never reach it raw (ANSI escapes, bidi and zero-width characters are escaped visibly), a project.json
 * with a UTF-8 BOM is read, and `mrv … | head` ends quietly instead of printing an EPIPE stack trace.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { calculate } from '../../core/calculation/calculate.ts';
import { ProjectSchema } from '../../core/project/project.ts';
import { renderDiagnostic, renderReport } from '../../core/report/render-report.ts';
import { registry } from '../../methodologies/index.ts';
import { renderSummary } from '../../cli/render.ts';
import { mrv } from '../helpers/cli.ts';
import { terminalText } from '../../cli/main.ts';
import { chunked } from '../unit/core/readers/helpers.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const fixtures = join(root, 'methodologies/grid-renewable/1.0.0/fixtures/');
const project = join(fixtures, 'project.json');
const dir = mkdtempSync(join(tmpdir(), 'mrv-term-'));
const file = (name: string, content: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

/** Runs the real binary (stdout/stderr as pipes); `closeStdout` closes the reading end at once, like `| head` does. */
function runBin(args: string[], closeStdout = false): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, 'cli/bin/mrv.mjs'), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, MRV_DEBUG: '' },
    });
    let out = '';
    let err = '';
    if (closeStdout) child.stdout.destroy();
    else child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

// ESC [2J (clear screen), CSI (U+009B), a right-to-left override and a zero-width space in column names.
const HOSTILE = ['\u001b[2J\u001b[31mPWNED', 'x\u009b31m', 'note\u202eevil', 'EG_export\u200b'];
// eslint-disable-next-line no-control-regex
const RAW = /[\u001b\u009b\u202e\u200b]/;

describe('names from the file never reach the terminal or a text report raw', () => {
  const text = `timestamp,${HOSTILE.join(',')},EG_import\n2015-06-01T00:00:00Z,1,2,3,4,0\n`;

  it('renderSummary, renderReport and renderDiagnostic escape control and invisible characters visibly', async () => {
    const r = await calculate({
      source: chunked(text),
      fileName: 'hostile\u001b[2J.csv',
      project: ProjectSchema.parse(JSON.parse(readFileSync(project, 'utf8'))),
      registry,
    });
    expect(r.status).toBe('rejected');
    const summary = renderSummary(r, { maxProblems: 100 });
    expect(summary).not.toMatch(RAW);
    expect(summary).toContain('\\u001b[2J');
    for (const d of r.diagnostics) expect(renderDiagnostic(d)).not.toMatch(RAW);
    const report = renderReport({ ...r, upload: { uploadId: 'u', projectId: 'p\u001b', key: 'uploads/p/\u202e.csv', receivedAt: 'now' } }, { trace: true });
    expect(report).not.toMatch(RAW);
    expect(report).toContain('\\u001b[2J');
  });

  it('a zero-width space in a header: the message says the column has invisible characters, not just "missing"', async () => {
    const r = await calculate({ source: chunked(text), fileName: 'h.csv', project: ProjectSchema.parse(JSON.parse(readFileSync(project, 'utf8'))), registry });
    const missing = r.diagnostics.find((d) => d.code === 'header.missing_column' && d.location?.column === 'EG_export');
    expect(missing?.message).toContain('"EG_export\\u200b", which contains invisible characters');
  });

  it('mrv calc: what processIo writes to stdout/stderr has no raw escape', async () => {
    const r = await mrv(['calc', '--project', project, file('hostile.csv', text)]);
    expect(r.code).toBe(1);
    const written = terminalText(r.out) + terminalText(r.err);
    expect(written).not.toMatch(RAW);
    expect(written).toContain('\\u001b[2J');
    expect(terminalText('a\u001b[31mb\nc')).toBe('a\\u001b[31mb\nc\n');
  });
});

describe('project.json with a UTF-8 byte-order mark', () => {
  it('is read like the same file without it', async () => {
    const withBom = file('bom-project.json', `\uFEFF${readFileSync(project, 'utf8')}`);
    const r = await mrv(['calc', '--project', withBom, join(fixtures, 'valid.csv')]);
    expect(r.err).not.toMatch(/Unexpected token/);
    expect(r.code).toBe(0);
  });
});

describe('mrv … | head', () => {
  it('exits quietly when the reader closes the pipe (no EPIPE stack trace)', async () => {
    const r = await runBin(['methodologies'], true);
    expect(r.err).not.toMatch(/EPIPE|Unhandled 'error' event|\n\s+at /);
    expect(r.code).toBe(0);
  }, 120_000);
});
