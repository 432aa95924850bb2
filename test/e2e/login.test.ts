/**
 * A logged-in `mrv review list|approve` on the local stack: the CLI holds a bearer token (as `mrv login`
 * stores it) and talks only to the HTTP API — here the local console server (cli/local-stack/console-server.ts),
 * which authenticates each local identity by its token and runs the same API handler and core/access
 * authorization as on AWS, then sends the decision with that identity's key so the decision function
 * authenticates it by SenderId. The CLI's environment has no AWS credentials and no resource names.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConsoleServer, type ConsoleServer } from '../../cli/local-stack/console-server.ts';
import type { AuditEvent } from '../../core/audit/audit.ts';
import type { MonitoringReport } from '../../core/report/monitoring-report.ts';
import { writeSession } from '../../cli/login/session.ts';
import { mrv } from '../helpers/cli.ts';
import { sample, startTestStack, type TestStack } from '../helpers/local-stack.ts';

let t: TestStack;
let server: ConsoleServer;
beforeAll(async () => {
  t = await startTestStack();
  server = await startConsoleServer({
    port: 0,
    env: t.stack.env,
    siteProjects: ['login-report'],
    onError: (e) => t.faults.push(`console: ${(e as Error).stack}`),
  });
}, 120_000);
afterAll(async () => {
  await server?.stop();
  await t?.stop();
});

const GOOD_CSV = sample('uploads', 'wind-tamil-nadu-in', '2023-07-01_10-hourly.csv');

/** An environment with only a stored login of the local identity `name` (its console token as the bearer token). */
function loggedInAs(name: string): NodeJS.ProcessEnv {
  const dir = mkdtempSync(join(tmpdir(), 'mrv-login-e2e-'));
  const env = { PATH: process.env.PATH, HOME: dir, XDG_CONFIG_HOME: join(dir, 'config') };
  const token = server.identity(name).token;
  const now = new Date();
  writeSession(env, {
    schemaVersion: 1,
    // never contacted: the tokens are valid for the life of the server, so no refresh
    domain: 'https://auth.invalid',
    clientId: 'local',
    apiUrl: server.url,
    idToken: token,
    accessToken: token,
    expiresAt: new Date(now.getTime() + 3_600_000).toISOString(),
    obtainedAt: now.toISOString(),
  });
  return env;
}

