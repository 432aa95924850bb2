import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { calculate } from '../../../../core/calculation/calculate.ts';
import { IntervalTracker } from '../../../../core/calculation/qaqc.ts';
import { column, monitoringRow } from '../../../../core/methodology/columns.ts';
import { defineMethodology } from '../../../../core/methodology/define-methodology.ts';
import { createRegistry } from '../../../../core/methodology/registry.ts';
import { ProjectSchema } from '../../../../core/project/project.ts';
import { SiteClock } from '../../../../core/time/zone.ts';

const H = 3_600_000;

describe('IntervalTracker: coverage as runs, not per-interval bitmaps', () => {
  it('reports gaps before 1970 like any other', () => {
    const t = new IntervalTracker({ minutes: 60 });
    const base = Date.parse('1965-03-01T00:00:00Z');
    for (const h of [0, 1, 4, 5]) expect(t.add(base + h * H)).toBe(true);
    expect(t.gaps(base, base + 8 * H)).toEqual({
      gaps: [
        { from: '1965-03-01T02:00:00+00:00', to: '1965-03-01T04:00:00+00:00', missingIntervals: 2 },
        { from: '1965-03-01T06:00:00+00:00', to: '1965-03-01T08:00:00+00:00', missingIntervals: 2 },
      ],
      missing: 4,
      count: 2,
    });
    const months = new IntervalTracker({ months: 1 });
    months.add(Date.parse('1950-01-01T00:00:00Z'));
    months.add(Date.parse('1950-03-01T00:00:00Z'));
    expect(months.gaps().gaps).toEqual([{ from: '1950-02-01T00:00:00+00:00', to: '1950-03-01T00:00:00+00:00', missingIntervals: 1 }]);
  });

  it('keeps one run per stretch of readings, whatever the span: a century of one-minute intervals', () => {
    const t = new IntervalTracker({ minutes: 1 });
    const start = Date.parse('1950-01-01T00:00:00Z');
    const year = 365.25 * 24 * H;
    for (let y = 0; y < 100; y++) for (let m = 0; m < 10; m++) t.add(start + y * year + m * 60_000);
    expect(t.runs).toBe(100);
    const g = t.gaps();
    expect(g.count).toBe(99);
    expect(g.missing).toBe(Math.round((99 * year) / 60_000) + 10 - 1000);
  });

  it('agrees with a plain set of slots on duplicates, gaps and counts (readings in any order)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -200, max: 200 }), { maxLength: 120 }), (slots) => {
        const t = new IntervalTracker({ minutes: 15 });
        const seen = new Set<number>();
        for (const s of slots) expect(t.add(s * 900_000)).toBe(!seen.has(s) && (seen.add(s), true));
        const g = t.gaps(-210 * 900_000, 210 * 900_000, 10_000);
        expect(g.missing).toBe(420 - seen.size);
        const missing = g.gaps.flatMap((x) => {
          const from = Date.parse(x.from) / 900_000;
          return Array.from({ length: x.missingIntervals }, (_, i) => from + i);
        });
        expect(missing.filter((s) => seen.has(s))).toEqual([]);
        expect(new Set(missing).size).toBe(missing.length);
      }),
      { numRuns: 200 },
    );
  });

  it('aligns intervals to the site clock and its stamp convention', () => {
    const kolkata = SiteClock.of('Asia/Kolkata');
    const hourly = new IntervalTracker({ minutes: 60 }, kolkata, 'interval-end');
    // End-stamped at local 01:00 on 1 January: the interval 00:00–01:00 local.
    hourly.add(kolkata.startOfDate('2019-01-01') + H);
    expect(kolkata.format(hourly.startOfFirst!)).toBe('2019-01-01T00:00:00+05:30');
    expect(kolkata.format(hourly.end!)).toBe('2019-01-01T01:00:00+05:30');
    const sp = SiteClock.of('America/Sao_Paulo');
    const monthly = new IntervalTracker({ months: 1 }, sp);
    monthly.add(sp.startOfDate('2015-03-31') + 23 * H); // 23:00 on 31 March local is 02:00 on 1 April UTC
    expect(sp.format(monthly.startOfFirst!)).toBe('2015-03-01T00:00:00-03:00');
  });
});

/** A one-column meter methodology (export × EF) read every `minutes` minutes, for the calculate tests below. */
const meterMethodology = (id: string, minutes: number, mechanisms: ('A6.4' | 'CDM')[] = ['A6.4']) =>
  defineMethodology({
    id,
    version: '1.0.0',
    title: `${minutes}-minute meter`,
    source: { body: 'test', document: id, documentVersion: '1' },
    mechanisms,
    applicability: [],
    project: z.object({ EF: z.number().meta({ unit: 'tCO2/MWh' }) }),
    monitoring: monitoringRow({
      timestamp: column.timestamp({ description: 'start of interval' }),
      EG: column.number({ unit: 'MWh', min: 0, description: 'export', side: 'baseline' }),
    }),
    timeColumn: 'timestamp',
    parameters: {},
    equations: [{ symbol: 'BE', expr: 'EG * EF', unit: 't', ref: 'eq 1', scope: 'period' }],
    emissions: [{ category: 'BE', gas: 'CO2', symbol: 'BE' }],
    monitoringIntervalMinutes: minutes,
  });

