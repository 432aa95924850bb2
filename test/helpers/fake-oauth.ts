/**
 * A fake of the user pool's hosted UI for `mrv login` tests: `/oauth2/authorize` redirects at once (the
 * password and MFA steps are the real hosted UI's business) with a one-time code bound to the PKCE
 * challenge, client, redirect URI and nonce; `/oauth2/token` exchanges it only for the verifier whose
 * S256 is that challenge, and refreshes only a refresh token it issued and did not revoke;
 * `/oauth2/revoke` revokes. And a fake HTTP API that records every request with its Authorization header.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
/** An unsigned JWT-shaped token (the CLI does not check signatures; API Gateway does on AWS). */
export const fakeJwt = (claims: Record<string, unknown>) => `${b64({ alg: 'RS256', kid: 'fake' })}.${b64(claims)}.${randomBytes(16).toString('base64url')}`;

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
const close = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

export interface FakeAuthOptions {
  clientId: string;
  /** Seconds until the issued id/access tokens expire. */
  expiresIn?: number;
  /** Answer with this state instead of the one the client sent (a forged or mixed-up callback). */
  answerState?: string;
  /** Answer with this OAuth error instead of a code. */
  answerError?: string;
}

export interface FakeAuth {
  readonly url: string;
  readonly options: FakeAuthOptions;
  /** Every token request: grant type and the outcome. */
  readonly tokenRequests: { grant: string; status: number; error?: string }[];
  readonly revoked: Set<string>;
  /** The id tokens issued, in order. */
  readonly issued: string[];
  readonly sub: string;
  stop(): Promise<void>;
}

export async function startFakeAuth(options: FakeAuthOptions): Promise<FakeAuth> {
  const codes = new Map<string, { challenge: string; redirectUri: string; clientId: string; nonce?: string }>();
  const refreshTokens = new Set<string>();
  const revoked = new Set<string>();
  const tokenRequests: FakeAuth['tokenRequests'] = [];
  const issued: string[] = [];
  const sub = 'a1b2c3d4-0000-4000-8000-00000000cafe';
  const tokens = (nonce?: string) => {
    const id = fakeJwt({ sub, aud: options.clientId, token_use: 'id', email: 'vera@doe.example', 'cognito:groups': ['verifier'], ...(nonce ? { nonce } : {}) });
    issued.push(id);
    return {
      id_token: id,
      access_token: fakeJwt({ sub, client_id: options.clientId, token_use: 'access' }),
      expires_in: options.expiresIn ?? 900,
      token_type: 'Bearer',
    };
  };
  const json = (res: ServerResponse, status: number, value: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(value));
  };
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (req.method === 'GET' && url.pathname === '/oauth2/authorize') {
        const q = url.searchParams;
        if (
          q.get('client_id') !== options.clientId ||
          q.get('response_type') !== 'code' ||
          q.get('code_challenge_method') !== 'S256' ||
          !q.get('code_challenge')
        )
          return json(res, 400, { error: 'invalid_request' });
        // As the CLI app client registers them: the loopback listener on localhost only.
        if (!/^http:\/\/localhost:\d+\/callback$/.test(q.get('redirect_uri') ?? '')) return json(res, 400, { error: 'redirect_mismatch' });
        const redirect = new URL(q.get('redirect_uri')!);
        if (options.answerError) redirect.searchParams.set('error', options.answerError);
        else {
          const code = randomBytes(16).toString('hex');
          codes.set(code, {
            challenge: q.get('code_challenge')!,
            redirectUri: q.get('redirect_uri')!,
            clientId: q.get('client_id')!,
            nonce: q.get('nonce') ?? undefined,
          });
          redirect.searchParams.set('code', code);
        }
        redirect.searchParams.set('state', options.answerState ?? q.get('state') ?? '');
        res.writeHead(302, { location: redirect.toString() });
        return res.end();
      }
      if (req.method === 'POST' && (url.pathname === '/oauth2/token' || url.pathname === '/oauth2/revoke')) {
        const form = new URLSearchParams(await body(req));
        const answer = (status: number, value: Record<string, unknown>) => {
          if (url.pathname === '/oauth2/token')
            tokenRequests.push({ grant: form.get('grant_type') ?? '', status, ...(typeof value.error === 'string' ? { error: value.error } : {}) });
          return json(res, status, value);
        };
        if (form.get('client_id') !== options.clientId) return answer(400, { error: 'invalid_client' });
        if (url.pathname === '/oauth2/revoke') {
          revoked.add(form.get('token') ?? '');
          return answer(200, {});
        }
        if (form.get('grant_type') === 'authorization_code') {
          const code = codes.get(form.get('code') ?? '');
          codes.delete(form.get('code') ?? ''); // one use only
          if (!code || code.redirectUri !== form.get('redirect_uri')) return answer(400, { error: 'invalid_grant' });
          const s256 = createHash('sha256')
            .update(form.get('code_verifier') ?? '')
            .digest('base64url');
          if (s256 !== code.challenge) return answer(400, { error: 'invalid_grant', error_description: 'code_verifier does not match' });
          const refresh = randomBytes(24).toString('hex');
          refreshTokens.add(refresh);
          return answer(200, { ...tokens(code.nonce), refresh_token: refresh });
        }
        if (form.get('grant_type') === 'refresh_token') {
          const refresh = form.get('refresh_token') ?? '';
          if (!refreshTokens.has(refresh) || revoked.has(refresh)) return answer(400, { error: 'invalid_grant' });
          return answer(200, tokens());
        }
        return answer(400, { error: 'unsupported_grant_type' });
      }
      json(res, 404, { error: 'not found' });
    })();
  });
  const url = await listen(server);
  return { url, options, tokenRequests, revoked, issued, sub, stop: () => close(server) };
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization?: string;
  readonly body?: unknown;
}

/** A fake HTTP API: `routes` answers by "METHOD /path"; every request is recorded. Unknown tokens are the routes' business. */
export async function startFakeApi(
  routes: (r: RecordedRequest) => { status: number; body: unknown } | undefined,
): Promise<{ url: string; requests: RecordedRequest[]; stop(): Promise<void> }> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    void (async () => {
      const text = await body(req);
      const r: RecordedRequest = {
        method: req.method ?? 'GET',
        path: new URL(req.url ?? '/', 'http://x').pathname,
        ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
        ...(text ? { body: JSON.parse(text) as unknown } : {}),
      };
      requests.push(r);
      const answer = routes(r) ?? { status: 404, body: { error: `no route ${r.method} ${r.path}` } };
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer.body));
    })();
  });
  const url = `${await listen(server)}/`;
  return { url, requests, stop: () => close(server) };
}
