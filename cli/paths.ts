import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository folder, found from this file upwards (the nearest package.json named mrv-pipeline), so
 * that it is the same whether the CLI runs from its TypeScript sources (cli/…) or from the prebuilt
 * bundle (dist/cli/…, where every module sits in one flat folder).
 */
export const REPO_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));

function findRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'mrv-pipeline') return dir;
    if (dirname(dir) === dir) throw new Error(`mrv: cannot find the mrv-pipeline folder above ${start}`);
  }
}
