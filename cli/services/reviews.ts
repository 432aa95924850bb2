import { renderReviewLine } from '../../core/report/render-review.ts';
import { dynamoSubmissions } from '../../functions/shared/aws/dynamo-repositories.ts';
import { ENV } from '../../functions/shared/resources.ts';
import type { CliAws } from '../aws-clients.ts';

/**
 * One line per submission waiting for review (the submissions table: durable, unlike the queue). An upload
 * merged into a pending monitoring report is decided through the report, and its line says which. The
 * service behind `mrv review list`; the local stack prints it after the samples.
 */
export async function pendingReviewLines(aws: CliAws): Promise<string[]> {
  const submissions = dynamoSubmissions(aws.ddb, aws.resources([ENV.submissionsTable])[ENV.submissionsTable]);
  const pending = await submissions.listByStatus('pending-review');
  if (!pending.length) return ['Nothing waits for review.'];
  const issued = await issuedThroughReports(aws);
  const inReport = new Map<string, string>();
  for (const s of pending) if (s.kind === 'monitoring-report') for (const id of s.uploads ?? []) inReport.set(id, s.uploadId);
  return pending.map((s) => {
    const line = s.reviewItem ? renderReviewLine(s.reviewItem) : `${s.uploadId}  ${s.projectId} (no review item stored)`;
    const issuedIn = issued.get(s.uploadId);
    if (issuedIn) return `${line}  (issued in monitoring report ${issuedIn}: nothing to decide)`;
    const report = inReport.get(s.uploadId);
    return report ? `${line}  (in monitoring report ${report}: decide the report)` : line;
  });
}

/**
 * Upload id → the approved monitoring report that issued it. A monthly upload merged into a report that
 * was approved keeps its own `pending-review` submission (its approval on its own would be refused for
 * overlap: the ledger never counts a tonne twice); the review commands say it is settled instead of
 * offering it as work.
 */
export async function issuedThroughReports(aws: CliAws): Promise<Map<string, string>> {
  const submissions = dynamoSubmissions(aws.ddb, aws.resources([ENV.submissionsTable])[ENV.submissionsTable]);
  const issued = new Map<string, string>();
  for (const s of await submissions.listByStatus('approved')) if (s.kind === 'monitoring-report') for (const id of s.uploads ?? []) issued.set(id, s.uploadId);
  return issued;
}
