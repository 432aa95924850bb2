/**
 * What `mrv login` and the user pool's CLI app client must agree on, in one place (the CDK construct
 * imports it: infra/constructs/access-control.ts `addCliSignIn`).
 *
 * The sign-in is OAuth 2.0 authorization code with PKCE against the user pool's hosted UI, with a
 * loopback redirect (RFC 8252 §7.3). Cognito accepts plain `http` only for `localhost` and matches
 * callback URLs exactly (port included), so the CLI listens on one of a few fixed ports, each
 * registered as a callback of the CLI app client.
 */

/** Environment variables of the CLI sign-in; their values are the stack outputs of the same names (infra/README.md). */
export const LOGIN_ENV = {
  /** The user pool's hosted-UI base URL, `https://<prefix>.auth.<region>.amazoncognito.com` (stack output `MrvAuthDomain`). */
  domain: 'MRV_AUTH_DOMAIN',
  /** The CLI app client id (stack output `MrvCliClientId`). */
  clientId: 'MRV_CLI_CLIENT_ID',
  /** The HTTP API's base URL, the console's URL (stack output `MrvApiUrl`, the same as `ConsoleUrl`). */
  apiUrl: 'MRV_API_URL',
  /** `iam` ignores a stored login (commands use IAM credentials); `login` requires one; unset: the login when there is one. */
  mode: 'MRV_AUTH',
} as const;

/** Loopback ports the CLI app client accepts as `http://localhost:<port>/callback`, tried in this order. */
export const LOGIN_CALLBACK_PORTS = [47311, 47312, 47313] as const;
export const LOGIN_CALLBACK_PATH = '/callback';

export const loginCallbackUrl = (port: number) => `http://localhost:${port}${LOGIN_CALLBACK_PATH}`;

/** Lifetimes of the CLI client's tokens: short-lived id/access tokens, a refresh token for a working day. */
export const CLI_TOKEN_MINUTES = 15;
export const CLI_REFRESH_HOURS = 8;