describe('calculate: memory follows the file, not the span it claims', () => {
  const m = meterMethodology('minute-meter', 1);
  const registry = createRegistry([m]);
  const project = (creditingEnd: string) =>
    ProjectSchema.parse({
      id: 'century',
      name: 'x',
      methodology: m.key,
      mechanism: 'A6.4',
      hostCountry: 'IN',
      leastDevelopedCountry: false,
      scale: 'small',
      creditingPeriod: { start: '1000-01-01', end: creditingEnd },
      pddAnnualEstimate: 1,
      parameters: { EF: 1 },
    });
  // 20,000 rows (about 0.5 MB), one every 46 days from the year 1000 on: 25 centuries of one-minute
  // intervals (1.3 billion), each reading in its own 65,536-interval block of the former bitmap.
  const rows = Array.from({ length: 20_000 }, (_, i) => `${new Date(Date.parse('1000-01-01T00:00:00Z') + i * 46 * 86_400_000).toISOString().slice(0, 19)}Z,1`);
  const text = `timestamp,EG\n${rows.join('\n')}\n`;
  async function* bytes() {
    yield Buffer.from(text);
  }
  it('lists the gaps of a small file claiming 25 centuries within a bounded heap, and stops at the crediting period first', async () => {
    global.gc?.();
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 5);
    const inside = await calculate({ source: bytes(), fileName: 'century.csv', project: project('3999-12-31'), registry });
    const outside = await calculate({ source: bytes(), fileName: 'century.csv', project: project('1999-12-31'), registry });
    clearInterval(timer);
    peak = Math.max(peak, process.memoryUsage().heapUsed);
    expect(inside.status).toBe('accepted');
    expect(inside.qaqc?.gaps.length).toBe(1000); // listed up to 1000, all counted
    expect(inside.qaqc?.missingIntervals).toBe(19_999 * (46 * 1440 - 1));
    expect(inside.diagnostics.find((d) => d.code === 'period.gap')?.message).toMatch(/in 19999 gap\(s\)/);
    expect(outside.diagnostics.map((d) => d.code)).toEqual(['period.outside_crediting']);
    expect(outside.qaqc?.missingIntervals).toBe(0);
    // The former bitmap took 64 KB per reading here (1.3 GB); runs need well under 200 MB of heap in all.
    expect(peak - before).toBeLessThan(200 * 1024 * 1024);
  });
});

