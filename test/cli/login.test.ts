/**
 * `mrv login`, `mrv whoami`, `mrv logout` and the logged-in `mrv review approve`, end to end against a
 * fake hosted UI (test/helpers/fake-oauth.ts: authorization code bound to the PKCE challenge, refresh,
 * revocation) and a fake HTTP API that records the bearer token of every request. The "browser" follows
 * the printed sign-in URL and its redirect to the CLI's loopback listener.
 */
import { existsSync, mkdtempSync, mkdirSync, readFileSync, statSync, chmodSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import type { Io } from '../../cli/commands/types.ts';
import { makeReviewCommand } from '../../cli/commands/review.ts';
import { makeReportCommand } from '../../cli/commands/report.ts';
import type { MonitoringReport } from '../../core/report/monitoring-report.ts';
import { renderMonitoringReport } from '../../core/report/render-monitoring-report.ts';
import { assembleReport } from '../../functions/assemble-report/assemble.ts';
import projectJson from '../../methodologies/grid-renewable/1.0.0/fixtures/project.json' with { type: 'json' };
import { assemblyWorld, monthCsv } from '../handlers/report-world.ts';
import { sessionPath, type Session } from '../../cli/login/session.ts';
import { authorizeUrl, loginConfig, pkceChallenge } from '../../cli/login/oauth.ts';
import { fakeJwt, startFakeApi, startFakeAuth, type FakeAuth, type RecordedRequest } from '../helpers/fake-oauth.ts';

const CLIENT = 'cli-client-1';
const UPLOAD = '0123456789abcdef0123456789abcdef';

let api: Awaited<ReturnType<typeof startFakeApi>>;
/** Tokens the fake API accepts (the tokens the fake hosted UI issued), as API Gateway's JWT authorizer would. */
let auth: FakeAuth;
const fakes: FakeAuth[] = [];

function apiRoutes(r: RecordedRequest) {
  const token = /^Bearer (.+)$/.exec(r.authorization ?? '')?.[1];
  if (!token || !fakes.some((f) => f.issued.includes(token))) return { status: 401, body: { message: 'Unauthorized' } };
  if (r.method === 'GET' && r.path === '/api/me')
    return { status: 200, body: { principal: `cognito:${auth.sub}`, role: 'verifier', name: 'Vera Verifier', body: 'DOE-A', accreditationRef: 'E-0001' } };
  if (r.method === 'POST' && r.path === `/api/submissions/${UPLOAD}/decision`)
    return { status: 202, body: { messageId: 'm-0001', outcome: '/api/outcomes/m-0001' } };
  if (r.method === 'GET' && r.path === '/api/outcomes/m-0001')
    return { status: 200, body: { outcome: 'approved', principal: `cognito:${auth.sub}`, recordedAs: { name: 'Vera Verifier', body: 'DOE-A' } } };
  if (r.method === 'GET' && r.path === `/api/submissions/${UPLOAD}`)
    return { status: 200, body: { submission: { uploadId: UPLOAD, ledger: { seq: 7, hash: 'h7' } } } };
  if (r.method === 'POST' && r.path === `/api/projects/${projectJson.id}/monitoring-reports`) return assembleAnswer;
  if (r.method === 'POST' && r.path === '/api/projects/another-project/monitoring-reports')
    return {
      status: 403,
      body: { error: 'Site of the hydro reservoir is the site of project fixture-hydro-reservoir, not of another-project', code: 'access.other_project' },
    };
  return undefined;
}
/** What the fake API answers to an assembly (set by the test). */
let assembleAnswer: { status: number; body: unknown } = { status: 500, body: { error: 'not set' } };

beforeAll(async () => {
  api = await startFakeApi(apiRoutes);
});
afterAll(async () => {
  await api.stop();
});
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((f) => f.stop()));
  api.requests.length = 0;
});

async function fakeAuth(options: Partial<Parameters<typeof startFakeAuth>[0]> = {}) {
  auth = await startFakeAuth({ clientId: CLIENT, ...options });
  fakes.push(auth);
  return auth;
}

