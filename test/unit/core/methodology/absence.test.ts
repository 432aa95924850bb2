/**
 * What an optional column's absence means (core/methodology/absence.ts, issue 10 item 2): declared per
 * column by the module, checked by defineMethodology, applied per registration by the engine; and the
 * property over every registered module that a missing or misnamed optional column never raises ER
 * without an error.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Dec } from '#core/calculation/rounding';
import { MethodologyDefinitionError } from '#core/errors';
import { absencePolicyOf, undeclaredAbsences } from '#core/methodology/absence';
import { column, monitoringRow } from '#core/methodology/columns';
import { checkAbsence, errorsOf, runFixture, splitCsv } from '#core/kit/conformance';
import { defineMethodology, type Methodology } from '#core/methodology/define-methodology';
import { ProjectSchema, type Project } from '#core/project/project';
import { registrationProblems } from '#core/project/registration';
import { registry } from '#methodologies';

const root = new URL('../../../../methodologies/', import.meta.url);

/** A small module with one baseline quantity and one project-side optional column declared as `diesel`. */
function probe(diesel: { absent?: { value: number; source?: string }; default?: number }, extra: Partial<Parameters<typeof defineMethodology>[0]> = {}) {
  return defineMethodology({
    id: 'absence-probe',
    version: '1.0.0',
    title: 'Absence probe',
    source: { body: 'test', document: 'test', documentVersion: '1' },
    mechanisms: ['CDM'],
    applicability: [],
    project: z.object({}),
    monitoring: monitoringRow({
      timestamp: column.timestamp({ description: 'time' }),
      EG: column.number({ unit: 't', min: 0, side: 'baseline', description: 'baseline quantity' }),
      FC: column.optional(column.number({ unit: 't', min: 0, side: 'project', description: 'diesel burnt' }), diesel),
    }),
    timeColumn: 'timestamp',
    parameters: {},
    equations: [
      { symbol: 'BE_y', scope: 'period', expr: 'EG', unit: 't', ref: 'probe' },
      { symbol: 'PE_y', scope: 'period', expr: 'FC', unit: 't', ref: 'probe' },
    ],
    emissions: [
      { category: 'BE', gas: 'CO2', symbol: 'BE_y' },
      { category: 'PE', gas: 'CO2', symbol: 'PE_y' },
    ],
    ...extra,
  } as never);
}

const base = JSON.parse(readFileSync(new URL('grid-renewable/1.0.0/fixtures/project.json', root), 'utf8')) as Record<string, unknown>;
const projectFor = (m: Methodology, sources?: Record<string, boolean>): Project =>
  ProjectSchema.parse({
    ...base,
    id: 'absence-probe',
    methodology: m.key,
    parameters: {},
    monitoringIntervalMinutes: undefined,
    ...(sources ? { sources } : {}),
  }) as Project;

