import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { ConfigError } from '../../core/errors.ts';
import { LOGIN_CALLBACK_PATH, LOGIN_ENV, loginCallbackUrl } from './settings.ts';
import { isSafeEndpoint, LoginError, type Session } from './session.ts';

/**
 * `mrv login` against the user pool's hosted UI: OAuth 2.0 authorization code with PKCE (RFC 7636,
 * S256) and a loopback redirect (RFC 8252): the CLI listens on localhost, prints the sign-in URL (the
 * hosted UI asks for the password and the TOTP code), receives the code on its listener, checks the
 * `state` it sent, and exchanges code + verifier at `/oauth2/token`. The id token's `aud` must be this
 * client and its `nonce` the one sent. Tokens come straight from the token endpoint over TLS, so their
 * signatures are not checked here (OpenID Connect Core §3.1.3.7); API Gateway's JWT authorizer checks
 * them on every request. Only Node built-ins: http, crypto, fetch.
 */

export interface LoginConfig {
  /** Hosted-UI base URL, without a trailing slash. */
  readonly domain: string;
  readonly clientId: string;
  /** HTTP API base URL, with a trailing slash. */
  readonly apiUrl: string;
}

/** An https URL, or http on this machine only (tests, a local stack): a token is never sent in clear over a network. */
export function endpointUrl(what: string, value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${what} ${JSON.stringify(value)} is not a URL.`);
  }
  if (!isSafeEndpoint(value))
    throw new ConfigError(`${what} ${value} must be an https URL (plain http only on localhost): tokens are never sent in clear over a network.`);
  if (url.search || url.hash || url.username || url.password) throw new ConfigError(`${what} ${value} must have no query, fragment or credentials.`);
  return url;
}

/** The sign-in configuration: options first, then the environment (LOGIN_ENV, the stack outputs). Every missing value is named. */
export function loginConfig(env: NodeJS.ProcessEnv, options: { domain?: string; clientId?: string; apiUrl?: string } = {}): LoginConfig {
  const domain = options.domain ?? env[LOGIN_ENV.domain]?.trim();
  const clientId = options.clientId ?? env[LOGIN_ENV.clientId]?.trim();
  const apiUrl = options.apiUrl ?? env[LOGIN_ENV.apiUrl]?.trim();
  const missing = [
    ...(domain ? [] : [`${LOGIN_ENV.domain} (or --domain): the stack output MrvAuthDomain`]),
    ...(clientId ? [] : [`${LOGIN_ENV.clientId} (or --client-id): the stack output MrvCliClientId`]),
    ...(apiUrl ? [] : [`${LOGIN_ENV.apiUrl} (or --api-url): the stack output MrvApiUrl`]),
  ];
  if (missing.length) throw new ConfigError('mrv login needs the user pool and the HTTP API of the deployment:', missing);
  if (!/^[\w+-]{1,128}$/.test(clientId!)) throw new ConfigError(`client id ${JSON.stringify(clientId)} is not a Cognito app client id.`);
  const d = endpointUrl('the sign-in domain', domain!);
  const a = endpointUrl('the API URL', apiUrl!);
  return { domain: d.origin + d.pathname.replace(/\/+$/, ''), clientId: clientId!, apiUrl: a.origin + a.pathname.replace(/\/*$/, '/') };
}

const base64url = (b: Buffer) => b.toString('base64url');

/** A PKCE pair: a 43-character verifier (32 random bytes) and its S256 challenge. */
export function pkcePair(): { readonly verifier: string; readonly challenge: string } {
  const verifier = base64url(randomBytes(32));
  return { verifier, challenge: pkceChallenge(verifier) };
}
export const pkceChallenge = (verifier: string) => base64url(createHash('sha256').update(verifier).digest());

export function authorizeUrl(config: LoginConfig, p: { redirectUri: string; state: string; challenge: string; nonce: string }): string {
  const url = new URL(`${config.domain}/oauth2/authorize`);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: config.clientId,
    redirect_uri: p.redirectUri,
    scope: 'openid email profile',
    state: p.state,
    nonce: p.nonce,
    code_challenge: p.challenge,
    code_challenge_method: 'S256',
  }).toString();
  return url.toString();
}

const sameSecret = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** The page the browser shows after the redirect: static text (nothing from the request is echoed), no script, not cached, no referrer. */
function page(res: ServerResponse, status: number, text: string) {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'content-security-policy': "default-src 'none'",
    'x-content-type-options': 'nosniff',
  });
  res.end(`<!doctype html><meta charset="utf-8"><title>mrv login</title><p>${text}</p>`);
}

export interface Loopback {
  /** `http://localhost:<port>/callback`, the redirect URI of this login. */
  readonly redirectUri: string;
  readonly port: number;
  /** The authorization code of the first callback that carries `state`; rejects on a wrong state, an error answer or the timeout. */
  readonly code: Promise<string>;
  close(): Promise<void>;
}

