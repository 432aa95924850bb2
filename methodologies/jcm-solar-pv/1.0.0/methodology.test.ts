import { describe, expect, it } from 'vitest';
import { computeIssuance } from '#core/issuance/issuance';
import { describeConformance, expectDecimal, loadFixtures, projectWith, run } from '#test/methodology-conformance';
import methodology from './methodology.ts';

describeConformance(methodology, new URL('./', import.meta.url));

const { projectInput } = loadFixtures(new URL('./', import.meta.url));

describe('jcm-solar-pv@1.0.0 hand-worked cases', () => {
  it('reproduces domain.md §6.8 (JCM PV): 5,000 MWh × 0.533 = 2,665 t, PE 0 → 2,665 JCM credits', async () => {
    // Prepare: a 3.5 MW plant (5,000 MWh/yr ≈ 16 % capacity factor), no grid import.
    const project = projectWith(projectInput, { id: 'pv-6-8', parameters: { EF_RE: 0.533, installed_capacity_MW: 3.5 } });
    const csv = 'timestamp,EG,EG_import\n2019-03-31,1250,0\n2019-06-30,1250,0\n2019-09-30,1250,0\n2019-12-31,1250,0\n';
    // Act
    const result = await run(methodology, project, csv, { period: { start: '2019-01-01', end: '2019-12-31' } });
    // Assess
    expect(result.status).toBe('accepted');
    expectDecimal(result.totals?.BE, '2665', 'RE');
    expectDecimal(result.totals?.PE, '0', 'PE');
    expectDecimal(result.totals?.ER, '2665', 'ER');
    expect(result.issuable?.units).toBe('2665');
    expect(result.issuable?.rounding).toMatch(/JCM credits = floor/);
  });

  it('subtracts auxiliary grid import as project emissions and floors the JCM credits', async () => {
    // RE = 30 × 0.533 = 15.99; PE = 0.5 × 0.6 = 0.3; ER = 15.69 → 15.
    const result = await run(methodology, projectWith(projectInput, {}), 'timestamp,EG,EG_import\n2019-07-01,30,0.5\n');
    expect(result.status).toBe('accepted');
    expectDecimal(result.totals?.ER, '15.69', 'ER');
    expect(result.issuable?.units).toBe('15');
  });

  it('hands the credits to the JCM allocation at issuance (rounded down per account, remainder to the participants)', () => {
    const issuance = computeIssuance({ mechanism: 'JCM', er: '2665', ldc: false, ccs: false, jcmAllocation: [{ account: 'Government of Japan', share: 0.5 }] });
    expect(issuance.deductions[0]?.units).toBe('1332');
    expect(issuance.toParticipants).toBe('1333');
  });

  it('refuses generation above installed capacity × hours (kWh uploaded as MWh)', async () => {
    // 1.5 MW × 24 h × 1 day = 36 MWh at most.
    const result = await run(methodology, projectWith(projectInput, {}), 'timestamp,EG,EG_import\n2019-07-01,36500,0\n');
    expect(result.status).toBe('rejected');
    expect(result.diagnostics.map((d) => d.message).join(' ')).toContain('generation-within-capacity');
  });

  it('is not applicable without certified PV modules, and is offered under the JCM only', async () => {
    const result = await run(
      methodology,
      projectWith(projectInput, { parameters: { pv_modules_certified: false } }),
      'timestamp,EG,EG_import\n2019-07-01,1,0\n',
    );
    expect(result.status).toBe('not-applicable');
    expect(result.diagnostics[0]?.message).toContain('pv-modules-certified');
    expect(methodology.mechanisms).toEqual(['JCM']);
  });

  it('uses AR5 after 2020 (CO2 only, so the numbers do not change)', async () => {
    const result = await run(methodology, projectWith(projectInput, {}), 'timestamp,EG,EG_import\n2022-07-01,10,0\n');
    expect(result.gwp?.set).toBe('AR5');
    expectDecimal(result.totals?.ER, '5.33', 'ER');
  });
});
