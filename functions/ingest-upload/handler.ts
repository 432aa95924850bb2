import { JSONStringified } from '@aws-lambda-powertools/parser/helpers';
import { S3Schema } from '@aws-lambda-powertools/parser/schemas/s3';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { z } from 'zod';
import { MrvError } from '../../core/errors.ts';
import { sqsBatchHandler } from '../shared/batch.ts';
import { ingestObject, type IngestDeps } from './ingest.ts';

/**
 * An S3 event notification record as S3 sends it, validated by Powertools' parser schema (S3Schema), with
 * one relaxation: Powertools 2.35 accepts only an IPv4 address (or `s3.amazonaws.com`) as the requester's
 * `sourceIPAddress`, but S3's dual-stack endpoints put IPv6 addresses there, and an upload must never be
 * refused for the address it came from.
 */
const S3Record = S3Schema.shape.Records.element.extend({ requestParameters: z.object({ sourceIPAddress: z.string() }) });
/** The body of an ingest-queue message: the one-off `s3:TestEvent` (sent when the notification is configured), or an S3 event notification. */
const IngestMessageBody = JSONStringified(z.union([z.object({ Event: z.literal('s3:TestEvent') }), z.object({ Records: z.array(S3Record).min(1) })]));

/** A message on the ingest queue that is not an S3 event notification: the record fails (retried, then the DLQ alarms), so nothing is dropped silently. */
export class NotAnS3Notification extends MrvError {
  override name = 'NotAnS3Notification';
  constructor(messageId: string, problem: string) {
    super('ingest.not_s3_notification', `Ingest: message ${messageId} is not an S3 event notification (${problem}); the record fails.`, { expose: false });
  }
}

/**
 * Ingest: S3 object-created event (bucket → ingest queue → here) → validate, calculate, report,
 * queue for review. Bad data never throws (it becomes a report); only system faults, and messages
 * that are not S3 notifications, fail the record.
 */
export const makeHandler = (deps: IngestDeps) =>
  sqsBatchHandler(deps, async (record: SQSRecord) => {
    const parsed = IngestMessageBody.safeParse(record.body);
    if (!parsed.success) {
      const problem = parsed.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.') || 'body'}: ${i.message}`)
        .join('; ');
      deps.logger.error('A message that is not an S3 event notification: the record fails (DLQ alarm)', { messageId: record.messageId, problem });
      deps.metrics.count('IngestMessagesInvalid');
      throw new NotAnS3Notification(record.messageId, problem);
    }
    if (!('Records' in parsed.data)) return; // s3:TestEvent
    for (const r of parsed.data.Records) {
      if (!r.eventName.startsWith('ObjectCreated:')) {
        // The bucket notifies object creation only; a deletion, restore or replication event is not an upload.
        deps.logger.warn('Ignoring an S3 event that is not an object creation', { eventName: r.eventName, key: r.s3.object.key });
        deps.metrics.count('IngestEventsIgnored');
        continue;
      }
      // S3 names the requester `AWS:<unique id>`; the audit trail names IAM principals `iam:<unique id>`, as decisions do.
      const uploader = `iam:${r.userIdentity.principalId.replace(/^AWS:/, '')}`;
      await ingestObject(deps, r.s3.object.key, { uploader });
    }
  });

let cached: ((event: SQSEvent) => Promise<SQSBatchResponse>) | undefined;

/**
 * The Lambda entry point. Dependencies (env, SDK clients, registry) are built once per container, on
 * the first invocation: ./deps.ts is imported lazily so tests of `makeHandler` never load them.
 */
export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  cached ??= makeHandler((await import('./deps.ts')).createDeps());
  return cached(event);
};
