import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { CalculationResult } from '../../core/calculation/result.ts';
import { monitoringCharts, type PeriodBar } from '../../core/charts/charts.ts';
import { SeriesCollector } from '../../core/charts/monitoring-series.ts';
import type { FirstApproval } from '../../core/access/authorize.ts';
import { describeStretch, type MonitoringReport } from '../../core/report/monitoring-report.ts';
import { isLegacyPeriod, spanOf, type Period } from '../../core/time/period.ts';
import { SiteClock } from '../../core/time/zone.ts';
import type { LedgerEntry } from '../../core/ledger/entry.ts';
import type { MethodologyRegistry } from '../../core/methodology/registry.ts';
import { detectFormat, readRecords } from '../../core/readers/read-records.ts';
import { renderReportSections, renderVerificationReportHtml } from '../../core/report/verification-report-html.ts';
import { verificationReportPdfDefinition } from '../../core/report/verification-report-pdf.ts';
import { NotDecidedError, verificationReportFromSubmission, type VerificationReport } from '../../core/report/verification-report.ts';
import type { Submission } from '../../core/review/submission.ts';
import { isNotFound, port } from './aws/errors.ts';
import type { TagsFor } from './aws/s3-stores.ts';
import type { MonitoringStore, ProjectsRepository } from './ports.ts';
import { renderPdf } from './pdf.ts';
import { katexCssInlined } from './report-assets.ts';

/**
 * Builds, renders and stores verification reports (core/report/verification-report*.ts) from what the
 * pipeline stored: the submission (review item, decision, ledger position), the calculation result, the
 * project registration, the methodology, the ledger and the monitoring file itself (for the charts).
 * Used by the HTTP API (console) and by `mrv review report`.
 *
 * The review subject is a monitoring report (a submission of kind `monitoring-report`: its document
 * lists the uploads, whose files are all charted on the site's clock) or a single upload.
 */

/** Where a verification report is stored: beside the upload's validation and decision reports. */
export const verificationReportKey = (projectId: string, subjectId: string, format: 'html' | 'pdf') =>
  `reports/${projectId}/${subjectId}.verification.${format}`;

export interface ReportObjects {
  get(key: string): Promise<Uint8Array | undefined>;
  put(key: string, body: Uint8Array | string, contentType: string): Promise<void>;
}

export interface ReportSources {
  readonly submissions: { get(uploadId: string): Promise<Submission | undefined> };
  readonly projects: ProjectsRepository;
  readonly ledger: { getEntry(projectId: string, seq: number): Promise<LedgerEntry | undefined>; listEntries(projectId: string): Promise<LedgerEntry[]> };
  readonly monitoring: MonitoringStore;
  readonly objects: ReportObjects;
  readonly registry: MethodologyRegistry;
  readonly now: () => Date;
  /** A first approval waiting for its independent technical review (the access table), shown in the evidence. */
  readonly firstApproval?: (subjectId: string) => Promise<FirstApproval | undefined>;
}

/** `tagsFor`: the evidence tag of the project's verification body (functions/shared/evidence-tags.ts), so a stored report is readable by the verifiers that may read the project's evidence. */
export function s3ReportObjects(s3: S3Client, bucket: string, options: { readonly tagsFor?: TagsFor } = {}): ReportObjects {
  return {
    async get(key) {
      try {
        const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return r.Body ? await r.Body.transformToByteArray() : undefined;
      } catch (error) {
        if (isNotFound(error)) return undefined;
        return port(`GetObject s3://${bucket}/${key}`, () => Promise.reject(error));
      }
    },
    async put(key, body, contentType) {
      const tags = await options.tagsFor?.(key);
      const Tagging = tags ? new URLSearchParams(Object.entries(tags)).toString() : undefined;
      await port(`PutObject s3://${bucket}/${key}`, () =>
        s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType, ...(Tagging ? { Tagging } : {}) })),
      );
    },
  };
}

