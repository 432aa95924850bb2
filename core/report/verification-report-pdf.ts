import type { VerificationReport } from './verification-report.ts';
import { decisionLine } from './verification-report-html.ts';
import { texToSvg } from './tex-svg.ts';

/**
 * The verification report as a pdfmake document definition (pure data; functions/shared/pdf.ts turns
 * it into bytes). Same content and order as the HTML report. Two differences, both for readability
 * in a PDF built without a browser:
 * - charts are the same SVG, drawn as vectors by pdfmake;
 * - equations are typeset by MathJax to SVG (./tex-svg.ts) from the same LaTeX the HTML report typesets
 *   with KaTeX, each followed by the plain-text expression that runs (searchable, and the fallback when
 *   an equation cannot be typeset).
 */

type Node = Record<string, unknown> | string;

/** An equation cell: the typeset SVG (at most the column's width) above the expression that runs. */
function typesetEquation(e: { readonly symbol: string; readonly expr: string; readonly tex: string }): Node {
  const executed = mono(`${e.symbol} = ${e.expr}`);
  const typeset = e.tex ? texToSvg(e.tex) : undefined;
  if (!typeset) return executed;
  // Both dimensions, scaled together when the equation is wider than the column: pdfmake then reserves the
  // whole height (MathJax's box reaches below the baseline) and the expression below never overlaps it.
  const scale = Math.min(1, 210 / typeset.widthPt);
  return { stack: [{ svg: typeset.svg, width: typeset.widthPt * scale, height: typeset.heightPt * scale, margin: [0, 0, 0, 2] }, executed] };
}

const H2 = (text: string): Node => ({ text, style: 'h2' });
const kv = (pairs: readonly (readonly [string, string | Node])[]): Node => ({
  table: { widths: [130, '*'], body: pairs.map(([k, v]) => [{ text: k, bold: true }, v]) },
  layout: 'lightHorizontalLines',
  margin: [0, 2, 0, 6],
});
const grid = (head: readonly string[], rows: readonly (readonly (string | Node)[])[], widths?: readonly (string | number)[]): Node => ({
  table: { headerRows: 1, widths: widths ?? head.map(() => '*'), body: [head.map((h) => ({ text: h, bold: true, fillColor: '#f2f5fa' })), ...rows] },
  layout: 'lightHorizontalLines',
  fontSize: 8,
  margin: [0, 2, 0, 6],
});
const mono = (text: string): Node => ({ text, font: 'Courier', fontSize: 7.5 });

/**
 * The PDF standard fonts (Helvetica, Courier) cover WinAnsi only. Characters outside it would print as
 * wrong glyphs, so they are spelled out: − becomes -, ≤ <=, ≥ >=, Greek letters their names; anything
 * else unknown becomes ?. The HTML report keeps the original characters.
 */
const SPELLED: Record<string, string> = {
  '\u2212': '-',
  '\u2264': '<=',
  '\u2265': '>=',
  '\u2260': '!=',
  '\u2248': '~',
  '\u2192': '->',
  '\u2190': '<-',
  '\u2011': '-',
  '\u2010': '-',
  '\u00a0': ' ',
  '\u202f': ' ',
  '\u2009': ' ',
  η: 'eta',
  ε: 'epsilon',
  Δ: 'Delta',
  δ: 'delta',
  ρ: 'rho',
  σ: 'sigma',
  λ: 'lambda',
  φ: 'phi',
  α: 'alpha',
  β: 'beta',
  γ: 'gamma',
  θ: 'theta',
  π: 'pi',
  Σ: 'Sum',
  '∑': 'Sum',
  '₂': '2',
  '₄': '4',
  '₃': '3',
  '₆': '6',
  '₀': '0',
  '₁': '1',
  '³': '3',
  '√': 'sqrt',
  '∞': 'inf',
  '…': '...',
  '✓': 'ok',
};
/** Code points of WinAnsi (Windows-1252) that pdfkit's standard fonts draw: Latin-1 plus the 0x80–0x9F extras. */
const WIN_ANSI_EXTRA = new Set([...'€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ']);
export function toWinAnsi(text: string): string {
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if ((cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xff) || ch === '\n' || WIN_ANSI_EXTRA.has(ch)) out += ch === '…' ? '...' : ch;
    else out += SPELLED[ch] ?? (cp < 0x20 ? ' ' : '?');
  }
  return out;
}

