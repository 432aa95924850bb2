import { describe, expect, it } from 'vitest';
import { describeConformance, expectDecimal, loadFixtures, projectWith, run } from '#test/methodology-conformance';
import methodology from './methodology.ts';

// The shared suite: folder, README, documentation, fixtures, properties.
describeConformance(methodology, new URL('./', import.meta.url));

const { projectInput } = loadFixtures(new URL('./', import.meta.url));

describe('template@1.0.0 hand-worked cases', () => {
  it('one day: 100 MWh at 0.7 tCO2/MWh and 0.2 t diesel gives ER = 70 − 0.647768 = 69.352232', async () => {
    // Prepare
    const project = projectWith(projectInput, { id: 'one-day', parameters: { EF_grid_CM: 0.7 } });
    // Act
    const result = await run(methodology, project, 'timestamp,EG_net,FC_diesel\n2015-06-01,100,0.2\n');
    // Assess: BE = 100 × 0.7 = 70; PE = 0.2 × 43.3 × 0.0748 = 0.647768 (TOOL03 v3.0: upper limits of the IPCC 95 % intervals).
    expect(result.status).toBe('accepted');
    expectDecimal(result.totals?.BE, '70', 'BE');
    expectDecimal(result.totals?.PE, '0.647768', 'PE');
    expectDecimal(result.totals?.ER, '69.352232', 'ER');
    expect(result.issuable?.units).toBe('69');
  });

  it('is not applicable to a grid with a zero emission factor', async () => {
    const project = projectWith(projectInput, { id: 'clean-grid', parameters: { EF_grid_CM: 0 } });
    const result = await run(methodology, project, 'timestamp,EG_net,FC_diesel\n2015-06-01,100,0\n');
    expect(result.status).toBe('not-applicable');
    expect(result.diagnostics.map((d) => d.code)).toEqual(['applicability.not_met']);
  });
});
