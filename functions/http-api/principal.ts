/**
 * Who is calling the HTTP API, and what they may do.
 *
 * On AWS the principal comes from the claims of the Cognito JWT that API Gateway's JWT authorizer
 * verified (`requestContext.authorizer.jwt.claims`); locally from a local identity token that the local
 * stack printed. The API never takes an identity from a request body.
 *
 * SEAM (identity issue): the role and project come from the token today (Cognito groups `verifier` /
 * `site`, the `custom:project` attribute; the local identities of cli/local-stack/console-server.ts). When
 * core/access (the access registers and `authorize()`) is on main, `authorizeApi` calls `authorize()`
 * with the registers instead, and the principal id keys the register lookup. Every route calls
 * `authorizeApi`, so that switch is one function.
 */

export type ApiRole = 'verifier' | 'site';

export interface ApiPrincipal {
  /** Register key: `cognito:<sub>` or `local:<name>`. */
  readonly id: string;
  readonly source: 'cognito' | 'local';
  /** Shown in decisions and the console: the person, e.g. "A. Auditor (DOE Example)". */
  readonly name: string;
  readonly role: ApiRole;
  /** A site's one project. */
  readonly projectId?: string;
}

export class Unauthenticated extends Error {
  override name = 'Unauthenticated';
}

const SUB = /^[\w-]{1,128}$/;

/**
 * The principal of a Cognito token verified by the JWT authorizer. The issuer must be our user pool;
 * the role is the `cognito:groups` claim (exactly one of verifier, site); a site names its project in
 * `custom:project`.
 */
export function principalFromClaims(claims: Readonly<Record<string, unknown>> | undefined, expectedIssuer: string | undefined): ApiPrincipal {
  if (!claims) throw new Unauthenticated('no verified token: sign in first');
  if (!expectedIssuer || claims.iss !== expectedIssuer) throw new Unauthenticated('the token was not issued by this deployment\'s user pool');
  const sub = claims.sub;
  if (typeof sub !== 'string' || !SUB.test(sub)) throw new Unauthenticated('the token has no usable sub claim');
  const groups = parseGroups(claims['cognito:groups']);
  const roles = (['verifier', 'site'] as const).filter((r) => groups.includes(r));
  if (roles.length !== 1) throw new Unauthenticated(`the account must be in exactly one of the groups verifier or site (it is in ${groups.join(', ') || 'none'})`);
  const role = roles[0]!;
  const project = typeof claims['custom:project'] === 'string' ? claims['custom:project'] : undefined;
  if (role === 'site' && !project) throw new Unauthenticated('a site account must name its project (custom:project)');
  const name = [claims.name, claims.email, claims['cognito:username'], sub].find((v): v is string => typeof v === 'string' && v.trim().length > 0)!;
  return { id: `cognito:${sub}`, source: 'cognito', name, role, ...(role === 'site' ? { projectId: project! } : {}) };
}

/** API Gateway passes list claims as `[a b]` strings in HTTP APIs; accept that, an array, or one group. */
function parseGroups(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== 'string') return [];
  return value.replace(/^\[|\]$/g, '').split(/[\s,]+/).filter(Boolean);
}

export type ApiAction = 'read-queue' | 'read-evidence' | 'decide' | 'read-ledger';

export type ApiAccess = { readonly allowed: true } | { readonly allowed: false; readonly reason: string };

/**
 * SEAM (identity issue): what a principal may do through the API. Verifiers read every project's
 * evidence and decide; a site reads its own project's uploads, reports, decisions and ledger, and
 * decides nothing. Deny by default.
 */
export function authorizeApi(p: ApiPrincipal, action: ApiAction, resource: { readonly projectId?: string } = {}): ApiAccess {
  if (p.role === 'verifier') return { allowed: true };
  if (action === 'decide') return { allowed: false, reason: 'a site cannot decide on its own uploads: decisions are made by the verifier' };
  if (action === 'read-queue') return { allowed: true }; // filtered to the site's project by the route
  if (resource.projectId !== undefined && resource.projectId === p.projectId) return { allowed: true };
  return { allowed: false, reason: `this account may only read project ${p.projectId ?? '(none)'}` };
}
