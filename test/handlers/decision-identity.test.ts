import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { PrincipalRecord } from '../../core/access/registers.ts';
import { verifyAuditChain } from '../../core/audit/audit.ts';
import type { Decision } from '../../core/review/schemas.ts';
import type { Submission } from '../../core/review/submission.ts';
import { makeHandler } from '../../functions/record-decision/handler.ts';
import type { DecisionOutcomeReport } from '../../functions/record-decision/authorize.ts';
import { outcomeKey } from '../../functions/shared/resources.ts';
import { FakeLedgerStore } from '../unit/core/ledger/fake-ledger-store.ts';
import { FakeAccess, TEST_SENDER, TEST_VERIFIER, withAccess } from './access-helpers.ts';
import { FakeReports, FakeSubmissions, recordingLog, recordingMetrics, sqsEventFrom } from './helpers.ts';

/**
 * Security tests of issue 13: the decision function acts on the authenticated sender (SQS SenderId) and
 * the access registers only. Each would fail on the pipeline before it (anyone who could send to the
 * decision queue could approve under any name).
 */
const approve = JSON.parse(readFileSync(new URL('../events/review/decision-approve.v1.json', import.meta.url), 'utf8')) as Decision;
const P = 'fixture-hydro-reservoir';
const SITE_SENDER = 'AIDASITEHYDROEXAMPLE';
const OTHER_BODY_SENDER = 'AROAOTHERDOEEXAMPLE:bob';
const CHECKER_SENDER = 'AROATESTVERIFIEREXAMPLE:anna';
const SITE: PrincipalRecord = { role: 'site', principal: `iam:${SITE_SENDER}`, name: 'Hydro reservoir site', projectId: P };
const BOB: PrincipalRecord = {
  ...(TEST_VERIFIER as Extract<PrincipalRecord, { role: 'verifier' }>),
  principal: `iam:${OTHER_BODY_SENDER}`,
  personId: 'bob',
  name: 'Bob (Other DOE)',
  body: 'DOE-OTHER',
  accreditationRef: 'E-0099',
};
const ANNA: PrincipalRecord = {
  ...(TEST_VERIFIER as Extract<PrincipalRecord, { role: 'verifier' }>),
  principal: `iam:${CHECKER_SENDER}`,
  personId: 'anna',
  name: 'Anna Checker',
};
const J_DOE_WEB: PrincipalRecord = { ...TEST_VERIFIER, principal: 'iam:AIDAJDOESECONDKEYEXAMPLE' } as PrincipalRecord;

function submission(er = '744.744484', mechanism: 'CDM' | 'JCM' = 'CDM'): Submission {
  return {
    uploadId: approve.uploadId,
    projectId: P,
    createdAt: '2024-02-01T09:30:00.000Z',
    status: 'pending-review',
    validation: 'accepted',
    file: { key: `uploads/${P}/june.csv`, sha256: 'a'.repeat(64), bytes: 3111 },
    methodology: { key: 'grid-renewable@1.0.0', hash: 'bc6b' },
    period: { start: '2015-06-01', end: '2015-06-03' },
    er,
    issuance: { units: er.split('.')[0]!, rounding: 'floor', deductions: [], toParticipants: er.split('.')[0]! },
    reportKey: `reports/${P}/${approve.uploadId}.json`,
    resultKey: `results/${P}/${approve.uploadId}.json`,
    queuedAt: '2024-02-01T09:30:01.000Z',
    reviewItem: { mechanism } as Submission['reviewItem'],
  };
}

function world(options: { er?: string; mechanism?: 'CDM' | 'JCM'; validationBody?: string } = {}) {
  const submissions = new FakeSubmissions();
  submissions.items.set(approve.uploadId, submission(options.er, options.mechanism));
  const access = new FakeAccess([TEST_VERIFIER, SITE, BOB, ANNA, J_DOE_WEB], undefined);
  void access.putAssignment({
    projectId: P,
    verificationBody: 'DOE-EXAMPLE',
    ...(options.validationBody ? { validationBody: options.validationBody } : {}),
    assignedAt: '2024-01-01T00:00:00Z',
    assignedBy: 'registrar',
  });
  const reports = new FakeReports();
  const ledger = new FakeLedgerStore();
  const metrics = recordingMetrics();
  const deps = withAccess({ submissions, ledger, reports, now: () => new Date('2024-02-03T12:00:05Z'), logger: recordingLog(), metrics }, access);
  const handler = makeHandler(deps);
  let n = 0;
  const send = async (senderId: string, body: object = approve) => {
    const event = sqsEventFrom(senderId, JSON.stringify(body));
    const messageId = `msg-${++n}`;
    event.Records[0]!.messageId = messageId;
    expect((await handler(event)).batchItemFailures).toEqual([]);
    return JSON.parse(reports.objects.get(outcomeKey(senderId, messageId)) ?? 'null') as DecisionOutcomeReport | null;
  };
  const events = () => deps.audit.list(P);
  return { submissions, reports, ledger, metrics, deps, send, events };
}