const home = () => mkdtempSync(join(tmpdir(), 'mrv-login-'));
const envFor = (dir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  HOME: dir,
  XDG_CONFIG_HOME: join(dir, 'config'),
  MRV_AUTH_DOMAIN: auth.url,
  MRV_CLI_CLIENT_ID: CLIENT,
  MRV_API_URL: api.url,
  ...extra,
});

/** Runs `mrv …` in-process; `onOut` sees each line as it is written (the sign-in URL while the command waits). */
async function run(args: string[], env: NodeJS.ProcessEnv, onOut?: (text: string) => void) {
  let out = '';
  let err = '';
  const io: Io = {
    out: (t) => {
      out += `${t}\n`;
      onOut?.(t);
    },
    err: (t) => void (err += `${t}\n`),
    errIsTTY: false,
    cwd: process.cwd(),
    env,
  };
  const code = await main(args, io);
  return { code, out, err };
}

/** The browser: opens the sign-in URL (optionally altered), follows the hosted UI's redirect to the loopback listener. */
async function browse(url: string, alter: (u: URL) => void = () => {}) {
  const u = new URL(url);
  alter(u);
  const hosted = await fetch(u, { redirect: 'manual' });
  const location = hosted.headers.get('location');
  if (!location) return { status: hosted.status, text: await hosted.text() };
  const back = await fetch(location);
  return { status: back.status, text: await back.text() };
}

/** `mrv login --port 0` with a browser that signs in as soon as the URL is printed. */
async function login(env: NodeJS.ProcessEnv, alter?: (u: URL) => void) {
  let browsed: Promise<{ status: number; text: string }> | undefined;
  const result = await run(['login', '--port', '0', '--timeout', '20'], env, (t) => {
    const url = /(https?:\/\/\S+\/oauth2\/authorize\S+)/.exec(t)?.[1];
    if (url && !browsed) browsed = browse(url, alter);
  });
  return { ...result, page: await browsed };
}

