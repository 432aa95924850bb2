import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeApi, type ApiDeps } from '../../functions/http-api/api.ts';
import { principalFromClaims, Unauthenticated } from '../../functions/http-api/principal.ts';
import type { Principal } from '../../core/access/principal.ts';
import { registersFrom } from '../../core/access/registers.ts';
import type { Decision } from '../../core/review/schemas.ts';
import { ReviewItemSchema } from '../../core/review/schemas.ts';
import type { Submission } from '../../core/review/submission.ts';

const item = ReviewItemSchema.parse(JSON.parse(readFileSync(join(process.cwd(), 'test', 'events', 'review', 'review-item.v1.json'), 'utf8')));
const pending: Submission = {
  uploadId: item.uploadId,
  projectId: item.projectId,
  createdAt: item.createdAt,
  status: 'pending-review',
  validation: 'accepted',
  file: item.file,
  reportKey: item.reportKey,
  resultKey: item.resultKey,
  reviewItem: item,
};
// The access registers (core/access): a verifier of the body assigned to the project, one of another
// body, a site of this project and one of another project. The API decides with authorize(), never the token.
const P = (id: string): Principal => ({ source: 'cognito', id: `cognito:${id}` });
const verifier = P('vera');
const otherBody = P('otto');
const site = P('site');
const otherSite = P('other-site');
const stranger = P('nobody');
const v = (principal: Principal, personId: string, name: string, body: string) => ({
  role: 'verifier' as const,
  principal: principal.id,
  personId,
  name,
  body,
  accreditationRef: `${body}-E`,
  sectoralScopes: ['1'],
  validFrom: '2000-01-01',
  validTo: '2099-12-31',
});
const registers = registersFrom(
  [
    v(verifier, 'p-vera', 'Vera Verifier', 'DOE-A'),
    v(otherBody, 'p-otto', 'Otto Other', 'DOE-B'),
    { role: 'site', principal: site.id, name: 'Site', projectId: item.projectId },
    { role: 'site', principal: otherSite.id, name: 'Other site', projectId: 'another-project' },
  ],
  [{ projectId: item.projectId, verificationBody: 'DOE-A', mechanism: item.mechanism as never, assignedAt: '2026-01-01T00:00:00Z', assignedBy: 'registrar' }],
);

const MESSAGE = '0f8fad5b-d9cb-469f-a165-70867728950e';

function api(principal: Principal | undefined, extra: Partial<ApiDeps> = {}) {
  const sent: { decision: Decision; as: string }[] = [];
  const deps: ApiDeps = {
    authenticate: () => {
      if (!principal) throw new Unauthenticated('no token');
      return principal;
    },
    access: { registersFor: async () => registers },
    submissions: {
      get: async (id) => (id === pending.uploadId ? pending : undefined),
      listByStatus: async (s) => (s === 'pending-review' ? [pending] : []),
      listByProject: async (p) => (p === pending.projectId ? [pending] : []),
    },
    ledger: { getHead: async () => undefined, listEntries: async () => [] },
    decisionsFor: (p) => ({ queue: { send: async (d) => void sent.push({ decision: d, as: p.id }) }, senderId: 'AROAAPI:http-api' }),
    // Only the outcome route reads objects here: what the decision function told the API's sender about one message.
    reports: {
      objects: {
        get: async (key: string) =>
          key === `outcomes/AROAAPI:http-api/${MESSAGE}.json`
            ? new TextEncoder().encode(JSON.stringify({ messageId: MESSAGE, principal: verifier.id, outcome: 'pending-technical-review' }))
            : undefined,
      },
    } as never,
    staticFile: (p) => (p === 'index.html' ? { body: '<!doctype html>', type: 'text/html' } : undefined),
    now: () => new Date('2026-02-03T04:05:06Z'),
    ...extra,
  };
  const handle = makeApi(deps);
  const call = (method: string, path: string, body?: unknown) =>
    handle({
      rawPath: path,
      requestContext: { http: { method } },
      headers: {},
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      isBase64Encoded: false,
    } as unknown as APIGatewayProxyEventV2);
  return { call, sent };
}

const bodyOf = (r: { body?: string }) => JSON.parse(r.body ?? '{}');

