// The assembly function (functions/assemble-report/handler.ts): it alone holds the writes of an assembly, and is
// invoked synchronously by the HTTP API function with a request the API has already authorized. Malformed events
// are refused before anything is read or written; the actor the request names is authorized again against the
// registers, and the audit records it as the registers describe it.
import type { InvokeCommand } from '@aws-sdk/client-lambda';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { Principal } from '../../core/access/principal.ts';
import { registersFrom } from '../../core/access/registers.ts';
import { makeHandler } from '../../functions/assemble-report/handler.ts';
import { MalformedAssemblyEvent, type AssemblyAnswer } from '../../functions/assemble-report/request.ts';
import { makeApi } from '../../functions/http-api/api.ts';
import { AssemblyFunctionFailed, lambdaAssembly, type LambdaInvoker } from '../../functions/http-api/assembly-client.ts';
import { BUCKET_LAYOUT } from '../../functions/shared/resources.ts';
import projectJson from '../../methodologies/grid-renewable/1.0.0/fixtures/project.json' with { type: 'json' };
import { recordingLog } from './helpers.ts';
import { assemblyWorld, monthCsv } from './report-world.ts';

const P = projectJson.id;
const TWO_MONTHS = '2015-01-01..2015-02-28';
const SITE = { principal: 'cognito:grid-site', role: 'site', name: 'Site of the hydro reservoir' } as const;
/** The access registers the function reads: the site of P, a site of another project, a verifier, the registrar. */
const REGISTERS = registersFrom(
  [
    { role: 'site', principal: SITE.principal, name: SITE.name, projectId: P },
    { role: 'site', principal: 'cognito:other-site', name: 'Other site', projectId: 'another-project' },
    {
      role: 'verifier',
      principal: 'cognito:vera',
      personId: 'p-vera',
      name: 'Vera Verifier',
      body: 'DOE-A',
      accreditationRef: 'CDM-DOE-A',
      sectoralScopes: ['1'],
      validFrom: '2020-01-01',
      validTo: '2099-12-31',
    },
    { role: 'registrar', principal: 'cognito:rex', personId: 'rex', name: 'Rex Registrar' },
  ],
  [{ projectId: P, verificationBody: 'DOE-A', mechanism: 'CDM', assignedAt: '2026-01-01T00:00:00Z', assignedBy: 'registrar' }],
);

async function world() {
  const w = assemblyWorld(projectJson);
  const ids = [await w.upload('2015-01.csv', monthCsv(1)), await w.upload('2015-02.csv', monthCsv(2))];
  const logger = recordingLog();
  const handle = makeHandler({ deps: w.deps, audit: w.audit, access: { registersFor: async () => REGISTERS }, logger });
  const reportsOf = () => [...w.submissions.items.values()].filter((s) => s.kind === 'monitoring-report');
  return { ...w, ids, logger, handle, reportsOf, queuedBefore: w.queued.length };
}

