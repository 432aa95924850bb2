import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Decimal from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '#core/errors';
import type { Project } from '#core/project/project';
import { mrv } from '#test/cli';
import { describeConformance, expectDecimal, loadFixtures, projectWith, run } from '#test/methodology-conformance';
import previous from '../2.0.0/methodology.ts';
import methodology from './methodology.ts';

describeConformance(methodology, new URL('./', import.meta.url));

const { projectInput } = loadFixtures(new URL('./', import.meta.url));
const HEADER = 'timestamp,LFG_flare,w_CH4,T_flare,t_below_500,flame,EC_PJ';
/** ISO start of hour `i` counted from 2014-03-01T00:00Z (Kyoto CP2: AR4, GWP_CH4 = 25). */
const hour = (i: number) => new Date(Date.UTC(2014, 2, 1, i)).toISOString().replace('.000Z', 'Z');
/** `n` identical hourly rows: `cells` are the columns after the timestamp. */
const hours = (n: number, cells: string, header = HEADER) => `${header}\n${Array.from({ length: n }, (_, i) => `${hour(i)},${cells}`).join('\n')}\n`;
const traced = (r: Awaited<ReturnType<typeof run>>, symbol: string) => r.trace.find((t) => t.symbol === symbol)?.value;
/** The §6.5 registration: no baseline destruction, grid EF 0.7, no collection meter. */
const case65 = (parameters: Record<string, unknown> = {}, changes: { sources?: Record<string, boolean> } = {}) =>
  projectWith(projectInput, {
    id: 'landfill-6-5',
    ...changes,
    parameters: { tool06_version: 'v1', AF: 0, F_CH4_BL_req: 0, EF_grid: 0.7, LFG_total_metering: 'none', ...parameters },
  });
// §6.5: 5,000,000 Nm³ at w_CH4 0.5 and 300 MWh, as 50 hours of 100,000 Nm³ (the column's plausibility maximum) and 6 MWh.
const file65 = (flame: string) => hours(50, `100000,0.5,850,0,${flame},6`);

describe('landfill-gas@2.1.0 hand-worked cases (domain.md §6.5)', () => {
  it('reproduces the enclosed flare: CH4 1,790 t, PE_flare 179 t, F_flared 1,611 t, BE 36,247.5, ER 36,037.5 → 36,037', async () => {
    // Act
    const result = await run(methodology, case65({ flare_type: 'enclosed' }), file65(''));
    // Assess: 2.5e6 Nm³ CH4 × 0.000716 = 1,790 t; × (1 − 0.9) = 179; BE = 0.9 × 1,611 × 25; PE_EC = 300 × 0.7.
    expect(result.status).toBe('accepted');
    expect(traced(result, 'F_CH4_sent_flare_y')).toBe('1790');
    expect(traced(result, 'PE_flare_y')).toBe('179');
    expect(traced(result, 'F_CH4_flared_y')).toBe('1611');
    expect(traced(result, 'BE_CH4_y')).toBe('1449.9');
    expectDecimal(result.totals?.BE, '36247.5', 'BE');
    expectDecimal(result.totals?.PE, '210', 'PE');
    expectDecimal(result.totals?.ER, '36037.5', 'ER');
    expect(result.issuable?.units).toBe('36037');
  });

  it('reproduces the open flare with flame detected: η 0.5, F_flared 895 t, BE 20,137.5, ER 19,927.5 → 19,927', async () => {
    const result = await run(methodology, case65({ flare_type: 'open' }), file65('true'));
    expect(result.status).toBe('accepted');
    expect(traced(result, 'F_CH4_flared_y')).toBe('895');
    expectDecimal(result.totals?.BE, '20137.5', 'BE');
    expectDecimal(result.totals?.ER, '19927.5', 'ER');
    expect(result.issuable?.units).toBe('19927');
  });

  it('does not lose a tonne to binary floating point (5e6 × 0.5 × 0.000716 = 1789.9999999999998 in doubles)', async () => {
    // Prepare: the same 5,000,000 Nm³ as 1,000 hourly rows of 5,000 Nm³ (float row products, then sums).
    expect(5e6 * 0.5 * 0.000716).not.toBe(1790);
    const result = await run(methodology, case65({ flare_type: 'enclosed' }), hours(1000, '5000,0.5,850,0,,0.3'));
    // Assess: still exactly 1,790 t and 36,037 CERs.
    expect(result.status).toBe('accepted');
    expect(traced(result, 'F_CH4_sent_flare_y')).toBe('1790');
    expectDecimal(result.totals?.ER, '36037.5', 'ER');
    expect(result.issuable?.units).toBe('36037');
  });
});