/** Every string of a document definition (text and SVG) through {@link toWinAnsi}. */
function sanitize<T>(value: T): T {
  if (typeof value === 'string') return toWinAnsi(value) as T;
  if (Array.isArray(value)) return value.map(sanitize) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typeof v === 'function' ? v : sanitize(v)])) as T;
  return value;
}

/** The title and the one-line summary under it. */
function titleNodes(r: VerificationReport): Node[] {
  const c: Node[] = [];
  c.push({ text: 'Verification report', style: 'h1' });
  c.push({
    text: `${r.project.name ?? r.project.id} · ${r.methodology.key} · ${r.periodText ?? `${r.period.start} – ${r.period.end}`} · ${decisionLine(r)}`,
    margin: [0, 0, 0, 8],
  });
  return c;
}

/** The decision: who decided what and when, the independent review, the ledger entry and what it pins; or why there is none yet. */
function decisionNodes(r: VerificationReport): Node[] {
  const c: Node[] = [];
  const d = r.decision;
  c.push(H2('Decision'));
  c.push(
    d
      ? kv([
          ['Decision', { text: d.decision === 'approve' ? 'Approved' : 'Rejected', bold: true, color: d.decision === 'approve' ? '#1e7b34' : '#b00020' }],
          ['Verifier', `${d.verifier}${d.principal ? ` — authenticated principal ${d.principal}` : ''}`],
          ['Decided at', d.decidedAt],
          ...(d.firstApproval
            ? [
                [
                  'Independent review',
                  `first approval by ${d.firstApproval.verifier} at ${d.firstApproval.decidedAt}; this approval by a second verifier of the same body completed it`,
                ] as const,
              ]
            : []),
          ...(d.reason ? [['Reason', d.reason] as const] : []),
          ['Outcome', `${d.outcome}${d.outcomeReason ? ` — ${d.outcomeReason}` : ''}`],
          ...(r.ledger
            ? [
                ['Ledger entry', `#${r.ledger.seq} of project ${r.project.id}`] as const,
                ['Entry hash (SHA-256)', mono(r.ledger.hash)] as const,
                ...(r.ledger.prevHash ? [['Previous entry hash', mono(r.ledger.prevHash)] as const] : []),
                ...(r.ledger.pins
                  ? [
                      [
                        'The entry pins',
                        `${r.subject.kind === 'monitoring-report' ? 'monitoring report' : 'upload'} ${r.ledger.pins.uploadId}; ${r.subject.kind === 'monitoring-report' ? "data SHA-256 (of the uploads' SHA-256s, one per line in period order)" : 'file SHA-256'} ${r.ledger.pins.fileSha256}; methodology hash ${r.ledger.pins.methodologyHash}${r.ledger.pins.resultSha256 ? `; result SHA-256 ${r.ledger.pins.resultSha256}` : ''}${r.ledger.pins.registration ? `; registration version ${r.ledger.pins.registration.version} (SHA-256 ${r.ledger.pins.registration.hash})` : ''}; ER ${r.ledger.pins.er} tCO2e; ${r.ledger.pins.units} units (${r.ledger.pins.toParticipants} to the participants)`,
                      ] as const,
                    ]
                  : []),
              ]
            : []),
        ])
      : r.pendingTechnicalReview
        ? `First approval by ${r.pendingTechnicalReview.verifier} at ${r.pendingTechnicalReview.decidedAt}, pending technical review.`
        : "Waiting for a verifier's decision.",
  );
  return c;
}