describe('readings off the site interval grid', () => {
  it('onGrid: sub-day intervals on the zone standard offset, whole days on local midnight, months on any day', () => {
    const kolkata = SiteClock.of('Asia/Kolkata');
    const hourly = new IntervalTracker({ minutes: 60 }, kolkata);
    expect(hourly.onGrid(Date.parse('2023-07-01T00:00:00+05:30'))).toBe(true);
    expect(hourly.onGrid(Date.parse('2023-07-01T00:00:00Z'))).toBe(false); // 05:30 on the site clock
    const daily = new IntervalTracker({ minutes: 1440 }, kolkata);
    expect(daily.onGrid(Date.parse('2023-07-01T00:00:00+05:30'))).toBe(true);
    expect(daily.onGrid(Date.parse('2023-07-01T00:00:00Z'))).toBe(false);
    expect(new IntervalTracker({ months: 1 }, kolkata).onGrid(Date.parse('2023-07-17T13:45:00+05:30'))).toBe(true);
    expect(new IntervalTracker({ minutes: 15 }).onGrid(Date.parse('1965-03-01T00:15:00Z'))).toBe(true);
    expect(new IntervalTracker({ minutes: 15 }).onGrid(Date.parse('1965-03-01T00:16:00Z'))).toBe(false);
  });

  it('calculate warns once (period.off_grid) naming the first such row and the count; a file on the grid gets no warning', async () => {
    const m = meterMethodology('hour-meter', 60);
    const registry = createRegistry([m]);
    const project = ProjectSchema.parse({
      id: 'off-grid',
      name: 'x',
      methodology: m.key,
      mechanism: 'A6.4',
      hostCountry: 'IN',
      leastDevelopedCountry: false,
      scale: 'small',
      timeZone: 'Asia/Kolkata',
      creditingPeriod: { start: '2020-01-01', end: '2030-12-31' },
      pddAnnualEstimate: 1,
      parameters: { EF: 1 },
    });
    const run = async (offset: string) => {
      const text = `timestamp,EG\n${[0, 1, 2].map((h) => `2023-07-01T0${h}:00:00${offset},1`).join('\n')}\n`;
      return calculate({
        source: (async function* () {
          yield Buffer.from(text);
        })(),
        fileName: 'h.csv',
        project,
        registry,
      });
    };
    const off = await run('Z');
    expect(off.status).toBe('accepted');
    const warnings = off.diagnostics.filter((d) => d.code === 'period.off_grid');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ severity: 'warning', location: { row: 1, column: 'timestamp' } });
    expect(warnings[0]!.message).toContain('2023-07-01T05:30:00+05:30 is not a boundary of the 60-minute intervals');
    expect(warnings[0]!.message).toContain('nor are 2 later readings');
    const on = await run('+05:30');
    expect(on.diagnostics.filter((d) => d.code === 'period.off_grid')).toEqual([]);
    expect(on.totals?.BE).toBe(off.totals?.BE);
  });

  it('meterSpan: the interval before an end stamp, after a start stamp, one local day for daily intervals', () => {
    const kolkata = SiteClock.of('Asia/Kolkata');
    const t = Date.parse('2023-07-01T00:00:00Z'); // 05:30 on the site clock
    const show = (s: { start: number; end: number }) => [kolkata.format(s.start), kolkata.format(s.end)];
    expect(show(new IntervalTracker({ minutes: 60 }, kolkata, 'interval-end').meterSpan(t))).toEqual([
      '2023-07-01T04:30:00+05:30',
      '2023-07-01T05:30:00+05:30',
    ]);
    expect(show(new IntervalTracker({ minutes: 60 }, kolkata).meterSpan(t))).toEqual(['2023-07-01T05:30:00+05:30', '2023-07-01T06:30:00+05:30']);
    expect(show(new IntervalTracker({ minutes: 1440 }, kolkata, 'interval-end').meterSpan(t))).toEqual([
      '2023-06-30T05:30:00+05:30',
      '2023-07-01T05:30:00+05:30',
    ]);
    // A local day across the change to summer time is 23 hours long.
    const berlin = SiteClock.of('Europe/Berlin');
    const d = new IntervalTracker({ minutes: 1440 }, berlin).meterSpan(Date.parse('2024-03-30T12:00:00+01:00'));
    expect((d.end - d.start) / H).toBe(23);
  });

  describe('an off-grid reading whose meter interval reaches past a crediting or GWP period is refused', () => {
    const m = meterMethodology('hour-meter-edge', 60, ['A6.4', 'CDM']);
    const registry = createRegistry([m]);
    const project = (creditingPeriod: { start: string; end: string }, mechanism = 'A6.4') =>
      ProjectSchema.parse({
        id: 'off-grid-edge',
        name: 'x',
        methodology: m.key,
        mechanism,
        hostCountry: 'IN',
        leastDevelopedCountry: false,
        scale: 'small',
        timeZone: 'Asia/Kolkata',
        creditingPeriod,
        pddAnnualEstimate: 1,
        parameters: { EF: 1 },
      });
    const run = (stamps: readonly string[], p: ReturnType<typeof project>) =>
      calculate({
        source: (async function* () {
          yield Buffer.from(`timestamp,EG\n${stamps.map((s) => `${s},1`).join('\n')}\n`);
        })(),
        fileName: 'edge.csv',
        project: p,
        registry,
      });
    // Start stamps in UTC: 21:30, 22:30 and 23:30 on 1 July on the site clock; the last covers 23:30–00:30 on the meter.
    const evening = ['2023-07-01T16:00:00Z', '2023-07-01T17:00:00Z', '2023-07-01T18:00:00Z'];

    it('a reading covering 30 minutes after the crediting period ends refuses the file, naming the row', async () => {
      const r = await run(evening, project({ start: '2020-01-01', end: '2023-07-01' }));
      expect(r.status).not.toBe('accepted');
      const errors = r.diagnostics.filter((d) => d.severity === 'error');
      expect(errors.map((d) => d.code)).toEqual(['period.outside_crediting']);
      expect(errors[0]).toMatchObject({ location: { file: 'edge.csv', row: 3, column: 'timestamp' } });
      expect(errors[0]!.message).toContain('2023-07-01T23:30:00+05:30 – 2023-07-02T00:30:00+05:30');
      expect(errors[0]!.message).toContain('reaches outside the crediting period');
    });

    it('the same readings a day before the crediting period ends are accepted (with the off-grid warning only)', async () => {
      const r = await run(evening, project({ start: '2020-01-01', end: '2023-07-02' }));
      expect(r.status).toBe('accepted');
      expect(r.diagnostics.filter((d) => d.severity !== 'info').map((d) => d.code)).toEqual(['period.off_grid']);
    });

    it('a CDM reading covering the first minutes of 2013 is refused: 2012 and 2013 take different GWP sets', async () => {
      const newYear = ['2012-12-31T17:00:00Z', '2012-12-31T18:00:00Z']; // 22:30 and 23:30 local; the last reaches 00:30 in 2013
      const r = await run(newYear, project({ start: '2010-01-01', end: '2016-12-31' }, 'CDM'));
      expect(r.status).not.toBe('accepted');
      const errors = r.diagnostics.filter((d) => d.severity === 'error');
      expect(errors.map((d) => d.code)).toEqual(['period.spans_gwp_boundary']);
      expect(errors[0]).toMatchObject({ location: { row: 2 } });
    });
  });
});