describe('landfill-gas@2.1.0 TOOL06 v1 flare efficiency per hour (projects registered under v1)', () => {
  it('gives zero efficiency to an hour with more than 20 minutes below 500 °C, and keeps it at exactly 20 minutes', async () => {
    // Prepare: three hours of 1,000 Nm³ CH4 (2,000 Nm³ LFG at 0.5): 25 min below (η 0), 20 min (η 0.9), 0 min (η 0.9).
    const csv = `${HEADER}\n${hour(0)},2000,0.5,470,25,,0\n${hour(1)},2000,0.5,640,20,,0\n${hour(2)},2000,0.5,880,0,,0\n`;
    const result = await run(methodology, case65({ flare_type: 'enclosed' }), csv);
    // Assess: destroyed = 0 + 900 + 900 Nm³ → PE_flare = (3,000 − 1,800) × 0.000716 = 0.8592 t CH4.
    expect(result.status).toBe('accepted');
    expect(traced(result, 'eta_flare_h')).toBe('1.8');
    expect(traced(result, 'V_CH4_destroyed_h')).toBe('1800');
    expect(traced(result, 'PE_flare_y')).toBe('0.8592');
    expect(traced(result, 'F_CH4_flared_y')).toBe('1.2888');
  });

  it('applies the 500 °C rule to open flares too, and credits an open flare nothing in hours without a detected flame', async () => {
    // Prepare: flame detected (η 0.5), flame not detected (η 0), flame column empty (η 0), flame detected but 30 min below 500 °C (η 0).
    const csv = `${HEADER}\n${hour(0)},2000,0.5,900,0,true,0\n${hour(1)},2000,0.5,900,0,false,0\n${hour(2)},2000,0.5,900,0,,0\n${hour(3)},2000,0.5,430,30,true,0\n`;
    const result = await run(methodology, case65({ flare_type: 'open' }), csv);
    expect(result.status).toBe('accepted');
    expect(traced(result, 'eta_flare_h')).toBe('0.5');
    expect(traced(result, 'V_CH4_destroyed_h')).toBe('500');
    // 4,000 Nm³ CH4 sent, 500 destroyed: F_flared = 500 × 0.000716 = 0.358 t.
    expect(traced(result, 'F_CH4_flared_y')).toBe('0.358');
  });

  it('gives an open flare with no flame detected in any hour no credit at all (ER negative → 0 units)', async () => {
    const result = await run(methodology, case65({ flare_type: 'open' }), hours(3, '2000,0.5,900,0,false,0.01'));
    expect(result.status).toBe('accepted');
    expect(traced(result, 'F_CH4_flared_y')).toBe('0');
    expectDecimal(result.totals?.BE, '0', 'BE');
    expect(result.issuable?.units).toBe('0');
  });

  it('uses the measured efficiency of an enclosed flare under continuous monitoring, and refuses a file without it', async () => {
    const project = case65({ flare_type: 'enclosed', enclosed_efficiency: 'continuous-monitoring' });
    const csv = `${HEADER},eta_flare_m\n${hour(0)},2000,0.5,900,0,,0,0.98\n${hour(1)},2000,0.5,900,0,,0,0.96\n${hour(2)},2000,0.5,450,45,,0,0.97\n`;
    const measured = await run(methodology, project, csv);
    expect(measured.status).toBe('accepted');
    // 980 + 960 + 0 (45 min below 500 °C) = 1,940 Nm³ destroyed of 3,000.
    expect(traced(measured, 'V_CH4_destroyed_h')).toBe('1940');
    const missing = await run(methodology, project, hours(2, '2000,0.5,900,0,,0'));
    expect(missing.status).toBe('rejected');
    expect(missing.diagnostics).toContainEqual(
      expect.objectContaining({ code: 'period.check_failed', message: expect.stringContaining('measured-efficiency-reported') }),
    );
  });
});

