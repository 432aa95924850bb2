// The Distributed Map path for large uploads (functions/large-upload/steps.ts), step by step as the state
// machine runs it, over the real S3/DynamoDB/SQS adapters with mocked clients: split → range batches
// (through JSON, as Step Functions passes them) → merge → the same records the ingest function writes.
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { createHash } from 'node:crypto';
import {
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  type GetObjectCommandInput,
  type PutObjectCommandInput,
} from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { sdkStreamMixin } from '@smithy/core/serde';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { PortError } from '../../core/errors.ts';
import { uploadIdOf } from '../../core/review/upload-id.ts';
import { registry } from '../../methodologies/index.ts';
import { ingestObject, type IngestDeps } from '../../functions/ingest-upload/ingest.ts';
import {
  calculateRangeBatch,
  failLargeUpload,
  mergeUpload,
  splitUpload,
  type RangeBatch,
  type SplitDeps,
  type SplitOutput,
} from '../../functions/large-upload/steps.ts';
import { notificationKey } from '../../functions/large-upload/split-handler.ts';
import { classifyUploadKey } from '../../functions/ingest-upload/ingest.ts';
import { dynamoProjects, dynamoSubmissions } from '../../functions/shared/aws/dynamo-repositories.ts';
import { sqsReviewQueue } from '../../functions/shared/aws/queues.ts';
import { s3MonitoringStore, s3ReportStore } from '../../functions/shared/aws/s3-stores.ts';
import { recordingLog, recordingMetrics } from './helpers.ts';

const events = new URL('../events/ingest/', import.meta.url);
const project = JSON.parse(readFileSync(new URL('project.json', events), 'utf8'));
const valid = readFileSync(new URL('valid.csv', events));
const P = project.id as string;
const QUEUE = 'http://sqs.us-east-1.localhost:4566/000000000000/ReviewQueue';

const s3Mock = mockClient(S3Client);
const sqsMock = mockClient(SQSClient);
const ddbMock = mockClient(DynamoDBDocumentClient);

/** The bucket, in memory: ranged GETs answered from the bytes, PUTs kept. */
const objects = new Map<string, Buffer>();
let failRangeGets = false;
const notFound = (name = 'NotFound') => new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: 404 } });
const body = (b: Buffer) => sdkStreamMixin(Readable.from([b])) as never;

function deps(
  options: { largeUploadBytes?: number } = {},
): SplitDeps & { logger: ReturnType<typeof recordingLog>; metrics: ReturnType<typeof recordingMetrics> } {
  const s3 = new S3Client({ region: 'us-east-1' });
  const sqs = new SQSClient({ region: 'us-east-1', useQueueUrlAsEndpoint: false });
  const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
  return {
    monitoring: s3MonitoringStore(s3, 'monitoring'),
    reports: s3ReportStore(s3, 'monitoring'),
    projects: dynamoProjects(ddb, 'Projects'),
    submissions: dynamoSubmissions(ddb, 'Submissions'),
    reviewQueue: sqsReviewQueue(sqs, QUEUE),
    registry,
    now: () => new Date('2024-02-01T09:30:00.000Z'),
    logger: recordingLog(),
    metrics: recordingMetrics(),
    largeUploadBytes: options.largeUploadBytes ?? 1000,
    rangeBytes: 700,
  };
}

beforeEach(() => {
  s3Mock.reset();
  sqsMock.reset();
  ddbMock.reset();
  objects.clear();
  failRangeGets = false;
  s3Mock.on(HeadObjectCommand).callsFake((input: { Key: string }) => {
    const b = objects.get(input.Key);
    if (!b) throw notFound();
    return { ContentLength: b.length, VersionId: 'v1', Metadata: { methodology: 'grid-renewable@1.0.0' } };
  });
  s3Mock.on(GetObjectCommand).callsFake((input: GetObjectCommandInput) => {
    const b = objects.get(input.Key!);
    if (!b) throw notFound('NoSuchKey');
    const m = input.Range ? /^bytes=(\d+)-(\d+)$/.exec(input.Range) : null;
    if (m && failRangeGets && input.Key!.startsWith('uploads/') && Number(m[1]) > 0)
      throw new S3ServiceException({ name: 'InternalError', $fault: 'server', $metadata: { httpStatusCode: 500 } });
    return { Body: body(m ? b.subarray(Number(m[1]), Number(m[2]) + 1) : b) };
  });
  s3Mock.on(PutObjectCommand).callsFake((input: PutObjectCommandInput) => {
    objects.set(input.Key!, Buffer.from(String(input.Body)));
    return {};
  });
  ddbMock.on(GetCommand, { TableName: 'Projects' }).resolves({ Item: { pk: P, ...project } });
  ddbMock.on(GetCommand, { TableName: 'Submissions' }).resolves({});
  ddbMock.on(PutCommand).resolves({});
  ddbMock.on(UpdateCommand).resolves({});
  sqsMock.on(SendMessageCommand).resolves({ MessageId: '1' });
});

