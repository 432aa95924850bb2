import Decimal from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { describeConformance, expectDecimal, loadFixtures, projectWith, run } from '#test/methodology-conformance';
import { createRegistry } from '#core/methodology/registry';
import { resolveProject } from '#core/calculation/calculate';
import methodology from './methodology.ts';

describeConformance(methodology, new URL('./', import.meta.url));

const { projectInput } = loadFixtures(new URL('./', import.meta.url));
const trace = (r: Awaited<ReturnType<typeof run>>, symbol: string) => r.trace.find((t) => t.symbol === symbol)?.value;

/** domain.md §6.8: one chiller, COP_PJ 6.5 at 35 °C / 8 °C, COP_RE 5.59, EF 0.814, EC_PJ 347.2 MWh (ID009, 2017). */
const project68 = projectWith(projectInput, {
  id: 'chiller-6-8',
  parameters: { n_chillers: 1, EF_elec: 0.814, COP_PJ_1: 6.5, T_cooling_out_1: 35, T_chilled_out_1: 8, COP_RE_1: 5.59 },
});
/** The 2017 total of ID009 split into 12 monthly readings (sum 347.2 MWh). */
const months = [27.9, 26.1, 28.8, 29.4, 30.3, 29.7, 30.1, 30.6, 29.5, 29.2, 28.0, 27.6];
const csv68 = `timestamp,chiller,EC_PJ\n${months.map((v, m) => `2017-${String(m + 1).padStart(2, '0')}-01,1,${v}`).join('\n')}\n`;

describe('jcm-chiller@1.0.0 hand-worked cases', () => {
  it('reproduces domain.md §6.8 exactly: COP_PJ,tc = 6.5 × 30/33 = 65/11, RE 298.753488…, PE 282.6208, ER 16.132688… → 16 credits', async () => {
    // Act
    const result = await run(methodology, project68, csv68, { period: { start: '2017-01-01', end: '2017-12-31' } });
    // Assess: the exact values (no intermediate rounding).
    expect(result.status).toBe('accepted');
    expect(months.reduce((a, b) => new Decimal(a).plus(b).toNumber(), 0)).toBe(347.2);
    expect(trace(result, 'EC_PJ_1')).toBe('347.2');
    expect(trace(result, 'COP_PJ_tc_1')).toBe('5.909090909091'); // the trace shows 12 decimals; the engine carries 34 digits
    expectDecimal(result.totals?.BE, '298.753488', 'RE (exact 18,370.352 / 61.49 = 298.7534883720…)');
    expectDecimal(result.totals?.PE, '282.6208', 'PE');
    expectDecimal(result.totals?.ER, '16.132688', 'ER');
    expect(result.issuable?.units).toBe('16');
    // The figures printed in domain.md §6.8 are these values to 2 decimals: 298.75, 282.62, 16.13.
    expect(new Decimal(result.totals!.BE).toDecimalPlaces(2).toString()).toBe('298.75');
    expect(new Decimal(result.totals!.PE).toDecimalPlaces(2).toString()).toBe('282.62');
    expect(new Decimal(result.totals!.ER).toDecimalPlaces(2).toString()).toBe('16.13');
  });

  it('documents the effect of the rounded COP 5.9091 printed in domain.md: RE 298.753948, ER 16.133148 — the same 2-decimal figures and credits', () => {
    // Not what the module computes (it never rounds the COP); shown so the difference is explicit: 0.00046 t.
    const re = new Decimal('347.2').times('5.9091').div('5.59').times('0.814');
    expect(re.toDecimalPlaces(6).toString()).toBe('298.753948');
    expect(re.minus('282.6208').toDecimalPlaces(6).toString()).toBe('16.133148');
    expect(re.toDecimalPlaces(2).toString()).toBe('298.75');
    expect(re.minus('282.6208').floor().toString()).toBe('16');
  });

  it('sums each chiller separately: a second chiller with its own COPs adds its own reference term', async () => {
    // Chiller 2: 6.3 × (36 − 7 + 3)/33 = 6.10909…; RE_2 = 10 × (6.10909… / 5.35) × 0.814 = 9.294867…
    const project = projectWith(projectInput, {});
    const result = await run(methodology, project, 'timestamp,chiller,EC_PJ\n2017-01-01,2,10\n');
    expect(result.status).toBe('accepted');
    expect(trace(result, 'RE_1')).toBe('0');
    expectDecimal(result.totals?.BE, new Decimal('6.3').times(32).div(33).div('5.35').times(10).times('0.814').toDecimalPlaces(6).toString(), 'RE');
    expectDecimal(result.totals?.PE, '8.14', 'PE');
  });

  it('rejects a reading for a chiller slot that is not registered', async () => {
    const result = await run(methodology, projectWith(projectInput, {}), 'timestamp,chiller,EC_PJ\n2017-01-01,1,10\n2017-01-01,4,10\n');
    expect(result.status).toBe('rejected');
    expect(result.diagnostics).toContainEqual(expect.objectContaining({ code: 'row.check_failed', location: expect.objectContaining({ row: 2 }) }));
  });

  it('is not applicable when a registered chiller has COP ≤ 6.0, and names the chiller', async () => {
    const result = await run(methodology, projectWith(projectInput, { parameters: { COP_PJ_2: 6.0 } }), 'timestamp,chiller,EC_PJ\n2017-01-01,1,10\n');
    expect(result.status).toBe('not-applicable');
    expect(result.diagnostics[0]?.message).toContain('cop-above-6');
    expect(result.diagnostics[0]?.message).toContain('chiller 2 has COP_PJ_2 = 6');
  });

  it('is not applicable to non-centrifugal chillers or refrigerants with ODP > 0', async () => {
    for (const [field, id] of [
      ['centrifugal_chiller', 'centrifugal-chiller'],
      ['refrigerant_odp_zero', 'refrigerant-odp-zero'],
      ['refrigerant_recovery_plan', 'refrigerant-recovery-plan'],
    ] as const) {
      const result = await run(methodology, projectWith(projectInput, { parameters: { [field]: false } }), 'timestamp,chiller,EC_PJ\n2017-01-01,1,10\n');
      expect(result.status, field).toBe('not-applicable');
      expect(result.diagnostics[0]?.message).toContain(id);
    }
  });

  it('refuses a registration that declares a chiller without its ex-ante COPs and temperatures', () => {
    const project = projectWith(projectInput, { parameters: { n_chillers: 3 } });
    expect(() => resolveProject(project, createRegistry([methodology]))).toThrow(/parameters do not match/);
  });
});
