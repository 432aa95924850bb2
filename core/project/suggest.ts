/** Optimal string alignment distance (Levenshtein plus adjacent transpositions), case-insensitive. */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const d: number[][] = Array.from({ length: s.length + 1 }, (_, i) => Array.from({ length: t.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= s.length; i++) {
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[s.length]![t.length]!;
}

/**
 * The closest candidate to a misspelled key, if it is close enough to be a likely typo: within
 * max(1, ⌊length/3⌋) edits (case ignored), or equal after removing `_`, `-` and spaces.
 *
 * @example didYouMean('pddAnualEstimate', ['pddAnnualEstimate', 'name']) // 'pddAnnualEstimate'
 */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const squash = (x: string) => x.toLowerCase().replace(/[-_\s]/g, '');
  let best: { c: string; d: number } | undefined;
  for (const c of candidates) {
    const d = squash(c) === squash(word) ? 0 : editDistance(word, c);
    if (!best || d < best.d) best = { c, d };
  }
  if (!best) return undefined;
  return best.d <= Math.max(1, Math.floor(word.length / 3)) ? best.c : undefined;
}

/** "unknown key "x" (did you mean "y"?)" / "… (known keys: a, b, c)". */
export function unknownKeyMessage(key: string, known: readonly string[], what = 'key'): string {
  const guess = didYouMean(key, known);
  return `unknown ${what} ${JSON.stringify(key)}${guess ? ` (did you mean ${JSON.stringify(guess)}?)` : `; known: ${known.join(', ')}`}: an unknown ${what} is refused, never ignored (a misspelled ${what} would otherwise be dropped and its default applied)`;
}
