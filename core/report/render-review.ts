import { formatPeriod } from '../time/period.ts';
import type { CalculationResult } from '../calculation/result.ts';
import type { ReviewItem } from '../review/schemas.ts';
import { renderDiagnostic, renderGwpValues, renderIssuableNotes, renderIssuance, renderTrace } from './render-report.ts';
import { renderUploadBreakdown } from './render-monitoring-report.ts';
import { visible } from '../readers/visible.ts';

/** One line per item for `mrv review list|next`. */
export function renderReviewLine(i: ReviewItem): string {
  return visible(
    `${i.uploadId}  ${i.projectId.padEnd(28)} ${formatPeriod(i.period)}  ER ${i.totals.ER.padStart(14)}  units ${i.issuable.units.padStart(9)}  materiality ${i.materiality.percent} %  since ${i.createdAt}`,
  );
}

/**
 * The evidence a verifier reviews (`mrv review show`): file hash, methodology id/version/hash,
 * parameters, per-gas breakdown, the equation trace, ER vs the PDD estimate, materiality and issuance.
 * `result` (the full CalculationResult from results/…) adds parameters and the trace.
 */
export function renderReviewItem(i: ReviewItem, result?: CalculationResult, status?: { status: string; statusReason?: string; ledgerSeq?: number }): string {
  const L: string[] = [];
  L.push(
    `Review ${i.uploadId} — project ${i.projectId} (${i.mechanism})${status ? ` — status ${status.status}${status.ledgerSeq ? `, ledger #${status.ledgerSeq}` : ''}${status.statusReason ? `: ${status.statusReason}` : ''}` : ''}`,
  );
  L.push(`File        ${JSON.stringify(i.file.key)}${i.file.versionId ? ` (version ${i.file.versionId})` : ''}, ${i.file.bytes} bytes`);
  L.push(`SHA-256     ${i.file.sha256}`);
  L.push(`Methodology ${i.methodology.id}@${i.methodology.version}, hash ${i.methodology.hash}`);
  L.push(`Period      ${formatPeriod(i.period)}, ${i.pddComparison.periodDays} days`);
  L.push(`GWP         IPCC ${i.gwp.set}: ${i.gwp.reason}`, ...renderGwpValues(i.gwp.values));
  for (const o of i.gwp.overrides ?? [])
    L.push(
      `GWP override ${o.gas} = ${o.value}${o.replaces ? ` (replaces IPCC ${i.gwp.values?.[o.gas]?.set ?? i.gwp.set} ${o.replaces})` : ''}, registered with the source: ${o.source}`,
    );
  L.push(
    `Rows        ${i.rows.accepted} accepted of ${i.rows.total}${result ? '' : `; ${i.warnings} warning(s) (their texts are in the full result, which could not be read)`}`,
  );
  if (result) {
    L.push('', 'Parameters (registered)');
    for (const [k, v] of Object.entries(result.parameters)) L.push(`  ${k} = ${JSON.stringify(v)}`);
  }
  L.push('', 'Totals (tCO2e)', `  BE ${i.totals.BE}`, `  PE ${i.totals.PE}`, `  LE ${i.totals.LE}`, `  ER ${i.totals.ER}`);
  L.push('', 'Per gas (t of gas / tCO2e)');
  for (const g of i.gases)
    L.push(`  ${g.gas.padEnd(8)} GWP ${g.gwp.padStart(6)}  BE ${g.BE.t}/${g.BE.tCO2e}  PE ${g.PE.t}/${g.PE.tCO2e}  LE ${g.LE.t}/${g.LE.tCO2e}  ER ${g.ER}`);
  if (i.report)
    L.push(
      '',
      `Monitoring report of ${i.report.uploads.length} upload(s): the result below merges them exactly (document ${i.report.documentKey})`,
      ...renderUploadBreakdown(i.report.uploads),
    );
  if (result) L.push('', ...renderQaqc(result));
  if (result?.trace.length) L.push('', 'Equation trace', ...renderTrace(result.trace));
  const c = i.pddComparison;
  L.push(
    '',
    `ER vs PDD   estimate ${c.annualEstimate} t/yr × ${c.periodDays}/365 = ${c.proRatedEstimate} t; claimed ${i.totals.ER} t; difference ${c.difference} t${c.percentOfEstimate ? ` (${c.percentOfEstimate} % of the estimate)` : ''}`,
  );
  L.push(
    `Materiality ${i.materiality.percent} % (${i.materiality.bracket}; annual ER ${i.materiality.annualEr} t from the ${i.materiality.annualBasis}) = ${i.materiality.tonnes} t for this period — ${i.materiality.source}`,
  );
  L.push('', ...renderIssuableNotes(i.issuable), ...renderIssuance(i.issuance));
  L.push('', `Full result with trace: ${i.resultKey}; report: ${i.reportKey}`);
  return `${visible(L.join('\n'), { keepNewlines: true })}\n`;
}

