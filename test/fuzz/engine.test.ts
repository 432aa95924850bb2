/**
 * Fuzzing the equation engine and the calculation invariants (fast-check, fixed seed, bounded runs):
 * - every registered module's row equations and row checks, fed arbitrary finite inputs, never throw
 *   (mathjs path and slot path agree); a non-finite row result becomes an equation.non_finite
 *   diagnostic, not a number in the totals;
 * - grid-renewable totals are invariant to row order, and additive over a split of the file into two
 *   periods: calc(A ∪ B) = calc(A) + calc(B) for BE, PE, LE and ER, compared as exact decimals.
 */
import Decimal from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { calculate } from '../../core/calculation/calculate.ts';
import { column, monitoringRow } from '../../core/methodology/columns.ts';
import { defineMethodology } from '../../core/methodology/define-methodology.ts';
import { compileFloatSlots, UNSET } from '../../core/expressions/float-slots.ts';
import { createRegistry } from '../../core/methodology/registry.ts';
import { ProjectSchema, type Project } from '../../core/project/project.ts';
import { registry } from '../../methodologies/index.ts';
import { DEFAULT_PROJECT } from '../helpers/corpus.ts';
import { readFileSync } from 'node:fs';

const FUZZ = { seed: 20_240_207, numRuns: 100 } as const;
const finite = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e15, max: 1e15 });
const source = (text: string) => ({
  async *[Symbol.asyncIterator]() {
    yield new TextEncoder().encode(text);
  },
});

describe('row equations of every registered module never throw on finite inputs', () => {
  for (const m of registry.list) {
    it(`${m.key}: ${m.rowEquations.length} row equations, ${m.rowChecks.length} row checks`, () => {
      const symbols = [...new Set([...m.rowEquations, ...m.rowChecks].flatMap((e) => e.parsed.symbols))];
      const flags = new Set([...m.projectSymbols].filter(([, s]) => s.kind !== 'number').map(([k]) => k));
      const slots = new Map(symbols.map((s, i) => [s, i]));
      fc.assert(
        fc.property(
          fc.array(finite, { minLength: symbols.length, maxLength: symbols.length }),
          fc.array(fc.boolean(), { minLength: symbols.length, maxLength: symbols.length }),
          (nums, bools) => {
            const scope = new Map<string, number | boolean>(symbols.map((s, i) => [s, flags.has(s) ? bools[i]! : nums[i]!]));
            for (const eq of [...m.rowEquations, ...m.rowChecks]) {
              const viaMap = eq.float!(scope);
              expect(typeof viaMap === 'number' || typeof viaMap === 'boolean').toBe(true);
              const slotted = compileFloatSlots(eq.parsed, slots);
              if (slotted) {
                const arr: unknown[] = symbols.map((s) => (scope.has(s) ? scope.get(s) : UNSET));
                const v = slotted(arr);
                if (typeof v === 'number' && Number.isNaN(v)) expect(viaMap).toBeNaN();
                else expect(v).toEqual(viaMap);
              }
              // row equation results are written back to the scope like the engine does
              if ('symbol' in eq) scope.set(eq.symbol, viaMap);
            }
          },
        ),
        FUZZ,
      );
    });
  }
});

describe('a non-finite row result becomes a diagnostic', () => {
  const probe = defineMethodology({
    id: 'fuzz-ratio',
    version: '1.0.0',
    title: 'Fuzz probe: a ratio that divides by zero',
    source: { body: 'test', document: 'test', documentVersion: '1' },
    mechanisms: ['CDM'],
    applicability: [],
    project: z.object({}),
    monitoring: monitoringRow({
      timestamp: column.timestamp({ description: 't' }),
      a: column.number({ unit: 't', description: 'a' }),
      b: column.number({ unit: '1', description: 'b' }),
    }),
    timeColumn: 'timestamp',
    parameters: {},
    equations: [
      { symbol: 'r', scope: 'row', expr: 'a / b', unit: 't', ref: 'probe r' },
      { symbol: 'BE_y', scope: 'period', expr: 'r', unit: 't', ref: 'probe BE' },
    ],
    emissions: [{ category: 'BE', gas: 'CO2', symbol: 'BE_y' }],
  });
  const base = JSON.parse(readFileSync(DEFAULT_PROJECT, 'utf8')) as Record<string, unknown>;
  const project = ProjectSchema.parse({ ...base, id: 'fuzz-ratio', methodology: 'fuzz-ratio@1.0.0', parameters: {} }) as Project;
  const reg = createRegistry([probe]);

  it('arbitrary finite a, b (b often 0): accepted rows are finite, every non-finite row is an equation.non_finite at its row', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(
            fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 }),
            fc.oneof(fc.constant(0), fc.constant(-0), fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e3, max: 1e3 })),
          ),
          { minLength: 1, maxLength: 20 },
        ),
        async (rows) => {
          const lines = rows.map(([a, b], i) => `2015-06-01T${String(i).padStart(2, '0')}:00:00Z,${a},${b}`);
          const r = await calculate({ source: source(`timestamp,a,b\n${lines.join('\n')}\n`), fileName: 'f.csv', project, registry: reg });
          const bad = rows
            .map(([a, b], i) => (Number.isFinite(Number(String(a)) / Number(String(b))) ? undefined : i + 1))
            .filter((x): x is number => x !== undefined);
          const nonFinite = r.diagnostics.filter((d) => d.code === 'equation.non_finite').map((d) => d.location?.row);
          expect(nonFinite).toEqual(bad);
          if (bad.length) expect(r.status).toBe('rejected');
          if (r.totals) expect(new Decimal(r.totals.BE).isFinite()).toBe(true);
        },
      ),
      { ...FUZZ, numRuns: 60 },
    );
  });
});

