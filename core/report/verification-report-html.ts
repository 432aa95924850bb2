import katex from 'katex';
import type { VerificationReport } from './verification-report.ts';

/**
 * The verification report as one self-contained HTML document: charts are inline SVG, equations are
 * typeset by KaTeX on the server (HTML + MathML output; the caller passes KaTeX's stylesheet, with its
 * fonts inlined, so the document needs nothing from the network). The body sections are also what the
 * review console shows as a report's evidence ({@link renderReportSections}).
 */

export const esc = (value: unknown): string =>
  String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** KaTeX HTML (with MathML for screen readers) of one LaTeX expression; a KaTeX parse problem shows the source in red, never throws. */
export function renderTex(tex: string): string {
  if (!tex) return '';
  return katex.renderToString(tex, { output: 'htmlAndMathml', throwOnError: false, strict: 'ignore', trust: false });
}

const row = (cells: readonly unknown[], header = false) => `<tr>${cells.map((c) => (header ? `<th>${esc(c)}</th>` : `<td>${c}</td>`)).join('')}</tr>`;
const table = (head: readonly string[], rows: readonly (readonly unknown[])[], cls = '') =>
  `<table${cls ? ` class="${cls}"` : ''}><thead>${row(head, true)}</thead><tbody>${rows.map((r) => row(r)).join('')}</tbody></table>`;