describe('declaring what an absent optional column means', () => {
  it('refuses a project-side quantity that defaults at every site, a baseline default above the minimum, an unlisted source and a boolean without its reason', () => {
    expect(() => probe({ absent: { value: 0 } })).toThrow(MethodologyDefinitionError);
    expect(() => probe({ absent: { value: 0 } })).toThrow(/name the emission source it measures/);
    expect(() => probe({ absent: { source: 'diesel_backup', value: 0 } })).toThrow(/not listed in the definition's sources/);
    const baselineAbove = () =>
      defineMethodology({
        ...(probe(
          { absent: { source: 'diesel_backup', value: 0 } },
          { sources: { diesel_backup: { description: 'diesel back-up generators' } } },
        ) as unknown as object),
        id: 'absence-probe-2',
        monitoring: monitoringRow({
          timestamp: column.timestamp({ description: 'time' }),
          EG: column.optional(column.number({ unit: 't', min: 0, side: 'baseline', description: 'baseline quantity' }), { absent: { value: 5 } }),
        }),
        sources: undefined,
        equations: [{ symbol: 'BE_y', scope: 'period', expr: 'EG', unit: 't', ref: 'probe' }],
        emissions: [{ category: 'BE', gas: 'CO2', symbol: 'BE_y' }],
      } as never);
    expect(baselineAbove).toThrow(/may only count as its minimum \(0\)/);
    expect(() => column.optional(column.boolean({ description: 'flag' }), { absent: { value: false } })).not.toThrow(); // checked at definition
  });

  it('loads a declared module, and reads an undeclared { default } column the conservative way while the conformance check names it', () => {
    const declared = probe({ absent: { source: 'diesel_backup', value: 0 } }, { sources: { diesel_backup: { description: 'diesel back-up generators' } } });
    expect(absencePolicyOf(declared.columns.find((c) => c.name === 'FC')!)).toEqual({ kind: 'source', source: 'diesel_backup', value: 0, declared: true });
    expect(checkAbsence(declared).problems).toEqual([]);
    const legacy = probe({ default: 0 });
    expect(absencePolicyOf(legacy.columns.find((c) => c.name === 'FC')!)).toEqual({ kind: 'source', source: 'FC', value: 0, declared: false });
    const problems = checkAbsence(legacy).problems;
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /optional column FC \(project number\) does not declare what its absence means; until it does, an absent FC is refused unless the registration declares "sources": \{ "FC": false \}/,
    );
    expect(undeclaredAbsences(legacy.columns)).toEqual(problems);
  });

  it('refuses an absent project-side column unless the monitoring plan rules its source out, and then refuses a reported quantity that contradicts the plan', async () => {
    const m = probe({ absent: { source: 'diesel_backup', value: 0 } }, { sources: { diesel_backup: { description: 'diesel back-up generators' } } });
    const calc = (text: string, sources?: Record<string, boolean>) => runFixture(m, projectFor(m, sources), text);
    const without = 'timestamp,EG\n2015-06-01T00:00:00Z,10\n';
    const refused = await calc(without);
    expect(refused.status).toBe('rejected');
    expect(refused.diagnostics[0]).toMatchObject({ code: 'header.missing_column', location: { column: 'FC' } });
    expect(refused.diagnostics[0]!.message).toContain('"sources": { "diesel_backup": false }');
    const ruledOut = await calc(without, { diesel_backup: false });
    expect(ruledOut.status).toBe('accepted');
    expect(ruledOut.totals?.ER).toBe('10');
    const contradicts = await calc('timestamp,EG,FC\n2015-06-01T00:00:00Z,10,2\n', { diesel_backup: false });
    expect(contradicts.status).toBe('rejected');
    expect(contradicts.diagnostics.map((d) => d.code)).toEqual(['period.source_not_at_site']);
    const counted = await calc('timestamp,EG,FC\n2015-06-01T00:00:00Z,10,2\n');
    expect(counted.totals?.ER).toBe('8');
  });

  it('the legacy { default } form: an absent project-side column is refused unless the registration names the column itself as an absent source', async () => {
    const m = probe({ default: 0 });
    const refused = await runFixture(m, projectFor(m), 'timestamp,EG\n2015-06-01T00:00:00Z,10\n');
    expect(refused.diagnostics[0]).toMatchObject({ code: 'header.missing_column', location: { column: 'FC' } });
    const allowed = await runFixture(m, projectFor(m, { FC: false }), 'timestamp,EG\n2015-06-01T00:00:00Z,10\n');
    expect(allowed.status).toBe('accepted');
  });

  it('registrations: an unknown source is refused with a did-you-mean, and a source the parameters settle cannot be registered otherwise', () => {
    const grid = registry.get('grid-renewable@1.0.0');
    const fixture = ProjectSchema.parse(base) as Project;
    expect(registrationProblems({ ...fixture, sources: { diesel_backp: false } }, grid).join()).toMatch(
      /unknown emission source "diesel_backp" \(did you mean "diesel_backup"\?\)/,
    );
    // The fixture is a reservoir plant with 6 W/m²: its reservoir emissions exist whatever the registration says.
    expect(registrationProblems({ ...fixture, sources: { reservoir_emissions: false } }, grid).join()).toMatch(
      /sources\.reservoir_emissions: false contradicts the registered parameters/,
    );
    const geothermal = { ...fixture, parameters: { ...fixture.parameters, technology: 'geothermal' } };
    expect(registrationProblems({ ...geothermal, sources: { geothermal_steam: false } }, grid, geothermal.parameters).join()).toMatch(/geothermal/);
    expect(registrationProblems({ ...fixture, sources: { diesel_backup: false } }, grid)).toEqual([]);
  });
});