const viaJson = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;
const stored = (prefix: string) => [...objects.keys()].filter((k) => k.startsWith(prefix)).sort();
const json = (key: string) => JSON.parse(objects.get(key)!.toString()) as Record<string, unknown>;

/** Runs the state machine's steps in order: split, the Map in batches of 2 items, merge. */
async function runMachine(d: SplitDeps, key: string): Promise<{ split: SplitOutput; outcome?: string }> {
  const split = viaJson(await splitUpload(d, key));
  if (split.kind !== 'split') return { split };
  const { ranges, rangeCount: _n, kind: _k, ...shared } = split;
  for (let i = 0; i < ranges.length; i += 2) {
    const batch: RangeBatch = viaJson({ BatchInput: shared, Items: ranges.slice(i, i + 2) });
    await calculateRangeBatch(d, batch);
  }
  const outcome = await mergeUpload(d, viaJson({ ctx: split.ctx, runId: split.runId, rangeCount: split.rangeCount }));
  return { split, outcome };
}

describe('the key of an EventBridge event (not URL-encoded)', () => {
  it.each(['uploads/p-1/June 2015 (1).csv', 'uploads/p-1/a+b%20c:d.csv', 'uploads/p-1/sub/ü ß.csv'])('%s reads back as the same key', (key) => {
    expect(classifyUploadKey(notificationKey(key))).toMatchObject({ kind: 'upload', key });
  });
});

