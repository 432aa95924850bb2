import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeApi, type ApiDeps } from '../../functions/http-api/api.ts';
import { authorizeApi, principalFromClaims, Unauthenticated, type ApiPrincipal } from '../../functions/http-api/principal.ts';
import type { Decision } from '../../core/review/schemas.ts';
import { ReviewItemSchema } from '../../core/review/schemas.ts';
import type { Submission } from '../../core/review/submission.ts';

const item = ReviewItemSchema.parse(JSON.parse(readFileSync(join(process.cwd(), 'test', 'events', 'review', 'review-item.v1.json'), 'utf8')));
const pending: Submission = { uploadId: item.uploadId, projectId: item.projectId, createdAt: item.createdAt, status: 'pending-review', validation: 'accepted', file: item.file, reportKey: item.reportKey, resultKey: item.resultKey, reviewItem: item };
const verifier: ApiPrincipal = { id: 'local:v', source: 'local', name: 'A. Auditor', role: 'verifier' };
const site: ApiPrincipal = { id: 'local:s', source: 'local', name: 'Site', role: 'site', projectId: item.projectId };
const otherSite: ApiPrincipal = { ...site, id: 'local:o', projectId: 'another-project' };

function api(principal: ApiPrincipal | undefined) {
  const sent: Decision[] = [];
  const deps: ApiDeps = {
    authenticate: () => {
      if (!principal) throw new Unauthenticated('no token');
      return principal;
    },
    submissions: { get: async (id) => (id === pending.uploadId ? pending : undefined), listByStatus: async (s) => (s === 'pending-review' ? [pending] : []), listByProject: async (p) => (p === pending.projectId ? [pending] : []) },
    ledger: { getHead: async () => undefined, listEntries: async () => [] },
    decisions: { send: async (d) => void sent.push(d) },
    reports: undefined as never, // not reached by these routes
    staticFile: (p) => (p === 'index.html' ? { body: '<!doctype html>', type: 'text/html' } : undefined),
    now: () => new Date('2026-02-03T04:05:06Z'),
  };
  const handle = makeApi(deps);
  const call = (method: string, path: string, body?: unknown) => handle({ rawPath: path, requestContext: { http: { method } }, headers: {}, ...(body !== undefined ? { body: JSON.stringify(body) } : {}), isBase64Encoded: false } as unknown as APIGatewayProxyEventV2);
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

  it("records the authenticated verifier as the decision's verifier, whatever the body says", async () => {
    const { call, sent } = api(verifier);
    const r = await call('POST', `/api/submissions/${pending.uploadId}/decision`, { decision: 'approve', verifier: 'Someone Else' });
    expect(r.statusCode).toBe(202);
    expect(sent).toEqual([{ schemaVersion: 1, uploadId: pending.uploadId, decision: 'approve', verifier: 'A. Auditor', decidedAt: '2026-02-03T04:05:06.000Z' }]);
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

  it('answers 404 for unknown routes and submissions, 405 for a wrong method', async () => {
    const { call } = api(verifier);
    expect((await call('GET', '/api/nothing')).statusCode).toBe(404);
    expect((await call('GET', `/api/submissions/${'0'.repeat(32)}`)).statusCode).toBe(404);
    expect((await call('DELETE', `/api/submissions/${pending.uploadId}`)).statusCode).toBe(405);
  });
});

describe('principal from Cognito claims', () => {
  const iss = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_X';
  it('takes the role from the groups and the project from custom:project', () => {
    expect(principalFromClaims({ iss, sub: 'abc-1', 'cognito:groups': '[verifier]', name: 'A. Auditor' }, iss)).toEqual({ id: 'cognito:abc-1', source: 'cognito', name: 'A. Auditor', role: 'verifier' });
    expect(principalFromClaims({ iss, sub: 'abc-2', 'cognito:groups': ['site'], 'custom:project': 'p1', email: 's@x' }, iss)).toMatchObject({ role: 'site', projectId: 'p1', name: 's@x' });
  });
  it('refuses a foreign issuer, no group, two roles, and a site without a project', () => {
    expect(() => principalFromClaims({ iss: 'https://evil', sub: 'a', 'cognito:groups': 'verifier' }, iss)).toThrow(Unauthenticated);
    expect(() => principalFromClaims({ iss, sub: 'a' }, iss)).toThrow(/exactly one/);
    expect(() => principalFromClaims({ iss, sub: 'a', 'cognito:groups': '[verifier site]' }, iss)).toThrow(/exactly one/);
    expect(() => principalFromClaims({ iss, sub: 'a', 'cognito:groups': 'site' }, iss)).toThrow(/project/);
    expect(() => principalFromClaims(undefined, iss)).toThrow(Unauthenticated);
  });
  it('denies a site every decision', () => expect(authorizeApi(site, 'decide', { projectId: item.projectId }).allowed).toBe(false));
});
