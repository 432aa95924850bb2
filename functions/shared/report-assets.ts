import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Files the report renderer and the console need at run time, read from disk once:
 * - in the repository (CLI, local stack, tests) from node_modules/katex/dist and console/;
 * - in a Lambda bundle from the copies the CDK bundling puts beside the handler (`katex/`, `console/`;
 *   infra/constructs/http-api.ts).
 */
const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

function katexDir(): string {
  const bundled = join(here, 'katex');
  if (existsSync(join(bundled, 'katex.min.css'))) return bundled;
  return dirname(require.resolve('katex/dist/katex.min.css'));
}

/** Directory of the console's static files. */
export function consoleDir(): string {
  const bundled = join(here, 'console');
  if (existsSync(join(bundled, 'index.html'))) return bundled;
  return join(here, '..', '..', 'console');
}

let inlinedCss: string | undefined;

/**
 * KaTeX's stylesheet with its woff2 fonts inlined as data URIs (woff/ttf fallbacks dropped), so an
 * HTML report renders its equations offline, years later, from the archived file alone.
 */
export function katexCssInlined(): string {
  if (inlinedCss) return inlinedCss;
  const dir = katexDir();
  const css = readFileSync(join(dir, 'katex.min.css'), 'utf8');
  inlinedCss = css.replace(/src:url\(fonts\/([\w-]+)\.woff2\) format\("woff2"\)(?:,url\([^)]*\) format\("[a-z]+"\))*/g, (_m, name: string) => {
    const font = readFileSync(join(dir, 'fonts', `${name}.woff2`)).toString('base64');
    return `src:url(data:font/woff2;base64,${font}) format("woff2")`;
  });
  return inlinedCss;
}

/** KaTeX's own files for the console (`katex.min.css`, `fonts/*.woff2`); undefined when not one of them. */
export function katexAsset(path: string): { body: Buffer; type: string } | undefined {
  if (path === 'katex.min.css') return { body: readFileSync(join(katexDir(), 'katex.min.css')), type: 'text/css; charset=utf-8' };
  const m = /^fonts\/(KaTeX_[\w-]+\.woff2)$/.exec(path);
  if (!m) return undefined;
  const file = join(katexDir(), 'fonts', m[1]!);
  return existsSync(file) ? { body: readFileSync(file), type: 'font/woff2' } : undefined;
}