describe('landfill-gas@2.1.0 baseline, mass balance, GWP and QA/QC', () => {
  it('reports a mass-balance violation (flared + used > collected) with its size: the excess Nm³ and the hours, never clamped', async () => {
    const header = `${HEADER},LFG_EL,LFG_total`;
    const csv = `${header}\n${hour(0)},1000,0.5,900,0,,0.01,200,1250\n${hour(1)},1000,0.5,900,0,,0.01,300,1250\n`;
    const strict = await run(methodology, case65({ LFG_total_metering: 'hourly' }), csv);
    // Assess: hour 2 used 1,300 Nm³ of 1,250 collected: 50 Nm³ in 1 hour. The hour is named (warning), the period is rejected with the size.
    expect(strict.status).toBe('rejected');
    expect(strict.totals).toBeUndefined();
    expect(strict.diagnostics).toContainEqual(
      expect.objectContaining({
        code: 'row.check_failed',
        severity: 'warning',
        location: expect.objectContaining({ row: 2 }),
        message: expect.stringContaining('lfg-mass-balance'),
      }),
    );
    const period = strict.diagnostics.find((d) => d.code === 'period.check_failed' && d.severity === 'error');
    expect(period?.message).toContain('exceeds the gas collected by 50 Nm³ in 1 hour(s)');
    expect(traced(strict, 'LFG_excess_h')).toBe('50');
    // 1,300 ≤ 1,250 × 1.05 = 1,312.5: within a registered 5 % meter tolerance.
    expect((await run(methodology, case65({ LFG_total_metering: 'hourly', mass_balance_tolerance: 0.05 }), csv)).status).toBe('accepted');
    // Without a collection meter there is no balance to check.
    expect((await run(methodology, case65({ LFG_total_metering: 'none' }), csv)).status).toBe('accepted');
  });

  it('sums the excess over several hours: 50 + 120 Nm³ in 2 of 3 hours', async () => {
    const header = `${HEADER},LFG_EL,LFG_total`;
    const csv = `${header}\n${hour(0)},1000,0.5,900,0,,0.01,300,1250\n${hour(1)},1000,0.5,900,0,,0.01,300,1180\n${hour(2)},1000,0.5,900,0,,0.01,0,1100\n`;
    const result = await run(methodology, case65({ LFG_total_metering: 'hourly' }), csv);
    expect(result.status).toBe('rejected');
    expect(result.diagnostics.filter((d) => d.code === 'row.check_failed').map((d) => d.location?.row)).toEqual([1, 2]);
    expect(result.diagnostics.find((d) => d.code === 'period.check_failed')?.message).toContain('by 170 Nm³ in 2 hour(s)');
  });

  it('accepts a monthly totalizer of the gas collected beside hourly flare data, and names both volumes when it is exceeded', async () => {
    // Prepare: three hours of 1,000 Nm³ flared + 200 Nm³ to the engine = 3,600 Nm³; the month's totalizer on the last row.
    const header = `${HEADER},LFG_EL,LFG_total`;
    const csv = (total: number) =>
      `${header}\n${hour(0)},1000,0.5,900,0,,0.01,200,\n${hour(1)},1000,0.5,900,0,,0.01,200,\n${hour(2)},1000,0.5,900,0,,0.01,200,${total}\n`;
    const ok = await run(methodology, case65({ LFG_total_metering: 'monthly-totalizer' }), csv(3650));
    expect(ok.status).toBe('accepted');
    const short = await run(methodology, case65({ LFG_total_metering: 'monthly-totalizer' }), csv(3500));
    expect(short.status).toBe('rejected');
    expect(short.diagnostics.find((d) => d.code === 'period.check_failed')?.message).toContain(
      '(3600 Nm³) exceeds the totalizer of the gas collected (3500 Nm³) by 100 Nm³',
    );
    // No totalizer reading at all: refused, not silently unchecked.
    const missing = await run(methodology, case65({ LFG_total_metering: 'monthly-totalizer' }), hours(2, '1000,0.5,900,0,,0.01'));
    expect(missing.diagnostics.map((d) => d.message).join(' ')).toContain('lfg-total-reported');
  });

  it('counts methane sent to power generation as destroyed by the project (F_CH4,EL)', async () => {
    const csv = `${HEADER},LFG_EL\n${hour(0)},1000,0.5,900,0,,0,1000\n`;
    const result = await run(methodology, case65(), csv);
    // Flared: 500 Nm³ × 0.9 × 0.000716 = 0.3222 t; power: 500 × 0.000716 = 0.358 t.
    expect(traced(result, 'F_CH4_EL_y')).toBe('0.358');
    expect(traced(result, 'F_CH4_PJ_y')).toBe('0.6802');
  });

  it('deducts F_CH4,BL as the larger of AF × F_CH4,PJ and the pro-rated regulatory requirement', async () => {
    // §6.5 enclosed flare: F_CH4,PJ = 1,611 t over 3 days (50 h from 1 March 00:00 to 3 March 01:00).
    const byAf = await run(methodology, case65({ AF: 0.2 }), file65(''));
    expect(traced(byAf, 'F_CH4_BL_y')).toBe('322.2');
    // BE = 0.9 × 1,611 − 322.2 = 1,127.7 t CH4 → 28,192.5 tCO2e.
    expectDecimal(byAf.totals?.BE, '28192.5', 'BE with AF 0.2');
    // Requirement 73,000 t/yr pro-rated to the period the 50 hourly readings cover, [1 March 00:00,
    // 3 March 02:00) = 50/24 days: 73,000 × 50 / 24 / 365 = 416.67 t > 0.2 × 1,611.
    const byRequirement = await run(methodology, case65({ AF: 0.2, F_CH4_BL_req: 73_000 }), file65(''));
    expect(traced(byRequirement, 'F_CH4_BL_y')).toBe('416.666666666667');
    // BE = (0.9 × 1,611 − 416.67) × 25 = 25,830.83 tCO2e.
    expect(new Decimal(byRequirement.totals!.BE).toDecimalPlaces(6).toString()).toBe('25830.833333');
  });

  it('converts t CH4 with the GWP in force: SAR 21, AR4 25, AR5 28 change tCO2e, never the tonnes of CH4', async () => {
    const results = await Promise.all(
      (['SAR', 'AR4', 'AR5'] as const).map((gwpSet) =>
        run(
          methodology,
          projectWith(projectInput, { gwpSet, parameters: { tool06_version: 'v1', AF: 0, EF_grid: 0.7, LFG_total_metering: 'none' } }),
          file65(''),
        ),
      ),
    );
    const ch4 = results.map((r) => r.gases?.find((g) => g.gas === 'CH4'));
    expect(results.map((r) => r.gwp?.set)).toEqual(['SAR', 'AR4', 'AR5']);
    for (const g of ch4) expectDecimal(g?.BE.t, '1449.9', 't CH4');
    expect(ch4.map((g) => g?.BE.tCO2e)).toEqual(['30447.9', '36247.5', '40597.2']);
    expect(results.map((r) => r.issuable?.units)).toEqual(['30237', '36037', '40387']);
  });

  it('rejects a period with a missing hour (project electricity is monitored: gapPolicy reject)', async () => {
    const csv = `${HEADER}\n${hour(0)},1000,0.5,900,0,,0.01\n${hour(2)},1000,0.5,900,0,,0.01\n`;
    const result = await run(methodology, case65(), csv);
    expect(result.status).toBe('rejected');
    expect(result.diagnostics).toContainEqual(expect.objectContaining({ code: 'period.gap', severity: 'error' }));
  });

  it('is not applicable when the site is managed to generate more methane, or an open flare claims measured efficiency', async () => {
    const csv = hours(1, '1000,0.5,900,0,,0.01');
    const managed = await run(methodology, case65({ swds_management_changed: true }), csv);
    expect(managed.status).toBe('not-applicable');
    expect(managed.diagnostics[0]?.message).toContain('swds-management-not-changed-to-increase-methane');
    const openMeasured = await run(methodology, case65({ flare_type: 'open', enclosed_efficiency: 'continuous-monitoring' }), csv);
    expect(openMeasured.status).toBe('not-applicable');
    expect(openMeasured.diagnostics[0]?.message).toContain('measured-efficiency-only-for-enclosed-flares');
  });
});