const code = (s: unknown) => `<code>${esc(s)}</code>`;
const dl = (pairs: readonly (readonly [string, string])[]) => `<dl>${pairs.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${v}</dd>`).join('')}</dl>`;

export function decisionLine(r: VerificationReport): string {
  const d = r.decision;
  if (!d) return 'waiting for a decision';
  return `${d.decision === 'approve' ? 'approved' : 'rejected'} by ${d.verifier} at ${d.decidedAt}${d.outcome === 'recording' ? ' (being recorded)' : d.outcome === 'refused' ? ' — REFUSED by the pipeline' : ''}`;
}

/** The decision: who decided what and when, the independent review, the ledger entry and what it pins; or why there is none yet. */
function decisionSection(r: VerificationReport): string {
  const d = r.decision;
  return `<section id="decision"><h2>Decision</h2>${
    d
      ? dl([
          ['Decision', `<strong class="outcome-${esc(d.outcome)}">${esc(d.decision === 'approve' ? 'Approved' : 'Rejected')}</strong>`],
          ['Verifier', `${esc(d.verifier)}${d.principal ? `<br><small>authenticated principal ${code(d.principal)}</small>` : ''}`],
          ['Decided at', esc(d.decidedAt)],
          ...(d.firstApproval
            ? [
                [
                  'Independent review',
                  `first approval by ${esc(d.firstApproval.verifier)} at ${esc(d.firstApproval.decidedAt)}; this approval by a second verifier of the same body completed it`,
                ] as const,
              ]
            : []),
          ...(d.reason ? [['Reason', esc(d.reason)] as const] : []),
          ['Outcome', `<span class="outcome-${esc(d.outcome)}">${esc(d.outcome)}</span>${d.outcomeReason ? ` — ${esc(d.outcomeReason)}` : ''}`],
          ...(r.ledger
            ? [
                ['Ledger entry', `#${esc(r.ledger.seq)} of project ${esc(r.project.id)}`] as const,
                ['Entry hash (SHA-256)', code(r.ledger.hash)] as const,
                ...(r.ledger.prevHash ? [['Previous entry hash', code(r.ledger.prevHash)] as const] : []),
                ...(r.ledger.pins
                  ? [
                      [
                        'The entry pins',
                        `${esc(r.subject.kind === 'monitoring-report' ? 'monitoring report' : 'upload')} ${code(r.ledger.pins.uploadId)}, ${r.subject.kind === 'monitoring-report' ? "data SHA-256 (of the uploads' SHA-256s, one per line in period order)" : 'file SHA-256'} ${code(r.ledger.pins.fileSha256)}, methodology hash ${code(r.ledger.pins.methodologyHash)}${r.ledger.pins.resultSha256 ? `, result SHA-256 ${code(r.ledger.pins.resultSha256)}` : ''}${r.ledger.pins.registration ? `, registration version ${esc(r.ledger.pins.registration.version)} (SHA-256 ${code(r.ledger.pins.registration.hash)})` : ''}, ER ${esc(r.ledger.pins.er)} tCO2e, ${esc(r.ledger.pins.units)} units (${esc(r.ledger.pins.toParticipants)} to the participants)`,
                      ] as const,
                    ]
                  : []),
              ]
            : []),
        ])
      : r.pendingTechnicalReview
        ? `<p class="pending" id="pending-technical-review">First approval by ${esc(r.pendingTechnicalReview.verifier)} at ${esc(r.pendingTechnicalReview.decidedAt)}, pending technical review: a second verifier of the same body must approve before anything is issued.</p>`
        : '<p class="pending">Waiting for a verifier\'s decision.</p>'
  }</section>`;
}

/** Project, methodology (and what supersedes it), monitoring period, GWP set and the subject. */
function subjectSection(r: VerificationReport): string {
  return `<section id="subject"><h2>Project, methodology and period</h2>${dl([
    ['Project', `${esc(r.project.name ?? r.project.id)} (${code(r.project.id)})`],
    [
      'Mechanism',
      `${esc(r.project.mechanism)}${r.project.hostCountry ? `, host country ${esc(r.project.hostCountry)}` : ''}${r.project.scale ? `, ${esc(r.project.scale)} scale` : ''}`,
    ],
    ...(r.project.registration
      ? [
          [
            'Registration',
            `${r.project.registration.version !== undefined ? `version ${esc(r.project.registration.version)} (SHA-256 ${code(r.project.registration.versionHash)}), ` : ''}${r.project.registration.registeredAt ? `registered ${esc(r.project.registration.registeredAt)}, ` : ''}current record SHA-256 ${code(r.project.registration.sha256)}${r.project.registration.schemaVersion ? ` (schema v${esc(r.project.registration.schemaVersion)})` : ''}`,
          ] as const,
        ]
      : []),
    [
      'Methodology',
      `${code(r.methodology.key)}${r.methodology.title ? ` — ${esc(r.methodology.title)}` : ''}${r.methodology.source ? ` (${esc(r.methodology.source)})` : ''}`,
    ],
    ['Methodology hash', code(r.methodology.hash)],
    ...(r.methodology.supersededBy ? [['Superseded', `by ${code(r.methodology.supersededBy.by)}: ${esc(r.methodology.supersededBy.reason)}`] as const] : []),
    [
      'Monitoring period',
      `${esc(r.periodText ?? `${r.period.start} – ${r.period.end}`)}<br><small>${esc(r.period.start)} – ${esc(r.period.end)}, end excluded; ${esc(r.periodDays)} days${r.project.timeZone ? ` on the site's clock (${esc(r.project.timeZone)})` : ''}</small>`,
    ],
    ['GWP', `IPCC ${esc(r.gwp.set)}: ${esc(r.gwp.reason)}`],
    [
      'Subject',
      `${esc(r.subject.kind === 'monitoring-report' ? 'monitoring report' : 'upload')} ${code(r.subject.id)}${r.subject.kind === 'monitoring-report' ? ` of ${esc(r.files.length)} upload(s)` : ''}`,
    ],
  ])}</section>`;
}

/** The files checked, with their hashes and rows. */
function dataSection(r: VerificationReport): string {
  return `<section id="data"><h2>Data checked (${esc(r.files.length)} file${r.files.length === 1 ? '' : 's'})</h2>${table(
    ['File', 'Period', 'SHA-256', 'Bytes', 'Rows accepted / total', 'Own ER tCO2e'],
    r.files.map((f) => [
      `${code(f.key)}${f.uploadId ? `<br><small>upload ${esc(f.uploadId)}</small>` : ''}${f.versionId ? `<br><small>version ${esc(f.versionId)}</small>` : ''}`,
      esc(f.periodText ?? ''),
      code(f.sha256),
      esc(f.bytes),
      f.rows ? `${esc(f.rows.accepted)} / ${esc(f.rows.total)}${f.rows.rejected ? ` (${esc(f.rows.rejected)} rejected)` : ''}` : '',
      esc(f.er ?? ''),
    ]),
  )}${r.files.length > 1 ? "<p class=\"note\">The report's result is the exact merge of these uploads' sums, with the period equations run once on the whole period; it is not the sum of the uploads' own ER.</p>" : ''}</section>`;
}

/** The monitoring-data charts (inline SVG); empty when there are none. */
function chartsSection(r: VerificationReport): string {
  if (!r.charts.length) return '';
  return `<section id="charts"><h2>Monitoring data</h2>${r.charts.map((c) => `<figure class="chart" data-chart="${esc(c.id)}">${c.svg}<figcaption>${esc(c.caption)}</figcaption></figure>`).join('')}</section>`;
}

/** Monitoring interval, gaps, calibration adjustments and the warnings. */
function qaqcSection(r: VerificationReport): string {
  const q = r.qaqc;
  const qa: string[] = [];
  qa.push(
    `<p>Monitoring interval: ${esc(q.interval ?? 'not set in the registration (no gap check)')}. Missing intervals: <strong>${esc(q.missingIntervals)}</strong>.</p>`,
  );
  qa.push(
    q.gaps.length
      ? `<h3>Gaps (${q.gaps.length})</h3>${table(
          ['From', 'To (exclusive)', 'Missing intervals', 'Item'],
          q.gaps.map((g) => [esc(g.from), esc(g.to), esc(g.missingIntervals), esc(g.item ?? '')]),
        )}`
      : '<p>No monitoring gaps.</p>',
  );
  qa.push(
    q.calibration.length
      ? `<h3>Calibration adjustments (${q.calibration.length})</h3>${table(
          ['Meter', 'Column', 'Side', 'MPE', 'Factor', 'Rows', 'First', 'Last'],
          q.calibration.map((c) => [esc(c.meter), code(c.column), esc(c.side), esc(c.mpe), esc(c.factor), esc(c.rows), esc(c.first), esc(c.last)]),
        )}<p class="note">Readings taken while the meter's calibration was overdue are adjusted by its maximum permissible error in the conservative direction (down on the baseline side, up on the project side).</p>`
      : '<p>No calibration adjustments.</p>',
  );
  qa.push(
    q.findings.length
      ? `<h3>Warnings and notes (${q.findings.length}${q.findingsOmitted ? ` listed, ${q.findingsOmitted} more counted but not listed` : ''})</h3><ul class="findings">${q.findings.map((f) => `<li><span class="sev-${esc(f.severity)}">${esc(f.severity)}</span> ${code(f.code)}${f.where ? ` (${esc(f.where)})` : ''}: ${esc(f.message)}</li>`).join('')}</ul>`
      : `<p>No warnings.${q.findingsOmitted ? ` ${q.findingsOmitted} diagnostic(s) counted but not listed.` : ''}</p>`,
  );
  return `<section id="qaqc"><h2>QA/QC findings</h2>${qa.join('')}</section>`;
}

