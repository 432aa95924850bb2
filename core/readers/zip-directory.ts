import type { Diagnostic } from '../validation/diagnostic.ts';
import { DEFAULT_READER_LIMITS, type ReaderLimits } from './types.ts';

/**
 * Zip-bomb guard for XLSX uploads. A streaming reader only learns how big an entry inflates by
 * inflating it; the zip central directory at the end of the file states every entry's compressed
 * and uncompressed size up front. Callers that can read the end of the file (the CLI from disk, the
 * ingest function with an S3 ranged GET) pass its last bytes here before streaming.
 */

/** How many bytes from the end of an XLSX the caller should read: the largest EOCD record plus a generous central directory. */
export const ZIP_TAIL_BYTES = 1 << 20;

export interface ZipEntrySize {
  readonly name: string;
  readonly compressed: number;
  readonly uncompressed: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;

/**
 * Reads the central directory from the last bytes of a zip. Returns undefined when the tail holds no
 * complete directory (not a zip, truncated, or a directory larger than the tail): the streaming reader
 * then decides on its own. Zip64 records are not parsed; a Zip64 archive (sizes of 0xFFFFFFFF) is
 * reported as too large, since no monitoring workbook needs one.
 */
export function readZipDirectory(tail: Uint8Array): ZipEntrySize[] | undefined {
  const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  let eocd = -1;
  for (let i = tail.length - 22; i >= Math.max(0, tail.length - 22 - 0xffff); i--) {
    if (view.getUint32(i, true) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return undefined;
  const count = view.getUint16(eocd + 10, true);
  const size = view.getUint32(eocd + 12, true);
  const start = eocd - size;
  if (start < 0) return undefined;
  const entries: ZipEntrySize[] = [];
  let p = start;
  for (let n = 0; n < count; n++) {
    if (p + 46 > eocd || view.getUint32(p, true) !== CENTRAL) return undefined;
    const compressed = view.getUint32(p + 20, true);
    const uncompressed = view.getUint32(p + 24, true);
    const nameLength = view.getUint16(p + 28, true);
    const extraLength = view.getUint16(p + 30, true);
    const commentLength = view.getUint16(p + 32, true);
    const name = new TextDecoder().decode(tail.subarray(p + 46, p + 46 + nameLength));
    entries.push({ name, compressed, uncompressed });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/**
 * Checks an XLSX's declared entry sizes against the reader limits: total uncompressed size and the
 * compression ratio of each entry. Returns a `file.too_large` diagnostic, or undefined when the
 * archive is within limits (or its directory could not be read from the tail).
 */
export function checkZipBomb(tail: Uint8Array, fileName: string, limits: Partial<ReaderLimits> = {}): Diagnostic | undefined {
  const { maxUncompressedBytes, maxCompressionRatio } = { ...DEFAULT_READER_LIMITS, ...limits };
  const entries = readZipDirectory(tail);
  if (!entries) return undefined;
  let total = 0;
  for (const e of entries) {
    total += e.uncompressed;
    const zip64 = e.uncompressed === 0xffffffff || e.compressed === 0xffffffff;
    const ratio = e.compressed > 0 ? e.uncompressed / e.compressed : e.uncompressed > 0 ? Infinity : 0;
    if (zip64 || (e.uncompressed > 1_000_000 && ratio > maxCompressionRatio)) {
      return {
        severity: 'error',
        code: 'file.too_large',
        source: 'core/readers',
        message: `${fileName}: the workbook part ${JSON.stringify(e.name)} would inflate from ${e.compressed} to ${zip64 ? 'more than 4 GB' : `${e.uncompressed} bytes`} (ratio ${zip64 ? '∞' : Math.round(ratio)} > ${maxCompressionRatio}); this looks like a zip bomb. Save the workbook again from a spreadsheet program, or upload CSV.`,
        location: { file: fileName },
      };
    }
  }
  if (total > maxUncompressedBytes)
    return {
      severity: 'error',
      code: 'file.too_large',
      source: 'core/readers',
      message: `${fileName}: the workbook inflates to ${total} bytes, more than the limit of ${maxUncompressedBytes}; split it or upload CSV.`,
      location: { file: fileName },
    };
  return undefined;
}
