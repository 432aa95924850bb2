import { appendEntry, LedgerIntegrityError, type LedgerStore } from '../../core/ledger/append.ts';
import { decisionReport } from '../../core/report/decision-report.ts';
import type { Decision } from '../../core/review/schemas.ts';
import { decide, type Submission } from '../../core/review/submission.ts';
import type { Log, MetricSink } from '../shared/observability.ts';
import type { ReportStore, SubmissionsRepository } from '../shared/ports.ts';
import { decisionReportKey } from '../shared/resources.ts';
import { ledgerIdentity } from './identity.ts';
import { canonicalJson, sha256Hex } from '../../core/hashing/canonical.ts';

/** Where a refused (contradicting) decision's report goes: beside the outcome, one per distinct decision. */
export const conflictReportKey = (projectId: string, decision: Decision): string =>
  decisionReportKey(projectId, decision.uploadId).replace(/\.decision\.json$/, `.decision-refused-${sha256Hex(canonicalJson(decision)).slice(0, 16)}.json`);

export interface DecisionDeps {
  readonly submissions: SubmissionsRepository;
  readonly ledger: LedgerStore;
  readonly reports: ReportStore;
  readonly now: () => Date;
  readonly logger: Log;
  readonly metrics: MetricSink;
}

export type DecisionOutcome = 'approved' | 'rejected' | 'refused' | 'conflict' | 'unknown-upload';

/**
 * Records one verifier decision. Every step is idempotent, so a redelivered or duplicated decision,
 * or a retry after a crash at any point, converges on the same state:
 *
 * 1. The first decision is *claimed* on the submission with a conditional update
 *    (`attribute_not_exists(decision) AND status = pending-review`); the pure state machine
 *    (core/review/state.ts) turns a repeat into a no-op and a contradiction into `conflict`.
 * 2. The claimed decision's effects are (re-)applied: approve → ledger append (exactly once, see
 *    core/ledger/append.ts) → submission `approved` with the ledger seq, or `refused` when the period
 *    overlaps an approved one; reject → submission `rejected` with the reason.
 * 3. The outcome is written back to the site: `reports/<projectId>/<uploadId>.decision.json`.
 *
 * Throws only for system faults and ledger integrity faults (the record is retried, then parked in
 * the DLQ).
 */
export async function recordDecision(deps: DecisionDeps, decision: Decision): Promise<DecisionOutcome> {
  const { logger, metrics } = deps;
  for (let attempt = 0; attempt < 3; attempt++) {
    const submission = await deps.submissions.get(decision.uploadId);
    if (!submission) {
      logger.error('Decision for an unknown upload; dropped', { uploadId: decision.uploadId, verifier: decision.verifier });
      metrics.count('DecisionsUnknownUpload');
      return 'unknown-upload';
    }
    const t = decide(submission, decision);
    if (t.kind === 'refuse') {
      // A decision was claimed first. If a crash left its effects half done (e.g. killed after the
      // ledger write, the submission still pending-review), complete them now, then refuse this one
      // with a report the verifier can read: never drop it silently.
      if (submission.decision && submission.status === 'pending-review') {
        logger.warn('Completing a decision a crash left half-recorded', { uploadId: decision.uploadId, claimed: submission.decision.decision });
        metrics.count('DecisionsCompleted');
        await (submission.decision.decision === 'approve' ? approve(deps, submission, submission.decision) : reject(deps, submission, submission.decision));
      }
      const now = await deps.submissions.get(decision.uploadId);
      const reason = submission.decision
        ? `refused: the upload was already ${submission.decision.decision === 'approve' ? 'approved' : 'rejected'} by ${submission.decision.verifier} at ${submission.decision.decidedAt} (status ${now?.status ?? submission.status}${now?.ledger ? `, ledger entry ${now.ledger.seq}` : ''}); a ${decision.decision} decision cannot change a final decision`
        : `refused: ${t.reason}`;
      await deps.reports.putJson(
        conflictReportKey(submission.projectId, decision),
        decisionReport({ projectId: submission.projectId, decision, outcome: 'conflict', reason, recordedAt: deps.now().toISOString() }),
      );
      logger.warn('Conflicting decision refused', { uploadId: decision.uploadId, decision: decision.decision, reason });
      metrics.count('DecisionsConflicting');
      return 'conflict';
    }
    if (t.kind === 'apply' && !(await deps.submissions.claimDecision(decision.uploadId, decision, deps.now().toISOString()))) continue; // lost a race: re-read
    // Apply (or re-apply after a crash) the effects of the decision that won the claim.
    const winning = t.kind === 'apply' ? decision : (submission.decision ?? decision);
    return winning.decision === 'approve' ? approve(deps, submission, winning) : reject(deps, submission, winning);
  }
  throw new Error(`Decision for ${decision.uploadId}: the submission kept changing under the claim; retry.`);
}

