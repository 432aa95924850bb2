// First: the build-time list of unit-checked modules, before any methodology module is loaded.
import './unit-checks.ts';
import { registry } from '../../methodologies/index.ts';
import { createAwsClients } from '../shared/aws/clients.ts';
import { dynamoAccess } from '../shared/aws/access-store.ts';
import { dynamoAuditStore } from '../shared/aws/audit-store.ts';
import { evidenceTagsFor } from '../shared/evidence-tags.ts';
import { dynamoProjects, dynamoSubmissions } from '../shared/aws/dynamo-repositories.ts';
import { snsNotifier } from '../shared/aws/notifier.ts';
import { sqsReviewQueue } from '../shared/aws/queues.ts';
import { s3MonitoringStore, s3ReportStore } from '../shared/aws/s3-stores.ts';
import { readEnv } from '../shared/env.ts';
import { createObservability } from '../shared/observability.ts';
import { ENV, LARGE_UPLOAD } from '../shared/resources.ts';
import type { IngestDeps } from './ingest.ts';

/** Reads the environment (ConfigError naming every missing variable) and builds the clients. */
export function createDeps(): IngestDeps {
  const env = readEnv([ENV.bucket, ENV.projectsTable, ENV.submissionsTable, ENV.reviewQueueUrl, ENV.auditTable, ENV.accessTable, ENV.notificationTopic]);
  const { s3, sqs, ddb, sns } = createAwsClients();
  const { logger, metrics } = createObservability('ingest-upload');
  return {
    monitoring: s3MonitoringStore(s3, env[ENV.bucket]),
    // Evidence is tagged with the project's verification body: only that body's verifiers may read it.
    reports: s3ReportStore(s3, env[ENV.bucket], { tagsFor: evidenceTagsFor(dynamoAccess(ddb, env[ENV.accessTable])) }),
    projects: dynamoProjects(ddb, env[ENV.projectsTable]),
    submissions: dynamoSubmissions(ddb, env[ENV.submissionsTable]),
    reviewQueue: sqsReviewQueue(sqs, env[ENV.reviewQueueUrl]),
    notifier: snsNotifier(sns, env[ENV.notificationTopic], (error, n) =>
      logger.warn('Notification not published', { event: n.event, id: n.id, error: (error as Error)?.message ?? String(error) }),
    ),
    audit: dynamoAuditStore(ddb, env[ENV.auditTable]),
    registry,
    now: () => new Date(),
    logger,
    metrics,
    // Set by the stack when the Distributed Map path exists: uploads from this size are left to it.
    ...(process.env[LARGE_UPLOAD.minBytesEnv]?.trim() ? { largeUploadBytes: Number(process.env[LARGE_UPLOAD.minBytesEnv]) } : {}),
  };
}
