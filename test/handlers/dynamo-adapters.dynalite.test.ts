/**
 * The DynamoDB adapters against dynalite (a real expression engine, no transactions): the ledger
 * protocol's conditional expressions, HEAD's list_append, the submissions' claim and finalise, and
 * concurrent approvals through the real SDK clients.
 */
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
// @ts-expect-error dynalite ships no type declarations
import dynaliteUntyped from 'dynalite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendEntry, type AppendRequest } from '../../core/ledger/append.ts';
import { verifyChain } from '../../core/ledger/entry.ts';
import type { Submission } from '../../core/review/submission.ts';
import { dynamoSubmissions } from '../../functions/shared/aws/dynamo-repositories.ts';
import { dynamoLedgerStore } from '../../functions/shared/aws/ledger-store.ts';
import { TABLES } from '../../functions/shared/resources.ts';

interface DynaliteServer {
  listen(port: number, host: string, cb: () => void): void;
  address(): AddressInfo | string | null;
  close(cb: () => void): void;
}
const dynalite = dynaliteUntyped as (options: Record<string, number>) => DynaliteServer;
let server: DynaliteServer;
let ddb: DynamoDBDocumentClient;

beforeAll(async () => {
  server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  const raw = new DynamoDBClient({ region: 'us-east-1', endpoint: `http://127.0.0.1:${port}`, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  ddb = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  await raw.send(
    new CreateTableCommand({
      TableName: 'Ledger',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: TABLES.ledger.partitionKey, AttributeType: 'S' },
        { AttributeName: TABLES.ledger.sortKey, AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    }),
  );
  await raw.send(
    new CreateTableCommand({
      TableName: 'Submissions',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'projectId', AttributeType: 'S' },
        { AttributeName: 'createdAt', AttributeType: 'S' },
      ],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'byProject',
          KeySchema: [
            { AttributeName: 'projectId', KeyType: 'HASH' },
            { AttributeName: 'createdAt', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    }),
  );
  await new Promise((r) => setTimeout(r, 50));
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const id = (n: number) => n.toString(16).padStart(32, '0');
const request = (projectId: string, n: number, start: string, end: string): AppendRequest => ({
  schemaVersion: 1,
  projectId,
  uploadId: id(n),
  period: { start, end },
  er: '900000.123',
  issuance: {
    units: '900000',
    rounding: 'floor',
    deductions: [
      {
        account: 'Adaptation Fund (SOP-AF)',
        purpose: 'share-of-proceeds',
        units: '18000',
        rate: '0.02',
        rounding: 'ceil',
        source: 'decision 17/CP.7 para 15(a)',
      },
    ],
    toParticipants: '882000',
  },
  methodology: { key: 'm@1.0.0', hash: 'h' },
  file: { sha256: 'b'.repeat(64) },
  verifier: 'v',
  approvedAt: '2024-01-01T00:00:00Z',
});

describe('dynamoLedgerStore on dynalite', () => {
  it('appends, dedupes, refuses overlaps; entries read back hash-identical; HEAD keeps the periods', async () => {
    const store = dynamoLedgerStore(ddb, 'Ledger');
    expect((await appendEntry(store, request('p1', 1, '2020-01-01', '2020-06-30'))).kind).toBe('appended');
    expect((await appendEntry(store, request('p1', 1, '2020-01-01', '2020-06-30'))).kind).toBe('already');
    expect((await appendEntry(store, request('p1', 2, '2020-06-30', '2020-12-31'))).kind).toBe('refused');
    expect((await appendEntry(store, request('p1', 3, '2020-07-01', '2020-12-31'))).kind).toBe('appended');
    const head = await store.getHead('p1');
    expect(head).toMatchObject({
      seq: 2,
      periods: [
        { start: '2020-01-01', end: '2020-06-30' },
        { start: '2020-07-01', end: '2020-12-31' },
      ],
    });
    expect(verifyChain(await store.listEntries('p1'), head)).toMatchObject({ ok: true, length: 2 });
  });

  it('concurrent approvals through the real client: each upload exactly once, chain intact', async () => {
    const store = dynamoLedgerStore(ddb, 'Ledger');
    const months = [1, 2, 3, 1, 2, 4, 4, 5, 3, 6];
    const outcomes = await Promise.all(months.map((m) => appendEntry(store, request('p2', m, `2021-0${m}-01`, `2021-0${m}-28`))));
    expect(outcomes.filter((o) => o.kind === 'appended')).toHaveLength(6);
    const entries = await store.listEntries('p2');
    expect(new Set(entries.map((e) => e.uploadId)).size).toBe(6);
    expect(verifyChain(entries, await store.getHead('p2'))).toMatchObject({ ok: true, length: 6 });
  });

  it('marker condition: same seq is idempotent, another seq is reported', async () => {
    const store = dynamoLedgerStore(ddb, 'Ledger');
    expect(await store.putUploadMarker('p3', id(1), 1)).toEqual({ seq: 1 });
    expect(await store.putUploadMarker('p3', id(1), 1)).toEqual({ seq: 1 });
    expect(await store.putUploadMarker('p3', id(1), 2)).toEqual({ seq: 1 });
    expect(await store.advanceHead('p3', 5, { seq: 6, lastHash: 'x', period: { start: '2020-01-01', end: '2020-01-02' } })).toBe(false);
  });
});

describe('dynamoSubmissions on dynalite', () => {
  const s = (uploadId: string): Submission => ({
    uploadId,
    projectId: 'p',
    createdAt: '2024-01-01T00:00:00Z',
    status: 'pending-review',
    validation: 'accepted',
    file: { key: 'uploads/p/a.csv', sha256: 'c'.repeat(64), bytes: 1 },
    reportKey: 'r',
  });
  const decision = { schemaVersion: 1 as const, uploadId: id(1), decision: 'approve' as const, verifier: 'v', decidedAt: '2024-01-02T00:00:00Z' };

  it('create is conditional; claim once; finalise only from pending or to the same status; list by project and status', async () => {
    const repo = dynamoSubmissions(ddb, 'Submissions');
    expect(await repo.create(s(id(1)))).toBe(true);
    expect(await repo.create(s(id(1)))).toBe(false);
    const claims = await Promise.all([repo.claimDecision(id(1), decision, 'a'), repo.claimDecision(id(1), { ...decision, decision: 'approve' }, 'b')]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await repo.finalise(id(1), { status: 'approved', ledger: { seq: 1, hash: 'h' }, at: 'c' })).toBe(true);
    expect(await repo.finalise(id(1), { status: 'approved', ledger: { seq: 1, hash: 'h' }, at: 'd' })).toBe(true);
    expect(await repo.finalise(id(1), { status: 'rejected', at: 'e' })).toBe(false);
    expect(await repo.claimDecision(id(1), decision, 'f')).toBe(false);
    expect(await repo.get(id(1))).toMatchObject({ status: 'approved', ledger: { seq: 1 }, decision: { verifier: 'v' } });
    await repo.create(s(id(2)));
    await repo.markQueued(id(2), 'now');
    expect((await repo.listByProject('p')).map((x) => x.uploadId).sort()).toEqual([id(1), id(2)]);
    expect((await repo.listByStatus('pending-review')).map((x) => x.uploadId)).toEqual([id(2)]);
  });
});
