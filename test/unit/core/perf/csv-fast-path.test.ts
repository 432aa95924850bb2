/**
 * The CSV fast path (byte tokenizer, core/readers/csv.ts) against the general path (strict UTF-8
 * decoding + papaparse): identical events for every fixture CSV, a corpus of awkward files and
 * random text, at several chunk sizes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readCsv } from '../../../../core/readers/csv.ts';
import type { ReaderEvent, ReadOptions } from '../../../../core/readers/types.ts';
import { chunked } from '../readers/helpers.ts';
import { CORPUS, fixtureCsvs } from './fixtures.ts';

async function events(data: string | Uint8Array, size: number, fast: boolean, extra: Partial<ReadOptions> = {}): Promise<ReaderEvent[]> {
  const out: ReaderEvent[] = [];
  for await (const e of readCsv(chunked(data, size), { fileName: 'upload.csv', format: 'csv', ...extra }, { fast }))
    out.push(e.kind === 'record' ? { ...e, cells: { ...e.cells } } : e);
  return out;
}

async function expectSame(data: string | Uint8Array, extra: Partial<ReadOptions> = {}): Promise<void> {
  const length = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
  for (const size of [1, 7, 64, 1000, Math.max(1, length)]) {
    const general = await events(data, size, false, extra);
    const fast = await events(data, size, true, extra);
    expect(fast, `chunk size ${size}`).toEqual(general);
  }
}

describe('CSV fast path = general path', () => {
  it('gives identical events on every methodology fixture CSV', async () => {
    const fixtures = fixtureCsvs();
    expect(fixtures.length).toBeGreaterThan(0);
    for (const f of fixtures) await expectSame(f.bytes);
  });

  it.each(Object.entries(CORPUS))('gives identical events on %s', async (_name, data) => {
    await expectSame(data);
  });

  it('gives identical events under tight limits', async () => {
    await expectSame(`a,b\n${'1,2\n'.repeat(20)}123456789012345678901234567890,1\n3,4\n`, { limits: { maxRecordChars: 20 } });
    await expectSame('a,b,c\n1,2,3\n', { limits: { maxColumns: 2 } });
  });

  it('gives identical events on random text', async () => {
    const alphabet = fc.constantFrom('a', '1', '.', ',', ';', '\t', ' ', '\n', '\n', '\r', '"', 'é', '-', 'Z', ':', '#units');
    await fc.assert(
      fc.asyncProperty(fc.array(alphabet, { maxLength: 300 }), fc.integer({ min: 1, max: 50 }), async (parts, size) => {
        const text = `h1,h2,h3\n${parts.join('')}`;
        expect(await events(text, size, true)).toEqual(await events(text, size, false));
      }),
      { numRuns: 300 },
    );
  });
});
