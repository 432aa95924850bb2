/** CSV files from this size on are split into byte ranges by `mrv calc` (below it, starting worker threads costs more than they save). */
export const SPLIT_MIN_BYTES = 64 * 1024 * 1024;
/**
 * …on a machine with at least this many cores. Measured on the project's 2-core machine (docs/performance.md):
 * two threads took ≈30 % more CPU in all and 2.4× the memory of one pass, and were slower under load; so without
 * `--workers` a 2-core machine reads in one pass (and keeps the 200 MB memory target), larger ones split.
 */
export const SPLIT_MIN_CORES = 4;
