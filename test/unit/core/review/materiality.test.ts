import { describe, expect, it } from 'vitest';
import { materiality, materialityBracket } from '../../../../core/review/materiality.ts';

describe('materiality (decision 9/CMP.7)', () => {
  it.each([
    ['large', 600_000, '0.5'],
    ['large', 500_001, '0.5'],
    ['large', 500_000, '1'],
    ['large', 300_001, '1'],
    ['large', 300_000, '2'],
    ['large', 1, '2'],
    ['small', 900_000, '5'],
    ['micro', 10, '10'],
  ] as const)('%s-scale at %d t/yr → %s %%', (scale, er, percent) => {
    expect(materialityBracket(scale, er).percent).toBe(percent);
  });

  it('domain.md §3 example: 600,000 t/yr over one year → 0.5 % → 3,000 t', () => {
    expect(materiality({ scale: 'large', erPeriod: '600000', periodDays: 365, pddAnnualEstimate: 0 })).toMatchObject({
      percent: '0.5',
      tonnes: '3000',
      annualBasis: 'claimed ER annualised over the period',
    });
  });

  it('annualises a short period before choosing the bracket', () => {
    // 50,000 t in 30 days ≈ 608,333 t/yr → 0.5 % of the 50,000 claimed
    expect(materiality({ scale: 'large', erPeriod: '50000', periodDays: 30, pddAnnualEstimate: 100_000 })).toMatchObject({
      percent: '0.5',
      tonnes: '250',
      annualEr: '608333',
    });
  });

  it('falls back to the PDD estimate when the period claims nothing', () => {
    expect(materiality({ scale: 'large', erPeriod: '0', periodDays: 30, pddAnnualEstimate: 400_000 })).toMatchObject({
      percent: '1',
      tonnes: '0',
      annualBasis: 'registered PDD estimate',
    });
  });
});
