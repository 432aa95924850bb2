/**
 * Fault injection on the ingest handler: every AWS command of a clean run (S3, DynamoDB, SQS) fails
 * in turn, before it takes effect (throttling, 5xx) or after (a lost response / timeout), for an
 * accepted, a rejected and an unknown-project upload. Each time: the record fails (SQS retries), no
 * partial state is visible (no review message without its submission, no submission without its
 * report, every pending-review submission carries its review item, so it can be requeued), and the
 * healed redelivery ends exactly-once: one submission, one report, one review message (two only in
 * the two documented windows, an idempotent duplicate the consumer skips). Plus redeliveries ×3.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { Submission } from '../../core/review/submission.ts';
import { s3EventBody, sqsEvent } from '../handlers/helpers.ts';
import { AwsWorld, errorFor, type Call } from './aws-world.ts';
import { report, tally } from './faults-count.ts';
import { ingestHandler, INVALID, P, QUEUE, seed, TABLES, uploadIdFor, VALID } from './pipeline.ts';

const world = new AwsWorld();
beforeEach(() => world.reset());
afterAll(() => {
  world.restore();
  report('ingest-faults');
});

const KEY = `uploads/${P}/june.csv`;
const submissions = () => [...world.table(TABLES.submissions).values()] as unknown as (Submission & { pk: string })[];
const messages = () => world.messages.get(QUEUE) ?? [];

/** The commands of a clean run of one upload (to know what to break). */
async function cleanRun(content: Buffer, registered = true): Promise<Call[]> {
  world.reset();
  seed(world, KEY, content);
  if (!registered) world.table(TABLES.projects).clear();
  const { handler } = ingestHandler(world);
  expect((await handler(sqsEvent(s3EventBody(KEY)))).batchItemFailures).toEqual([]);
  const calls = [...world.calls];
  world.reset();
  return calls;
}

/** Invariants that hold at every instant, also right after a failed run. */
function checkNoPartialState(uploadId: string) {
  const subs = submissions();
  expect(subs.length).toBeLessThanOrEqual(1);
  for (const s of subs) {
    expect(world.objects.has(`reports/${P}/${uploadId}.json`), 'a submission always has its report').toBe(true);
    if (s.status === 'pending-review') {
      expect(s.reviewItem, 'a pending-review submission keeps its review item (requeue-able)').toBeDefined();
      expect(world.objects.has(s.resultKey!), 'a pending-review submission has its result').toBe(true);
    }
  }
  for (const body of messages()) {
    const s = subs.find((x) => x.uploadId === (JSON.parse(body) as { uploadId: string }).uploadId);
    expect(s?.status, 'no review message without its pending submission').toBe('pending-review');
  }
  // the raw upload is never rewritten
  expect(world.callsOf('PutObject', (i) => String(i.Key).startsWith('uploads/'))).toEqual([]);
}

const scenarios = [
  { name: 'accepted upload', content: VALID, registered: true },
  { name: 'rejected upload', content: INVALID, registered: true },
  { name: 'unknown project', content: VALID, registered: false },
] as const;

// The command sequences are fixed by the code; count them up front for the test names.
const plans: ((typeof scenarios)[number] & { calls: Call[] })[] = [];
for (const s of scenarios) plans.push({ ...s, calls: await cleanRun(s.content, s.registered) });

