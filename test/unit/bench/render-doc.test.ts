/** bench/render-doc.mjs on small hand-made records: ranges, provenance, verdicts and the block markers. */
import { describe, expect, it } from 'vitest';
import { END, begin, n3, reach, renderBlocks, replaceBlocks, type BenchRecords } from '../../../bench/render-doc.mjs';

const measured = {
  date: '2026-12-03T07:04:02.450Z',
  source: 'npm run bench -- --quick --json --record',
  machine: { cores: 2, loadAverageAtStart: [1.9, 2.9, 2.7], loadAverageAtEnd: [3.5, 3.4, 3], niceness: 10, node: 'v20.20.2' },
  commit: 'b6669c8dbab06cd8af1a405c3275e450194c7f6e',
};
const data: BenchRecords = {
  runs: [
    {
      date: null,
      writtenOn: '2026-12-02',
      transcribed: true,
      source: 'transcribed from docs/performance.md as of 99c74ca: a table',
      machine: { cores: 2 },
      records: [
        {
          case: 'grid-1m.csv',
          rows: 1_000_000,
          mb: 33.2,
          wallS: { min: 1.2, max: 2.7 },
          peakRssMb: { min: 148, max: 178 },
          ratioToFloor: { min: 0.04, max: 0.08 },
        },
        { case: 'grid-10m.csv', rows: 10_000_000, mb: 331.6, wallS: 7.9, peakRssMb: 149 },
        { case: 'fgas-1m.csv', rows: 1_000_000, mb: 74.3, wallS: { min: 1.9, max: 3.3 } },
        { case: 'grid-200k.xlsx', rows: 200_000, mb: 4.2, wallS: 3.5, netWallS: 1.9, approximate: ['netWallS'] },
      ],
    },
    {
      ...measured,
      records: [
        { case: 'grid-1m.csv', rows: 1_000_000, mb: 33.2, wallS: 3.9, peakRssMb: 230, ratioToFloor: 0.025 },
        { case: 'lambda-bundle-sdk-external', bytes: 913_046, initMs: 145, readyMs: 804 },
        {
          case: 'load-pipeline',
          uploads: 1000,
          projects: 50,
          concurrency: 24,
          mb: 0.85,
          ok: true,
          uploadsPerS: 17.3,
          meanHandlerS: 0.0417,
          p95HandlerS: 0.0818,
          outcomes: { accepted: 950, reviewItems: 950, rejected: 50, submissions: 1000 },
          dlq: { a: 0 },
        },
      ],
    },
  ],
};
const blocks = renderBlocks(data, { largeUploadBytes: 5 * 1024 ** 3 })['performance.md'];

describe('render-doc', () => {
  it('three significant digits, thousands separated', () => {
    expect([n3(0.0252), n3(1.94), n3(12.87), n3(151.4), n3(1_262_000)]).toEqual(['0.0252', '1.94', '12.9', '151', '1,262,000']);
  });

  it('a case row spans every record of the case, rates from the opposite ends of the wall time', () => {
    const row = blocks.cases.split('\n').find((l) => l.includes('`grid-1m.csv`'));
    // wall 1.2–3.9 s over both runs; rows/s 1M / 3.9 s … 1M / 1.2 s; runs 1 and 2.
    expect(row).toContain('| 1.2–3.9 s |');
    expect(row).toContain('| 256k–833k |');
    expect(row).toContain('| 148–230 MB |');
    expect(row).toMatch(/\| 1, 2 \|$/);
  });

  it('every table lists its runs: a transcribed run as such, a measured one with its date, machine and commit', () => {
    expect(blocks.cases).toContain('1. undated (in the docs since 2026-12-02); transcribed from docs/performance.md as of 99c74ca: a table; 2 cores');
    expect(blocks.cases).toContain(
      '2. 2026-12-03 07:04 UTC; `npm run bench -- --quick --json --record`; 2 cores, load average 1.9 at start, 3.5 at end, under nice 10; Node v20.20.2; commit b6669c8',
    );
  });

  it('a target is met, not met, or met in some records only, counting a range across the limit', () => {
    const rows = blocks.targets.split('\n');
    expect(rows.find((l) => l.startsWith('| end to end'))).toContain('**not met** in any of 2 records: 0.025–0.08 ×');
    expect(rows.find((l) => l.startsWith('| peak RSS'))).toContain(
      '**met in some records only** (of 3: within it in 1, outside it in 1, a range across it in 1)',
    );
    expect(rows.find((l) => l.startsWith('| XLSX'))).toContain('**met** in the one record: ≈1.9 s net');
    expect(rows.find((l) => l.startsWith('| ingest Lambda bundle'))).toContain('**not met** in the one record: 892 KB');
  });

  it('the reach of one invocation comes from the slowest CSV rate, scaled to the Lambda’s vCPU share', () => {
    const r = reach(data, 5 * 1024 ** 3);
    const slowest = (74.3 / 3.3) * (1024 / 1769); // the F-gas file at its slowest wall time
    expect(r.slowestLambdaMbPerS).toBeCloseTo(slowest, 10);
    expect(r.reachGb).toBeCloseTo((slowest * 840) / 1000, 10);
    expect(r.marginAtThreshold).toBeCloseTo(r.reachGb / (5 * 1.073741824), 10);
    expect(blocks['cost-per-gb']).toContain(`leaves a margin of\n×${n3(r.marginAtThreshold)} over that reach`);
  });
});

describe('replaceBlocks', () => {
  const text = `a\n${begin('x')}\nold\n${END}\nb\n`;

  it('replaces a block, says it changed, and leaves an up-to-date text alone', () => {
    const once = replaceBlocks(text, { x: 'new' });
    expect(once).toEqual({ text: `a\n${begin('x')}\nnew\n${END}\nb\n`, missing: [], changed: ['x'] });
    expect(replaceBlocks(once.text, { x: 'new' })).toEqual({ text: once.text, missing: [], changed: [] });
  });

  it('a block without its markers, or with them twice, is missing and nothing is written for it', () => {
    expect(replaceBlocks(text, { y: 'new' })).toEqual({ text, missing: ['y'], changed: [] });
    const twice = `${text}${begin('x')}\n${END}\n`;
    expect(replaceBlocks(twice, { x: 'new' })).toEqual({ text: twice, missing: ['x'], changed: [] });
    const open = `a\n${begin('x')}\nold\n`;
    expect(replaceBlocks(open, { x: 'new' })).toEqual({ text: open, missing: ['x'], changed: [] });
  });
});
