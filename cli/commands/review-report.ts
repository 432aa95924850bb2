import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { NotDecidedError } from '../../core/report/verification-report.ts';
import { dynamoProjects, dynamoSubmissions } from '../../functions/shared/aws/dynamo-repositories.ts';
import { dynamoLedgerStore } from '../../functions/shared/aws/ledger-store.ts';
import { s3MonitoringStore } from '../../functions/shared/aws/s3-stores.ts';
import { ENV } from '../../functions/shared/resources.ts';
import {
  loadSubmissionReport,
  NotFoundError,
  renderHtml,
  renderPdfBytes,
  s3ReportObjects,
  verificationReportKey,
  type ReportSources,
} from '../../functions/shared/verification-reports.ts';
import { registry } from '../../methodologies/index.ts';
import type { CliAws } from '../aws-clients.ts';
import { UsageError, type Io } from './types.ts';

export const REVIEW_REPORT_USAGE =
  'mrv review report <id> [--pdf] [--out <dir>]   the verification report of a decided monitoring report (or upload), written locally (HTML; --pdf: the PDF)';

/**
 * `mrv review report <upload-id> [--pdf] [--out <dir>]`: renders the verification report of a decided
 * upload from what the pipeline stored (the same code as the console's HTTP API) and writes
 * `<upload-id>.verification.html` (or `.pdf`) into `--out` (default: the current directory).
 * Exit 1 when the upload has no decision yet or does not exist.
 */
export async function reviewReport(a: CliAws, io: Io, uploadId: string | undefined, options: { pdf?: boolean; out?: string }): Promise<number> {
  if (!uploadId) throw new UsageError('report needs a monitoring report or upload id');
  const env = a.resources([ENV.bucket, ENV.submissionsTable, ENV.projectsTable, ENV.ledgerTable]);
  const sources: ReportSources = {
    submissions: dynamoSubmissions(a.ddb, env[ENV.submissionsTable]),
    projects: dynamoProjects(a.ddb, env[ENV.projectsTable]),
    ledger: dynamoLedgerStore(a.ddb, env[ENV.ledgerTable]),
    monitoring: s3MonitoringStore(a.s3, env[ENV.bucket]),
    objects: s3ReportObjects(a.s3, env[ENV.bucket]),
    registry,
    now: () => new Date(),
  };
  try {
    const { report, submission } = await loadSubmissionReport(sources, uploadId);
    const dir = resolve(io.cwd, options.out ?? '.');
    mkdirSync(dir, { recursive: true });
    const format = options.pdf ? 'pdf' : 'html';
    const file = join(dir, `${uploadId}.verification.${format}`);
    // The stored report (beside the reports in S3, written when the console first served a final outcome) is the
    // archived document: written as it is; otherwise rendered from what the pipeline stored.
    const stored = await sources.objects.get(verificationReportKey(submission.projectId, uploadId, format)).catch(() => undefined);
    writeFileSync(file, stored ?? (options.pdf ? await renderPdfBytes(report) : renderHtml(report)));
    if (stored) io.out(`(the stored report s3://${env[ENV.bucket]}/${verificationReportKey(submission.projectId, uploadId, format)})`);
    io.out(
      `Verification report of ${report.subject.kind === 'monitoring-report' ? 'monitoring report' : 'upload'} ${uploadId} (${report.project.id}, ${report.periodText ?? `${report.period.start} – ${report.period.end}`}, ${report.files.length} file(s), ${report.decision!.decision} by ${report.decision!.verifier}, outcome ${report.decision!.outcome}): ${file}`,
    );
    return 0;
  } catch (error) {
    if (error instanceof NotFoundError || error instanceof NotDecidedError) {
      io.err(`No verification report: ${error.message}.`);
      return 1;
    }
    throw error;
  }
}
