/**
 * "Did you mean FC_diesel?": the declared column an unknown header most likely misspells. A column
 * close to a declared one is almost always a typo, and ignoring it would drop its quantity silently
 * (a project-side quantity dropped means more credits), so the engine refuses the file instead.
 */

/** Optimal-string-alignment distance (Levenshtein plus transposition of adjacent characters). */
export function editDistance(a: string, b: string): number {
  const n = a.length;
  const m = b.length;
  if (Math.abs(n - m) > 3) return Math.abs(n - m);
  let prev2 = new Array<number>(m + 1).fill(0);
  let prev = Array.from({ length: m + 1 }, (_, j) => j);
  for (let i = 1; i <= n; i++) {
    const cur = new Array<number>(m + 1);
    cur[0] = i;
    for (let j = 1; j <= m; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2]! + 1);
      cur[j] = v;
    }
    prev2 = prev;
    prev = cur;
  }
  return prev[m]!;
}

/**
 * The declared column `unknown` is within a small edit distance of (case ignored): at most one edit
 * for names of 3–5 characters, two from 6 on; a case-only difference at any length. Undefined when
 * none is that close, or when two are equally close (no guess between them).
 *
 * @example closestColumn('FC_diesle', ['FC_diesel', 'EG_export']) // 'FC_diesel'
 */
export function closestColumn(unknown: string, declared: readonly string[]): string | undefined {
  const u = unknown.trim().toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  let tie = false;
  for (const d of declared) {
    const l = d.toLowerCase();
    const allowed = l.length >= 6 ? 2 : l.length >= 3 ? 1 : 0;
    const distance = editDistance(u, l);
    if (distance > allowed) continue;
    if (distance < bestDistance) {
      best = d;
      bestDistance = distance;
      tie = false;
    } else if (distance === bestDistance) tie = true;
  }
  return tie ? undefined : best;
}
