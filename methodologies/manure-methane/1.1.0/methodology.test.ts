import { describe, expect, it } from 'vitest';
import { ConfigError } from '#core/errors';
import { Dec } from '#core/calculation/rounding';
import { describeConformance, expectDecimal, loadFixtures, projectWith, run } from '#test/methodology-conformance';
import methodology from './methodology.ts';

describeConformance(methodology, new URL('./', import.meta.url));

const { projectInput } = loadFixtures(new URL('./', import.meta.url));
const HEADER = 'timestamp,N,d,BG_burnt,w_CH4,FE,EC_PJ';
const DAYS_2014 = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const year2014 = { start: '2014-01-01', end: '2014-12-31' };
const traced = (r: Awaited<ReturnType<typeof run>>, symbol: string) => r.trace.find((t) => t.symbol === symbol)?.value;
/**
 * The §6.6 registration: dairy cows on an uncovered lagoon, VS 1,861.5 kg/head/yr, B0 0.13, MCF 0.76, MS 100 %, EF 0.8;
 * all biogas burnt in an engine (no flare, so no BG_flared column) unless `changes` registers one.
 */
const case66 = (parameters: Record<string, unknown> = {}, changes: Record<string, unknown> = {}) =>
  projectWith(projectInput, {
    id: 'dairy-6-6',
    creditingPeriod: { start: '2013-01-01', end: '2024-12-31' },
    sources: { flare: false },
    ...changes,
    parameters: { VS_LT_yr: 1861.5, VS_LT_day: 0, B0: 0.13, MCF: 0.76, MS_Bl: 1, EF_grid: 0.8, ...parameters },
  });
/**
 * Twelve months of 2014: 1,000 cows every day (365,000 animal-days), `biogas` m³ in total at 60 % CH4 burnt at
 * FE 0.9, 50 MWh in total. Eleven months carry the rounded share, December the rest, so the sums are exact.
 */
function file66(biogas = 400_000, extra = ''): string {
  const month = Math.floor(biogas / 12 / 100) * 100;
  const rows = DAYS_2014.map((d, i) => {
    const bg = i < 11 ? month : biogas - 11 * month;
    const ec = i < 11 ? 4 : 6;
    return `2014-${String(i + 1).padStart(2, '0')}-01,1000,${d},${bg},0.6,0.9,${ec}${extra}`;
  });
  return `${HEADER}${extra ? ',BG_flared' : ''}\n${rows.join('\n')}\n`;
}

describe('manure-methane@1.1.0 hand-worked case (domain.md §6.6)', () => {
  it('reproduces BE 2,895.76, PE_PL 405.34, PE_power 40, MD 3,618, cap 3,578 and ER 2,450.42 → 2,450', async () => {
    // Act
    const result = await run(methodology, case66(), file66(), { period: year2014 });
    // Assess: VS = 5.1 kg/day × 365,000 animal-days = 1,861,500 kg.
    expect(result.status).toBe('accepted');
    expect(traced(result, 'N_days')).toBe('365000');
    expect(traced(result, 'VS_total')).toBe('1861500');
    // BE = 0.94 × 0.00067 × 0.76 × 0.13 × 1,861,500 = 115.83042276 t CH4 × 25 = 2,895.760569.
    expect(traced(result, 'BE_CH4_y')).toBe('115.83042276');
    // PE_PL = 0.10 × 0.00067 × 0.13 × 1,861,500 = 16.213665 t CH4 × 25 = 405.341625.
    expect(traced(result, 'PE_PL_y')).toBe('16.213665');
    expect(traced(result, 'PE_power_y')).toBe('40');
    // MD = 400,000 × 0.6 × 0.00067 × 0.9 = 144.72 t CH4 × 25 = 3,618; cap = 3,618 − 40 = 3,578 > 2,450.42: not binding.
    expect(traced(result, 'MD_y')).toBe('144.72');
    expect(traced(result, 'ER_cap_y')).toBe('3578');
    expect(traced(result, 'ER_uncapped_y')).toBe('2450.418944');
    expect(traced(result, 'BE_cap_adj_y')).toBe('0');
    expectDecimal(result.totals?.BE, '2895.760569', 'BE');
    expectDecimal(result.totals?.PE, '445.341625', 'PE');
    expectDecimal(result.totals?.ER, '2450.418944', 'ER');
    expect(result.issuable?.units).toBe('2450');
  });

  it('gives the same result with VS stated per day (5.1 kg VS/head/day) as per year (1,861.5)', async () => {
    const result = await run(methodology, case66({ VS_LT_yr: 0, VS_LT_day: 5.1 }), file66(), { period: year2014 });
    expectDecimal(result.totals?.ER, '2450.418944', 'ER');
  });
});

