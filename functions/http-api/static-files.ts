import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { consoleDir, katexAsset } from '../shared/report-assets.ts';

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  png: 'image/png',
  svg: 'image/svg+xml',
};

/**
 * The console's static files (console/), and KaTeX's stylesheet and fonts under `katex/`. Only plain
 * relative names (the router already refused `..`); anything else is undefined (404).
 */
export function consoleStaticFile(rel: string): { body: Buffer; type: string } | undefined {
  if (rel.startsWith('katex/')) return katexAsset(rel.slice('katex/'.length));
  const type = TYPES[rel.slice(rel.lastIndexOf('.') + 1)];
  if (!type) return undefined;
  const file = join(consoleDir(), rel);
  if (!existsSync(file) || !statSync(file).isFile()) return undefined;
  return { body: readFileSync(file), type };
}
