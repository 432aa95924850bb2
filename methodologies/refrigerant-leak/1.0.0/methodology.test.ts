import { describe, expect, it } from 'vitest';
import { describeConformance, expectDecimal, loadFixtures, projectWith, run } from '#test/methodology-conformance';
import { ProjectSchema } from '#core/project/project';
import methodology from './methodology.ts';

describeConformance(methodology, new URL('./', import.meta.url));

const { projectInput } = loadFixtures(new URL('./', import.meta.url));
const HEADER = 'month,system,refrigerant,m_recharge';
/** One system, January–December 2015, `kg` recharged in June, nothing in the other months. */
const year = (refrigerant: string, kg: number) =>
  `${HEADER}\n${Array.from({ length: 12 }, (_, i) => `2015-${String(i + 1).padStart(2, '0')}-01,rack-A,${refrigerant},${i === 5 ? kg : 0}`).join('\n')}\n`;
const gas = (r: Awaited<ReturnType<typeof run>>, id: string) => r.gases?.find((g) => g.gas === id);

describe('refrigerant-leak@1.0.0 hand-worked cases', () => {
  it('splits a recharge of R-410A into HFC-32 and HFC-125 (50/50) and converts each with its own GWP: 100 kg → 208.75 tCO2e under AR4', async () => {
    // Prepare: a baseline on R-410A too, 1,000 kg at 20 %/yr → 200 kg = 100 kg HFC-32 + 100 kg HFC-125.
    const project = projectWith(projectInput, { parameters: { baseline_refrigerant: 'R-410A', M_charge_BL: 1000, x_leak_BL: 0.2 } });
    // Act
    const result = await run(methodology, project, year('R-410A', 100));
    // Assess: PE = 0.05 t × 675 + 0.05 t × 3,500 = 33.75 + 175 = 208.75 (the R-410A blend GWP 2,087.5 × 0.1 t);
    // BE = 0.1 × 675 + 0.1 × 3,500 = 417.5; ER = 208.75.
    expect(result.status).toBe('accepted');
    expect(result.gwp?.set).toBe('AR4');
    expectDecimal(gas(result, 'HFC-32')?.PE.t, '0.05', 'PE HFC-32 t');
    expectDecimal(gas(result, 'HFC-125')?.PE.tCO2e, '175', 'PE HFC-125 tCO2e');
    expectDecimal(result.totals?.PE, '208.75', 'PE');
    expectDecimal(result.totals?.BE, '417.5', 'BE');
    expectDecimal(result.totals?.ER, '208.75', 'ER');
  });

  it('counts the HFO components of R-448A as 0 (outside the Kyoto basket): 100 kg → 138.58 tCO2e under AR4', async () => {
    const result = await run(methodology, projectWith(projectInput, {}), year('R-448A', 100));
    // 0.026 t × 675 + 0.026 t × 3,500 + 0.021 t × 1,430 = 17.55 + 91 + 30.03.
    expectDecimal(result.totals?.PE, '138.58', 'PE');
    expect(result.gases?.map((g) => g.gas)).not.toContain('HFO-1234yf');
  });

  it('follows the GWP set of the period: the same R-404A baseline is worth less under SAR (Kyoto CP1)', async () => {
    const cp1 = projectWith(projectInput, { creditingPeriod: { start: '2008-01-01', end: '2014-12-31' } });
    const csv = `${HEADER}\n${Array.from({ length: 12 }, (_, i) => `2010-${String(i + 1).padStart(2, '0')}-01,rack-A,R-448A,0`).join('\n')}\n`;
    const result = await run(methodology, cp1, csv);
    expect(result.diagnostics).toEqual([]);
    expect(result.gwp?.set).toBe('SAR');
    // 216 kg R-404A: 95.04 kg × 2,800 + 112.32 kg × 3,800 + 8.64 kg × 1,300 (SAR) = 266.112 + 426.816 + 11.232 = 704.16.
    expectDecimal(result.totals?.BE, '704.16', 'BE SAR');
  });

  it('is not applicable to an R-22 (HCFC) baseline, and refuses an R-22 recharge: outside the Kyoto basket', async () => {
    const hcfc = await run(methodology, projectWith(projectInput, { parameters: { baseline_refrigerant: 'R-22' } }), year('R-448A', 1));
    expect(hcfc.status).toBe('not-applicable');
    expect(hcfc.diagnostics[0]?.message).toMatch(/R-22 .*outside the Kyoto basket.*Montreal Protocol/);
    const recharge = await run(methodology, projectWith(projectInput, {}), year('R-22', 5));
    expect(recharge.status).toBe('rejected');
    expect(recharge.diagnostics).toContainEqual(expect.objectContaining({ code: 'row.check_failed', message: expect.stringContaining('no-r-22-recharge') }));
  });

  it("rejects a period with a system's missing month (the recharge is a project emission)", async () => {
    const csv = year('R-448A', 5)
      .split('\n')
      .filter((l) => !l.startsWith('2015-07'))
      .join('\n');
    const result = await run(methodology, projectWith(projectInput, {}), csv);
    expect(result.status).toBe('rejected');
    expect(result.diagnostics).toContainEqual(expect.objectContaining({ code: 'period.gap', severity: 'error' }));
  });

  it("is not applicable when the registered baseline leak rate exceeds the registration's bound", async () => {
    const result = await run(methodology, projectWith(projectInput, { parameters: { x_leak_BL: 0.5 } }), year('R-448A', 1));
    expect(result.status).toBe('not-applicable');
    expect(result.diagnostics[0]?.message).toContain('baseline-leak-rate-plausible');
  });

  it('has no default bound for the baseline leak rate: a registration without x_leak_BL_max is refused', async () => {
    const { x_leak_BL_max: _bound, ...rest } = projectInput.parameters as Record<string, unknown>;
    await expect(run(methodology, ProjectSchema.parse({ ...projectInput, parameters: rest }), year('R-448A', 1))).rejects.toThrow(/x_leak_BL_max/);
  });
});
