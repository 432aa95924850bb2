import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { monitoringCharts, renderSvg, timeSeriesSpec } from '../../../../core/charts/charts.ts';
import { collectSeries, SeriesCollector } from '../../../../core/charts/monitoring-series.ts';
import { readRecords } from '../../../../core/readers/read-records.ts';
import { registry } from '../../../../methodologies/index.ts';

const grid = registry.get('grid-renewable@1.0.0');
const csv = (text: string) => readRecords(Readable.from([Buffer.from(text)]), { fileName: 'm.csv', format: 'csv' });

/** Text of every <text> element of an SVG (axis titles, labels). */
const texts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);

describe('collectSeries', () => {
  it('keeps readings per numeric column, sums them per day and month, and lists unreadable rows', async () => {
    // Prepare: three hourly readings on two days, one row with text in a number column, one without a timestamp
    const file =
      'timestamp,EG_export,EG_import\n2024-01-01T22:00:00Z,10,1\n2024-01-01T23:00:00Z,20,1\n2024-01-02T00:00:00Z,n/a,1\n2024-01-02T01:00:00Z,5,2\n,7,0\n';
    // Act
    const s = await collectSeries(csv(file), grid.columns);
    // Assess
    const eg = s.columns.find((c) => c.column === 'EG_export')!;
    expect(eg.points).toEqual([
      { t: Date.parse('2024-01-01T22:00:00Z'), value: 10 },
      { t: Date.parse('2024-01-01T23:00:00Z'), value: 20 },
      { t: Date.parse('2024-01-02T01:00:00Z'), value: 5 },
    ]);
    expect(eg.daily.map((b) => [new Date(b.t).toISOString().slice(0, 10), b.sum, b.count])).toEqual([
      ['2024-01-01', 30, 2],
      ['2024-01-02', 5, 1],
    ]);
    expect(eg.monthly).toHaveLength(1);
    expect(eg.monthly[0]!.sum).toBe(35);
    expect(s.rejected.map((r) => [r.row, r.column])).toEqual([
      [3, 'EG_export'],
      [5, 'timestamp'],
    ]);
    // columns absent from the file get no chart
    expect(s.columns.map((c) => c.column)).toEqual(['EG_export', 'EG_import']);
  });

  it('marks rows the validation rejected and keeps them out of the totals', async () => {
    const file = 'timestamp,EG_export,EG_import\n2024-01-01T00:00:00Z,10,1\n2024-01-01T01:00:00Z,-5,1\n';
    const s = await collectSeries(csv(file), grid.columns, { rejectedRows: new Map([[2, 'EG_export below its minimum 0']]) });
    expect(s.rejected).toEqual([{ row: 2, t: Date.parse('2024-01-01T01:00:00Z'), why: 'EG_export below its minimum 0' }]);
    expect(s.columns[0]!.daily[0]!.sum).toBe(10);
  });

  it('switches to daily means above maxPoints rows', async () => {
    const lines = Array.from({ length: 30 }, (_, i) => `${new Date(Date.UTC(2024, 0, 1, i)).toISOString()},${i},0`);
    const s = await collectSeries(csv(`timestamp,EG_export,EG_import\n${lines.join('\n')}\n`), grid.columns, { maxPoints: 10 });
    const eg = s.columns[0]!;
    expect(eg.points).toBeUndefined();
    expect(eg.daily.map((b) => [b.count, b.min, b.max])).toEqual([
      [24, 0, 23],
      [6, 24, 29],
    ]);
  });
});

