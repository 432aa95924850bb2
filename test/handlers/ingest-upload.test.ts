import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { sdkStreamMixin } from '@smithy/core/serde';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { ReviewItemSchema } from '../../core/review/schemas.ts';
import { uploadIdOf } from '../../core/review/upload-id.ts';
import { registry } from '../../methodologies/index.ts';
import { makeHandler } from '../../functions/ingest-upload/handler.ts';
import { dynamoProjects, dynamoSubmissions } from '../../functions/shared/aws/dynamo-repositories.ts';
import { sqsReviewQueue } from '../../functions/shared/aws/queues.ts';
import { s3MonitoringStore, s3ReportStore } from '../../functions/shared/aws/s3-stores.ts';
import { XLSX_LIMIT } from '../../functions/shared/resources.ts';
import { recordingLog, recordingMetrics, s3EventBody, s3EventRecord, sqsEvent } from './helpers.ts';
import { createHash } from 'node:crypto';
import { MemoryAuditStore } from '../../core/audit/fake-store.ts';
import { verifyAuditChain } from '../../core/audit/audit.ts';

const events = new URL('../events/ingest/', import.meta.url);
const project = JSON.parse(readFileSync(new URL('project.json', events), 'utf8'));
const valid = readFileSync(new URL('valid.csv', events));
const invalid = readFileSync(new URL('invalid.csv', events));
const P = project.id as string;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const QUEUE = 'http://sqs.us-east-1.localhost:4566/000000000000/ReviewQueue';

const s3Mock = mockClient(S3Client);
const sqsMock = mockClient(SQSClient);
const ddbMock = mockClient(DynamoDBDocumentClient);

function setup(extra: { audit?: MemoryAuditStore } = {}) {
  const s3 = new S3Client({ region: 'us-east-1' });
  const sqs = new SQSClient({ region: 'us-east-1', useQueueUrlAsEndpoint: false });
  const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
  const logger = recordingLog();
  const metrics = recordingMetrics();
  const handler = makeHandler({
    monitoring: s3MonitoringStore(s3, 'monitoring'),
    reports: s3ReportStore(s3, 'monitoring'),
    projects: dynamoProjects(ddb, 'Projects'),
    submissions: dynamoSubmissions(ddb, 'Submissions'),
    reviewQueue: sqsReviewQueue(sqs, QUEUE),
    registry,
    now: () => new Date('2024-02-01T09:30:00.000Z'),
    logger,
    metrics,
    ...extra,
  });
  return { handler, logger, metrics };
}

const body = (b: Buffer | string) => sdkStreamMixin(Readable.from([typeof b === 'string' ? Buffer.from(b) : b])) as never;
const notFound = () => new S3ServiceException({ name: 'NotFound', $fault: 'client', $metadata: { httpStatusCode: 404 } });

/** An upload `uploads/<P>/<name>` with this content, a registered project, and no submission yet. */
function given(name: string, content: Buffer, opts: { metadata?: Record<string, string>; projectItem?: unknown } = {}) {
  const key = `uploads/${P}/${name}`;
  s3Mock.on(HeadObjectCommand).rejects(notFound());
  s3Mock
    .on(HeadObjectCommand, { Key: key })
    .resolves({ ContentLength: content.length, VersionId: 'v1', Metadata: opts.metadata ?? { methodology: 'grid-renewable@1.0.0' } });
  s3Mock.on(GetObjectCommand, { Key: key }).callsFake(() => ({ Body: body(content) }));
  s3Mock.on(PutObjectCommand).resolves({});
  ddbMock
    .on(GetCommand, { TableName: 'Projects' })
    .resolves({ Item: 'projectItem' in opts ? (opts.projectItem as Record<string, unknown>) : { pk: P, ...project } });
  ddbMock.on(GetCommand, { TableName: 'Submissions' }).resolves({});
  ddbMock.on(PutCommand).resolves({});
  ddbMock.on(UpdateCommand).resolves({});
  sqsMock.on(SendMessageCommand).resolves({ MessageId: '1' });
  return { key, uploadId: uploadIdOf(P, sha(content)) };
}