describe('assembly function', () => {
  it('refuses a malformed event before reading or writing anything', async () => {
    const w = await world();
    const valid = { kind: 'assemble', projectId: P, period: TWO_MONTHS, actor: SITE };
    const malformed: [string, unknown][] = [
      ['nothing', undefined],
      ['null', null],
      ['a string', JSON.stringify(valid)],
      ['an API Gateway event', { rawPath: `/api/projects/${P}/monitoring-reports`, body: JSON.stringify({ period: TWO_MONTHS }) }],
      ['no kind', { projectId: P, period: TWO_MONTHS, actor: SITE }],
      ['an unknown kind', { ...valid, kind: 'delete' }],
      ['no actor', { kind: 'assemble', projectId: P, period: TWO_MONTHS }],
      ['an actor without a name', { ...valid, actor: { principal: SITE.principal, role: 'site' } }],
      // Only a site or the registrar may assemble (core/access, in the API function): a verifier actor is not an assembly request.
      ['a verifier actor', { ...valid, actor: { ...SITE, role: 'verifier', body: 'DOE-A' } }],
      ['an actor with extra fields', { ...valid, actor: { ...SITE, projectId: 'another-project' } }],
      ['an extra field', { ...valid, audit: { actor: { principal: 'cognito:rex', role: 'registrar' } } }],
      ['a project id that is a path', { ...valid, projectId: `${P}/../other` }],
      ['an empty period', { ...valid, period: ' ' }],
      ['a period that is not one', { ...valid, period: { start: '2015-03-01', end: 'soon' } }],
      ['an upload id that is a key', { ...valid, uploadIds: ['../uploads/x.csv'] }],
      ['an empty upload list', { ...valid, uploadIds: [] }],
      ['a refusal without a code', { kind: 'refusal', projectId: P, eventId: 'api:req-1', at: '2026-02-03T04:05:06Z', reason: 'no', actor: SITE }],
      [
        'a refusal with a code of no access refusal',
        { kind: 'refusal', projectId: P, eventId: 'api:req-1', at: '2026-02-03T04:05:06Z', code: 'queued', reason: 'no', actor: SITE },
      ],
    ];
    for (const [what, event] of malformed) await expect(w.handle(event), what).rejects.toBeInstanceOf(MalformedAssemblyEvent);
    expect(w.reportsOf()).toEqual([]);
    expect(w.queued.length).toBe(w.queuedBefore);
    expect(w.notes).toEqual([]);
    expect(await w.audit.list(P)).toEqual([]);
    expect(w.logger.lines.map((l) => `${l.level} ${l.message}`)).toEqual(malformed.map(() => 'error Refused a malformed assembly event'));
  }, 60_000);

  it('assembles and queues the report with the actor of the event as the audit actor; again: the existing report', async () => {
    const w = await world();
    const registrar = { principal: 'cognito:rex', role: 'registrar', name: 'Rex Registrar', personId: 'rex' } as const;
    // As it arrives from Lambda: JSON.
    const answer = await w.handle(JSON.parse(JSON.stringify({ kind: 'assemble', projectId: P, period: TWO_MONTHS, actor: registrar })));
    expect(answer).toMatchObject({ outcome: 'queued', report: { projectId: P, status: 'accepted', uploads: w.ids.map((uploadId) => ({ uploadId })) } });
    const reportId = (answer as Extract<AssemblyAnswer, { report: unknown }>).report.reportId;
    expect(w.queued.slice(w.queuedBefore).map((q) => q.uploadId)).toEqual([reportId]);
    expect(w.submissions.items.get(reportId)).toMatchObject({ kind: 'monitoring-report', status: 'pending-review', uploads: w.ids });
    expect(await w.reports.getJson(BUCKET_LAYOUT.monitoringReport(P, reportId))).toMatchObject({ reportId, status: 'accepted' });
    expect(w.notes.map((n) => n.event)).toEqual(['item-waiting', 'report-ready']);
    expect(await w.audit.list(P)).toEqual([
      expect.objectContaining({ action: 'monitoring-report.assemble', subject: reportId, outcome: 'queued', actor: registrar }),
    ]);
    // The answer crosses the Lambda boundary as JSON, unchanged.
    expect(JSON.parse(JSON.stringify(answer))).toEqual(answer);

    const again = await w.handle({ kind: 'assemble', projectId: P, period: TWO_MONTHS, uploadIds: w.ids, actor: SITE });
    expect(again).toMatchObject({ outcome: 'existing', report: { reportId } });
    expect(w.queued.length).toBe(w.queuedBefore + 1);
    expect(await w.audit.list(P)).toHaveLength(1);
  }, 60_000);

  it('answers invalid (not a failure) when the request cannot be assembled as given, refused when the uploads do not make a report', async () => {
    const w = await world();
    expect(await w.handle({ kind: 'assemble', projectId: P, period: '2015-13-01..2015-02-28', actor: SITE })).toEqual({
      outcome: 'invalid',
      error: expect.stringContaining('Report period "2015-13-01..2015-02-28"'),
      code: 'config.invalid',
    });
    const rex = { principal: 'cognito:rex', role: 'registrar', name: 'Rex Registrar' } as const;
    expect(await w.handle({ kind: 'assemble', projectId: 'no-such-project', period: TWO_MONTHS, actor: rex })).toMatchObject({ outcome: 'invalid' });
    const gap = await w.handle({ kind: 'assemble', projectId: P, period: '2015-01-01..2015-03-31', actor: SITE });
    expect(gap).toMatchObject({ outcome: 'refused', report: { status: 'refused', problems: [expect.stringContaining('No upload covers 2015-03-01')] } });
    expect(w.queued.length).toBe(w.queuedBefore);
    expect(await w.audit.list(P)).toEqual([expect.objectContaining({ action: 'monitoring-report.assemble', outcome: 'refused', actor: SITE })]);
  }, 60_000);

  it('authorizes the named actor again: one the registers do not allow is forbidden, and the audit names the actor as registered', async () => {
    const w = await world();
    const forbidden: [string, unknown, string][] = [
      ['a site of another project', { principal: 'cognito:other-site', role: 'site', name: 'Site of the hydro reservoir' }, 'access.other_project'],
      ['a principal not in the registers', { principal: 'cognito:mallory', role: 'registrar', name: 'Rex Registrar' }, 'access.unknown_principal'],
      ['a verifier named as a site', { principal: 'cognito:vera', role: 'site', name: 'Vera' }, 'access.wrong_role'],
    ];
    for (const [what, actor, code] of forbidden)
      expect(await w.handle({ kind: 'assemble', projectId: P, period: TWO_MONTHS, actor }), what).toEqual({
        outcome: 'forbidden',
        error: expect.any(String),
        code,
      });
    expect(w.reportsOf()).toEqual([]);
    expect(w.queued.length).toBe(w.queuedBefore);
    // A request that names the site with another name and a body: the trail records the site as registered.
    const answer = await w.handle({ kind: 'assemble', projectId: P, period: TWO_MONTHS, actor: { ...SITE, name: 'Rex Registrar', body: 'DOE-A' } });
    expect(answer).toMatchObject({ outcome: 'queued' });
    expect(await w.audit.list(P)).toEqual([expect.objectContaining({ action: 'monitoring-report.assemble', actor: SITE })]);
  }, 60_000);

  it("records the API's access refusals in the project's trail, once per request; none for an unregistered project", async () => {
    const w = await world();
    const refusal = {
      kind: 'refusal',
      projectId: P,
      eventId: 'api:JdBcNjzRoAMEbHQ=',
      at: '2026-02-03T04:05:06.000Z',
      code: 'access.wrong_role',
      reason: 'Vera Verifier acts as verifier',
      actor: { principal: 'cognito:vera', role: 'verifier', name: 'Vera Verifier', personId: 'p-vera', body: 'DOE-A' },
    };
    expect(await w.handle(refusal)).toEqual({ outcome: 'recorded' });
    expect(await w.handle(refusal)).toEqual({ outcome: 'recorded' });
    expect(await w.audit.list(P)).toEqual([
      expect.objectContaining({
        action: 'monitoring-report.refuse',
        eventId: refusal.eventId,
        outcome: 'access.wrong_role',
        actor: refusal.actor,
        details: { via: 'http-api' },
      }),
    ]);
    expect(await w.handle({ ...refusal, projectId: 'no-such-project', actor: { principal: 'cognito:nobody' } })).toEqual({ outcome: 'unregistered' });
    expect(await w.audit.list('no-such-project')).toEqual([]);
    expect(w.reportsOf()).toEqual([]);
  }, 60_000);
});

