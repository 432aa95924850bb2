/**
 * End to end through the real AWS SDK against the local stack (fauxqs + dynalite): site upload →
 * S3 notification → ingest queue → ingest function → report, submission, review queue → verifier
 * decision → decision queue → record-decision function → ledger. Each test uses its own project id.
 */
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { s3ReportStore } from '../../functions/shared/aws/s3-stores.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PortError } from '../../core/errors.ts';
import { BUCKET_LAYOUT, ENV, LEDGER_KEYS, QUEUES } from '../../functions/shared/resources.ts';
import { sample, sqsEvents, startTestStack, type TestStack } from '../helpers/local-stack.ts';

const GOOD_CSV = sample('uploads', 'wind-tamil-nadu-in', '2023-07-01_10-hourly.csv');
/** The same ten days as GOOD_CSV, as JSON: other content, other upload id, overlapping period. */
const GOOD_JSON = sample('uploads', 'wind-tamil-nadu-in', '2023-07-01_10-hourly.json');
const MISSING_COLUMN_CSV = sample('uploads', 'wind-tamil-nadu-in', '2023-07-01_10-hourly-missing-import-column.csv');

let t: TestStack;
const scratch = mkdtempSync(join(tmpdir(), 'mrv-e2e-files-'));

beforeAll(async () => {
  t = await startTestStack({
    // Fault injection for the DLQ test: reading an object named poison*.csv fails like an S3 outage.
    ingestDeps: (deps) => ({
      ...deps,
      monitoring: {
        head: (key) => deps.monitoring.head(key),
        open: (key, v) =>
          key.includes('/poison') ? Promise.reject(new PortError(`GetObject ${key} failed: injected`, undefined)) : deps.monitoring.open(key, v),
      },
    }),
  });
});
afterAll(async () => {
  await t?.stop();
});

// Decisions are sent as the local verifier identity (the decision function authorizes the SQS sender).
const approve = (uploadId: string, verifier = 'A. Auditor') => t.as('verifier', ['review', 'approve', uploadId, '--verifier', verifier]);
const statusOf = (uploadId: string, status: string) => async () => ((await t.submissions.get(uploadId))?.status === status ? true : undefined);