function listenOn(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => reject(e);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * Listens on the first free port of `ports` on the loopback interfaces only (127.0.0.1, and ::1 when
 * there is one: browsers may resolve localhost to either), for one callback with `state`.
 */
export async function startLoopback(ports: readonly number[], state: string, timeoutMs: number): Promise<Loopback> {
  let settle!: { resolve: (code: string) => void; reject: (e: Error) => void };
  const code = new Promise<string>((resolve, reject) => (settle = { resolve, reject }));
  // Closed before anyone awaited the code (e.g. printing the URL failed): not an unhandled rejection.
  code.catch(() => {});
  let done = false;
  const finish = (outcome: { code: string } | { error: Error }) => {
    if (done) return;
    done = true;
    if ('code' in outcome) settle.resolve(outcome.code);
    else settle.reject(outcome.error);
  };
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'GET' || url.pathname !== LOGIN_CALLBACK_PATH) return page(res, 404, 'Not found.');
    if (done) return page(res, 410, 'This sign-in is finished. Return to the terminal.');
    const q = url.searchParams;
    if (!sameSecret(q.get('state') ?? '', state)) {
      page(res, 400, 'Sign-in refused: this answer does not belong to the login started in your terminal. Nothing was stored.');
      return finish({
        error: new LoginError(
          'The sign-in answer carried another state than this login sent: refused (it may be a forged or replayed request). Nothing was stored; run mrv login again.',
        ),
      });
    }
    const error = q.get('error');
    if (error) {
      page(res, 400, 'Sign-in failed. See the terminal.');
      const description = q.get('error_description');
      return finish({
        error: new LoginError(`The sign-in page answered ${JSON.stringify(error)}${description ? `: ${description.slice(0, 300)}` : ''}. Nothing was stored.`),
      });
    }
    const c = q.get('code');
    if (!c || !/^[\w.~-]{1,2048}$/.test(c)) {
      page(res, 400, 'Sign-in failed: no authorization code. See the terminal.');
      return finish({ error: new LoginError('The sign-in answer carried no usable authorization code. Nothing was stored.') });
    }
    page(res, 200, 'Signed in to mrv. You can close this tab and return to the terminal.');
    finish({ code: c });
  };
  const servers: Server[] = [];
  let port: number | undefined;
  for (const candidate of ports) {
    const server = createServer(handle);
    try {
      port = await listenOn(server, candidate, '127.0.0.1');
      servers.push(server);
      break;
    } catch (e) {
      server.close();
      if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
    }
  }
  if (port === undefined)
    throw new LoginError(`Ports ${ports.join(', ')} on localhost are all in use: close what uses them (another mrv login?) and try again.`);
  const v6 = createServer(handle);
  try {
    await listenOn(v6, port, '::1');
    servers.push(v6);
  } catch {
    v6.close(); // no IPv6 loopback here: 127.0.0.1 serves localhost
  }
  const timer = setTimeout(
    () => finish({ error: new LoginError(`No sign-in within ${Math.round(timeoutMs / 1000)} s. Nothing was stored; run mrv login again.`) }),
    timeoutMs,
  );
  timer.unref();
  return {
    redirectUri: loginCallbackUrl(port),
    port,
    code,
    close: async () => {
      clearTimeout(timer);
      finish({ error: new LoginError('The login was cancelled.') });
      await Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.closeAllConnections();
              s.close(() => resolve());
            }),
        ),
      );
    },
  };
}

const TokenResponseSchema = z.object({
  id_token: z.string().min(1),
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  expires_in: z.number().int().positive().max(86_400),
  token_type: z.string().regex(/^bearer$/i),
});
type TokenResponse = z.infer<typeof TokenResponseSchema>;

/** The claims of a JWT, not verified (for checks against what this client sent, and for display); undefined when it is not a JWT. */
export function decodeJwtClaims(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as unknown;
    return claims && typeof claims === 'object' && !Array.isArray(claims) ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

async function postForm(url: string, form: Record<string, string>): Promise<{ status: number; body: unknown }> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(form).toString(),
      redirect: 'error',
      signal: AbortSignal.timeout(20_000),
    });
  } catch (e) {
    throw new LoginError(`Cannot reach ${new URL(url).origin}: ${(e as Error).message}.`, { cause: e });
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, body };
}

const oauthError = (body: unknown) => {
  const b = (body ?? {}) as { error?: unknown; error_description?: unknown };
  return typeof b.error === 'string'
    ? `${b.error}${typeof b.error_description === 'string' ? `: ${b.error_description.slice(0, 300)}` : ''}`
    : 'no error given';
};

