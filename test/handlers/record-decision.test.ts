import { readFileSync } from 'node:fs';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { verifyChain } from '../../core/ledger/entry.ts';
import type { Decision } from '../../core/review/schemas.ts';
import type { Submission } from '../../core/review/submission.ts';
import { makeHandler } from '../../functions/record-decision/handler.ts';
import { recordDecision, type DecisionDeps } from '../../functions/record-decision/record.ts';
import { dynamoSubmissions } from '../../functions/shared/aws/dynamo-repositories.ts';
import { dynamoLedgerStore } from '../../functions/shared/aws/ledger-store.ts';
import { s3ReportStore } from '../../functions/shared/aws/s3-stores.ts';
import { FakeLedgerStore } from '../unit/core/ledger/fake-ledger-store.ts';
import { withAccess } from './access-helpers.ts';
import { FakeReports, FakeSubmissions, recordingLog, recordingMetrics, sqsEvent } from './helpers.ts';

const approve = JSON.parse(readFileSync(new URL('../events/review/decision-approve.v1.json', import.meta.url), 'utf8')) as Decision;
const reject = JSON.parse(readFileSync(new URL('../events/review/decision-reject.v1.json', import.meta.url), 'utf8')) as Decision;
const P = 'fixture-hydro-reservoir';
const id = (n: number) => n.toString(16).padStart(32, '0');

function submission(uploadId: string, period = { start: '2015-06-01', end: '2015-06-03' }): Submission {
  return {
    uploadId,
    projectId: P,
    createdAt: '2024-02-01T09:30:00.000Z',
    status: 'pending-review',
    validation: 'accepted',
    file: { key: `uploads/${P}/june.csv`, sha256: 'a'.repeat(64), bytes: 3111 },
    methodology: { key: 'grid-renewable@1.0.0', hash: 'bc6b' },
    period,
    er: '744.744484',
    issuance: { units: '744', rounding: 'floor', deductions: [], toParticipants: '744' },
    reportKey: `reports/${P}/${uploadId}.json`,
    resultKey: `results/${P}/${uploadId}.json`,
    queuedAt: '2024-02-01T09:30:01.000Z',
  };
}

