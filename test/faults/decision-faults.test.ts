/**
 * Fault injection on the decision handler (real adapters over the stateful AWS fake): every command of
 * an approval and of a rejection fails in turn, before or after it takes effect; the record fails
 * (SQS retries) and the healed redelivery ends exactly-once: one ledger entry whose chain verifies,
 * the submission approved with its seq (or rejected), the decision report written back. A pending
 * submission stays requeue-able until a decision is final. Plus the same decision delivered 3×.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { verifyChain, type LedgerEntry } from '../../core/ledger/entry.ts';
import type { Decision } from '../../core/review/schemas.ts';
import type { Submission } from '../../core/review/submission.ts';
import { s3EventBody, sqsEvent } from '../handlers/helpers.ts';
import { AWS_ERRORS, AwsWorld, errorFor, type Call } from './aws-world.ts';
import { report, tally } from './faults-count.ts';
import { decisionHandler, ingestHandler, P, seed, TABLES, uploadIdFor, VALID } from './pipeline.ts';

const world = new AwsWorld();
beforeEach(() => world.reset());
afterAll(() => {
  world.restore();
  report('decision-faults');
});

const KEY = `uploads/${P}/june.csv`;
const UPLOAD = uploadIdFor(VALID);
const approve: Decision = {
  schemaVersion: 1,
  uploadId: UPLOAD,
  decision: 'approve',
  verifier: 'DOE Example (J. Doe)',
  decidedAt: '2024-02-03T12:00:00Z',
} as Decision;
const reject: Decision = { ...approve, decision: 'reject', reason: 'meter calibration certificate missing' } as Decision;

/** An accepted upload, ingested for real: a pending-review submission with its review item. */
async function pendingSubmission(): Promise<void> {
  world.reset();
  seed(world, KEY, VALID);
  const { handler } = ingestHandler(world);
  expect((await handler(sqsEvent(s3EventBody(KEY)))).batchItemFailures).toEqual([]);
  world.calls.length = 0;
}
const submission = () => world.table(TABLES.submissions).get(`${UPLOAD}\u0000`) as unknown as Submission;
const ledger = () => [...world.table(TABLES.ledger).values()];
const entries = () =>
  ledger()
    .filter((i) => String(i.sk).startsWith('ENTRY#'))
    .sort((a, b) => String(a.sk).localeCompare(String(b.sk)))
    .map((i) => i.entry as LedgerEntry);
const head = () => ledger().find((i) => i.sk === 'HEAD') as { seq: number; lastHash: string } | undefined;

async function commandsOf(decision: Decision): Promise<Call[]> {
  await pendingSubmission();
  const { handler } = decisionHandler(world);
  expect((await handler(sqsEvent(JSON.stringify(decision)))).batchItemFailures).toEqual([]);
  return [...world.calls];
}
const plans: { decision: Decision; calls: Call[] }[] = [];
for (const d of [approve, reject]) plans.push({ decision: d, calls: await commandsOf(d) });

function checkConsistent(label: string) {
  const s = submission();
  const list = entries();
  expect(list.length, `${label}: at most one ledger entry`).toBeLessThanOrEqual(1);
  if (list.length) expect(verifyChain(list).ok, label).toBe(true);
  if (s.status === 'pending-review') expect(s.reviewItem, `${label}: still requeue-able`).toBeDefined();
  if (s.status === 'rejected') expect(list, `${label}: never a ledger entry for a rejected upload`).toEqual([]);
}