describe('logged in: review through the HTTP API (local stack)', () => {
  it('lists, refuses a verifier of another body at the API, and records the assigned verifier under its register identity', async () => {
    await t.registerProject('login-api');
    const uploadId = await t.upload('login-api', GOOD_CSV);
    await t.waitFor('the review item', async () => (await t.submissions.get(uploadId))?.queuedAt);

    const vera = loggedInAs('verifier');
    const whoami = await mrv(['whoami'], { env: vera });
    expect(whoami.code, whoami.err).toBe(0);
    expect(whoami.out).toContain('verifier Vera Verifier (LOCAL-DOE-A, LOCAL-E-0001)');

    const list = await mrv(['review', 'list'], { env: vera });
    expect(list.code, list.err).toBe(0);
    expect(list.out).toContain(uploadId);
    // a verifier of another body sees nothing of this project through the API
    const otto = loggedInAs('other-verifier');
    expect((await mrv(['review', 'list'], { env: otto })).out).not.toContain(uploadId);
    // next, through the API: an item of the verifier's body, never one of another body's project
    const next = await mrv(['review', 'next'], { env: vera });
    expect(next.code, next.err).toBe(0);
    expect(next.out).toMatch(/^\S+ {2}\S+/);
    expect(next.out).toContain('not held: the first recorded decision counts');
    expect((await mrv(['review', 'next'], { env: otto })).out).not.toContain(uploadId);

    const show = await mrv(['review', 'show', uploadId], { env: vera });
    expect(show.code, show.err).toBe(0);
    expect(show.out).toContain(`Review ${uploadId} — project login-api (upload) — status pending-review`);
    expect(show.out).toMatch(/methodology {2}\S+@\d+\.\d+\.\d+/);
    const otherShow = await mrv(['review', 'show', uploadId], { env: otto });
    expect(otherShow.code).toBe(1);
    expect(otherShow.err).toContain('(HTTP 403)');

    // refused by the API's authorization (core/access): nothing reaches the decision queue
    const refused = await mrv(['review', 'approve', uploadId], { env: otto });
    expect(refused.code, refused.out + refused.err).toBe(1);
    expect(refused.out).toContain('Refused by the HTTP API: project login-api is assigned to the verification body LOCAL-DOE-A, not to LOCAL-DOE-B');
    expect(t.spied((m) => m.service === 'sqs' && m.queueName === 'DecisionQueue' && 'body' in m && m.body.includes(uploadId))).toEqual([]);

    const approved = await mrv(['review', 'approve', uploadId, '--verifier', 'Somebody Else', '--wait', '60'], { env: vera });
    expect(approved.code, approved.out + approved.err).toBe(0);
    expect(approved.out).toContain(`Recorded: approval of ${uploadId} by Vera Verifier (LOCAL-DOE-A), ledger entry #1`);
    const s = await t.submissions.get(uploadId);
    const verifier = t.stack.identities.find((i) => i.name === 'verifier')!;
    expect(s?.status).toBe('approved');
    expect(s?.decision?.actor).toMatchObject({ principal: `iam:${verifier.userId}`, name: 'Vera Verifier', body: 'LOCAL-DOE-A' });
    expect(JSON.stringify(s?.decision)).not.toContain('Somebody Else');

    // the ledger and the verification report, through the API: the assigned body's verifier reads them, another body's does not
    const ledger = await mrv(['ledger', 'list', 'login-api'], { env: vera });
    expect(ledger.code, ledger.err).toBe(0);
    expect(ledger.out).toContain(`upload ${uploadId}`);
    expect(ledger.out).toContain(`by Vera Verifier (LOCAL-DOE-A, iam:${verifier.userId})`);
    const otherLedger = await mrv(['ledger', 'list', 'login-api'], { env: otto });
    expect(otherLedger.code).toBe(1);
    expect(otherLedger.err).toContain('(HTTP 403): project login-api is assigned to the verification body LOCAL-DOE-A, not to LOCAL-DOE-B');
    const out = mkdtempSync(join(tmpdir(), 'mrv-login-report-'));
    const report = await mrv(['review', 'report', uploadId, '--out', out], { env: vera });
    expect(report.code, report.err).toBe(0);
    expect(readFileSync(join(out, `${uploadId}.verification.html`), 'utf8')).toContain('Vera Verifier');
    const otherReport = await mrv(['review', 'report', uploadId, '--out', out, '--pdf'], { env: otto });
    expect(otherReport.code).toBe(1);
    expect(existsSync(join(out, `${uploadId}.verification.pdf`))).toBe(false);
    expect(t.faults).toEqual([]);
  });

  it('a logged-in site assembles its monitoring report through the HTTP API, audited under the site; a verifier is refused', async () => {
    await t.registerProject('login-report');
    const uploadId = await t.upload('login-report', GOOD_CSV);
    await t.waitFor('the review item', async () => (await t.submissions.get(uploadId))?.queuedAt);
    const { period } = (await t.submissions.get(uploadId))!;
    // The upload's own period, as two instants (end excluded): the report is exactly that upload.
    const args = ['report', 'assemble', 'login-report', '--period', `${period!.start}/${period!.end}`, '--json'];

    const assembled = await mrv(args, { env: loggedInAs('site.login-report') });
    expect(assembled.code, assembled.out + assembled.err).toBe(0);
    const { outcome, report } = JSON.parse(assembled.out) as { outcome: string; report: MonitoringReport };
    expect(outcome).toBe('queued');
    expect(report.uploads.map((u) => u.uploadId)).toEqual([uploadId]);
    expect(await t.submissions.get(report.reportId)).toMatchObject({ kind: 'monitoring-report', status: 'pending-review', queuedAt: expect.any(String) });

    const refused = await mrv(args, { env: loggedInAs('verifier') });
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('(access.wrong_role). Nothing assembled.');

    // The audit trail names the authenticated site (and the refused verifier), never the operator the server writes with.
    const site = t.stack.site('login-report');
    const verifier = t.stack.identities.find((i) => i.name === 'verifier')!;
    const exported = await t.mrv(['audit', 'export', 'login-report', '--format', 'json']);
    expect(exported.code, exported.err).toBe(0);
    const events = (JSON.parse(exported.out) as AuditEvent[]).filter((e) => e.action.startsWith('monitoring-report.'));
    expect(events).toEqual([
      expect.objectContaining({
        action: 'monitoring-report.assemble',
        subject: report.reportId,
        outcome: 'queued',
        actor: { principal: `iam:${site.userId}`, role: 'site', name: 'Site of login-report' },
      }),
      expect.objectContaining({
        action: 'monitoring-report.refuse',
        outcome: 'access.wrong_role',
        actor: expect.objectContaining({ principal: `iam:${verifier.userId}` }),
      }),
    ]);
    expect(t.faults).toEqual([]);
  });

  it("the local stack's environment keeps a stored login out of commands aimed at it (MRV_AUTH=iam)", async () => {
    const verifier = t.stack.identities.find((i) => i.name === 'verifier')!;
    const r = await mrv(['whoami'], { env: { ...loggedInAs('verifier'), ...t.stack.envAs(verifier) } });
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(`MRV_AUTH=iam: commands use IAM credentials (iam:${verifier.userId}, verifier Vera Verifier)`);
  });
});
