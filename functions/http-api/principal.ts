import { authorize, type AccessDecision, type Action, type Actor } from '../../core/access/authorize.ts';
import { principalFromJwtClaims, PrincipalError, type Principal } from '../../core/access/principal.ts';
import type { Registers } from '../../core/access/registers.ts';
import type { AccessRules } from '../../core/access/rules.ts';
import type { Mechanism } from '../../core/mechanisms/mechanisms.ts';

/**
 * Who is calling the HTTP API, and what they may do.
 *
 * Authentication: on AWS the principal is `cognito:<sub>` from the claims of the Cognito JWT that API
 * Gateway's JWT authorizer verified (`requestContext.authorizer.jwt.claims`, issuer checked against our
 * user pool); locally it is the IAM-style principal of a local identity, authenticated by the bearer
 * token the local stack printed (cli/local-stack/console-server.ts). Never a name from the request.
 *
 * Authorization: every route asks core/access {@link authorize} — the same function and the same
 * registers as the decision function — with the principal's register record: an active verifier of the
 * body assigned to the project reads its evidence (and may decide); a site reads its own project only;
 * a registrar reads everything; anyone not in the register nothing.
 */
export class Unauthenticated extends Error {
  override name = 'Unauthenticated';
}

/** The principal of a Cognito token verified by the JWT authorizer (issuer = our user pool). */
export function principalFromClaims(claims: Readonly<Record<string, unknown>> | undefined, expectedIssuer: string | undefined): Principal {
  if (!expectedIssuer) throw new Unauthenticated('the API has no user pool configured');
  try {
    return principalFromJwtClaims(claims, expectedIssuer);
  } catch (error) {
    if (error instanceof PrincipalError) throw new Unauthenticated(error.message);
    throw error;
  }
}

/** What the API reads of the access registers (functions/shared/aws/access-store.ts `registersFor`). */
export interface AccessLookup {
  registersFor(principalId: string, projectId: string): Promise<Registers>;
}

export type ApiAccess =
  | { readonly allowed: true; readonly actor: Actor }
  /** `actor`: who the register says the caller is, when it is registered (for the audit of a refusal). */
  | { readonly allowed: false; readonly status: 403; readonly code: string; readonly reason: string; readonly actor?: Actor };

/**
 * May `principal` do `action` on `projectId`? Reads the registers for this principal and project and
 * asks {@link authorize} (deny by default). `read-queue` is `read-evidence` per listed project.
 */
export async function authorizeApi(
  access: AccessLookup,
  principal: Principal,
  action: Extract<Action, 'read-evidence' | 'decide' | 'assemble-report'>,
  resource: { readonly projectId: string; readonly mechanism?: Mechanism },
  options: { readonly at: string; readonly rules?: AccessRules },
): Promise<ApiAccess> {
  const registers = await access.registersFor(principal.id, resource.projectId);
  const d: AccessDecision = authorize(principal, action, resource, registers, options);
  return d.allowed
    ? { allowed: true, actor: d.actor }
    : { allowed: false, status: 403, code: d.code, reason: d.reason, ...(d.actor ? { actor: d.actor } : {}) };
}

/** The caller's register record as the console shows it (`/api/me`); undefined when not registered. */
export async function whoIs(
  access: AccessLookup,
  principal: Principal,
): Promise<{ principal: string; role: string; name: string; body?: string; accreditationRef?: string; projectId?: string } | undefined> {
  const r = (await access.registersFor(principal.id, '-')).principal(principal.id);
  if (!r) return undefined;
  return {
    principal: r.principal,
    role: r.role,
    name: r.name,
    ...(r.role === 'verifier' ? { body: r.body, accreditationRef: r.accreditationRef } : {}),
    ...(r.role === 'site' ? { projectId: r.projectId } : {}),
  };
}
