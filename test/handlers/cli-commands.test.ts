/** The verifier/site CLI commands against mocked SDK clients: the commands they send and their exit codes. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { sealEntry, GENESIS_HASH, type LedgerEntry } from '../../core/ledger/entry.ts';
import { DecisionSchema } from '../../core/review/schemas.ts';
import { uploadIdOf } from '../../core/review/upload-id.ts';
import { createCliAws } from '../../cli/aws-clients.ts';
import { makeLedgerCommand } from '../../cli/commands/ledger.ts';
import { makeReviewCommand } from '../../cli/commands/review.ts';
import { makeUploadCommand } from '../../cli/commands/upload.ts';
import type { Io } from '../../cli/commands/types.ts';
import { createHash } from 'node:crypto';

const s3Mock = mockClient(S3Client);
const sqsMock = mockClient(SQSClient);
const ddbMock = mockClient(DynamoDBDocumentClient);
void DynamoDBClient;

const env = {
  MONITORING_BUCKET_NAME: 'monitoring',
  PROJECTS_TABLE_NAME: 'Projects',
  SUBMISSIONS_TABLE_NAME: 'Submissions',
  LEDGER_TABLE_NAME: 'Ledger',
  REVIEW_QUEUE_URL: 'http://q/review',
  DECISION_QUEUE_URL: 'http://q/decision',
  AWS_REGION: 'us-east-1',
};
function io(cwd = process.cwd()): Io & { text: () => string } {
  const lines: string[] = [];
  return { out: (t) => void lines.push(t), err: (t) => void lines.push(t), errIsTTY: false, cwd, env, text: () => lines.join('\n') };
}
const item = JSON.parse(readFileSync(new URL('../events/review/review-item.v1.json', import.meta.url), 'utf8'));
const project = JSON.parse(readFileSync(new URL('../events/ingest/project.json', import.meta.url), 'utf8'));

beforeEach(() => {
  s3Mock.reset();
  sqsMock.reset();
  ddbMock.reset();
});

function chain(n: number): LedgerEntry[] {
  let prev = GENESIS_HASH;
  return Array.from({ length: n }, (_, i) => {
    const e = sealEntry({
      schemaVersion: 1,
      projectId: 'p',
      seq: i + 1,
      uploadId: String(i).padStart(32, '0'),
      period: { start: `2020-0${i + 1}-01`, end: `2020-0${i + 1}-28` },
      er: '10',
      issuance: { units: '10', rounding: 'floor', deductions: [], toParticipants: '10' },
      methodology: { key: 'm@1.0.0', hash: 'h' },
      file: { sha256: 'a'.repeat(64) },
      verifier: 'v',
      approvedAt: '2021-01-01T00:00:00Z',
      prevHash: prev,
    });
    prev = e.hash;
    return e;
  });
}

describe('mrv ledger', () => {
  it('verify: exit 0 on an intact chain, exit 1 naming the first altered entry', async () => {
    const entries = chain(3);
    ddbMock.on(GetCommand).resolves({ Item: { seq: 3, lastHash: entries[2]!.hash, periods: [] } });
    ddbMock.on(QueryCommand).resolves({ Items: entries.map((entry) => ({ entry })) });
    const ok = io();
    expect(await makeLedgerCommand(createCliAws).run(['verify', 'p'], ok)).toBe(0);
    expect(ok.text()).toMatch(/3 entries, chain intact/);
    ddbMock.on(QueryCommand).resolves({ Items: entries.map((entry, i) => ({ entry: i === 1 ? { ...entry, er: '1000' } : entry })) });
    const bad = io();
    expect(await makeLedgerCommand(createCliAws).run(['verify', 'p'], bad)).toBe(1);
    expect(bad.text()).toMatch(/BROKEN at entry 2 \(altered\)/);
  });
});

describe('mrv review', () => {
  const pending = {
    pk: item.uploadId,
    uploadId: item.uploadId,
    projectId: item.projectId,
    status: 'pending-review',
    validation: 'accepted',
    createdAt: item.createdAt,
    file: item.file,
    reportKey: 'r',
    resultKey: item.resultKey,
    reviewItem: item,
  };

  it('approve --no-wait sends a v1 Decision to the decision queue and returns', async () => {
    ddbMock.on(GetCommand).resolves({ Item: pending });
    sqsMock.on(SendMessageCommand).resolves({});
    expect(await makeReviewCommand(createCliAws).run(['approve', item.uploadId, '--verifier', 'DOE X', '--no-wait'], io())).toBe(0);
    const sent = sqsMock.commandCalls(SendMessageCommand)[0]!.args[0].input;
    expect(sent.QueueUrl).toBe('http://q/decision');
    expect(DecisionSchema.parse(JSON.parse(sent.MessageBody!))).toMatchObject({ uploadId: item.uploadId, decision: 'approve', verifier: 'DOE X' });
    expect(s3Mock).not.toHaveReceivedCommand(GetObjectCommand);
  });

  /** The decision function's write-back for the decision the command sent (read from the SQS mock). */
  const outcomeOfSent = (outcome: 'approved' | 'refused', extra: object) => () => {
    const sent = sqsMock.commandCalls(SendMessageCommand)[0]?.args[0].input;
    if (!sent) return Promise.reject(Object.assign(new Error('no such key'), { name: 'NoSuchKey' }));
    const decision = JSON.parse(sent.MessageBody!);
    return Promise.resolve({
      Body: {
        transformToString: async () =>
          JSON.stringify({
            schemaVersion: 1,
            uploadId: item.uploadId,
            projectId: item.projectId,
            outcome,
            decision,
            recordedAt: '2024-02-03T12:00:05Z',
            ...extra,
          }),
      },
    } as never);
  };

  it('approve waits for the outcome and prints it: recorded, with the ledger entry and the units per account (exit 0)', async () => {
    ddbMock.on(GetCommand).resolves({ Item: pending });
    sqsMock.on(SendMessageCommand).resolves({});
    s3Mock
      .on(GetObjectCommand)
      .callsFake(
        outcomeOfSent('approved', { ledger: { seq: 7, hash: 'f'.repeat(64), units: item.issuance.units, toParticipants: item.issuance.toParticipants } }),
      );
    const out = io();
    expect(await makeReviewCommand(createCliAws).run(['approve', item.uploadId, '--verifier', 'DOE X'], out)).toBe(0);
    expect(out.text()).toContain(`Recorded: approval of upload ${item.uploadId} by DOE X, ledger entry #7`);
    expect(out.text()).toContain(`Issuance: ${item.issuance.units} units`);
    for (const d of item.issuance.deductions) expect(out.text()).toContain(d.account);
  });

  it('approve prints a refusal with its reason and exits 1', async () => {
    ddbMock.on(GetCommand).resolves({ Item: pending });
    sqsMock.on(SendMessageCommand).resolves({});
    s3Mock.on(GetObjectCommand).callsFake(outcomeOfSent('refused', { reason: 'the period 2015-06-01 – 2015-06-03 overlaps the approved period of entry #1' }));
    const out = io();
    expect(await makeReviewCommand(createCliAws).run(['approve', item.uploadId, '--verifier', 'DOE X'], out)).toBe(1);
    expect(out.text()).toMatch(/Refused: the approval of upload [0-9a-f]{32} was not recorded: the period 2015-06-01 – 2015-06-03 overlaps/);
  });

  it('approve with no outcome within --wait says so and exits 1 (the decision stays queued)', async () => {
    ddbMock.on(GetCommand).resolves({ Item: pending });
    sqsMock.on(SendMessageCommand).resolves({});
    s3Mock.on(GetObjectCommand).rejects(Object.assign(new Error('no such key'), { name: 'NoSuchKey' }));
    const out = io();
    expect(await makeReviewCommand(createCliAws).run(['approve', item.uploadId, '--verifier', 'DOE X', '--wait', '0'], out)).toBe(1);
    expect(out.text()).toMatch(/No outcome within 0 s: the decision is queued but not yet recorded/);
  });

  it('reject without --reason is a usage error; nothing sent', async () => {
    await expect(makeReviewCommand(createCliAws).run(['reject', item.uploadId, '--verifier', 'DOE X'], io())).rejects.toThrow(/--reason/);
    expect(sqsMock).not.toHaveReceivedCommand(SendMessageCommand);
  });

  it('show prints the evidence (hash, methodology, trace, per gas, PDD, materiality) from the submission and results/', async () => {
    ddbMock.on(GetCommand).resolves({ Item: pending });
    s3Mock.on(GetObjectCommand).resolves({
      Body: {
        transformToString: async () =>
          JSON.stringify({
            parameters: { EF_grid_OM: 0.92 },
            trace: [{ symbol: 'BE', expr: 'EG * EF', unit: 't', ref: 'Eq. 1', scope: 'period', inputs: { EG: '1' }, value: '850.13272' }],
          }),
      } as never,
    });
    const out = io();
    expect(await makeReviewCommand(createCliAws).run(['show', item.uploadId], out)).toBe(0);
    for (const s of [item.file.sha256, 'grid-renewable@1.0.0', 'EF_grid_OM = 0.92', 'BE = EG * EF = 850.13272', 'CO2', 'ER vs PDD', 'Materiality 2 %'])
      expect(out.text()).toContain(s);
  });

  it('requeue re-sends every pending submission’s review item', async () => {
    ddbMock.on(ScanCommand).resolves({ Items: [pending, { ...pending, uploadId: 'b'.repeat(32), reviewItem: { ...item, uploadId: 'b'.repeat(32) } }] });
    sqsMock.on(SendMessageCommand).resolves({});
    expect(await makeReviewCommand(createCliAws).run(['requeue'], io())).toBe(0);
    expect(sqsMock).toHaveReceivedCommandTimes(SendMessageCommand, 2);
    expect(sqsMock).toHaveReceivedCommandWith(SendMessageCommand, { QueueUrl: 'http://q/review' });
  });
});

