import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UnknownMethodologyError } from '#core/errors';
import { registry } from '#methodologies';

const root = new URL('../../../../methodologies/', import.meta.url);

describe('the methodology registry (methodologies/index.ts)', () => {
  it('registers exactly the module folders on disk, by exact id@version (the template is not registered)', () => {
    const onDisk = readdirSync(root, { withFileTypes: true })
      .filter((d) => d.isDirectory() && !d.name.startsWith('_'))
      .flatMap((d) =>
        readdirSync(new URL(`${d.name}/`, root))
          .filter((v) => existsSync(new URL(`${d.name}/${v}/methodology.ts`, root)))
          .map((v) => `${d.name}@${v}`),
      )
      .sort();
    expect(registry.list.map((m) => m.key)).toEqual(onDisk);
    expect(registry.list.map((m) => m.key)).toEqual(
      expect.arrayContaining(['fgas-abatement@1.0.0', 'grid-renewable@1.0.0', 'landfill-gas@1.0.0', 'manure-methane@1.0.0']),
    );
  });

  it('has no "latest": an unregistered version throws UnknownMethodologyError naming the registered ones', () => {
    expect(() => registry.get('grid-renewable@1.0.1')).toThrow(UnknownMethodologyError);
    expect(() => registry.get('grid-renewable@1.0.1')).toThrow(/grid-renewable@1\.0\.0/);
  });

  it('runs the conformance suite for every registered module', () => {
    for (const m of registry.list) {
      const test = new URL(`${m.id}/${m.version}/methodology.test.ts`, root);
      expect(existsSync(test), `${m.key} has methodology.test.ts`).toBe(true);
      expect(readFileSync(test, 'utf8')).toContain('describeConformance(methodology');
      for (const f of [
        'README.md',
        'fixtures/project.json',
        'fixtures/valid.csv',
        'fixtures/invalid.csv',
        'fixtures/invalid.expected.json',
        'fixtures/expected.json',
      ])
        expect(existsSync(new URL(`${m.id}/${m.version}/${f}`, root)), `${m.key} ${f}`).toBe(true);
    }
  });

  it('gives every module a distinct content hash', () => {
    const hashes = registry.list.map((m) => m.hash);
    expect(new Set(hashes).size).toBe(hashes.length);
    for (const h of hashes) expect(h).toMatch(/^[0-9a-f]{64}$/);
  });
});
