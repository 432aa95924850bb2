import { describe, expect, it } from 'vitest';
import { describeConformance, expectDecimal, loadFixtures, projectWith, run } from '#test/methodology-conformance';
import methodology from './methodology.ts';

describeConformance(methodology, new URL('./', import.meta.url));

const { projectInput } = loadFixtures(new URL('./', import.meta.url));
const header = 'timestamp,FC_NF3,FC_CF4,FC_C2F6,FC_C3F8,FC_cC4F8,FC_SF6,FC_CHF3,a,EC_abatement,FC_NG';
/** domain.md §6.4: 1,000 kg NF3 (remote plasma), a = 1, 20 MWh, 2 t natural gas, in one row of the given year. */
const case64 = (year: number) => `${header}\n${year}-06-30,1000,0,0,0,0,0,0,1,20,2\n`;
/** DRE NF3 0.95, CF4 0.90, h 0.10, EF_grid 0.6 (domain.md §6.4). */
const parameters64 = { nf3_clean_type: 'remote-plasma', h: 0.1, EF_grid: 0.6, DRE_NF3: 0.95, DRE_CF4: 0.9 };

describe('fgas-abatement@1.0.0 hand-worked cases (domain.md §6.4)', () => {
  it('reproduces the NF3 remote-plasma case under AR4 (CDM, CP2): BE 442.62, PE 46.1757, ER 396.4443 → 396 CERs', async () => {
    // Prepare
    const project = projectWith(projectInput, { id: 'nf3-6-4-ar4', parameters: parameters64 });
    // Act
    const result = await run(methodology, project, case64(2016), { period: { start: '2016-01-01', end: '2016-12-31' } });
    // Assess: baseline NF3 = 0.9 × 1,000 × 0.02 = 18 kg; by-product CF4 = 0.9 × 0.02 × 1,000 = 18 kg.
    expect(result.status).toBe('accepted');
    expect(result.gwp?.set).toBe('AR4');
    const gas = (id: string) => result.gases!.find((g) => g.gas === id)!;
    expectDecimal(gas('NF3').BE.t, '0.018', 'BE NF3 t');
    expectDecimal(gas('NF3').BE.tCO2e, '309.6', 'BE NF3 = 18 kg × 17,200');
    expectDecimal(gas('CF4').BE.tCO2e, '133.02', 'BE CF4 = 18 kg × 7,390');
    expectDecimal(result.totals?.BE, '442.62', 'BE');
    // Project: NF3 0.9 kg → 15.48; CF4 1.8 kg → 13.302; CO2 12 + 5.3856 + 0.0081 = 17.3937.
    expectDecimal(gas('NF3').PE.tCO2e, '15.48', 'PE NF3');
    expectDecimal(gas('CF4').PE.tCO2e, '13.302', 'PE CF4');
    expectDecimal(gas('CO2').PE.t, '17.3937', 'PE CO2');
    expect(result.trace.find((t) => t.symbol === 'PE_CO2_dec_y')?.value).toBe('0.0081');
    expectDecimal(result.totals?.PE, '46.1757', 'PE');
    expectDecimal(result.totals?.ER, '396.4443', 'ER');
    expect(result.issuable?.units).toBe('396');
  });

  it('reproduces the same case under AR5 (Article 6.4): BE 409.14, PE 43.8177, ER 365.3223 → 365', async () => {
    const project = projectWith(projectInput, {
      id: 'nf3-6-4-ar5',
      mechanism: 'A6.4',
      creditingPeriod: { start: '2021-01-01', end: '2030-12-31' },
      parameters: parameters64,
    });
    const result = await run(methodology, project, case64(2024), { period: { start: '2024-01-01', end: '2024-12-31' } });
    expect(result.status).toBe('accepted');
    expect(result.gwp?.set).toBe('AR5');
    // BE = 18 × 16.1 + 18 × 6.63; PE = 0.9 × 16.1 + 1.8 × 6.63 + 17.3937.
    expectDecimal(result.totals?.BE, '409.14', 'BE');
    expectDecimal(result.totals?.PE, '43.8177', 'PE');
    expectDecimal(result.totals?.ER, '365.3223', 'ER');
    expect(result.issuable?.units).toBe('365');
  });

  it('rejects the same project in Kyoto CP1 (IPCC SAR) with gwp.not_defined naming NF3, never a silent zero', async () => {
    // Prepare: a 2010 monitoring period → CDM CP1 → SAR, which has no NF3 value.
    const project = projectWith(projectInput, { id: 'nf3-6-4-sar', creditingPeriod: { start: '2008-01-01', end: '2017-12-31' }, parameters: parameters64 });
    // Act
    const result = await run(methodology, project, case64(2010));
    // Assess
    expect(result.status).toBe('rejected');
    expect(result.totals).toBeUndefined();
    expect(result.issuable).toBeUndefined();
    const d = result.diagnostics.find((x) => x.code === 'gwp.not_defined');
    expect(d?.severity).toBe('error');
    expect(d?.message).toMatch(/^NF3 has no global warming potential in IPCC SAR/);
  });

  it('selects the in-situ NF3 factors (1 − U 0.2, B_CF4 0.1) when the clean is in-situ plasma', async () => {
    const project = projectWith(projectInput, { parameters: { ...parameters64, nf3_clean_type: 'in-situ-plasma' } });
    const result = await run(methodology, project, case64(2016));
    // NF3: 0.9 × 1,000 × 0.2 = 180 kg → 0.18 t; CF4: 0.9 × 0.1 × 1,000 = 90 kg → 0.09 t.
    expectDecimal(result.gases!.find((g) => g.gas === 'NF3')!.BE.t, '0.18', 'BE NF3 t');
    expectDecimal(result.gases!.find((g) => g.gas === 'CF4')!.BE.t, '0.09', 'BE CF4 t');
  });

  it('credits nothing for gas consumed while the abatement system was off (a = 0)', async () => {
    const project = projectWith(projectInput, { parameters: parameters64 });
    const result = await run(methodology, project, `${header}\n2016-06-30,1000,0,0,0,0,0,0,0,0,0\n`);
    expect(result.status).toBe('accepted');
    expectDecimal(result.totals?.ER, '0', 'ER');
    expect(result.issuable?.units).toBe('0');
  });

  it('books CO2 from destroyed carbon-bearing gases: 1 CO2 per CF4 (44/88), 2 per C2F6 (88/138), none for NF3 and SF6', async () => {
    const project = projectWith(projectInput, { parameters: { ...parameters64, DRE_C2F6: 1, DRE_SF6: 1 } });
    // 100 kg C2F6 and 100 kg SF6, a = 1, no energy: C2F6 destroyed = 0.9 × 0.6 × 100 = 54 kg → CO2 = 54 × 88/138;
    // by-product CF4 = 0.9 × 0.1 × 100 = 9 kg, 90 % destroyed = 8.1 kg → CO2 = 8.1 × 44/88 = 4.05 kg.
    const result = await run(methodology, project, `${header}\n2016-06-30,0,0,100,0,0,100,0,1,0.1,0\n`);
    const co2 = result.trace.find((t) => t.symbol === 'PE_CO2_dec_y')!.value as string;
    expect(Number(co2)).toBeCloseTo((54 * 88) / 138 / 1000 + 0.00405, 12);
  });

  it('is not applicable to a flat-panel fab or to a fab that already abated, and says why', async () => {
    const lcd = await run(methodology, projectWith(projectInput, { parameters: { sector: 'flat-panel-display' } }), case64(2016));
    expect(lcd.status).toBe('not-applicable');
    expect(lcd.diagnostics[0]?.message).toContain('Table I-6');
    const abated = await run(methodology, projectWith(projectInput, { parameters: { abatement_before_project: true } }), case64(2016));
    expect(abated.status).toBe('not-applicable');
  });

  it('refuses a period in which gas was abated but no abatement electricity was reported', async () => {
    const result = await run(methodology, projectWith(projectInput, {}), `${header}\n2016-06-30,1000,0,0,0,0,0,0,1,0,2\n`);
    expect(result.status).toBe('rejected');
    expect(result.diagnostics.map((d) => d.message).join(' ')).toContain('abatement-energy-reported');
  });
});
