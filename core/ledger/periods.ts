import type { Period } from '../mechanisms/mechanisms.ts';

/** Two monitoring periods overlap when they share at least one day (first and last days included). */
export function periodsOverlap(a: Period, b: Period): boolean {
  return a.start <= b.end && b.start <= a.end;
}

/** The first approved period that overlaps `candidate`, if any. */
export function findOverlap(approved: readonly Period[], candidate: Period): Period | undefined {
  return approved.find((p) => periodsOverlap(p, candidate));
}
