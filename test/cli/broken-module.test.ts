// One registered module whose definition is broken must not take the CLI down: it is listed as failed
// by `mrv methodologies`, refused (exit 2, no stack trace) by commands that need it, and every other
// command keeps working. The registry here is the real list of modules plus one broken definition.
import { resolve } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { MethodologyDefinitionError, MethodologyLoadError } from '../../core/errors.ts';
import { loadRegistry } from '../../core/methodology/registry.ts';
import type * as Modules from '../../methodologies/index.ts';

const BROKEN = 'landfill-gas@1.0.0';

vi.mock('../../methodologies/index.ts', async (importOriginal) => {
  const real = await importOriginal<typeof Modules>();
  const { loadRegistry: load } = await import('../../core/methodology/registry.ts');
  const { MethodologyDefinitionError: DefinitionError } = await import('../../core/errors.ts');
  // The landfill module is swapped for one whose definition throws, as a module with an error would.
  const modules = real.MODULES.map(
    ([key, loader]) => [key, key === BROKEN ? () => Promise.reject(new DefinitionError(BROKEN, ['equation BE_CH4: Undefined symbol F_CH5'])) : loader] as const,
  );
  return { MODULES: modules, registry: await load(modules) };
});

const { mrv } = await import('../helpers/cli.ts');
const root = resolve(import.meta.dirname, '../..');
const project = (name: string) => resolve(root, 'samples/projects', `${name}.json`);
const upload = (dir: string, file: string) => resolve(root, 'samples/uploads', dir, file);

describe('loadRegistry', () => {
  it('keeps the modules that load and records the one that throws, refusing it by key', async () => {
    const good = (await import('../../methodologies/grid-renewable/1.0.0/methodology.ts')).default;
    const registry = await loadRegistry([
      ['grid-renewable@1.0.0', async () => ({ default: good })],
      ['broken@1.0.0', () => Promise.reject(new MethodologyDefinitionError('broken@1.0.0', ['column X: no unit']))],
      ['misnamed@1.0.0', async () => ({ default: good })],
    ]);
    expect(registry.list.map((m) => m.key)).toEqual(['grid-renewable@1.0.0']);
    expect(registry.failures.map((f) => f.key)).toEqual(['broken@1.0.0', 'misnamed@1.0.0']);
    expect(registry.failures[0]!.reason).toMatch(/column X: no unit/);
    expect(registry.failures[1]!.reason).toMatch(/defines grid-renewable@1.0.0, not misnamed@1.0.0/);
    expect(registry.has('broken@1.0.0')).toBe(false);
    expect(() => registry.get('broken@1.0.0')).toThrow(MethodologyLoadError);
    expect(() => registry.get('broken@1.0.0')).toThrow(/failed to load[\s\S]*column X: no unit/);
  });
});

describe('the CLI with one broken module', () => {
  it('mrv --help still works', async () => {
    const r = await mrv(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Usage: mrv <command>/);
  });

  it('mrv methodologies lists the broken module as failed, the others as usual, and exits 2', async () => {
    const r = await mrv(['methodologies']);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/^grid-renewable@1\.0\.0 /m);
    expect(r.out).toMatch(new RegExp(`^${BROKEN}\\s+FAILED TO LOAD: .*F_CH5`, 'm'));
    expect(r.err).toMatch(/1 module\(s\) failed to load/);
    const json = JSON.parse((await mrv(['methodologies', '--json'])).out) as { key: string; status: string }[];
    expect(json.find((m) => m.key === BROKEN)?.status).toBe('failed');
    expect(json.filter((m) => m.status === 'loaded').length).toBeGreaterThanOrEqual(7);
  });

  it('a command that needs the broken module is refused with exit 2 and no stack trace', async () => {
    const r = await mrv(['calc', '--project', project('landfill-minas-gerais-br'), upload('landfill-minas-gerais-br', '2014-06-01_24-hourly.csv')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/landfill-gas@1\.0\.0 failed to load/);
    expect(r.err).not.toMatch(/\n\s+at /);
    const show = await mrv(['methodology', 'show', 'landfill-gas@1.0.0']);
    expect(show.code).toBe(2);
    expect(show.err).toMatch(/failed to load/);
  });

  it('commands that do not need it keep working: gwp, and calc on another module', async () => {
    const gwp = await mrv(['gwp', 'NF3', '--set', 'AR4']);
    expect(gwp.code).toBe(0);
    expect(gwp.out).toMatch(/17[, ]?200/);
    const calc = await mrv(['calc', '--project', project('wind-tamil-nadu-in'), upload('wind-tamil-nadu-in', '2023-07-01_10-hourly.csv')]);
    expect(calc.code).toBe(0);
    expect(calc.out).toMatch(/ER = BE − PE − LE/);
  });
});
