/** CSV files from this size on are split into byte ranges by `mrv calc` (below it, starting worker threads costs more than they save). */
export const SPLIT_MIN_BYTES = 64 * 1024 * 1024;