/** Project, methodology (and what supersedes it), monitoring period, GWP set and the subject. */
function subjectNodes(r: VerificationReport): Node[] {
  const c: Node[] = [];
  c.push(H2('Project, methodology and period'));
  c.push(
    kv([
      ['Project', `${r.project.name ?? r.project.id} (${r.project.id})`],
      [
        'Mechanism',
        `${r.project.mechanism}${r.project.hostCountry ? `, host country ${r.project.hostCountry}` : ''}${r.project.scale ? `, ${r.project.scale} scale` : ''}`,
      ],
      ...(r.project.registration
        ? [
            [
              'Registration',
              `${r.project.registration.version !== undefined ? `version ${r.project.registration.version} (SHA-256 ${r.project.registration.versionHash}), ` : ''}${r.project.registration.registeredAt ? `registered ${r.project.registration.registeredAt}, ` : ''}current record SHA-256 ${r.project.registration.sha256}`,
            ] as const,
          ]
        : []),
      [
        'Methodology',
        `${r.methodology.key}${r.methodology.title ? ` — ${r.methodology.title}` : ''}${r.methodology.source ? ` (${r.methodology.source})` : ''}`,
      ],
      ['Methodology hash', mono(r.methodology.hash)],
      ...(r.methodology.supersededBy
        ? [['Superseded', { text: `by ${r.methodology.supersededBy.by}: ${r.methodology.supersededBy.reason}`, color: '#8a5a00' }] as const]
        : []),
      [
        'Monitoring period',
        `${r.periodText ?? `${r.period.start} – ${r.period.end}`}; ${r.period.start} – ${r.period.end}, end excluded; ${r.periodDays} days${r.project.timeZone ? ` on the site's clock (${r.project.timeZone})` : ''}`,
      ],
      ['GWP', `IPCC ${r.gwp.set}: ${r.gwp.reason}`],
      ['Subject', `${r.subject.kind === 'monitoring-report' ? `monitoring report ${r.subject.id} of ${r.files.length} upload(s)` : `upload ${r.subject.id}`}`],
    ]),
  );
  return c;
}

/** The files checked, with their hashes and rows. */
function dataNodes(r: VerificationReport): Node[] {
  const c: Node[] = [];
  c.push(H2(`Data checked (${r.files.length} file${r.files.length === 1 ? '' : 's'})`));
  // The SHA-256 gets a line of its own in the cell, unbroken (a hash split over two lines cannot be compared or searched).
  c.push(
    grid(
      ['File, period and SHA-256', 'Bytes', 'Rows accepted / total', 'Own ER tCO2e'],
      r.files.map((f) => [
        {
          stack: [
            `${f.key}${f.versionId ? ` (version ${f.versionId})` : ''}`,
            ...(f.periodText ? [f.periodText] : []),
            { text: f.sha256, font: 'Courier', fontSize: 7 },
          ],
        },
        String(f.bytes),
        f.rows ? `${f.rows.accepted} / ${f.rows.total}` : '',
        f.er ?? '',
      ]),
      ['*', 45, 60, 60],
    ),
  );
  return c;
}

/** The monitoring-data charts (SVG); none when there are none. */
function chartNodes(r: VerificationReport): Node[] {
  const c: Node[] = [];
  if (r.charts.length) {
    c.push(H2('Monitoring data'));
    for (const ch of r.charts)
      c.push({
        stack: [
          { svg: ch.svg, width: 500 },
          { text: ch.caption, fontSize: 8, color: '#555', margin: [0, 2, 0, 8] },
        ],
        unbreakable: true,
      });
  }
  return c;
}