describe('landfill-gas@2.1.0 TOOL06 version of the registration', () => {
  it('TOOL06 v2.0+: an hour with 20 minutes below 500 °C earns 40/60 of the efficiency, not all of it (v1 keeps it all)', async () => {
    // Prepare: one hour of 2,000 Nm³ LFG at 0.5 = 1,000 Nm³ CH4, 20 minutes below 500 °C, enclosed flare at the default 0.9.
    const csv = `${HEADER}\n${hour(0)},2000,0.5,640,20,,0\n`;
    // Act
    const v2 = await run(methodology, case65({ tool06_version: 'v2' }), csv);
    const v1 = await run(methodology, case65({ tool06_version: 'v1' }), csv);
    // Assess: v2 η = 0.9 × 40/60 = 0.6 → 600 Nm³ destroyed; v1 η = 0.9 → 900 Nm³.
    expect(v2.status).toBe('accepted');
    expect(Number(traced(v2, 'eta_flare_h'))).toBeCloseTo(0.6, 12);
    expect(Number(traced(v2, 'V_CH4_destroyed_h'))).toBeCloseTo(600, 9);
    expect(traced(v1, 'V_CH4_destroyed_h')).toBe('900');
    // v3 follows the same minute rule.
    expect(Number(traced(await run(methodology, case65({ tool06_version: 'v3' }), csv), 'V_CH4_destroyed_h'))).toBeCloseTo(600, 9);
  });

  it('TOOL06 v2.0+: minutes outside the specifications and, for open flares, minutes without flame earn nothing', async () => {
    // The registration says the flare's specifications include more than the temperature range (sources.other_manufacturer_specs true).
    const enclosed = await run(
      methodology,
      case65({ tool06_version: 'v2' }, { sources: { other_manufacturer_specs: true } }),
      `${HEADER},t_outside_spec\n${hour(0)},2000,0.5,900,10,,0,15\n`,
    );
    // (60 − 10 − 15) / 60 × 0.9 = 0.525.
    expect(Number(traced(enclosed, 'eta_flare_h'))).toBeCloseTo(0.525, 12);
    const open = await run(
      methodology,
      case65({ tool06_version: 'v2', flare_type: 'open' }),
      `${HEADER},t_no_flame\n${hour(0)},2000,0.5,900,0,true,0,12\n${hour(1)},2000,0.5,900,0,false,0,0\n`,
    );
    // 0.5 × 48/60 = 0.4 in the first hour, 0 without flame.
    expect(Number(traced(open, 'eta_flare_h'))).toBeCloseTo(0.4, 12);
  });

  it('refuses a file without the minutes that lower the efficiency where they apply: absent, they would count as 0 minutes, the least conservative reading', async () => {
    // An open flare under v2: minutes without flame must be reported (the column, and every cell).
    const openV2 = case65({ tool06_version: 'v2', flare_type: 'open' });
    const noColumn = await run(methodology, openV2, `${HEADER}\n${hour(0)},2000,0.5,900,0,true,0\n`);
    expect(noColumn.status).toBe('rejected');
    expect(noColumn.diagnostics).toContainEqual(
      expect.objectContaining({ code: 'header.missing_column', location: expect.objectContaining({ column: 't_no_flame' }) }),
    );
    const emptyCell = await run(methodology, openV2, `${HEADER},t_no_flame\n${hour(0)},2000,0.5,900,0,true,0,\n`);
    expect(emptyCell.status).toBe('rejected');
    expect(emptyCell.diagnostics).toContainEqual(
      expect.objectContaining({ code: 'row.missing_value', location: expect.objectContaining({ row: 1, column: 't_no_flame' }) }),
    );
    // A registration of an open v2 flare cannot say it has no flame record.
    await expect(
      run(
        methodology,
        case65({ tool06_version: 'v2', flare_type: 'open' }, { sources: { open_flare_flame_minutes: false } }),
        `${HEADER},t_no_flame\n${hour(0)},2000,0.5,900,0,true,0,0\n`,
      ),
    ).rejects.toThrow(/open_flare_flame_minutes/);
    // Under v1 the hourly flame column decides: no minutes needed.
    expect((await run(methodology, case65({ tool06_version: 'v1', flare_type: 'open' }), `${HEADER}\n${hour(0)},2000,0.5,900,0,true,0\n`)).status).toBe(
      'accepted',
    );
    // An enclosed flare whose registration does not limit its specifications to the temperature range must report t_outside_spec.
    const enclosed = await run(methodology, case65({ tool06_version: 'v2' }, { sources: {} }), `${HEADER}\n${hour(0)},2000,0.5,900,0,,0\n`);
    expect(enclosed.status).toBe('rejected');
    expect(enclosed.diagnostics).toContainEqual(
      expect.objectContaining({ code: 'header.missing_column', location: expect.objectContaining({ column: 't_outside_spec' }) }),
    );
    // One that does may leave it out, but may not report minutes outside specifications it says it does not have.
    const declared = await run(
      methodology,
      case65({ tool06_version: 'v2' }, { sources: { other_manufacturer_specs: false } }),
      `${HEADER},t_outside_spec\n${hour(0)},2000,0.5,900,0,,0,15\n`,
    );
    expect(declared.status).toBe('rejected');
    expect(declared.diagnostics).toContainEqual(
      expect.objectContaining({ code: 'period.source_not_at_site', location: expect.objectContaining({ column: 't_outside_spec' }) }),
    );
  });

  it("TOOL06 v1: an enclosed flare outside the manufacturer's specifications earns 50 % in that hour; v2 earns nothing", async () => {
    // Prepare: manufacturer's range 800–1,100 °C; hour 0 at 900 °C (inside), hour 1 at 1,180 °C (outside, above 500 °C).
    const csv = `${HEADER}\n${hour(0)},2000,0.5,900,0,,0\n${hour(1)},2000,0.5,1180,0,,0\n`;
    const spec = { T_spec_min: 800, T_spec_max: 1100 };
    const v1 = await run(methodology, case65({ ...spec, tool06_version: 'v1' }), csv);
    // 0.9 + 0.5 = 1.4; destroyed 900 + 500 Nm³.
    expect(traced(v1, 'eta_flare_h')).toBe('1.4');
    expect(traced(v1, 'V_CH4_destroyed_h')).toBe('1400');
    const v2 = await run(methodology, case65({ ...spec, tool06_version: 'v2' }), csv);
    expect(traced(v2, 'V_CH4_destroyed_h')).toBe('900');
    // The hour outside the declared range is flagged (row warning and a period count), not rejected.
    expect(v1.status).toBe('accepted');
    expect(v1.diagnostics).toContainEqual(
      expect.objectContaining({
        code: 'row.check_failed',
        severity: 'warning',
        location: expect.objectContaining({ row: 2 }),
        message: expect.stringContaining('flare-temperature-within-manufacturer-range'),
      }),
    );
    expect(v1.diagnostics.find((d) => d.code === 'period.check_failed')?.message).toMatch(/^1 hour\(s\) with a mean flare temperature outside/);
  });

  it("requires the registration to name the TOOL06 version, and an enclosed default-efficiency flare to declare the manufacturer's range", async () => {
    const { tool06_version: _omitted, ...withoutVersion } = projectInput.parameters as Record<string, unknown>;
    const csv = hours(1, '1000,0.5,900,0,,0.01');
    // A registration without it is refused as a configuration error naming the field.
    await expect(run(methodology, projectWith({ ...projectInput, parameters: withoutVersion }, {}), csv)).rejects.toThrow(/tool06_version/);
    const noRange = await run(methodology, projectWith(projectInput, { parameters: { T_spec_min: 0, T_spec_max: 0 } }), csv);
    expect(noRange.status).toBe('not-applicable');
    expect(noRange.diagnostics[0]?.message).toContain('manufacturer-range-declared-for-default-efficiency');
  });
});

