/// <reference lib="dom" />
/**
 * The review console in a real browser: Debian's chromium driven by playwright-core (never a browser
 * download), against the local stack and the console server of `npm start`. A verifier opens the queue,
 * opens an annual monitoring report of twelve monthly uploads (charts drawn on the server on the site's clock,
 * equations typeset), approves it (first approval, pending technical review), a second verifier of the
 * body approves it, and the outcome, the ledger entry and the verification report PDF follow; the PDF's
 * text is checked with pdftotext and pdftoppm renders every page. A verifier of another body reads
 * nothing; a site's read-only view offers no decision.
 * Screenshots go to test-output/console/ (git-ignored).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { SnsSpyMessage } from 'fauxqs';
import type { BrowserContext, Page } from 'playwright-core';
import type { Notification } from '../../functions/shared/notifications.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConsoleServer, type ConsoleServer } from '../../cli/local-stack/console-server.ts';
import { CHROMIUM, hourlyMonthCsv, launchChromium } from '../helpers/console-browser.ts';
import { startTestStack, type TestStack } from '../helpers/local-stack.ts';

const OUT = join(process.cwd(), 'test-output', 'console');
const PROJECT = 'console-wind';
/** The site's clock: India, +05:30. */
const ZONE = 'Asia/Kolkata';
/** Safety nets only (a loaded 2-core CI machine); a healthy run takes a fraction. */
const STEP_MS = 120_000;

const hasTools = existsSync(CHROMIUM) && existsSync('/usr/bin/pdftotext') && existsSync('/usr/bin/pdftoppm');