describe('large uploads: split → ranges → merge', () => {
  it('an accepted CSV in byte ranges leaves the records the ingest function leaves, with the same result', async () => {
    const key = `uploads/${P}/june.csv`;
    // One pass first (the ingest function, no threshold), as the reference; then the same file through the machine.
    objects.set(key, valid);
    const single = deps();
    expect(await ingestObject({ ...single, largeUploadBytes: undefined } as IngestDeps, key)).toBe('accepted');
    const oneId = uploadIdOf(P, createHash('sha256').update(valid).digest('hex'));
    const oneResult = json(`results/${P}/${oneId}.json`);
    objects.clear();
    objects.set(key, valid);
    sqsMock.resetHistory();

    const d = deps();
    const { split, outcome } = await runMachine(d, key);
    expect(split.kind).toBe('split');
    expect(split.kind === 'split' && split.rangeCount).toBeGreaterThanOrEqual(4);
    expect(outcome).toBe('accepted');
    const [resultKey] = stored('results/');
    const result = json(resultKey!);
    const { file: f1, ...rest1 } = result;
    const { file: f2, ...rest2 } = oneResult;
    expect(rest1).toEqual(rest2);
    expect(f1).toMatchObject({ name: 'june.csv', format: 'csv', bytes: valid.length });
    expect((f1 as { sha256: string }).sha256).not.toBe((f2 as { sha256: string }).sha256); // named by its ranges' hashes (documented)
    const uploadId = uploadIdOf(P, (f1 as { sha256: string }).sha256);
    expect(stored(`reports/${P}/${uploadId}`)).toHaveLength(2);
    expect(stored(`partials/${P}/${uploadId}`)).toHaveLength(1);
    expect(stored(`partials/${P}/ranges/`)).toHaveLength(split.kind === 'split' ? split.rangeCount : 0);
    expect(ddbMock).toHaveReceivedCommandWith(PutCommand, {
      TableName: 'Submissions',
      Item: expect.objectContaining({ pk: uploadId, status: 'pending-review' }),
    });
    expect(sqsMock).toHaveReceivedCommandTimes(SendMessageCommand, 1);
  });

  it('the ingest function leaves an upload from the threshold on to the Distributed Map path', async () => {
    const key = `uploads/${P}/big.csv`;
    objects.set(key, valid);
    const d = deps();
    expect(await ingestObject(d, key)).toBe('skipped');
    expect(stored('reports/')).toEqual([]);
    expect(d.metrics.counts).toMatchObject({ UploadsToDistributedMap: 1 });
    // …and the splitter leaves one below it to the ingest function.
    expect(await splitUpload(deps({ largeUploadBytes: valid.length + 1 }), key)).toEqual({ kind: 'done', outcome: 'skipped' });
  });

  it('a large file that is not CSV, or cannot be cut safely, gets a rejection report (file.not_calculated) and no result', async () => {
    const xlsx = `uploads/${P}/big.xlsx`;
    objects.set(xlsx, valid);
    expect(await splitUpload(deps(), xlsx)).toEqual({ kind: 'done', outcome: 'rejected' });
    const quoted = `uploads/${P}/quoted.csv`;
    objects.set(quoted, Buffer.from(valid.toString().replace(/,0\n/g, ',"0"\n')));
    expect(await splitUpload(deps(), quoted)).toEqual({ kind: 'done', outcome: 'rejected' });
    const reports = stored('reports/')
      .filter((k) => k.endsWith('.json'))
      .map(json);
    const first = reports.map((r) => (r.diagnostics as { code: string; message: string }[])[0]);
    expect(first).toHaveLength(2);
    expect(first).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'file.not_calculated', message: expect.stringMatching(/only CSV allows/) }),
        expect.objectContaining({ code: 'file.not_calculated', message: expect.stringMatching(/cannot be cut safely: .*quote/) }),
      ]),
    );
    expect(stored('results/')).toEqual([]);
    expect(ddbMock).toHaveReceivedCommandWith(PutCommand, { TableName: 'Submissions', Item: expect.objectContaining({ status: 'rejected' }) });
  });

  it('a range whose read fails throws a retriable error (the Map retries it, then fails the upload)', async () => {
    const key = `uploads/${P}/june.csv`;
    objects.set(key, valid);
    const d = deps();
    const split = viaJson(await splitUpload(d, key));
    if (split.kind !== 'split') throw new Error('not split');
    failRangeGets = true;
    const { ranges, rangeCount: _n, kind: _k, ...shared } = split;
    await expect(calculateRangeBatch(d, { BatchInput: shared, Items: ranges.slice(1, 2) })).rejects.toBeInstanceOf(PortError);
    // The merge refuses to run without every range's result.
    await expect(mergeUpload(d, { ctx: split.ctx, runId: split.runId, rangeCount: split.rangeCount })).rejects.toThrow(/range 0 .* is missing/);
    expect(stored('results/')).toEqual([]);
  });

  it('the failure step writes a rejection report and a rejected submission, never a result or a partial', async () => {
    const key = `uploads/${P}/june.csv`;
    objects.set(key, valid);
    const d = deps();
    const split = viaJson(await splitUpload(d, key));
    if (split.kind !== 'split') throw new Error('not split');
    expect(await failLargeUpload(d, { ctx: split.ctx, error: { Error: 'States.ExceedToleratedFailureThreshold', Cause: '…' } })).toBe('rejected');
    const [report] = stored('reports/')
      .filter((k) => k.endsWith('.json'))
      .map(json);
    expect(report).toMatchObject({
      status: 'rejected',
      diagnostics: [{ code: 'file.not_calculated', message: expect.stringMatching(/failed after its retries \(States\.ExceedToleratedFailureThreshold\)/) }],
    });
    expect(stored('results/')).toEqual([]);
    expect(stored(`partials/${P}/`).filter((k) => !k.includes('/ranges/'))).toEqual([]);
    expect(sqsMock).not.toHaveReceivedCommand(SendMessageCommand);
    expect(ddbMock).toHaveReceivedCommandWith(PutCommand, { TableName: 'Submissions', Item: expect.objectContaining({ status: 'rejected' }) });
  });

  it('a reading duplicated across two ranges is found by the merge: the upload is rejected, nothing queued', async () => {
    // Hourly monitoring in the registration: a second reading for one hour is a duplicate (one pass rejects it too).
    ddbMock.on(GetCommand, { TableName: 'Projects' }).resolves({ Item: { pk: P, ...project, monitoringIntervalMinutes: 60 } });
    const key = `uploads/${P}/dup.csv`;
    const text = valid.toString();
    const firstRow = text.split('\n')[1]!;
    objects.set(key, Buffer.from(`${text}${firstRow}\n`));
    const { outcome } = await runMachine(deps(), key);
    expect(outcome).toBe('rejected');
    const [report] = stored('reports/')
      .filter((k) => k.endsWith('.json'))
      .map(json);
    expect((report!.diagnostics as { code: string }[]).map((x) => x.code)).toContain('period.duplicate_timestamp');
    expect(stored('results/')).toEqual([]);
    expect(sqsMock).not.toHaveReceivedCommand(SendMessageCommand);
  });
});
