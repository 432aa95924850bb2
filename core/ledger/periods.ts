import { periodsOverlap, type Period } from '../time/period.ts';

/**
 * Two monitoring periods overlap when they share at least one instant: periods are half-open
 * `[start, end)` (core/time/period.ts), so consecutive periods (January ending where February
 * starts) do not. Periods stored before time zones (dates, both days included, UTC) are read as
 * `[first day 00:00Z, day after the last 00:00Z)`.
 */
export { periodsOverlap };

/** The first approved period that overlaps `candidate`, if any. */
export function findOverlap(approved: readonly Period[], candidate: Period): Period | undefined {
  return approved.find((p) => periodsOverlap(p, candidate));
}