describe('landfill-gas@2.1.0 baseline destruction is stated, never defaulted (ACM0001 F_CH4,BL,y)', () => {
  const csv = hours(1, '1000,0.5,900,0,,0.01');
  const without = (...names: string[]) => {
    const parameters = { ...(projectInput.parameters as Record<string, unknown>) };
    for (const name of names) delete parameters[name];
    return projectWith({ ...projectInput, parameters }, {});
  };
  /** The problems listed by the ConfigError a registration is refused with. */
  const problemsOf = (project: Project) =>
    run(methodology, project, csv).then(
      () => expect.unreachable('the registration was accepted'),
      (e: unknown) => {
        expect(e).toBeInstanceOf(ConfigError);
        return (e as ConfigError).problems;
      },
    );

  it('refuses a registration without AF, naming it, what it means and that 0 must be stated', async () => {
    const refused = run(methodology, without('AF'), csv);
    await expect(refused).rejects.toMatchObject({
      name: 'ConfigError',
      problems: [
        expect.stringMatching(/^parameters\.AF: AF is required: the adjustment factor ε_BL = MD_hist \/ MG_hist .*State "AF": 0 explicitly if no methane/),
      ],
    });
    await expect(refused).rejects.toThrow(/the most credits/);
  });

  it('refuses a registration without F_CH4_BL_req, naming it, what it means and that 0 must be stated', async () => {
    await expect(run(methodology, without('F_CH4_BL_req'), csv)).rejects.toMatchObject({
      name: 'ConfigError',
      problems: [
        expect.stringMatching(
          /^parameters\.F_CH4_BL_req: F_CH4_BL_req is required: the methane the site must destroy anyway under a regulation or contract.*State "F_CH4_BL_req": 0 explicitly if no regulation or contract/,
        ),
      ],
    });
  });

  it('lists both when both are missing, and keeps the range messages for a stated value out of range', async () => {
    const both = await problemsOf(without('AF', 'F_CH4_BL_req'));
    expect(both.map((p) => p.split(':')[0])).toEqual(['parameters.AF', 'parameters.F_CH4_BL_req']);
    const outOfRange = await problemsOf(case65({ AF: 1.5 }));
    expect(outOfRange).toEqual([expect.stringMatching(/^parameters\.AF: /)]);
    expect(outOfRange[0]).not.toContain('is required');
  });

  it('mrv calc refuses the registration with exit code 2 and the parameter named, 2.0.0 took it as 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'landfill-2-1-0-'));
    const valid = fileURLToPath(new URL('./fixtures/valid.csv', import.meta.url));
    const registration = JSON.parse(readFileSync(new URL('./fixtures/project.json', import.meta.url), 'utf8')) as { parameters: Record<string, unknown> };
    delete registration.parameters.AF;
    writeFileSync(join(dir, 'project.json'), JSON.stringify(registration));
    const refused = await mrv(['calc', '--project', join(dir, 'project.json'), valid]);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/parameters\.AF: AF is required/);
    expect(refused.out).toBe('');
  });

  it('gives exactly the numbers of 2.0.0 when the registration states the values 2.0.0 defaulted (AF 0, F_CH4_BL_req 0) or stated', async () => {
    const numbers = (r: Awaited<ReturnType<typeof run>>) => ({
      status: r.status,
      totals: r.totals,
      gases: r.gases,
      issuable: r.issuable,
      trace: r.trace.map((t) => [t.symbol, t.value]),
      diagnostics: r.diagnostics.map((d) => [d.code, d.severity, d.location?.row, d.location?.column]),
    });
    /** The same registration under 2.0.0. */
    const under200 = (project: ReturnType<typeof case65>, parameters = project.parameters) =>
      projectWith({ ...project, methodology: previous.key, parameters }, {});
    // 2.0.0 with AF and F_CH4_BL_req left out (its defaults of 0), against 2.1.0 with both stated as 0.
    const stated = case65({ flare_type: 'enclosed' });
    const { AF: _af, F_CH4_BL_req: _req, ...silent } = stated.parameters;
    const defaulted = under200(stated, silent);
    expect(defaulted.parameters).not.toHaveProperty('AF');
    expect(stated.parameters).toMatchObject({ AF: 0, F_CH4_BL_req: 0 });
    expect(numbers(await run(methodology, stated, file65('')))).toEqual(numbers(await run(previous, defaulted, file65(''))));
    expectDecimal((await run(methodology, stated, file65(''))).totals?.ER, '36037.5', 'ER');
    // Stated values, including a deduction by AF and by the requirement, and the fixture (AF 0.1, TOOL06 v2).
    for (const parameters of [
      { flare_type: 'open' },
      { AF: 0.2 },
      { AF: 0.2, F_CH4_BL_req: 73_000 },
      { tool06_version: 'v2', T_spec_min: 800, T_spec_max: 1100 },
    ]) {
      const file = file65(parameters.flare_type === 'open' ? 'true' : '');
      const project = case65(parameters);
      expect(numbers(await run(methodology, project, file)), JSON.stringify(parameters)).toEqual(numbers(await run(previous, under200(project), file)));
    }
    const fixture = readFileSync(new URL('./fixtures/valid.csv', import.meta.url), 'utf8');
    const registered = projectWith(projectInput, {});
    expect(numbers(await run(methodology, registered, fixture))).toEqual(numbers(await run(previous, under200(registered), fixture)));
  });
});