describe('the local stack, end to end', () => {
  it('upload → accepted report → review queue → approve → ledger entry with its issuance breakdown', async () => {
    // Registered under the superseded grid-renewable@1.0.0 (the sample itself moved to 1.1.0), so the
    // review shows the note for the verifier below.
    await t.registerProject('e2e-happy', undefined, { methodology: 'grid-renewable@1.0.0' });
    const uploadId = await t.upload('e2e-happy', GOOD_CSV);

    const report = await t.waitForReport('e2e-happy', uploadId);
    expect(report.status).toBe('accepted');
    expect(report.upload).toMatchObject({ uploadId, projectId: 'e2e-happy', key: 'uploads/e2e-happy/2023-07-01_10-hourly.csv' });
    await t.waitFor('the review item to be queued', async () => (await t.submissions.get(uploadId))?.queuedAt);
    expect(sqsEvents(t, QUEUES.review.logicalName, 'published', uploadId)).toHaveLength(1);
    expect((await t.mrv(['review', 'list'])).out).toContain(uploadId);

    // the project registers under grid-renewable@1.0.0, which 1.1.0 corrects: the verifier is told
    const shown = await t.mrv(['review', 'show', uploadId]);
    expect(shown.out).toMatch(/Note for the verifier: Methodology grid-renewable@1\.0\.0 is superseded by grid-renewable@1\.1\.0: .*TOOL03/);

    const next = await t.mrv(['review', 'next', '--hold', '5']);
    expect(next.out).toContain(uploadId);
    const sent = await approve(uploadId);
    expect(sent.code, sent.err).toBe(0);
    await t.waitFor('the approval to be recorded', statusOf(uploadId, 'approved'));

    const decision = await t.decisionReport('e2e-happy', uploadId);
    expect(decision).toMatchObject({ outcome: 'approved', ledger: { seq: 1, units: report.issuance!.units, toParticipants: report.issuance!.toParticipants } });
    const ledger = await t.mrv(['ledger', 'list', 'e2e-happy']);
    expect(ledger.code).toBe(0);
    // 606.533721 tCO2e → 606 A6.4ERs: 5 % share of proceeds (31, rounded up) and 2 % OMGE (13) → 562 to the participants.
    expect(ledger.out).toMatch(
      /^#1 .*2023-06-30T23:00:00\+05:30 – 2023-07-10T23:00:00\+05:30 \(Asia\/Kolkata, end excluded\) .*ER 606\.533721 .*units 606 \(share-of-proceeds 31, omge-cancellation 13\) → participants 562 .*upload [0-9a-f]{32}/m,
    );
    expect((await t.mrv(['ledger', 'verify', 'e2e-happy'])).out).toContain('1 entry, chain intact');
    // the recorded decision leaves its verification report beside the reports, without anyone opening it
    const stored = s3ReportStore(t.stack.clients.s3, t.stack.resources.bucket);
    for (const format of ['html', 'pdf'])
      await t.waitFor(
        `the ${format} verification report`,
        async () => (await stored.exists(`reports/e2e-happy/${uploadId}.verification.${format}`)) || undefined,
      );
    expect((await t.mrv(['review', 'list'])).out).not.toContain(uploadId);
  });

  it('a rejected upload gets its report, nothing is queued, and the raw file is kept', async () => {
    await t.registerProject('e2e-rejected');
    const uploadId = await t.upload('e2e-rejected', MISSING_COLUMN_CSV);

    const report = await t.waitForReport('e2e-rejected', uploadId);
    expect(report.status).toBe('rejected');
    expect(report.diagnostics[0]).toMatchObject({ code: 'header.missing_column', location: { column: 'EG_import' } });
    await t.waitFor('the rejected submission', statusOf(uploadId, 'rejected'));
    expect(sqsEvents(t, QUEUES.review.logicalName, 'published', uploadId)).toHaveLength(0);
    expect((await t.mrv(['review', 'list'])).out).not.toContain(uploadId);
    const raw = await t.stack.clients.s3.send(
      new HeadObjectCommand({ Bucket: t.stack.resources.bucket, Key: 'uploads/e2e-rejected/2023-07-01_10-hourly-missing-import-column.csv' }),
    );
    expect(raw.ContentLength).toBeGreaterThan(0);
    expect((await t.mrv(['review', 'approve', uploadId, '--verifier', 'A. Auditor'])).code).toBe(1);
  });

  it('the same file uploaded twice, and the same event delivered twice, make one submission', async () => {
    await t.registerProject('e2e-dup');
    const first = await t.upload('e2e-dup', GOOD_CSV);
    const second = await t.upload('e2e-dup', GOOD_CSV);
    expect(second).toBe(first);
    // S3 delivers at least once: send the first notification again, verbatim.
    const [notification] = t.spied(
      (m) => m.service === 'sqs' && m.queueName === QUEUES.ingest.logicalName && m.status === 'published' && m.body.includes('uploads/e2e-dup/'),
    );
    await t.stack.clients.sqs.send(
      new SendMessageCommand({ QueueUrl: t.stack.resources.queues.ingest.url, MessageBody: (notification as { body: string }).body }),
    );

    await t.waitFor(
      'three ingest deliveries to be handled',
      async () => sqsEvents(t, QUEUES.ingest.logicalName, 'consumed', 'uploads/e2e-dup/').length === 3 || undefined,
    );
    expect(await t.submissions.listByProject('e2e-dup')).toHaveLength(1);
    expect(sqsEvents(t, QUEUES.review.logicalName, 'published', first)).toHaveLength(1);
  });

  it('overlapping monitoring periods: the second approval is refused', async () => {
    await t.registerProject('e2e-overlap');
    const a = await t.upload('e2e-overlap', GOOD_CSV);
    const b = await t.upload('e2e-overlap', GOOD_JSON);
    expect(b).not.toBe(a);
    await t.waitFor('both review items', async () => ((await t.submissions.get(a))?.queuedAt && (await t.submissions.get(b))?.queuedAt) || undefined);

    expect((await approve(a)).code).toBe(0);
    await t.waitFor('the first approval', statusOf(a, 'approved'));
    const refused = await approve(b);
    expect(refused.code).toBe(1); // the command waits for the outcome: refused
    expect(refused.out).toMatch(/Refused: the approval of upload [0-9a-f]{32} was not recorded: .*overlaps the approved period/);
    await t.waitFor('the second approval to be refused', statusOf(b, 'refused'));

    expect((await t.decisionReport('e2e-overlap', b))?.outcome).toBe('refused');
    expect((await t.submissions.get(b))?.statusReason).toMatch(/overlaps the approved period/);
    expect((await t.mrv(['ledger', 'list', 'e2e-overlap'])).out.trim().split('\n')).toHaveLength(1);
  });

  it('two approvals of one item at once make one ledger entry', async () => {
    await t.registerProject('e2e-race');
    const uploadId = await t.upload('e2e-race', GOOD_CSV);
    await t.waitFor('the review item', async () => (await t.submissions.get(uploadId))?.queuedAt);

    const [one, two] = await Promise.all([approve(uploadId, 'Verifier One'), approve(uploadId, 'Verifier Two')]);
    expect([one.code, two.code]).toEqual([0, 0]);
    await t.waitFor('both decisions to be handled', async () => sqsEvents(t, QUEUES.decision.logicalName, 'consumed', uploadId).length === 2 || undefined);

    const s = await t.submissions.get(uploadId);
    expect(s?.status).toBe('approved');
    const ledger = await t.mrv(['ledger', 'list', 'e2e-race']);
    expect(ledger.out.trim().split('\n')).toHaveLength(1);
    expect(ledger.out).toContain(`by ${s!.decision!.verifier}`);
  });

  it('a malformed decision is retried maxReceiveCount times, then parked in the dead-letter queue', async () => {
    const { decision } = t.stack.resources.queues;
    await t.stack.clients.sqs.send(
      new SendMessageCommand({ QueueUrl: decision.url, MessageBody: '{"schemaVersion":1,"uploadId":"not-an-id","decision":"approve"}' }),
    );

    const [parked] = await t.waitFor('the poison decision in the DLQ', async () => {
      const m = await t.peek(decision.dlq.url);
      return m.some((x) => x.Body?.includes('not-an-id')) ? m : undefined;
    });
    expect(Number(parked!.Attributes?.ApproximateReceiveCount)).toBeGreaterThanOrEqual(QUEUES.decision.maxReceiveCount);
    expect(await t.queueDepth(decision.url)).toEqual({ visible: 0, inFlight: 0 });
  });

  it('an ingest failure (S3 read fails) is retried, then parked in the dead-letter queue, with no report', async () => {
    await t.registerProject('e2e-poison');
    const file = join(scratch, 'poison.csv');
    copyFileSync(GOOD_CSV, file);
    const uploadId = await t.upload('e2e-poison', file);

    const { ingest } = t.stack.resources.queues;
    await t.waitFor(
      'the failed ingest event in the DLQ',
      async () => (await t.peek(ingest.dlq.url)).some((m) => m.Body?.includes('uploads/e2e-poison/poison.csv')) || undefined,
    );
    expect(sqsEvents(t, QUEUES.ingest.logicalName, 'consumed', 'uploads/e2e-poison/')).toHaveLength(0);
    expect(await t.report('e2e-poison', uploadId)).toBeUndefined();
    expect(await t.submissions.get(uploadId)).toBeUndefined();
    expect(t.faults).toEqual([]); // partial batch failures are not loop faults
  });

  it('mrv ledger verify names an entry edited directly in the table (exit 1)', async () => {
    await t.registerProject('e2e-tamper');
    const uploadId = await t.upload('e2e-tamper', GOOD_CSV);
    await t.waitFor('the review item', async () => (await t.submissions.get(uploadId))?.queuedAt);
    expect((await approve(uploadId)).code).toBe(0);
    await t.waitFor('the approval', statusOf(uploadId, 'approved'));
    expect((await t.mrv(['ledger', 'verify', 'e2e-tamper'])).code).toBe(0);

    await t.ddb.send(
      new UpdateCommand({
        TableName: t.stack.resources.env[ENV.ledgerTable],
        Key: { pk: 'e2e-tamper', sk: LEDGER_KEYS.entry(1) },
        UpdateExpression: 'SET #e.#er = :er',
        ExpressionAttributeNames: { '#e': 'entry', '#er': 'er' },
        ExpressionAttributeValues: { ':er': '999999' },
      }),
    );

    const verify = await t.mrv(['ledger', 'verify', 'e2e-tamper']);
    expect(verify.code).toBe(1);
    expect(verify.err).toMatch(/BROKEN at entry 1\b/);
  });

  it('keys under reports/ and results/ written by the functions never reach the ingest queue', () => {
    const ingested = t.spied((m) => m.service === 'sqs' && m.queueName === QUEUES.ingest.logicalName && m.status === 'published');
    expect(ingested.length).toBeGreaterThan(0);
    for (const m of ingested) expect((m as { body: string }).body).toContain(`"key":"${BUCKET_LAYOUT.uploadsPrefix}`);
  });
});
