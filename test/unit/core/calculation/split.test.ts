import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calculate, calculateMerged } from '#core/calculation/calculate';
import { calculateRange, cutRanges, mergeRanges, planSplit, SPLIT_HEAD_BYTES, type RangeResult } from '#core/calculation/split';
import type { CalculationResult } from '#core/calculation/result';
import type { Period } from '#core/mechanisms/mechanisms';
import type { Project } from '#core/project/project';
import { parsePeriodText } from '#core/time/period';
import { DEFAULT_TIME_ZONE } from '#core/time/zone';
import { registry } from '#methodologies';
import { loadFixtures } from '#test/methodology-conformance';
import { materializeCorpus, type MaterializedEntry } from '#test/corpus';
import { loadProjectFile } from '../../../../cli/load.ts';

const root = new URL('../../../../methodologies/', import.meta.url);

/** A byte source in chunks of `size` bytes (so that line breaks, CRLF pairs and UTF-8 sequences straddle chunks). */
async function* chunks(bytes: Uint8Array, size = 97): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

interface Case {
  readonly bytes: Uint8Array;
  readonly fileName: string;
  readonly project: Project;
  readonly period?: Period;
}

const single = (c: Case) =>
  calculate({ source: chunks(c.bytes), fileName: c.fileName, format: 'csv', project: c.project, registry, ...(c.period ? { period: c.period } : {}) });

/** What `mrv calc` does with worker threads, in-process: plan, cut, one calculateRange per range, merge, period once. */
async function split(
  c: Case,
  n: number,
  window?: number,
): Promise<{ unsafe: string } | { onePass: string; ranges: RangeResult[] } | { result: CalculationResult; ranges: RangeResult[] }> {
  const plan = planSplit(c.bytes.subarray(0, SPLIT_HEAD_BYTES), c.bytes.length, n, window);
  if ('unsafe' in plan) return plan;
  const cut = cutRanges(
    plan,
    plan.windows.map((w) => c.bytes.slice(w.start, w.end)),
  );
  if ('unsafe' in cut) return cut;
  const prefix = c.bytes.slice(0, plan.prefixEnd);
  // Through JSON, as a worker thread or a Lambda hands it back.
  const ranges = await Promise.all(
    cut.ranges.map(
      async (range, index) =>
        JSON.parse(
          JSON.stringify(
            await calculateRange({
              prefix,
              prefixLines: plan.prefixLines,
              body: chunks(c.bytes.subarray(range.start, range.end), 61),
              range,
              index,
              fileName: c.fileName,
              project: c.project,
              registry,
              ...(c.period ? { period: c.period } : {}),
            }),
          ),
        ) as RangeResult,
    ),
  );
  const merged = mergeRanges(ranges);
  if (merged.onePass) return { onePass: merged.onePass, ranges };
  const result = await calculateMerged({
    partials: merged.partials,
    fileName: c.fileName,
    project: c.project,
    registry,
    ...(c.period ? { period: c.period } : {}),
  });
  return { result, ranges };
}

/** The file's identity is the caller's (it hashes the whole file); everything else must be the one-pass result. */
const withoutFile = ({ file: _f, ...rest }: CalculationResult) => rest;

const enc = new TextEncoder();

