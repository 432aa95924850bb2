import type { CalculationResult } from '../../core/calculation/result.ts';
import { renderDiagnostic } from '../../core/report/render-report.ts';
import { isPreCheck, type UploadReport } from '../../core/report/upload-report.ts';
import type { Submission } from '../../core/review/submission.ts';
import { BUCKET_LAYOUT } from '../../functions/shared/resources.ts';
import { renderSummary } from '../render.ts';

/** Lines of `mrv calc`'s summary that the per-file outcome leaves out (the report has them all). */
const VERBOSE = ['  project ', '  methodology ', '  file ', '  GWP set '];

const STATUS = { accepted: 'ACCEPTED', rejected: 'REJECTED', 'not-applicable': 'NOT APPLICABLE' } as const;

/**
 * A few lines per uploaded file for `mrv start`: the key, the outcome and where the report is; for an
 * accepted file the per-gas BE/PE/LE/ER table and the issuable units, for a rejected one the first
 * problems by row and column. The body is `mrv calc`'s summary (cli/render.ts), without the lines on
 * project, methodology, file hash and GWP set, blank lines and gases that are zero in every term.
 */
export function renderOutcome(report: UploadReport, submission: Submission | undefined, options: { maxProblems?: number } = {}): string {
  const { upload } = report;
  const reportKey = BUCKET_LAYOUT.reportText(upload.projectId, upload.uploadId);
  const next =
    report.status !== 'accepted'
      ? `report ${reportKey}; the raw file is kept`
      : submission?.status === 'pending-review' || !submission
        ? `waiting for review: mrv review show ${upload.uploadId}`
        : `${submission.status}${submission.ledger ? ` (ledger #${submission.ledger.seq})` : ''}${submission.statusReason ? `: ${submission.statusReason}` : ''}`;
  const head = `${upload.key}: ${STATUS[report.status]} (upload ${upload.uploadId}) — ${next}`;
  const max = options.maxProblems ?? 3;
  if (isPreCheck(report)) return [head, ...report.diagnostics.slice(0, max).map((d) => `  ${renderDiagnostic(d).trimStart()}`)].join('\n');
  const result = report as CalculationResult;
  // Gases with nothing in any term (e.g. CH4 of a wind farm) are left out of the table; totals are unchanged.
  const gases = result.gases?.filter((g) => [g.BE.tCO2e, g.PE.tCO2e, g.LE.tCO2e, g.ER].some((v) => Number(v) !== 0));
  const body = renderSummary({ ...result, ...(gases ? { gases } : {}) }, { maxProblems: max })
    .split('\n')
    .slice(1)
    .filter((line) => line !== '' && !VERBOSE.some((prefix) => line.startsWith(prefix)));
  return [head, ...body].join('\n');
}
