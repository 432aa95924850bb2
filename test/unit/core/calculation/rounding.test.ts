import { describe, expect, it } from 'vitest';
import { Dec, decimalFromFloat, reportQuantity, roundWhole, ROUNDING_POLICIES } from '../../../../core/calculation/rounding.ts';
import { CompensatedSum } from '../../../../core/calculation/compensated-sum.ts';

describe('rounding', () => {
  it('removes binary artefacts: 5,000,000 × 0.5 × 0.000716 is 1790, not 1789.9999999999998', () => {
    const float = 5_000_000 * 0.5 * 0.000716;
    expect(float).not.toBe(1790); // the hazard is real (domain.md §6.5)
    expect(reportQuantity(decimalFromFloat(float))).toBe('1790');
    expect(roundWhole(decimalFromFloat(float), 'floor').toString()).toBe('1790');
  });
  it('rounds issuable units down and deductions up, per mechanism', () => {
    expect(roundWhole(new Dec('40805.637'), ROUNDING_POLICIES.CDM.issuance).toString()).toBe('40805');
    expect(roundWhole(new Dec('2238.98'), ROUNDING_POLICIES.CDM.deductions).toString()).toBe('2239');
    expect(ROUNDING_POLICIES.JCM.deductions).toBe('floor');
  });
  it('compensated summation keeps a million small readings exact to 15 digits', () => {
    const s = new CompensatedSum();
    let naive = 0;
    for (let i = 0; i < 1_000_000; i++) {
      s.add(0.1);
      naive += 0.1;
    }
    expect(reportQuantity(decimalFromFloat(s.value))).toBe('100000');
    expect(naive).not.toBe(100000);
  });
});
