import Decimal from 'decimal.js';
import type { Mechanism } from '../mechanisms/mechanisms.ts';
import type { Principal } from './principal.ts';
import type { PrincipalRecord, Registers, Role, VerifierRecord } from './registers.ts';
import { DEFAULT_ACCESS_RULES, type AccessRules } from './rules.ts';

/**
 * Pure authorization: may this authenticated principal do this action on this project, given the
 * registers? The same function runs in the decision function, the HTTP API and the local stack.
 * Anything not granted below is refused (deny by default), with a code and a sentence for the sender.
 */
export const ACTIONS = ['upload', 'assemble-report', 'read-evidence', 'decide', 'register-project', 'assign-body', 'manage-verifiers', 'read-audit'] as const;
export type Action = (typeof ACTIONS)[number];

export interface Resource {
  readonly projectId: string;
  /** Needed for `decide` (the same-body rule is per mechanism). */
  readonly mechanism?: Mechanism;
}

/** Who acted, as recorded in the ledger and the audit trail: from the registers, never from a message. */
export interface Actor {
  readonly principal: string;
  readonly role: Role;
  readonly name: string;
  readonly personId?: string;
  readonly body?: string;
  readonly accreditationRef?: string;
  readonly projectId?: string;
}

export type RefusalCode =
  | 'access.unknown_principal'
  | 'access.wrong_role'
  | 'access.other_project'
  | 'access.verifier_inactive'
  | 'access.no_body_assigned'
  | 'access.body_not_assigned'
  | 'access.scope_not_accredited'
  | 'access.validated_by_same_body'
  | 'access.mechanism_unknown';

export type AccessDecision =
  | { readonly allowed: true; readonly actor: Actor }
  | { readonly allowed: false; readonly code: RefusalCode; readonly reason: string; readonly actor?: Actor };

export interface AuthorizeOptions {
  /** The time of the action (ISO date-time): a verifier acts only within its validity dates. */
  readonly at: string;
  readonly rules?: AccessRules;
}

export function actorOf(r: PrincipalRecord): Actor {
  switch (r.role) {
    case 'site':
      return { principal: r.principal, role: 'site', name: r.name, projectId: r.projectId };
    case 'verifier':
      return { principal: r.principal, role: 'verifier', name: r.name, personId: r.personId, body: r.body, accreditationRef: r.accreditationRef };
    case 'registrar':
      return { principal: r.principal, role: 'registrar', name: r.name, personId: r.personId };
  }
}

const ROLES_FOR: Record<Action, readonly Role[]> = {
  upload: ['site'],
  // The project participant submits its monitoring report (CDM); the registrar may assemble one on its behalf.
  'assemble-report': ['site', 'registrar'],
  'read-evidence': ['site', 'verifier', 'registrar'],
  decide: ['verifier'],
  'register-project': ['registrar'],
  'assign-body': ['registrar'],
  'manage-verifiers': ['registrar'],
  'read-audit': ['site', 'verifier', 'registrar'],
};

/**
 * @example authorize(principal, 'decide', { projectId: 'p1', mechanism: 'CDM' }, registers, { at: '2026-01-01T00:00:00Z' })
 *   // { allowed: false, code: 'access.body_not_assigned', reason: '…' }
 */