describe('decisions are bound to the authenticated sender', () => {
  it('a site identity approving its own upload is refused, audited, and told; nothing is issued', async () => {
    const w = world();
    const told = await w.send(SITE_SENDER, { ...approve, verifier: 'DOE Example (J. Doe)' });
    expect(told).toMatchObject({ outcome: 'refused-access', code: 'access.wrong_role', principal: `iam:${SITE_SENDER}` });
    expect(await w.ledger.listEntries(P)).toEqual([]);
    expect(w.submissions.items.get(approve.uploadId)).toMatchObject({ status: 'pending-review' });
    expect(w.submissions.items.get(approve.uploadId)!.decision).toBeUndefined();
    const [event] = await w.events();
    expect(event).toMatchObject({
      action: 'decision.refuse',
      actor: { principal: `iam:${SITE_SENDER}`, role: 'site' },
      outcome: 'access.wrong_role',
      subject: approve.uploadId,
      details: { namedVerifier: 'DOE Example (J. Doe)' },
    });
    expect(w.metrics.counts.DecisionsRefusedAccess).toBe(1);
    // the rightful verifier can still decide afterwards
    expect(await w.send(TEST_SENDER)).toMatchObject({ outcome: 'approved' });
  });

  it('a verifier of a body not assigned to the project is refused', async () => {
    const w = world();
    expect(await w.send(OTHER_BODY_SENDER)).toMatchObject({ outcome: 'refused-access', code: 'access.body_not_assigned' });
    expect(await w.ledger.listEntries(P)).toEqual([]);
    expect(await w.events()).toMatchObject([{ action: 'decision.refuse', actor: { body: 'DOE-OTHER' } }]);
  });

  it('an unregistered or unauthenticated sender is refused', async () => {
    const w = world();
    expect(await w.send('AROATESTVERIFIEREXAMPLE')).toMatchObject({ outcome: 'refused-access', code: 'access.unknown_principal' }); // the role without the session
    expect(await w.send('000000000000')).toMatchObject({ outcome: 'refused-access', code: 'access.unknown_principal' });
    expect(await w.ledger.listEntries(P)).toEqual([]);
  });

  it('a body verifying a project it validated is refused under the CDM, allowed under the JCM', async () => {
    const cdm = world({ validationBody: 'DOE-EXAMPLE' });
    expect(await cdm.send(TEST_SENDER)).toMatchObject({
      outcome: 'refused-access',
      code: 'access.validated_by_same_body',
      reason: expect.stringMatching(/para 27\(e\)/),
    });
    expect(await cdm.ledger.listEntries(P)).toEqual([]);
    const jcm = world({ validationBody: 'DOE-EXAMPLE', mechanism: 'JCM' });
    expect(await jcm.send(TEST_SENDER)).toMatchObject({ outcome: 'approved' });
  });

  it('a decision whose body names another verifier is recorded under the authenticated one', async () => {
    const w = world();
    const told = await w.send(CHECKER_SENDER, { ...approve, verifier: 'DOE Example (J. Doe)' });
    expect(told).toMatchObject({ outcome: 'approved', recordedAs: { name: 'Anna Checker', personId: 'anna' } });
    const [entry] = await w.ledger.listEntries(P);
    expect(entry).toMatchObject({
      verifier: 'Anna Checker',
      approvedBy: { principal: `iam:${CHECKER_SENDER}`, personId: 'anna', name: 'Anna Checker', body: 'DOE-EXAMPLE', accreditationRef: 'E-0000' },
    });
    expect(w.submissions.items.get(approve.uploadId)!.decision).toMatchObject({ verifier: 'Anna Checker', actor: { principal: `iam:${CHECKER_SENDER}` } });
    expect(await w.events()).toMatchObject([
      { action: 'decision.approve', outcome: 'approved', actor: { principal: `iam:${CHECKER_SENDER}` }, details: { namedVerifier: 'DOE Example (J. Doe)' } },
    ]);
  });

  it('an actor injected in the message body is ignored', async () => {
    const w = world();
    await w.send(CHECKER_SENDER, { ...approve, actor: { principal: `iam:${TEST_SENDER}`, role: 'verifier', name: 'Forged' } });
    expect((await w.ledger.listEntries(P))[0]).toMatchObject({ verifier: 'Anna Checker', approvedBy: { principal: `iam:${CHECKER_SENDER}` } });
  });
});

