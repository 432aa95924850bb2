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
import { MemoryAuditStore } from '../../core/audit/fake-store.ts';
import { inProcessAssembly } from '../../functions/assemble-report/request.ts';
import { BUCKET_LAYOUT } from '../../functions/shared/resources.ts';
import projectJson from '../../methodologies/grid-renewable/1.0.0/fixtures/project.json' with { type: 'json' };
import { assemblyWorld, monthCsv } from './report-world.ts';

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

/** API Gateway's request id: unique per request, across every API of a test. */
let requests = 0;
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
    // Monitoring reports are assembled only in the tests of that route (below), with their own world.
    assembly: inProcessAssembly({
      deps: new Proxy({}, { get: () => Promise.reject(new Error('no assembly in this test')) }) as never,
      audit: new MemoryAuditStore(),
      access: { registersFor: () => Promise.reject(new Error('no assembly in this test')) },
    }),
    staticFile: (p) => (p === 'index.html' ? { body: '<!doctype html>', type: 'text/html' } : undefined),
    now: () => new Date('2026-02-03T04:05:06Z'),
    ...extra,
  };
  const handle = makeApi(deps);
  const call = (method: string, path: string, body?: unknown) =>
    handle({
      rawPath: path,
      requestContext: { http: { method }, requestId: `req-${++requests}` },
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

describe('POST /api/projects/{project}/monitoring-reports: the site submits its monitoring report', () => {
  // Two accepted monthly uploads of the grid-renewable fixture project, waiting for review.
  const P = projectJson.id;
  const gridSite = P_('grid-site');
  const registrar = P_('rex');
  function P_(id: string): Principal {
    return { source: 'cognito', id: `cognito:${id}` };
  }
  const gridRegisters = registersFrom(
    [
      { role: 'site', principal: gridSite.id, name: 'Site of the hydro reservoir', projectId: P },
      { role: 'site', principal: otherSite.id, name: 'Other site', projectId: 'another-project' },
      v(verifier, 'p-vera', 'Vera Verifier', 'DOE-A'),
      { role: 'registrar', principal: registrar.id, personId: 'rex', name: 'Rex Registrar' },
    ],
    [{ projectId: P, verificationBody: 'DOE-A', mechanism: 'CDM', assignedAt: '2026-01-01T00:00:00Z', assignedBy: 'registrar' }],
  );
  const route = `/api/projects/${P}/monitoring-reports`;
  const TWO_MONTHS = '2015-01-01..2015-02-28';
  async function world() {
    const w = assemblyWorld(projectJson);
    const ids = [await w.upload('2015-01.csv', monthCsv(1)), await w.upload('2015-02.csv', monthCsv(2))];
    const as = (principal: Principal) =>
      api(principal, {
        access: { registersFor: async () => gridRegisters },
        assembly: inProcessAssembly({ deps: w.deps, audit: w.audit, access: { registersFor: async () => gridRegisters } }),
      });
    return { ...w, ids, as, queuedBefore: w.queued.length };
  }

  it('403 when the assembly function, checking the registers again, no longer allows the site (a register changed in between)', async () => {
    const w = await world();
    const withdrawn = registersFrom([], gridRegisters.assignment(P) ? [gridRegisters.assignment(P)!] : []);
    const { call } = api(gridSite, {
      access: { registersFor: async () => gridRegisters },
      assembly: inProcessAssembly({ deps: w.deps, audit: w.audit, access: { registersFor: async () => withdrawn } }),
    });
    const r = await call('POST', route, { period: TWO_MONTHS });
    expect(r.statusCode, r.body).toBe(403);
    expect(bodyOf(r)).toMatchObject({ code: 'access.unknown_principal' });
    expect(w.queued.length).toBe(w.queuedBefore);
    expect(await w.audit.list(P)).toEqual([]);
  });

  it('assembles and queues the report under the authenticated site, whatever the body names; again: the existing report', async () => {
    const w = await world();
    const { call } = w.as(gridSite);
    // A name in the body is no identity: the audit actor comes from the register entry of the token's principal.
    const r = await call('POST', route, {
      period: TWO_MONTHS,
      actor: { principal: registrar.id, role: 'registrar' },
      principal: registrar.id,
      site: 'Someone',
    });
    expect(r.statusCode, r.body).toBe(201);
    const answer = bodyOf(r);
    expect(answer).toMatchObject({ outcome: 'queued', report: { projectId: P, status: 'accepted', uploads: w.ids.map((uploadId) => ({ uploadId })) } });
    const reportId = answer.report.reportId as string;
    expect(w.queued.slice(w.queuedBefore).map((q) => q.uploadId)).toEqual([reportId]);
    expect(w.submissions.items.get(reportId)).toMatchObject({ kind: 'monitoring-report', status: 'pending-review', uploads: w.ids });
    expect(await w.reports.getJson(BUCKET_LAYOUT.monitoringReport(P, reportId))).toMatchObject({ reportId, status: 'accepted' });
    expect(w.notes.map((n) => n.event)).toEqual(['item-waiting', 'report-ready']);
    expect(await w.audit.list(P)).toEqual([
      expect.objectContaining({
        action: 'monitoring-report.assemble',
        subject: reportId,
        outcome: 'queued',
        actor: { principal: gridSite.id, role: 'site', name: 'Site of the hydro reservoir' },
      }),
    ]);

    // The same uploads for the same period (named this time): the report assembled before, 200, nothing queued or audited again.
    const again = await call('POST', route, { period: TWO_MONTHS, uploadIds: w.ids });
    expect(again.statusCode, again.body).toBe(200);
    expect(bodyOf(again)).toMatchObject({ outcome: 'existing', report: { reportId } });
    expect(w.queued.length).toBe(w.queuedBefore + 1);
    expect(await w.audit.list(P)).toHaveLength(1);
  }, 60_000);

  it('lets the registrar assemble a report on behalf of the site, audited under the registrar', async () => {
    const w = await world();
    const r = await w.as(registrar).call('POST', route, { period: { start: '2015-01-01T00:00:00+00:00', end: '2015-03-01T00:00:00+00:00', timeZone: 'UTC' } });
    expect(r.statusCode, r.body).toBe(201);
    expect((await w.audit.list(P))[0]).toMatchObject({ actor: { principal: registrar.id, role: 'registrar', name: 'Rex Registrar', personId: 'rex' } });
  }, 60_000);

  it('refuses the site of another project, a verifier and an unregistered principal (403, audited); nothing assembled', async () => {
    const w = await world();
    const refusals = [
      { who: otherSite, code: 'access.other_project', actor: { principal: otherSite.id, role: 'site', name: 'Other site' } },
      { who: verifier, code: 'access.wrong_role', actor: { principal: verifier.id, role: 'verifier', name: 'Vera Verifier', body: 'DOE-A' } },
      { who: stranger, code: 'access.unknown_principal', actor: { principal: stranger.id } },
    ];
    for (const { who, code } of refusals) {
      const r = await w.as(who).call('POST', route, { period: TWO_MONTHS });
      expect(r.statusCode).toBe(403);
      expect(bodyOf(r)).toEqual({ code, error: expect.any(String) });
    }
    expect(w.queued.length).toBe(w.queuedBefore);
    expect([...w.submissions.items.values()].filter((s) => s.kind === 'monitoring-report')).toEqual([]);
    expect(w.notes).toEqual([]);
    // Each refusal is an event of the project's audit trail, as the decision function audits a refused decision.
    expect(await w.audit.list(P)).toEqual(
      refusals.map(({ code, actor }, i) =>
        expect.objectContaining({
          action: 'monitoring-report.refuse',
          eventId: expect.stringMatching(/^api:req-\d+$/),
          seq: i + 1,
          outcome: code,
          actor: expect.objectContaining(actor),
        }),
      ),
    );
    // A project that is not registered has no audit trail to write to: refused, and nothing is recorded anywhere.
    const unregistered = await w.as(otherSite).call('POST', '/api/projects/no-such-project/monitoring-reports', { period: TWO_MONTHS });
    expect(bodyOf(unregistered).code).toBe('access.other_project');
    expect(await w.audit.list('no-such-project')).toEqual([]);
  }, 60_000);

  it('answers 400 naming the field for a bad body, and 422 with the report when the uploads do not make one', async () => {
    const w = await world();
    const { call } = w.as(gridSite);
    const problem = async (body: unknown) => {
      const r = await call('POST', route, body);
      expect(r.statusCode, r.body).toBe(400);
      return bodyOf(r).error as string;
    };
    expect(await problem({})).toMatch(/^period: /);
    expect(await problem({ period: '' })).toMatch(/^period: /);
    expect(await problem({ period: TWO_MONTHS, uploadIds: ['../x'] })).toMatch(/^uploadIds\.0: expected an upload id/);
    expect(await problem({ period: TWO_MONTHS, uploadIds: 'all' })).toMatch(/^uploadIds: /);
    expect(await problem({ period: { start: '2015-03-01', end: 'soon' } })).toMatch(/^period: /);
    expect(await problem('2015-01-01..2015-02-28')).toMatch(/^body: /);
    // Well-formed but not a period on the site's clock, or an upload of no project of this site: assembleReport says what is wrong.
    expect(await problem({ period: '2015-13-01..2015-02-28' })).toContain('Report period "2015-13-01..2015-02-28"');
    expect(await problem({ period: TWO_MONTHS, uploadIds: ['0'.repeat(32)] })).toContain(`Upload ${'0'.repeat(32)} is not an upload of project ${P}`);
    expect(w.queued.length).toBe(w.queuedBefore);

    // A period with a month nobody uploaded: the report is stored (so the site reads why) but refused, and nothing is queued.
    const gap = await call('POST', route, { period: '2015-01-01..2015-03-31' });
    expect(gap.statusCode, gap.body).toBe(422);
    const refused = bodyOf(gap);
    expect(refused).toMatchObject({ outcome: 'refused', report: { status: 'refused', problems: [expect.stringContaining('No upload covers 2015-03-01')] } });
    expect(refused.error).toContain('No upload covers 2015-03-01');
    expect(w.queued.length).toBe(w.queuedBefore);
    expect(await w.audit.list(P)).toEqual([
      expect.objectContaining({
        action: 'monitoring-report.assemble',
        outcome: 'refused',
        actor: { principal: gridSite.id, role: 'site', name: 'Site of the hydro reservoir' },
      }),
    ]);
  }, 60_000);
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
