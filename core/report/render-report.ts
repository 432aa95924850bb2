import { formatPeriod } from '../time/period.ts';
import type { TraceEntry } from '../calculation/result.ts';
import type { IssuanceBreakdown } from '../issuance/issuance.ts';
import { describeLocation, type Diagnostic } from '../validation/diagnostic.ts';
import { isPreCheck, type UploadReport } from './upload-report.ts';
import { visible } from '../readers/visible.ts';

/**
 * Human-readable renderings of reports, shared by the ingest function (reports/<p>/<u>.txt) and the
 * CLI. Values that come from the uploaded file are always shown quoted and escaped (showValue at the
 * source, JSON.stringify here), never raw, so a cell like `=HYPERLINK(…)` stays inert text.
 */

/**
 * Control and invisible characters (ANSI escapes, zero-width and bidi characters, line breaks) escaped
 * as `\uXXXX`, nothing truncated: messages quote names and values taken from the file.
 */
const escapeText = (text: string) => visible(text);
/** The same for a whole multi-line rendering: only the line feeds between lines stay. */
const escapeLines = (text: string) => visible(text, { keepNewlines: true });

const STATUS_TEXT = { accepted: 'ACCEPTED', rejected: 'REJECTED', 'not-applicable': 'NOT APPLICABLE' } as const;

export function renderDiagnostic(d: Diagnostic): string {
  const where = escapeText(describeLocation(d.location));
  // `actual` is already quoted and escaped where the diagnostic was raised (showValue).
  const extra = [
    d.actual !== undefined ? `actual ${escapeText(d.actual)}` : '',
    d.expected ? `expected ${escapeText(d.expected)}` : '',
    d.ref ? `ref ${escapeText(d.ref)}` : '',
  ]
    .filter(Boolean)
    .join('; ');
  return `  ${d.severity.toUpperCase().padEnd(7)} ${d.code}${where ? ` [${where}]` : ''}: ${escapeText(d.message)}${extra ? ` (${extra})` : ''}`;
}

export function renderIssuance(i: IssuanceBreakdown): string[] {
  const lines = [`Issuance: ${i.units} units (${i.rounding})`];
  for (const d of i.deductions)
    lines.push(`  − ${d.units.padStart(12)}  ${d.account} (${d.purpose}, ${Number(d.rate) * 100} %, rounded ${d.rounding}; ${d.source})`);
  lines.push(`  = ${i.toParticipants.padStart(12)}  to the project participants`);
  return lines;
}

export function renderTrace(trace: readonly TraceEntry[]): string[] {
  const lines: string[] = [];
  for (const t of trace) {
    const inputs = Object.entries(t.inputs)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(', ');
    lines.push(
      `  ${t.symbol} = ${t.expr} = ${String(t.value)}${t.unit === '1' || t.unit === '-' ? '' : ` ${t.unit}`}  [${t.scope}${t.rows !== undefined ? `, Σ over ${t.rows} rows` : ''}; ${t.ref}]${inputs ? `\n      with ${inputs}` : ''}`,
    );
    for (const a of t.adjustments ?? []) lines.push(`      ${a.kind === 'rounding' ? 'rounded' : 'capped'}: ${a.from} → ${a.to} (${a.rule}; ${a.source})`);
  }
  return lines;
}

/** The small-scale cap and the registered ER rounding behind the issuable units, when there are any. */
export function renderIssuableNotes(i: {
  readonly smallScaleCap?:
    | {
        readonly applied: boolean;
        readonly uncapped: string;
        readonly limit: string;
        readonly proRating: string;
        readonly excess: string;
        readonly source: string;
      }
    | undefined;
  readonly erRounding?: { readonly from: string; readonly to: string; readonly rule: string; readonly source: string } | undefined;
}): string[] {
  const out: string[] = [];
  const c = i.smallScaleCap;
  if (c)
    out.push(
      c.applied
        ? `  Small-scale cap: ${c.uncapped} t exceeds the limit ${c.limit} t (${c.proRating}); issued up to the limit, excess ${c.excess} t not eligible — ${c.source}`
        : `  Small-scale limit: ${c.uncapped} t within the limit ${c.limit} t (${c.proRating})`,
    );
  if (i.erRounding) out.push(`  ER rounded as registered: ${i.erRounding.from} → ${i.erRounding.to} (${i.erRounding.rule}; ${i.erRounding.source})`);
  return out;
}

/** Per gas: the GWP applied, the IPCC report it came from and the rule that chose it. */
export function renderGwpValues(values: Readonly<Record<string, { value: string; set: string; rule: string }>> | undefined): string[] {
  return Object.entries(values ?? {}).map(([gas, v]) => `  ${gas.padEnd(10)} ${v.value.padStart(6)}  IPCC ${v.set}: ${v.rule}`);
}