describe('planSplit / cutRanges', () => {
  const text = 'time,value\n' + Array.from({ length: 100 }, (_, i) => `2024-01-01T00:${String(i % 60).padStart(2, '0')}:00Z,${i}`).join('\n') + '\n';
  const bytes = enc.encode(text);

  it('cuts just after a line break, so every range is whole lines and the ranges tile the body', () => {
    const plan = planSplit(bytes, bytes.length, 3);
    if ('unsafe' in plan) throw new Error(plan.unsafe);
    expect(plan.prefixEnd).toBe('time,value\n'.length);
    const cut = cutRanges(
      plan,
      plan.windows.map((w) => bytes.slice(w.start, w.end)),
    );
    if ('unsafe' in cut) throw new Error(cut.unsafe);
    expect(cut.ranges).toHaveLength(3);
    expect(cut.ranges[0]!.start).toBe(plan.prefixEnd);
    expect(cut.ranges[2]!.end).toBe(bytes.length);
    for (let i = 1; i < cut.ranges.length; i++) {
      expect(cut.ranges[i]!.start).toBe(cut.ranges[i - 1]!.end);
      expect(bytes[cut.ranges[i]!.start - 1]).toBe(0x0a);
    }
  });

  it('keeps a units row with the header', () => {
    const t = enc.encode('time,EG [MWh]\n#units,kWh\n' + '2024-01-01T00:00:00Z,1\n'.repeat(50));
    const plan = planSplit(t, t.length, 2);
    if ('unsafe' in plan) throw new Error(plan.unsafe);
    expect(new TextDecoder().decode(t.subarray(0, plan.prefixEnd))).toBe('time,EG [MWh]\n#units,kWh\n');
    expect(plan.prefixLines).toBe(2);
  });

  it('refuses to cut where a quote could hide a line break, or in a header with a quote, or a UTF-16 file', () => {
    const quoted = enc.encode(
      'time,note\n2024-01-01T00:00:00Z,x\n' + Array.from({ length: 40 }, (_, i) => `2024-01-01T00:${String(i).padStart(2, '0')}:00Z,"a\nb"`).join('\n') + '\n',
    );
    const plan = planSplit(quoted, quoted.length, 2);
    if ('unsafe' in plan) throw new Error(plan.unsafe);
    expect(
      cutRanges(
        plan,
        plan.windows.map((w) => quoted.slice(w.start, w.end)),
      ),
    ).toEqual({ unsafe: expect.stringMatching(/quote/) });
    expect(planSplit(enc.encode('"time",value\n1,2\n3,4\n'), 16, 2)).toEqual({ unsafe: expect.stringMatching(/header has a quote/) });
    expect(planSplit(new Uint8Array([0xff, 0xfe, 0x74, 0]), 1000, 2)).toEqual({ unsafe: expect.stringMatching(/UTF-16/) });
    const cr = enc.encode('time,value\r' + '2024-01-01T00:00:00Z,1\r'.repeat(40));
    expect('unsafe' in planSplit(cr, cr.length, 2)).toBe(true);
  });
});

describe('a file in 2, 3 and 5 byte ranges gives the one-pass result (every module fixture)', () => {
  for (const m of registry.list) {
    it(`${m.key}: valid.csv and invalid.csv`, async () => {
      const fx = loadFixtures(new URL(`${m.id}/${m.version}/`, root));
      let compared = 0;
      for (const [name, text] of [
        ['valid.csv', fx.valid],
        ['invalid.csv', fx.invalid],
      ] as const) {
        const c: Case = { bytes: enc.encode(text), fileName: name, project: fx.project };
        const one = await single(c);
        for (const n of [2, 3, 5]) {
          // A small window, so that files with quoted cells away from the cuts still split.
          const s = await split(c, n, 128);
          if ('unsafe' in s) continue;
          if ('onePass' in s) {
            expect(one.status, `${name} in ${n}: ${s.onePass}`).toBe('rejected');
            continue;
          }
          expect(withoutFile(s.result), `${m.key} ${name} in ${n} ranges`).toEqual(withoutFile(one));
          compared++;
        }
      }
      expect(compared, 'valid.csv at least splits and compares').toBeGreaterThanOrEqual(3);
    });
  }
});

