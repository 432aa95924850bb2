import { describe, expect, it } from 'vitest';
import { calculate } from '../../../../../core/calculation/calculate.ts';
import { bindGwps } from '../../../../../core/calculation/gwp-binding.ts';
import type { PartialResult } from '../../../../../core/calculation/partial.ts';
import { startCalculation } from '../../../../../core/calculation/stages/context.ts';
import { emissionsOf } from '../../../../../core/calculation/stages/emissions.ts';
import { issue } from '../../../../../core/calculation/stages/issuance.ts';
import { takeMerged } from '../../../../../core/calculation/stages/merge.ts';
import { runPeriod } from '../../../../../core/calculation/stages/period.ts';
import { seriesOf } from '../../../../../core/calculation/stages/series.ts';
import { toBigNumber } from '../../../../../core/expressions/decimal.ts';
import { chunks, methodology, project, registry } from './fixture.ts';

const partialOf = async (csv: string, fileName = 'f.csv') => {
  let partial: PartialResult | undefined;
  await calculate({ source: chunks(csv), fileName, project, registry, onPartial: (p) => (partial = p) });
  return partial!;
};
const january = 'timestamp,LFG,w_CH4,EC\n2014-01-31,5000000,0.5,300\n';

describe('merge → series → period → emissions → issuance', () => {
  it('calculates a period from a merged partial alone, step by step, as calculate does', async () => {
    const partial = await partialOf(january);
    const calc = startCalculation({ project, registry, fileName: 'merged' });
    const rows = takeMerged(calc, partial);
    expect(rows).toMatchObject({ total: 1, accepted: 1, rejected: 0, fatal: false });
    expect(calc.gwp.binding?.label).toBe('AR4'); // bound at the parts' first reading
    const { resultPeriod, qaqc } = seriesOf(calc, rows);
    expect(resultPeriod).toMatchObject({ start: '2014-01-31T00:00:00+00:00', end: '2014-02-01T00:00:00+00:00' }); // the reading's whole day, half-open
    expect(qaqc).toEqual({ calibration: [], gaps: [], missingIntervals: 0 });
    const period = runPeriod(calc, rows, resultPeriod!, calc.gwp.binding!);
    expect(period.failed).toBe(false);
    expect(period.trace.map((t) => [t.symbol, t.scope, t.value])).toEqual([
      ['F_CH4', 'row', '1790'],
      ['BE_CH4', 'period', '1611'],
      ['PE_EC', 'period', '210'],
    ]);
    const emissions = emissionsOf(methodology, period.scope, calc.gwp.binding!);
    expect([emissions.BE.toString(), emissions.PE.toString(), emissions.LE.toString()]).toEqual(['40275', '210', '0']);
    const issuance = issue(calc, period, emissions, resultPeriod!);
    expect(issuance).toMatchObject({ issuable: { units: '40065', creditType: expect.any(String) } });
    expect(issuance!.ER.toString()).toBe('40065');
    expect(calc.diagnostics.errors).toBe(0);
  });

  it('refuses parts whose rows ran with GWPs other than the period binds', async () => {
    const partial = await partialOf(january);
    const calc = startCalculation({ project, registry, fileName: 'merged' });
    takeMerged(calc, { ...partial, rowGwpSets: ['SAR'] });
    expect(calc.diagnostics.kept.map((d) => d.code)).toEqual(['period.spans_gwp_boundary']);
  });

  it('reports a merge with no rows as a file without data rows', async () => {
    const partial = await partialOf('timestamp,LFG,w_CH4,EC\n');
    const calc = startCalculation({ project, registry, fileName: 'merged' });
    const rows = takeMerged(calc, partial);
    expect(rows.total).toBe(0);
    expect(calc.diagnostics.kept.map((d) => d.code)).toContain('file.no_records');
  });

  it('sums emission terms per gas with the GWP in force', () => {
    const gwp = bindGwps(project, methodology, { start: '2014-01-01', end: '2014-01-31' });
    if (!gwp.ok) throw new Error('no GWP');
    const scope = new Map([
      ['BE_CH4', toBigNumber('2')],
      ['PE_EC', toBigNumber('3.5')],
    ]);
    const e = emissionsOf(methodology, scope, gwp.binding);
    expect(e.gases).toEqual([
      { gas: 'CH4', gwp: '25', BE: { t: '2', tCO2e: '50' }, PE: { t: '0', tCO2e: '0' }, LE: { t: '0', tCO2e: '0' }, ER: '50' },
      { gas: 'CO2', gwp: '1', BE: { t: '0', tCO2e: '0' }, PE: { t: '3.5', tCO2e: '3.5' }, LE: { t: '0', tCO2e: '0' }, ER: '-3.5' },
    ]);
  });

  it('gives the same result from calculate and from calculateMerged of its own partial', async () => {
    const { calculateMerged } = await import('../../../../../core/calculation/calculate.ts');
    const partial = await partialOf(january, 'jan.csv');
    const one = await calculate({ source: chunks(january), fileName: 'jan.csv', project, registry });
    const merged = await calculateMerged({ partials: [partial], fileName: 'jan.csv', project, registry });
    expect({ ...merged, file: undefined }).toEqual({ ...one, file: undefined });
  });
});
