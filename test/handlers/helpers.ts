import type { SQSEvent } from 'aws-lambda';
import type { Decision } from '../../core/review/schemas.ts';
import type { Submission } from '../../core/review/submission.ts';
import type { Log, MetricSink } from '../../functions/shared/observability.ts';
import type { ReportStore, SubmissionsRepository } from '../../functions/shared/ports.ts';
import { TEST_SENDER } from './access-helpers.ts';

export function sqsEvent(...bodies: string[]): SQSEvent {
  return sqsEventFrom(TEST_SENDER, ...bodies);
}

/** An SQS event as Lambda delivers it; `senderId` is the SenderId system attribute SQS sets from the sender's credentials. */
export function sqsEventFrom(senderId: string, ...bodies: string[]): SQSEvent {
  return {
    Records: bodies.map((body, i) => ({
      messageId: `m-${i + 1}`,
      receiptHandle: `rh-${i + 1}`,
      body,
      attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: senderId, ApproximateFirstReceiveTimestamp: '0' },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:IngestQueue',
      awsRegion: 'us-east-1',
    })),
  };
}

/** The body S3 puts on the queue for an object-created event (key URL-encoded as S3 does). */
/**
 * One S3 event notification record as S3 sends it (event version 2.1: every field the ingest handler's
 * Powertools schema requires), for a key that is already URL-encoded as S3 encodes it.
 */
export const s3EventRecord = (encodedKey: string, options: { eventName?: string; bucket?: string; principalId?: string; sourceIPAddress?: string } = {}) => ({
  eventVersion: '2.1',
  eventSource: 'aws:s3',
  awsRegion: 'us-east-1',
  eventTime: '2024-06-01T08:00:00.000Z',
  eventName: options.eventName ?? 'ObjectCreated:Put',
  userIdentity: { principalId: options.principalId ?? 'AWS:AIDATESTSITE' },
  requestParameters: { sourceIPAddress: options.sourceIPAddress ?? '203.0.113.7' },
  responseElements: { 'x-amz-request-id': 'C3D13FE58DE4C810', 'x-amz-id-2': 'FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD' },
  s3: {
    s3SchemaVersion: '1.0',
    configurationId: 'uploads-object-created',
    bucket: {
      name: options.bucket ?? 'monitoring',
      ownerIdentity: { principalId: 'A3NL1KOZZKExample' },
      arn: `arn:aws:s3:::${options.bucket ?? 'monitoring'}`,
    },
    object: { key: encodedKey, size: 1, eTag: 'd41d8cd98f00b204e9800998ecf8427e', sequencer: '0055AED6DCD90281E5' },
  },
});

/** S3 URL-encodes the key in notifications (space as `+`, `/` kept). */
const encodeKey = (key: string) => encodeURIComponent(key).replace(/%2F/g, '/').replace(/%20/g, '+');

export const s3EventBody = (key: string, bucket = 'monitoring') => JSON.stringify({ Records: [s3EventRecord(encodeKey(key), { bucket })] });

export function recordingLog(): Log & { lines: { level: string; message: string; extra: object[] }[] } {
  const lines: { level: string; message: string; extra: object[] }[] = [];
  const at =
    (level: string) =>
    (message: string, ...extra: object[]) =>
      void lines.push({ level, message, extra });
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

export function recordingMetrics(): MetricSink & { counts: Record<string, number> } {
  const counts: Record<string, number> = {};
  return { counts, count: (name, value = 1) => void (counts[name] = (counts[name] ?? 0) + value), flush: () => undefined };
}

/** Submissions with the DynamoDB adapter's conditional semantics (functions/shared/aws/dynamo-repositories.ts). */
export class FakeSubmissions implements SubmissionsRepository {
  readonly items = new Map<string, Submission>();
  private tick = async () => {
    for (let i = 0; i < Math.floor(Math.random() * 3); i++) await new Promise((r) => setImmediate(r));
  };
  async get(uploadId: string) {
    await this.tick();
    const s = this.items.get(uploadId);
    return s ? structuredClone(s) : undefined;
  }
  async create(s: Submission) {
    await this.tick();
    if (this.items.has(s.uploadId)) return false;
    this.items.set(s.uploadId, structuredClone(s));
    return true;
  }
  async markQueued(uploadId: string, at: string) {
    const s = this.items.get(uploadId);
    if (s) this.items.set(uploadId, { ...s, queuedAt: at });
  }
  async claimDecision(uploadId: string, decision: Decision, at: string) {
    await this.tick();
    const s = this.items.get(uploadId);
    if (!s || s.decision || s.status !== 'pending-review') return false;
    this.items.set(uploadId, { ...s, decision: structuredClone(decision), updatedAt: at });
    return true;
  }
  async finalise(uploadId: string, u: Parameters<SubmissionsRepository['finalise']>[1]) {
    await this.tick();
    const s = this.items.get(uploadId);
    if (!s || (s.status !== 'pending-review' && s.status !== u.status)) return false;
    this.items.set(uploadId, {
      ...s,
      status: u.status,
      updatedAt: u.at,
      ...(u.ledger ? { ledger: u.ledger } : {}),
      ...(u.statusReason ? { statusReason: u.statusReason } : {}),
    });
    return true;
  }
}

export class FakeReports implements ReportStore {
  readonly objects = new Map<string, string>();
  async putJson(key: string, value: unknown) {
    this.objects.set(key, JSON.stringify(value));
  }
  async putText(key: string, text: string) {
    this.objects.set(key, text);
  }
  async exists(key: string) {
    return this.objects.has(key);
  }
  async getJson<T>(key: string) {
    const t = this.objects.get(key);
    return t === undefined ? undefined : (JSON.parse(t) as T);
  }
}