describe('record-decision with in-memory stores (conditional semantics, interleavings)', () => {
  function world() {
    const submissions = new FakeSubmissions();
    const ledger = new FakeLedgerStore().interleave(Math.floor(Math.random() * 2 ** 31) + 1);
    const reports = new FakeReports();
    const metrics = recordingMetrics();
    const deps: DecisionDeps = { submissions, ledger, reports, now: () => new Date('2024-02-03T12:00:05Z'), logger: recordingLog(), metrics };
    return { submissions, ledger, reports, metrics, deps, handler: makeHandler(withAccess(deps)) };
  }

  it('approve → one ledger entry, submission approved with the seq, decision report written back', async () => {
    const w = world();
    w.submissions.items.set(approve.uploadId, submission(approve.uploadId));
    const res = await w.handler(sqsEvent(JSON.stringify(approve)));
    expect(res.batchItemFailures).toEqual([]);
    const entries = await w.ledger.listEntries(P);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      seq: 1,
      uploadId: approve.uploadId,
      verifier: approve.verifier,
      approvedAt: approve.decidedAt,
      er: '744.744484',
      issuance: { units: '744' },
    });
    expect(w.submissions.items.get(approve.uploadId)).toMatchObject({
      status: 'approved',
      ledger: { seq: 1, hash: entries[0]!.hash },
      decision: { decision: 'approve' },
    });
    expect(JSON.parse(w.reports.objects.get(`reports/${P}/${approve.uploadId}.decision.json`)!)).toMatchObject({ outcome: 'approved', ledger: { seq: 1 } });
  });

  it('two approvals of one item at once, and the same decision delivered twice → one entry', async () => {
    for (let run = 0; run < 25; run++) {
      const w = world();
      w.submissions.items.set(approve.uploadId, submission(approve.uploadId));
      const second = { ...approve, verifier: 'DOE Example (second reviewer)' };
      const outcomes = await Promise.all([recordDecision(w.deps, approve), recordDecision(w.deps, second), recordDecision(w.deps, approve)]);
      expect(outcomes).toEqual(['approved', 'approved', 'approved']);
      const entries = await w.ledger.listEntries(P);
      expect(entries).toHaveLength(1);
      expect(w.submissions.items.get(approve.uploadId)).toMatchObject({ status: 'approved', ledger: { seq: 1 } });
      // the entry carries the decision that won the claim, whichever it was
      expect(entries[0]!.verifier).toBe(w.submissions.items.get(approve.uploadId)!.decision!.verifier);
    }
  });

  it('approve and reject at once: exactly one wins; never a ledger entry for a rejected upload', async () => {
    for (let run = 0; run < 25; run++) {
      const w = world();
      w.submissions.items.set(approve.uploadId, submission(approve.uploadId));
      const outcomes = await Promise.all([recordDecision(w.deps, approve), recordDecision(w.deps, reject)]);
      const s = w.submissions.items.get(approve.uploadId)!;
      const entries = await w.ledger.listEntries(P);
      if (s.status === 'approved') {
        expect(outcomes.sort()).toEqual(['approved', 'conflict']);
        expect(entries).toHaveLength(1);
      } else {
        expect(s.status).toBe('rejected');
        expect(outcomes.sort()).toEqual(['conflict', 'rejected']);
        expect(entries).toHaveLength(0);
      }
    }
  });

  it('overlapping periods → the second approval is refused: submission refused with the reason + decision report', async () => {
    const w = world();
    w.submissions.items.set(id(1), submission(id(1), { start: '2015-06-01', end: '2015-06-30' }));
    w.submissions.items.set(id(2), submission(id(2), { start: '2015-06-30', end: '2015-07-31' }));
    expect(await recordDecision(w.deps, { ...approve, uploadId: id(1) })).toBe('approved');
    expect(await recordDecision(w.deps, { ...approve, uploadId: id(2) })).toBe('refused');
    expect(w.submissions.items.get(id(2))).toMatchObject({
      status: 'refused',
      statusReason: expect.stringMatching(/overlaps the approved period 2015-06-01 – 2015-06-30/),
    });
    expect(JSON.parse(w.reports.objects.get(`reports/${P}/${id(2)}.decision.json`)!)).toMatchObject({
      outcome: 'refused',
      reason: expect.stringMatching(/overlaps/),
    });
    expect(await w.ledger.listEntries(P)).toHaveLength(1);
    expect(w.metrics.counts).toMatchObject({ ApprovalsRefused: 1 });
    // redelivered refusal: still refused, still one entry
    expect(await recordDecision(w.deps, { ...approve, uploadId: id(2) })).toBe('refused');
    expect(await w.ledger.listEntries(P)).toHaveLength(1);
  });

  it('crash between the ledger writes → the redelivered decision completes exactly once', async () => {
    for (const op of ['putEntryIfAbsent', 'putUploadMarker', 'advanceHead'] as const) {
      const w = world();
      w.submissions.items.set(approve.uploadId, submission(approve.uploadId));
      w.ledger.crash = { op, after: 1 };
      const first = await w.handler(sqsEvent(JSON.stringify(approve)));
      expect(first.batchItemFailures).toEqual([{ itemIdentifier: 'm-1' }]); // SQS will redeliver
      expect(w.submissions.items.get(approve.uploadId)).toMatchObject({ status: 'pending-review', decision: { decision: 'approve' } });
      const second = await w.handler(sqsEvent(JSON.stringify(approve)));
      expect(second.batchItemFailures).toEqual([]);
      const entries = await w.ledger.listEntries(P);
      expect(entries).toHaveLength(1);
      expect(verifyChain(entries, w.ledger.rawHead(P) as { seq: number; lastHash: string })).toMatchObject({ ok: true, length: 1 });
      expect(w.submissions.items.get(approve.uploadId)).toMatchObject({ status: 'approved', ledger: { seq: 1 } });
    }
  });

  it('reject → submission rejected with the reason, decision report; no ledger write', async () => {
    const w = world();
    w.submissions.items.set(reject.uploadId, submission(reject.uploadId));
    expect(await recordDecision(w.deps, reject)).toBe('rejected');
    expect(w.submissions.items.get(reject.uploadId)).toMatchObject({ status: 'rejected', statusReason: reject.reason });
    expect(JSON.parse(w.reports.objects.get(`reports/${P}/${reject.uploadId}.decision.json`)!)).toMatchObject({ outcome: 'rejected', reason: reject.reason });
    expect(w.ledger.calls.filter((c) => c.startsWith('put') || c === 'advanceHead')).toEqual([]);
    // a later approval of the same upload is a conflict and changes nothing
    expect(await recordDecision(w.deps, approve)).toBe('conflict');
    expect(await w.ledger.listEntries(P)).toHaveLength(0);
  });

  it('an invalid decision body fails the record (to the DLQ after retries); a decision for an unknown upload is dropped', async () => {
    const w = world();
    const res = await w.handler(sqsEvent(JSON.stringify({ ...reject, reason: undefined }), 'garbage', JSON.stringify({ ...approve, uploadId: id(99) })));
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: 'm-1' }, { itemIdentifier: 'm-2' }]);
    expect(w.metrics.counts).toMatchObject({ DecisionsInvalid: 2, DecisionsUnknownUpload: 1 });
  });
});

