/** The byte parsers of the CSV fast path give exactly what the cell parsers give, or step aside. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { column, fastColumnOf, isPlainMonitoringRow, monitoringRow } from '../../../../core/methodology/columns.ts';
import { parseNumberBytes, parseNumberCell, parseTimestampBytes, parseTimestampCell } from '../../../../core/readers/cell-values.ts';

const bytes = (s: string) => Buffer.from(s, 'latin1');

function sameNumber(text: string) {
  const fast = parseNumberBytes(bytes(text), 0, text.length);
  if (fast === undefined) return;
  expect(Object.is(fast, parseNumberCell(text)), text).toBe(true);
}

function sameTimestamp(text: string) {
  const fast = parseTimestampBytes(bytes(text), 0, text.length);
  if (fast === undefined) return;
  expect(fast, text).toBe(parseTimestampCell(text));
}

describe('fast value parsers', () => {
  it('parse plain decimals exactly as Number() does', () => {
    for (const t of [
      '0',
      '-0',
      '+0',
      '0.000',
      '-0.000',
      '1',
      '13.494',
      '.5',
      '5.',
      '999999999999999',
      '0.1',
      '0.2',
      '0.3',
      '123456.789012345',
      '1e5',
      '',
      '-',
      '.',
      '1.2.3',
      ' 1',
      '1,5',
      '0x10',
      'NaN',
    ])
      sameNumber(t);
    expect(parseNumberBytes(bytes('1e5'), 0, 3)).toBeUndefined();
    expect(parseNumberBytes(bytes('1234567890123456'), 0, 16)).toBeUndefined();
    fc.assert(
      fc.property(fc.stringMatching(/^[+-]?\d{0,9}(\.\d{0,9})?$/), (t) => sameNumber(t)),
      { numRuns: 20000 },
    );
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 }), fc.integer({ min: 0, max: 6 }), (d, k) =>
        sameNumber(d.toFixed(k)),
      ),
      { numRuns: 20000 },
    );
  });

  it('parse ISO timestamps exactly as parseTimestampCell does', () => {
    for (const t of [
      '2024-01-31T23:45:00Z',
      '2024-02-29T00:00:00Z',
      '2023-02-29T00:00:00Z',
      '2024-02-29',
      '2023-02-29',
      '0000-01-01',
      '9999-12-31T23:59:59Z',
      '2024-13-01',
      '2024-00-10',
      '2024-01-01T24:00:00Z',
      '2024-01-01T23:60:00Z',
      '2024-01-01 10:00:00Z',
      '2024-01-01T10:00:00',
    ])
      sameTimestamp(t);
    fc.assert(
      fc.property(fc.integer({ min: -62167219200000, max: 253402300799000 }), (ms) => {
        const iso = new Date(Math.floor(ms / 1000) * 1000).toISOString();
        sameTimestamp(`${iso.slice(0, 19)}Z`);
        sameTimestamp(iso.slice(0, 10));
      }),
      { numRuns: 20000 },
    );
    fc.assert(
      fc.property(fc.stringMatching(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}Z)?$/), (t) => sameTimestamp(t)),
      { numRuns: 20000 },
    );
  });

  it('marks only column.number / column.timestamp and monitoringRow schemas', () => {
    const n = column.number({ unit: 'MWh', min: 0, max: 5, description: 'x' });
    expect(fastColumnOf(n)).toEqual({ kind: 'number', min: 0, max: 5 });
    expect(fastColumnOf(column.timestamp({ description: 't' }))).toEqual({ kind: 'timestamp' });
    expect(fastColumnOf(column.optional(n, { default: 0 }))).toBeUndefined();
    expect(fastColumnOf(column.boolean({ description: 'b' }))).toBeUndefined();
    const row = monitoringRow({ n });
    expect(isPlainMonitoringRow(row)).toBe(true);
    expect(isPlainMonitoringRow(row.refine(() => true))).toBe(false);
  });
});