function tokensOf(status: number, body: unknown, what: string): TokenResponse {
  if (status !== 200) throw new LoginError(`The token endpoint refused the ${what} (HTTP ${status}, ${oauthError(body)}). Nothing was stored.`);
  const parsed = TokenResponseSchema.safeParse(body);
  if (!parsed.success) throw new LoginError(`The token endpoint's answer to the ${what} is not a token response. Nothing was stored.`);
  return parsed.data;
}

function checkIdToken(config: Pick<LoginConfig, 'clientId'>, idToken: string, nonce: string | undefined): void {
  const claims = decodeJwtClaims(idToken);
  if (!claims) throw new LoginError('The id token is not a JWT. Nothing was stored.');
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!aud.includes(config.clientId))
    throw new LoginError(`The id token was issued to another client (aud ${JSON.stringify(claims.aud)}). Nothing was stored.`);
  if (nonce !== undefined && (typeof claims.nonce !== 'string' || !sameSecret(claims.nonce, nonce)))
    throw new LoginError('The id token does not carry the nonce this login sent: refused. Nothing was stored.');
}

const sessionOf = (config: LoginConfig, t: TokenResponse, now: Date, refreshToken: string | undefined): Session => ({
  schemaVersion: 1,
  domain: config.domain,
  clientId: config.clientId,
  apiUrl: config.apiUrl,
  idToken: t.id_token,
  accessToken: t.access_token,
  ...((t.refresh_token ?? refreshToken) ? { refreshToken: t.refresh_token ?? refreshToken } : {}),
  expiresAt: new Date(now.getTime() + t.expires_in * 1000).toISOString(),
  obtainedAt: now.toISOString(),
});

/** Exchanges the authorization code and the PKCE verifier for tokens (`/oauth2/token`, public client: no secret). */
export async function exchangeCode(
  config: LoginConfig,
  p: { code: string; redirectUri: string; verifier: string; nonce: string },
  now: () => Date = () => new Date(),
): Promise<Session> {
  const { status, body } = await postForm(`${config.domain}/oauth2/token`, {
    grant_type: 'authorization_code',
    client_id: config.clientId,
    code: p.code,
    redirect_uri: p.redirectUri,
    code_verifier: p.verifier,
  });
  const tokens = tokensOf(status, body, 'authorization code');
  checkIdToken(config, tokens.id_token, p.nonce);
  return sessionOf(config, tokens, now(), undefined);
}

/** New id and access tokens from the refresh token; a refused refresh means the login has ended (expired or revoked). */
export async function refreshSession(session: Session, now: () => Date = () => new Date()): Promise<Session> {
  if (!session.refreshToken) throw new LoginError('Your login has expired (it has no refresh token): run mrv login.');
  const { status, body } = await postForm(`${session.domain}/oauth2/token`, {
    grant_type: 'refresh_token',
    client_id: session.clientId,
    refresh_token: session.refreshToken,
  });
  if (status === 400 || status === 401) throw new LoginError(`Your login has expired or was revoked (${oauthError(body)}): run mrv login.`);
  const tokens = tokensOf(status, body, 'refresh token');
  checkIdToken(session, tokens.id_token, undefined);
  return sessionOf(session, tokens, now(), session.refreshToken);
}

/** Revokes the refresh token (and the tokens issued from it) at the user pool; false when the pool did not confirm. */
export async function revokeSession(session: Session): Promise<boolean> {
  if (!session.refreshToken) return false;
  try {
    const { status } = await postForm(`${session.domain}/oauth2/revoke`, { token: session.refreshToken, client_id: session.clientId });
    return status === 200;
  } catch {
    return false;
  }
}

/**
 * The whole browser login: listen, hand the sign-in URL to `onUrl` (printed, and opened in a browser
 * when asked), wait for the callback, check state, exchange code and verifier. Resolves to the session
 * to store; rejects with a LoginError and stores nothing on any failure.
 */
export async function loginWithBrowser(p: {
  config: LoginConfig;
  ports: readonly number[];
  timeoutMs: number;
  onUrl: (url: string, redirectUri: string) => void;
  now?: () => Date;
}): Promise<Session> {
  const state = base64url(randomBytes(24));
  const nonce = base64url(randomBytes(24));
  const { verifier, challenge } = pkcePair();
  const loopback = await startLoopback(p.ports, state, p.timeoutMs);
  try {
    p.onUrl(authorizeUrl(p.config, { redirectUri: loopback.redirectUri, state, challenge, nonce }), loopback.redirectUri);
    const code = await loopback.code;
    return await exchangeCode(p.config, { code, redirectUri: loopback.redirectUri, verifier, nonce }, p.now);
  } finally {
    await loopback.close();
  }
}