/** The equations as they ran, typeset, with their period values. */
function equationsSection(r: VerificationReport): string {
  return `<section id="equations"><h2>Equations</h2><p class="note">Rendered from the parse trees that ran, with the value each took for the period (row-scope equations: summed over the rows).</p>${table(
    ['Symbol', 'Equation (typeset; below it, the expression as executed)', 'Unit', 'Scope', 'Value', 'Reference'],
    r.equations.map((e) => [
      code(e.symbol),
      `${e.tex ? `<div class="tex">${renderTex(`${e.symbol.replace(/_/g, '\\_')} = ${e.tex}`)}</div>` : ''}<div class="expr">${code(`${e.symbol} = ${e.expr}`)}</div>`,
      esc(e.unit),
      esc(e.scope),
      esc(e.value ?? ''),
      esc(e.ref),
    ]),
    'equations',
  )}</section>`;
}

/** BE, PE, LE and ER, in total and per gas. */
function resultsSection(r: VerificationReport): string {
  return `<section id="results"><h2>Result</h2>${table(
    ['', 'tCO2e'],
    [
      ['Baseline emissions BE', esc(r.totals.BE)],
      ['Project emissions PE', esc(r.totals.PE)],
      ['Leakage LE', esc(r.totals.LE)],
      ['<strong>Emission reductions ER</strong>', `<strong>${esc(r.totals.ER)}</strong>`],
    ],
  )}<h3>Per gas</h3>${table(
    ['Gas', 'GWP', 'BE t / tCO2e', 'PE t / tCO2e', 'LE t / tCO2e', 'ER tCO2e'],
    r.gases.map((g) => [
      esc(g.gas),
      esc(g.gwp),
      `${esc(g.BE.t)} / ${esc(g.BE.tCO2e)}`,
      `${esc(g.PE.t)} / ${esc(g.PE.tCO2e)}`,
      `${esc(g.LE.t)} / ${esc(g.LE.tCO2e)}`,
      esc(g.ER),
    ]),
  )}</section>`;
}

/** The PDD estimate against the claimed ER, and the materiality threshold. */
function materialitySection(r: VerificationReport): string {
  const c = r.pddComparison;
  const m = r.materiality;
  return `<section id="materiality"><h2>PDD comparison and materiality</h2>${dl([
    ['PDD estimate', `${esc(c.annualEstimate)} t/yr × ${esc(c.periodDays)}/365 = ${esc(c.proRatedEstimate)} t`],
    ['Claimed ER', `${esc(r.totals.ER)} t; difference ${esc(c.difference)} t${c.percentOfEstimate ? ` (${esc(c.percentOfEstimate)} % of the estimate)` : ''}`],
    [
      'Materiality threshold',
      `${esc(m.percent)} % (${esc(m.bracket)}; annual ER ${esc(m.annualEr)} t from the ${esc(m.annualBasis)}) = ${esc(m.tonnes)} t for this period`,
    ],
    ['Source', esc(m.source)],
  ])}</section>`;
}

