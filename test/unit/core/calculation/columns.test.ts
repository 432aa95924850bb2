import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { column, monitoringRow } from '../../../../core/methodology/columns.ts';
import { parseNumberCell, parseTimestampCell } from '../../../../core/readers/cell-values.ts';

describe('number cells', () => {
  it('accepts plain decimal numbers from text and numbers from JSON/XLSX alike', () => {
    expect(parseNumberCell('42')).toBe(42);
    expect(parseNumberCell(' -1.5e3 ')).toBe(-1500);
    expect(parseNumberCell('.5')).toBe(0.5);
    expect(parseNumberCell(12.25)).toBe(12.25);
  });
  it('names what is wrong: empty, text, NaN/Infinity/1e308, decimal comma, thousands separator', () => {
    expect(parseNumberCell('')).toBe('row.missing_value');
    expect(parseNumberCell(null)).toBe('row.missing_value');
    expect(parseNumberCell('n/a')).toBe('row.not_a_number');
    expect(parseNumberCell('0x10')).toBe('row.not_a_number');
    expect(parseNumberCell('NaN')).toBe('row.not_finite');
    expect(parseNumberCell('-Infinity')).toBe('row.not_finite');
    expect(parseNumberCell('1e308')).toBe('row.not_finite');
    expect(parseNumberCell(Number.NaN)).toBe('row.not_finite');
    expect(parseNumberCell('12,5')).toBe('row.decimal_comma');
    expect(parseNumberCell('1,234,567')).toBe('row.thousands_separator');
    expect(parseNumberCell('1.234.567,8')).toBe('row.thousands_separator');
    expect(parseNumberCell(true)).toBe('row.not_a_number');
  });
  it('never throws and never returns a non-finite number, whatever the text', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const v = parseNumberCell(s);
        return typeof v === 'string' || Number.isFinite(v);
      }),
      { seed: 42, numRuns: 2000 },
    );
  });
});

describe('timestamp cells', () => {
  it('accepts ISO 8601 with an offset, plain dates and spreadsheet dates', () => {
    expect(parseTimestampCell('2024-03-31T02:15:00+01:00')).toBe(Date.UTC(2024, 2, 31, 1, 15));
    expect(parseTimestampCell('2024-03-31T01:15:00Z')).toBe(Date.UTC(2024, 2, 31, 1, 15));
    expect(parseTimestampCell('2024-03-31')).toBe(Date.UTC(2024, 2, 31));
    expect(parseTimestampCell(new Date(Date.UTC(2024, 0, 1)))).toBe(Date.UTC(2024, 0, 1));
  });
  it('reads times without an offset, dates and spreadsheet dates as local wall times (the engine puts them on the site clock)', () => {
    const kind = { local: false };
    expect(parseTimestampCell('2024-03-31T02:15:00', kind)).toBe(Date.UTC(2024, 2, 31, 2, 15));
    expect(kind.local).toBe(true);
    expect(parseTimestampCell('2024-03-31T02:15:00+01:00', kind)).toBe(Date.UTC(2024, 2, 31, 1, 15));
    expect(kind.local).toBe(false);
    expect(parseTimestampCell(new Date(Date.UTC(2024, 0, 1)), kind)).toBe(Date.UTC(2024, 0, 1));
    expect(kind.local).toBe(true);
  });
  it('refuses impossible dates and other formats', () => {
    expect(parseTimestampCell('2023-02-30')).toBe('row.invalid_timestamp');
    expect(parseTimestampCell('31/03/2024')).toBe('row.invalid_timestamp');
    expect(parseTimestampCell('2024-13-01')).toBe('row.invalid_timestamp');
  });
});

describe('a monitoring row schema', () => {
  const row = monitoringRow({
    t: column.timestamp({ description: 'time' }),
    EG: column.number({ unit: 'MWh', min: 0, description: 'energy' }),
    on: column.boolean({ description: 'flame detected' }),
    kind: column.oneOf(['enclosed', 'open'], { description: 'flare type' }),
    note: column.optional(column.number({ unit: 'MWh', description: 'optional reading' }), { default: 0 }),
  });
  it('reports each bad column with our code and what was expected', () => {
    const r = row.safeParse({ t: 'yesterday', EG: '-1', on: 'maybe', kind: 'closed', note: 'x' });
    expect(r.success).toBe(false);
    if (r.success) return;
    expect(r.error.issues.map((i) => [i.path[0], (i as { params?: { code?: string } }).params?.code])).toEqual([
      ['t', 'row.invalid_timestamp'],
      ['EG', 'row.below_minimum'],
      ['on', 'row.invalid_boolean'],
      ['kind', 'row.invalid_enum'],
      ['note', 'row.not_a_number'],
    ]);
  });
  it('gives an empty or absent optional cell its declared default', () => {
    expect(row.parse({ t: '2024-01-01', EG: '1', on: 'yes', kind: 'open', note: '' })).toEqual({
      t: Date.UTC(2024, 0, 1),
      EG: 1,
      on: true,
      kind: 'open',
      note: 0,
    });
    expect(row.parse({ t: '2024-01-01', EG: '1', on: 'yes', kind: 'open' })).toMatchObject({ note: 0 });
  });
  it('refuses an optional numeric column that does not say what its absence means, so no sum ever meets undefined', () => {
    expect(() => column.optional(column.number({ unit: 'MWh', description: 'x' }))).toThrow(/needs \{ absent: \{ … \} \}/);
  });
});
