// The sources the prebuilt `mrv` (dist/cli) is built from, and the newest modification time among them:
// cli/bin/mrv.mjs compares it with the build's to decide whether the build is stale.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const SOURCE_DIRS = ['cli', 'core', 'functions', 'methodologies'];
const SOURCE_FILES = ['package.json', 'tsconfig.json'];

/** The newest mtime (ms) of any .ts/.json/.mjs file under the source folders, or of the package files. */
export function newestSourceMs(root) {
  let newest = 0;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'fixtures' || entry.name.startsWith('.')) continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(ts|mts|mjs|json)$/.test(entry.name) && !entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(full).mtimeMs);
    }
  };
  for (const dir of SOURCE_DIRS) walk(join(root, dir));
  for (const file of SOURCE_FILES) newest = Math.max(newest, statSync(join(root, file)).mtimeMs);
  return newest;
}
