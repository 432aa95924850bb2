import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CalculationResult } from '../../../../core/calculation/result.ts';
import { renderQaqc, renderReviewItem } from '../../../../core/report/render-review.ts';
import { ReviewItemSchema } from '../../../../core/review/schemas.ts';

const item = ReviewItemSchema.parse(JSON.parse(readFileSync(new URL('../../../events/review/review-item.v1.json', import.meta.url), 'utf8')));

const result = {
  parameters: {},
  trace: [],
  qaqc: {
    intervalMinutes: 60,
    missingIntervals: 5,
    gaps: [
      { from: '2015-06-01T03:00:00.000Z', to: '2015-06-01T05:00:00.000Z', missingIntervals: 2 },
      { from: '2015-06-02T10:00:00.000Z', to: '2015-06-02T13:00:00.000Z', missingIntervals: 3 },
    ],
    calibration: [
      {
        meter: 'main',
        column: 'EG_export',
        side: 'baseline',
        mpe: 0.002,
        factor: 0.998,
        rows: 2,
        first: '2015-06-01T00:00:00.000Z',
        last: '2015-06-01T01:00:00.000Z',
        before: '20',
        after: '19.96',
        change: '-0.04',
      },
    ],
  },
  diagnostics: [
    { severity: 'info', code: 'header.unit_converted', message: 'Column EG_export is stated in kWh and converted to MWh (× 0.001).', source: 'm' },
    { severity: 'warning', code: 'period.gap', message: '5 expected 60-minute readings are missing in 2 gap(s).', source: 'm' },
    { severity: 'info', code: 'qaqc.calibration_overdue', message: 'Meter main was overdue.', source: 'm' },
  ],
  diagnosticsOmitted: 0,
  diagnosticCounts: { 'header.unit_converted': 1, 'period.gap': 1, 'qaqc.calibration_overdue': 1 },
} as unknown as CalculationResult;

describe('mrv review show: the QA/QC, every count followed by what it counts', () => {
  it('lists every gap, each calibration adjustment with its factor and what it changed, each unit conversion and each warning', () => {
    const text = renderQaqc(result).join('\n');
    expect(text).toContain(
      'Gaps (2, 5 missing 60-minute reading(s)):\n    2015-06-01T03:00:00.000Z – 2015-06-01T05:00:00.000Z  2 missing\n    2015-06-02T10:00:00.000Z – 2015-06-02T13:00:00.000Z  3 missing',
    );
    expect(text).toContain(
      'Calibration adjustments (1):\n    meter main, EG_export (baseline side): 2 reading(s) 2015-06-01T00:00:00.000Z – 2015-06-01T01:00:00.000Z × 0.998 (MPE 0.2 %): 20 → 19.96, change -0.04',
    );
    expect(text).toContain('Unit conversions (1):\n    Column EG_export is stated in kWh and converted to MWh (× 0.001).');
    expect(text).toMatch(/Warnings \(1\):\n.*period\.gap.*5 expected 60-minute readings are missing/);
  });

  it('says when the stored gap list is shorter than the count, instead of counting what it does not list', () => {
    const capped = { ...result, qaqc: { ...result.qaqc!, missingIntervals: 5000 } } as CalculationResult;
    expect(renderQaqc(capped).join('\n')).toContain('Gaps (2 listed; the result keeps the first 2, which hold 5 of the 5000 missing readings)');
  });

  it('shows the per-upload breakdown of a monitoring report', () => {
    const report = {
      reportId: 'c'.repeat(32),
      documentKey: 'monitoring-reports/p/x.json',
      uploads: [
        {
          uploadId: 'a'.repeat(32),
          name: 'jan.csv',
          key: 'uploads/p/jan.csv',
          sha256: 'd'.repeat(64),
          period: { start: '2015-01-01', end: '2015-01-31' },
          rows: { total: 744, accepted: 744, rejected: 0 },
          er: '100.5',
        },
        {
          uploadId: 'b'.repeat(32),
          name: 'feb.csv',
          key: 'uploads/p/feb.csv',
          sha256: 'e'.repeat(64),
          period: { start: '2015-02-01', end: '2015-02-28' },
          rows: { total: 672, accepted: 672, rejected: 0 },
          er: '90.25',
        },
      ],
    };
    const text = renderReviewItem({ ...item, report }, result);
    expect(text).toContain('Monitoring report of 2 upload(s)');
    expect(text).toMatch(
      /Uploads \(2\), in period order\n {2}2015-01-01 – 2015-01-31 {2}jan\.csv .* ER alone {10}100\.5 .*\n {2}2015-02-01 – 2015-02-28 {2}feb\.csv/,
    );
  });
});
