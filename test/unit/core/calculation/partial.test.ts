import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { calculate, calculateMerged } from '#core/calculation/calculate';
import { ExactSum, mergePartials, PartialMergeError, type PartialResult } from '#core/calculation/partial';
import type { CalculationResult } from '#core/calculation/result';
import { bytesOf, splitCsv } from '#core/kit/conformance';
import { registry } from '#methodologies';
import { loadFixtures } from '#test/methodology-conformance';
import type { Project } from '#core/project/project';

const root = new URL('../../../../methodologies/', import.meta.url);

async function partialOfText(project: Project, text: string, fileName: string): Promise<{ result: CalculationResult; partial: PartialResult }> {
  let partial: PartialResult | undefined;
  const result = await calculate({ source: bytesOf(text), fileName, format: 'csv', project, registry, onPartial: (p) => (partial = p) });
  return { result, partial: JSON.parse(JSON.stringify(partial)) as PartialResult }; // as stored: through JSON
}

/** Everything but the file's identity, which names the parts. */
const withoutFile = ({ file: _f, ...rest }: CalculationResult) => rest;

describe('ExactSum (exact sums of doubles)', () => {
  it('keeps what a float sum loses', () => {
    expect(ExactSum.of([1e16, 1, -1e16]).value).toBe(1);
    expect(ExactSum.of(Array<number>(10).fill(0.1)).value).toBe(1);
  });

  it('gives the same value for every order and every split of the same numbers (property)', () => {
    const double = fc.double({ min: -1e9, max: 1e9, noNaN: true, noDefaultInfinity: true });
    fc.assert(
      fc.property(fc.array(double, { minLength: 1, maxLength: 200 }), fc.integer({ min: 1, max: 7 }), fc.integer(), (xs, n, seed) => {
        const whole = ExactSum.of(xs).value;
        const shuffled = [...xs].sort((a, b) => ((a * 7919 + seed) % 13) - ((b * 7919 + seed) % 13));
        expect(ExactSum.of(shuffled).value).toBe(whole);
        const size = Math.ceil(xs.length / n);
        const merged = new ExactSum();
        for (let i = 0; i < xs.length; i += size) merged.addAll(ExactSum.of(JSON.parse(JSON.stringify(ExactSum.of(xs.slice(i, i + size)).terms)) as number[]));
        expect(merged.value).toBe(whole);
      }),
      { seed: 20_130_101, numRuns: 200 },
    );
  });
});

describe('mergePartials: a file split in N parts merges to the single pass, exactly', () => {
  for (const m of registry.list) {
    it(`${m.key}: valid.csv in 1, 2, 3 and 5 parts`, async () => {
      const fx = loadFixtures(new URL(`${m.id}/${m.version}/`, root));
      const single = await calculate({ source: bytesOf(fx.valid), fileName: 'valid.csv', format: 'csv', project: fx.project, registry });
      expect(single.status).toBe('accepted');
      const { header, lines } = splitCsv(fx.valid);
      for (const n of [1, 2, 3, 5].filter((k) => k <= lines.length)) {
        const size = Math.ceil(lines.length / n);
        const parts: PartialResult[] = [];
        for (let i = 0; i < lines.length; i += size)
          parts.push((await partialOfText(fx.project, `${header}\n${lines.slice(i, i + size).join('\n')}\n`, `part-${i / size + 1}.csv`)).partial);
        const merged = await calculateMerged({ partials: parts, fileName: 'valid.csv', project: fx.project, registry });
        expect(withoutFile(merged), `${m.key} in ${n} parts`).toEqual(withoutFile(single));
        expect(merged.file.bytes).toBe(parts.reduce((a, p) => a + (p.parts[0]!.bytes ?? 0), 0));
      }
    });
  }
});

describe('mergePartials: what cannot be combined', () => {
  const m = registry.get('grid-renewable@1.0.0');
  const fx = loadFixtures(new URL(`${m.id}/${m.version}/`, root));
  const { header, lines } = splitCsv(fx.valid);

  it('refuses a reading present in two parts (an overlap), naming both parts and the interval', async () => {
    const a = (await partialOfText(fx.project, `${header}\n${lines.slice(0, 3).join('\n')}\n`, 'a.csv')).partial;
    const b = (await partialOfText(fx.project, `${header}\n${lines.slice(2).join('\n')}\n`, 'b.csv')).partial;
    const r = await calculateMerged({ partials: [a, b], fileName: 'ab', project: fx.project, registry });
    expect(r.status).toBe('rejected');
    const dup = r.diagnostics.find((d) => d.code === 'period.duplicate_timestamp');
    expect(dup?.message).toMatch(/a\.csv and b\.csv both have readings/);
    expect(r.totals).toBeUndefined();
  });

  it('carries row counts, first and last instants and per-part provenance', async () => {
    const a = (await partialOfText(fx.project, `${header}\n${lines.slice(0, 2).join('\n')}\n`, 'a.csv')).partial;
    const b = (await partialOfText(fx.project, `${header}\n${lines.slice(2).join('\n')}\n`, 'b.csv')).partial;
    const merged = mergePartials([b, a]);
    expect(merged.rows).toEqual({ total: lines.length, accepted: lines.length, rejected: 0 });
    expect(merged.first).toBe(a.first);
    expect(merged.last).toBe(b.last);
    expect(merged.parts.map((p) => p.name)).toEqual(['b.csv', 'a.csv']);
  });

  it('throws for parts of another methodology or project (a caller fault, not data)', async () => {
    const a = (await partialOfText(fx.project, fx.valid, 'a.csv')).partial;
    expect(() => mergePartials([a, { ...a, methodology: { ...a.methodology, hash: 'f'.repeat(64) } }])).toThrow(PartialMergeError);
    expect(() => mergePartials([a, { ...a, projectId: 'other' }])).toThrow(PartialMergeError);
    expect(() => mergePartials([])).toThrow(PartialMergeError);
  });
});
