import type { SQSRecord } from 'aws-lambda';
import { authorize, independentReview, type Actor } from '../../core/access/authorize.ts';
import { DEFAULT_ACCESS_RULES } from '../../core/access/rules.ts';
import { principalFromSqsSenderId, PrincipalError, type Principal } from '../../core/access/principal.ts';
import type { AccessRules } from '../../core/access/rules.ts';
import { appendAuditEvent, type AuditActor, type AuditInput, type AuditStore } from '../../core/audit/audit.ts';
import type { Decision } from '../../core/review/schemas.ts';
import type { AccessRepository } from '../shared/aws/access-store.ts';
import type { Notification, Notifier } from '../shared/notifications.ts';
import { FORWARDED_PRINCIPAL_ATTRIBUTE, outcomeKey } from '../shared/resources.ts';
import { recordDecision, type DecisionDeps, type DecisionOutcome } from './record.ts';

/**
 * Identity and authorization in front of {@link recordDecision} (issue 13). The decision function
 * trusts only the authenticated principal — for queue messages the SQS `SenderId` system attribute,
 * which SQS sets from the sender's IAM credentials — never the `verifier` named in the body:
 *
 * 1. the principal is looked up in the access registers (core/access): it must be an active verifier
 *    of the body assigned to the submission's project, and that body must not have validated the
 *    project where the mechanism forbids it; otherwise the decision is *refused*: an audit event, a
 *    metric, and an outcome for the sender at `outcomes/<SenderId>/<messageId>.json`;
 * 2. an approval above the mechanism's threshold needs two verifiers of the body (maker–checker): the
 *    first is stored as pending technical review and nothing is issued; a second approval by the same
 *    person is refused; a different verifier's approval issues, and the ledger entry records both;
 * 3. the decision is recorded under the authenticated verifier (name from the register; principal,
 *    person and body in the ledger entry), and audited.
 */
export interface GateDeps extends DecisionDeps {
  readonly access: AccessRepository;
  readonly audit: AuditStore;
  readonly rules?: AccessRules;
  /**
   * IAM role ids (`AROA…`) of trusted forwarders: the HTTP API function, which authenticates people
   * with the Cognito JWT authorizer and forwards their decisions. Only a message whose SenderId is a
   * session of such a role may name the person's principal, in the message attribute
   * {@link FORWARDED_PRINCIPAL_ATTRIBUTE} (`cognito:<sub>`); that principal is then authorized like any
   * other. Empty by default: nobody can forward.
   */
  readonly trustedForwarders?: readonly string[];
  /** People's notifications of each outcome (decision recorded / refused). */
  readonly notifier?: Notifier;
}

export { FORWARDED_PRINCIPAL_ATTRIBUTE };

/** The principal of a decision message: the SQS sender, or the person a trusted forwarder names. */
export function principalOfRecord(record: Pick<SQSRecord, 'attributes' | 'messageAttributes'>, trustedForwarders: readonly string[] = []): Principal {
  const sender = principalFromSqsSenderId(record.attributes.SenderId);
  const roleId = record.attributes.SenderId.split(':')[0]!;
  const forwarded = record.messageAttributes?.[FORWARDED_PRINCIPAL_ATTRIBUTE]?.stringValue;
  if (forwarded === undefined) return sender;
  if (!record.attributes.SenderId.includes(':') || !trustedForwarders.includes(roleId))
    throw new PrincipalError(`${sender.id} is not a trusted forwarder; it may not name another principal`);
  if (!/^cognito:[\w-]{1,128}$/.test(forwarded)) throw new PrincipalError(`forwarded principal ${JSON.stringify(forwarded)} is not a Cognito principal`);
  return { source: 'cognito', id: forwarded };
}

export type GatedOutcome = DecisionOutcome | 'refused-access' | 'pending-technical-review';