describe('decisions forwarded by the HTTP API function', () => {
  const forward = (senderId: string, principal: string) => {
    const event = sqsEventFrom(senderId, JSON.stringify(approve));
    event.Records[0]!.messageAttributes = { 'mrv-principal': { dataType: 'String', stringValue: principal, stringListValues: [], binaryListValues: [] } };
    return event;
  };
  it('only a trusted forwarder role may name the person; the named person is then authorized like any other', async () => {
    const w = world();
    await w.deps.access.putPrincipal({ ...(ANNA as Extract<PrincipalRecord, { role: 'verifier' }>), principal: 'cognito:anna-sub' });
    const untrusted = makeHandler(w.deps);
    expect((await untrusted(forward('AROAAPIFUNCTION:mrv-api', 'cognito:anna-sub'))).batchItemFailures).toEqual([]);
    expect(await w.ledger.listEntries(P)).toEqual([]); // no forwarder is trusted by default
    const trusted = makeHandler({ ...w.deps, trustedForwarders: ['AROAAPIFUNCTION'] });
    // a verifier cannot forward for someone else, even from a role session
    expect((await trusted(forward(CHECKER_SENDER, 'cognito:anna-sub'))).batchItemFailures).toEqual([]);
    expect(await w.ledger.listEntries(P)).toEqual([]);
    expect((await trusted(forward('AROAAPIFUNCTION:mrv-api', 'cognito:nobody'))).batchItemFailures).toEqual([]);
    expect(await w.ledger.listEntries(P)).toEqual([]);
    expect((await trusted(forward('AROAAPIFUNCTION:mrv-api', 'cognito:anna-sub'))).batchItemFailures).toEqual([]);
    expect((await w.ledger.listEntries(P))[0]).toMatchObject({ verifier: 'Anna Checker', approvedBy: { principal: 'cognito:anna-sub', personId: 'anna' } });
  });
});

describe('independent review above the threshold (maker–checker)', () => {
  it('the second approval by the same verifier does not satisfy the review; another verifier of the body completes it', async () => {
    const w = world({ er: '25000.5' });
    expect(await w.send(TEST_SENDER)).toMatchObject({ outcome: 'pending-technical-review' });
    expect(await w.ledger.listEntries(P)).toEqual([]);
    expect(w.submissions.items.get(approve.uploadId)).toMatchObject({ status: 'pending-review' });
    // the same person again, from the same and from another principal
    expect(await w.send(TEST_SENDER)).toMatchObject({ outcome: 'refused-access', code: 'review.same_verifier' });
    expect(await w.send('AIDAJDOESECONDKEYEXAMPLE')).toMatchObject({ outcome: 'refused-access', code: 'review.same_verifier' });
    expect(await w.ledger.listEntries(P)).toEqual([]);
    // a verifier of another body cannot be the checker either (not assigned)
    expect(await w.send(OTHER_BODY_SENDER)).toMatchObject({ outcome: 'refused-access' });
    expect(await w.send(CHECKER_SENDER)).toMatchObject({ outcome: 'approved' });
    const entries = await w.ledger.listEntries(P);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      verifier: 'Anna Checker',
      approvedBy: { personId: 'anna' },
      firstApproval: { by: { personId: 'j.doe', principal: `iam:${TEST_SENDER}` }, decidedAt: approve.decidedAt },
    });
    const events = await w.events();
    expect(events.map((e) => `${e.action}:${e.outcome}`)).toEqual([
      'decision.pending-technical-review:pending-technical-review',
      'decision.refuse:review.same_verifier',
      'decision.refuse:review.same_verifier',
      'decision.refuse:access.body_not_assigned',
      'decision.approve:approved',
    ]);
    expect(verifyAuditChain(events).ok).toBe(true);
  });

  it('a crash after the first approval is stored but before it is audited is completed by the redelivery', async () => {
    const w = world({ er: '25000.5' });
    const put = w.deps.audit.putIfAbsent.bind(w.deps.audit);
    let failures = 1;
    w.deps.audit.putIfAbsent = async (e) => (failures-- > 0 ? Promise.reject(new Error('DynamoDB unavailable')) : put(e));
    const handler = makeHandler(w.deps);
    const event = sqsEventFrom(TEST_SENDER, JSON.stringify(approve));
    expect((await handler(event)).batchItemFailures).toEqual([{ itemIdentifier: 'm-1' }]);
    expect(w.deps.access.firstApprovals.size).toBe(1);
    expect((await handler(event)).batchItemFailures).toEqual([]);
    expect((await w.events()).map((e) => e.action)).toEqual(['decision.pending-technical-review']);
  });

  it('a redelivered first approval stays one pending approval', async () => {
    const w = world({ er: '25000.5' });
    const handler = makeHandler(w.deps);
    const event = sqsEventFrom(TEST_SENDER, JSON.stringify(approve));
    for (let i = 0; i < 3; i++) expect((await handler(event)).batchItemFailures).toEqual([]);
    expect(w.deps.access.firstApprovals.size).toBe(1);
    expect((await w.events()).map((e) => e.action)).toEqual(['decision.pending-technical-review']);
  });
});