describe('mrv login (authorization code + PKCE, loopback redirect)', () => {
  it('signs in through the hosted UI, checks state and nonce, and stores the tokens 0600 in a 0700 folder', async () => {
    await fakeAuth();
    const dir = home();
    const env = envFor(dir);
    const r = await login(env);
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.page).toEqual({ status: 200, text: expect.stringContaining('Signed in to mrv') });
    expect(r.out).toContain('http://localhost:');
    expect(r.out).toContain('Logged in as vera@doe.example');
    // exactly one code exchange, accepted by the PKCE check of the fake
    expect(auth.tokenRequests).toEqual([{ grant: 'authorization_code', status: 200 }]);
    const path = sessionPath(env);
    expect(path).toBe(join(dir, 'config', 'mrv', 'login.json'));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(path)).mode & 0o777).toBe(0o700);
    const stored = JSON.parse(readFileSync(path, 'utf8')) as Session;
    expect(stored).toMatchObject({
      schemaVersion: 1,
      domain: auth.url,
      clientId: CLIENT,
      apiUrl: api.url,
      idToken: auth.issued[0],
      refreshToken: expect.any(String),
    });

    // whoami: the API is called with the stored id token as bearer, and says who it sees
    const who = await run(['whoami'], env);
    expect(who.code, who.err).toBe(0);
    expect(who.out).toContain(`cognito:${auth.sub}`);
    expect(who.out).toContain('The API sees you as cognito:a1b2c3d4-0000-4000-8000-00000000cafe: verifier Vera Verifier (DOE-A, E-0001)');
    expect(api.requests).toEqual([{ method: 'GET', path: '/api/me', authorization: `Bearer ${auth.issued[0]}` }]);
  });

  it('refuses an answer that carries another state: nothing is exchanged or stored', async () => {
    await fakeAuth({ answerState: 'forged-state-from-an-attacker' });
    const env = envFor(home());
    const r = await login(env);
    expect(r.code).toBe(1);
    expect(r.err).toContain('another state than this login sent');
    expect(r.page?.status).toBe(400);
    expect(auth.tokenRequests).toEqual([]);
    expect(existsSync(sessionPath(env))).toBe(false);
  });

  it('fails when the code is exchanged with a verifier that does not match the challenge (PKCE): nothing is stored', async () => {
    await fakeAuth();
    const env = envFor(home());
    // Someone swapped the challenge on the way to the hosted UI: the CLI's verifier no longer matches it.
    const r = await login(env, (u) => u.searchParams.set('code_challenge', pkceChallenge('another-verifier-of-at-least-43-characters-000')));
    expect(r.code).toBe(1);
    expect(r.err).toContain('The token endpoint refused the authorization code (HTTP 400, invalid_grant: code_verifier does not match)');
    expect(auth.tokenRequests).toEqual([{ grant: 'authorization_code', status: 400, error: 'invalid_grant' }]);
    expect(existsSync(sessionPath(env))).toBe(false);
  });

  it('reports an error answer of the hosted UI (e.g. the person cancelled) and stores nothing', async () => {
    await fakeAuth({ answerError: 'access_denied' });
    const env = envFor(home());
    const r = await login(env);
    expect(r.code).toBe(1);
    expect(r.err).toContain('The sign-in page answered "access_denied"');
    expect(existsSync(sessionPath(env))).toBe(false);
  });

  it('refreshes expired tokens with the refresh token, stores them 0600, and sends the new ones', async () => {
    // Tokens that live 30 s are refreshed at once (a minute before expiry).
    await fakeAuth({ expiresIn: 30 });
    const env = envFor(home());
    expect((await login(env)).code).toBe(0);
    const first = auth.issued[0]!;
    const who = await run(['whoami'], env);
    expect(who.code, who.err).toBe(0);
    expect(auth.tokenRequests.map((t) => `${t.grant} ${t.status}`)).toEqual(['authorization_code 200', 'refresh_token 200']);
    const refreshed = auth.issued[1]!;
    expect(refreshed).not.toBe(first);
    expect(api.requests.map((r) => r.authorization)).toEqual([`Bearer ${refreshed}`]);
    const stored = JSON.parse(readFileSync(sessionPath(env), 'utf8')) as Session;
    expect(stored.idToken).toBe(refreshed);
    expect(stored.refreshToken).toBeDefined();
    expect(statSync(sessionPath(env)).mode & 0o777).toBe(0o600);
  });

  it('logout revokes the refresh token and removes the tokens; a revoked login is not refreshed', async () => {
    await fakeAuth({ expiresIn: 30 });
    const dir = home();
    const env = envFor(dir);
    expect((await login(env)).code).toBe(0);
    const stored = JSON.parse(readFileSync(sessionPath(env), 'utf8')) as Session;
    // a copy of the file, to show that the revoked refresh token is dead at the pool, not just deleted here
    const copy = envFor(home());
    mkdirSync(dirname(sessionPath(copy)), { recursive: true, mode: 0o700 });
    writeFileSync(sessionPath(copy), JSON.stringify(stored), { mode: 0o600 });

    const out = await run(['logout'], env);
    expect(out.code).toBe(0);
    expect(out.out).toContain('the refresh token is revoked at the user pool');
    expect(existsSync(sessionPath(env))).toBe(false);
    expect(auth.revoked.has(stored.refreshToken!)).toBe(true);
    expect((await run(['logout'], env)).out).toContain('Not logged in');
    // without a login, whoami says IAM credentials are used and calls no API
    expect((await run(['whoami'], env)).out).toContain('Not logged in: commands use IAM credentials');

    const revoked = await run(['whoami'], copy);
    expect(revoked.code).toBe(2);
    expect(revoked.err).toContain('Your login has expired or was revoked (invalid_grant): run mrv login.');
    expect(api.requests).toEqual([]);
  });

  it('refuses a token file that other users may read', async () => {
    await fakeAuth();
    const env = envFor(home());
    expect((await login(env)).code).toBe(0);
    chmodSync(sessionPath(env), 0o644);
    const r = await run(['whoami'], env);
    expect(r.code).toBe(2);
    expect(r.err).toContain('may be read by other users (mode 644)');
    expect(api.requests).toEqual([]);
  });

  it('refuses a stored login whose API or domain is plain http to another host, or that is not a login at all', async () => {
    await fakeAuth();
    const env = envFor(home());
    expect((await login(env)).code).toBe(0);
    const stored = JSON.parse(readFileSync(sessionPath(env), 'utf8')) as Session;
    writeFileSync(sessionPath(env), JSON.stringify({ ...stored, apiUrl: 'http://api.example.org/' }), { mode: 0o600 });
    const tampered = await run(['review', 'list'], env);
    expect(tampered.code).toBe(2);
    expect(tampered.err).toContain('is not a login of this version of mrv');
    writeFileSync(sessionPath(env), '{not json', { mode: 0o600 });
    expect((await run(['whoami'], env)).code).toBe(2);
    expect(api.requests).toEqual([]);
  });

  it('never sends tokens over plain http to another host, and names every missing setting', async () => {
    await fakeAuth();
    const r = await run(['login'], envFor(home(), { MRV_AUTH_DOMAIN: 'http://auth.example.org' }));
    expect(r.code).toBe(2);
    expect(r.err).toContain('must be an https URL (plain http only on localhost)');
    const none = await run(['login'], { PATH: process.env.PATH, HOME: home() });
    expect(none.code).toBe(2);
    for (const name of ['MRV_AUTH_DOMAIN', 'MRV_CLI_CLIENT_ID', 'MRV_API_URL']) expect(none.err).toContain(name);
    expect(loginConfig({}, { domain: 'https://mrv-x.auth.eu-west-1.amazoncognito.com/', clientId: 'abc', apiUrl: 'https://api.example.org' })).toEqual({
      domain: 'https://mrv-x.auth.eu-west-1.amazoncognito.com',
      clientId: 'abc',
      apiUrl: 'https://api.example.org/',
    });
  });

  it('asks the hosted UI for the code grant with an S256 challenge, a state and a nonce', () => {
    const url = new URL(
      authorizeUrl(
        { domain: 'https://d.example', clientId: 'c', apiUrl: 'https://a.example/' },
        { redirectUri: 'http://localhost:47311/callback', state: 's', challenge: 'ch', nonce: 'n' },
      ),
    );
    expect(url.pathname).toBe('/oauth2/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'c',
      redirect_uri: 'http://localhost:47311/callback',
      scope: 'openid email profile',
      state: 's',
      nonce: 'n',
      code_challenge: 'ch',
      code_challenge_method: 'S256',
    });
    // RFC 7636 appendix B
    expect(pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });
});