/** Monitoring interval, gaps, calibration adjustments and the warnings. */
function qaqcNodes(r: VerificationReport): Node[] {
  const c: Node[] = [];
  const q = r.qaqc;
  c.push(H2('QA/QC findings'));
  c.push({
    text: `Monitoring interval: ${q.interval ?? 'not set in the registration (no gap check)'}. Missing intervals: ${q.missingIntervals}.`,
    margin: [0, 0, 0, 4],
  });
  c.push(
    q.gaps.length
      ? {
          stack: [
            { text: `Gaps (${q.gaps.length})`, style: 'h3' },
            grid(
              ['From', 'To (exclusive)', 'Missing intervals', 'Item'],
              q.gaps.map((g) => [g.from, g.to, String(g.missingIntervals), g.item ?? '']),
            ),
          ],
        }
      : 'No monitoring gaps.',
  );
  c.push(
    q.calibration.length
      ? {
          stack: [
            { text: `Calibration adjustments (${q.calibration.length})`, style: 'h3' },
            grid(
              ['Meter', 'Column', 'Side', 'MPE', 'Factor', 'Rows', 'First', 'Last'],
              q.calibration.map((x) => [x.meter, x.column, x.side, String(x.mpe), String(x.factor), String(x.rows), x.first, x.last]),
            ),
          ],
        }
      : 'No calibration adjustments.',
  );
  c.push(
    q.findings.length
      ? {
          stack: [
            {
              text: `Warnings and notes (${q.findings.length}${q.findingsOmitted ? ` listed, ${q.findingsOmitted} more counted but not listed` : ''})`,
              style: 'h3',
            },
            { ul: q.findings.map((f) => ({ text: `${f.severity} ${f.code}${f.where ? ` (${f.where})` : ''}: ${f.message}`, fontSize: 8 })) },
          ],
        }
      : `No warnings.${q.findingsOmitted ? ` ${q.findingsOmitted} diagnostic(s) counted but not listed.` : ''}`,
  );
  return c;
}

/** The equations as they ran, typeset, with their period values. */
function equationNodes(r: VerificationReport): Node[] {
  const c: Node[] = [];
  c.push(H2('Equations'));
  c.push({
    text: 'Typeset from the running expressions, each with the plain-text expression that runs. Row-scope values are sums over the rows.',
    fontSize: 8,
    color: '#555',
  });
  c.push(
    grid(
      ['Symbol', 'Equation (typeset, and as executed)', 'Unit', 'Scope', 'Value', 'Reference'],
      r.equations.map((e) => [mono(e.symbol), typesetEquation(e), e.unit, e.scope, e.value ?? '', e.ref]),
      [60, '*', 45, 35, 60, 70],
    ),
  );
  return c;
}

/** BE, PE, LE and ER, in total and per gas. */
function resultNodes(r: VerificationReport): Node[] {
  const c: Node[] = [];
  c.push(H2('Result'));
  c.push(
    kv([
      ['Baseline emissions BE', `${r.totals.BE} tCO2e`],
      ['Project emissions PE', `${r.totals.PE} tCO2e`],
      ['Leakage LE', `${r.totals.LE} tCO2e`],
      ['Emission reductions ER', { text: `${r.totals.ER} tCO2e`, bold: true }],
    ]),
  );
  c.push({ text: 'Per gas', style: 'h3' });
  c.push(
    grid(
      ['Gas', 'GWP', 'BE t / tCO2e', 'PE t / tCO2e', 'LE t / tCO2e', 'ER tCO2e'],
      r.gases.map((g) => [g.gas, g.gwp, `${g.BE.t} / ${g.BE.tCO2e}`, `${g.PE.t} / ${g.PE.tCO2e}`, `${g.LE.t} / ${g.LE.tCO2e}`, g.ER]),
    ),
  );
  return c;
}

