/**
 * The open stage: the file's bytes hashed and counted as they stream past, and its format. The reader gets
 * a view whose early exit (a fatal file error) does not close the upload: the rest is drained into the
 * hash, so the file's sha256 — and with it the upload id — is the same whatever the reader made of the
 * content.
 */
import { createHash } from 'node:crypto';
import { detectFormat } from '../../readers/read-records.ts';
import type { ByteSource, MonitoringFormat } from '../../readers/types.ts';
import type { FileInfo } from './assemble.ts';

export interface OpenedFile {
  /** The bytes for the reader: hashed as they pass; its `return()` leaves the upstream open. */
  readonly bytes: AsyncIterable<Uint8Array>;
  readonly format: MonitoringFormat | undefined;
  /** Reads (and hashes) whatever the reader left. */
  drain(): Promise<void>;
  /** The file as the result names it; its digest is taken once, after the last byte. */
  info(): FileInfo;
  /** Bytes read so far. */
  readonly size: number;
}

const encoder = new TextEncoder();

export function openFile(source: ByteSource, fileName: string, format: MonitoringFormat | undefined, onProgress?: (bytes: number) => void): OpenedFile {
  const sha = createHash('sha256');
  let size = 0;
  let digest: string | undefined;
  const upstream = source[Symbol.asyncIterator]();
  let exhausted = false;
  const pull = async (): Promise<Uint8Array | undefined> => {
    if (exhausted) return undefined;
    const r = await upstream.next();
    if (r.done) {
      exhausted = true;
      return undefined;
    }
    const chunk = r.value as Uint8Array | string;
    const buf = typeof chunk === 'string' ? encoder.encode(chunk) : chunk;
    sha.update(buf);
    size += buf.length;
    onProgress?.(size);
    return buf;
  };
  const bytes: AsyncIterable<Uint8Array> = {
    [Symbol.asyncIterator]: () => ({
      next: async () => {
        const value = await pull();
        return value ? { value, done: false as const } : { value: undefined, done: true as const };
      },
      return: async () => ({ value: undefined, done: true as const }),
    }),
  };
  const resolved = format ?? detectFormat(fileName);
  return {
    bytes,
    format: resolved,
    drain: async () => {
      while (await pull());
    },
    info: () => ({ name: fileName, format: resolved ?? 'unknown', bytes: size, sha256: (digest ??= sha.digest('hex')) }),
    get size() {
      return size;
    },
  };
}