describe('manure-methane@1.1.0 ex-post cap, flare, weights, GWP', () => {
  it('caps ER by the methane destroyed: with 200,000 m³ of biogas, ER = MD − PE_power = 1,809 − 40 = 1,769', async () => {
    // MD = 200,000 × 0.6 × 0.00067 × 0.9 = 72.36 t CH4 × 25 = 1,809 tCO2e.
    const result = await run(methodology, case66(), file66(200_000), { period: year2014 });
    expect(result.status).toBe('accepted');
    expect(traced(result, 'ER_cap_y')).toBe('1769');
    // Adjustment = 1,769 − 2,450.418944, booked as a CO2e baseline term; the CH4 baseline stays as computed.
    expect(traced(result, 'BE_cap_adj_y')).toBe('-681.418944');
    expectDecimal(result.gases?.find((g) => g.gas === 'CH4')?.BE.tCO2e, '2895.760569', 'BE CH4');
    expectDecimal(result.gases?.find((g) => g.gas === 'CO2e')?.BE.tCO2e, '-681.418944', 'BE cap adjustment');
    expectDecimal(result.totals?.ER, '1769', 'ER');
    expect(result.issuable?.units).toBe('1769');
  });

  it('books the flare slip of the biogas sent to a flare as PE_flare (TOOL06)', async () => {
    // 1,000 m³ a month to the flare: 12,000 × 0.6 × (1 − 0.9) = 720 m³ CH4 × 0.00067 = 0.4824 t CH4 × 25 = 12.06.
    const result = await run(methodology, case66({}, { sources: { flare: true } }), file66(400_000, ',1000'), { period: year2014 });
    expect(traced(result, 'PE_flare_y')).toBe('0.4824');
    expectDecimal(result.totals?.ER, '2438.358944', 'ER');
  });

  it('scales VS by (W_site / W_default)^0.75 when both weights are registered', async () => {
    // (810 / 160)^0.75 = (81/16)^0.75 = 27/8 = 3.375.
    const result = await run(methodology, case66({ W_site: 810, W_default: 160 }), file66(), { period: year2014 });
    expect(traced(result, 'VS_site')).toBe('17.2125');
    expect(traced(result, 'BE_CH4_y')).toBe('390.927676815');
  });

  it('converts t CH4 with the GWP in force: SAR 21, AR4 25, AR5 28 change tCO2e, never the tonnes of CH4', async () => {
    const results = await Promise.all(
      (['SAR', 'AR4', 'AR5'] as const).map((gwpSet) => run(methodology, case66({}, { gwpSet }), file66(), { period: year2014 })),
    );
    const ch4 = results.map((r) => r.gases?.find((g) => g.gas === 'CH4'));
    for (const g of ch4) {
      expectDecimal(g?.BE.t, '115.830423', 'BE t CH4 (reported to 6 decimals)');
      expectDecimal(g?.PE.t, '16.213665', 'PE t CH4');
    }
    // BE = 115.83042276 × GWP (reported to 6 decimals: 1 g); ER = (115.83042276 − 16.213665) × GWP − 40.
    expect(ch4.map((g) => g?.BE.tCO2e)).toEqual(['2432.438878', '2895.760569', '3243.251837']);
    expect(results.map((r) => r.totals?.ER)).toEqual(['2051.951913', '2450.418944', '2749.269217']);
    expect(results.map((r) => r.issuable?.units)).toEqual(['2051', '2450', '2749']);
  });
});

