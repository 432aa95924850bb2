import { MrvError } from '../../core/errors.ts';
import { refreshSession } from './oauth.ts';
import { LoginError, readSession, writeSession, type Session } from './session.ts';
import { LOGIN_ENV } from './settings.ts';

/**
 * The HTTP API as a logged-in person calls it: `Authorization: Bearer <id token>` (as the console
 * sends it; the JWT authorizer checks its signature, issuer, expiry and audience, and the API authorizes
 * the token's subject with core/access). Which way a command goes:
 * - `MRV_AUTH=iam`: never the login (IAM credentials, as before);
 * - `MRV_AUTH=login`: the login, or an error when there is none;
 * - unset: the login when `mrv login` stored one, else IAM credentials.
 */

/** Seconds before expiry at which the tokens are refreshed (a request in flight must not carry an expired token). */
const REFRESH_MARGIN_MS = 60_000;

/** The stored login with tokens valid for at least a minute (refreshed and stored again when needed); undefined to use IAM credentials. */
export async function currentLogin(env: NodeJS.ProcessEnv, now: () => Date = () => new Date()): Promise<Session | undefined> {
  const mode = env[LOGIN_ENV.mode]?.trim().toLowerCase();
  if (mode && mode !== 'iam' && mode !== 'login') throw new MrvError('config.invalid', `${LOGIN_ENV.mode}=${mode}: expected iam or login.`);
  if (mode === 'iam') return undefined;
  const session = readSession(env);
  if (!session) {
    if (mode === 'login') throw new LoginError(`${LOGIN_ENV.mode}=login, but there is no login: run mrv login.`);
    return undefined;
  }
  if (Date.parse(session.expiresAt) - REFRESH_MARGIN_MS > now().getTime()) return session;
  const refreshed = await refreshSession(session, now);
  writeSession(env, refreshed);
  return refreshed;
}

export interface ApiAnswer<T = unknown> {
  readonly status: number;
  readonly body: T;
}

export interface HttpApiClient {
  readonly url: string;
  get<T = unknown>(path: string): Promise<ApiAnswer<T>>;
  post<T = unknown>(path: string, body: unknown): Promise<ApiAnswer<T>>;
  /** A document (a verification report): its bytes when 200, else the answer's JSON. */
  download(path: string): Promise<{ readonly status: number; readonly bytes?: Uint8Array; readonly body?: unknown }>;
}

export function httpApiClient(session: Session): HttpApiClient {
  const send = async (method: 'GET' | 'POST', path: string, body?: unknown): Promise<Response> => {
    const url = new URL(path.replace(/^\/+/, ''), session.apiUrl);
    try {
      return await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${session.idToken}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        // A redirect would carry the token elsewhere: never followed.
        redirect: 'error',
        signal: AbortSignal.timeout(60_000),
      });
    } catch (e) {
      throw new MrvError('api.unreachable', `Cannot reach the HTTP API at ${session.apiUrl}: ${(e as Error).message}.`, { cause: e });
    }
  };
  const call = async <T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<ApiAnswer<T>> => {
    const response = await send(method, path, body);
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON (a gateway error page): kept as text
    }
    if (response.status === 401)
      throw new LoginError(
        `The HTTP API did not accept your login (${apiError(parsed)}): run mrv login again (or ${LOGIN_ENV.mode}=iam to use IAM credentials).`,
      );
    return { status: response.status, body: parsed as T };
  };
  return {
    url: session.apiUrl,
    get: (path) => call('GET', path),
    post: (path, body) => call('POST', path, body),
    async download(path) {
      const response = await send('GET', path);
      if (response.status === 200) return { status: 200, bytes: new Uint8Array(await response.arrayBuffer()) };
      // Not the document: the answer (an error) as call() reads it, 401 included.
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // kept as text
      }
      if (response.status === 401) throw new LoginError(`The HTTP API did not accept your login (${apiError(parsed)}): run mrv login again.`);
      return { status: response.status, body: parsed };
    },
  };
}

/** The `error` (and `code`) of an API answer, for messages. */
export function apiError(body: unknown): string {
  if (body && typeof body === 'object') {
    const b = body as { error?: unknown; message?: unknown; code?: unknown };
    const text = typeof b.error === 'string' ? b.error : typeof b.message === 'string' ? b.message : JSON.stringify(body).slice(0, 200);
    return typeof b.code === 'string' ? `${text} (${b.code})` : text;
  }
  return String(body ?? '').slice(0, 200) || 'no message';
}
