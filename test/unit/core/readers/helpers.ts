import { readRecords } from '../../../../core/readers/read-records.ts';
import type { ByteSource, Cell, MonitoringFormat, ReaderEvent, ReadOptions } from '../../../../core/readers/types.ts';
import type { Diagnostic } from '../../../../core/validation/diagnostic.ts';

/** A ByteSource that yields `data` in chunks of `size` bytes (7 by default, to cross every boundary). */
export function chunked(data: string | Uint8Array, size = 7): ByteSource {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  return {
    async *[Symbol.asyncIterator]() {
      for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, Math.min(bytes.length, i + size));
    },
  };
}

export interface Collected {
  readonly events: ReaderEvent[];
  readonly header?: Extract<ReaderEvent, { kind: 'header' }>;
  readonly records: { row: number; line: number; cells: Record<string, Cell> }[];
  readonly diagnostics: Diagnostic[];
  readonly codes: string[];
}

export async function collect(data: string | Uint8Array, format: MonitoringFormat, extra: Partial<ReadOptions> = {}, size = 7): Promise<Collected> {
  const events: ReaderEvent[] = [];
  for await (const e of readRecords(chunked(data, size), { fileName: 'upload.' + format, format, ...extra })) events.push(e);
  const header = events.find((e): e is Extract<ReaderEvent, { kind: 'header' }> => e.kind === 'header');
  const records = events.flatMap((e) => (e.kind === 'record' ? [{ row: e.row, line: e.line, cells: { ...e.cells } }] : []));
  const diagnostics = events.flatMap((e) => (e.kind === 'diagnostic' ? [e.diagnostic] : []));
  return { events, records, diagnostics, codes: diagnostics.map((d) => d.code), ...(header ? { header } : {}) };
}