describe('the HTTP API invokes the assembly function (functions/http-api/assembly-client.ts)', () => {
  const site: Principal = { source: 'cognito', id: SITE.principal };
  const registers = registersFrom(
    [{ role: 'site', principal: site.id, name: SITE.name, projectId: P }],
    [{ projectId: P, verificationBody: 'DOE-A', mechanism: 'CDM', assignedAt: '2026-01-01T00:00:00Z', assignedBy: 'registrar' }],
  );
  /** A LambdaClient stand-in: records each invocation, answers with `reply` (the function in process, through JSON, by default). */
  function lambda(reply: (payload: unknown) => Promise<{ Payload?: Uint8Array; FunctionError?: string; StatusCode?: number }>) {
    const calls: { FunctionName?: string; InvocationType?: string; payload: unknown }[] = [];
    const client: LambdaInvoker = {
      send: async (command: InvokeCommand) => {
        const payload = JSON.parse(new TextDecoder().decode(command.input.Payload as Uint8Array));
        calls.push({ FunctionName: command.input.FunctionName, InvocationType: command.input.InvocationType, payload });
        return reply(payload);
      },
    };
    return { client, calls };
  }
  const encode = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
  function api(client: LambdaInvoker) {
    const errors: unknown[] = [];
    const handle = makeApi({
      authenticate: () => site,
      access: { registersFor: async () => registers },
      submissions: { get: async () => undefined, listByStatus: async () => [], listByProject: async () => [] },
      ledger: { getHead: async () => undefined, listEntries: async () => [] },
      decisionsFor: () => ({ queue: { send: async () => undefined } }),
      reports: {} as never,
      assembly: lambdaAssembly(client, 'assemble-fn'),
      staticFile: () => undefined,
      now: () => new Date('2026-02-03T04:05:06Z'),
      onError: (e) => void errors.push(e),
    });
    const post = (body: unknown) =>
      handle({
        rawPath: `/api/projects/${P}/monitoring-reports`,
        requestContext: { http: { method: 'POST' }, requestId: 'req-1' },
        headers: {},
        body: JSON.stringify(body),
        isBase64Encoded: false,
      } as unknown as APIGatewayProxyEventV2);
    return { post, errors };
  }

  it('invokes synchronously with the authorized actor, and answers 201 with what the function assembled', async () => {
    const w = await world();
    const { client, calls } = lambda(async (payload) => ({ StatusCode: 200, Payload: encode(await w.handle(payload)) }));
    const r = await api(client).post({ period: TWO_MONTHS, actor: { principal: 'cognito:rex', role: 'registrar' } });
    expect(r.statusCode, r.body).toBe(201);
    expect(JSON.parse(r.body!)).toMatchObject({ outcome: 'queued', report: { projectId: P, status: 'accepted' } });
    expect(calls).toEqual([
      { FunctionName: 'assemble-fn', InvocationType: 'RequestResponse', payload: { kind: 'assemble', projectId: P, period: TWO_MONTHS, actor: SITE } },
    ]);
    expect(await w.audit.list(P)).toEqual([expect.objectContaining({ action: 'monitoring-report.assemble', actor: SITE })]);
  }, 60_000);

  it('answers 500 (a system fault, logged) when the function fails or answers something else, and 400 for an invalid request', async () => {
    const failed = lambda(async () => ({
      StatusCode: 200,
      FunctionError: 'Unhandled',
      Payload: encode({ errorType: 'Error', errorMessage: 'Task timed out' }),
    }));
    const a = api(failed.client);
    const r = await a.post({ period: TWO_MONTHS });
    expect(r.statusCode).toBe(500);
    expect(JSON.parse(r.body!)).toEqual({ error: expect.stringMatching(/^internal error/) });
    expect(r.body).not.toContain('timed out');
    expect(a.errors).toEqual([expect.any(AssemblyFunctionFailed)]);
    expect((a.errors[0] as Error).message).toContain('Unhandled');

    for (const answer of [{ outcome: 'queued' }, { outcome: 'recorded' }, 'ok']) {
      const b = api(lambda(async () => ({ StatusCode: 200, Payload: encode(answer) })).client);
      expect((await b.post({ period: TWO_MONTHS })).statusCode, JSON.stringify(answer)).toBe(500);
    }

    const invalid = lambda(async () => ({ StatusCode: 200, Payload: encode({ outcome: 'invalid', error: 'Report period "x": …', code: 'config.invalid' }) }));
    const bad = await api(invalid.client).post({ period: 'x' });
    expect(bad.statusCode).toBe(400);
    expect(JSON.parse(bad.body!)).toEqual({ error: 'Report period "x": …', code: 'config.invalid' });
  });
});
