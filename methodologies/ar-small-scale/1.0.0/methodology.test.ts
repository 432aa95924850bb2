import { describe, expect, it } from 'vitest';
import { describeConformance, expectDecimal, loadFixtures, projectWith, run } from '#test/methodology-conformance';
import methodology from './methodology.ts';

describeConformance(methodology, new URL('./', import.meta.url));

const { projectInput } = loadFixtures(new URL('./', import.meta.url));
const trace = (r: Awaited<ReturnType<typeof run>>, symbol: string) => r.trace.find((t) => t.symbol === symbol)?.value;

/** domain.md §6.9: 100 ha of degraded grassland, ΔC_BSL = GHG_E = LK = 0; D 0.5, BEF 1.3, R 0.25, CF 0.47. */
const p69 = { D: 0.5, BEF: 1.3, R: 0.25, A_project: 100, DeltaC_BSL: 0, GHG_E: 0, LK: 0, C_TREE_start: 0 };
/** The 100 ha in two strata of the same stand (60 + 40 ha), both at the stated mean volume. */
const inventory = (date: string, V: number) => `timestamp,stratum,A,V\n${date},north,60,${V}\n${date},south,40,${V}\n`;

describe('ar-small-scale@1.0.0 hand-worked cases (domain.md §6.9)', () => {
  it('year 5: V = 60 m3/ha → 84.0125 t CO2/ha → C_AR = 8,401.25 → 8,401 tCERs', async () => {
    // Prepare
    const project = projectWith(projectInput, { id: 'ar-6-9-y5', parameters: { ...p69, years_since_start: 5, credit_type: 'tCER', C_AR_t1: 0 } });
    // Act
    const result = await run(methodology, project, inventory('2018-06-30', 60));
    // Assess: B = 6,000 m3 × 0.5 × 1.3 × 1.25 = 4,875 t d.m.; C = 4,875 × 0.47 × 44/12 = 8,401.25.
    expect(result.status).toBe('accepted');
    expect(trace(result, 'B_TREE')).toBe('4875');
    expect(trace(result, 'C_TREE')).toBe('8401.25');
    expectDecimal(result.totals?.ER, '8401.25', 'C_AR,t2');
    expect(trace(result, 'tCER_quantity')).toBe('8401');
    expect(trace(result, 'credits_issuable')).toBe('8401');
    expect(result.issuable?.units).toBe('8401');
    // First verification: lCER would be the same quantity.
    expect(trace(result, 'lCER_quantity')).toBe('8401');
  });

  it('year 10: V = 150 m3/ha → C_AR = 21,003.125 → 21,003 tCERs (cumulative), lCER = 21,003 − 8,401 = 12,602 (floor-then-subtract)', async () => {
    // Prepare: lCER project, previous certification at year 5 = 8,401.25 (exact) — floored to 8,401.
    const project = projectWith(projectInput, { id: 'ar-6-9-y10', parameters: { ...p69, years_since_start: 10, credit_type: 'lCER', C_AR_t1: 8401.25 } });
    // Act
    const result = await run(methodology, project, inventory('2023-06-30', 150));
    // Assess
    expect(result.status).toBe('accepted');
    expectDecimal(result.totals?.ER, '21003.125', 'C_AR,t2');
    expect(trace(result, 'tCER_quantity')).toBe('21003');
    expect(trace(result, 'lCER_quantity')).toBe('12602');
    expect(trace(result, 'credits_issuable')).toBe('12602');
    expect(trace(result, 'lCER_replacement')).toBe('0');
    // Subtract-then-floor would give floor(12,601.875) = 12,601: the module does not do that (README §6).
    expect(trace(result, 'C_AR_annual')).toBe('2100.3125');
    // The module declares credits_issuable as its credit quantity: an lCER project is issued its lCERs,
    // which expire at the end of the crediting period (decision 5/CMP.1 annex para 1(h)).
    expect(result.issuable).toMatchObject({ units: '12602', creditType: 'lCER', expires: project.creditingPeriod.end });
  });

  it('gives the same lCER whether C_AR_t1 is entered exact (8,401.25) or as certified whole units (8,401)', async () => {
    const project = projectWith(projectInput, { parameters: { ...p69, years_since_start: 10, credit_type: 'lCER', C_AR_t1: 8401 } });
    const result = await run(methodology, project, inventory('2023-06-30', 150));
    expect(trace(result, 'lCER_quantity')).toBe('12602');
  });

  it('books a fall of certified removals (fire) as lCERs to replace, and issues none', async () => {
    // Removals certified at t1: 21,003; a fire leaves V = 100 → C_AR = 14,002.083… → 7,001 lCERs to replace.
    const project = projectWith(projectInput, { parameters: { ...p69, years_since_start: 15, credit_type: 'lCER', C_AR_t1: 21003 } });
    const result = await run(methodology, project, inventory('2028-06-30', 100));
    expect(result.status).toBe('accepted');
    expect(trace(result, 'lCER_quantity')).toBe('0');
    expect(trace(result, 'lCER_replacement')).toBe('7001');
  });

  it('subtracts GHG_E, baseline removals and leakage: ER = ΔC_P − GHG_E − ΔC_BSL − LK', async () => {
    const project = projectWith(projectInput, { parameters: { ...p69, years_since_start: 5, GHG_E: 1.25, DeltaC_BSL: 100, LK: 50 } });
    const result = await run(methodology, project, inventory('2018-06-30', 60));
    expectDecimal(result.totals?.BE, '8401.25', 'ΔC_P');
    expectDecimal(result.totals?.PE, '101.25', 'GHG_E + ΔC_BSL');
    expectDecimal(result.totals?.LE, '50', 'LK');
    expectDecimal(result.totals?.ER, '8250', 'C_AR');
  });

  // Decision 9/CMP.3 (cdmrulebook.org/725): net removals above 16 kt CO2 per year "will not be eligible
  // for the issuance of tCERs or lCERs" — only the excess; the inventory is not rejected.
  it('caps removals above the 16,000 t/yr small-scale limit: only the excess is not eligible', async () => {
    // 100 ha × 600 m3/ha after 5 years → 84,012.5 t → 16,802.5 t/yr; limit 16,000 × 5 = 80,000 t.
    const project = projectWith(projectInput, { parameters: { ...p69, years_since_start: 5, credit_type: 'tCER', C_AR_t1: 0 } });
    const result = await run(methodology, project, inventory('2018-06-30', 600));
    expect(result.status).toBe('accepted');
    expect(trace(result, 'C_AR_t2')).toBe('80000');
    expect(result.trace.find((t) => t.symbol === 'C_AR_t2')?.adjustments).toEqual([
      expect.objectContaining({ kind: 'small-scale-cap', from: '84012.5', to: '80000' }),
    ]);
    expect(result.issuable).toMatchObject({ units: '80000', smallScaleCap: { kind: 'ar-small-scale', applied: true, limit: '80000', excess: '4012.5' } });
    expect(result.diagnostics).toContainEqual(expect.objectContaining({ code: 'period.small_scale_cap', severity: 'warning' }));
  });

  it('rejects strata that add up to more than the project area (a stratum listed twice)', async () => {
    const result = await run(methodology, projectWith(projectInput, {}), 'timestamp,stratum,A,V\n2018-06-30,S1,60,50\n2018-06-30,S1,60,50\n');
    expect(result.status).toBe('rejected');
    expect(result.diagnostics.map((d) => d.message).join(' ')).toContain('strata-within-project-area');
  });

  it('is not applicable to a large-scale registration, a wetland, too much soil disturbance, or without low-income communities', async () => {
    const csv = inventory('2018-06-30', 60);
    const cases = [
      [{ scale: 'large' as const }, 'small-scale-registration'],
      [{ parameters: { wetland: true } }, 'not-wetland'],
      [{ parameters: { soil_disturbance_fraction: 0.15 } }, 'soil-disturbance-limited'],
      [{ parameters: { low_income_communities: false } }, 'low-income-communities'],
    ] as const;
    for (const [changes, id] of cases) {
      const result = await run(methodology, projectWith(projectInput, changes), csv);
      expect(result.status, id).toBe('not-applicable');
      expect(result.diagnostics[0]?.message).toContain(id);
    }
  });

  it('carries the afforestation tag for the issuance step', () => {
    expect(methodology.tags).toEqual(['afforestation']);
  });
});