const putKeys = () => s3Mock.commandCalls(PutObjectCommand).map((c) => c.args[0].input.Key);

beforeEach(() => {
  s3Mock.reset();
  sqsMock.reset();
  ddbMock.reset();
});

describe('ingest-upload handler', () => {
  it('accepted file → result + report (json, txt) + pending-review submission + ReviewItem on the queue', async () => {
    const { key, uploadId } = given('june.csv', valid);
    const { handler, metrics } = setup();
    const res = await handler(sqsEvent(s3EventBody(key)));
    expect(res.batchItemFailures).toEqual([]);

    expect(s3Mock).toHaveReceivedCommandWith(GetObjectCommand, { Bucket: 'monitoring', Key: key, VersionId: 'v1' });
    expect(putKeys().sort()).toEqual([
      `partials/${P}/${uploadId}.json`,
      `reports/${P}/${uploadId}.json`,
      `reports/${P}/${uploadId}.txt`,
      `results/${P}/${uploadId}.json`,
    ]);
    const result = JSON.parse(String(s3Mock.commandCalls(PutObjectCommand).find((c) => c.args[0].input.Key!.startsWith('results/'))!.args[0].input.Body));
    const partial = JSON.parse(String(s3Mock.commandCalls(PutObjectCommand).find((c) => c.args[0].input.Key!.startsWith('partials/'))!.args[0].input.Body));
    expect(partial).toMatchObject({ kind: 'mrv.partial', projectId: P, rows: result.rows, parts: [{ name: 'june.csv', sha256: sha(valid) }] });
    expect(result).toMatchObject({ status: 'accepted', totals: { ER: '744.744484' } });
    expect(result.trace.length).toBeGreaterThan(0);

    expect(ddbMock).toHaveReceivedCommandWith(PutCommand, {
      TableName: 'Submissions',
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: expect.objectContaining({
        pk: uploadId,
        status: 'pending-review',
        projectId: P,
        er: '744.744484',
        period: { start: '2015-05-31T00:00:00+00:00', end: '2015-06-04T00:00:00+00:00', timeZone: 'UTC' },
      }),
    });
    expect(sqsMock).toHaveReceivedCommandTimes(SendMessageCommand, 1);
    const sent = sqsMock.commandCalls(SendMessageCommand)[0]!.args[0].input;
    expect(sent.QueueUrl).toBe(QUEUE);
    const item = ReviewItemSchema.parse(JSON.parse(sent.MessageBody!));
    expect(item).toMatchObject({
      uploadId,
      projectId: P,
      file: { key, sha256: sha(valid), versionId: 'v1' },
      methodology: { id: 'grid-renewable', version: '1.0.0' },
      issuable: { units: '744' },
      resultKey: `results/${P}/${uploadId}.json`,
    });
    expect(ddbMock).toHaveReceivedCommandWith(UpdateCommand, { TableName: 'Submissions', Key: { pk: uploadId }, UpdateExpression: 'SET queuedAt = :at' });
    expect(metrics.counts).toMatchObject({ UploadsAccepted: 1 });
  });

  it('rejected file → report written, submission rejected; no result, no SendMessage, nothing in any ledger', async () => {
    const { key, uploadId } = given('bad.csv', invalid);
    const { handler } = setup();
    expect((await handler(sqsEvent(s3EventBody(key)))).batchItemFailures).toEqual([]);
    expect(putKeys().sort()).toEqual([`reports/${P}/${uploadId}.json`, `reports/${P}/${uploadId}.txt`]);
    const text = String(s3Mock.commandCalls(PutObjectCommand).find((c) => c.args[0].input.Key!.endsWith('.txt'))!.args[0].input.Body);
    expect(text).toMatch(/REJECTED/);
    expect(text).toMatch(/Nothing was queued for review/);
    expect(ddbMock).toHaveReceivedCommandWith(PutCommand, {
      TableName: 'Submissions',
      Item: expect.objectContaining({ status: 'rejected', validation: 'rejected' }),
    });
    expect(sqsMock).not.toHaveReceivedCommand(SendMessageCommand);
    expect(ddbMock.commandCalls(PutCommand).filter((c) => c.args[0].input.TableName !== 'Submissions')).toHaveLength(0);
    expect(s3Mock).not.toHaveReceivedCommandWith(PutObjectCommand, { Key: `uploads/${P}/bad.csv` }); // raw file untouched
  });

  it('methodology metadata naming another version → rejected with project.methodology_mismatch', async () => {
    const { key, uploadId } = given('june.csv', valid, { metadata: { methodology: 'grid-renewable@0.9.0' } });
    const { handler } = setup();
    await handler(sqsEvent(s3EventBody(key)));
    const report = JSON.parse(
      String(s3Mock.commandCalls(PutObjectCommand).find((c) => c.args[0].input.Key === `reports/${P}/${uploadId}.json`)!.args[0].input.Body),
    );
    expect(report).toMatchObject({
      status: 'rejected',
      stage: 'pre-check',
      diagnostics: [{ code: 'project.methodology_mismatch', actual: '"grid-renewable@0.9.0"', expected: 'grid-renewable@1.0.0' }],
      upload: { uploadId, key },
    });
    expect(ddbMock).toHaveReceivedCommandWith(PutCommand, { TableName: 'Submissions', Item: expect.objectContaining({ status: 'rejected' }) });
    expect(sqsMock).not.toHaveReceivedCommand(SendMessageCommand);
  });

  it('a workbook above the XLSX limit is refused before it is read: a report asking for CSV, a rejected submission, no result', async () => {
    const { key, uploadId } = given('year.xlsx', Buffer.from('PK… (the bytes are never parsed)'));
    s3Mock
      .on(HeadObjectCommand, { Key: key })
      .resolves({ ContentLength: XLSX_LIMIT.defaultMaxBytes + 1, VersionId: 'v1', Metadata: { methodology: 'grid-renewable@1.0.0' } });
    const { handler, metrics } = setup();
    expect((await handler(sqsEvent(s3EventBody(key)))).batchItemFailures).toEqual([]);
    expect(putKeys().sort()).toEqual([`reports/${P}/${uploadId}.json`, `reports/${P}/${uploadId}.txt`]);
    const report = JSON.parse(String(s3Mock.commandCalls(PutObjectCommand).find((c) => c.args[0].input.Key!.endsWith('.json'))!.args[0].input.Body));
    expect(report).toMatchObject({ status: 'rejected', diagnostics: [{ code: 'file.too_large', location: { file: 'year.xlsx' } }] });
    expect(report.diagnostics[0].message).toMatch(/^year\.xlsx is 150 MB: a workbook above 150 MB cannot be read .* Save the sheet as CSV/);
    expect(ddbMock).toHaveReceivedCommandWith(PutCommand, { TableName: 'Submissions', Item: expect.objectContaining({ pk: uploadId, status: 'rejected' }) });
    expect(sqsMock).toHaveReceivedCommandTimes(SendMessageCommand, 0);
    expect(metrics.counts.UploadXlsxTooLarge).toBe(1);
    // At the limit the workbook is read as usual (here: not a workbook, so file.unreadable from the reader).
    s3Mock.reset();
    ddbMock.reset();
    const atLimit = given('year.xlsx', Buffer.from('PK… (the bytes are never parsed)'));
    s3Mock
      .on(HeadObjectCommand, { Key: atLimit.key })
      .resolves({ ContentLength: XLSX_LIMIT.defaultMaxBytes, VersionId: 'v1', Metadata: { methodology: 'grid-renewable@1.0.0' } });
    await setup().handler(sqsEvent(s3EventBody(atLimit.key)));
    const second = JSON.parse(String(s3Mock.commandCalls(PutObjectCommand).find((c) => c.args[0].input.Key!.endsWith('.json'))!.args[0].input.Body));
    expect(second.diagnostics.map((d: { code: string }) => d.code)).not.toContain('file.too_large');
  });

  it('unknown project → a rejection report and nothing else', async () => {
    const { key, uploadId } = given('june.csv', valid, { projectItem: undefined });
    const { handler } = setup();
    await handler(sqsEvent(s3EventBody(key)));
    expect(putKeys().sort()).toEqual([`reports/${P}/${uploadId}.json`, `reports/${P}/${uploadId}.txt`]);
    expect(String(s3Mock.commandCalls(PutObjectCommand)[0]!.args[0].input.Body)).toMatch(/project\.invalid/);
    expect(ddbMock).not.toHaveReceivedCommand(PutCommand);
    expect(sqsMock).not.toHaveReceivedCommand(SendMessageCommand);
  });

  it('URL-decodes the key (+ is a space) and ignores s3:TestEvent', async () => {
    const { key } = given('June 2015 (1).csv', valid);
    const { handler } = setup();
    const res = await handler(sqsEvent(JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: 'monitoring' }), s3EventBody(key)));
    expect(res.batchItemFailures).toEqual([]);
    expect(s3Mock).toHaveReceivedCommandWith(HeadObjectCommand, { Key: `uploads/${P}/June 2015 (1).csv` });
    expect(sqsMock).toHaveReceivedCommandTimes(SendMessageCommand, 1);
  });

  it('redelivered event after a complete first run → no second submission, nothing re-sent', async () => {
    const { key, uploadId } = given('june.csv', valid);
    s3Mock.on(HeadObjectCommand, { Key: `reports/${P}/${uploadId}.json` }).resolves({});
    s3Mock.on(HeadObjectCommand, { Key: `partials/${P}/${uploadId}.json` }).resolves({});
    ddbMock.on(GetCommand, { TableName: 'Submissions' }).resolves({
      Item: {
        pk: uploadId,
        uploadId,
        projectId: P,
        status: 'pending-review',
        queuedAt: '2024-02-01T09:30:01Z',
        file: { key, sha256: sha(valid), bytes: valid.length },
        reportKey: 'r',
        createdAt: 'x',
        validation: 'accepted',
      },
    });
    const { handler, metrics } = setup();
    expect((await handler(sqsEvent(s3EventBody(key)))).batchItemFailures).toEqual([]);
    expect(ddbMock).not.toHaveReceivedCommand(PutCommand);
    expect(s3Mock).not.toHaveReceivedCommand(PutObjectCommand);
    expect(sqsMock).not.toHaveReceivedCommand(SendMessageCommand);
    expect(metrics.counts).toMatchObject({ UploadsDuplicate: 1 });
  });

  it('redelivery of an upload accepted before partials were stored: only the missing partial is written', async () => {
    const { key, uploadId } = given('june.csv', valid);
    s3Mock.on(HeadObjectCommand, { Key: `reports/${P}/${uploadId}.json` }).resolves({});
    ddbMock.on(GetCommand, { TableName: 'Submissions' }).resolves({
      Item: {
        pk: uploadId,
        uploadId,
        projectId: P,
        status: 'pending-review',
        queuedAt: '2024-02-01T09:30:01Z',
        file: { key, sha256: sha(valid), bytes: valid.length },
        reportKey: 'r',
        createdAt: 'x',
        validation: 'accepted',
      },
    });
    const { handler } = setup();
    expect((await handler(sqsEvent(s3EventBody(key)))).batchItemFailures).toEqual([]);
    expect(putKeys()).toEqual([`partials/${P}/${uploadId}.json`]);
    expect(ddbMock).not.toHaveReceivedCommand(PutCommand);
    expect(sqsMock).not.toHaveReceivedCommand(SendMessageCommand);
  });

  it('redelivery racing the first delivery: the conditional put fails (ConditionalCheckFailed) → handled, one submission, no SendMessage', async () => {
    const { key } = given('june.csv', valid);
    ddbMock.on(PutCommand, { TableName: 'Submissions' }).rejects(new ConditionalCheckFailedException({ message: 'exists', $metadata: {} }));
    const { handler } = setup();
    expect((await handler(sqsEvent(s3EventBody(key)))).batchItemFailures).toEqual([]);
    expect(ddbMock).toHaveReceivedCommandTimes(PutCommand, 1);
    expect(sqsMock).not.toHaveReceivedCommand(SendMessageCommand);
  });

  it('crash between the submission put and the send: the redelivery sends the review item and marks it queued', async () => {
    const { key, uploadId } = given('june.csv', valid);
    s3Mock.on(HeadObjectCommand, { Key: `reports/${P}/${uploadId}.json` }).resolves({});
    ddbMock.on(GetCommand, { TableName: 'Submissions' }).resolves({
      Item: {
        pk: uploadId,
        uploadId,
        projectId: P,
        status: 'pending-review',
        file: { key, sha256: sha(valid), bytes: valid.length },
        reportKey: 'r',
        createdAt: 'x',
        validation: 'accepted',
      },
    });
    const { handler } = setup();
    await handler(sqsEvent(s3EventBody(key)));
    expect(ddbMock).not.toHaveReceivedCommand(PutCommand);
    expect(sqsMock).toHaveReceivedCommandTimes(SendMessageCommand, 1);
    expect(ddbMock).toHaveReceivedCommandWith(UpdateCommand, { UpdateExpression: 'SET queuedAt = :at' });
  });

  it('a 5xx from S3 GetObject → the batch item fails (SQS retries) and nothing is written', async () => {
    const { key } = given('june.csv', valid);
    s3Mock.on(GetObjectCommand).rejects(new S3ServiceException({ name: 'InternalError', $fault: 'server', $metadata: { httpStatusCode: 500 } }));
    const { handler } = setup();
    const res = await handler(sqsEvent(s3EventBody(key)));
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: 'm-1' }]);
    expect(s3Mock).not.toHaveReceivedCommand(PutObjectCommand);
    expect(ddbMock).not.toHaveReceivedCommand(PutCommand);
    expect(sqsMock).not.toHaveReceivedCommand(SendMessageCommand);
  });

  it('the stream failing mid-file is a system fault, not bad data: item fails, no report, no result', async () => {
    const { key } = given('june.csv', valid);
    s3Mock.on(GetObjectCommand).callsFake(() => ({
      Body: sdkStreamMixin(
        Readable.from(
          (async function* () {
            yield valid.subarray(0, 500);
            throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
          })(),
        ),
      ),
    }));
    const { handler } = setup();
    const res = await handler(sqsEvent(s3EventBody(key)));
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: 'm-1' }]);
    expect(s3Mock).not.toHaveReceivedCommand(PutObjectCommand);
    expect(ddbMock).not.toHaveReceivedCommand(PutCommand);
  });

  it('partial batch: only the failing record is reported; a DynamoDB outage on the projects table throws', async () => {
    const { key } = given('june.csv', valid);
    ddbMock.on(GetCommand, { TableName: 'Projects', Key: { pk: 'down' } }).rejects(new Error('ProvisionedThroughputExceeded'));
    const { handler } = setup();
    s3Mock.on(HeadObjectCommand, { Key: 'uploads/down/x.csv' }).resolves({ ContentLength: 1, Metadata: {} });
    const res = await handler(sqsEvent(s3EventBody('uploads/down/x.csv'), s3EventBody(key)));
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: 'm-1' }]);
    expect(sqsMock).toHaveReceivedCommandTimes(SendMessageCommand, 1);
  });

  it('a message that is not an S3 notification fails its record (retried, then the DLQ alarms): nothing is dropped silently', async () => {
    const { handler, logger, metrics } = setup();
    const res = await handler(
      sqsEvent('not json', JSON.stringify({ Records: [{ eventName: 'ObjectCreated:Put', s3: { object: { key: 'uploads/p/x.csv' } } }] })),
    );
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: 'm-1' }, { itemIdentifier: 'm-2' }]);
    expect(logger.lines.filter((l) => l.message.startsWith('A message that is not an S3 event notification'))).toHaveLength(2);
    expect(metrics.counts).toMatchObject({ IngestMessagesInvalid: 2 });
    expect(s3Mock).toHaveReceivedCommandTimes(PutObjectCommand, 0);
  });

  it('an upload from an IPv6 address is ingested (Powertools schema relaxed on sourceIPAddress)', async () => {
    const { key } = given('june.csv', valid);
    const { handler } = setup();
    const body = JSON.stringify({ Records: [s3EventRecord(key, { sourceIPAddress: '2001:db8::7' })] });
    expect((await handler(sqsEvent(body))).batchItemFailures).toEqual([]);
    expect(sqsMock).toHaveReceivedCommandTimes(SendMessageCommand, 1);
  });
});

