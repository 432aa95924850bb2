/**
 * Issue 13 on the local stack: the local identities, the gateway that enforces the role policies
 * (infra/policies/role-policies.ts) and stamps each message's SenderId, and the decision function's
 * authorization, through the real SDK and the `mrv` CLI.
 */
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain, type AuditEvent } from '../../core/audit/audit.ts';
import type { DecisionOutcomeReport } from '../../functions/record-decision/authorize.ts';
import { s3ReportStore } from '../../functions/shared/aws/s3-stores.ts';
import { outcomeKey } from '../../functions/shared/resources.ts';
import { sample, startTestStack, type TestStack } from '../helpers/local-stack.ts';

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
}, 60_000);
afterAll(async () => {
  await t?.stop();
});

const GOOD_CSV = sample('uploads', 'wind-tamil-nadu-in', '2023-07-01_10-hourly.csv');

describe('local identities and the local gateway', () => {
  it('a site can put objects under its own project prefix only', async () => {
    await t.registerProject('acc-site-a');
    await t.registerProject('acc-site-b');
    const site = t.stack.site('acc-site-a');
    const s3 = new S3Client({
      region: t.stack.region,
      endpoint: t.stack.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: site.accessKeyId, secretAccessKey: site.secretAccessKey },
    });
    try {
      const put = (key: string) => s3.send(new PutObjectCommand({ Bucket: t.stack.resources.bucket, Key: key, Body: 'x' }));
      await expect(put('uploads/acc-site-b/evil.csv')).rejects.toMatchObject({ name: 'AccessDenied' });
      await expect(put('reports/acc-site-a/forged.json')).rejects.toMatchObject({ name: 'AccessDenied' });
      await expect(put('uploads/acc-site-a/own.csv')).resolves.toBeDefined();
    } finally {
      s3.destroy();
    }
    expect(t.stack.gateway.denied.map((d) => `${d.identity} ${d.action} ${d.resource.split(':::')[1]}`)).toEqual(
      expect.arrayContaining([
        `site.acc-site-a s3:PutObject ${t.stack.resources.bucket}/uploads/acc-site-b/evil.csv`,
        `site.acc-site-a s3:PutObject ${t.stack.resources.bucket}/reports/acc-site-a/forged.json`,
      ]),
    );
    // and `mrv upload` as the site of b into b works, into a is refused
    expect((await t.as('site.acc-site-b', ['upload', 'acc-site-b', GOOD_CSV])).code).toBe(0);
    const refused = await t.as('site.acc-site-b', ['upload', 'acc-site-a', GOOD_CSV]);
    expect(refused.code).not.toBe(0);
    // every upload is in the project's audit trail under the principal that put it (from the S3 event)
    const siteB = t.stack.site('acc-site-b');
    const upload = await t.waitFor('the upload audit event', async () => (await auditOf('acc-site-b')).find((e) => e.action === 'upload'));
    expect(upload).toMatchObject({
      actor: { principal: `iam:${siteB.userId}` },
      outcome: 'accepted',
      details: { key: 'uploads/acc-site-b/2023-07-01_10-hourly.csv', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
    const own = await t.waitFor('the audit event of own.csv', async () => (await auditOf('acc-site-a')).find((e) => e.action === 'upload'));
    expect(own).toMatchObject({ actor: { principal: `iam:${site.userId}` }, outcome: 'rejected', details: { key: 'uploads/acc-site-a/own.csv' } });
    expect((await auditOf('acc-site-a')).filter((e) => e.action === 'upload')).toHaveLength(1);
  });

  it('a site cannot send a decision for its own upload; a verifier of another body is refused by the decision function, audited and told', async () => {
    await t.registerProject('acc-decide');
    const uploadId = await t.upload('acc-decide', GOOD_CSV);
    await t.waitFor('the review item', async () => (await t.submissions.get(uploadId))?.queuedAt);

    // the site's policy has no sqs:SendMessage on the decision queue
    const bySite = await t.as('site.acc-decide', ['review', 'approve', uploadId, '--verifier', 'DOE Example (J. Doe)']);
    expect(bySite.code).not.toBe(0);

    // a verifier of a body that is not assigned to the project: sent, then refused by the decision function;
    // `approve` waits for that outcome and prints the refusal with its reason (exit 1)
    const other = t.stack.identities.find((i) => i.name === 'other-verifier')!;
    const byOther = await t.as('other-verifier', ['review', 'approve', uploadId]);
    expect(byOther.code, byOther.out + byOther.err).toBe(1);
    expect(byOther.out).toContain(
      `Refused: the approval of upload ${uploadId} was not recorded: project acc-decide is assigned to the verification body LOCAL-DOE-A, not to LOCAL-DOE-B`,
    );
    expect(byOther.out).toContain('(access.body_not_assigned)');
    const reports = s3ReportStore(t.stack.clients.s3, t.stack.resources.bucket);
    const refusal = await t.waitFor('the refusal', async () => {
      const events = await auditOf('acc-decide');
      return events.find((e) => e.action === 'decision.refuse');
    });
    expect(refusal).toMatchObject({ actor: { principal: `iam:${other.userId}`, body: 'LOCAL-DOE-B' }, outcome: 'access.body_not_assigned', subject: uploadId });
    const sent = t.spied(
      (m) => m.service === 'sqs' && m.queueName === 'DecisionQueue' && m.status === 'published' && 'body' in m && m.body.includes(uploadId),
    ) as { messageId: string }[];
    const told = await t.waitFor('the outcome for the sender', async () => {
      for (const m of sent) {
        const o = await reports.getJson<DecisionOutcomeReport>(outcomeKey(other.userId, m.messageId));
        if (o) return o;
      }
      return undefined;
    });
    expect(told).toMatchObject({ outcome: 'refused-access', code: 'access.body_not_assigned' });
    expect((await t.submissions.get(uploadId))?.status).toBe('pending-review');

    // the assigned verifier's approval is recorded under its register identity, whatever name it typed
    const vera = t.stack.identities.find((i) => i.name === 'verifier')!;
    expect((await t.as('verifier', ['review', 'approve', uploadId, '--verifier', 'Somebody Else'])).code).toBe(0);
    await t.waitFor('the approval', async () => (await t.submissions.get(uploadId))?.status === 'approved' || undefined);
    const ledger = await t.mrv(['ledger', 'list', 'acc-decide']);
    expect(ledger.out).toContain(`by Vera Verifier (LOCAL-DOE-A, iam:${vera.userId})`);
    expect(ledger.out).not.toContain('Somebody Else');

    // the audit trail: registration, assignment? (by the stack), refusal, approval — a chain that verifies
    const events = await auditOf('acc-decide');
    expect(events.map((e) => e.action)).toEqual(expect.arrayContaining(['project.register', 'decision.refuse', 'decision.approve']));
    expect(verifyAuditChain(events).ok).toBe(true);
    expect((await t.mrv(['audit', 'verify', 'acc-decide'])).out).toMatch(/chain intact/);
    const csv = await t.mrv(['audit', 'export', 'acc-decide', '--format', 'csv']);
    expect(csv.out.split('\n')[0]).toMatch(/^seq,at,recordedAt,action,actor\.principal/);
    expect(csv.out).toContain('decision.refuse');
  });

  it('a verifier reads the evidence of projects assigned to its body only; a new assignment moves it to the new body', async () => {
    await t.registerProject('acc-evidence');
    const uploadId = await t.upload('acc-evidence', GOOD_CSV);
    await t.waitFor('the review item', async () => (await t.submissions.get(uploadId))?.queuedAt);
    const evidenceKeys = [`results/acc-evidence/${uploadId}.json`, `reports/acc-evidence/${uploadId}.json`, `partials/acc-evidence/${uploadId}.json`];
    const read = async (who: string, key: string) => {
      const id = t.stack.identities.find((i) => i.name === who)!;
      const s3 = new S3Client({
        region: t.stack.region,
        endpoint: t.stack.endpoint,
        forcePathStyle: true,
        credentials: { accessKeyId: id.accessKeyId, secretAccessKey: id.secretAccessKey },
      });
      try {
        await s3.send(new GetObjectCommand({ Bucket: t.stack.resources.bucket, Key: key }));
        return 'read';
      } catch (e) {
        return (e as Error).name;
      } finally {
        s3.destroy();
      }
    };
    // assigned to LOCAL-DOE-A: Vera (LOCAL-DOE-A) reads every evidence object, Otto (LOCAL-DOE-B) none
    for (const key of evidenceKeys) {
      expect(await read('verifier', key), key).toBe('read');
      expect(await read('other-verifier', key), key).toBe('AccessDenied');
    }
    expect((await t.as('verifier', ['review', 'show', uploadId])).code).toBe(0);
    expect((await t.as('other-verifier', ['review', 'show', uploadId])).code).not.toBe(0);

    // the registrar assigns LOCAL-DOE-B: the evidence is re-tagged and changes hands
    const assigned = await t.as('registrar', ['access', 'assign', 'acc-evidence', '--body', 'LOCAL-DOE-B']);
    expect(assigned.code, assigned.err).toBe(0);
    expect(assigned.out).toMatch(/assigned to the verification body LOCAL-DOE-B; [1-9]\d* evidence object\(s\) re-tagged/);
    for (const key of evidenceKeys) {
      expect(await read('other-verifier', key), key).toBe('read');
      expect(await read('verifier', key), key).toBe('AccessDenied');
    }
  });

  it('ledger verify and audit verify exit 2 on an unknown project', async () => {
    expect((await t.mrv(['ledger', 'verify', 'no-such-project'])).code).toBe(2);
    expect((await t.mrv(['audit', 'verify', 'no-such-project'])).code).toBe(2);
    expect((await t.mrv(['audit', 'export', 'no-such-project'])).code).toBe(2);
  });
});

async function auditOf(projectId: string): Promise<AuditEvent[]> {
  const r = await t.mrv(['audit', 'export', projectId, '--format', 'json']);
  return r.code === 0 ? (JSON.parse(r.out) as AuditEvent[]) : [];
}
