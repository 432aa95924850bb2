import { createHash } from 'node:crypto';
import type { PrincipalRecord } from '../../core/access/registers.ts';
import { PRINCIPAL_TAGS, type RoleName } from '../../infra/policies/role-policies.ts';

/**
 * The local stack's identities: one per role (a site per project), as IAM users would be on AWS. Each
 * has an access key (what the CLI sends), an IAM-style unique id (what SQS reports as `SenderId` and
 * the policy variable `${aws:userid}`), the principal tags of its role, and its register record.
 * The local gateway (./gateway.ts) maps the access key of every request to its identity and enforces
 * the role's policy (infra/policies/role-policies.ts); the decision function then resolves the
 * SenderId exactly as on AWS. Local keys are not secret (they are printed); the local gateway does not
 * verify request signatures.
 */
export interface LocalIdentity {
  readonly name: string;
  readonly role: RoleName;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** IAM unique id (`AIDA…`): the SenderId of its SQS messages. */
  readonly userId: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly record: PrincipalRecord;
}

/** The body every local project is assigned to, and a second body that is assigned nothing. */
export const LOCAL_BODY = 'LOCAL-DOE-A';
export const OTHER_LOCAL_BODY = 'LOCAL-DOE-B';

const hex = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 12).toUpperCase();

function identity(name: string, role: RoleName, tags: Record<string, string>, record: (principal: string) => PrincipalRecord): LocalIdentity {
  const userId = `AIDALOCAL${hex(name)}`;
  return { name, role, accessKeyId: `AKIALOCAL${hex(`key:${name}`)}`, secretAccessKey: `local-secret-${name}`, userId, tags, record: record(`iam:${userId}`) };
}

const verifier = (name: string, personId: string, person: string, body: string) =>
  identity(name, 'verifier', { [PRINCIPAL_TAGS.verifierBody]: body }, (principal) => ({
    role: 'verifier',
    principal,
    personId,
    name: person,
    body,
    accreditationRef: body === LOCAL_BODY ? 'LOCAL-E-0001' : 'LOCAL-E-0002',
    sectoralScopes: ['1', '4', '11', '13'],
    validFrom: '2000-01-01',
    validTo: '2099-12-31',
  }));

/** The fixed identities: a registrar, two verifiers of the assigned body (maker and checker), one of another body. */
export const FIXED_IDENTITIES: readonly LocalIdentity[] = [
  identity('registrar', 'registrar', {}, (principal) => ({ role: 'registrar', principal, personId: 'local-registrar', name: 'Local Registrar' })),
  verifier('verifier', 'local-vera', 'Vera Verifier', LOCAL_BODY),
  verifier('checker', 'local-chris', 'Chris Checker', LOCAL_BODY),
  verifier('other-verifier', 'local-otto', 'Otto of another body', OTHER_LOCAL_BODY),
];

/** The site identity of a project (`site.<projectId>`). */
export function siteIdentity(projectId: string): LocalIdentity {
  const site = identity(`site.${projectId}`, 'site', { [PRINCIPAL_TAGS.project]: projectId }, (principal) => ({
    role: 'site',
    principal,
    name: `Site of ${projectId}`,
    projectId,
  }));
  // The key names the project, so every project has its site identity without a lookup table.
  return { ...site, accessKeyId: `AKIALOCALSITE.${projectId}`, secretAccessKey: `local-secret-site.${projectId}` };
}

/**
 * The environment lines that make `mrv` (and the AWS CLI) act as `who`. `MRV_SENDER_ID` is its IAM
 * unique id (the SenderId of its messages): `mrv review approve|reject` reads what the decision function
 * told that sender (a refusal, a pending technical review). On AWS: `aws sts get-caller-identity --query UserId`.
 */
export function credentialsEnv(who: LocalIdentity): Record<string, string> {
  return { AWS_ACCESS_KEY_ID: who.accessKeyId, AWS_SECRET_ACCESS_KEY: who.secretAccessKey, MRV_SENDER_ID: who.userId };
}