/** The notification of one decision's outcome: recorded (approved, rejected, first approval pending technical review) or refused. */
export function decisionNotification(
  decision: Decision,
  projectId: string,
  outcome: GatedOutcome,
  by: string | undefined,
  reason: string | undefined,
): Notification {
  const what = decision.decision === 'approve' ? 'approval' : 'rejection';
  const recorded = outcome === 'approved' || outcome === 'rejected' || outcome === 'pending-technical-review';
  const text = outcome === 'pending-technical-review' ? 'recorded as first approval, pending technical review' : recorded ? 'recorded' : 'refused';
  return {
    event: recorded ? 'decision-recorded' : 'decision-refused',
    projectId,
    subject: `Decision on ${decision.uploadId.slice(0, 12)}: ${what} ${text}`,
    id: decision.uploadId,
    detail: { decision: decision.decision, outcome, ...(by ? { by } : {}), ...(reason ? { reason } : {}) },
  };
}

/** What the sender of one decision message is told. */
export interface DecisionOutcomeReport {
  readonly schemaVersion: 1;
  readonly messageId: string;
  readonly uploadId: string;
  readonly projectId?: string;
  readonly principal: string;
  readonly outcome: GatedOutcome;
  readonly code?: string;
  readonly reason?: string;
  /** The authenticated actor the decision was recorded under (when it was accepted). */
  readonly recordedAs?: Actor;
  readonly recordedAt: string;
}

const auditActor = (principal: string, a?: Actor): AuditActor =>
  a
    ? { principal: a.principal, role: a.role, name: a.name, ...(a.personId ? { personId: a.personId } : {}), ...(a.body ? { body: a.body } : {}) }
    : { principal };

