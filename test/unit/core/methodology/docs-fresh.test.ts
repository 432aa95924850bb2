/**
 * Every module README embeds the equations block that `mrv methodology doc` renders from the very
 * expressions that run, and it is up to date: a formula, unit, reference or any other part of the
 * module hash that changed without `mrv methodology doc <id> --write` fails here.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { equationsBlockProblems } from '#core/methodology/render-doc';
import type { Methodology } from '#core/methodology/define-methodology';
import { registry } from '#methodologies';
import template from '../../../../methodologies/_template/1.0.0/methodology.ts';

const root = new URL('../../../../methodologies/', import.meta.url);
const modules: [Methodology, URL][] = [
  ...registry.list.map((m): [Methodology, URL] => [m, new URL(`${m.id}/${m.version}/README.md`, root)]),
  [template, new URL('_template/1.0.0/README.md', root)],
];

describe('generated equations blocks in module READMEs', () => {
  it.each(modules.map(([m, url]) => ({ key: m.key, m, url })))('$key: README embeds the current equations block', ({ m, url }) => {
    // Prepare
    expect(existsSync(url), `${url.pathname} exists`).toBe(true);
    // Act
    const problems = equationsBlockProblems(readFileSync(url, 'utf8'), m);
    // Assess
    expect(problems).toEqual([]);
  });
});
