/**
 * Fuzzing the readers and the validation (fast-check, fixed seed, bounded runs): arbitrary bytes and
 * strings in every format never throw, always terminate, and yield a bounded number of events in the
 * documented order (one header first, or a single file.* diagnostic); arbitrary cells never make a
 * column parser throw.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { column } from '../../core/methodology/columns.ts';
import { parseNumberCell, parseTimestampCell } from '../../core/readers/cell-values.ts';
import { readRecords } from '../../core/readers/read-records.ts';
import type { Cell, MonitoringFormat, ReaderEvent } from '../../core/readers/types.ts';
import { CODES } from '../../core/validation/codes.ts';

export const FUZZ = { seed: 20_240_207, numRuns: 150 } as const;
const FORMATS: MonitoringFormat[] = ['csv', 'json', 'ndjson', 'xlsx'];

async function readAll(bytes: Uint8Array, format: MonitoringFormat, chunk: number) {
  const events: ReaderEvent[] = [];
  const source = {
    async *[Symbol.asyncIterator]() {
      for (let i = 0; i < bytes.length; i += chunk) yield bytes.subarray(i, i + chunk);
    },
  };
  for await (const e of readRecords(source, { fileName: `fuzz.${format}`, format, limits: { maxRecordChars: 4096 } })) {
    events.push(e);
    if (events.length > 10 * bytes.length + 10) throw new Error('unbounded number of events');
  }
  return events;
}

function checkEvents(events: ReaderEvent[], bytes: Uint8Array) {
  // Bounded: at most a few events per input byte (every record needs at least one byte).
  expect(events.length).toBeLessThanOrEqual(3 * bytes.length + 4);
  const headers = events.filter((e) => e.kind === 'header');
  expect(headers.length).toBeLessThanOrEqual(1);
  if (headers.length === 0) {
    // unreadable as a whole: only file.* / leading diagnostics, no records
    expect(events.some((e) => e.kind === 'record')).toBe(false);
  } else {
    const firstRecord = events.findIndex((e) => e.kind === 'record');
    if (firstRecord !== -1) expect(events.indexOf(headers[0]!)).toBeLessThan(firstRecord);
  }
  for (const e of events) if (e.kind === 'diagnostic') expect(Object.keys(CODES)).toContain(e.diagnostic.code);
  const rows = events.flatMap((e) => (e.kind === 'record' ? [e.row] : []));
  expect([...rows].sort((a, b) => a - b)).toEqual(rows); // row numbers increase
}

// eslint-disable-next-line no-control-regex -- NUL is one of the hostile characters
const csvish = fc.stringMatching(/^[a-zA-Z0-9_,;\t"\r\n .:+\-=@#[\]()éü€\u0000]{0,300}$/);
const jsonish = fc.oneof(
  fc.json(),
  fc.stringMatching(/^[[\]{}",:0-9a-z\r\n \\-]{0,300}$/),
  fc.array(fc.json(), { maxLength: 8 }).map((a) => a.join('\n')),
);

describe('readers never throw, always terminate, and yield bounded, ordered events', () => {
  it.each(FORMATS)('%s: arbitrary bytes', async (format) => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), fc.integer({ min: 1, max: 64 }), async (bytes, chunk) =>
        checkEvents(await readAll(bytes, format, chunk), bytes),
      ),
      { ...FUZZ, numRuns: format === 'xlsx' ? 60 : FUZZ.numRuns },
    );
  });

  it.each(['csv', 'json', 'ndjson'] as const)('%s: structured text (delimiters, quotes, brackets, line breaks)', async (format) => {
    await fc.assert(
      fc.asyncProperty(format === 'csv' ? csvish : jsonish, fc.integer({ min: 1, max: 32 }), async (text, chunk) => {
        const bytes = new TextEncoder().encode(text);
        checkEvents(await readAll(bytes, format, chunk), bytes);
      }),
      FUZZ,
    );
  });

  it('xlsx: a valid zip prefix followed by arbitrary bytes (damaged archives) ends in one diagnostic, never a hang', async () => {
    const zipHead = new Uint8Array([0x50, 0x4b, 0x03, 0x04]);
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), async (tail) => {
        const bytes = new Uint8Array([...zipHead, ...tail]);
        checkEvents(await readAll(bytes, 'xlsx', 97), bytes);
      }),
      { ...FUZZ, numRuns: 60 },
    );
  });
});

const cell: fc.Arbitrary<Cell> = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.date({ noInvalidDate: false }),
  fc.constantFrom(
    'NaN',
    '-Infinity',
    '1e308',
    '-0',
    '1,234.5',
    '13,5',
    '2015-02-30',
    '2015-06-01T24:00:00Z',
    '2015-06-01T01:00:00+14:00',
    ' ',
    '\u00a0',
    '0x10',
    '1_000',
    '١٢٣',
  ),
);

describe('validation: arbitrary cells never throw', () => {
  const schemas = [
    column.number({ unit: 'MWh', min: 0, max: 100, description: 'n' }),
    column.timestamp({ description: 't' }),
    column.boolean({ description: 'b' }),
    column.oneOf(['a', 'b'], { description: 'e' }),
    column.optional(column.number({ unit: 't', description: 'o' }), { default: 0 }),
  ];
  it('parseNumberCell / parseTimestampCell return a finite number or a catalogued code', () => {
    fc.assert(
      fc.property(cell, (c) => {
        for (const r of [parseNumberCell(c), parseTimestampCell(c)]) {
          if (typeof r === 'number') expect(Number.isFinite(r)).toBe(true);
          else expect(Object.keys(CODES)).toContain(r);
        }
      }),
      { ...FUZZ, numRuns: 2000 },
    );
  });
  it('every column schema: safeParse never throws; a failure carries a catalogued code', () => {
    fc.assert(
      fc.property(cell, (c) => {
        for (const s of schemas) {
          const r = s.safeParse(c);
          if (!r.success) for (const issue of r.error.issues) expect(Object.keys(CODES)).toContain((issue as { params?: { code?: string } }).params?.code);
        }
      }),
      { ...FUZZ, numRuns: 2000 },
    );
  });
});
