import { describe, expect, it } from 'vitest';
import { describeConformance, expectDecimal, loadFixtures, projectWith, run } from '#test/methodology-conformance';
import { ProjectSchema } from '#core/project/project';
import methodology from './methodology.ts';

describeConformance(methodology, new URL('./', import.meta.url));

const { projectInput } = loadFixtures(new URL('./', import.meta.url));
const year2016 = { start: '2016-01-01', end: '2016-12-31' };
/** DRE NF3 0.95, CF4 0.90 (the other gases 0.90 from the fixture), h 0.10, EF_grid 0.6. */
const parameters = { h: 0.1, EF_grid: 0.6, DRE_NF3: 0.95, DRE_CF4: 0.9 };
/** One row of 2016 with the given consumption columns, a = 1, 20 MWh, 2 t natural gas. */
const oneRow = (columns: Record<string, number>, a = 1) =>
  `timestamp,${Object.keys(columns).join(',')},a,EC_abatement,FC_NG\n2016-06-30,${Object.values(columns).join(',')},${a},20,2\n`;
const gas = (result: Awaited<ReturnType<typeof run>>, id: string) => result.gases!.find((g) => g.gas === id)!;

describe('fgas-abatement@2.0.0 hand-worked cases', () => {
  it('NF3 remote-plasma CVD clean under AR4 (CDM, CP2): BE 442.62, PE 46.66674 (natural gas at the TOOL03 upper limits), ER 395.95326', async () => {
    // Prepare: 1,000 kg NF3, remote plasma CVD clean (IPCC 2006 Vol. 3 Ch. 6 Table 6.3, CVD row: 1 − U 0.02, B_CF4 0.02).
    const project = projectWith(projectInput, { id: 'nf3-remote', parameters });
    // Act
    const result = await run(methodology, project, oneRow({ FC_cvd_NF3_remote: 1000 }), { period: year2016 });
    // Assess: baseline NF3 = 0.9 × 1,000 × 0.02 = 18 kg → 309.6; CF4 = 0.9 × 0.02 × 1,000 = 18 kg → 133.02.
    expect(result.status).toBe('accepted');
    expectDecimal(gas(result, 'NF3').BE.tCO2e, '309.6', 'BE NF3');
    expectDecimal(gas(result, 'CF4').BE.tCO2e, '133.02', 'BE CF4');
    // Project: NF3 0.9 kg → 15.48; CF4 1.8 kg → 13.302; CO2 = 20 × 0.6 + 2 × 50.4 × 0.0583 + 0.0081 = 12 + 5.87664 + 0.0081.
    expectDecimal(gas(result, 'CO2').PE.t, '17.88474', 'PE CO2');
    expectDecimal(result.totals?.PE, '46.66674', 'PE');
    expectDecimal(result.totals?.ER, '395.95326', 'ER');
    expect(result.issuable?.units).toBe('395');
  });

  it('uses the factor of the process: NF3 in etch (1 − U 0.2, no B_CF4) is not NF3 in remote CVD clean (0.02, B_CF4 0.02)', async () => {
    // IPCC 2006 Vol. 3 Ch. 6 Table 6.3: etch row NF3 1 − U 0.2; CVD row NF3 remote 0.02, in-situ 0.2 (B_CF4 0.1).
    const project = projectWith(projectInput, { parameters });
    const etch = await run(methodology, project, oneRow({ FC_etch_NF3: 1000 }), { period: year2016 });
    const insitu = await run(methodology, project, oneRow({ FC_cvd_NF3_insitu: 1000 }), { period: year2016 });
    // Etch: 0.9 × 1,000 × 0.2 = 180 kg NF3, no by-product.
    expectDecimal(gas(etch, 'NF3').BE.t, '0.18', 'etch BE NF3 t');
    expectDecimal(gas(etch, 'CF4').BE.t, '0', 'etch BE CF4 t');
    // In-situ clean: 180 kg NF3 and 0.9 × 0.1 × 1,000 = 90 kg CF4.
    expectDecimal(gas(insitu, 'NF3').BE.t, '0.18', 'in-situ BE NF3 t');
    expectDecimal(gas(insitu, 'CF4').BE.t, '0.09', 'in-situ BE CF4 t');
  });

  it('counts the etch by-products of c-C4F8: CF4 (B 0.2) and C2F6 (B 0.2), each destroyed with its own DRE', async () => {
    // Prepare: 100 kg c-C4F8 in etch; DRE c-C4F8 0.9, CF4 0.9, C2F6 0.8.
    const project = projectWith(projectInput, { parameters: { ...parameters, DRE_C2F6: 0.8 } });
    const result = await run(methodology, project, oneRow({ FC_etch_cC4F8: 100 }), { period: year2016 });
    // Baseline: c-C4F8 0.9 × 100 × 0.2 = 18 kg; CF4 0.9 × 0.2 × 100 = 18 kg; C2F6 0.9 × 0.2 × 100 = 18 kg.
    expectDecimal(gas(result, 'c-C4F8').BE.t, '0.018', 'BE c-C4F8 t');
    expectDecimal(gas(result, 'CF4').BE.t, '0.018', 'BE CF4 t');
    expectDecimal(gas(result, 'C2F6').BE.t, '0.018', 'BE C2F6 t');
    // Project: C2F6 by-product left = 18 × (1 − 0.8) = 3.6 kg; CF4 = 18 × 0.1 = 1.8 kg.
    expectDecimal(gas(result, 'C2F6').PE.t, '0.0036', 'PE C2F6 t');
    expectDecimal(gas(result, 'CF4').PE.t, '0.0018', 'PE CF4 t');
    // The same c-C4F8 in CVD clean: 1 − U 0.1 and B_CF4 0.1, no C2F6.
    const cvd = await run(methodology, project, oneRow({ FC_cvd_cC4F8: 100 }), { period: year2016 });
    expectDecimal(gas(cvd, 'c-C4F8').BE.t, '0.009', 'CVD BE c-C4F8 t');
    expectDecimal(gas(cvd, 'C2F6').BE.t, '0', 'CVD BE C2F6 t');
  });

  it('etch CF4 earns less than CVD-clean CF4 (1 − U 0.7 vs 0.9): 1.0.0 applied the CVD factor to every kilogram', async () => {
    const project = projectWith(projectInput, { parameters });
    const etch = await run(methodology, project, oneRow({ FC_etch_CF4: 100 }), { period: year2016 });
    const cvd = await run(methodology, project, oneRow({ FC_cvd_CF4: 100 }), { period: year2016 });
    expectDecimal(gas(etch, 'CF4').BE.t, '0.063', 'etch BE CF4 t');
    expectDecimal(gas(cvd, 'CF4').BE.t, '0.081', 'CVD BE CF4 t');
  });

  it('marks every utilisation and by-product factor unverified and names the IPCC table and process row', () => {
    const factors = Object.entries(methodology.parameters).filter(([name]) => name.startsWith('one_minus_U_') || name.startsWith('B_'));
    expect(factors.length).toBe(21);
    for (const [name, spec] of factors) {
      expect(spec.confidence, name).toBe('unverified');
      expect(spec.source, name).toContain('IPCC 2006 GL Vol. 3 Ch. 6 Table 6.3');
      expect(spec.source, name).toMatch(/, (etch|CVD chamber cleaning), row /);
    }
  });

  it('rejects a Kyoto CP1 period (IPCC SAR has no NF3) with gwp.not_defined, never a silent zero', async () => {
    const project = projectWith(projectInput, { creditingPeriod: { start: '2008-01-01', end: '2017-12-31' }, parameters });
    const result = await run(methodology, project, 'timestamp,FC_cvd_NF3_remote,a,EC_abatement,FC_NG\n2010-06-30,1000,1,20,2\n');
    expect(result.status).toBe('rejected');
    expect(result.diagnostics.find((x) => x.code === 'gwp.not_defined')?.message).toMatch(/^NF3 has no global warming potential in IPCC SAR/);
  });

  it('credits nothing for gas consumed while the abatement system was off (a = 0)', async () => {
    const result = await run(
      methodology,
      projectWith(projectInput, { parameters }),
      'timestamp,FC_cvd_NF3_remote,a,EC_abatement,FC_NG\n2016-06-30,1000,0,0,0\n',
    );
    expect(result.status).toBe('accepted');
    expectDecimal(result.totals?.ER, '0', 'ER');
  });

  it('is not applicable to a flat-panel fab or to a fab that already abated', async () => {
    const csv = oneRow({ FC_cvd_NF3_remote: 1 });
    expect((await run(methodology, projectWith(projectInput, { parameters: { sector: 'flat-panel-display' } }), csv)).status).toBe('not-applicable');
    expect((await run(methodology, projectWith(projectInput, { parameters: { abatement_before_project: true } }), csv)).status).toBe('not-applicable');
  });

  it('refuses a period in which gas was abated but no abatement electricity was reported', async () => {
    const result = await run(methodology, projectWith(projectInput, {}), 'timestamp,FC_cvd_NF3_remote,a,EC_abatement,FC_NG\n2016-06-30,1000,1,0,2\n');
    expect(result.status).toBe('rejected');
    expect(result.diagnostics.map((d) => d.message).join(' ')).toContain('abatement-energy-reported');
  });
});

describe('fgas-abatement@2.0.0 destruction efficiencies are measured, never defaulted', () => {
  it('refuses a registration that does not state the DRE of every gas (here SF6)', async () => {
    const { DRE_SF6: _sf6, ...rest } = projectInput.parameters as Record<string, unknown>;
    await expect(run(methodology, ProjectSchema.parse({ ...projectInput, parameters: rest }), 'timestamp\n')).rejects.toThrow(/DRE_SF6/);
  });
});
