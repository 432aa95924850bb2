import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { z } from 'zod';
import { sqsBatchHandler } from '../shared/batch.ts';
import { ingestObject, type IngestDeps } from './ingest.ts';

/** An S3 event notification as delivered through SQS (or the one-off `s3:TestEvent`). */
const S3TestEventSchema = z.object({ Event: z.literal('s3:TestEvent') });
const S3NotificationSchema = z.object({
  Records: z.array(
    z.object({
      eventName: z.string(),
      userIdentity: z.object({ principalId: z.string() }).optional(),
      s3: z.object({ bucket: z.object({ name: z.string() }), object: z.object({ key: z.string() }) }),
    }),
  ),
});

/**
 * Ingest: S3 object-created event (bucket → ingest queue → here) → validate, calculate, report,
 * queue for review. Bad data never throws (it becomes a report); only system faults fail the record.
 */
export const makeHandler = (deps: IngestDeps) =>
  sqsBatchHandler(deps, async (record: SQSRecord) => {
    let body: unknown;
    try {
      body = JSON.parse(record.body);
    } catch {
      body = undefined;
    }
    if (S3TestEventSchema.safeParse(body).success) return; // sent once when the notification is configured
    const parsed = S3NotificationSchema.safeParse(body);
    if (!parsed.success) {
      // Not an S3 notification: a misrouted message. Retrying cannot help; log it and drop it.
      deps.logger.error('Ignoring a message that is not an S3 event notification', { messageId: record.messageId });
      deps.metrics.count('IngestMessagesInvalid');
      return;
    }
    for (const r of parsed.data.Records) {
      if (!r.eventName.startsWith('ObjectCreated:')) {
        // The bucket notifies object creation only; a deletion, restore or replication event is not an upload.
        deps.logger.warn('Ignoring an S3 event that is not an object creation', { eventName: r.eventName, key: r.s3.object.key });
        deps.metrics.count('IngestEventsIgnored');
        continue;
      }
      // S3 names the requester `AWS:<unique id>`; the audit trail names IAM principals `iam:<unique id>`, as decisions do.
      const principalId = r.userIdentity?.principalId;
      const uploader = principalId ? `iam:${principalId.replace(/^AWS:/, '')}` : undefined;
      await ingestObject(deps, r.s3.object.key, uploader ? { uploader } : {});
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