describe('decisions: a fault at every AWS command, then the healed redelivery', () => {
  for (const { decision, calls } of plans) {
    it(`${decision.decision}: ${calls.length} commands (${calls.map((c) => c.command).join(' → ')}) × {before, after} = ${calls.length * 2} faults → exactly-once`, async () => {
      for (const call of calls) {
        for (const when of ['before', 'after'] as const) {
          await pendingSubmission();
          const label = `${call.command} #${call.index} ${when}`;
          world.fault = (c) => (c.index === call.index ? { error: errorFor(c.service, c.index), when } : undefined);
          const { handler } = decisionHandler(world);
          expect((await handler(sqsEvent(JSON.stringify(decision)))).batchItemFailures, label).toEqual([{ itemIdentifier: 'm-1' }]);
          expect(world.injected, label).toBe(1);
          tally.faults += 1;
          tally.scenarios++;
          checkConsistent(label);

          world.fault = undefined;
          for (let i = 0; i < 3; i++)
            expect((await handler(sqsEvent(JSON.stringify(decision)))).batchItemFailures, `${label}, redelivery ${i + 1}`).toEqual([]);
          checkConsistent(label);
          const s = submission();
          expect(world.objects.has(`reports/${P}/${UPLOAD}.decision.json`), label).toBe(true);
          if (decision.decision === 'approve') {
            expect(
              entries().map((e) => e.uploadId),
              label,
            ).toEqual([UPLOAD]);
            expect(verifyChain(entries(), head()), label).toMatchObject({ ok: true, length: 1 });
            expect(s, label).toMatchObject({ status: 'approved', ledger: { seq: 1, hash: entries()[0]!.hash } });
          } else {
            expect(s, label).toMatchObject({ status: 'rejected', statusReason: reject.reason });
            expect(ledger(), label).toEqual([]);
          }
        }
      }
    });
  }

  it('approve and reject for one upload, each redelivered 3× and interleaved with faults: exactly one wins, the ledger agrees', async () => {
    await pendingSubmission();
    let n = 0;
    world.fault = (c) => (++n % 4 === 0 && n < 40 ? { error: errorFor(c.service, n), when: n % 8 === 0 ? 'after' : 'before' } : undefined);
    const { handler } = decisionHandler(world);
    for (let i = 0; i < 3; i++) await handler(sqsEvent(JSON.stringify(approve), JSON.stringify(reject)));
    tally.faults += world.injected;
    tally.scenarios++;
    world.fault = undefined;
    for (let i = 0; i < 3; i++) expect((await handler(sqsEvent(JSON.stringify(approve), JSON.stringify(reject)))).batchItemFailures).toEqual([]);
    const s = submission();
    expect(['approved', 'rejected']).toContain(s.status);
    expect(entries()).toHaveLength(s.status === 'approved' ? 1 : 0);
    expect(s.decision!.decision).toBe(s.status === 'approved' ? 'approve' : 'reject');
  });
});

describe('a decision killed after the ledger write (issue 16 item 13)', () => {
  /** Runs the approval until the ledger HEAD has moved, then "kills" it (the record fails; the message is never redelivered). */
  async function approvalKilledAfterLedgerWrite(): Promise<void> {
    await pendingSubmission();
    world.fault = (c) =>
      c.command === 'UpdateItem' && (c.input as { TableName?: string }).TableName === TABLES.ledger
        ? { error: AWS_ERRORS.timeout(), when: 'after' }
        : undefined;
    const { handler } = decisionHandler(world);
    expect((await handler(sqsEvent(JSON.stringify(approve)))).batchItemFailures).toEqual([{ itemIdentifier: 'm-1' }]);
    world.fault = undefined;
    expect(entries().map((e) => e.uploadId)).toEqual([UPLOAD]);
    expect(submission()).toMatchObject({ status: 'pending-review', decision: { decision: 'approve' } });
  }

  it('a later rejection completes the approval the ledger holds and is refused with a report (not dropped)', async () => {
    await approvalKilledAfterLedgerWrite();
    const { handler, metrics } = decisionHandler(world);
    expect((await handler(sqsEvent(JSON.stringify(reject)))).batchItemFailures).toEqual([]);
    expect(submission()).toMatchObject({ status: 'approved', ledger: { seq: 1, hash: entries()[0]!.hash } });
    expect(verifyChain(entries(), head())).toMatchObject({ ok: true, length: 1 });
    const refused = [...world.objects.keys()].filter((k) => k.startsWith(`reports/${P}/${UPLOAD}.decision-refused-`));
    expect(refused).toHaveLength(1);
    const report = JSON.parse(String(world.objects.get(refused[0]!)!.body)) as { outcome: string; reason: string };
    expect(report.outcome).toBe('conflict');
    expect(report.reason).toMatch(/already approved by DOE Example .*ledger entry 1.*a reject decision cannot change a final decision/);
    expect(world.objects.has(`reports/${P}/${UPLOAD}.decision.json`)).toBe(true);
    expect(metrics.counts).toMatchObject({ DecisionsCompleted: 1, DecisionsConflicting: 1 });
  });

  it('the same approval repeated (a redelivery, or mrv review approve again) sees the ledger entry and completes the state', async () => {
    await approvalKilledAfterLedgerWrite();
    const { handler } = decisionHandler(world);
    expect((await handler(sqsEvent(JSON.stringify({ ...approve, decidedAt: '2024-02-04T08:00:00Z' })))).batchItemFailures).toEqual([]);
    expect(submission()).toMatchObject({ status: 'approved', ledger: { seq: 1 } });
    expect(entries()).toHaveLength(1);
  });
});
