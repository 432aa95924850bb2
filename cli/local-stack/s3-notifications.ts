import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { S3Event, S3EventRecord } from 'aws-lambda';
import type { FauxqsServer, S3SpyEvent, SpyMessage } from 'fauxqs';

/**
 * S3 event notifications for fauxqs, which has none: the bucket's object-created events are read from
 * the fauxqs message spy and sent to the ingest queue as S3 sends them (an S3 event notification
 * JSON body), so the ingest handler receives exactly what it receives in AWS.
 */

/** S3 URL-encodes the key in notifications (space as `+`, `/` kept). */
export const encodeS3EventKey = (key: string) => encodeURIComponent(key).replace(/%2F/g, '/').replace(/%20/g, '+');

/** One S3 event notification record (event version 2.1) for an object-created spy event. Pure. */
export function toS3EventRecord(
  event: Pick<S3SpyEvent, 'bucket' | 'key' | 'status' | 'timestamp'>,
  details: { region: string; size?: number; eTag?: string; configurationId?: string; principalId?: string },
): S3EventRecord {
  const time = new Date(event.timestamp);
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: details.region,
    eventTime: time.toISOString(),
    eventName: event.status === 'copied' ? 'ObjectCreated:Copy' : 'ObjectCreated:Put',
    userIdentity: { principalId: details.principalId ?? 'local' },
    requestParameters: { sourceIPAddress: '127.0.0.1' },
    responseElements: { 'x-amz-request-id': 'local', 'x-amz-id-2': 'local' },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: details.configurationId ?? 'local-object-created',
      bucket: { name: event.bucket, ownerIdentity: { principalId: 'local' }, arn: `arn:aws:s3:::${event.bucket}` },
      object: {
        key: encodeS3EventKey(event.key),
        size: details.size ?? 0,
        eTag: details.eTag ?? '',
        sequencer: time.getTime().toString(16).toUpperCase().padStart(16, '0'),
      },
    },
  };
}

const isObjectCreated = (m: SpyMessage): m is S3SpyEvent => m.service === 's3' && (m.status === 'uploaded' || m.status === 'copied');

export interface SpyWatcher {
  stop(): Promise<void>;
}

/**
 * Calls `onEvent` once for every spy event matching `filter`, in arrival order, including those already
 * in the buffer when it starts (fauxqs resolves waits retroactively; a WeakSet of handled events,
 * which are the buffer's own objects, skips repeats). Events are handled one at a time; an error in
 * `onEvent` is reported to `onError` and the loop goes on.
 */
export function watchSpy<E extends SpyMessage>(
  fauxqs: FauxqsServer,
  filter: (m: SpyMessage) => m is E,
  onEvent: (event: E) => Promise<void>,
  onError: (error: unknown, event: E) => void,
): SpyWatcher {
  const seen = new WeakSet<object>();
  let stopping = false;
  const loop = (async () => {
    while (!stopping) {
      let event: E;
      try {
        // A short timeout so `stop()` is noticed; the wait itself wakes as soon as an event arrives.
        event = (await fauxqs.spy.waitForMessage((m) => filter(m) && !seen.has(m), undefined, 250)) as E;
      } catch {
        continue;
      }
      seen.add(event);
      try {
        await onEvent(event);
      } catch (error) {
        onError(error, event);
      }
    }
  })();
  return {
    async stop() {
      stopping = true;
      await loop;
    },
  };
}

/**
 * The bucket notification of the CDK stack (OBJECT_CREATED, prefix `uploads/` → ingest queue), for
 * fauxqs: each object-created event under `prefix` becomes an S3 event notification message on the queue.
 */
export function startS3NotificationBridge(x: {
  fauxqs: FauxqsServer;
  s3: S3Client;
  sqs: SQSClient;
  bucket: string;
  prefix: string;
  queueUrl: string;
  region: string;
  onError: (error: unknown, key: string) => void;
  putterOf?: (bucket: string, key: string) => string | undefined;
}): SpyWatcher {
  const matches = (m: SpyMessage): m is S3SpyEvent => isObjectCreated(m) && m.bucket === x.bucket && m.key.startsWith(x.prefix);
  return watchSpy(
    x.fauxqs,
    matches,
    async (event) => {
      // Size and ETag as S3 reports them; the object may be gone already (then the handler skips it).
      const head = await x.s3.send(new HeadObjectCommand({ Bucket: event.bucket, Key: event.key })).catch(() => undefined);
      // Who put it, as S3 names the requester (the gateway saw the authorized PUT).
      const principalId = x.putterOf?.(event.bucket, event.key);
      const body: S3Event = {
        Records: [
          toS3EventRecord(event, {
            region: x.region,
            ...(head?.ContentLength !== undefined ? { size: head.ContentLength } : {}),
            ...(head?.ETag ? { eTag: head.ETag.replace(/"/g, '') } : {}),
            ...(principalId ? { principalId } : {}),
          }),
        ],
      };
      await x.sqs.send(new SendMessageCommand({ QueueUrl: x.queueUrl, MessageBody: JSON.stringify(body) }));
    },
    (error, event) => x.onError(error, event.key),
  );
}
