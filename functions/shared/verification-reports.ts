import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { CalculationResult } from '../../core/calculation/result.ts';
import { monitoringCharts, type PeriodBar } from '../../core/charts/charts.ts';
import { collectSeries } from '../../core/charts/monitoring-series.ts';
import type { LedgerEntry } from '../../core/ledger/entry.ts';
import type { MethodologyRegistry } from '../../core/methodology/registry.ts';
import { detectFormat, readRecords } from '../../core/readers/read-records.ts';
import { renderReportSections, renderVerificationReportHtml } from '../../core/report/verification-report-html.ts';
import { verificationReportPdfDefinition } from '../../core/report/verification-report-pdf.ts';
import { NotDecidedError, verificationReportFromSubmission, type VerificationReport } from '../../core/report/verification-report.ts';
import type { Submission } from '../../core/review/submission.ts';
import { isNotFound, port } from './aws/errors.ts';
import type { MonitoringStore, ProjectsRepository } from './ports.ts';
import { renderPdf } from './pdf.ts';
import { katexCssInlined } from './report-assets.ts';

/**
 * Builds, renders and stores verification reports (core/report/verification-report*.ts) from what the
 * pipeline stored: the submission (review item, decision, ledger position), the calculation result, the
 * project registration, the methodology, the ledger and the monitoring file itself (for the charts).
 * Used by the HTTP API (console) and by `mrv review report`.
 *
 * The review subject today is one upload (a submission). When monitoring reports (several uploads per
 * period) land, they get their own `load…` beside {@link loadSubmissionReport}; everything after the
 * model (charts, HTML, PDF, storage) is shared.
 */

/** Where a verification report is stored: beside the upload's validation and decision reports. */
export const verificationReportKey = (projectId: string, subjectId: string, format: 'html' | 'pdf') => `reports/${projectId}/${subjectId}.verification.${format}`;

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
}

export function s3ReportObjects(s3: S3Client, bucket: string): ReportObjects {
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
      await port(`PutObject s3://${bucket}/${key}`, () => s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType })));
    },
  };
}

export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

const json = <T>(bytes: Uint8Array | undefined): T | undefined => (bytes ? (JSON.parse(Buffer.from(bytes).toString('utf8')) as T) : undefined);

/**
 * The report model of one submission. `preview` builds it for a submission still waiting for its
 * decision (the console's evidence view); otherwise an undecided submission is a {@link NotDecidedError}.
 */
export async function loadSubmissionReport(src: ReportSources, uploadId: string, options: { preview?: boolean } = {}): Promise<{ report: VerificationReport; submission: Submission }> {
  const submission = await src.submissions.get(uploadId);
  if (!submission) throw new NotFoundError(`no submission ${uploadId}`);
  const item = submission.reviewItem;
  if (!item) throw new NotDecidedError(`submission ${uploadId} never reached review (status ${submission.status}): there is nothing to verify`);
  if (!submission.decision && !options.preview) throw new NotDecidedError(`submission ${uploadId} has no decision yet (status ${submission.status}): a verification report states a decision`);
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

  const rejectedRows = new Map<number, string>();
  for (const d of result?.diagnostics ?? []) if (d.severity === 'error' && d.location?.row !== undefined && !rejectedRows.has(d.location.row)) rejectedRows.set(d.location.row, d.message);
  const format = detectFormat(item.file.key);
  const charts = [];
  if (methodology && format) {
    const opened = await src.monitoring.open(item.file.key, item.file.versionId);
    const series = await collectSeries(readRecords(opened.source, { fileName: item.file.key, format }), methodology.columns, { rejectedRows });
    const earlier = entries.filter((e) => e.uploadId !== uploadId && e.period.start < item.period.start);
    const periods: PeriodBar[] = [...earlier.map((e) => ({ label: `${e.period.start} – ${e.period.end}`, er: e.er, current: false })), { label: `${item.period.start} – ${item.period.end}`, er: item.totals.ER, current: true }];
    charts.push(...(await monitoringCharts({ series, gaps: result?.qaqc?.gaps ?? [], periods, monthly: Boolean(result?.qaqc?.intervalMonths) })));
  }
  const report = verificationReportFromSubmission(
    { submission, ...(result ? { result } : {}), ...(registration ? { registration } : {}), ...(sameModule ? { methodology: sameModule } : {}), ...(ledgerEntry ? { ledgerEntry } : {}), charts, generatedAt: src.now().toISOString() },
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
export async function verificationReportDocument(src: ReportSources, projectId: string, uploadId: string, format: 'html' | 'pdf'): Promise<{ body: Uint8Array | string; stored: boolean }> {
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