export function authorize(principal: Principal, action: Action, resource: Resource, registers: Registers, options: AuthorizeOptions): AccessDecision {
  const record = registers.principal(principal.id);
  if (!record) return refuse('access.unknown_principal', `${principal.id} is not registered: ask the registrar to register this identity`);
  const actor = actorOf(record);
  const refuseAs = (code: RefusalCode, reason: string): AccessDecision => ({ allowed: false, code, reason, actor });
  if (!ROLES_FOR[action].includes(record.role))
    return refuseAs('access.wrong_role', `${actor.name} acts as ${record.role}; "${action}" needs the role ${ROLES_FOR[action].join(' or ')}`);

  if (record.role === 'registrar') return { allowed: true, actor };
  if (record.role === 'site') {
    if (record.projectId !== resource.projectId)
      return refuseAs('access.other_project', `${actor.name} is the site of project ${record.projectId}, not of ${resource.projectId}`);
    return { allowed: true, actor };
  }
  // verifier: read-evidence, read-audit or decide, only on projects assigned to its body, while active.
  const inactive = inactiveReason(record, options.at);
  if (inactive) return refuseAs('access.verifier_inactive', inactive);
  const assignment = registers.assignment(resource.projectId);
  if (!assignment)
    return refuseAs('access.no_body_assigned', `no verification body is assigned to project ${resource.projectId}: the registrar assigns one first`);
  if (assignment.verificationBody !== record.body)
    return refuseAs(
      'access.body_not_assigned',
      `project ${resource.projectId} is assigned to the verification body ${assignment.verificationBody}, not to ${record.body} (${actor.name})`,
    );
  if (action !== 'decide') return { allowed: true, actor };

  if (assignment.sectoralScope !== undefined && !record.sectoralScopes.includes(assignment.sectoralScope))
    return refuseAs(
      'access.scope_not_accredited',
      `${actor.name}'s accreditation ${record.accreditationRef} covers sectoral scopes ${record.sectoralScopes.join(', ')}, not scope ${assignment.sectoralScope} of project ${resource.projectId}`,
    );
  if (!resource.mechanism)
    return refuseAs(
      'access.mechanism_unknown',
      `the mechanism of project ${resource.projectId} is unknown, so the rule on validating and verifying one project cannot be checked`,
    );
  const rule = (options.rules ?? DEFAULT_ACCESS_RULES)[resource.mechanism].sameBody;
  if (assignment.validationBody === record.body && !rule.allowed && !(rule.authorisationLifts && assignment.sameBodyAuthorisation))
    return refuseAs(
      'access.validated_by_same_body',
      `${record.body} validated project ${resource.projectId}, and under ${resource.mechanism} the same body may not also verify it${rule.authorisationLifts ? ' unless an authorisation is recorded on the assignment' : ''} (${rule.source})`,
    );
  return { allowed: true, actor };
}

function inactiveReason(v: VerifierRecord, at: string): string | undefined {
  const day = at.slice(0, 10);
  if (v.suspended) return `${v.name} (${v.body}) is suspended from the verifier register`;
  if (day < v.validFrom) return `${v.name} (${v.body}) may act only from ${v.validFrom}`;
  if (day > v.validTo) return `${v.name} (${v.body}) could act only until ${v.validTo}`;
  return undefined;
}

function refuse(code: RefusalCode, reason: string): AccessDecision {
  return { allowed: false, code, reason };
}

/** The first approval of a maker–checker pair, kept while the report waits for its technical review. */
export interface FirstApproval {
  readonly actor: Actor;
  readonly decidedAt: string;
  readonly recordedAt: string;
}

export type ReviewStep =
  /** One approval suffices (at or below the threshold): issue. */
  | { readonly kind: 'single' }
  /** Above the threshold, first approval: record it as pending technical review; issue nothing. */
  | { readonly kind: 'first'; readonly threshold: string }
  /** Second approval by a different verifier of the same body: issue, recording both. */
  | { readonly kind: 'second'; readonly first: FirstApproval }
  | { readonly kind: 'refuse'; readonly code: 'review.same_verifier' | 'review.other_body'; readonly reason: string };

/**
 * Independent review (maker–checker) of an approval by an authorized verifier. Above the mechanism's
 * threshold (tCO2e of the monitoring report's ER) the first approval waits for a second one by a
 * *different person* of the *same body*; the same person approving again (from any principal) never
 * satisfies it.
 */
export function independentReview(input: {
  readonly er: string;
  readonly mechanism: Mechanism;
  readonly actor: Actor;
  readonly first?: FirstApproval;
  readonly rules?: AccessRules;
}): ReviewStep {
  const rule = (input.rules ?? DEFAULT_ACCESS_RULES)[input.mechanism].independentReview;
  if (!input.first && !new Decimal(input.er).gt(rule.aboveTCO2e)) return { kind: 'single' };
  if (!input.first) return { kind: 'first', threshold: String(rule.aboveTCO2e) };
  const same =
    input.first.actor.personId !== undefined ? input.first.actor.personId === input.actor.personId : input.first.actor.principal === input.actor.principal;
  if (same || input.first.actor.principal === input.actor.principal)
    return {
      kind: 'refuse',
      code: 'review.same_verifier',
      reason: `${input.actor.name} already gave the first approval; the independent review needs a different verifier of ${input.first.actor.body}`,
    };
  if (input.first.actor.body !== input.actor.body)
    return {
      kind: 'refuse',
      code: 'review.other_body',
      reason: `the first approval was given by ${input.first.actor.body}; the independent review must be done within the same body, not by ${input.actor.body}`,
    };
  return { kind: 'second', first: input.first };
}