describe('mrv review approve when logged in', () => {
  it('goes to the HTTP API with the bearer token, sends no verifier name, and prints the recorded outcome', async () => {
    await fakeAuth();
    const env = envFor(home());
    expect((await login(env)).code).toBe(0);
    // No AWS credentials at all, and the IAM path would fail loudly: the API is the only way taken.
    const review = makeReviewCommand(() => {
      throw new Error('the IAM path was taken');
    });
    let out = '';
    let err = '';
    const io: Io = { out: (t) => void (out += `${t}\n`), err: (t) => void (err += `${t}\n`), errIsTTY: false, cwd: process.cwd(), env };
    const code = await review.run(['approve', UPLOAD, '--verifier', 'Someone Else'], io);
    expect(code, out + err).toBe(0);
    const bearer = `Bearer ${auth.issued[0]}`;
    expect(api.requests).toEqual([
      { method: 'POST', path: `/api/submissions/${UPLOAD}/decision`, authorization: bearer, body: { decision: 'approve' } },
      { method: 'GET', path: '/api/outcomes/m-0001', authorization: bearer },
      { method: 'GET', path: `/api/submissions/${UPLOAD}`, authorization: bearer },
    ]);
    expect(out).toContain(`Recorded: approval of ${UPLOAD} by Vera Verifier (DOE-A), ledger entry #7 (hash h7).`);
    expect(err).toContain('--verifier "Someone Else" is not sent');

    // MRV_AUTH=iam: the login is ignored, today's IAM path is taken
    await expect(review.run(['approve', UPLOAD], { ...io, env: { ...env, MRV_AUTH: 'iam' } })).rejects.toThrow('the IAM path was taken');
    expect(api.requests).toHaveLength(3);
  });

  it('a token the API does not accept is a login error (exit 2), not a decision', async () => {
    await fakeAuth();
    const env = envFor(home());
    expect((await login(env)).code).toBe(0);
    const stored = JSON.parse(readFileSync(sessionPath(env), 'utf8')) as Session;
    writeFileSync(sessionPath(env), JSON.stringify({ ...stored, idToken: fakeJwt({ sub: 'forged', aud: CLIENT }) }), { mode: 0o600 });
    const r = await run(['review', 'approve', UPLOAD], env);
    expect(r.code).toBe(2);
    expect(r.err).toContain('The HTTP API did not accept your login (Unauthorized): run mrv login again');
  });
});