export async function gateDecision(
  deps: GateDeps,
  record: Pick<SQSRecord, 'messageId' | 'attributes' | 'messageAttributes'>,
  decision: Decision,
): Promise<GatedOutcome> {
  const senderId = record.attributes.SenderId;
  const at = deps.now().toISOString();
  const tell = async (r: Omit<DecisionOutcomeReport, 'schemaVersion' | 'messageId' | 'uploadId' | 'recordedAt'>) => {
    if (senderId && /^[\w:.@+=,-]{1,200}$/.test(senderId))
      await deps.reports.putJson(outcomeKey(senderId, record.messageId), {
        schemaVersion: 1,
        messageId: record.messageId,
        uploadId: decision.uploadId,
        recordedAt: at,
        ...r,
      } satisfies DecisionOutcomeReport);
    // People subscribed to the project are told too (never the sender's private outcome: no principal id, only what was decided).
    if (r.projectId) await deps.notifier?.publish(decisionNotification(decision, r.projectId, r.outcome, r.recordedAs?.name, r.reason));
  };
  const audit = (input: Omit<AuditInput, 'eventId' | 'at' | 'subject'>) =>
    appendAuditEvent(deps.audit, { ...input, eventId: `decision:${record.messageId}`, at: decision.decidedAt, subject: decision.uploadId }, at);

  let principal: Principal;
  try {
    principal = principalOfRecord(record, deps.trustedForwarders);
  } catch (error) {
    if (!(error instanceof PrincipalError)) throw error;
    deps.logger.warn('Decision without an authenticated sender; refused', { messageId: record.messageId, uploadId: decision.uploadId, reason: error.message });
    await tell({ principal: senderId ?? '', outcome: 'refused-access', code: 'access.unauthenticated', reason: error.message });
    deps.metrics.count('DecisionsRefusedAccess');
    return 'refused-access';
  }

  const submission = await deps.submissions.get(decision.uploadId);
  if (!submission) {
    await tell({ principal: principal.id, outcome: 'unknown-upload', reason: `no submission ${decision.uploadId}` });
    return recordDecision(deps, decision); // logs and counts the unknown upload; records nothing
  }
  const projectId = submission.projectId;
  const registers = await deps.access.registersFor(principal.id, projectId);
  const mechanism = submission.reviewItem?.mechanism ?? registers.assignment(projectId)?.mechanism;
  const access = authorize(principal, 'decide', { projectId, ...(mechanism ? { mechanism } : {}) }, registers, {
    at,
    ...(deps.rules ? { rules: deps.rules } : {}),
  });
  const refuse = async (code: string, reason: string, actor?: Actor): Promise<GatedOutcome> => {
    await audit({
      projectId,
      action: 'decision.refuse',
      actor: auditActor(principal.id, actor),
      outcome: code,
      reason,
      details: { decision: decision.decision, ...(decision.verifier ? { namedVerifier: decision.verifier } : {}) },
    });
    await tell({ projectId, principal: principal.id, outcome: 'refused-access', code, reason });
    deps.logger.warn('Decision refused', { uploadId: decision.uploadId, principal: principal.id, code });
    deps.metrics.count('DecisionsRefusedAccess');
    return 'refused-access';
  };
  if (!access.allowed) return refuse(access.code, access.reason, access.actor);
  const actor = access.actor;
  let authenticated: Decision = { ...decision, verifier: actor.name, actor };

  if (decision.decision === 'approve' && submission.status === 'pending-review' && !submission.decision) {
    if (!mechanism || !submission.er)
      return refuse('access.mechanism_unknown', 'the submission carries no mechanism or ER, so the independent-review rule cannot be applied', actor);
    for (let attempt = 0; ; attempt++) {
      const first = await deps.access.getFirstApproval(decision.uploadId);
      const pending = async (threshold: string) => {
        // Each step is idempotent (audit by eventId, outcome by key), so a redelivery after a crash completes it.
        await audit({
          projectId,
          action: 'decision.pending-technical-review',
          actor: auditActor(principal.id, actor),
          outcome: 'pending-technical-review',
          reason: `ER ${submission.er} tCO2e is above ${threshold} tCO2e: a second verifier of ${actor.body} must approve before anything is issued`,
        });
        await tell({
          projectId,
          principal: principal.id,
          outcome: 'pending-technical-review',
          recordedAs: actor,
          reason: `a second approval by another verifier of ${actor.body} is needed (ER above ${threshold} tCO2e)`,
        });
        return 'pending-technical-review' as const;
      };
      const threshold = String((deps.rules ?? DEFAULT_ACCESS_RULES)[mechanism].independentReview.aboveTCO2e);
      if (first?.messageId === record.messageId) return pending(threshold); // a redelivery of the first approval
      const step = independentReview({ er: submission.er, mechanism, actor, ...(first ? { first } : {}), ...(deps.rules ? { rules: deps.rules } : {}) });
      if (step.kind === 'refuse') return refuse(step.code, step.reason, actor);
      if (step.kind === 'second') {
        authenticated = { ...authenticated, firstApproval: { actor: step.first.actor, decidedAt: step.first.decidedAt, recordedAt: step.first.recordedAt } };
        break;
      }
      if (step.kind === 'single') break;
      if (await deps.access.putFirstApproval(decision.uploadId, { actor, decidedAt: decision.decidedAt, recordedAt: at, messageId: record.messageId })) {
        deps.metrics.count('ApprovalsPendingTechnicalReview');
        return pending(step.threshold);
      }
      if (attempt > 3) throw new Error(`First approval of ${decision.uploadId} kept changing; retry.`);
    }
  }

  const outcome = await recordDecision(deps, authenticated);
  const action =
    outcome === 'approved' || (outcome === 'refused' && decision.decision === 'approve')
      ? 'decision.approve'
      : decision.decision === 'reject'
        ? 'decision.reject'
        : 'decision.approve';
  await audit({
    projectId,
    action,
    actor: auditActor(principal.id, actor),
    outcome,
    details: {
      ...(decision.reason ? { reason: decision.reason } : {}),
      ...(decision.verifier && decision.verifier !== actor.name ? { namedVerifier: decision.verifier } : {}),
      ...(authenticated.firstApproval ? { firstApprovalBy: authenticated.firstApproval.actor.principal } : {}),
    },
  });
  await tell({ projectId, principal: principal.id, outcome, recordedAs: actor });
  return outcome;
}
