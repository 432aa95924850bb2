import { formatPeriod } from '../time/period.ts';
import { visible } from '../readers/visible.ts';
import type { MonitoringReport, ReportUpload } from './monitoring-report.ts';

/** The per-upload breakdown of a monitoring report: one line per upload, in period order. */
export function renderUploadBreakdown(uploads: readonly Pick<ReportUpload, 'uploadId' | 'name' | 'period' | 'rows' | 'er' | 'sha256'>[]): string[] {
  const L = [`Uploads (${uploads.length}), in period order`];
  for (const u of uploads)
    L.push(
      `  ${u.period.start} – ${u.period.end}  ${u.name.padEnd(32)} rows ${String(u.rows.accepted).padStart(7)}  ER alone ${(u.er ?? '-').padStart(14)}  upload ${u.uploadId}  sha256 ${u.sha256.slice(0, 16)}…`,
    );
  return L;
}

/** `mrv report assemble|show`: a monitoring report as text; every count is followed by its list. */
export function renderMonitoringReport(r: MonitoringReport): string {
  const L: string[] = [];
  L.push(`Monitoring report ${r.reportId} — project ${r.projectId} — ${formatPeriod(r.period)} — ${r.status}`);
  L.push(...renderUploadBreakdown(r.uploads));
  if (r.problems.length) {
    L.push('', `Refused: ${r.problems.length} problem(s)`);
    for (const p of r.problems) L.push(`  - ${p}`);
  }
  const res = r.result;
  if (res?.totals) {
    L.push(
      '',
      "Merged result (the uploads' exact sums, then the period equations once), tCO2e",
      `  BE ${res.totals.BE}`,
      `  PE ${res.totals.PE}`,
      `  LE ${res.totals.LE}`,
      `  ER ${res.totals.ER}`,
    );
    if (res.issuable) L.push(`  issuable ${res.issuable.units} (${res.issuable.rounding})`);
    L.push(`  rows ${res.rows.accepted} accepted of ${res.rows.total}`);
  }
  // File names come from the uploads: never raw to the terminal.
  return `${visible(L.join('\n'), { keepNewlines: true })}\n`;
}