/** Issuable units, deductions and what goes to the participants. */
function issuanceSection(r: VerificationReport): string {
  const i = r.issuance;
  return `<section id="issuance"><h2>Issuance</h2>${dl([
    [
      'Issuable units',
      `${esc(r.issuable.units)} (${esc(r.issuable.rounding)})${r.issuable.creditType ? `, ${esc(r.issuable.creditType)}` : ''}${r.issuable.expires ? `, expire ${esc(r.issuable.expires)}${r.issuable.expiryRule ? ` (${esc(r.issuable.expiryRule)})` : ''}` : ''}`,
    ],
    ['Units issued', `${esc(i.units)} (${esc(i.rounding)})`],
    ...(i.storageReversal ? [['Storage reversal', esc(i.storageReversal)] as const] : []),
  ])}${
    i.deductions.length
      ? table(
          ['Deduction', 'Account', 'Rate', 'Rounding', 'Units', 'Source'],
          i.deductions.map((x) => [esc(x.purpose), esc(x.account), esc(x.rate), esc(x.rounding), esc(x.units), esc(x.source)]),
        )
      : '<p>No deductions.</p>'
  }<p><strong>To the project participants: ${esc(i.toParticipants)} units</strong></p></section>`;
}

/** The registered parameters; empty when there are none. */
function parametersSection(r: VerificationReport): string {
  const params = Object.entries(r.parameters);
  if (!params.length) return '';
  return `<section id="parameters"><h2>Registered parameters</h2>${table(
    ['Parameter', 'Value'],
    params.map(([k, v]) => [code(k), code(JSON.stringify(v))]),
  )}</section>`;
}

/** The report's sections (everything inside <main>), shared by the HTML document and the console. */
export function renderReportSections(r: VerificationReport): string {
  return [
    decisionSection(r),
    subjectSection(r),
    dataSection(r),
    chartsSection(r),
    qaqcSection(r),
    equationsSection(r),
    resultsSection(r),
    materialitySection(r),
    issuanceSection(r),
    parametersSection(r),
  ]
    .filter((section) => section !== '')
    .join('\n');
}

export const REPORT_CSS = `
body{font-family:Helvetica,Arial,sans-serif;color:#1d1d1d;margin:0;background:#fff;font-size:14px;line-height:1.45}
main{max-width:980px;margin:0 auto;padding:24px}
header.report{border-bottom:3px solid #2f5597;margin-bottom:12px}
h1{font-size:24px;margin:0 0 4px} h2{font-size:18px;color:#2f5597;border-bottom:1px solid #ddd;padding-bottom:2px;margin-top:28px} h3{font-size:15px}
table{border-collapse:collapse;margin:8px 0;width:100%} th,td{border:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:top;font-size:13px} th{background:#f2f5fa}
code{font-family:Menlo,Consolas,monospace;font-size:12px;word-break:break-all}
dl{display:grid;grid-template-columns:200px 1fr;gap:4px 12px;margin:8px 0} dt{font-weight:bold;color:#444} dd{margin:0}
figure.chart{margin:12px 0;break-inside:avoid} figure.chart svg{max-width:100%;height:auto} figcaption{font-size:12px;color:#555}
.outcome-approved{color:#1e7b34} .outcome-rejected,.outcome-refused{color:#b00020} .outcome-recording{color:#8a6d00}
.sev-warning{color:#8a6d00;font-weight:bold} .sev-info{color:#2f5597;font-weight:bold} .note{font-size:12px;color:#555}
table.equations td:nth-child(2){min-width:320px} table.equations td:nth-child(6){max-width:200px;font-size:12px} .expr{margin-top:4px;color:#444} .pending{color:#8a6d00;font-weight:bold}
@media print{main{padding:0} h2{break-after:avoid}}
`;

/** The whole HTML document. `katexCss` is KaTeX's stylesheet (fonts inlined by the caller). */
export function renderVerificationReportHtml(r: VerificationReport, options: { katexCss: string }): string {
  const title = `Verification report — ${r.project.name ?? r.project.id} — ${r.periodText ?? `${r.period.start} – ${r.period.end}`}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title>
<style>${options.katexCss}</style>
<style>${REPORT_CSS}</style>
</head><body><main>
<header class="report"><h1>Verification report</h1>
<p>${esc(r.project.name ?? r.project.id)} · ${esc(r.methodology.key)} · ${esc(r.periodText ?? `${r.period.start} – ${r.period.end}`)} · ${esc(decisionLine(r))}</p></header>
${renderReportSections(r)}
<footer><p class="note">Generated ${esc(r.generatedAt)} by mrv-pipeline from the stored submission, result, registration and ledger. Every number is as recorded; nothing is recalculated here.</p></footer>
</main></body></html>
`;
}