describe('grid-renewable: order invariance and additivity over periods (exact decimals)', () => {
  const project = ProjectSchema.parse(JSON.parse(readFileSync(DEFAULT_PROJECT, 'utf8'))) as Project;
  // Readings with at most 3 decimals (as meters report them), TEG ≥ EG_export; diesel with 2 decimals so
  // that FC × NCV × EF (× 3.1863) stays within the 6 reported decimals (reported quantities are rounded
  // to 6 decimals per period, so additivity is exact only where no rounding happens).
  const reading = fc.record({
    exp: fc.integer({ min: 0, max: 20_000 }),
    imp: fc.integer({ min: 0, max: 500 }),
    extra: fc.integer({ min: 0, max: 2_000 }),
    diesel: fc.integer({ min: 0, max: 50 }),
  });
  const file = (rows: { t: string; exp: number; imp: number; extra: number; diesel: number }[]) =>
    `timestamp,EG_export,EG_import,TEG,FC_diesel\n${rows.map((r) => `${r.t},${r.exp / 1000},${r.imp / 1000},${(r.exp + r.extra) / 1000},${r.diesel / 100}`).join('\n')}\n`;
  const calc = (text: string) => calculate({ source: source(text), fileName: 'p.csv', project, registry });
  const hour = (day: number, h: number) => new Date(Date.UTC(2015, 5, day, h)).toISOString().replace('.000', '');

  it('shuffling the rows leaves every total and gas line identical', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(reading, { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 1e9 }), async (readings, seed) => {
        const rows = readings.map((r, i) => ({ ...r, t: hour(1 + Math.floor(i / 24), i % 24) }));
        const shuffled = [...rows].sort((a, b) => ((a.exp * 31 + seed) % 97) - ((b.exp * 31 + seed) % 97) || a.t.localeCompare(b.t));
        const [x, y] = [await calc(file(rows)), await calc(file(shuffled))];
        expect(x.status).toBe('accepted');
        expect(y.totals).toEqual(x.totals);
        expect(y.gases).toEqual(x.gases);
      }),
      { ...FUZZ, numRuns: 60 },
    );
  });

  it('calc(A ∪ B) = calc(A) + calc(B) for BE, PE, LE and ER when A and B are two periods', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(reading, { minLength: 1, maxLength: 30 }), fc.array(reading, { minLength: 1, maxLength: 30 }), async (ra, rb) => {
        const A = ra.map((r, i) => ({ ...r, t: hour(1 + Math.floor(i / 24), i % 24) }));
        const B = rb.map((r, i) => ({ ...r, t: hour(15 + Math.floor(i / 24), i % 24) }));
        const [whole, a, b] = [await calc(file([...A, ...B])), await calc(file(A)), await calc(file(B))];
        for (const r of [whole, a, b]) expect(r.status, JSON.stringify(r.diagnostics.map((d) => d.code))).toBe('accepted');
        for (const k of ['BE', 'PE', 'LE', 'ER'] as const)
          expect(
            new Decimal(whole.totals![k]).equals(new Decimal(a.totals![k]).plus(b.totals![k])),
            `${k}: ${whole.totals![k]} vs ${a.totals![k]} + ${b.totals![k]}`,
          ).toBe(true);
      }),
      { ...FUZZ, numRuns: 60 },
    );
  });
});