describe('HTTP API', () => {
  it('serves the console page without a token, and nothing under /api without one', async () => {
    const { call } = api(undefined);
    const page = await call('GET', '/');
    expect(page.statusCode).toBe(200);
    expect(page.headers!['content-security-policy']).toContain("script-src 'self'");
    expect((await call('GET', '/api/queue')).statusCode).toBe(401);
    expect((await call('GET', '/console/../package.json')).statusCode).toBe(404);
  });

  it('sends the decision as the authenticated principal, with no name from the body', async () => {
    const { call, sent } = api(verifier);
    const r = await call('POST', `/api/submissions/${pending.uploadId}/decision`, { decision: 'approve', verifier: 'Someone Else' });
    expect(r.statusCode).toBe(202);
    expect(sent).toEqual([
      { decision: { schemaVersion: 1, uploadId: pending.uploadId, decision: 'approve', decidedAt: '2026-02-03T04:05:06.000Z' }, as: verifier.id },
    ]);
  });

  it('refuses a verifier of another body: no evidence, no report, no ledger, no decision, nothing in its queue', async () => {
    const { call, sent } = api(otherBody);
    const evidence = await call('GET', `/api/submissions/${pending.uploadId}`);
    expect(evidence.statusCode).toBe(403);
    expect(bodyOf(evidence)).toEqual({
      code: 'access.body_not_assigned',
      error: expect.stringContaining('assigned to the verification body DOE-A, not to DOE-B'),
    });
    expect((await call('GET', `/api/submissions/${pending.uploadId}/verification.pdf`)).statusCode).toBe(403);
    expect((await call('GET', `/api/projects/${item.projectId}/ledger`)).statusCode).toBe(403);
    expect((await call('POST', `/api/submissions/${pending.uploadId}/decision`, { decision: 'approve' })).statusCode).toBe(403);
    expect(sent).toEqual([]);
    expect(bodyOf(await call('GET', '/api/queue'))).toEqual({ pending: [], decided: [] });
  });

  it('refuses a principal that is not in the register, whatever its token says', async () => {
    const { call } = api(stranger);
    expect((await call('GET', '/api/me')).statusCode).toBe(403);
    expect((await call('GET', '/api/queue')).statusCode).toBe(403);
    expect(bodyOf(await call('GET', `/api/submissions/${pending.uploadId}`)).code).toBe('access.unknown_principal');
  });

  it("shows an outcome of a decision only to the principal it names (every console user shares the API's SenderId on AWS)", async () => {
    expect(bodyOf(await api(verifier).call('GET', `/api/outcomes/${MESSAGE}`))).toMatchObject({ outcome: 'pending-technical-review' });
    expect((await api(otherBody).call('GET', `/api/outcomes/${MESSAGE}`)).statusCode).toBe(404);
  });

  it('names the caller from the register', async () => {
    expect(bodyOf(await api(verifier).call('GET', '/api/me'))).toEqual({
      principal: verifier.id,
      role: 'verifier',
      name: 'Vera Verifier',
      body: 'DOE-A',
      accreditationRef: 'DOE-A-E',
    });
  });

  it('refuses a rejection without a reason and an unknown decision', async () => {
    const { call, sent } = api(verifier);
    expect(bodyOf(await call('POST', `/api/submissions/${pending.uploadId}/decision`, { decision: 'reject' })).error).toContain('a rejection needs a reason');
    expect((await call('POST', `/api/submissions/${pending.uploadId}/decision`, { decision: 'maybe' })).statusCode).toBe(400);
    expect(sent).toEqual([]);
  });

  it('lets a site read its own project only, and decide nothing', async () => {
    const own = api(site);
    expect((await own.call('POST', `/api/submissions/${pending.uploadId}/decision`, { decision: 'approve' })).statusCode).toBe(403);
    expect(own.sent).toEqual([]);
    expect(bodyOf(await own.call('GET', '/api/queue')).pending.map((s: { uploadId: string }) => s.uploadId)).toEqual([pending.uploadId]);
    expect((await own.call('GET', `/api/projects/${item.projectId}/ledger`)).statusCode).toBe(200);
    const other = api(otherSite);
    expect((await other.call('GET', `/api/submissions/${pending.uploadId}`)).statusCode).toBe(403);
    expect((await other.call('GET', `/api/projects/${item.projectId}/ledger`)).statusCode).toBe(403);
    expect(bodyOf(await other.call('GET', '/api/queue')).pending).toEqual([]);
  });

  it('tells the page how to sign in on AWS (hosted UI, code flow), and lets it talk to that domain only', async () => {
    const signIn = { domain: 'https://mrv-x.auth.eu-west-1.amazoncognito.com', clientId: 'client123' };
    const r = await api(undefined, { signIn }).call('GET', '/console/config.json');
    expect(bodyOf(r)).toEqual({ signIn });
    expect(r.headers!['content-security-policy']).toContain(`connect-src 'self' ${signIn.domain};`);
    expect(bodyOf(await api(undefined).call('GET', '/console/config.json'))).toEqual({ signIn: null });
  });

  it('answers 404 for unknown routes and submissions, 405 for a wrong method', async () => {
    const { call } = api(verifier);
    expect((await call('GET', '/api/nothing')).statusCode).toBe(404);
    expect((await call('GET', `/api/submissions/${'0'.repeat(32)}`)).statusCode).toBe(404);
    expect((await call('DELETE', `/api/submissions/${pending.uploadId}`)).statusCode).toBe(405);
  });
});

describe('principal from Cognito claims', () => {
  const iss = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_X';
  it('is cognito:<sub> of a token from our pool; groups and names in the token grant nothing', () => {
    expect(principalFromClaims({ iss, sub: 'abc-1', token_use: 'id', 'cognito:groups': '[verifier]', name: 'A. Auditor' }, iss)).toEqual({
      source: 'cognito',
      id: 'cognito:abc-1',
    });
  });
  it('refuses a foreign issuer, a token of another use, no sub, no claims', () => {
    expect(() => principalFromClaims({ iss: 'https://evil', sub: 'a', token_use: 'id' }, iss)).toThrow(Unauthenticated);
    expect(() => principalFromClaims({ iss, sub: 'a', token_use: 'refresh' }, iss)).toThrow(Unauthenticated);
    expect(() => principalFromClaims({ iss, token_use: 'id' }, iss)).toThrow(Unauthenticated);
    expect(() => principalFromClaims(undefined, iss)).toThrow(Unauthenticated);
  });
});