async function approve(deps: DecisionDeps, s: Submission, decision: Decision): Promise<DecisionOutcome> {
  if (!s.period || !s.er || !s.issuance || !s.methodology)
    throw new LedgerIntegrityError(`Submission ${s.uploadId} is pending review but lacks its period, ER, issuance or methodology.`);
  const outcome = await appendEntry(deps.ledger, {
    schemaVersion: 1,
    projectId: s.projectId,
    uploadId: s.uploadId,
    period: s.period,
    er: s.er,
    issuance: s.issuance,
    methodology: s.methodology,
    file: { sha256: s.file.sha256 },
    ...(s.registration ? { registration: s.registration } : {}),
    ...(s.resultKey && s.resultSha256 ? { result: { key: s.resultKey, sha256: s.resultSha256 } } : {}),
    // Identity (issue 13): the authenticated verifier set by the handler's gate (./authorize.ts), never the message's name.
    verifier: decision.actor?.name ?? decision.verifier ?? '(not named)',
    ...ledgerIdentity(decision),
    approvedAt: decision.decidedAt,
  });
  const at = deps.now().toISOString();
  if (outcome.kind === 'refused') {
    await finalise(deps, s, { status: 'refused', statusReason: outcome.reason, at });
    await deps.reports.putJson(
      decisionReportKey(s.projectId, s.uploadId),
      decisionReport({ projectId: s.projectId, decision, outcome: 'refused', reason: outcome.reason, recordedAt: at }),
    );
    deps.logger.warn('Approval refused: overlapping period', { uploadId: s.uploadId, overlaps: outcome.overlaps });
    deps.metrics.count('ApprovalsRefused');
    return 'refused';
  }
  const { entry } = outcome;
  await finalise(deps, s, { status: 'approved', ledger: { seq: entry.seq, hash: entry.hash }, at });
  await deps.reports.putJson(
    decisionReportKey(s.projectId, s.uploadId),
    decisionReport({ projectId: s.projectId, decision, outcome: 'approved', entry, recordedAt: at }),
  );
  deps.logger.info(outcome.kind === 'appended' ? 'Approval recorded in the ledger' : 'Approval already in the ledger', {
    uploadId: s.uploadId,
    seq: entry.seq,
  });
  deps.metrics.count(outcome.kind === 'appended' ? 'ApprovalsRecorded' : 'ApprovalsDuplicate');
  return 'approved';
}

async function reject(deps: DecisionDeps, s: Submission, decision: Decision): Promise<DecisionOutcome> {
  const at = deps.now().toISOString();
  await finalise(deps, s, { status: 'rejected', statusReason: decision.reason ?? 'rejected by the verifier', at });
  await deps.reports.putJson(
    decisionReportKey(s.projectId, s.uploadId),
    decisionReport({ projectId: s.projectId, decision, outcome: 'rejected', ...(decision.reason ? { reason: decision.reason } : {}), recordedAt: at }),
  );
  deps.metrics.count('Rejections');
  return 'rejected';
}

async function finalise(deps: DecisionDeps, s: Submission, update: Parameters<SubmissionsRepository['finalise']>[1]): Promise<void> {
  if (!(await deps.submissions.finalise(s.uploadId, update))) {
    const now = await deps.submissions.get(s.uploadId);
    // Already final with another status (e.g. a refused approval re-run after a later overlap could never flip it): keep the first.
    deps.logger.warn('Submission already final; status kept', { uploadId: s.uploadId, status: now?.status, wanted: update.status });
  }
}
