import type { Diagnostic } from '../validation/diagnostic.ts';

/** What a reader hands over for one cell, before any methodology looks at it. */
export type Cell = string | number | boolean | Date | null;

export type MonitoringFormat = 'csv' | 'json' | 'ndjson' | 'xlsx';

/**
 * Events a reader yields, in order: one `header` (the column names as written in the file, after
 * trimming and BOM removal), then `record`s and `diagnostic`s interleaved. A reader never throws on
 * bad data: a file it cannot read at all yields a `file.*` diagnostic and ends.
 */
export type ReaderEvent =
  | { readonly kind: 'header'; readonly columns: readonly string[]; readonly units?: Readonly<Record<string, string>> }
  | { readonly kind: 'record'; readonly row: number; readonly line: number; readonly cells: Readonly<Record<string, Cell>> }
  | { readonly kind: 'diagnostic'; readonly diagnostic: Diagnostic };

export interface ReadOptions {
  /** Name shown in every diagnostic (the upload's key or the local path). */
  readonly fileName: string;
  readonly format: MonitoringFormat;
  /** Safety limits, so hostile files cannot exhaust memory. */
  readonly limits?: Partial<ReaderLimits>;
}

export interface ReaderLimits {
  /** Longest CSV/NDJSON record in characters. */
  readonly maxRecordChars: number;
  /** Largest uncompressed XLSX part, bytes. */
  readonly maxUncompressedBytes: number;
  /** Largest compression ratio of an XLSX part (zip-bomb guard). */
  readonly maxCompressionRatio: number;
  readonly maxColumns: number;
}

export const DEFAULT_READER_LIMITS: ReaderLimits = {
  maxRecordChars: 1_000_000,
  maxUncompressedBytes: 2_000_000_000,
  maxCompressionRatio: 200,
  maxColumns: 500,
};

/** A byte source: a Node Readable, a web stream, or any async iterable of chunks. */
export type ByteSource = AsyncIterable<Uint8Array>;
