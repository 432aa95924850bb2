import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openFile } from '../../../../../core/calculation/stages/open.ts';
import { chunks } from './fixture.ts';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

describe('the open stage', () => {
  it('hashes and counts the bytes as the reader pulls them, and reports progress', async () => {
    const seen: number[] = [];
    const file = openFile(chunks('a,b\n1,2\n', 3), 'x.csv', undefined, (n) => seen.push(n));
    let text = '';
    for await (const b of file.bytes) text += Buffer.from(b).toString();
    expect(text).toBe('a,b\n1,2\n');
    expect(seen).toEqual([3, 6, 8]);
    expect(file.info()).toEqual({ name: 'x.csv', format: 'csv', bytes: 8, sha256: sha('a,b\n1,2\n') });
  });

  it('drains what a reader left when it stopped early, so the hash is of the whole file', async () => {
    const file = openFile(chunks('header\nrow 1\nrow 2\n', 4), 'x.csv', undefined);
    for await (const _ of file.bytes) break; // a fatal file error: the reader returns after one chunk
    await file.drain();
    expect(file.info()).toMatchObject({ bytes: 19, sha256: sha('header\nrow 1\nrow 2\n') });
  });

  it('takes string chunks as UTF-8', async () => {
    const file = openFile(
      (async function* () {
        yield 'é' as unknown as Uint8Array;
      })(),
      'x.csv',
      undefined,
    );
    await file.drain();
    expect(file.info()).toMatchObject({ bytes: 2, sha256: sha('é') });
  });

  it('takes the format given, else the one of the file name, else none', () => {
    expect(openFile(chunks(''), 'x.csv', 'json').format).toBe('json');
    expect(openFile(chunks(''), 'x.xlsx', undefined).format).toBe('xlsx');
    const unknown = openFile(chunks(''), 'x.pdf', undefined);
    expect(unknown.format).toBeUndefined();
    expect(unknown.info().format).toBe('unknown');
  });
});
