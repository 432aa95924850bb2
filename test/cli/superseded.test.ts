// Module versions that a newer version corrects (methodologies/superseded.ts): still registered and
// calculating for the projects registered under them, but every listing, calculation, registration
// and review says so, naming the correction.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { registry } from '../../methodologies/index.ts';
import { SUPERSEDED } from '../../methodologies/superseded.ts';
import { mrv } from '../helpers/cli.ts';

const fixtures = (key: string) => fileURLToPath(new URL(`../../methodologies/${key.replace('@', '/')}/fixtures/`, import.meta.url));
const semver = (v: string) => v.split('.').map(Number);
const newer = (a: string, b: string) => {
  const [x, y] = [semver(a), semver(b)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i]! > y[i]!;
  return false;
};

describe('superseded module versions', () => {
  it('each names a registered, newer version of the same module and a reason citing the official text', () => {
    expect(Object.keys(SUPERSEDED).length).toBeGreaterThan(0);
    for (const [key, s] of Object.entries(SUPERSEDED)) {
      const old = registry.get(key);
      const by = registry.get(s.by);
      expect(by.id, key).toBe(old.id);
      expect(newer(by.version, old.version), `${s.by} is newer than ${key}`).toBe(true);
      expect(s.reason).toMatch(/TOOL0\d|IPCC|AMS-III\.D|ACM0001/);
      expect(s.reason).not.toMatch(/domain\.md|from memory/);
      expect(registry.supersededBy(s.by), `${s.by} is current`).toBeUndefined();
    }
    expect(registry.supersededBy('jcm-solar-pv@1.0.0')).toBeUndefined();
    expect(registry.supersededBy('toString')).toBeUndefined();
  });

  it('mrv methodologies marks them, text and JSON', async () => {
    const text = await mrv(['methodologies']);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/^grid-renewable@1\.0\.0 .* — superseded by grid-renewable@1\.1\.0$/m);
    expect(text.out).not.toMatch(/^grid-renewable@1\.1\.0 .*superseded/m);
    const json = JSON.parse((await mrv(['methodologies', '--json'])).out) as { key: string; supersededBy?: { by: string } }[];
    expect(json.find((m) => m.key === 'landfill-gas@1.0.0')?.supersededBy?.by).toBe('landfill-gas@2.1.0');
    expect(json.find((m) => m.key === 'landfill-gas@2.0.0')?.supersededBy?.by).toBe('landfill-gas@2.1.0');
    expect(json.find((m) => m.key === 'landfill-gas@2.1.0')?.supersededBy).toBeUndefined();
  });

  it('mrv calc under a superseded version says so after the summary (stderr with --json); under the current one it does not', async () => {
    const old = await mrv(['calc', '--project', `${fixtures('grid-renewable@1.0.0')}project.json`, `${fixtures('grid-renewable@1.0.0')}valid.csv`]);
    expect(old.code).toBe(0);
    expect(old.out).toMatch(/note: Methodology grid-renewable@1\.0\.0 is superseded by grid-renewable@1\.1\.0: .*TOOL03/);
    const oldJson = await mrv([
      'calc',
      '--json',
      '--project',
      `${fixtures('grid-renewable@1.0.0')}project.json`,
      `${fixtures('grid-renewable@1.0.0')}valid.csv`,
    ]);
    expect(() => JSON.parse(oldJson.out)).not.toThrow();
    expect(oldJson.err).toMatch(/superseded by grid-renewable@1\.1\.0/);
    const current = await mrv(['calc', '--project', `${fixtures('grid-renewable@1.1.0')}project.json`, `${fixtures('grid-renewable@1.1.0')}valid.csv`]);
    expect(current.code).toBe(0);
    expect(current.out + current.err).not.toMatch(/superseded/);
  });
});
