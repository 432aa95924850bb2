// `mrv calc --workers N`: a CSV file in byte ranges on worker threads gives the one-pass output, byte
// for byte (the merge itself is tested in test/unit/core/calculation/split.test.ts); a file that cannot be
// cut safely is read in one pass, said on stderr.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { registry } from '#methodologies';
import { mrv } from '#test/cli';

const root = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'mrv-workers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fixture = (key: string, file: string) => {
  const m = registry.get(key);
  return join(root, 'methodologies', m.id, m.version, 'fixtures', file);
};

describe('mrv calc --workers', () => {
  // (Each thread compiles the TypeScript through tsx here, seconds each: one module; every module is in the core test.)
  for (const key of ['landfill-gas@1.0.0']) {
    it(`${key}: valid.csv in 3 ranges prints what one pass prints (JSON and text)`, async () => {
      const args = ['--project', fixture(key, 'project.json'), fixture(key, 'valid.csv')];
      for (const json of [['--json'], []]) {
        const one = await mrv(['calc', ...json, ...args, '--workers', '1']);
        const three = await mrv(['calc', ...json, ...args, '--workers', '3']);
        expect(three.err).toMatch(/in 3 byte ranges on worker threads/);
        expect(three.code).toBe(one.code);
        expect(three.out).toBe(one.out);
      }
    }, 120_000);
  }

  it('reads a file whose cuts could fall inside a quoted field in one pass, and says why', async () => {
    const rows = Array.from({ length: 48 }, (_, i) => `2015-06-01T${String(i % 24).padStart(2, '0')}:00:00Z,${i < 24 ? 10 : 11},"0.000",1,0`);
    const file = join(dir, 'quoted.csv');
    writeFileSync(file, `timestamp,EG_export,EG_import,TEG,FC_diesel\n${rows.join('\n')}\n`);
    const r = await mrv(['calc', '--json', '--project', fixture('grid-renewable@1.0.0', 'project.json'), file, '--workers', '2']);
    expect(r.err).toMatch(/in one pass, not in 2 ranges: .*quote/);
    expect(JSON.parse(r.out)).toMatchObject({ file: { format: 'csv' } });
  }, 120_000);

  it('refuses a --workers that is not a whole number from 1 to 64', async () => {
    const r = await mrv(['calc', '--project', fixture('grid-renewable@1.0.0', 'project.json'), fixture('grid-renewable@1.0.0', 'valid.csv'), '--workers', '0']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--workers must be a whole number/);
  });

  it('the prebuilt mrv (dist/cli/calc-worker.mjs) gives the same output as one pass', () => {
    const args = ['calc', '--json', '--project', fixture('grid-renewable@1.0.0', 'project.json'), fixture('grid-renewable@1.0.0', 'valid.csv')];
    const bin = join(root, 'cli/bin/mrv.mjs');
    const one = spawnSync(process.execPath, [bin, ...args, '--workers', '1'], { encoding: 'utf8', cwd: root });
    const two = spawnSync(process.execPath, [bin, ...args, '--workers', '2'], { encoding: 'utf8', cwd: root });
    expect(two.stderr).toMatch(/in 2 byte ranges on worker threads/);
    expect(two.status).toBe(0);
    expect(two.stdout).toBe(one.stdout);
  }, 300_000);
});