describe('a corpus CSV file in 2, 3 and 5 byte ranges gives the one-pass result', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mrv-split-'));
  let entries: MaterializedEntry[] = [];
  beforeAll(async () => {
    entries = await materializeCorpus(dir, { skip: (e) => e.format !== 'csv' });
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('every CSV entry: equal, or split refused / recalculated in one pass with a reason', async () => {
    const tally = { compared: 0, unsafe: 0, onePass: 0, projectRefused: 0 };
    for (const e of entries) {
      let project: Project;
      try {
        project = await loadProjectFile(e.projectPath, process.cwd());
      } catch {
        tally.projectRefused++; // a registration the CLI refuses before any row is read
        continue;
      }
      let period: Period | undefined;
      if (e.period) {
        const p = parsePeriodText(e.period, project.timeZone ?? DEFAULT_TIME_ZONE);
        if ('problem' in p) continue;
        period = p;
      }
      const c: Case = { bytes: new Uint8Array(readFileSync(e.path)), fileName: e.file, project, ...(period ? { period } : {}) };
      let one: CalculationResult;
      try {
        one = await single(c);
      } catch {
        continue; // (a registration the methodology refuses: the CLI reports it before reading)
      }
      for (const n of [2, 3, 5]) {
        const s = await split(c, n, 128);
        if ('unsafe' in s) {
          tally.unsafe++;
          continue;
        }
        if ('onePass' in s) {
          tally.onePass++;
          expect(one.status, `${e.name} in ${n}: ${s.onePass}`).toBe('rejected');
          continue;
        }
        expect(withoutFile(s.result), `${e.name} in ${n} ranges`).toEqual(withoutFile(one));
        tally.compared++;
      }
    }
    // The count is printed, not copied into the docs: the rest are refused (quotes near a cut, no line break) or recalculated in one pass.
    console.info(
      `split corpus: ${tally.compared} of ${tally.compared + tally.unsafe + tally.onePass} splits compared with one pass (${JSON.stringify(tally)})`,
    );
    expect(tally.compared, JSON.stringify(tally)).toBeGreaterThanOrEqual(100);
  }, 120_000);
});

describe('across a cut', () => {
  const m = registry.get('grid-renewable@1.0.0');
  const fx = loadFixtures(new URL(`${m.id}/${m.version}/`, root));
  const [header, ...rows] = fx.valid.split(/\r?\n/).filter((l) => l.trim() !== '');

  it('finds a reading duplicated across a range boundary (and the caller recalculates in one pass)', async () => {
    // The last row repeated at the end: with 2 ranges the two copies fall on either side of the cut.
    const text = `${header}\n${rows.join('\n')}\n${rows[0]}\n`;
    const c: Case = { bytes: enc.encode(text), fileName: 'dup.csv', project: fx.project };
    const s = await split(c, 2, 128);
    expect('onePass' in s && s.onePass).toMatch(/two ranges/);
    const merged = mergeRanges((s as { ranges: RangeResult[] }).ranges);
    const r = await calculateMerged({ partials: merged.partials, fileName: 'dup.csv', project: fx.project, registry });
    expect(r.status).toBe('rejected');
    expect(r.diagnostics.find((d) => d.code === 'period.duplicate_timestamp')?.message).toMatch(
      /dup\.csv \[bytes \d+-\d+\) and dup\.csv \[bytes \d+-\d+\) both have readings/,
    );
    const one = await single(c);
    expect(one.status).toBe('rejected');
    expect(one.diagnostics.some((d) => d.code === 'period.duplicate_timestamp')).toBe(true);
  });

  it('finds a gap whose missing intervals straddle a range boundary, as one pass does', async () => {
    // Remove two rows in the middle: with 2 ranges the cut falls in or next to the hole.
    const mid = Math.floor(rows.length / 2);
    const text = `${header}\n${[...rows.slice(0, mid - 1), ...rows.slice(mid + 1)].join('\n')}\n`;
    const c: Case = { bytes: enc.encode(text), fileName: 'gap.csv', project: fx.project };
    const one = await single(c);
    expect(one.diagnostics.some((d) => d.code === 'period.gap')).toBe(true);
    for (const n of [2, 3, 5]) {
      const s = await split(c, n, 128);
      if (!('result' in s)) throw new Error(JSON.stringify(s).slice(0, 200));
      expect(withoutFile(s.result)).toEqual(withoutFile(one));
      expect(s.result.diagnostics.some((d) => d.code === 'period.gap')).toBe(true);
    }
  });

  it('numbers a bad row of a later range by its row and line in the whole file', async () => {
    const bad = [...rows];
    bad[bad.length - 2] = bad[bad.length - 2]!.replace(/,[^,]*$/, ',abc');
    const text = `${header}\n\n${bad.join('\n')}\n`; // a blank line: lines and rows differ by one more
    const c: Case = { bytes: enc.encode(text), fileName: 'bad.csv', project: fx.project };
    const one = await single(c);
    const s = await split(c, 3, 128);
    if (!('result' in s)) throw new Error(JSON.stringify(s).slice(0, 200));
    const d = s.result.diagnostics.find((x) => x.location?.row !== undefined)!;
    expect(d.location?.row).toBe(bad.length - 1);
    expect(d.location?.line).toBe(bad.length + 1); // header, blank line, then rows
    expect(d.message).toMatch(new RegExp(`^Row ${bad.length - 1}\\b`));
    expect(withoutFile(s.result)).toEqual(withoutFile(one));
  });
});