/**
 * Dropping, blanking or renaming optional columns of a module's valid sample (after giving them values
 * within their range, so a zero column cannot hide a gain) never raises ER unless the result carries
 * an error: an input mistake must never move the result toward more credits. Over every registered
 * module, with its fixture registration; modules without optional columns in their sample pass trivially.
 */
describe('property over every registered module: a missing or misnamed optional column never raises ER without an error', () => {
  const RUNS = { seed: 20_261_202, numRuns: 15 } as const;
  for (const m of registry.list) {
    const folder = new URL(`${m.id}/${m.version}/`, root);
    const read = (f: string) => readFileSync(new URL(f, folder), 'utf8');
    const project = ProjectSchema.parse(JSON.parse(read('fixtures/project.json'))) as Project;
    const { header, lines } = splitCsv(read('fixtures/valid.csv'));
    const names = header.split(',');
    const optional = m.columns.filter((c) => c.meta.optional && names.includes(c.name) && (c.meta.kind === 'number' || c.meta.kind === 'boolean'));

    it(`${m.key} (${optional.map((c) => c.name).join(', ') || 'no optional column in its sample'})`, async () => {
      if (!optional.length) return;
      const edit = fc.record({
        columns: fc.uniqueArray(fc.integer({ min: 0, max: optional.length - 1 }), { minLength: 1, maxLength: optional.length }),
        how: fc.constantFrom('drop', 'blank', 'rename-near', 'rename-far'),
        // Per chosen column: keep the sample's values, or a small value within range in every row.
        value: fc.constantFrom('keep', 'small', 'tiny'),
      });
      let compared = 0;
      await fc.assert(
        fc.asyncProperty(edit, async ({ columns, how, value }) => {
          const chosen = columns.map((i) => optional[i]!);
          const cells = lines.map((l) => l.split(','));
          for (const c of chosen) {
            if (value === 'keep') continue;
            const at = names.indexOf(c.name);
            const lo = c.meta.min ?? 0;
            const span = Math.min((c.meta.max ?? lo + 1) - lo, 1);
            const v = c.meta.kind === 'boolean' ? 'true' : String(lo + (value === 'small' ? span / 2 : span / 1000));
            for (const row of cells) row[at] = v;
          }
          const withText = `${header}\n${cells.map((r) => r.join(',')).join('\n')}\n`;
          const before = await runFixture(m, project, withText);
          if (before.status !== 'accepted' || errorsOf(before).length) return; // the edit broke a check: nothing to compare
          const at = new Set(chosen.map((c) => names.indexOf(c.name)));
          const renamed = names.map((n, i) =>
            !at.has(i) ? n : how === 'rename-near' ? `${n.slice(0, -2)}${n.slice(-1)}${n.slice(-2, -1)}` : how === 'rename-far' ? `note_${i}` : n,
          );
          const keep = (i: number) => how !== 'drop' || !at.has(i);
          const rows = cells.map((r) =>
            r
              .map((x, i) => (how === 'blank' && at.has(i) ? '' : x))
              .filter((_, i) => keep(i))
              .join(','),
          );
          const afterText = `${renamed.filter((_, i) => keep(i)).join(',')}\n${rows.join('\n')}\n`;
          const after = await runFixture(m, project, afterText);
          compared++;
          if (after.status === 'accepted' && !errorsOf(after).length) {
            expect(
              new Dec(after.totals!.ER).lte(new Dec(before.totals!.ER)),
              `${how} ${chosen.map((c) => c.name).join(',')} (${value}): ER ${before.totals!.ER} → ${after.totals!.ER}`,
            ).toBe(true);
          }
        }),
        RUNS,
      );
      expect(compared, 'some edits kept the sample valid, so the property was exercised').toBeGreaterThan(0);
    });
  }
});