describe('ingest-upload: every upload of a registered project is in its audit trail', () => {
  /** The S3 event as AWS sends it for an IAM user's PUT (userIdentity.principalId = `AWS:<unique id>`). */
  const byUser = (key: string) => {
    const event = JSON.parse(s3EventBody(key)) as { Records: Record<string, unknown>[] };
    event.Records[0]!.userIdentity = { principalId: 'AWS:AIDASITEEXAMPLE' };
    return JSON.stringify(event);
  };

  it('an accepted upload: one `upload` event naming the principal that put it, the object and its hash; a redelivery adds none', async () => {
    const { key, uploadId } = given('june.csv', valid);
    const audit = new MemoryAuditStore();
    const { handler } = setup({ audit });
    expect((await handler(sqsEvent(byUser(key)))).batchItemFailures).toEqual([]);
    // the same S3 event again, after the first run completed
    s3Mock.on(HeadObjectCommand, { Key: `reports/${P}/${uploadId}.json` }).resolves({});
    s3Mock.on(HeadObjectCommand, { Key: `partials/${P}/${uploadId}.json` }).resolves({});
    ddbMock.on(GetCommand, { TableName: 'Submissions' }).resolves({
      Item: {
        pk: uploadId,
        uploadId,
        projectId: P,
        status: 'pending-review',
        queuedAt: '2024-02-01T09:30:01Z',
        file: { key, sha256: sha(valid), bytes: valid.length },
        reportKey: 'r',
        createdAt: 'x',
        validation: 'accepted',
      },
    });
    expect((await handler(sqsEvent(byUser(key)))).batchItemFailures).toEqual([]);
    const events = await audit.list(P);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: 'upload',
      actor: { principal: 'iam:AIDASITEEXAMPLE' },
      subject: uploadId,
      outcome: 'accepted',
      details: { key, sha256: sha(valid), bytes: valid.length, versionId: 'v1' },
    });
    expect(verifyAuditChain(events).ok).toBe(true);
  });

  it('a rejected upload is recorded with its outcome; an upload for an unknown project starts no chain', async () => {
    const { key } = given('bad.csv', invalid);
    const audit = new MemoryAuditStore();
    expect((await setup({ audit }).handler(sqsEvent(byUser(key)))).batchItemFailures).toEqual([]);
    expect((await audit.list(P)).map((e) => [e.action, e.outcome])).toEqual([['upload', 'rejected']]);

    const unknown = given('x.csv', valid, { projectItem: undefined });
    const other = new MemoryAuditStore();
    expect((await setup({ audit: other }).handler(sqsEvent(byUser(unknown.key)))).batchItemFailures).toEqual([]);
    expect(other.chains.size).toBe(0);
  });
});

describe('report rendering (core/report/render-report.ts)', () => {
  it('neutralises spreadsheet formulas in CSV cells, keeps plain numbers', async () => {
    const { csvCell, renderDiagnosticsCsv } = await import('../../core/report/render-report.ts');
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvCell('+1+1')).toBe("'+1+1");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('-3.5')).toBe('-3.5');
    expect(csvCell('-1+2')).toBe("'-1+2");
    expect(csvCell('a,b')).toBe('"a,b"');
    const csv = renderDiagnosticsCsv([
      { severity: 'error', code: 'row.not_a_number', message: 'm', source: 's', actual: '=cmd|calc', location: { file: 'f', row: 2, column: 'EG' } },
    ]);
    expect(csv.split('\r\n')[1]).toBe("error,row.not_a_number,2,,EG,m,'=cmd|calc,,");
  });
});
