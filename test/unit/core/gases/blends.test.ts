import { describe, expect, it } from 'vitest';
import { blendGwp, findRefrigerant, hasKyotoComponent, NotInKyotoBasketError, REFRIGERANTS } from '#core/gases/blends';
import { GWP_SET_IDS } from '#core/gases/gwp';

const r = (id: string) => {
  const found = findRefrigerant(id);
  if (!found) throw new Error(`no refrigerant ${id}`);
  return found;
};

describe('refrigerant blends (ASHRAE Standard 34 compositions)', () => {
  it('knows the blends in common use, with mass fractions summing to 1 and a source naming ASHRAE Standard 34', () => {
    for (const id of ['R-404A', 'R-407C', 'R-410A', 'R-507A', 'R-448A', 'R-449A', 'R-452A', 'R-32', 'R-134a', 'R-22']) {
      const x = r(id);
      expect(x.source, id).toContain('ASHRAE Standard 34');
      const sum = x.components.reduce((s, c) => s + Number(c.fraction), 0);
      expect(sum, id).toBeCloseTo(1, 12);
    }
    expect(r('R-404A').components.map((c) => [c.substance, c.fraction])).toEqual([
      ['HFC-125', '0.44'],
      ['HFC-143a', '0.52'],
      ['HFC-134a', '0.04'],
    ]);
    expect(r('R-407C').components.map((c) => [c.substance, c.fraction])).toEqual([
      ['HFC-32', '0.23'],
      ['HFC-125', '0.25'],
      ['HFC-134a', '0.52'],
    ]);
    // Designations are found with or without the hyphen, in any case.
    expect(findRefrigerant('r410a')?.id).toBe('R-410A');
  });

  it('computes the blend GWP from its components for each set: R-410A = 0.5 × HFC-32 + 0.5 × HFC-125', () => {
    // AR4: 0.5 × 675 + 0.5 × 3,500 = 2,087.5; SAR: 0.5 × 650 + 0.5 × 2,800 = 1,725; AR5: 0.5 × 677 + 0.5 × 3,170 = 1,923.5.
    expect(blendGwp(r('R-410A'), 'AR4').value).toBe('2087.5');
    expect(blendGwp(r('R-410A'), 'SAR').value).toBe('1725');
    expect(blendGwp(r('R-410A'), 'AR5').value).toBe('1923.5');
    // R-404A AR4: 0.44 × 3,500 + 0.52 × 4,470 + 0.04 × 1,430 = 1,540 + 2,324.4 + 57.2 = 3,921.6.
    expect(blendGwp(r('R-404A'), 'AR4').value).toBe('3921.6');
    // R-507A AR4: 0.5 × 3,500 + 0.5 × 4,470 = 3,985.
    expect(blendGwp(r('R-507A'), 'AR4').value).toBe('3985');
    // Every listed refrigerant with a Kyoto component has a value in every set where its components are assessed.
    for (const x of REFRIGERANTS.filter(hasKyotoComponent))
      for (const set of GWP_SET_IDS) if (set !== 'SAR') expect(Number(blendGwp(x, set).value), `${x.id} ${set}`).toBeGreaterThan(0);
  });

  it('counts HFO and hydrocarbon components as 0 and names them: R-448A AR4 = 0.26 × 675 + 0.26 × 3,500 + 0.21 × 1,430', () => {
    const b = blendGwp(r('R-448A'), 'AR4');
    expect(b.value).toBe('1385.8');
    expect(b.excluded.map((x) => x.id)).toEqual(['HFO-1234yf', 'HFO-1234ze(E)']);
    expect(b.components.find((c) => c.substance === 'HFO-1234yf')?.contribution).toBe('0');
  });

  it('knows R-22 but reports it as outside the Kyoto basket (an HCFC of the Montreal Protocol): no GWP for credits', () => {
    expect(r('R-22').components[0]?.substance).toBe('HCFC-22');
    expect(hasKyotoComponent(r('R-22'))).toBe(false);
    expect(() => blendGwp(r('R-22'), 'AR4')).toThrow(NotInKyotoBasketError);
    expect(() => blendGwp(r('R-22'), 'AR4')).toThrow(/outside the Kyoto basket.*Montreal Protocol/);
  });
});

describe('mrv gwp with refrigerants', () => {
  it('prints the blend GWP of R-410A under AR4 (2087.5) and names the composition and its source', async () => {
    const { mrv } = await import('../../../helpers/cli.ts');
    const r = await mrv(['gwp', 'R-410A', '--set', 'AR4']);
    expect(r.code).toBe(0);
    expect(r.out).toBe('2087.5\n');
    expect(r.err).toMatch(/0\.5 × 675 \+ 0\.5 × 3500/);
    expect(r.err).toMatch(/ASHRAE Standard 34/);
  });
  it('lists the four sets for a blend, and refuses R-22 as outside the Kyoto basket (exit 2)', async () => {
    const { mrv } = await import('../../../helpers/cli.ts');
    const all = await mrv(['gwp', 'R-404A']);
    expect(all.out).toMatch(/SAR\s+3260\n\s+AR4\s+3921\.6\n\s+AR5\s+3942\.8\n\s+AR6\s+4728/);
    const hcfc = await mrv(['gwp', 'R-22', '--set', 'AR4']);
    expect(hcfc.code).toBe(2);
    expect(hcfc.err).toMatch(/R-22 is outside the Kyoto basket/);
  });
});
