import { describe, expect, it } from 'vitest';
import { checkHeader, needsUnits } from '../../../../../core/calculation/stages/header.ts';
import type { Diagnostic } from '../../../../../core/validation/diagnostic.ts';
import { methodology } from './fixture.ts';

const check = (columns: string[], units?: Record<string, string>) => {
  const out: Omit<Diagnostic, 'source'>[] = [];
  const outcome = checkHeader({ methodology, fileName: 'f.csv', diag: (d) => out.push(d), sourceColumns: [] }, { columns, ...(units ? { units } : {}) });
  return { outcome, codes: out.map((d) => d.code), out };
};

describe('the header stage', () => {
  it('accepts the declared columns, in any order', () => {
    const { outcome, codes } = check(['EC', 'timestamp', 'w_CH4', 'LFG']);
    expect(outcome.complete).toBe(true);
    expect(codes).toEqual([]);
    expect(outcome.converted.size).toBe(0);
  });

  it('refuses a missing column and names the columns found', () => {
    const { outcome, out } = check(['timestamp', 'LFG', 'w_CH4']);
    expect(outcome.complete).toBe(false);
    expect(out).toEqual([expect.objectContaining({ code: 'header.missing_column', location: { file: 'f.csv', column: 'EC' }, expected: 'EC (MWh)' })]);
    expect(out[0]!.message).toMatch(/Columns found: timestamp, LFG, w_CH4/);
  });

  it('refuses a misspelled column (did you mean …?) and only notes an unknown one', () => {
    const { codes, out } = check(['timestamp', 'LFGG', 'w_CH4', 'EC', 'comment']);
    expect(codes).toEqual(['header.missing_column', 'header.misspelled_column', 'header.unknown_column']);
    expect(out[1]).toMatchObject({ severity: 'error', actual: 'LFGG', expected: 'LFG' });
    expect(out[2]).toMatchObject({ severity: 'warning' });
  });

  it('names a column whose name hides invisible characters', () => {
    const { out } = check(['timestamp', 'LFG\u200b', 'w_CH4', 'EC']);
    expect(out[0]!.message).toMatch(/contains invisible characters/);
  });

  it('asks for the units module only for a unit that differs from the declared one', () => {
    expect(needsUnits(methodology, { columns: ['EC'], units: { EC: 'MWh' } })).toBe(false);
    expect(needsUnits(methodology, { columns: ['EC'], units: { EC: '' } })).toBe(false);
    expect(needsUnits(methodology, { columns: ['EC'], units: { EC: 'kWh' } })).toBe(true);
  });
});