/** The PDD estimate against the claimed ER, and the materiality threshold. */
function materialityNodes(r: VerificationReport): Node[] {
  const c: Node[] = [];
  const p = r.pddComparison;
  const m = r.materiality;
  c.push(H2('PDD comparison and materiality'));
  c.push(
    kv([
      ['PDD estimate', `${p.annualEstimate} t/yr × ${p.periodDays}/365 = ${p.proRatedEstimate} t`],
      ['Claimed ER', `${r.totals.ER} t; difference ${p.difference} t${p.percentOfEstimate ? ` (${p.percentOfEstimate} % of the estimate)` : ''}`],
      ['Materiality threshold', `${m.percent} % (${m.bracket}; annual ER ${m.annualEr} t from the ${m.annualBasis}) = ${m.tonnes} t for this period`],
      ['Source', m.source],
    ]),
  );
  return c;
}

/** Issuable units, deductions and what goes to the participants. */
function issuanceNodes(r: VerificationReport): Node[] {
  const c: Node[] = [];
  const i = r.issuance;
  c.push(H2('Issuance'));
  c.push(
    kv([
      [
        'Issuable units',
        `${r.issuable.units} (${r.issuable.rounding})${r.issuable.creditType ? `, ${r.issuable.creditType}` : ''}${r.issuable.expires ? `, expire ${r.issuable.expires}` : ''}`,
      ],
      ['Units issued', `${i.units} (${i.rounding})`],
      ...(i.storageReversal ? [['Storage reversal', i.storageReversal] as const] : []),
      ['To the participants', { text: `${i.toParticipants} units`, bold: true }],
    ]),
  );
  if (i.deductions.length)
    c.push(
      grid(
        ['Deduction', 'Account', 'Rate', 'Rounding', 'Units', 'Source'],
        i.deductions.map((x) => [x.purpose, x.account, x.rate, x.rounding, x.units, x.source]),
      ),
    );
  else c.push('No deductions.');
  return c;
}

/** The registered parameters; none when there are none. */
function parameterNodes(r: VerificationReport): Node[] {
  const c: Node[] = [];
  const params = Object.entries(r.parameters);
  if (params.length) {
    c.push(H2('Registered parameters'));
    c.push(
      grid(
        ['Parameter', 'Value'],
        params.map(([k, v]) => [mono(k), mono(JSON.stringify(v))]),
        [150, '*'],
      ),
    );
  }
  return c;
}

/** Where the report comes from and when it was generated. */
function footerNodes(r: VerificationReport): Node[] {
  const c: Node[] = [];
  c.push({
    text: `Generated ${r.generatedAt} by mrv-pipeline from the stored submission, result, registration and ledger.`,
    fontSize: 7,
    color: '#777',
    margin: [0, 12, 0, 0],
  });
  return c;
}

export function verificationReportPdfDefinition(r: VerificationReport): Record<string, unknown> {
  const c: Node[] = [
    ...titleNodes(r),
    ...decisionNodes(r),
    ...subjectNodes(r),
    ...dataNodes(r),
    ...chartNodes(r),
    ...qaqcNodes(r),
    ...equationNodes(r),
    ...resultNodes(r),
    ...materialityNodes(r),
    ...issuanceNodes(r),
    ...parameterNodes(r),
    ...footerNodes(r),
  ];
  return sanitize({
    info: {
      title: `Verification report ${r.project.id} ${r.period.start} – ${r.period.end}`,
      subject: `${r.subject.kind} ${r.subject.id}`,
      creator: 'mrv-pipeline',
      producer: 'mrv-pipeline (pdfmake)',
    },
    pageSize: 'A4',
    pageMargins: [40, 40, 40, 48],
    defaultStyle: { font: 'Helvetica', fontSize: 9 },
    styles: {
      h1: { fontSize: 18, bold: true, color: '#2f5597' },
      h2: { fontSize: 13, bold: true, color: '#2f5597', margin: [0, 10, 0, 4] },
      h3: { fontSize: 10, bold: true, margin: [0, 4, 0, 2] },
    },
    footer: (page: number, pages: number) => ({
      text: `${toWinAnsi(r.project.id)} · ${r.subject.id} · page ${page} of ${pages}`,
      alignment: 'center',
      fontSize: 7,
      color: '#777',
    }),
    content: c,
  });
}