describe('record-decision with mocked SDK clients (commands sent)', () => {
  const ddbMock = mockClient(DynamoDBDocumentClient);
  const s3Mock = mockClient(S3Client);
  beforeEach(() => {
    ddbMock.reset();
    s3Mock.reset();
    s3Mock.on(PutObjectCommand).resolves({});
  });
  const handler = () => {
    const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
    return makeHandler(
      withAccess({
        submissions: dynamoSubmissions(ddb, 'Submissions'),
        ledger: dynamoLedgerStore(ddb, 'Ledger'),
        reports: s3ReportStore(new S3Client({ region: 'us-east-1' }), 'monitoring'),
        now: () => new Date('2024-02-03T12:00:05Z'),
        logger: process.env.DEBUG_LOG ? { info: console.log, warn: console.log, error: console.log } : recordingLog(),
        metrics: recordingMetrics(),
      }),
    );
  };

  it('approve: claim, then the ledger protocol (entry attribute_not_exists, marker, HEAD lock), then status approved', async () => {
    ddbMock.on(GetCommand, { TableName: 'Submissions' }).resolves({ Item: { pk: approve.uploadId, ...submission(approve.uploadId) } });
    ddbMock.on(GetCommand, { TableName: 'Ledger' }).resolves({});
    ddbMock.on(PutCommand).resolves({});
    ddbMock.on(UpdateCommand).resolves({});
    expect((await handler()(sqsEvent(JSON.stringify(approve)))).batchItemFailures).toEqual([]);
    expect(ddbMock).toHaveReceivedCommandWith(UpdateCommand, {
      TableName: 'Submissions',
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#decision) AND #status = :pending',
    });
    expect(ddbMock).toHaveReceivedCommandWith(GetCommand, { TableName: 'Ledger', Key: { pk: P, sk: 'HEAD' }, ConsistentRead: true });
    expect(ddbMock).toHaveReceivedCommandWith(PutCommand, {
      TableName: 'Ledger',
      Item: expect.objectContaining({ pk: P, sk: 'ENTRY#0000000001' }),
      ConditionExpression: 'attribute_not_exists(sk)',
    });
    expect(ddbMock).toHaveReceivedCommandWith(PutCommand, {
      TableName: 'Ledger',
      Item: { pk: P, sk: `UPLOAD#${approve.uploadId}`, kind: 'upload', seq: 1 },
      ConditionExpression: 'attribute_not_exists(sk) OR seq = :seq',
    });
    expect(ddbMock).toHaveReceivedCommandWith(UpdateCommand, {
      TableName: 'Ledger',
      Key: { pk: P, sk: 'HEAD' },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    expect(ddbMock).toHaveReceivedCommandWith(UpdateCommand, {
      TableName: 'Submissions',
      ExpressionAttributeValues: expect.objectContaining({ ':status': 'approved', ':ledger': expect.objectContaining({ seq: 1 }) }),
    });
    expect(s3Mock).toHaveReceivedCommandWith(PutObjectCommand, { Key: `reports/${P}/${approve.uploadId}.decision.json` });
    // the ledger writes are single-item only: no TransactWriteItems anywhere
    expect(ddbMock.calls().map((c) => c.args[0].constructor.name)).not.toContain('TransactWriteCommand');
  });

  it('approve when the entry seq is taken (ConditionalCheckFailed) → re-reads and finds its own marker (already recorded)', async () => {
    ddbMock.on(GetCommand, { TableName: 'Submissions' }).resolves({ Item: { pk: approve.uploadId, ...submission(approve.uploadId) } });
    ddbMock.on(GetCommand, { TableName: 'Ledger' }).resolves({});
    ddbMock.on(UpdateCommand).resolves({});
    const entry = { schemaVersion: 1, projectId: P, seq: 1, uploadId: approve.uploadId, issuance: { units: '744', deductions: [], toParticipants: '744' } };
    ddbMock.on(PutCommand, { TableName: 'Ledger' }).callsFake(() => {
      // a concurrent delivery wrote ENTRY#1, its marker and HEAD a moment ago
      ddbMock.on(GetCommand, { TableName: 'Ledger', Key: { pk: P, sk: 'HEAD' } }).resolves({ Item: { seq: 1, lastHash: 'h', periods: [] } });
      ddbMock.on(GetCommand, { TableName: 'Ledger', Key: { pk: P, sk: `UPLOAD#${approve.uploadId}` } }).resolves({ Item: { seq: 1 } });
      ddbMock.on(GetCommand, { TableName: 'Ledger', Key: { pk: P, sk: 'ENTRY#0000000001' } }).resolves({ Item: { entry: { ...entry, hash: 'h' } } });
      throw new ConditionalCheckFailedException({ message: 'taken', $metadata: {} });
    });
    expect((await handler()(sqsEvent(JSON.stringify(approve)))).batchItemFailures).toEqual([]);
    expect(ddbMock).toHaveReceivedCommandTimes(PutCommand, 1);
    expect(ddbMock).toHaveReceivedCommandWith(UpdateCommand, {
      TableName: 'Submissions',
      ExpressionAttributeValues: expect.objectContaining({ ':status': 'approved', ':ledger': { seq: 1, hash: 'h' } }),
    });
  });

  it('reject: status rejected and a report; no ledger command at all', async () => {
    ddbMock.on(GetCommand, { TableName: 'Submissions' }).resolves({ Item: { pk: reject.uploadId, ...submission(reject.uploadId) } });
    ddbMock.on(UpdateCommand).resolves({});
    expect((await handler()(sqsEvent(JSON.stringify(reject)))).batchItemFailures).toEqual([]);
    expect(ddbMock.calls().filter((c) => (c.args[0].input as { TableName?: string }).TableName === 'Ledger')).toHaveLength(0);
    expect(ddbMock).not.toHaveReceivedCommand(QueryCommand);
    expect(ddbMock).toHaveReceivedCommandWith(UpdateCommand, {
      TableName: 'Submissions',
      ExpressionAttributeValues: expect.objectContaining({ ':status': 'rejected', ':reason': reject.reason }),
    });
    expect(s3Mock).toHaveReceivedCommandWith(PutObjectCommand, { Key: `reports/${P}/${reject.uploadId}.decision.json` });
  });

  it('DynamoDB unavailable → the record fails and is retried by SQS', async () => {
    ddbMock.on(GetCommand).rejects(new Error('ServiceUnavailable'));
    expect((await handler()(sqsEvent(JSON.stringify(approve)))).batchItemFailures).toEqual([{ itemIdentifier: 'm-1' }]);
    expect(s3Mock).not.toHaveReceivedCommand(PutObjectCommand);
  });
});
