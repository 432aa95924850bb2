/**
 * Who is acting. A {@link Principal} is only ever built from what an authentication layer vouches for:
 * the SQS `SenderId` system attribute (set by SQS from the caller's IAM credentials), the claims of a
 * JWT verified by the HTTP API's Cognito authorizer, or a local identity the local stack authenticated
 * by its access key. Never from a name in a message body.
 *
 * `id` is the key of the access register (`iam:AIDA…`, `iam:AROA…:alice@doe.example`, `cognito:<sub>`,
 * `local:<name>`): one person may have several principals (an IAM user and a Cognito login).
 */
export type AuthSource = 'iam' | 'cognito' | 'local';

export interface Principal {
  readonly source: AuthSource;
  /** Register key: `<source>:<authenticated id>`. */
  readonly id: string;
}

export class PrincipalError extends Error {
  override name = 'PrincipalError';
}

/**
 * SQS `SenderId`: an IAM user's unique id (`AIDA…`), a role session (`AROA…:<session name>`) or an
 * account id (root). The whole value is the key: a role id alone never matches a session of that role,
 * so a shared role cannot stand in for a person registered by role session.
 *
 * @example principalFromSqsSenderId('AROAEXAMPLE:alice') // { source: 'iam', id: 'iam:AROAEXAMPLE:alice' }
 */
export function principalFromSqsSenderId(senderId: string | undefined): Principal {
  if (!senderId || !/^[A-Z0-9]{12,128}(?::[\w+=,.@-]{2,64})?$/.test(senderId))
    throw new PrincipalError(`SenderId ${JSON.stringify(senderId ?? '')} is not an IAM unique id`);
  return { source: 'iam', id: `iam:${senderId}` };
}

/**
 * Claims of a Cognito token verified by API Gateway's JWT authorizer (`requestContext.authorizer.jwt.claims`).
 * `sub` is the stable user id; the issuer must be the expected user pool (the authorizer checks the
 * signature; this checks it is *our* pool, and that the token is an access or id token).
 *
 * @example principalFromJwtClaims({ sub: 'a1b2', iss: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_X', token_use: 'access' }, 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_X')
 */
export function principalFromJwtClaims(claims: Readonly<Record<string, unknown>> | undefined, expectedIssuer: string): Principal {
  if (!claims) throw new PrincipalError('no JWT claims: the request was not authenticated');
  const { sub, iss, token_use: use } = claims;
  if (iss !== expectedIssuer) throw new PrincipalError(`token issuer ${JSON.stringify(iss)} is not the user pool ${expectedIssuer}`);
  if (use !== 'access' && use !== 'id') throw new PrincipalError(`token_use ${JSON.stringify(use)} is neither access nor id`);
  if (typeof sub !== 'string' || !/^[\w-]{1,128}$/.test(sub)) throw new PrincipalError('the token has no usable sub claim');
  return { source: 'cognito', id: `cognito:${sub}` };
}

/** A local-stack identity, authenticated by its access key (cli/local-stack/identities.ts). */
export function principalFromLocalIdentity(name: string): Principal {
  if (!/^[a-z0-9][a-z0-9.-]{0,63}$/.test(name)) throw new PrincipalError(`local identity ${JSON.stringify(name)} is not valid`);
  return { source: 'local', id: `local:${name}` };
}