/** The text report of one upload. */
export function renderReport(report: UploadReport, options: { readonly trace?: boolean } = {}): string {
  const u = report.upload;
  const lines: string[] = [];
  lines.push(`MRV validation report — ${STATUS_TEXT[report.status]}`);
  lines.push(`Upload     ${u.uploadId}`);
  lines.push(`Project    ${JSON.stringify(u.projectId)}`);
  lines.push(
    `File       ${JSON.stringify(u.key)}${u.versionId ? ` (version ${JSON.stringify(u.versionId)})` : ''}, ${report.file.bytes} bytes, sha256 ${report.file.sha256}`,
  );
  lines.push(`Processed  ${u.receivedAt}`);
  if (!isPreCheck(report)) {
    const r = report;
    lines.push(`Methodology ${r.methodology.key} (${r.methodology.title}; ${r.methodology.source}), hash ${r.methodology.hash}`);
    lines.push(`Mechanism  ${r.project.mechanism}, host ${r.project.hostCountry}, ${r.project.scale}-scale`);
    if (r.period) lines.push(`Period     ${formatPeriod(r.period)}`);
    if (r.gwp) lines.push(`GWP        IPCC ${r.gwp.set}: ${r.gwp.reason}`, ...renderGwpValues(r.gwp.values));
    for (const [gas, v] of Object.entries(r.gwp?.values ?? {}))
      if (v.confidence === 'override')
        lines.push(`GWP override ${gas} = ${v.value}${v.replaces ? ` (replaces IPCC ${v.set} ${v.replaces})` : ''}, registered with the source: ${v.source}`);
    lines.push(`Rows       ${r.rows.total} read, ${r.rows.accepted} accepted, ${r.rows.rejected} rejected`);
    if (r.totals) {
      lines.push('', 'Totals (tCO2e)', `  BE ${r.totals.BE}`, `  PE ${r.totals.PE}`, `  LE ${r.totals.LE}`, `  ER ${r.totals.ER}`);
    }
    if (r.gases?.length) {
      lines.push('', 'Per gas (t of gas / tCO2e)');
      for (const g of r.gases)
        lines.push(
          `  ${g.gas.padEnd(8)} GWP ${g.gwp.padStart(6)}  BE ${g.BE.t}/${g.BE.tCO2e}  PE ${g.PE.t}/${g.PE.tCO2e}  LE ${g.LE.t}/${g.LE.tCO2e}  ER ${g.ER}`,
        );
    }
    if (r.issuable) lines.push('', `Issuable   ${r.issuable.units} units (${r.issuable.rounding})`, ...renderIssuableNotes(r.issuable));
    if (report.issuance) lines.push(...renderIssuance(report.issuance));
    if (options.trace && r.trace.length) lines.push('', 'Equation trace', ...renderTrace(r.trace));
  }
  const total = Object.values(report.diagnosticCounts).reduce((a, b) => a + b, 0);
  lines.push(
    '',
    `Diagnostics: ${total}${
      total
        ? ` (${Object.entries(report.diagnosticCounts)
            .map(([c, n]) => `${n} ${c}`)
            .join(', ')})`
        : ''
    }`,
  );
  for (const d of report.diagnostics) lines.push(renderDiagnostic(d));
  if (report.diagnosticsOmitted > 0) lines.push(`  … and ${report.diagnosticsOmitted} more not listed (see the counts above).`);
  if (report.status === 'accepted') lines.push('', 'Next: the result waits for a verifier (mrv review show ' + u.uploadId + ').');
  else lines.push('', 'Nothing was queued for review. Fix the file and upload it again.');
  return `${escapeLines(lines.join('\n'))}\n`;
}

const PLAIN_NUMBER = /^-?\d+(?:\.\d+)?$/;

/**
 * A value as one CSV cell, safe to open in a spreadsheet: a cell starting with `=`, `+`, `-`, `@`,
 * tab or carriage return is prefixed with `'` (formula injection, OWASP CSV Injection) unless it is a
 * plain number; quotes, commas and line breaks are quoted per RFC 4180.
 */
export function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text) && !PLAIN_NUMBER.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The diagnostics of a report as CSV (severity, code, row, line, column, message, actual, expected, ref). */
export function renderDiagnosticsCsv(diagnostics: readonly Diagnostic[]): string {
  const rows = [['severity', 'code', 'row', 'line', 'column', 'message', 'actual', 'expected', 'ref']];
  for (const d of diagnostics)
    rows.push([
      d.severity,
      d.code,
      String(d.location?.row ?? ''),
      String(d.location?.line ?? ''),
      d.location?.column ?? '',
      d.message,
      d.actual ?? '',
      d.expected ?? '',
      d.ref ?? '',
    ]);
  return `${rows.map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
