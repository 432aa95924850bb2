import { formatPeriod } from '../time/period.ts';
import type { CalculationResult } from '../calculation/result.ts';
import type { ReviewItem } from '../review/schemas.ts';
import { renderGwpValues, renderIssuableNotes, renderIssuance, renderTrace } from './render-report.ts';
import { visible } from '../readers/visible.ts';

/** One line per item for `mrv review list|next`. */
export function renderReviewLine(i: ReviewItem): string {
  return visible(`${i.uploadId}  ${i.projectId.padEnd(28)} ${formatPeriod(i.period)}  ER ${i.totals.ER.padStart(14)}  units ${i.issuable.units.padStart(9)}  materiality ${i.materiality.percent} %  since ${i.createdAt}`);
}

/**
 * The evidence a verifier reviews (`mrv review show`): file hash, methodology id/version/hash,
 * parameters, per-gas breakdown, the equation trace, ER vs the PDD estimate, materiality and issuance.
 * `result` (the full CalculationResult from results/…) adds parameters and the trace.
 */
export function renderReviewItem(i: ReviewItem, result?: CalculationResult, status?: { status: string; statusReason?: string; ledgerSeq?: number }): string {
  const L: string[] = [];
  L.push(`Review ${i.uploadId} — project ${i.projectId} (${i.mechanism})${status ? ` — status ${status.status}${status.ledgerSeq ? `, ledger #${status.ledgerSeq}` : ''}${status.statusReason ? `: ${status.statusReason}` : ''}` : ''}`);
  L.push(`File        ${JSON.stringify(i.file.key)}${i.file.versionId ? ` (version ${i.file.versionId})` : ''}, ${i.file.bytes} bytes`);
  L.push(`SHA-256     ${i.file.sha256}`);
  L.push(`Methodology ${i.methodology.id}@${i.methodology.version}, hash ${i.methodology.hash}`);
  L.push(`Period      ${formatPeriod(i.period)}, ${i.pddComparison.periodDays} days`);
  L.push(`GWP         IPCC ${i.gwp.set}: ${i.gwp.reason}`, ...renderGwpValues(i.gwp.values));
  for (const o of i.gwp.overrides ?? []) L.push(`GWP override ${o.gas} = ${o.value}${o.replaces ? ` (replaces IPCC ${i.gwp.values?.[o.gas]?.set ?? i.gwp.set} ${o.replaces})` : ''}, registered with the source: ${o.source}`);
  L.push(`Rows        ${i.rows.accepted} accepted of ${i.rows.total}; ${i.warnings} warning(s)`);
  if (result) {
    L.push('', 'Parameters (registered)');
    for (const [k, v] of Object.entries(result.parameters)) L.push(`  ${k} = ${JSON.stringify(v)}`);
  }
  L.push('', 'Totals (tCO2e)', `  BE ${i.totals.BE}`, `  PE ${i.totals.PE}`, `  LE ${i.totals.LE}`, `  ER ${i.totals.ER}`);
  L.push('', 'Per gas (t of gas / tCO2e)');
  for (const g of i.gases) L.push(`  ${g.gas.padEnd(8)} GWP ${g.gwp.padStart(6)}  BE ${g.BE.t}/${g.BE.tCO2e}  PE ${g.PE.t}/${g.PE.tCO2e}  LE ${g.LE.t}/${g.LE.tCO2e}  ER ${g.ER}`);
  if (result?.trace.length) L.push('', 'Equation trace', ...renderTrace(result.trace));
  const c = i.pddComparison;
  L.push('', `ER vs PDD   estimate ${c.annualEstimate} t/yr × ${c.periodDays}/365 = ${c.proRatedEstimate} t; claimed ${i.totals.ER} t; difference ${c.difference} t${c.percentOfEstimate ? ` (${c.percentOfEstimate} % of the estimate)` : ''}`);
  L.push(`Materiality ${i.materiality.percent} % (${i.materiality.bracket}; annual ER ${i.materiality.annualEr} t from the ${i.materiality.annualBasis}) = ${i.materiality.tonnes} t for this period — ${i.materiality.source}`);
  L.push('', ...renderIssuableNotes(i.issuable), ...renderIssuance(i.issuance));
  L.push('', `Full result with trace: ${i.resultKey}; report: ${i.reportKey}`);
  return `${visible(L.join('\n'), { keepNewlines: true })}\n`;
}
