import { parse as parseVega, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { SiteClock } from '../time/zone.ts';
import type { Bucket, ColumnSeries, MonitoringSeries } from './monitoring-series.ts';

/**
 * Charts of a verification report, rendered to SVG on the server: Vega-Lite specs compiled to Vega and
 * drawn by a headless Vega view (`renderer: 'none'`, then `toSVG()`), so no browser, canvas or DOM is
 * needed. The same SVG goes into the HTML report, the PDF and the review console.
 *
 * Time axes are on the site's clock: instants are drawn at their local wall time (Vega's UTC scale on
 * wall-clock values), and axis titles name the zone, so a day on the chart is a day at the site.
 */

export interface Chart {
  /** Stable id, e.g. `series-EG_export`, `daily-EG_export`, `periods`. */
  readonly id: string;
  readonly title: string;
  /** One sentence saying what is marked (shown under the chart, and in the PDF). */
  readonly caption: string;
  readonly svg: string;
}

export interface PeriodBar {
  readonly label: string;
  /** Verified reductions of the period, tCO2e (a decimal string, charted as a number). */
  readonly er: string;
  readonly current: boolean;
}

export interface ChartInput {
  readonly series: MonitoringSeries;
  /** Monitoring gaps from the result's QA/QC (ISO date-times, `to` exclusive). */
  readonly gaps?: readonly { readonly from: string; readonly to: string; readonly item?: string }[];
  /** This period and the earlier approved periods of the project (the ledger). */
  readonly periods?: readonly PeriodBar[];
  /** Monthly data (a monthly monitoring plan): totals per month instead of per day. */
  readonly monthly?: boolean;
}

const WIDTH = 620;
const HEIGHT = 170;
const GAP_COLOUR = '#f4b183';
const REJECTED_COLOUR = '#c00000';
const LINE_COLOUR = '#2f5597';

/** `EG_export [MWh]`; dimensionless and unit-less columns get no brackets. */
export const axisTitle = (column: string, unit: string) => (unit === '1' || unit === '-' || unit === '' ? column : `${column} [${unit}]`);

const base = {
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  width: WIDTH,
  height: HEIGHT,
  background: 'white',
  config: { font: 'Helvetica, Arial, sans-serif', axis: { labelFontSize: 10, titleFontSize: 11 }, view: { stroke: '#ccc' } },
} as const;

/** Instant → the site's wall-clock time as epoch ms (what a UTC time scale then labels as local time). */
const wallOf = (series: Pick<MonitoringSeries, 'timeZone'>) => {
  const clock = SiteClock.of(series.timeZone);
  return (t: number) => clock.wallOf(t);
};

/** Compiles a Vega-Lite spec and renders it to an SVG string without a browser. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parseVega(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** The readings of one column over time, with gaps shaded and rejected rows marked. */
export function timeSeriesSpec(column: ColumnSeries, series: MonitoringSeries, gaps: ChartInput['gaps'] = []): TopLevelSpec {
  const wall = wallOf(series);
  const x = { field: 't', type: 'temporal', title: `time (${series.timeZone})`, scale: { type: 'utc' }, axis: { labelOverlap: true } } as const;
  const yTitle = axisTitle(column.column, column.unit);
  const xShared = x;
  const layers: unknown[] = [];
  if (gaps.length) {
    layers.push({
      data: { values: gaps.map((g) => ({ t: wall(Date.parse(g.from)), t2: wall(Date.parse(g.to)) })) },
      mark: { type: 'rect', color: GAP_COLOUR, opacity: 0.6 },
      encoding: { x: xShared, x2: { field: 't2' } },
    });
  }
  if (column.points) {
    layers.push({
      data: { values: column.points.map((p) => ({ t: wall(p.t), value: p.value })) },
      mark: { type: 'line', color: LINE_COLOUR, strokeWidth: 1.2, point: column.points.length <= 60 ? { color: LINE_COLOUR, size: 18 } : false },
      encoding: { x: xShared, y: { field: 'value', type: 'quantitative', title: yTitle } },
    });
  } else {
    const daily = column.daily.map((b) => ({ t: wall(b.t), mean: b.sum / b.count, min: b.min, max: b.max }));
    layers.push({
      data: { values: daily },
      mark: { type: 'area', color: LINE_COLOUR, opacity: 0.2 },
      encoding: { x: xShared, y: { field: 'min', type: 'quantitative', title: yTitle }, y2: { field: 'max' } },
    });
    layers.push({
      data: { values: daily },
      mark: { type: 'line', color: LINE_COLOUR, strokeWidth: 1.2 },
      encoding: { x: xShared, y: { field: 'mean', type: 'quantitative', title: yTitle } },
    });
  }
  const marked = series.rejected.filter(
    (r) => r.t !== undefined && (r.column === undefined || r.column === column.column || r.column === series.timestampColumn),
  );
  if (marked.length) {
    layers.push({
      data: { values: marked.map((r) => ({ t: wall(r.t!), row: r.row })) },
      mark: { type: 'rule', color: REJECTED_COLOUR, strokeWidth: 1.5, strokeDash: [3, 2] },
      encoding: { x: xShared },
    });
  }
  return {
    ...base,
    title: { text: `${column.column}: ${column.points ? 'readings' : 'daily mean and range'}`, fontSize: 12, anchor: 'start' },
    layer: layers,
  } as TopLevelSpec;
}

/** Totals of one column per day or per month. */
export function totalsSpec(column: ColumnSeries, grain: 'day' | 'month', timeZone = 'UTC'): TopLevelSpec {
  const buckets: readonly Bucket[] = grain === 'day' ? column.daily : column.monthly;
  const wall = (t: number) => SiteClock.of(timeZone).wallOf(t);
  return {
    ...base,
    title: { text: `${column.column}: ${grain === 'day' ? 'daily' : 'monthly'} totals`, fontSize: 12, anchor: 'start' },
    data: { values: buckets.map((b) => ({ t: wall(b.t), total: b.sum, readings: b.count })) },
    mark: { type: 'bar', color: LINE_COLOUR },
    encoding: {
      x: {
        field: 't',
        type: 'ordinal',
        timeUnit: grain === 'day' ? 'utcyearmonthdate' : 'utcyearmonth',
        title: grain === 'day' ? `day (${timeZone})` : `month (${timeZone})`,
        axis: { labelOverlap: true, labelAngle: 0, format: grain === 'day' ? '%d %b' : '%b %Y' },
      },
      y: { field: 'total', type: 'quantitative', title: `total ${axisTitle(column.column, column.unit)}` },
    },
  } as TopLevelSpec;
}

/** Verified reductions of this period against the project's earlier approved periods. */
export function periodsSpec(periods: readonly PeriodBar[]): TopLevelSpec {
  return {
    ...base,
    height: 150,
    title: { text: 'Emission reductions: this period and earlier approved periods', fontSize: 12, anchor: 'start' },
    data: { values: periods.map((p, i) => ({ label: p.label, order: i, er: Number(p.er), which: p.current ? 'this period' : 'approved earlier' })) },
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'label', type: 'ordinal', title: 'monitoring period', sort: { field: 'order' }, axis: { labelAngle: 0, labelLimit: 0, labelOverlap: true } },
      y: { field: 'er', type: 'quantitative', title: 'ER [tCO2e]' },
      color: {
        field: 'which',
        type: 'nominal',
        title: null,
        scale: { domain: ['approved earlier', 'this period'], range: ['#9dc3e6', LINE_COLOUR] },
        legend: { orient: 'top' },
      },
    },
  } as TopLevelSpec;
}