describe('manure-methane@1.1.0 applicability, registration and QA/QC', () => {
  it('is not applicable to a large-scale registration, an aerobic baseline system or animals not in confinement', async () => {
    const large = await run(methodology, case66({}, { scale: 'large' }), file66());
    expect(large.status).toBe('not-applicable');
    expect(large.diagnostics[0]?.message).toContain('small-scale');
    const solid = await run(methodology, case66({ baseline_system: 'solid-storage' }), file66());
    expect(solid.status).toBe('not-applicable');
    expect(solid.diagnostics[0]?.message).toContain('anaerobic-baseline-system');
    const pasture = await run(methodology, case66({ animals_confined: false }), file66());
    expect(pasture.diagnostics[0]?.message).toContain('animals-confined');
  });

  it('refuses a registration that gives VS both per year and per day', async () => {
    await expect(run(methodology, case66({ VS_LT_yr: 1861.5, VS_LT_day: 5.1 }), file66())).rejects.toThrow(ConfigError);
  });

  it('rejects a month whose flared biogas exceeds the biogas burnt (row.check_failed flared-within-burnt)', async () => {
    const csv = `${HEADER},BG_flared\n2014-01-01,1000,31,30000,0.6,0.9,4,31000\n2014-02-01,1000,28,30000,0.6,0.9,4,0\n`;
    const result = await run(methodology, case66({}, { sources: { flare: true } }), csv);
    expect(result.status).toBe('rejected');
    expect(result.diagnostics).toContainEqual(
      expect.objectContaining({
        code: 'row.check_failed',
        location: expect.objectContaining({ row: 1 }),
        message: expect.stringContaining('flared-within-burnt'),
      }),
    );
  });

  // Decision 4/CMP.1 annex II para 8 (cdmrulebook.org/427): above the Type III limit of 60 kt CO2e/yr
  // (1/CMP.2 para 28) CERs are issued only up to the limit; the excess is not eligible. The engine caps
  // (core/calculation/small-scale-cap.ts); it neither warns only nor rejects.
  it('caps the units at the Type III limit: a whole crediting year above 60 kt issues exactly 60,000', async () => {
    // 30,000 cows: ER ≈ 30 × (2,450.42 + 40) − 40 ≈ 74,700 > 60,000 t in a year.
    const csv = file66(9_000_000).replace(/,1000,/g, ',30000,');
    const result = await run(methodology, case66(), csv, { period: year2014 });
    expect(result.status).toBe('accepted');
    expect(Number(result.totals!.ER)).toBeGreaterThan(60_000);
    expect(result.issuable).toMatchObject({
      units: '60000',
      smallScaleCap: {
        kind: 'type-III',
        applied: true,
        limit: '60000',
        capped: '60000',
        uncapped: result.totals!.ER,
        proRating: expect.stringContaining('365/365'),
      },
    });
    expectDecimal(result.issuable!.smallScaleCap!.excess, new Dec(result.totals!.ER).minus(60_000).toString(), 'excess over the limit');
    expect(result.diagnostics).toContainEqual(
      expect.objectContaining({
        code: 'period.small_scale_cap',
        severity: 'warning',
        message: expect.stringContaining('units are issued only up to the limit'),
      }),
    );
  });

  it('pro-rates the limit to the monitoring period: January alone issues floor(60,000 × 31/365) = 5,095', async () => {
    const csv = `${HEADER}\n2014-01-01,30000,31,900000,0.6,0.9,4\n`;
    const result = await run(methodology, case66(), csv);
    expect(result.status).toBe('accepted');
    expect(result.period).toEqual({ start: '2014-01-01T00:00:00+00:00', end: '2014-02-01T00:00:00+00:00', timeZone: 'UTC' });
    expect(Number(result.totals!.ER)).toBeGreaterThan(5_096);
    expect(result.issuable).toMatchObject({
      units: '5095',
      smallScaleCap: { applied: true, limit: '5095.890410958904109589041095890411', proRating: expect.stringContaining('31/365') },
    });
  });

  it('leaves a period below the pro-rated limit untouched, and says so', async () => {
    const result = await run(methodology, case66(), file66(), { period: year2014 });
    expect(result.issuable?.smallScaleCap).toMatchObject({ applied: false, excess: '0', limit: '60000' });
    expect(result.issuable?.units).toBe(String(Math.floor(Number(result.totals!.ER))));
  });
});

describe('manure-methane@1.1.0 AMS-III.D applicability conditions', () => {
  const csv = () => file66();
  it('is not applicable to pit storage of less than one month (retention must exceed one month); pit storage over a month stays eligible', async () => {
    const under = await run(methodology, case66({ baseline_system: 'pit-storage-under-1-month' }), csv());
    expect(under.status).toBe('not-applicable');
    expect(under.diagnostics.map((d) => d.message).join(' ')).toContain('baseline-retention-over-one-month');
    expect((await run(methodology, case66({ baseline_system: 'pit-storage-over-1-month' }), csv())).status).toBe('accepted');
  });

  it('is not applicable at an annual average temperature of 5 °C or below', async () => {
    const cold = await run(methodology, case66({ T_annual_avg: 5 }), csv());
    expect(cold.status).toBe('not-applicable');
    expect(cold.diagnostics[0]?.message).toContain('annual-average-temperature-above-5');
    expect((await run(methodology, case66({ T_annual_avg: 5.1 }), csv())).status).toBe('accepted');
  });

  it('is not applicable to a baseline lagoon shallower than 1 m; the depth does not matter for other systems', async () => {
    const shallow = await run(methodology, case66({ lagoon_depth: 0.8 }), csv());
    expect(shallow.status).toBe('not-applicable');
    expect(shallow.diagnostics[0]?.message).toContain('lagoon-depth-at-least-1-m');
    expect((await run(methodology, case66({ lagoon_depth: 1 }), csv())).status).toBe('accepted');
    expect((await run(methodology, case66({ baseline_system: 'liquid-slurry', lagoon_depth: 0 }), csv())).status).toBe('accepted');
  });

  it('is not applicable with discharge to natural water or methane recovery in the baseline', async () => {
    const river = await run(methodology, case66({ discharge_to_natural_water: true }), csv());
    expect(river.diagnostics[0]?.message).toContain('no-discharge-to-natural-water');
    const recovered = await run(methodology, case66({ methane_recovery_in_baseline: true }), csv());
    expect(recovered.status).toBe('not-applicable');
    expect(recovered.diagnostics[0]?.message).toContain('no-methane-recovery-in-baseline');
  });

  it('requires the registration to state the temperature, discharge and baseline recovery (no permissive default)', async () => {
    const { T_annual_avg: _t, discharge_to_natural_water: _d, methane_recovery_in_baseline: _m, ...rest } = projectInput.parameters as Record<string, unknown>;
    await expect(run(methodology, projectWith({ ...projectInput, parameters: rest }, {}), csv())).rejects.toThrow(
      /T_annual_avg[\s\S]*discharge_to_natural_water[\s\S]*methane_recovery_in_baseline/,
    );
  });
});