describe('mrv upload', () => {
  it('puts uploads/<id>/<basename> with the registered methodology as metadata and prints the upload id', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mrv-upload-'));
    const content = 'timestamp,EG_export\n2015-06-01T00:00:00Z,1\n';
    writeFileSync(join(dir, 'june.csv'), content);
    ddbMock.on(GetCommand).resolves({ Item: { pk: project.id, ...project } });
    s3Mock.on(PutObjectCommand).resolves({});
    const out = io(dir);
    expect(await makeUploadCommand(createCliAws).run([project.id, 'june.csv'], out)).toBe(0);
    expect(s3Mock).toHaveReceivedCommandWith(PutObjectCommand, {
      Bucket: 'monitoring',
      Key: `uploads/${project.id}/june.csv`,
      Metadata: { methodology: 'grid-renewable@1.0.0' },
    });
    expect(out.text()).toContain(uploadIdOf(project.id, createHash('sha256').update(content).digest('hex')));
  });

  it('an unregistered project: exit 2, nothing uploaded', async () => {
    ddbMock.on(GetCommand).resolves({});
    expect(await makeUploadCommand(createCliAws).run(['nope', 'june.csv'], io())).toBe(2);
    expect(s3Mock).not.toHaveReceivedCommand(PutObjectCommand);
  });
});