describe.skipIf(!hasTools && !process.env.CI)('review console in Chromium', () => {
  let t: TestStack;
  let server: ConsoleServer;
  let context: BrowserContext;
  let january: string;
  let report: string;

  const assemble = async (period: string): Promise<string> => {
    const r = await t.mrv(['report', 'assemble', PROJECT, '--period', period, '--json']);
    expect(r.code, r.out + r.err).toBe(0);
    return (JSON.parse(r.out) as { report: { reportId: string } }).report.reportId;
  };

  beforeAll(async () => {
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(OUT, { recursive: true });
    t = await startTestStack();
    // Under the superseded grid-renewable@1.0.0 (the wind sample moved to 1.1.0): the signed report says so.
    await t.registerProject(PROJECT, undefined, { timeZone: ZONE, methodology: 'grid-renewable@1.0.0' });
    const dir = mkdtempSync(join(tmpdir(), 'mrv-console-'));
    const ids: string[] = [];
    // January 2023 (an earlier period), then the twelve months of the annual report: February 2023 to January 2024.
    for (const [m, year] of [[1, 2023], ...Array.from({ length: 11 }, (_, i) => [i + 2, 2023]), [1, 2024]] as const)
      ids.push(await t.upload(PROJECT, hourlyMonthCsv(dir, m, year)));
    await t.waitFor('every month to be queued for review', async () => {
      for (const id of ids) if (!(await t.submissions.get(id))?.queuedAt) return undefined;
      return true;
    });
    // An earlier period, January as a report of one upload, approved from the CLI (below the independent-review threshold).
    january = await assemble('2023-01-01..2023-01-31');
    const approved = await t.as('verifier', ['review', 'approve', january]);
    expect(approved.code, approved.out + approved.err).toBe(0);
    expect((await t.submissions.get(january))?.status).toBe('approved');
    // The monitoring report the console verifies: a year, February 2023 to January 2024, twelve monthly uploads.
    report = await assemble('2023-02-01..2024-01-31');

    // `mrv review report` refuses a report without a decision.
    const undecided = await t.mrv(['review', 'report', report, '--out', dir]);
    expect(undecided.code).toBe(1);
    expect(undecided.err).toContain('has no decision yet');

    server = await startConsoleServer({ port: 0, env: t.stack.env, siteProjects: [PROJECT], onError: (e) => t.faults.push(`console: ${(e as Error).stack}`) });
    context = await launchChromium(STEP_MS, { acceptDownloads: true });
  }, 600_000);

  afterAll(async () => {
    await context?.close();
    await server?.stop();
    await t?.stop();
  });

  const open = async (who: string): Promise<Page> => {
    const page = await context.newPage();
    await page.goto(server.linkFor(server.identity(who)));
    return page;
  };

  it('binds the console to 127.0.0.1 only', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('two verifiers of the body verify a monitoring report (maker–checker), then see the outcome, the ledger entry and the PDF', async () => {
    const page = await open('verifier');
    // The queue lists the waiting monitoring report, and marks its uploads as inside it.
    const row = page.locator(`tr[data-upload="${report}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-kind')).toBe('monitoring-report');
    expect(await row.textContent()).toContain('2023-02-01 – 2024-01-31 (365 days, Asia/Kolkata)');
    expect(await page.locator('small.in-report').allTextContents()).toEqual([
      `issued in monitoring report ${january.slice(0, 12)}…`,
      ...Array.from({ length: 12 }, () => `in monitoring report ${report.slice(0, 12)}…: decide the report`),
    ]);
    expect(await page.locator('#who').textContent()).toContain('Vera Verifier · verifier of LOCAL-DOE-A');
    await page.screenshot({ path: join(OUT, 'queue.png'), fullPage: true });

    // The evidence: the twelve files with their SHA-256, charts rendered on the server as SVG with labelled axes on the site's clock, equations typeset by KaTeX.
    await row.locator('a').first().click();
    await page.locator('figure.chart svg').first().waitFor();
    expect(await page.locator('#data tbody tr').count()).toBe(12);
    const chartIds = await page.locator('figure.chart').evaluateAll((els) => els.map((e) => e.getAttribute('data-chart')));
    expect(chartIds).toEqual([
      'series-EG_export',
      'monthly-EG_export',
      'series-EG_import',
      'monthly-EG_import',
      'series-FC_diesel',
      'monthly-FC_diesel',
      'periods',
    ]);
    const axisTexts = await page.locator('figure.chart[data-chart="series-EG_export"] svg text').allTextContents();
    expect(axisTexts).toEqual(expect.arrayContaining([`time (${ZONE})`, 'EG_export [MWh]']));
    expect(await page.locator('figure.chart[data-chart="monthly-EG_export"] svg text').allTextContents()).toEqual(
      expect.arrayContaining([`month (${ZONE})`, 'Feb 2023', 'Jan 2024']),
    );
    expect(await page.locator('figure.chart[data-chart="periods"] svg text').allTextContents()).toEqual(
      expect.arrayContaining(['this period', 'approved earlier', 'ER [tCO2e]', '2023-01-01 – 2023-01-31']),
    );
    const box = await page.locator('figure.chart svg').first().boundingBox();
    expect(box!.width).toBeGreaterThan(300); // drawn, not an empty element
    expect(await page.locator('#equations .katex').count()).toBeGreaterThan(3);
    await expect.poll(() => page.evaluate(() => document.fonts.check('12px KaTeX_Main')), { timeout: STEP_MS }).toBe(true);
    await page.screenshot({ path: join(OUT, 'report.png'), fullPage: true });
    await page.locator('#charts h2').evaluate((h) => h.scrollIntoView());
    await page.screenshot({ path: join(OUT, 'report-charts.png') });

    // A rejection without a reason is refused in the page; then the first approval: above the threshold, pending technical review.
    await page.locator('#reject').click();
    expect(await page.locator('#decision-status').textContent()).toContain('needs a reason');
    await page.locator('#approve').click();
    await page.locator('#told').waitFor();
    expect(await page.locator('#told').textContent()).toContain(
      'Recorded as the first approval, pending technical review: a second approval by another verifier of LOCAL-DOE-A is needed',
    );
    expect(await page.locator('#first-approval').textContent()).toContain('First approval by Vera Verifier (LOCAL-DOE-A)');
    expect((await t.submissions.get(report))?.status).toBe('pending-review');
    // The same verifier again does not satisfy the independent review.
    await page.locator('#approve').click();
    await page.locator('#told.error').waitFor();
    expect(await page.locator('#told').textContent()).toContain(
      'Vera Verifier already gave the first approval; the independent review needs a different verifier of LOCAL-DOE-A (review.same_verifier)',
    );

    // The checker of the same body approves: recorded, ledger entry #2 for the report's whole period.
    const checker = await open('checker');
    await checker.goto(`${server.url}#/submissions/${report}`);
    await checker.locator('#first-approval').waitFor();
    await checker.locator('#approve').click();
    const outcome = checker.locator('#outcome');
    await outcome.waitFor();
    expect(await outcome.textContent()).toMatch(
      /approved: approve by Chris Checker \(LOCAL-DOE-A\) at \d{4}-\d{2}-\d{2}T.*Independent review: first approval by Vera Verifier at .*Ledger entry #2, hash [0-9a-f]{64}/,
    );
    const submission = (await t.submissions.get(report))!;
    expect(submission.status).toBe('approved');
    expect(submission.decision?.actor?.name).toBe('Chris Checker');
    await checker.screenshot({ path: join(OUT, 'outcome.png') });

    // The PDF: downloaded from the console, its text holds the decision, the files and hashes, the results.
    const [download] = await Promise.all([checker.waitForEvent('download'), checker.locator('#report-pdf').click()]);
    const pdf = join(OUT, 'verification-report.pdf');
    await download.saveAs(pdf);
    const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    const item = submission.reviewItem!;
    const expected = [
      'Verification report',
      'Approved',
      'Chris Checker (LOCAL-DOE-A, LOCAL-E-0001)',
      'first approval by Vera Verifier (LOCAL-DOE-A, LOCAL-E-0001)',
      submission.decision!.decidedAt,
      `monitoring report ${report} of 12 upload(s)`,
      '2023-02-01 – 2024-01-31 (365 days, Asia/Kolkata)',
      `registration version ${submission.registration!.version}`,
      ...item.report!.uploads.map((u) => u.sha256),
      item.methodology.hash,
      submission.ledger!.hash,
      submission.resultSha256!,
      'grid-renewable@1.0.0',
      // the module the report ran under is corrected by a newer version: the signed report says so
      'Superseded by grid-renewable@1.1.0',
      `time (${ZONE})`,
      'QA/QC findings',
      'Per gas',
      'Materiality',
      'To the participants',
      item.totals.ER,
      item.issuance.toParticipants,
    ];
    for (const e of expected) expect(text).toContain(e);
    // The ledger pins the report's data as the SHA-256 of its uploads' SHA-256s, one per line in period order.
    expect(text).toContain(
      createHash('sha256')
        .update(item.report!.uploads.map((u) => u.sha256).join('\n'))
        .digest('hex'),
    );

    // The HTML report: one self-contained document (inline SVG charts, KaTeX with its fonts inlined).
    const html = await checker.evaluate(
      async (id) =>
        (
          await fetch(`/api/submissions/${id}/verification.html`, { headers: { authorization: `Bearer ${sessionStorage.getItem('mrv-console-token')}` } })
        ).text(),
      report,
    );
    const doc = await context.newPage();
    await doc.setContent(html);
    expect(await doc.locator('#equations .katex').count()).toBeGreaterThan(3);
    expect(await doc.locator('figure.chart svg').count()).toBe(7);
    await doc.locator('#data').evaluate((e) => e.scrollIntoView());
    await doc.screenshot({ path: join(OUT, 'verification-report-html.png') });
    await doc.close();
    const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' }))![1]);
    execFileSync('pdftoppm', ['-png', '-r', '40', pdf, join(OUT, 'pdf-page')]);
    expect(readdirSync(OUT).filter((f) => f.startsWith('pdf-page')).length).toBe(pages);

    // The same report from the CLI, written locally.
    const cli = await t.mrv(['review', 'report', report, '--pdf', '--out', OUT]);
    expect(cli.code, cli.err).toBe(0);
    const cliText = execFileSync('pdftotext', ['-layout', join(OUT, `${report}.verification.pdf`), '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    expect(cliText).toContain(submission.ledger!.hash);
    expect(cli.out).toContain(`(the stored report s3://${t.stack.resources.bucket}/reports/${PROJECT}/${report}.verification.pdf)`);
    // and stored beside the reports in S3 when the console first served it
    const stored = await t.stack.clients.s3.send(
      new GetObjectCommand({ Bucket: t.stack.resources.bucket, Key: `reports/${PROJECT}/${report}.verification.pdf` }),
    );
    expect(stored.ContentType).toBe('application/pdf');
    // as evidence of the project, tagged with its verification body: a verifier of the body reads it with its own
    // credentials (the verifier policy, enforced by the local gateway), a verifier of another body may not.
    const readAs = async (name: string) => {
      const who = t.stack.identities.find((i) => i.name === name)!;
      const s3 = new S3Client({
        region: t.stack.region,
        endpoint: t.stack.endpoint,
        forcePathStyle: true,
        credentials: { accessKeyId: who.accessKeyId, secretAccessKey: who.secretAccessKey },
      });
      try {
        return await s3.send(new GetObjectCommand({ Bucket: t.stack.resources.bucket, Key: `reports/${PROJECT}/${report}.verification.pdf` })).then(
          () => 'read',
          (e: Error) => e.name,
        );
      } finally {
        s3.destroy();
      }
    };
    expect(await readAs('checker')).toBe('read');
    expect(await readAs('other-verifier')).toBe('AccessDenied');

    // The ledger: entry 2 is this report, and the chain verifies.
    await checker.locator('#ledger-link').click();
    await checker.locator('#chain').waitFor();
    expect(await checker.locator('#chain').textContent()).toMatch(/^Chain intact: 2 entries/);
    expect(await checker.locator('table.ledger tbody tr').count()).toBe(2);
    await checker.screenshot({ path: join(OUT, 'ledger.png') });

    // People were notified on the topic at each step (the local stack prints these).
    const published = t.spied((m) => m.service === 'sns').map((m) => JSON.parse((m as SnsSpyMessage).body) as Notification);
    const aboutReport = published.filter((p) => p.id === report).map((p) => `${p.event}${p.detail?.outcome ? ` ${String(p.detail.outcome)}` : ''}`);
    expect(aboutReport).toEqual([
      'item-waiting',
      'report-ready',
      'decision-recorded pending-technical-review',
      'decision-refused refused-access',
      'decision-recorded approved',
    ]);
    expect(published.filter((p) => p.event === 'item-waiting' && p.id !== report && p.id !== january)).toHaveLength(13); // each accepted monthly upload
    expect(t.faults).toEqual([]);
  }, 900_000);

  it('a verifier of another body reads nothing of the project; a site sees its own project read-only', async () => {
    const other = await open('other-verifier');
    await other.locator('h1').waitFor();
    expect(await other.locator('tr[data-upload]').count()).toBe(0);
    const status = await other.evaluate(async (id) => {
      const h = { authorization: `Bearer ${sessionStorage.getItem('mrv-console-token')}` };
      return [
        (await fetch(`/api/submissions/${id}`, { headers: h })).status,
        (await fetch(`/api/submissions/${id}/verification.pdf`, { headers: h })).status,
        (await fetch('/api/projects/console-wind/ledger', { headers: h })).status,
      ];
    }, report);
    expect(status).toEqual([403, 403, 403]);

    const page = await open(`site.${PROJECT}`);
    await page.locator('h1').waitFor();
    expect(await page.locator('h1').textContent()).toContain(`Project ${PROJECT}`);
    await page.locator(`tr[data-upload="${january}"] a`).first().click();
    await page.locator('figure.chart svg').first().waitFor();
    expect(await page.locator('#approve').count()).toBe(0);
    const foreign = await page.evaluate(
      async () =>
        (await fetch('/api/projects/solar-rajasthan-in/ledger', { headers: { authorization: `Bearer ${sessionStorage.getItem('mrv-console-token')}` } }))
          .status,
    );
    expect(foreign).toBe(403);
    const decide = await page.evaluate(
      async (id) =>
        (
          await fetch(`/api/submissions/${id}/decision`, {
            method: 'POST',
            headers: { authorization: `Bearer ${sessionStorage.getItem('mrv-console-token')}` },
            body: '{"decision":"approve"}',
          })
        ).status,
      report,
    );
    expect(decide).toBe(403);
  }, 300_000);
});
