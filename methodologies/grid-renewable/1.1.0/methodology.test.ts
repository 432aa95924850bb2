import { describe, expect, it } from 'vitest';
import { describeConformance, expectDecimal, loadFixtures, projectWith, run } from '#test/methodology-conformance';
import methodology, { powerDensity } from './methodology.ts';

describeConformance(methodology, new URL('./', import.meta.url));

const { projectInput } = loadFixtures(new URL('./', import.meta.url));
const year2014 = { start: '2014-01-01', end: '2014-12-31' };
const header = 'timestamp,EG_export,EG_import,TEG,FC_diesel,M_steam,w_steam_CO2,w_steam_CH4';
/** The monitoring plan of a site without diesel back-up generators: FC_diesel may then be left out. */
const noDiesel = { diesel_backup: false };

describe('grid-renewable@1.1.0 hand-worked cases', () => {
  it('wind farm: BE 40,837.5, PE_FF at the TOOL03 upper limits 32.3884, ER 40,805.1116 → 40,805 CERs', async () => {
    // Prepare: EF_CM = 0.75 × 0.9 + 0.25 × 0.6 = 0.825 (wind weights); export 50,000 MWh, import 500 MWh, 10 t diesel.
    const project = projectWith(projectInput, {
      id: 'wind-6-2',
      parameters: { technology: 'wind', crediting_period_number: 1, installed_capacity_MW: 30, EF_grid_OM: 0.9, EF_grid_BM: 0.6, Cap_PJ: 0, A_PJ: 0 },
      creditingPeriod: { start: '2013-01-01', end: '2019-12-31' },
    });
    const csv = 'timestamp,EG_export,EG_import,FC_diesel\n2014-06-30T00:00:00Z,25000,250,4\n2014-12-31T00:00:00Z,25000,250,6\n';
    // Act
    const result = await run(methodology, project, csv, { period: year2014 });
    // Assess: BE = 49,500 × 0.825 = 40,837.5; PE_FF = 10 × 43.3 × 0.0748 = 32.3884 (TOOL03 v3.0: IPCC 2006 Vol. 2
    // Ch. 1 Tables 1.2 and 1.4 at the upper limit of the 95 % interval; the central values 43.0 × 0.0741 gave 31.863).
    expect(result.status).toBe('accepted');
    expectDecimal(result.totals?.BE, '40837.5', 'BE');
    expectDecimal(result.totals?.PE, '32.3884', 'PE');
    expectDecimal(result.totals?.LE, '0', 'LE');
    expectDecimal(result.totals?.ER, '40805.1116', 'ER');
    expect(result.issuable?.units).toBe('40805');
    expect(result.trace.find((t) => t.symbol === 'EF_grid_CM_y')?.value).toBe('0.825');
  });

  it('reservoir hydro: PD 6 W/m², BE 88,500, PE_HP 10,800, ER 77,700', async () => {
    // Prepare: 30 MW over 5 km² → PD = 6; first crediting period → 0.5 × 0.9 + 0.5 × 0.6 = 0.75.
    const project = projectWith(projectInput, {
      id: 'hydro-6-3',
      sources: noDiesel,
      parameters: {
        crediting_period_number: 1,
        installed_capacity_MW: 30,
        EF_grid_OM: 0.9,
        EF_grid_BM: 0.6,
        Cap_BL: 0,
        Cap_PJ: 30_000_000,
        A_BL: 0,
        A_PJ: 5_000_000,
      },
      creditingPeriod: { start: '2014-01-01', end: '2020-12-31' },
    });
    const csv = 'timestamp,EG_export,EG_import,TEG\n2014-06-30T00:00:00Z,59000,0,60000\n2014-12-31T00:00:00Z,59500,500,60000\n';
    // Act
    const result = await run(methodology, project, csv, { period: year2014 });
    // Assess: EG_PJ = 118,000; BE = 88,500; PE_HP = 90 × 120,000 / 1000 = 10,800.
    expect(result.status).toBe('accepted');
    expect(result.trace.find((t) => t.symbol === 'PD')?.value).toBe('6');
    expectDecimal(result.totals?.BE, '88500', 'BE');
    expectDecimal(result.totals?.PE, '10800', 'PE');
    expectDecimal(result.totals?.ER, '77700', 'ER');
    expect(result.issuable?.units).toBe('77700');
  });

  it('geothermal add-on: PE_GP = 5,000 t CO2 + 100 t CH4 × 25 = 7,500 t', async () => {
    // Prepare: 1,000,000 t steam in two rows, w_CO2 = 0.005, w_CH4 = 0.0001; CP2 → AR4, GWP_CH4 = 25.
    const project = projectWith(projectInput, {
      id: 'geo-6-3',
      sources: noDiesel,
      parameters: { technology: 'geothermal', crediting_period_number: 1, installed_capacity_MW: 30, EF_grid_OM: 0.9, EF_grid_BM: 0.6, Cap_PJ: 0, A_PJ: 0 },
      creditingPeriod: { start: '2014-01-01', end: '2020-12-31' },
    });
    const csv = `${header}\n2014-06-30T00:00:00Z,50000,0,,,500000,0.005,0.0001\n2014-12-31T00:00:00Z,50000,0,,,500000,0.005,0.0001\n`;
    // Act
    const result = await run(methodology, project, csv, { period: year2014 });
    // Assess
    expect(result.status).toBe('accepted');
    const ch4 = result.gases?.find((g) => g.gas === 'CH4');
    const co2 = result.gases?.find((g) => g.gas === 'CO2');
    expectDecimal(ch4?.PE.t, '100', 'PE CH4 t');
    expectDecimal(ch4?.PE.tCO2e, '2500', 'PE CH4 tCO2e');
    expectDecimal(co2?.PE.t, '5000', 'PE CO2 t');
    expectDecimal(result.totals?.PE, '7500', 'PE');
    // BE = 100,000 MWh × 0.75 = 75,000; ER = 67,500.
    expectDecimal(result.totals?.ER, '67500', 'ER');
  });

  it('uses the TOOL07 weights: wind/solar 0.75/0.25 always; others 0.5/0.5 in the first and 0.25/0.75 in later crediting periods', async () => {
    const csv = 'timestamp,EG_export,EG_import\n2015-06-01T01:00:00Z,10,0\n';
    const cases = [
      ['solar', 3, '0.75'],
      ['wind', 1, '0.75'],
      ['hydro-run-of-river', 1, '0.5'],
      ['hydro-run-of-river', 2, '0.25'],
      ['geothermal', 3, '0.25'],
    ] as const;
    for (const [technology, crediting_period_number, wOM] of cases) {
      const project = projectWith(projectInput, { sources: noDiesel, parameters: { technology, crediting_period_number, Cap_PJ: 0, A_PJ: 0 } });
      const result = await run(methodology, project, csv);
      if (technology === 'geothermal') {
        // No steam reported: a geothermal site must report it, so the file is refused rather than book PE_GP = 0.
        expect(result.diagnostics).toContainEqual(
          expect.objectContaining({ code: 'header.missing_column', location: expect.objectContaining({ column: 'M_steam' }) }),
        );
        continue;
      }
      expect(result.status).toBe('accepted');
      expect(result.trace.find((t) => t.symbol === 'w_OM')?.value, `${technology} CP${crediting_period_number}`).toBe(wOM);
    }
  });

  it('takes no reservoir emissions above 10 W/m² and none without a new reservoir', async () => {
    const csv = 'timestamp,EG_export,EG_import,TEG\n2015-06-01T00:00:00Z,100,0,102\n';
    const dense = await run(methodology, projectWith(projectInput, { sources: noDiesel, parameters: { Cap_PJ: 24_000_000, A_PJ: 2_000_000 } }), csv);
    expect(dense.trace.find((t) => t.symbol === 'PD')?.value).toBe('12');
    expect(dense.trace.find((t) => t.symbol === 'PE_HP_y')?.value).toBe('0');
    const runOfRiver = await run(
      methodology,
      projectWith(projectInput, { sources: noDiesel, parameters: { technology: 'hydro-run-of-river', Cap_PJ: 0, A_PJ: 0 } }),
      csv,
    );
    expect(runOfRiver.trace.find((t) => t.symbol === 'PE_HP_y')?.value).toBe('0');
    // PD exactly 10 W/m² is still in the 4 < PD ≤ 10 band: 90 × 102 / 1000 = 9.18.
    const edge = await run(methodology, projectWith(projectInput, { sources: noDiesel, parameters: { Cap_PJ: 20_000_000, A_PJ: 2_000_000 } }), csv);
    expect(edge.trace.find((t) => t.symbol === 'PE_HP_y')?.value).toBe('9.18');
  });

  it('is not applicable to a new reservoir with a power density of 4 W/m² or less, and says why', async () => {
    const project = projectWith(projectInput, { parameters: { Cap_PJ: 16_000_000, A_PJ: 4_000_000 } });
    expect(powerDensity({ Cap_BL: 0, Cap_PJ: 16_000_000, A_BL: 0, A_PJ: 4_000_000 })).toBe(4);
    const result = await run(methodology, project, 'timestamp,EG_export,EG_import,TEG\n2015-06-01T00:00:00Z,10,0,10\n');
    expect(result.status).toBe('not-applicable');
    expect(result.totals).toBeUndefined();
    const d = result.diagnostics.find((x) => x.code === 'applicability.not_met');
    expect(d?.message).toContain('reservoir-power-density-above-4');
    expect(d?.message).toContain('4 W/m²');
  });

  it('is not applicable to an AMS-I.D project above 15 MW, nor to a retrofit', async () => {
    const big = await run(
      methodology,
      projectWith(projectInput, { parameters: { baseline_methodology: 'AMS-I.D', installed_capacity_MW: 15.5 } }),
      'timestamp,EG_export,EG_import\n2015-06-01T00:00:00Z,1,0\n',
    );
    expect(big.status).toBe('not-applicable');
    expect(big.diagnostics[0]?.message).toContain('small-scale-capacity-limit');
    const small = await run(
      methodology,
      projectWith(projectInput, { sources: noDiesel, parameters: { baseline_methodology: 'AMS-I.D', installed_capacity_MW: 15 } }),
      'timestamp,EG_export,EG_import,TEG\n2015-06-01T00:00:00Z,1,0,1\n',
    );
    expect(small.status).toBe('accepted');
    const retrofit = await run(
      methodology,
      projectWith(projectInput, { parameters: { plant_type: 'retrofit' } }),
      'timestamp,EG_export,EG_import\n2015-06-01T00:00:00Z,1,0\n',
    );
    expect(retrofit.status).toBe('not-applicable');
  });

  it('refuses a reservoir project that does not report gross generation TEG: the column is missing, or too small', async () => {
    const project = projectWith(projectInput, { sources: noDiesel });
    const absent = await run(methodology, project, 'timestamp,EG_export,EG_import\n2015-06-01T00:00:00Z,10,0\n');
    expect(absent.status).toBe('rejected');
    expect(absent.diagnostics).toContainEqual(expect.objectContaining({ code: 'header.missing_column', location: expect.objectContaining({ column: 'TEG' }) }));
    const small = await run(methodology, project, 'timestamp,EG_export,EG_import,TEG\n2015-06-01T00:00:00Z,10,0,0\n');
    expect(small.status).toBe('rejected');
    expect(small.diagnostics.map((d) => d.message).join(' ')).toContain('reservoir-gross-generation-reported');
  });

  it('refuses an export larger than installed capacity × hours (kWh uploaded as MWh)', async () => {
    // 24 MW × 24 h × 1 day = 576 MWh at most.
    const result = await run(
      methodology,
      projectWith(projectInput, { sources: noDiesel }),
      'timestamp,EG_export,EG_import,TEG\n2015-06-01T00:00:00Z,14500,0,14800\n',
    );
    expect(result.status).toBe('rejected');
    expect(result.diagnostics.map((d) => d.message).join(' ')).toContain('export-within-capacity');
  });

  it('treats an absent or empty diesel column as 0 where the monitoring plan says the site has no diesel back-up, but still validates it when present', async () => {
    const project = projectWith(projectInput, { sources: noDiesel, parameters: { technology: 'wind', Cap_PJ: 0, A_PJ: 0 } });
    const absent = await run(methodology, project, 'timestamp,EG_export,EG_import\n2015-06-01T00:00:00Z,10,1\n');
    const empty = await run(methodology, project, 'timestamp,EG_export,EG_import,FC_diesel\n2015-06-01T00:00:00Z,10,1,\n');
    expect(absent.status).toBe('accepted');
    expect(empty.totals).toEqual(absent.totals);
    const bad = await run(methodology, project, 'timestamp,EG_export,EG_import,FC_diesel\n2015-06-01T00:00:00Z,10,1,lots\n');
    expect(bad.diagnostics[0]).toMatchObject({ code: 'row.not_a_number', location: { row: 1, column: 'FC_diesel' } });
  });

  it('refuses a file without FC_diesel (or with an empty cell) from a site whose plan does not rule out diesel back-up', async () => {
    const project = projectWith(projectInput, { parameters: { technology: 'wind', Cap_PJ: 0, A_PJ: 0 } });
    const absent = await run(methodology, project, 'timestamp,EG_export,EG_import\n2015-06-01T00:00:00Z,10,1\n');
    expect(absent.status).toBe('rejected');
    const missing = absent.diagnostics.find((d) => d.code === 'header.missing_column');
    expect(missing?.location?.column).toBe('FC_diesel');
    expect(missing?.message).toContain('"sources": { "diesel_backup": false }');
    // The misspelled column of issue 10: refused with a did-you-mean, and the real column reported missing.
    const misspelled = await run(methodology, project, 'timestamp,EG_export,EG_import,FC_diesle\n2015-06-01T00:00:00Z,10,1,0.5\n');
    expect(misspelled.status).toBe('rejected');
    expect(misspelled.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual(['header.misspelled_column']);
    const empty = await run(methodology, project, 'timestamp,EG_export,EG_import,FC_diesel\n2015-06-01T00:00:00Z,10,1,\n2015-06-01T01:00:00Z,10,1,0\n');
    expect(empty.status).toBe('rejected');
    expect(empty.rows).toEqual({ total: 2, accepted: 1, rejected: 1 });
    expect(empty.diagnostics).toContainEqual(
      expect.objectContaining({ code: 'row.missing_value', location: expect.objectContaining({ row: 1, column: 'FC_diesel' }) }),
    );
  });

  it('refuses diesel reported by a site whose plan says it has none: the plan and the file must agree', async () => {
    const project = projectWith(projectInput, { sources: noDiesel, parameters: { technology: 'wind', Cap_PJ: 0, A_PJ: 0 } });
    const result = await run(methodology, project, 'timestamp,EG_export,EG_import,FC_diesel\n2015-06-01T00:00:00Z,10,1,0.5\n');
    expect(result.status).toBe('rejected');
    expect(result.diagnostics).toContainEqual(
      expect.objectContaining({ code: 'period.source_not_at_site', location: expect.objectContaining({ column: 'FC_diesel' }) }),
    );
  });

  it('needs no steam columns from a plant that is not geothermal, whatever its registration says of sources', async () => {
    const project = projectWith(projectInput, { sources: noDiesel, parameters: { technology: 'solar', Cap_PJ: 0, A_PJ: 0 } });
    const result = await run(methodology, project, 'timestamp,EG_export,EG_import\n2015-06-01T00:00:00Z,10,1\n');
    expect(result.status).toBe('accepted');
  });

  it('names the missing column when a required one is absent', async () => {
    const result = await run(methodology, projectWith(projectInput, {}), 'timestamp,EG_export,TEG\n2015-06-01T00:00:00Z,10,10\n');
    expect(result.status).toBe('rejected');
    expect(result.diagnostics).toContainEqual(
      expect.objectContaining({ code: 'header.missing_column', location: expect.objectContaining({ column: 'EG_import' }) }),
    );
  });

  it('TOOL03 v3.0: diesel NCV and CO2 factor are the upper limits of the IPCC 95 % intervals (Tables 1.2 and 1.4)', () => {
    // IPCC 2006 GL Vol. 2 Ch. 1: gas/diesel oil NCV 43.0 TJ/Gg (41.4–43.3), CO2 74,100 kg/TJ (72,600–74,800).
    expect(methodology.parameters.NCV_diesel?.value).toBe(43.3);
    expect(methodology.parameters.EF_CO2_diesel?.value).toBe(0.0748);
    expect(methodology.parameters.NCV_diesel?.source).toContain('TOOL03 v3.0');
    expect(methodology.parameters.EF_CO2_diesel?.source).toContain('Table 1.4');
  });

  describe('meter vs invoice (check source)', () => {
    // Half-open end-stamped periods: the two rows cover [31 May 23:00, 2 June 00:00) = 25 h, so 1,000 MWh
    // exported needs at least 40 MW to pass export-within-capacity (30 MW × 25 h = 750 MWh would be refused).
    const wind = { technology: 'wind', Cap_PJ: 0, A_PJ: 0, installed_capacity_MW: 50, crediting_period_number: 1, EF_grid_OM: 0.9, EF_grid_BM: 0.6 } as const;
    // Two rows; the invoiced month closes on the second row (the invoiced import is 0 on the other rows: an
    // empty cell would be a missing reading).
    const csv = 'timestamp,EG_export,EG_import,EG_export_check,EG_import_check\n2015-06-01T00:00:00Z,500,5,,0\n2015-06-02T00:00:00Z,500,5,990,12\n';

    it('credits the lower export and deducts the higher import, and warns naming both figures', async () => {
      // Prepare: meter 1,000 / 10 MWh, invoice 990 / 12 MWh, tolerance 0.5 %.
      const project = projectWith(projectInput, { sources: noDiesel, parameters: { ...wind, check_source: 'invoice', check_tolerance: 0.005 } });
      // Act
      const result = await run(methodology, project, csv);
      // Assess: EG_PJ,y = 990 − 12 = 978 MWh; BE = 978 × 0.825 = 806.85.
      expect(result.status).toBe('accepted');
      expect(result.trace.find((t) => t.symbol === 'EG_export_y')?.value).toBe('990');
      expect(result.trace.find((t) => t.symbol === 'EG_import_y')?.value).toBe('12');
      expectDecimal(result.totals?.BE, '806.85', 'BE');
      const warnings = result.diagnostics.filter((d) => d.code === 'period.check_failed' && d.severity === 'warning').map((d) => d.message);
      expect(warnings).toHaveLength(2);
      expect(warnings[0]).toContain('main meter 1000 MWh, check source 990 MWh');
      expect(warnings[1]).toContain('main meter 10 MWh, check source 12 MWh');
    });

    it('takes the main meter where it is the conservative figure, and is silent within the tolerance', async () => {
      // One end-stamped hourly row is a 1-hour period: 995 MWh in it needs at least 995 MW of capacity.
      const project = projectWith(projectInput, {
        sources: noDiesel,
        parameters: { ...wind, installed_capacity_MW: 1000, check_source: 'check-meter', check_tolerance: 0.02 },
      });
      const result = await run(methodology, project, 'timestamp,EG_export,EG_import,EG_export_check,EG_import_check\n2015-06-01T00:00:00Z,995,10,1000,9.9\n');
      expect(result.status).toBe('accepted');
      expect(result.trace.find((t) => t.symbol === 'EG_export_y')?.value).toBe('995');
      expect(result.trace.find((t) => t.symbol === 'EG_import_y')?.value).toBe('10');
      expect(result.diagnostics.filter((d) => d.code === 'period.check_failed')).toEqual([]);
    });

    it('refuses a period without the invoiced export when a check source is registered; ignores the columns without one', async () => {
      const declared = await run(
        methodology,
        projectWith(projectInput, { sources: noDiesel, parameters: { ...wind, check_source: 'invoice' } }),
        'timestamp,EG_export,EG_import,EG_import_check\n2015-06-01T00:00:00Z,100,0,0\n',
      );
      expect(declared.status).toBe('rejected');
      expect(declared.diagnostics.map((d) => d.message).join(' ')).toContain('check-source-reported');
      const none = await run(methodology, projectWith(projectInput, { sources: noDiesel, parameters: { ...wind } }), csv);
      expect(none.status).toBe('accepted');
      expect(none.trace.find((t) => t.symbol === 'EG_PJ_y')?.value).toBe('990');
      const noColumns = await run(
        methodology,
        projectWith(projectInput, { sources: noDiesel, parameters: { ...wind } }),
        'timestamp,EG_export,EG_import\n2015-06-01T00:00:00Z,40,0\n',
      );
      expect(noColumns.status).toBe('accepted');
    });

    it('refuses a file without the invoiced import, or with an empty cell, when a check source is registered: a missing import must not raise the credited net export', async () => {
      const project = projectWith(projectInput, { sources: noDiesel, parameters: { ...wind, check_source: 'invoice' } });
      const absent = await run(
        methodology,
        project,
        'timestamp,EG_export,EG_import,EG_export_check\n2015-06-01T00:00:00Z,500,5,\n2015-06-02T00:00:00Z,500,5,990\n',
      );
      expect(absent.status).toBe('rejected');
      expect(absent.diagnostics).toContainEqual(
        expect.objectContaining({ code: 'header.missing_column', location: expect.objectContaining({ column: 'EG_import_check' }) }),
      );
      const empty = await run(
        methodology,
        project,
        'timestamp,EG_export,EG_import,EG_export_check,EG_import_check\n2015-06-01T00:00:00Z,500,5,,\n2015-06-02T00:00:00Z,500,5,990,12\n',
      );
      expect(empty.status).toBe('rejected');
      expect(empty.diagnostics).toContainEqual(
        expect.objectContaining({ code: 'row.missing_value', location: expect.objectContaining({ row: 1, column: 'EG_import_check' }) }),
      );
      // A registration that names a check source cannot also say the site has none.
      const contradiction = projectWith(projectInput, { sources: { ...noDiesel, check_source: false }, parameters: { ...wind, check_source: 'invoice' } });
      await expect(
        run(methodology, contradiction, 'timestamp,EG_export,EG_import,EG_export_check,EG_import_check\n2015-06-01T00:00:00Z,40,0,40,0\n'),
      ).rejects.toThrow(/does not fit grid-renewable@1\.1\.0/);
    });
  });
});
