#!/usr/bin/env node
// Builds the `mrv` command into plain JavaScript (dist/cli/), so that it starts without compiling
// TypeScript: run by `npm ci`/`npm install` (the "prepare" script) and again by cli/bin/mrv.mjs when a
// source is newer than the build. Each command is its own chunk (code splitting on the literal dynamic
// imports of cli/commands/index.ts and methodologies/index.ts), and packages stay in node_modules, so a
// command loads only its own code and libraries. One exception, mathjs (see {@link BUNDLED}).
//
// Usage: node cli/build.mjs [--quiet]. Never fails an install: without esbuild (npm ci --omit=dev) it
// says so and `mrv` keeps running from the TypeScript sources through tsx.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { newestSourceMs, SOURCE_DIRS } from './bin/sources.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'cli');
const quiet = process.argv.includes('--quiet');

/**
 * Packages bundled into the chunks instead of loaded from node_modules: mathjs. Its entries (`mathjs`,
 * `mathjs/number`; its package exports allow no deeper import) load ≈1,250 ES modules and create every
 * mathjs function at import, though core/expressions/sandbox.ts and core/units/units.ts build their own
 * small instances from a few factories: measured with `process.memoryUsage()` after each import, ≈85 MB
 * of RSS and ≈1.5–4 s of start-up for every command that loads the methodology modules. Bundled,
 * esbuild keeps only the factories those two instances use (mathjs declares `"sideEffects": false`).
 * Whatever a bundled package imports is bundled with it (resolved from the package, as Node would).
 */
const BUNDLED = new Set(['mathjs']);
const packageOf = (spec) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
const insideBundled = (importer) => [...BUNDLED].some((p) => importer.includes(`/node_modules/${p}/`));

/** Every package import stays external (as `packages: 'external'`), except {@link BUNDLED} and what those import. */
const externalPackages = {
  name: 'external-packages',
  setup(build) {
    // Bare specifiers only: relative paths, absolute paths and `#core/…` subpath imports are the project's own.
    build.onResolve({ filter: /^[^./#]/ }, (args) => {
      if (BUNDLED.has(packageOf(args.path)) || insideBundled(args.importer)) return undefined;
      return { path: args.path, external: true };
    });
  },
};

export async function buildCli() {
  const esbuild = await import('esbuild');
  const newest = newestSourceMs(root);
  // Built aside and swapped in, so that a command starting meanwhile never sees half a build.
  const tmp = `${outdir}-${process.pid}-${Date.now()}`;
  mkdirSync(tmp, { recursive: true });
  await esbuild.build({
    // calc-worker: the worker thread of `mrv calc --workers N` (cli/split-run.ts starts it from dist/cli/calc-worker.mjs).
    entryPoints: { main: join(root, 'cli/main.ts'), 'calc-worker': join(root, 'cli/calc-worker.ts') },
    outdir: tmp,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    plugins: [externalPackages],
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    logLevel: 'error',
  });
  writeFileSync(join(tmp, 'build.json'), `${JSON.stringify({ builtFromSourcesAtMs: newest, sources: SOURCE_DIRS }, null, 2)}\n`);
  const old = `${tmp}-old`;
  try {
    renameSync(outdir, old);
  } catch {
    // no earlier build
  }
  try {
    renameSync(tmp, outdir);
  } catch {
    rmSync(tmp, { recursive: true, force: true }); // another process swapped its build in first
  }
  rmSync(old, { recursive: true, force: true });
  return outdir;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const t0 = performance.now();
    await buildCli();
    if (!quiet) console.log(`mrv: built dist/cli in ${Math.round(performance.now() - t0)} ms`);
  } catch (e) {
    console.warn(`mrv: could not build dist/cli (${e?.message ?? e}); mrv runs from the TypeScript sources instead.`);
  }
}