describe('ingest: a fault at every AWS command, then the healed redelivery', () => {
  for (const plan of plans) {
    const faults = plan.calls.length * 2;
    it(`${plan.name}: ${plan.calls.length} commands (${plan.calls.map((c) => c.command).join(' → ')}) × {before, after} = ${faults} faults → exactly-once`, async () => {
      const uploadId = uploadIdFor(plan.content);
      for (const call of plan.calls) {
        for (const when of ['before', 'after'] as const) {
          world.reset();
          seed(world, KEY, plan.content);
          if (!plan.registered) world.table(TABLES.projects).clear();
          world.fault = (c) => (c.index === call.index ? { error: errorFor(c.service, c.index), when } : undefined);
          const { handler } = ingestHandler(world);
          const first = await handler(sqsEvent(s3EventBody(KEY)));
          const label = `${call.command} #${call.index} ${when}`;
          expect(world.injected, label).toBe(1);
          tally.faults += world.injected;
          tally.scenarios++;
          expect(first.batchItemFailures, `${label}: the record fails so SQS retries it`).toEqual([{ itemIdentifier: 'm-1' }]);
          checkNoPartialState(uploadId);

          world.fault = undefined;
          const second = await handler(sqsEvent(s3EventBody(KEY)));
          expect(second.batchItemFailures, label).toEqual([]);
          checkNoPartialState(uploadId);
          const subs = submissions();
          if (!plan.registered) {
            expect(subs, label).toEqual([]);
            expect(world.objects.has(`reports/${P}/${uploadId}.json`), label).toBe(true);
            expect(messages(), label).toEqual([]);
            continue;
          }
          expect(
            subs.map((s) => s.uploadId),
            label,
          ).toEqual([uploadId]);
          expect(world.objects.has(`reports/${P}/${uploadId}.txt`), label).toBe(true);
          if (plan.content === INVALID) {
            expect(subs[0]!.status, label).toBe('rejected');
            expect(messages(), label).toEqual([]);
            continue;
          }
          expect(subs[0], label).toMatchObject({ status: 'pending-review', queuedAt: expect.any(String) });
          // A second message only when the send took effect but its completion was not recorded.
          const duplicateWindow = (call.command === 'SendMessage' && when === 'after') || (call.command === 'UpdateItem' && when === 'before');
          expect(messages().length, label).toBe(duplicateWindow ? 2 : 1);
          expect(new Set(messages().map((m) => (JSON.parse(m) as { uploadId: string }).uploadId)), label).toEqual(new Set([uploadId]));

          // A third delivery changes nothing.
          const writes = world.calls.filter((c) => ['PutObject', 'PutItem', 'UpdateItem', 'SendMessage'].includes(c.command)).length;
          expect((await handler(sqsEvent(s3EventBody(KEY)))).batchItemFailures).toEqual([]);
          expect(
            world.calls.filter((c) => ['PutObject', 'PutItem', 'UpdateItem', 'SendMessage'].includes(c.command)).length,
            `${label}: third delivery writes nothing`,
          ).toBe(writes);
        }
      }
    });
  }
});

describe('ingest: redelivery and duplicates without faults', () => {
  it('the same event delivered 3× (separate invocations) and 2× in one batch → one submission, one review message', async () => {
    seed(world, KEY, VALID);
    const { handler } = ingestHandler(world);
    for (let i = 0; i < 3; i++) expect((await handler(sqsEvent(s3EventBody(KEY)))).batchItemFailures).toEqual([]);
    expect((await handler(sqsEvent(s3EventBody(KEY), s3EventBody(KEY)))).batchItemFailures).toEqual([]);
    expect(submissions()).toHaveLength(1);
    expect(messages()).toHaveLength(1);
  });

  it('the same content under two names → one submission (content-addressed upload id), one message', async () => {
    seed(world, KEY, VALID);
    world.objects.set(`uploads/${P}/june-copy.csv`, { body: VALID, metadata: {}, versionId: 'v2' });
    const { handler } = ingestHandler(world);
    expect((await handler(sqsEvent(s3EventBody(KEY), s3EventBody(`uploads/${P}/june-copy.csv`)))).batchItemFailures).toEqual([]);
    expect(submissions()).toHaveLength(1);
    expect(messages()).toHaveLength(1);
  });

  it('throttled on every attempt (3 deliveries, then the DLQ): nothing written, the upload is still in S3 for a redrive', async () => {
    seed(world, KEY, VALID);
    world.fault = (c) => (c.command === 'GetItem' ? { error: errorFor('ddb', 0), when: 'before' } : undefined);
    const { handler } = ingestHandler(world);
    for (let i = 0; i < 3; i++) expect((await handler(sqsEvent(s3EventBody(KEY)))).batchItemFailures).toEqual([{ itemIdentifier: 'm-1' }]);
    tally.faults += world.injected;
    tally.scenarios++;
    expect(world.callsOf('PutObject')).toEqual([]);
    expect(submissions()).toEqual([]);
    expect(world.objects.get(KEY)!.body.equals(VALID)).toBe(true);
    world.fault = undefined;
    expect((await handler(sqsEvent(s3EventBody(KEY)))).batchItemFailures).toEqual([]);
    expect(messages()).toHaveLength(1);
  });
});
