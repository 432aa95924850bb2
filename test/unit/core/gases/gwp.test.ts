import { describe, expect, it } from 'vitest';
import { GASES, findGas, gasSymbol } from '../../../../core/gases/gases.ts';
import { GWP_SET_IDS, GWP_TABLE, gwpOf } from '../../../../core/gases/gwp.ts';
import { GwpNotDefinedError } from '../../../../core/errors.ts';

describe('GWP sets', () => {
  it('gives NF3 17,200 under AR4 (decision 4/CMP.7) and names the source', () => {
    const v = gwpOf('NF3', 'AR4');
    expect(v.value).toBe('17200');
    expect(v.source).toMatch(/4\/CMP\.7/);
  });

  it('refuses NF3 under SAR with an error that explains why, never a zero', () => {
    expect(() => gwpOf('NF3', 'SAR')).toThrow(GwpNotDefinedError);
    expect(() => gwpOf('nf3', 'SAR')).toThrow(/second commitment period/);
  });

  it('has the published 100-year values of the Kyoto gases in every set', () => {
    // domain.md §2.2: CH4 21/25/28/27.9, N2O 310/298/265/273, SF6 23900/22800/23500/25200.
    expect(GWP_SET_IDS.map((s) => gwpOf('CH4', s).value)).toEqual(['21', '25', '28', '27.9']);
    expect(GWP_SET_IDS.map((s) => gwpOf('N2O', s).value)).toEqual(['310', '298', '265', '273']);
    expect(GWP_SET_IDS.map((s) => gwpOf('SF6', s).value)).toEqual(['23900', '22800', '23500', '25200']);
    expect(GWP_SET_IDS.map((s) => gwpOf('CF4', s).value)).toEqual(['6500', '7390', '6630', '7380']);
    expect(gwpOf('c-C4F8', 'AR5').value).toBe('9540');
    expect(gwpOf('CHF3', 'AR4').value).toBe('14800');
  });

  it('covers every gas of the F-gas abatement scope (NF3, CF4, C2F6, C3F8, c-C4F8, SF6, CHF3) from AR4 on', () => {
    for (const gas of ['NF3', 'CF4', 'C2F6', 'C3F8', 'c-C4F8', 'SF6', 'CHF3'])
      for (const set of ['AR4', 'AR5', 'AR6'] as const) expect(Number(gwpOf(gas, set).value)).toBeGreaterThan(1000);
  });

  it('marks AR4 values the source compilation left blank as unsure, and lets a project override them with a source', () => {
    expect(gwpOf('HFC-41', 'AR4').confidence).toBe('unsure');
    const o = gwpOf('HFC-41', 'AR4', { 'HFC-41': { value: 97, source: 'decision 4/CMP.7 annex' } });
    expect(o).toMatchObject({ value: '97', confidence: 'override', source: 'decision 4/CMP.7 annex' });
  });

  it('finds gases by id, formula or alias, and every gas has a GWP row', () => {
    expect(findGas('PFC-14')?.id).toBe('CF4');
    expect(findGas('chf3')?.id).toBe('HFC-23');
    expect(gasSymbol('c-C4F8')).toBe('c_C4F8');
    for (const g of GASES) expect(GWP_TABLE.has(g.id)).toBe(true);
  });
});