/**
 * The QA/QC a verifier checks, each count followed by exactly what it counts: monitoring gaps,
 * calibration adjustments (factor, and what they changed), unit conversions, warnings and other notes.
 */
export function renderQaqc(r: CalculationResult): string[] {
  const L: string[] = ['QA/QC'];
  const q = r.qaqc;
  const frequency = q?.intervalMinutes
    ? `${q.intervalMinutes}-minute`
    : q?.intervalMonths
      ? q.intervalMonths === 1
        ? 'monthly'
        : `${q.intervalMonths}-month`
      : undefined;
  if (!q || !frequency) L.push('  Gaps: the methodology and the registration set no monitoring frequency, so none are checked.');
  else if (!q.gaps.length) L.push(`  Gaps (0): every expected ${frequency} reading is present.`);
  else {
    const listedMissing = q.gaps.reduce((a, g) => a + g.missingIntervals, 0);
    L.push(
      `  Gaps (${q.gaps.length}${listedMissing < q.missingIntervals ? ` listed; the result keeps the first ${q.gaps.length}, which hold ${listedMissing} of the ${q.missingIntervals} missing readings` : `, ${q.missingIntervals} missing ${frequency} reading(s)`}):`,
    );
    for (const g of q.gaps) L.push(`    ${g.from} – ${g.to}  ${g.missingIntervals} missing${g.item !== undefined ? `  (${g.item})` : ''}`);
  }
  const cal = q?.calibration ?? [];
  L.push(
    cal.length ? `  Calibration adjustments (${cal.length}):` : '  Calibration adjustments (0): no reading was taken with its meter overdue for calibration.',
  );
  for (const a of cal)
    L.push(
      `    meter ${a.meter}, ${a.column} (${a.side} side): ${a.rows} reading(s) ${a.first} – ${a.last} × ${a.factor} (MPE ${a.mpe * 100} %)${a.before !== undefined ? `: ${a.before} → ${a.after}, change ${a.change}` : ''}`,
    );
  const by = (pick: (d: CalculationResult['diagnostics'][number]) => boolean) => (r.diagnostics ?? []).filter(pick);
  const conversions = by((d) => d.code === 'header.unit_converted');
  L.push(conversions.length ? `  Unit conversions (${conversions.length}):` : "  Unit conversions (0): every column is in the methodology's unit.");
  for (const d of conversions) L.push(`    ${d.message}`);
  const warnings = by((d) => d.severity === 'warning');
  L.push(`  Warnings (${warnings.length})${warnings.length ? ':' : ''}`);
  for (const d of warnings) L.push(`  ${renderDiagnostic(d)}`);
  const notes = by((d) => d.severity === 'info' && d.code !== 'header.unit_converted' && d.code !== 'qaqc.calibration_overdue');
  if (notes.length) {
    L.push(`  Other notes (${notes.length}):`);
    for (const d of notes) L.push(`  ${renderDiagnostic(d)}`);
  }
  if (r.diagnosticsOmitted > 0)
    L.push(
      `  ${r.diagnosticsOmitted} further diagnostic(s) were counted beyond the listing cap but not kept; by code: ${Object.entries(r.diagnosticCounts)
        .map(([c, n]) => `${c} ${n}`)
        .join(', ')}`,
    );
  return L;
}
