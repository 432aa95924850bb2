// `mrv` runs prebuilt JavaScript (dist/cli, built by `npm ci` through the "prepare" script) and each
// command loads only its own code and libraries: `mrv --help` and `mrv gwp` never load the AWS SDK, the
// local stack, exceljs or the methodology modules. Speed itself is measured by `npm run bench`.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../cli/commands/index.ts';

const root = resolve(import.meta.dirname, '../..');

/**
 * Every module a chunk imports statically, transitively: what loading it loads. A package bundled into
 * a chunk (mathjs, see cli/build.mjs) counts by its name too, read from esbuild's `// node_modules/<package>/…`
 * comments (the CLI build is not minified).
 */
function staticClosure(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(/^\/\/ node_modules\/((?:@[^/\n]+\/)?[^/\n]+)\//gm)) seen.add(m[1]!);
  for (const m of text.matchAll(/^(?:import|export)\s[^;]*?from\s*"([^"]+)";?$|^import\s*"([^"]+)";?$/gms)) {
    const spec = (m[1] ?? m[2])!;
    if (spec.startsWith('.')) staticClosure(join(dirname(file), spec), seen);
    else seen.add(spec);
  }
  return seen;
}

/** The chunk a command entry loads, read from its `import("./chunks/…")` in the built main.mjs. */
function chunkOf(main: string, name: string): string {
  // The entry's fields may sit on one line or several (esbuild keeps the source's layout); the chunk is the first import after the name.
  const m = new RegExp(`name: "${name}",[^}]*?import\\("(\\./chunks/[^"]+)"\\)`).exec(readFileSync(main, 'utf8'));
  if (!m) throw new Error(`no chunk for ${name}`);
  return join(dirname(main), m[1]!);
}

const heavy = /^(@aws-sdk\/|exceljs|fauxqs|dynalite|mathjs|papaparse|@aws-lambda-powertools\/)/;

describe('the prebuilt mrv', () => {
  it('builds, runs, and loads only what each command needs', async () => {
    const { buildCli } = (await import(resolve(root, 'cli/build.mjs'))) as { buildCli: () => Promise<string> };
    const outdir = await buildCli();
    const main = join(outdir, 'main.mjs');

    const atStart = [...staticClosure(main)].filter((s) => heavy.test(s));
    expect(atStart, 'mrv --help loads no heavy library').toEqual([]);
    const gwp = [...staticClosure(chunkOf(main, 'gwp'))].filter((s) => heavy.test(s));
    expect(gwp, 'mrv gwp loads no heavy library').toEqual([]);
    const review = [...staticClosure(chunkOf(main, 'review'))].filter((s) => heavy.test(s));
    expect(
      review.some((s) => s.startsWith('@aws-sdk/')),
      'the closure check sees the SDK where it is used',
    ).toBe(true);
    // mathjs is bundled into the chunks (cli/build.mjs), not imported from node_modules: the check sees it where it is used.
    const methodologies = [...staticClosure(chunkOf(main, 'methodologies'))];
    expect(methodologies, 'mrv methodologies loads mathjs, bundled').toContain('mathjs');
    const built = [main, ...readdirSync(join(outdir, 'chunks')).map((f) => join(outdir, 'chunks', f))];
    expect(
      built.filter((f) => /(?:from\s*|import\s*\(\s*|import\s*)"mathjs(?:\/[^"]*)?"/.test(readFileSync(f, 'utf8'))),
      'no chunk imports mathjs from node_modules',
    ).toEqual([]);

    const r = spawnSync(process.execPath, [join(root, 'cli/bin/mrv.mjs'), 'gwp', 'NF3', '--set', 'AR4'], { cwd: root, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^17200$/m);
  });

  it('every command entry matches the command it loads (name and summary), so --help tells the truth', async () => {
    expect(new Set(COMMANDS.map((c) => c.name)).size).toBe(COMMANDS.length);
    for (const entry of COMMANDS) {
      const command = await entry.load();
      expect(command.name, entry.name).toBe(entry.name);
      expect(command.summary, entry.name).toBe(entry.summary);
    }
  });
});
