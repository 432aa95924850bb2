import { describe, expect, it } from 'vitest';
import { UNSET } from '../../../../../core/expressions/float-slots.ts';
import { startCalculation } from '../../../../../core/calculation/stages/context.ts';
import { openFile } from '../../../../../core/calculation/stages/open.ts';
import { buildPlan, planBytes, planCells } from '../../../../../core/calculation/stages/row-plan.ts';
import { compileRowEquations, runRowChecks, runRowEquations } from '../../../../../core/calculation/stages/row-equations.ts';
import { RowScope } from '../../../../../core/calculation/stages/row-scope.ts';
import { RowStage } from '../../../../../core/calculation/stages/rows.ts';
import { chunks, methodology, project, registry } from './fixture.ts';

const parameters = { flare: true, eta_flare: 0.9, EF_grid: 0.7 };

describe('the row scope', () => {
  it('lays out one slot per symbol and holds the constants by name', () => {
    const scope = new RowScope(methodology, parameters);
    expect([...scope.slotOf.keys()]).toEqual(['flare', 'eta_flare', 'EF_grid', 'rho_CH4', 'LFG', 'w_CH4', 'EC', 'F_CH4']);
    expect(Object.fromEntries(scope.constants)).toEqual({ flare: true, eta_flare: 0.9, EF_grid: 0.7, rho_CH4: 0.000716 });
    expect(scope.slots[scope.slot('LFG')]).toBe(UNSET);
    scope.asMap.set('LFG', 5);
    expect(scope.asMap.get('LFG')).toBe(5);
    expect(scope.asMap.get('F_CH4')).toBeUndefined();
  });
});

describe('the row fast paths', () => {
  const header = ['timestamp', 'LFG', 'w_CH4', 'EC'];
  const plan = buildPlan(methodology, header)!;
  const bytesOf = (line: string) => {
    const bytes = Buffer.from(line);
    const starts = new Int32Array(4);
    const ends = new Int32Array(4);
    let f = 0;
    starts[0] = 0;
    for (let i = 0; i < bytes.length; i++)
      if (bytes[i] === 44) {
        ends[f] = i;
        starts[++f] = i + 1;
      }
    ends[f] = bytes.length;
    return [bytes, starts, ends] as const;
  };

  it('parses a plain record from its bytes, and sends a value out of bounds back to the schema', () => {
    const values: unknown[] = [];
    expect(planBytes(plan, values, new Set(), { local: false }, ...bytesOf('2014-01-31T00:00:00Z,5000000,0.5,300'))).toBe(true);
    expect(values).toEqual([Date.parse('2014-01-31T00:00:00Z'), 5000000, 0.5, 300]);
    expect(planBytes(plan, values, new Set(), { local: false }, ...bytesOf('2014-01-31T00:00:00Z,5000000,1.5,300'))).toBe(false);
  });

  it('parses typed cells by column name, and refuses an empty cell where the site has the source', () => {
    const values: unknown[] = [];
    const cells = { timestamp: '2014-01-31T00:00:00Z', LFG: 5000000, w_CH4: '0.5', EC: 300 };
    expect(planCells(plan, header, values, new Set(), { local: false }, cells)).toBe(true);
    expect(values).toEqual([Date.parse('2014-01-31T00:00:00Z'), 5000000, 0.5, 300]);
    expect(planCells(plan, header, values, new Set([3]), { local: false }, { ...cells, EC: '' })).toBe(false);
  });

  it('has no plan for a header that lacks a required column', () => {
    expect(buildPlan(methodology, ['timestamp', 'LFG'])).toBeUndefined();
  });
});

describe('the row equations', () => {
  it('runs into the slots, and a non-finite value is a row error, not a number', () => {
    const scope = new RowScope(methodology, parameters);
    const compiled = compileRowEquations(methodology, scope);
    const out: { code: string }[] = [];
    scope.slots[scope.slot('LFG')] = 5_000_000;
    scope.slots[scope.slot('w_CH4')] = 0.5;
    expect(runRowEquations(compiled, scope.slots, (d) => out.push(d), 'f.csv', 1, 2)).toBe(true);
    expect(scope.slots[scope.slot('F_CH4')]).toBeCloseTo(1790, 9);
    scope.slots[scope.slot('LFG')] = Infinity;
    expect(runRowEquations(compiled, scope.slots, (d) => out.push(d), 'f.csv', 1, 2)).toBe(false);
    expect(out).toEqual([expect.objectContaining({ code: 'equation.non_finite', location: { file: 'f.csv', row: 1, line: 2 } })]);
    expect(runRowChecks(compiled, scope.slots, (d) => out.push(d), 'f.csv', 1, 2)).toBe(true);
  });
});

describe('the rows stage', () => {
  it('reads a file into a partial result: counts, sums, first and last reading, row diagnostics', async () => {
    const calc = startCalculation({ project, registry, fileName: 'f.csv' });
    const file = openFile(chunks('timestamp,LFG,w_CH4,EC\n2014-01-31,1000,0.5,1\n2014-02-28,x,0.5,1\n2014-03-31,3000,0.5,2\n'), 'f.csv', undefined);
    const rows = new RowStage(calc);
    await rows.read(file, undefined);
    await file.drain();
    const partial = rows.partial(file);
    expect(partial.rows).toEqual({ total: 3, accepted: 2, rejected: 1 });
    expect(partial.sums.LFG!.value).toBe('4000');
    expect(partial.sums.EC!.value).toBe('3');
    expect(partial.first).toBe('2014-01-31T00:00:00.000Z');
    expect(partial.last).toBe('2014-03-31T00:00:00.000Z');
    expect(partial.diagnostics.kept.map((d) => d.location?.row)).toEqual([2]);
    expect(partial.rowGwpSets).toEqual(['AR4']);
    expect(partial.parts[0]).toMatchObject({ name: 'f.csv', sha256: file.info().sha256, bytes: file.size });
  });

  it('rejects every record after a header with a missing column, and builds no sums from them', async () => {
    const calc = startCalculation({ project, registry, fileName: 'f.csv' });
    const file = openFile(chunks('timestamp,LFG,w_CH4\n2014-01-31,1000,0.5\n'), 'f.csv', undefined);
    const rows = new RowStage(calc);
    await rows.read(file, undefined);
    expect({ total: rows.total, accepted: rows.accepted, rejected: rows.rejected }).toEqual({ total: 1, accepted: 0, rejected: 1 });
    expect(calc.diagnostics.kept.map((d) => d.code)).toEqual(['header.missing_column']);
  });
});
