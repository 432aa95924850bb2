/**
 * The ingest and decision handlers wired to the real AWS adapters over an {@link AwsWorld}.
 */
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { makeHandler as makeIngestHandler } from '../../functions/ingest-upload/handler.ts';
import { withAccess } from '../handlers/access-helpers.ts';
import { makeHandler as makeDecisionHandler } from '../../functions/record-decision/handler.ts';
import { dynamoProjects, dynamoSubmissions } from '../../functions/shared/aws/dynamo-repositories.ts';
import { dynamoLedgerStore } from '../../functions/shared/aws/ledger-store.ts';
import { sqsReviewQueue } from '../../functions/shared/aws/queues.ts';
import { s3MonitoringStore, s3ReportStore } from '../../functions/shared/aws/s3-stores.ts';
import { uploadIdOf } from '../../core/review/upload-id.ts';
import { registry } from '../../methodologies/index.ts';
import { recordingLog, recordingMetrics } from '../handlers/helpers.ts';
import type { AwsWorld } from './aws-world.ts';

export const BUCKET = 'monitoring';
export const QUEUE = 'http://sqs.us-east-1.localhost:4566/000000000000/ReviewQueue';
export const TABLES = { projects: 'Projects', submissions: 'Submissions', ledger: 'Ledger' } as const;

const events = new URL('../events/ingest/', import.meta.url);
export const PROJECT = JSON.parse(readFileSync(new URL('project.json', events), 'utf8')) as { id: string; methodology: string } & Record<string, unknown>;
export const P = PROJECT.id;
export const VALID = readFileSync(new URL('valid.csv', events));
export const INVALID = readFileSync(new URL('invalid.csv', events));
export const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
export const uploadIdFor = (content: Buffer, projectId = P) => uploadIdOf(projectId, sha256(content));

/** A registered project and an uploaded object `key` with `content`. */
export function seed(world: AwsWorld, key: string, content: Buffer, metadata: Record<string, string> = { methodology: PROJECT.methodology }): void {
  world.table(TABLES.projects).set(`${P}\u0000`, { pk: P, ...structuredClone(PROJECT) });
  world.objects.set(key, { body: content, metadata, versionId: 'v1' });
}

export function ingestHandler(world: AwsWorld) {
  const s3 = world.s3Client();
  const ddb = world.ddbClient();
  const logger = recordingLog();
  const metrics = recordingMetrics();
  const handler = makeIngestHandler({
    monitoring: s3MonitoringStore(s3, BUCKET),
    reports: s3ReportStore(s3, BUCKET),
    projects: dynamoProjects(ddb, TABLES.projects),
    submissions: dynamoSubmissions(ddb, TABLES.submissions),
    reviewQueue: sqsReviewQueue(world.sqsClient(), QUEUE),
    registry,
    now: () => new Date('2024-02-01T09:30:00.000Z'),
    logger,
    metrics,
  });
  return { handler, logger, metrics };
}

export function decisionHandler(world: AwsWorld) {
  const ddb = world.ddbClient();
  const logger = recordingLog();
  const metrics = recordingMetrics();
  // Access registers and audit trail in memory (the faults here are those of the submission, ledger and report writes).
  const handler = makeDecisionHandler(
    withAccess({
      submissions: dynamoSubmissions(ddb, TABLES.submissions),
      ledger: dynamoLedgerStore(ddb, TABLES.ledger),
      reports: s3ReportStore(world.s3Client(), BUCKET),
      now: () => new Date('2024-02-03T12:00:05Z'),
      logger,
      metrics,
    }),
  );
  return { handler, logger, metrics };
}
