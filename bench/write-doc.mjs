/**
 * `npm run bench -- --doc` (through tsx: it reads the stack's default threshold from TypeScript):
 * rewrites the generated blocks of docs/performance.md and bench/README.md from bench/records.json.
 * No benchmark runs; `npm run bench -- --record` adds runs.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LARGE_UPLOAD } from '../functions/shared/resources.ts';
import { renderBlocks, replaceBlocks } from './render-doc.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const data = JSON.parse(readFileSync(join(root, 'bench/records.json'), 'utf8'));
const blocks = renderBlocks(data, { largeUploadBytes: LARGE_UPLOAD.defaultMinBytes });
let failed = false;
for (const [file, named] of [
  ['docs/performance.md', blocks['performance.md']],
  ['bench/README.md', blocks['README.md']],
]) {
  const path = join(root, file);
  const { text, missing, changed } = replaceBlocks(readFileSync(path, 'utf8'), named);
  if (missing.length) {
    process.stderr.write(`${file}: no single marker pair for ${missing.join(', ')}\n`);
    failed = true;
  }
  writeFileSync(path, text);
  process.stderr.write(`${file}: ${changed.length ? `rewrote ${changed.join(', ')}` : 'up to date'}\n`);
}
process.exitCode = failed ? 1 : 0;
