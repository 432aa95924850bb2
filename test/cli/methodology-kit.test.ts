/**
 * The methodology authoring kit through the `mrv` entry point: `mrv methodology check | new | doc`.
 *
 * Broken modules are copies of a real module folder, broken one way each. The copies live under
 * `.mrv/tmp/` inside the repository (gitignored, excluded from tsc, eslint and vitest's include):
 * a module imports `#core/…`, which Node resolves through the "imports" of the *nearest*
 * package.json, so a copy under os.tmpdir() would not load at all. Rewriting its imports to absolute
 * paths would work too, but would check a module that differs from what the author wrote; a copy
 * inside the repository is byte-for-byte the module.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import type { Io } from '../../cli/commands/types.ts';
import { renderEquationsMarkdown } from '#core/methodology/render-doc';
import { registry } from '#methodologies';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const methodologies = join(repo, 'methodologies');
let tmp: string;

beforeAll(() => {
  mkdirSync(join(repo, '.mrv', 'tmp'), { recursive: true });
  tmp = mkdtempSync(join(repo, '.mrv', 'tmp', 'methodology-kit-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs `mrv …` in-process with a captured Io. */
async function mrv(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (t) => void out.push(t), err: (t) => void err.push(t), errIsTTY: false, cwd: repo, env: {} };
  const code = await main(argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

let copies = 0;
/** Copies a module version folder to `<tmp>/<n>/<id>/<versionDir>` and applies one change to one file. */
function brokenCopy(from: string, change?: { file: string; replace: string; with: string; all?: boolean }, versionDir?: string): string {
  const [id, version] = from.split('/') as [string, string];
  const target = join(tmp, String(++copies), id, versionDir ?? version);
  cpSync(join(methodologies, from === 'template/1.0.0' ? '_template/1.0.0' : from), target, { recursive: true });
  if (change) {
    const path = join(target, change.file);
    const text = readFileSync(path, 'utf8');
    expect(text.includes(change.replace), `${change.file} contains ${change.replace}`).toBe(true);
    writeFileSync(path, change.all ? text.replaceAll(change.replace, change.with) : text.replace(change.replace, change.with));
  }
  return relative(repo, target);
}

describe('mrv methodology check', () => {
  it.each([...registry.list.map((m) => `${m.id}/${m.version}`), '_template/1.0.0'])('passes on methodologies/%s', async (folder) => {
    // Act
    const r = await mrv('methodology', 'check', `methodologies/${folder}`);
    // Assess
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out).not.toContain('✗');
    expect(r.out).toMatch(/15 checks: 15 passed, 0 failed\./);
  });

  it('passes on an unmodified copy under .mrv/tmp (the copy mechanism itself is sound)', async () => {
    const r = await mrv('methodology', 'check', brokenCopy('grid-renewable/1.0.0'));
    expect(r.code, r.out).toBe(0);
  });

  it('(a) fails naming the equation whose units are inconsistent', async () => {
    // Prepare: MWh − t
    const folder = brokenCopy('grid-renewable/1.0.0', {
      file: 'methodology.ts',
      replace: "expr: 'EG_export - EG_import'",
      with: "expr: 'EG_export - FC_diesel'",
    });
    // Act
    const r = await mrv('methodology', 'check', folder);
    // Assess
    expect(r.code).toBe(1);
    expect(r.out).toContain('✗ the module loads');
    expect(r.out).toMatch(/equation EG_PJ \(ACM0002 .*\): "EG_export - FC_diesel" subtracts kg from MWh/);
  });

  it('(b) fails naming the monitoring column with an unknown unit', async () => {
    const folder = brokenCopy('grid-renewable/1.0.0', {
      file: 'methodology.ts',
      replace: "EG_export: column.number({\n      unit: 'MWh'",
      with: "EG_export: column.number({\n      unit: 'MWhr'",
    });
    const r = await mrv('methodology', 'check', folder);
    expect(r.code).toBe(1);
    expect(r.out).toContain('monitoring column EG_export: unit "MWhr" is not known');
  });

  it('(c) fails naming the fixture row annotated with the wrong code', async () => {
    const folder = brokenCopy('grid-renewable/1.0.0', {
      file: 'fixtures/invalid.expected.json',
      replace: '"row": 2, "column": "EG_export", "code": "row.not_a_number"',
      with: '"row": 2, "column": "EG_export", "code": "row.missing_value"',
    });
    const r = await mrv('methodology', 'check', folder);
    expect(r.code).toBe(1);
    expect(r.out).toContain('✗ reports every annotated row of fixtures/invalid.csv');
    expect(r.out).toContain('row 2 column EG_export: annotated row.missing_value (text in a number column), but the engine gives row.not_a_number (EG_export)');
    expect(r.out).toMatch(/Failed: invalid-fixture\./);
  });

  it('(d) fails on a stale README equations block: edited by hand, or a module changed without doc --write', async () => {
    const edited = brokenCopy('grid-renewable/1.0.0', { file: 'README.md', replace: '| MWh | row |', with: '| GWh | row |' });
    const r1 = await mrv('methodology', 'check', edited);
    expect(r1.code).toBe(1);
    expect(r1.out).toContain('✗ embeds the generated equations block');
    expect(r1.out).toMatch(/stale \(it was edited by hand\); first difference: .*GWh.*run mrv methodology doc grid-renewable@1\.0\.0 --write/);

    const changed = brokenCopy('grid-renewable/1.0.0', {
      file: 'methodology.ts',
      replace: "ref: 'TOOL07 step 6 (w_OM + w_BM = 1)'",
      with: "ref: 'TOOL07 v7.0 step 6 (w_OM + w_BM = 1)'",
    });
    const r2 = await mrv('methodology', 'check', changed);
    expect(r2.code).toBe(1);
    expect(r2.out).toMatch(/stale \(it documents module sha256 [0-9a-f]{16}…, the module is now [0-9a-f]{16}…\); first difference: .*TOOL07 step 6/);

    // `doc <folder> --write` repairs it.
    const w = await mrv('methodology', 'doc', changed, '--write');
    expect(w.code, w.err).toBe(0);
    expect(w.out).toContain('updated the equations block');
    expect((await mrv('methodology', 'check', changed)).code).toBe(0);
    expect((await mrv('methodology', 'doc', changed, '--write')).out).toContain('is up to date');
  });

  it('(e) fails when the folder name is not the module version', async () => {
    const folder = brokenCopy('grid-renewable/1.0.0', undefined, '1.0.1');
    const r = await mrv('methodology', 'check', folder);
    expect(r.code).toBe(1);
    expect(r.out).toContain('✗ lives in the folder <id>/<version>');
    expect(r.out).toContain('the version folder is "1.0.1", but the module declares version "1.0.0"');
  });

  it('exits 2 for usage errors: no folder, two folders, a folder without methodology.ts, an unknown sub-command', async () => {
    for (const argv of [['check'], ['check', 'a', 'b'], ['check', 'methodologies/no-such-module/1.0.0'], ['check', 'methodologies'], ['frobnicate'], []]) {
      const r = await mrv('methodology', ...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err).toMatch(/^mrv methodology: /);
    }
  });

  it('runs as the real CLI (node cli/bin/mrv.mjs, tsx loader): 0 on the template, 1 on a broken copy', { timeout: 300_000 }, () => {
    const ok = spawnSync(process.execPath, ['cli/bin/mrv.mjs', 'methodology', 'check', 'methodologies/_template/1.0.0'], { cwd: repo, encoding: 'utf8' });
    expect(ok.status, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toContain('✓ reports every annotated row');
    const folder = brokenCopy('template/1.0.0', { file: 'fixtures/expected.json', replace: '"units": "574"', with: '"units": "575"' });
    const bad = spawnSync(process.execPath, ['cli/bin/mrv.mjs', 'methodology', 'check', folder], { cwd: repo, encoding: 'utf8' });
    expect(bad.status, bad.stdout + bad.stderr).toBe(1);
    expect(bad.stdout).toContain('issuable units: expected 575, got 574');
  });
});

describe('mrv methodology new', () => {
  it('scaffolds <dir>/<id>/1.0.0 from the template, prints the next steps, and the scaffold passes check', async () => {
    // Act
    const dir = relative(repo, join(tmp, 'new'));
    const r = await mrv('methodology', 'new', 'demo-thing', '--dir', dir);
    // Assess
    expect(r.code, r.err).toBe(0);
    const folder = join(repo, dir, 'demo-thing', '1.0.0');
    for (const f of [
      'methodology.ts',
      'methodology.test.ts',
      'README.md',
      'fixtures/project.json',
      'fixtures/valid.csv',
      'fixtures/invalid.csv',
      'fixtures/invalid.expected.json',
      'fixtures/expected.json',
    ])
      expect(existsSync(join(folder, f)), f).toBe(true);
    expect(readFileSync(join(folder, 'methodology.ts'), 'utf8')).toContain("id: 'demo-thing',");
    expect(readFileSync(join(folder, 'methodology.ts'), 'utf8')).toContain("title: 'Demo thing (new module: describe what it covers)',");
    expect(JSON.parse(readFileSync(join(folder, 'fixtures/project.json'), 'utf8'))).toMatchObject({
      id: 'fixture-demo-thing',
      methodology: 'demo-thing@1.0.0',
    });
    expect(readFileSync(join(folder, 'README.md'), 'utf8')).toMatch(/^# demo-thing@1\.0\.0 — /);
    expect(r.out).toContain("['demo-thing@1.0.0', () => import('./demo-thing/1.0.0/methodology.ts')],");
    expect(r.out).toContain('add this entry to the MODULES list in methodologies/index.ts');
    expect(r.out).toContain(`mrv methodology check ${join(dir, 'demo-thing', '1.0.0')}`);

    const check = await mrv('methodology', 'check', join(dir, 'demo-thing', '1.0.0'));
    expect(check.code, check.out).toBe(0);
    expect(check.out).toMatch(/^demo-thing@1\.0\.0 /);
  });

  it('refuses to overwrite an existing module, and validates the id (exit 2, nothing written)', async () => {
    const dir = relative(repo, join(tmp, 'new-refuse'));
    expect((await mrv('methodology', 'new', 'demo-thing', '--dir', dir)).code).toBe(0);
    const readme = readFileSync(join(repo, dir, 'demo-thing', '1.0.0', 'README.md'), 'utf8');
    const again = await mrv('methodology', 'new', 'demo-thing', '--dir', dir);
    expect(again.code).toBe(2);
    expect(again.err).toContain('already exists; nothing was written');
    expect(readFileSync(join(repo, dir, 'demo-thing', '1.0.0', 'README.md'), 'utf8')).toBe(readme);
    for (const id of ['Demo_Thing', 'demo--thing', '-demo', 'template']) {
      const r = await mrv('methodology', 'new', id, '--dir', dir);
      expect(r.code, id).toBe(2);
      expect(existsSync(join(repo, dir, id)), id).toBe(false);
    }
    expect((await mrv('methodology', 'new', 'Demo_Thing', '--dir', dir)).err).toContain('kebab-case');
  });

  it('refuses a --dir outside the repository, where #core imports cannot resolve (exit 2)', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'mrv-kit-'));
    try {
      const r = await mrv('methodology', 'new', 'demo-thing', '--dir', outside);
      expect(r.code).toBe(2);
      expect(r.err).toContain('must lie inside this repository');
      expect(existsSync(join(outside, 'demo-thing'))).toBe(false);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});

describe('mrv methodology doc', () => {
  it('prints the equations block of a registered module, rendered from the expressions that run', async () => {
    const r = await mrv('methodology', 'doc', 'grid-renewable@1.0.0');
    expect(r.code).toBe(0);
    expect(r.out).toBe(renderEquationsMarkdown(registry.get('grid-renewable@1.0.0')));
    expect(r.out).toContain('| `EG_PJ` | $EG\\_export- EG\\_import$ | MWh | row |');
  });

  it('accepts an id with one registered version, and a module folder', async () => {
    expect((await mrv('methodology', 'doc', 'jcm-chiller')).out).toBe(renderEquationsMarkdown(registry.get('jcm-chiller@1.0.0')));
    const t = await mrv('methodology', 'doc', 'methodologies/_template/1.0.0');
    expect(t.code).toBe(0);
    expect(t.out).toContain('Equations of `template@1.0.0`');
  });

  it('exits 2 for an unknown module and for --write into a README without markers', async () => {
    expect((await mrv('methodology', 'doc', 'no-such-module@1.0.0')).code).toBe(2);
    const folder = brokenCopy('template/1.0.0', { file: 'README.md', replace: '<!-- mrv:equations:end -->', with: '' });
    const r = await mrv('methodology', 'doc', folder, '--write');
    expect(r.code).toBe(2);
    expect(r.err).toContain('no generated equations block');
  });
});
