import { describe, expect, it } from 'vitest';
import type { CalculationResult } from '../../core/calculation/result.ts';
import type { Diagnostic } from '../../core/validation/diagnostic.ts';
import { renderSummary } from '../../cli/render.ts';

const d = (severity: Diagnostic['severity'], code: string, message: string): Diagnostic => ({
  severity,
  code,
  message,
  source: 'test',
  location: { file: 'may.csv' },
});

function result(diagnostics: Diagnostic[], omitted = 0): CalculationResult {
  const counts: Record<string, number> = {};
  for (const x of diagnostics) counts[x.code] = (counts[x.code] ?? 0) + 1;
  if (omitted) counts['row.not_a_number'] = (counts['row.not_a_number'] ?? 0) + omitted;
  return {
    schemaVersion: 1,
    status: 'accepted',
    file: { name: 'may.csv', format: 'csv', bytes: 10, sha256: 'a'.repeat(64) },
    project: { id: 'p', mechanism: 'CDM', hostCountry: 'NP', scale: 'large' },
    methodology: { id: 'm', version: '1.0.0', key: 'm@1.0.0', hash: 'b'.repeat(64), title: 't', source: 's' },
    parameters: {},
    rows: { total: 1, accepted: 1, rejected: 0 },
    trace: [],
    diagnostics,
    diagnosticsOmitted: omitted,
    diagnosticCounts: counts,
  };
}

describe('mrv calc text summary: every count is followed by what it counts', () => {
  it('counts the problems it lists, and lists unit conversions and calibration notes under their own count', () => {
    const text = renderSummary(
      result([
        d('info', 'header.unit_converted', 'Column EG_export is stated in kWh and converted to MWh (× 0.001).'),
        d('warning', 'period.gap', '3 expected 60-minute readings are missing.'),
        d('info', 'qaqc.calibration_overdue', 'Meter M1 was overdue.'),
      ]),
    );
    expect(text).toMatch(/problems \(1\):\n {4}warning period\.gap {2}may\.csv: 3 expected/);
    expect(text).toMatch(/notes \(2\):\n.*header\.unit_converted.*\n.*qaqc\.calibration_overdue/);
    expect(text).not.toMatch(/problems \(3\)/);
  });

  it('says how many were left out beyond the listing cap, by code, instead of folding them into a listed count', () => {
    const text = renderSummary(result([d('error', 'row.not_a_number', 'Row 1 …')], 5));
    expect(text).toMatch(/problems \(1\):/);
    expect(text).toMatch(/5 further diagnostic\(s\) beyond the listing cap were counted but not kept; by code \(all 6\): row\.not_a_number 6/);
  });
});
