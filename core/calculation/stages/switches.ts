/**
 * Switch for the per-cell validation of record events (XLSX and JSON rows, and CSV rows that left
 * the byte fast path): each cell through its column's own parser, zod only for a row with a cell
 * that is not plainly valid. On by default; the CLI sets it off for `MRV_RECORD_FAST=0` (core reads no environment) and then validates every record with the
 * monitoring schema's `safeParse` (the general path), and the equivalence tests flip it.
 */
export const recordFastPath = { enabled: true };
