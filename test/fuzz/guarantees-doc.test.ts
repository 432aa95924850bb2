/** docs/guarantees.md states figures the code defines: they are checked here, not copied by hand. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MAX_VALUE_DEPTH } from '../../core/readers/json.ts';
import { registry } from '../../methodologies/index.ts';
import { fixtureCsvs } from '../unit/core/perf/fixtures.ts';
import { CROSS_FORMAT } from './cross-format-settings.ts';

const doc = readFileSync('docs/guarantees.md', 'utf8');

describe('docs/guarantees.md figures match the code', () => {
  it('cross-format property: seed, runs, modules and fixtures', () => {
    expect(doc).toContain(`seed \`${CROSS_FORMAT.seed}\`, \`${CROSS_FORMAT.numRuns}\` runs per`);
    const keys = new Set(registry.list.map((m) => m.key));
    const fixtures = fixtureCsvs().filter((f) =>
      keys.has((JSON.parse(readFileSync(f.name.replace(/[^/]+$/, 'project.json'), 'utf8')) as { methodology: string }).methodology),
    );
    expect(doc).toContain(`(\`${registry.list.length}\` modules, \`${fixtures.length}\` fixture files)`);
  });
  it('JSON nesting limit', () => {
    expect(doc).toContain(`nested deeper than \`${MAX_VALUE_DEPTH}\` levels`);
  });
  it('every regression test it names exists', () => {
    for (const path of doc.match(/`(test\/[^`]+\.test\.ts)`/g) ?? []) expect(() => readFileSync(path.slice(1, -1))).not.toThrow();
  });
});