describe('mrv report assemble when logged in', () => {
  it('posts to the HTTP API with the bearer token and prints what the IAM path prints; MRV_AUTH=iam takes the IAM path', async () => {
    // A real report (two accepted months of the fixture project), as the API would return it.
    const w = assemblyWorld(projectJson);
    const ids = [await w.upload('2015-01.csv', monthCsv(1)), await w.upload('2015-02.csv', monthCsv(2))];
    const { report } = await assembleReport(w.deps, { projectId: projectJson.id, period: '2015-01-01..2015-02-28' });
    await fakeAuth();
    const env = envFor(home());
    expect((await login(env)).code).toBe(0);
    const bearer = `Bearer ${auth.issued[0]}`;
    const command = makeReportCommand(() => {
      throw new Error('the IAM path was taken');
    });
    const runReport = async (args: string[], e: NodeJS.ProcessEnv = env) => {
      let out = '';
      let err = '';
      const io: Io = { out: (t) => void (out += `${t}\n`), err: (t) => void (err += `${t}\n`), errIsTTY: false, cwd: process.cwd(), env: e };
      const code = await command.run(args, io);
      return { code, out, err };
    };
    const args = ['assemble', projectJson.id, '--period', '2015-01-01..2015-02-28', '--uploads', ids.join(',')];

    assembleAnswer = { status: 201, body: { outcome: 'queued', report } };
    const queued = await runReport(args);
    expect(queued.code, queued.err).toBe(0);
    expect(api.requests).toEqual([
      {
        method: 'POST',
        path: `/api/projects/${projectJson.id}/monitoring-reports`,
        authorization: bearer,
        body: { period: '2015-01-01..2015-02-28', uploadIds: ids },
      },
    ]);
    // The lines `mrv report assemble` prints on the IAM path (cli/commands/report.ts), to the character.
    expect(queued.out).toBe(`${renderMonitoringReport(report as MonitoringReport)}\nQueued for review: mrv review show ${report.reportId}\n`);

    assembleAnswer = { status: 200, body: { outcome: 'existing', report } };
    const json = await runReport([...args, '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out)).toEqual({ outcome: 'existing', report: JSON.parse(JSON.stringify(report)) });

    // A refused report (422) is printed as the IAM path prints it, exit 1.
    const refused = { ...report, status: 'refused', problems: ['No upload covers 2015-03-01 – 2015-03-31 (31 days, UTC)'] };
    assembleAnswer = { status: 422, body: { outcome: 'refused', report: refused, error: 'monitoring report refused' } };
    const r422 = await runReport(args);
    expect(r422.code).toBe(1);
    expect(r422.out).toBe(`${renderMonitoringReport(refused as MonitoringReport)}\n`);

    // 400: a request that cannot be assembled is a configuration error, as on the IAM path (main prints it, exit 2).
    assembleAnswer = { status: 400, body: { error: 'Report period "2015-13-01..x": not a date', code: 'config.invalid' } };
    const bad = await run(['report', 'assemble', projectJson.id, '--period', '2015-13-01..x'], env);
    expect(bad.code).toBe(2);
    expect(bad.err).toBe('mrv report: Report period "2015-13-01..x": not a date\n');

    // 403: refused by core/access at the API.
    const other = await runReport(['assemble', 'another-project', '--period', '2015-01-01..2015-02-28']);
    expect(other.code).toBe(1);
    expect(other.err).toContain(
      'Refused by the HTTP API: Site of the hydro reservoir is the site of project fixture-hydro-reservoir, not of another-project (access.other_project). Nothing assembled.',
    );

    // MRV_AUTH=iam: the login is ignored, the IAM path is taken (and no request reaches the API).
    const before = api.requests.length;
    await expect(runReport(args, { ...env, MRV_AUTH: 'iam' })).rejects.toThrow('the IAM path was taken');
    expect(api.requests).toHaveLength(before);
  }, 60_000);
});
