// The import graph of core/ has no circle: every runtime import (type-only imports aside) of every file
// under core/, resolved to its file, and no strongly connected component larger than one file. And no
// arrow runs back up a floor: core's folders stand on floors (FLOORS, ground first), and a file imports
// only from its own floor or the ones below.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return sourceFiles(p);
    return p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });
}

function importGraph(dir: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(dir)) {
    const deps: string[] = [];
    for (const m of readFileSync(file, 'utf8').matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?from\s+'([^']+)'/gms)) {
      const spec = m[1]!;
      if (spec.startsWith('#core/')) deps.push(resolve(root, 'core', `${spec.slice('#core/'.length)}.ts`));
      else if (spec.startsWith('.')) deps.push(resolve(dirname(file), spec));
    }
    graph.set(file, deps);
  }
  return graph;
}

/** Strongly connected components with more than one file (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const stack: string[] = [];
  const on = new Set<string>();
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const c: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        c.push(relative(root, w));
      } while (w !== v);
      if (c.length > 1) out.push(c.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return out;
}

/**
 * core's folders by floor, ground first. A folder imports only from its own floor or lower ones; a new
 * folder must be placed here (the test names any that is not).
 */
const FLOORS: readonly (readonly string[])[] = [
  ['(root)', 'quantity', 'time', 'hashing'],
  ['expressions', 'gases', 'mechanisms', 'validation'],
  ['units', 'readers'],
  ['methodology'],
  ['project'],
  ['calculation'],
  ['issuance', 'ingest'],
  ['review', 'ledger'],
  ['audit', 'access', 'kit'],
  ['report', 'charts'],
];
const floorOf = (file: string): string => {
  const parts = relative(join(root, 'core'), file).split('/');
  return parts.length === 1 ? '(root)' : parts[0]!;
};
const levelOf = (folder: string): number => FLOORS.findIndex((f) => f.includes(folder));

/** Every runtime import that runs up from a lower floor to a higher one, as `file → import`. */
function arrowsUp(graph: Map<string, string[]>): string[] {
  const out: string[] = [];
  for (const [file, deps] of graph)
    for (const dep of deps) if (levelOf(floorOf(dep)) > levelOf(floorOf(file))) out.push(`${relative(root, file)} → ${relative(root, dep)}`);
  return out;
}

describe('the floors of core/', () => {
  it('every folder of core/ stands on a floor', () => {
    const folders = new Set([...importGraph(join(root, 'core')).keys()].map(floorOf));
    expect([...folders].filter((f) => levelOf(f) < 0)).toEqual([]);
  });
  it('no import runs back up a floor', () => {
    expect(arrowsUp(importGraph(join(root, 'core')))).toEqual([]);
  });
  it('the check finds an arrow up (a probe: the ground floor importing the engine)', () => {
    const ground = join(root, 'core', 'errors.ts');
    const engine = join(root, 'core', 'calculation', 'calculate.ts');
    expect(arrowsUp(new Map([[ground, [engine]]]))).toEqual(['core/errors.ts → core/calculation/calculate.ts']);
  });
});

describe('the import graph of core/', () => {
  it('has no circle', () => {
    expect(cycles(importGraph(join(root, 'core')))).toEqual([]);
  });
  it('the check finds a circle when there is one (a probe graph)', () => {
    const g = new Map([
      ['/a.ts', ['/b.ts']],
      ['/b.ts', ['/c.ts']],
      ['/c.ts', ['/a.ts']],
      ['/d.ts', ['/a.ts']],
    ]);
    expect(cycles(g).map((c) => c.length)).toEqual([3]);
  });
});
