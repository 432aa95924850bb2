import { describe, expect, it } from 'vitest';
import { capForPeriod, capForYears, proRatedLimit } from '../../../../core/calculation/small-scale-cap.ts';

// Decision 4/CMP.1 annex II para 8 (CERs only up to the maximum value, on an annual average basis over the
// verified period) and EB 20 para 58(a) (every year of the crediting period): the limit per crediting year.
describe('small-scale limit pro-rated by crediting year', () => {
  it('a whole crediting year earns exactly the annual limit, leap year or not', () => {
    expect(proRatedLimit('60000', { start: '2016-01-01', end: '2016-12-31' }, '2013-01-01').limit).toBe('60000');
    expect(proRatedLimit('60000', { start: '2014-07-01', end: '2015-06-30' }, '2013-07-01').limit).toBe('60000');
  });
  it('a period across two crediting years earns each year its share (days of the piece / days of that year)', () => {
    // Crediting year 2015-07-01 … 2016-06-30 has 366 days (29 Feb 2016); the period takes 184 days of it
    // and 31 days of the next (365 days): 60,000 × 184/366 + 60,000 × 31/365.
    const r = proRatedLimit('60000', { start: '2016-01-01', end: '2016-07-31' }, '2013-07-01');
    expect(r.pieces).toEqual([
      { from: '2016-01-01', to: '2016-06-30', days: 182, yearDays: 366 },
      { from: '2016-07-01', to: '2016-07-31', days: 31, yearDays: 365 },
    ]);
    expect(Number(r.limit)).toBeCloseTo((60000 * 182) / 366 + (60000 * 31) / 365, 9);
  });
  it('caps only what exceeds the limit', () => {
    expect(capForPeriod('type-III', '70000', { start: '2014-01-01', end: '2014-12-31' }, '2014-01-01')).toMatchObject({
      applied: true,
      capped: '60000',
      excess: '10000',
    });
    expect(capForPeriod('type-III', '59999.9', { start: '2014-01-01', end: '2014-12-31' }, '2014-01-01')).toMatchObject({
      applied: false,
      capped: '59999.9',
      excess: '0',
    });
    expect(capForYears('ar-small-scale', '84012.5', '5')).toMatchObject({
      applied: true,
      limit: '80000',
      capped: '80000',
      excess: '4012.5',
      source: expect.stringContaining('9/CMP.3'),
    });
  });
});
