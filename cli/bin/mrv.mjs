#!/usr/bin/env node
// The `mrv` command. It runs the prebuilt JavaScript in dist/cli (built by `npm ci` through the
// "prepare" script, see cli/build.mjs) when that build is at least as new as every source; otherwise it
// rebuilds it (when esbuild is installed) or runs the TypeScript sources through tsx. MRV_FROM_SOURCE=1
// always runs the sources.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { newestSourceMs } from './sources.mjs';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// `mrv … | head`: the reader closed the pipe. Stop quietly, as Unix tools do, instead of a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error && error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const built = join(root, 'dist', 'cli', 'main.mjs');
const stampFile = join(root, 'dist', 'cli', 'build.json');

function fresh() {
  if (!existsSync(built) || !existsSync(stampFile)) return false;
  try {
    return JSON.parse(readFileSync(stampFile, 'utf8')).builtFromSourcesAtMs >= newestSourceMs(root);
  } catch {
    return false;
  }
}

async function loadMain() {
  if (process.env.MRV_FROM_SOURCE !== '1') {
    // Tells the few places that load TypeScript at run time (mrv methodology check <folder>) to register tsx.
    process.env.MRV_PREBUILT = '1';
    if (fresh()) return import(pathToFileURL(built).href);
    try {
      const { buildCli } = await import('../build.mjs');
      await buildCli();
      return await import(pathToFileURL(built).href);
    } catch {
      // No esbuild (a production install) or a build error: the sources run as they are.
      delete process.env.MRV_PREBUILT;
    }
  }
  const { register } = await import('tsx/esm/api');
  register();
  return import('../main.ts');
}

let main;
try {
  ({ main } = await loadMain());
} catch (e) {
  // A fault while loading the command itself (not bad input): one line, the stack only on request.
  process.stderr.write(
    `mrv: internal error while loading: ${e?.message ?? String(e)}\n${process.env.MRV_DEBUG ? `${e?.stack}\n` : '(set MRV_DEBUG=1 for details)\n'}`,
  );
  process.exit(3);
}
process.exitCode = await main(process.argv.slice(2));