describe("collectSeries on the site's clock", () => {
  it("reads local times in the site's zone and totals the site's days and months, not UTC days", async () => {
    // Asia/Kolkata is UTC+05:30: 2024-01-31 23:00 local is 17:30Z the same day; 2024-02-01 03:00 local is 2024-01-31 21:30Z.
    const file = 'timestamp,EG_export,EG_import\n2024-01-31T23:00:00,10,0\n2024-02-01T03:00:00,20,0\n';
    const s = await collectSeries(csv(file), grid.columns, { timeZone: 'Asia/Kolkata' });
    const eg = s.columns.find((c) => c.column === 'EG_export')!;
    expect(s.timeZone).toBe('Asia/Kolkata');
    expect(eg.points!.map((p) => new Date(p.t).toISOString())).toEqual(['2024-01-31T17:30:00.000Z', '2024-01-31T21:30:00.000Z']);
    // Two local days and two local months (in UTC both readings fall on 31 January).
    expect(eg.daily.map((b) => [new Date(b.t).toISOString(), b.sum])).toEqual([
      ['2024-01-30T18:30:00.000Z', 10],
      ['2024-01-31T18:30:00.000Z', 20],
    ]);
    expect(eg.monthly.map((b) => b.sum)).toEqual([10, 20]);
  });

  it('counts an interval-end reading at local midnight for the day it closes', async () => {
    const file = 'timestamp,EG_export,EG_import\n2024-01-01T23:00:00,1,0\n2024-01-02T00:00:00,2,0\n2024-01-02T01:00:00,4,0\n';
    const s = await collectSeries(csv(file), grid.columns, { timeZone: 'Asia/Kolkata', timestampMarks: 'interval-end' });
    expect(s.columns[0]!.daily.map((b) => b.sum)).toEqual([3, 4]);
  });

  it('charts several files as one series, rejected rows named with their file, axes titled with the zone', async () => {
    const c = new SeriesCollector(grid.columns, { timeZone: 'Asia/Kolkata' });
    await c.add(csv('timestamp,EG_export,EG_import\n2024-01-01T01:00:00,1,0\n'), { file: 'jan.csv' });
    await c.add(csv('timestamp,EG_export,EG_import\n2024-02-01T01:00:00,2,0\n2024-02-01T02:00:00,-1,0\n'), {
      file: 'feb.csv',
      rejectedRows: new Map([[2, 'EG_export below its minimum 0']]),
    });
    const s = c.result();
    expect(s.rows).toBe(3);
    expect(s.rejected).toEqual([{ row: 2, file: 'feb.csv', t: Date.parse('2024-01-31T20:30:00Z'), why: 'EG_export below its minimum 0' }]);
    expect(s.columns[0]!.monthly.map((b) => b.sum)).toEqual([1, 2]);
    const charts = await monitoringCharts({ series: s });
    expect(texts(charts[0]!.svg)).toContain('time (Asia/Kolkata)');
    expect(texts(charts[1]!.svg)).toContain('day (Asia/Kolkata)');
  });
});

describe('charts', () => {
  it('renders a time series to SVG with labelled axes, a shaded gap and a rejected row', async () => {
    const file = 'timestamp,EG_export,EG_import\n2024-01-01T00:00:00Z,10,1\n2024-01-01T01:00:00Z,12,1\n2024-01-01T04:00:00Z,11,1\n2024-01-01T05:00:00Z,x,1\n';
    const s = await collectSeries(csv(file), grid.columns);
    const svg = await renderSvg(timeSeriesSpec(s.columns[0]!, s, [{ from: '2024-01-01T02:00:00Z', to: '2024-01-01T04:00:00Z' }]));
    expect(svg.startsWith('<svg')).toBe(true);
    const t = texts(svg);
    expect(t).toContain('time (UTC)');
    expect(t).toContain('EG_export [MWh]');
    expect(svg).toContain('#f4b183'); // the gap rectangle
    expect(svg).toContain('#c00000'); // the rejected-row rule
  });

  it('draws per column a series and totals, and this period against earlier ones', async () => {
    const file = 'timestamp,EG_export,EG_import\n2024-01-01T00:00:00Z,10,1\n2024-01-02T00:00:00Z,12,1\n';
    const s = await collectSeries(csv(file), grid.columns);
    const charts = await monitoringCharts({
      series: s,
      periods: [
        { label: '2023-01-01 – 2023-12-31', er: '100.5', current: false },
        { label: '2024-01-01 – 2024-01-02', er: '20', current: true },
      ],
    });
    expect(charts.map((c) => c.id)).toEqual(['series-EG_export', 'daily-EG_export', 'series-EG_import', 'daily-EG_import', 'periods']);
    const periods = charts.at(-1)!;
    expect(texts(periods.svg)).toEqual(expect.arrayContaining(['ER [tCO2e]', 'monitoring period', 'this period', 'approved earlier']));
    expect(texts(charts[1]!.svg)).toContain('total EG_export [MWh]');
    expect(charts[0]!.caption).toContain('No monitoring gaps');
  });
});
