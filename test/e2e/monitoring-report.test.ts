/**
 * Monitoring reports on the local stack: twelve monthly uploads → one annual report (`mrv report
 * assemble`) on the site's clock, shown with its per-upload breakdown, approved through the authenticated
 * decision gate (maker–checker), issued once; a report with a missing month is refused with the gap named.
 */
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Decimal from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MonitoringReport } from '../../core/report/monitoring-report.ts';
import { BUCKET_LAYOUT } from '../../functions/shared/resources.ts';
import { hourlyMonthCsv } from '../helpers/console-browser.ts';
import { startTestStack, type TestStack } from '../helpers/local-stack.ts';

let t: TestStack;
const dir = mkdtempSync(join(tmpdir(), 'mrv-e2e-reports-'));

/** The site's clock of the report projects: India, +05:30, no DST. */
const ZONE = 'Asia/Kolkata';

async function uploadMonths(project: string, months: readonly number[]): Promise<string[]> {
  await t.registerProject(project, undefined, { timeZone: ZONE });
  const ids: string[] = [];
  for (const m of months) ids.push(await t.upload(project, hourlyMonthCsv(dir, m)));
  await t.waitFor('every month to be queued for review', async () => {
    for (const id of ids) if (!(await t.submissions.get(id))?.queuedAt) return undefined;
    return true;
  });
  return ids;
}

beforeAll(async () => {
  t = await startTestStack();
});
afterAll(async () => {
  await t?.stop();
});

