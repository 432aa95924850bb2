// First, as in the ingest function: the build-time list of unit-checked modules, before any methodology module is loaded.
import '../ingest-upload/unit-checks.ts';
import { registry } from '../../methodologies/index.ts';
import { createAwsClients } from '../shared/aws/clients.ts';
import { dynamoAuditStore } from '../shared/aws/audit-store.ts';
import { snsNotifier } from '../shared/aws/notifier.ts';
import { dynamoAccess } from '../shared/aws/access-store.ts';
import { evidenceTagsFor } from '../shared/evidence-tags.ts';
import { dynamoProjects, dynamoSubmissions } from '../shared/aws/dynamo-repositories.ts';
import { sqsReviewQueue } from '../shared/aws/queues.ts';
import { s3MonitoringStore, s3ReportStore } from '../shared/aws/s3-stores.ts';
import { readEnv } from '../shared/env.ts';
import { createObservability } from '../shared/observability.ts';
import type { ProjectsRepository, ReviewQueue } from '../shared/ports.ts';
import { ENV, LARGE_UPLOAD } from '../shared/resources.ts';
import type { RangeDeps, SplitDeps } from './steps.ts';

const bytesFromEnv = (name: string, fallback: number): number => {
  const raw = process.env[name]?.trim();
  const n = raw ? Number(raw) : fallback;
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`${name} must be a positive whole number of bytes, got ${JSON.stringify(raw)}`);
  return n;
};

/** A port a step never uses (its function has no grant for it): calling it is a bug, said plainly. */
const unused = <T>(step: string, port: string): T =>
  new Proxy({}, { get: () => () => Promise.reject(new Error(`the ${step} step has no ${port} (and no grant for it)`)) }) as T;

/** The split step: the ingest pre-checks (project lookup, rejection reports, submissions and audit events); no review queue. */
export function createSplitDeps(): SplitDeps {
  const env = readEnv([ENV.bucket, ENV.projectsTable, ENV.submissionsTable, ENV.auditTable, ENV.accessTable]);
  const { s3, ddb } = createAwsClients();
  const { logger, metrics } = createObservability('large-upload-split');
  return {
    monitoring: s3MonitoringStore(s3, env[ENV.bucket]),
    // Evidence is tagged with the project's verification body, as the ingest function tags it.
    reports: s3ReportStore(s3, env[ENV.bucket], { tagsFor: evidenceTagsFor(dynamoAccess(ddb, env[ENV.accessTable])) }),
    projects: dynamoProjects(ddb, env[ENV.projectsTable]),
    submissions: dynamoSubmissions(ddb, env[ENV.submissionsTable]),
    reviewQueue: unused<ReviewQueue>('split', 'review queue'),
    // A rejection before the calculation is an upload of the project too: its audit event, as the ingest function writes it.
    audit: dynamoAuditStore(ddb, env[ENV.auditTable]),
    registry,
    now: () => new Date(),
    logger,
    metrics,
    largeUploadBytes: bytesFromEnv(LARGE_UPLOAD.minBytesEnv, LARGE_UPLOAD.defaultMinBytes),
    rangeBytes: bytesFromEnv(LARGE_UPLOAD.rangeBytesEnv, LARGE_UPLOAD.defaultRangeBytes),
  };
}

/** The merge and failure steps: the ingest path's writes (report, result, submission, review item, audit event); no project lookup. */
export function createMergeDeps(): SplitDeps {
  const env = readEnv([ENV.bucket, ENV.submissionsTable, ENV.reviewQueueUrl, ENV.auditTable, ENV.accessTable, ENV.notificationTopic]);
  const { s3, sqs, ddb, sns } = createAwsClients();
  const { logger, metrics } = createObservability('large-upload-merge');
  return {
    monitoring: s3MonitoringStore(s3, env[ENV.bucket]),
    // Evidence is tagged with the project's verification body, as the ingest function tags it.
    reports: s3ReportStore(s3, env[ENV.bucket], { tagsFor: evidenceTagsFor(dynamoAccess(ddb, env[ENV.accessTable])) }),
    projects: unused<ProjectsRepository>('merge', 'projects table'),
    submissions: dynamoSubmissions(ddb, env[ENV.submissionsTable]),
    reviewQueue: sqsReviewQueue(sqs, env[ENV.reviewQueueUrl]),
    // As the ingest function: the upload's item-waiting or report-rejected notification.
    notifier: snsNotifier(sns, env[ENV.notificationTopic], (error, n) =>
      logger.warn('Notification not published', { event: n.event, id: n.id, error: (error as Error)?.message ?? String(error) }),
    ),
    audit: dynamoAuditStore(ddb, env[ENV.auditTable]),
    registry,
    now: () => new Date(),
    logger,
    metrics,
    largeUploadBytes: bytesFromEnv(LARGE_UPLOAD.minBytesEnv, LARGE_UPLOAD.defaultMinBytes),
    rangeBytes: bytesFromEnv(LARGE_UPLOAD.rangeBytesEnv, LARGE_UPLOAD.defaultRangeBytes),
  };
}

/** The range worker reads the upload and writes range results: the bucket only. */
export function createRangeDeps(): RangeDeps {
  const env = readEnv([ENV.bucket]);
  const { s3 } = createAwsClients();
  return { monitoring: s3MonitoringStore(s3, env[ENV.bucket]), reports: s3ReportStore(s3, env[ENV.bucket]), registry };
}
