import { formatPeriod } from '../core/time/period.ts';
import type { CalculationResult } from '../core/calculation/result.ts';
import { describeLocation } from '../core/validation/diagnostic.ts';
import { visible } from '../core/readers/visible.ts';

const pad = (s: string, n: number) => (s.length >= n ? s : ' '.repeat(n - s.length) + s);

/** Thousands-grouped display of a decimal string (display only; JSON keeps the exact string). */
export function group(decimal: string): string {
  const [int = '', frac] = decimal.split('.');
  const sign = int.startsWith('-') ? '-' : '';
  const digits = sign ? int.slice(1) : int;
  return `${sign}${digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${frac ? `.${frac}` : ''}`;
}

/** The human-readable summary of one calculation, as `mrv calc` prints it. */
export function renderSummary(r: CalculationResult, options: { maxProblems?: number } = {}): string {
  const lines: string[] = [];
  const status = r.status === 'accepted' ? 'ACCEPTED' : r.status === 'rejected' ? 'REJECTED' : 'NOT APPLICABLE';
  lines.push(`${r.file.name}: ${status}`);
  lines.push(`  project      ${r.project.id} (${r.project.mechanism}, host ${r.project.hostCountry}, ${r.project.scale} scale)`);
  lines.push(`  methodology  ${r.methodology.key} (${r.methodology.source}; module sha256 ${r.methodology.hash.slice(0, 12)}…)`);
  lines.push(`  file         ${r.file.format}, ${group(String(r.file.bytes))} bytes, sha256 ${r.file.sha256.slice(0, 16)}…`);
  if (r.period) lines.push(`  period       ${formatPeriod(r.period)}`);
  if (r.gwp) lines.push(`  GWP set      IPCC ${r.gwp.set}: ${r.gwp.reason}`);
  for (const [gas, v] of Object.entries(r.gwp?.values ?? {}))
    if (v.confidence === 'override')
      lines.push(`  GWP override ${gas} = ${v.value}${v.replaces ? ` (replaces IPCC ${r.gwp!.set} ${v.replaces})` : ''}, source: ${v.source}`);
  lines.push(`  rows         ${group(String(r.rows.accepted))} accepted, ${group(String(r.rows.rejected))} rejected, ${group(String(r.rows.total))} read`);
  if (r.status === 'accepted' && r.totals && r.gases) {
    lines.push('');
    const header = ['gas', 'GWP', 'BE t', 'BE tCO2e', 'PE t', 'PE tCO2e', 'LE tCO2e', 'ER tCO2e'];
    const rows = r.gases.map((g) => [g.gas, g.gwp, group(g.BE.t), group(g.BE.tCO2e), group(g.PE.t), group(g.PE.tCO2e), group(g.LE.tCO2e), group(g.ER)]);
    rows.push(['total', '', '', group(r.totals.BE), '', group(r.totals.PE), group(r.totals.LE), group(r.totals.ER)]);
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
    const fmt = (cells: string[]) => `  ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : pad(c, widths[i]!))).join('  ')}`;
    lines.push(fmt(header));
    for (const row of rows) lines.push(fmt(row));
    lines.push('');
    lines.push(`  ER = BE − PE − LE = ${group(r.totals.ER)} tCO2e`);
    if (r.issuable) lines.push(`  issuable units: ${group(r.issuable.units)} (${r.issuable.rounding})`);
  }
  // Every count is followed by the list it counts: problems (errors and warnings), then notes (info:
  // unit conversions, calibration adjustments), then what the cap left out, by code.
  const problems = r.diagnostics.filter((d) => d.severity !== 'info');
  const notes = r.diagnostics.filter((d) => d.severity === 'info');
  const max = options.maxProblems ?? 20;
  const section = (title: string, list: typeof problems) => {
    if (!list.length) return;
    lines.push('');
    lines.push(`  ${title} (${group(String(list.length))}):`);
    for (const d of list.slice(0, max))
      lines.push(
        `    ${d.severity === 'error' ? 'error  ' : d.severity === 'warning' ? 'warning' : 'info   '} ${d.code}  ${visible(describeLocation(d.location))}: ${visible(d.message)}`,
      );
    if (list.length > max)
      lines.push(`    … ${group(String(list.length - max))} more ${title} not shown here (mrv calc --json lists all ${group(String(list.length))}).`);
  };
  section('problems', problems);
  section('notes', notes);
  if (r.diagnosticsOmitted > 0)
    lines.push(
      '',
      `  ${group(String(r.diagnosticsOmitted))} further diagnostic(s) beyond the listing cap were counted but not kept; by code (all ${group(String(Object.values(r.diagnosticCounts).reduce((a, b) => a + b, 0)))}): ${Object.entries(
        r.diagnosticCounts,
      )
        .map(([c, n]) => `${c} ${n}`)
        .join(', ')}`,
    );
  // Names and values from the file never reach the terminal raw (control and invisible characters escaped).
  return visible(lines.join('\n'), { keepNewlines: true });
}