const describePeriod = (p: Period) => (isLegacyPeriod(p) ? `${p.start} – ${p.end} (UTC days)` : describeStretch(p.start, p.end, p.timeZone ?? 'UTC'));

/** A chart label: the period's first and last local day at the site (`2015-01-01 – 2015-12-31`). */
function shortPeriod(p: Period, timeZone: string): string {
  if (isLegacyPeriod(p)) return `${p.start} – ${p.end}`;
  const clock = SiteClock.of(p.timeZone ?? timeZone);
  const span = spanOf(p);
  return `${clock.dateOf(span.start)} – ${clock.dateOf(span.end - 1)}`;
}

export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

const json = <T>(bytes: Uint8Array | undefined): T | undefined => (bytes ? (JSON.parse(Buffer.from(bytes).toString('utf8')) as T) : undefined);

/**
 * The report model of one submission. `preview` builds it for a submission still waiting for its
 * decision (the console's evidence view); otherwise an undecided submission is a {@link NotDecidedError}.
 */
export async function loadSubmissionReport(
  src: ReportSources,
  uploadId: string,
  options: { preview?: boolean } = {},
): Promise<{ report: VerificationReport; submission: Submission }> {
  const submission = await src.submissions.get(uploadId);
  if (!submission) throw new NotFoundError(`no submission ${uploadId}`);
  const item = submission.reviewItem;
  if (!item) throw new NotDecidedError(`submission ${uploadId} never reached review (status ${submission.status}): there is nothing to verify`);
  if (!submission.decision && !options.preview)
    throw new NotDecidedError(`submission ${uploadId} has no decision yet (status ${submission.status}): a verification report states a decision`);
  const [result, registration, entries] = await Promise.all([
    submission.resultKey ? src.objects.get(submission.resultKey).then((b) => json<CalculationResult>(b)) : Promise.resolve(undefined),
    src.projects.get(item.projectId) as Promise<Record<string, unknown> | undefined>,
    src.ledger.listEntries(item.projectId),
  ]);
  const methodologyKey = `${item.methodology.id}@${item.methodology.version}`;
  const methodology = src.registry.has(methodologyKey) ? src.registry.get(methodologyKey) : undefined;
  // The registered module must be the one that ran: a different hash means the equations shown would not be the ones executed.
  const sameModule = methodology && methodology.hash === item.methodology.hash ? methodology : undefined;
  const ledgerEntry = submission.ledger ? entries.find((e) => e.seq === submission.ledger!.seq) : undefined;

  const reportDoc =
    submission.kind === 'monitoring-report' && item.report ? await src.objects.get(item.report.documentKey).then((b) => json<MonitoringReport>(b)) : undefined;
  const files: VerificationReport['files'] | undefined = reportDoc?.uploads.map((u) => ({
    key: u.key,
    sha256: u.sha256,
    bytes: u.bytes,
    rows: u.rows,
    uploadId: u.uploadId,
    periodText: describePeriod(u.period),
    ...(u.er !== undefined ? { er: u.er } : {}),
  }));

  // Rejected rows per file, from the (merged) result's error diagnostics, marked on the charts.
  const rejectedByFile = new Map<string, Map<number, string>>();
  for (const d of result?.diagnostics ?? []) {
    if (d.severity !== 'error' || d.location?.row === undefined) continue;
    const rows = rejectedByFile.get(d.location.file) ?? new Map<number, string>();
    rejectedByFile.set(d.location.file, rows);
    if (!rows.has(d.location.row)) rows.set(d.location.row, d.message);
  }
  const rejectedOf = (key: string, name: string) =>
    rejectedByFile.get(key) ?? rejectedByFile.get(name) ?? (rejectedByFile.size === 1 && !reportDoc ? [...rejectedByFile.values()][0] : undefined);
  const timeZone = item.period.timeZone ?? (typeof registration?.timeZone === 'string' ? registration.timeZone : 'UTC');
  const parts = reportDoc
    ? reportDoc.uploads.map((u) => ({ key: u.key, name: u.name, versionId: undefined as string | undefined }))
    : [{ key: item.file.key, name: item.file.key, versionId: item.file.versionId }];
  const charts = [];
  if (methodology && parts.every((p) => detectFormat(p.key))) {
    const collector = new SeriesCollector(methodology.columns, {
      timeZone,
      ...(methodology.timestampMarks ? { timestampMarks: methodology.timestampMarks } : {}),
    });
    for (const p of parts) {
      const opened = await src.monitoring.open(p.key, p.versionId);
      const rejectedRows = rejectedOf(p.key, p.name);
      await collector.add(readRecords(opened.source, { fileName: p.key, format: detectFormat(p.key)! }), {
        file: p.name,
        ...(rejectedRows ? { rejectedRows } : {}),
      });
    }
    const series = collector.result();
    const thisSpan = spanOf(item.period);
    // Earlier approved periods of the project (its ledger), oldest first, then this one.
    const earlier = entries
      .filter((e) => e.uploadId !== uploadId && spanOf(e.period).start < thisSpan.start)
      .sort((a, b) => spanOf(a.period).start - spanOf(b.period).start);
    const periods: PeriodBar[] = [
      ...earlier.map((e) => ({ label: shortPeriod(e.period, timeZone), er: e.er, current: false })),
      { label: shortPeriod(item.period, timeZone), er: item.totals.ER, current: true },
    ];
    charts.push(...(await monitoringCharts({ series, gaps: result?.qaqc?.gaps ?? [], periods, monthly: Boolean(result?.qaqc?.intervalMonths) })));
  }
  const pendingFirstApproval = !submission.decision && submission.status === 'pending-review' ? await src.firstApproval?.(uploadId) : undefined;
  const report = verificationReportFromSubmission(
    {
      submission,
      ...(result ? { result } : {}),
      ...(registration ? { registration } : {}),
      ...(sameModule ? { methodology: sameModule } : {}),
      ...(src.registry.supersededBy(methodologyKey) ? { supersededBy: src.registry.supersededBy(methodologyKey)! } : {}),
      ...(ledgerEntry ? { ledgerEntry } : {}),
      ...(files ? { files } : {}),
      ...(pendingFirstApproval ? { pendingFirstApproval } : {}),
      charts,
      generatedAt: src.now().toISOString(),
    },
    options,
  );
  return { report, submission };
}