describe('monitoring reports on the local stack', () => {
  let annual: MonitoringReport;
  let ids: string[];

  it('twelve monthly uploads → one annual report whose numbers are the exact merge of its uploads', async () => {
    ids = await uploadMonths('e2e-annual', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    // Consecutive months tile on the site's clock: each ends where the next starts.
    const periods = await Promise.all(ids.map(async (id) => (await t.submissions.get(id))!.period!));
    expect(periods[0]).toEqual({ start: '2023-01-01T00:00:00+05:30', end: '2023-02-01T00:00:00+05:30', timeZone: ZONE });
    for (let i = 1; i < periods.length; i++) expect(periods[i]!.start).toBe(periods[i - 1]!.end);

    const assembled = await t.mrv(['report', 'assemble', 'e2e-annual', '--period', '2023-01-01..2023-12-31', '--json']);
    expect(assembled.code, assembled.out + assembled.err).toBe(0);
    const { outcome, report } = JSON.parse(assembled.out) as { outcome: string; report: MonitoringReport };
    annual = report;
    expect(outcome).toBe('queued');
    expect(report.uploads.map((u) => u.uploadId)).toEqual(ids);
    expect(report.period).toEqual({ start: '2023-01-01T00:00:00+05:30', end: '2024-01-01T00:00:00+05:30', timeZone: ZONE });
    expect(report.result!.period).toEqual(report.period);
    expect(report.result!.rows.accepted).toBe(8760);
    // Its rows are the uploads' rows; each upload's partial result is stored beside it.
    expect(report.uploads.reduce((a, u) => a + u.rows.accepted, 0)).toBe(8760);
    for (const u of report.uploads)
      expect(await t.stack.clients.s3.send(new HeadObjectCommand({ Bucket: t.stack.resources.bucket, Key: u.partialKey }))).toBeDefined();
    // The monthly ERs (each rounded to 1 g) add up to the report's ER within that rounding; the report's is one exact merge.
    const monthly = report.uploads.reduce((a, u) => a.plus(u.er!), new Decimal(0));
    expect(
      monthly
        .minus(report.result!.totals!.ER)
        .abs()
        .lte(12 * 0.0000005),
    ).toBe(true);
    expect(
      await t.stack.clients.s3.send(
        new HeadObjectCommand({ Bucket: t.stack.resources.bucket, Key: BUCKET_LAYOUT.monitoringReport('e2e-annual', report.reportId) }),
      ),
    ).toBeDefined();

    const list = await t.mrv(['review', 'list']);
    expect(list.out).toContain(report.reportId);
    // Each month still waits on its own, marked as part of the report.
    for (const id of ids) expect(list.out).toMatch(new RegExp(`^${id} .*\\(in monitoring report ${report.reportId}: decide the report\\)$`, 'm'));
    const show = await t.mrv(['review', 'show', report.reportId]);
    expect(show.code).toBe(0);
    expect(show.out).toContain('Monitoring report of 12 upload(s)');
    expect(show.out).toMatch(/2023-04-01T00:00:00\+05:30 – 2023-05-01T00:00:00\+05:30 {2}2023-04\.csv/);
    expect(show.out).toContain('Gaps (0): every expected 60-minute reading is present.');
    expect(show.out).toContain('Period      2023-01-01T00:00:00+05:30 – 2024-01-01T00:00:00+05:30 (Asia/Kolkata, end excluded), 365 days');
  }, 300_000);

  it('approving the annual report through the authenticated decision gate issues once (maker–checker above the threshold); a month of it is refused on its own', async () => {
    const { reportId } = annual;
    // The annual ER is above the independent-review threshold: the first approval is recorded as pending, nothing is issued.
    const first = await t.as('verifier', ['review', 'approve', reportId]);
    expect(first.code, first.out + first.err).toBe(0);
    expect(first.out).toMatch(
      new RegExp(
        `Recorded as the first approval of monitoring report ${reportId} by Vera Verifier, pending technical review: a second approval by another verifier of LOCAL-DOE-A is needed`,
      ),
    );
    expect((await t.submissions.get(reportId))?.status).toBe('pending-review');
    expect((await t.mrv(['ledger', 'list', 'e2e-annual'])).out).not.toContain(reportId);

    // The same verifier again does not satisfy the independent review: refused, with the reason.
    const again = await t.as('verifier', ['review', 'approve', reportId]);
    expect(again.code).toBe(1);
    expect(again.out).toContain(
      `Refused: the approval of monitoring report ${reportId} was not recorded: Vera Verifier already gave the first approval; the independent review needs a different verifier of LOCAL-DOE-A (review.same_verifier).`,
    );

    // The checker of the same body approves: recorded, one ledger entry for the report's whole period.
    const second = await t.as('checker', ['review', 'approve', reportId]);
    expect(second.code, second.out + second.err).toBe(0);
    expect(second.out).toMatch(new RegExp(`Recorded: approval of monitoring report ${reportId} by Chris Checker, ledger entry #1 `));
    const submission = await t.submissions.get(reportId);
    expect(submission).toMatchObject({ status: 'approved', ledger: { seq: 1 } });
    expect(await t.decisionReport('e2e-annual', reportId)).toMatchObject({ outcome: 'approved', ledger: { seq: 1, units: submission!.issuance!.units } });
    const ledger = await t.mrv(['ledger', 'list', 'e2e-annual']);
    expect(ledger.out).toContain(reportId);
    expect(ledger.out).toContain('2023-01-01T00:00:00+05:30 – 2024-01-01T00:00:00+05:30');
    expect(ledger.out).toContain('by Chris Checker (LOCAL-DOE-A, iam:');
    expect(ledger.out).toContain('first approval Vera Verifier');
    const verified = await t.mrv(['ledger', 'verify', 'e2e-annual']);
    expect(verified.code, verified.out + verified.err).toBe(0);
    expect(verified.out).toContain('registration, result and methodology re-hashed for 1 entry');
    // The audit trail: assembled, first approval pending, the same verifier refused, the second approval — a chain that verifies.
    const audit = await t.mrv(['audit', 'export', 'e2e-annual', '--format', 'json']);
    const actions = (JSON.parse(audit.out) as { action: string; subject?: string }[]).filter((e) => e.subject === reportId).map((e) => e.action);
    expect(actions).toEqual(['monitoring-report.assemble', 'decision.pending-technical-review', 'decision.refuse', 'decision.approve']);
    expect((await t.mrv(['audit', 'verify', 'e2e-annual'])).out).toMatch(/chain intact/);

    // The months of the issued year are no longer offered as work: marked in the list, skipped by `next`.
    const after = await t.mrv(['review', 'list']);
    for (const id of ids) expect(after.out).toMatch(new RegExp(`^${id} .*\\(issued in monitoring report ${reportId}: nothing to decide\\)$`, 'm'));
    const nextItem = await t.as('verifier', ['review', 'next', '--hold', '1']);
    for (const id of ids) expect(nextItem.out).not.toContain(id);

    // A month of the issued year is refused on its own: the year issues once.
    const june = await t.as('verifier', ['review', 'approve', ids[5]!]);
    expect(june.code).toBe(1);
    expect(june.out).toMatch(new RegExp(`Refused: the approval of upload ${ids[5]} was not recorded: .*overlap`));
    expect((await t.submissions.get(ids[5]!))?.status).toBe('refused');
    expect((await t.mrv(['ledger', 'list', 'e2e-annual'])).out.split('\n').filter((l) => l.startsWith('#'))).toHaveLength(1);
  }, 300_000);

  it('a report with a missing month is refused with the gap named (local days of the site), and nothing is queued', async () => {
    await uploadMonths('e2e-gap', [1, 2, 4]);
    const r = await t.mrv(['report', 'assemble', 'e2e-gap', '--period', '2023-01-01..2023-04-30']);
    expect(r.code).toBe(1);
    expect(r.out).toContain('No upload covers 2023-03-01 – 2023-03-31 (31 days, Asia/Kolkata)');
    expect((await t.mrv(['review', 'list'])).out).not.toMatch(/e2e-gap .*2023-01-01T00:00:00\+05:30 – 2023-05-01/);
  }, 300_000);
});