/**
 * Every chart of a report: per monitored column its time series and its daily (or monthly) totals,
 * then this period against earlier approved periods.
 */
export async function monitoringCharts(input: ChartInput): Promise<Chart[]> {
  const { series } = input;
  const charts: Chart[] = [];
  const gaps = input.gaps ?? [];
  const rejectedNote = series.rejected.length ? ` Dashed red lines: ${series.rejected.length + series.rejectedOmitted} rejected row(s).` : ' No rejected rows.';
  const gapNote = gaps.length ? ` Shaded: ${gaps.length} monitoring gap(s).` : ' No monitoring gaps.';
  for (const c of series.columns) {
    charts.push({
      id: `series-${c.column}`,
      title: `${c.column} over time`,
      caption: `${c.description} (${axisTitle(c.column, c.unit)}), ${c.points ? `${c.points.length} readings` : `${series.rows} readings shown as daily means with the daily range`}.${gapNote}${rejectedNote}`,
      svg: await renderSvg(timeSeriesSpec(c, series, gaps)),
    });
    const grain = input.monthly || c.daily.length > 92 ? 'month' : 'day';
    charts.push({
      id: `${grain === 'day' ? 'daily' : 'monthly'}-${c.column}`,
      title: `${c.column}: ${grain === 'day' ? 'daily' : 'monthly'} totals`,
      caption: `Sum of the accepted readings of ${c.column} per ${grain} on the site's clock (${series.timeZone}).`,
      svg: await renderSvg(totalsSpec(c, grain, series.timeZone)),
    });
  }
  if (input.periods?.length) {
    const earlier = input.periods.filter((p) => !p.current).length;
    charts.push({
      id: 'periods',
      title: 'This period against earlier approved periods',
      caption: earlier
        ? `ER of this period and of the ${earlier} earlier approved period(s) in the project's ledger.`
        : 'No earlier approved period in the project ledger: this is the first.',
      svg: await renderSvg(periodsSpec(input.periods)),
    });
  }
  return charts;
}