export const renderHtml = (report: VerificationReport) => renderVerificationReportHtml(report, { katexCss: katexCssInlined() });
export const renderPdfBytes = (report: VerificationReport) => renderPdf(verificationReportPdfDefinition(report));
export { renderReportSections };

/** A final outcome does not change any more, so its stored report can be served as is. */
const isFinal = (s: Submission) => s.status === 'approved' || s.status === 'rejected' || s.status === 'refused';

/**
 * The stored report of a decided submission, rendered and stored on first request. While the decision is
 * still being recorded the report is rendered but not stored (its outcome would be stale).
 */
export async function verificationReportDocument(
  src: ReportSources,
  projectId: string,
  uploadId: string,
  format: 'html' | 'pdf',
): Promise<{ body: Uint8Array | string; stored: boolean }> {
  const key = verificationReportKey(projectId, uploadId, format);
  const existing = await src.objects.get(key);
  if (existing) return { body: existing, stored: true };
  const { report, submission } = await loadSubmissionReport(src, uploadId);
  if (submission.projectId !== projectId) throw new NotFoundError(`no submission ${uploadId} in project ${projectId}`);
  const body = format === 'html' ? renderHtml(report) : await renderPdfBytes(report);
  if (isFinal(submission)) {
    await src.objects.put(verificationReportKey(projectId, uploadId, 'html'), format === 'html' ? body : renderHtml(report), 'text/html; charset=utf-8');
    await src.objects.put(verificationReportKey(projectId, uploadId, 'pdf'), format === 'pdf' ? body : await renderPdfBytes(report), 'application/pdf');
  }
  return { body, stored: isFinal(submission) };
}
