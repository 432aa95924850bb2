/**
 * The build-time list of unit-checked methodology modules (methodologies/units-checked.json), which
 * lets the ingest Lambda start without the unit checker (core/methodology/unit-checks.ts):
 *
 * - every registered module passes the unit check (run here, with mathjs units);
 * - the list holds exactly the registered modules with their current hashes (a stale list fails
 *   here; `MRV_UPDATE_UNITS_CHECKED=1` rewrites it once the check has passed);
 * - a process that trusts the list loads the registered modules and refuses a module that is not
 *   on it.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkMethodologyUnits } from '../../../../core/methodology/check-units.ts';
import { registry } from '../../../../methodologies/index.ts';

const listPath = fileURLToPath(new URL('../../../../methodologies/units-checked.json', import.meta.url));
const root = fileURLToPath(new URL('../../../../', import.meta.url));
const COMMENT =
  'Modules whose units passed the check (id@version → module hash). Written by test/unit/core/perf/units-checked.test.ts (MRV_UPDATE_UNITS_CHECKED=1); the ingest Lambda loads only modules listed here (core/methodology/unit-checks.ts).';

describe('build-time list of unit-checked modules', () => {
  it('every registered module passes the unit check, and the list holds exactly their current hashes', () => {
    expect(registry.list.length).toBeGreaterThanOrEqual(8);
    for (const m of registry.list) expect(checkMethodologyUnits(m), m.key).toEqual([]);
    const expected: Record<string, string> = { $comment: COMMENT, ...Object.fromEntries(registry.list.map((m) => [m.key, m.hash])) };
    if (process.env.MRV_UPDATE_UNITS_CHECKED === '1') writeFileSync(listPath, `${JSON.stringify(expected, null, 2)}\n`);
    const listed = JSON.parse(readFileSync(listPath, 'utf8')) as Record<string, string>;
    expect(
      listed,
      'methodologies/units-checked.json is stale: run MRV_UPDATE_UNITS_CHECKED=1 npx vitest run test/unit/core/perf/units-checked.test.ts',
    ).toEqual(expected);
  });

  const child = (code: string) => spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: root, encoding: 'utf8' });

  it('trusting the list: the registered modules load (without the checker: bench/run.mjs shows the Lambda bundle)', () => {
    const r = child(`
      import './functions/ingest-upload/unit-checks.ts';
      const { registry } = await import('./methodologies/index.ts');
      console.log(JSON.stringify({ n: registry.list.length }));
    `);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout.trim())).toEqual({ n: registry.list.length });
  });

  it('trusting the list: a module that is not on it (or whose content changed) is refused', () => {
    const r = child(`
      import { trustBuildTimeUnitChecks } from './core/methodology/unit-checks.ts';
      import list from './methodologies/units-checked.json' with { type: 'json' };
      trustBuildTimeUnitChecks({ ...list, 'fgas-abatement@1.0.0': '0'.repeat(64) });
      const { registry } = await import('./methodologies/index.ts');
      let refused = '';
      try {
        registry.get('fgas-abatement@1.0.0');
      } catch (e) {
        refused = e.message;
      }
      console.log(JSON.stringify({ failures: registry.failures, loaded: registry.list.map((m) => m.key), refused }));
    `);
    // The module is refused (listed as failed, and get() throws), while the other modules load.
    const out = JSON.parse(r.stdout.trim()) as { failures: { key: string; reason: string }[]; loaded: string[]; refused: string };
    expect(out.failures.map((f) => f.key)).toEqual(['fgas-abatement@1.0.0']);
    expect(out.failures[0]!.reason).toMatch(/its units were not checked: this content \(hash [0-9a-f]{64}\) is not in the build-time list/);
    expect(out.refused).toMatch(/fgas-abatement@1\.0\.0 failed to load[\s\S]*its units were not checked/);
    expect(out.loaded).not.toContain('fgas-abatement@1.0.0');
    expect(out.loaded.length).toBe(registry.list.length - 1);
  });
});
