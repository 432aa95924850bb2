/// <reference lib="dom" />
/**
 * The review console in a real browser: Debian's chromium driven by playwright-core (never a browser
 * download), against the local stack and the console server of `npm start`. A verifier opens the queue,
 * opens an upload's evidence (charts drawn on the server, equations typeset), approves it, sees the
 * outcome and the ledger entry, and downloads the verification report PDF, whose text is checked with
 * pdftotext and whose every page pdftoppm renders. A site's read-only view offers no decision.
 * Screenshots go to test-output/console/ (git-ignored).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConsoleServer, type ConsoleServer } from '../../cli/local-stack/console-server.ts';
import { sample, startTestStack, type TestStack } from '../helpers/local-stack.ts';

const CHROMIUM = '/usr/bin/chromium';
const OUT = join(process.cwd(), 'test-output', 'console');
const PROJECT = 'console-solar';
/** Safety nets only (a loaded 2-core CI machine); a healthy run takes a fraction. */
const STEP_MS = 30_000;

const hasTools = existsSync(CHROMIUM) && existsSync('/usr/bin/pdftotext') && existsSync('/usr/bin/pdftoppm');

/** The sample week shifted by `days` (a later monitoring period of the same plant). */
function shiftedSample(days: number): string {
  const text = readFileSync(sample('uploads', 'solar-rajasthan-in', '2016-04-01_07-15min.csv'), 'utf8');
  return text.replace(/^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})\+05:30/gm, (_m, d: string, t: string) => {
    const shifted = new Date(Date.parse(`${d}T${t}Z`) + days * 86_400_000).toISOString().slice(0, 19);
    return `${shifted}+05:30`;
  });
}

describe.skipIf(!hasTools && !process.env.CI)('review console in Chromium', () => {
  let t: TestStack;
  let server: ConsoleServer;
  let context: BrowserContext;
  let first: string;
  let second: string;

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    t = await startTestStack();
    await t.registerProject(PROJECT, 'solar-rajasthan-in');
    const dir = mkdtempSync(join(tmpdir(), 'mrv-console-'));
    // An earlier period, approved from the CLI, so the report can compare this period against it.
    first = await t.upload(PROJECT, sample('uploads', 'solar-rajasthan-in', '2016-04-01_07-15min.csv'));
    expect((await t.waitForReport(PROJECT, first)).status).toBe('accepted');
    await t.waitFor('the first submission', async () => (await t.submissions.get(first))?.status === 'pending-review');
    expect((await t.as('checker', ['review', 'approve', first, '--verifier', 'Chris Checker'])).code).toBe(0);
    await t.waitFor('the first approval', async () => (await t.submissions.get(first))?.status === 'approved');
    const file = join(dir, '2016-04-08_07-15min.csv');
    writeFileSync(file, shiftedSample(7));
    second = await t.upload(PROJECT, file);
    expect((await t.waitForReport(PROJECT, second)).status).toBe('accepted');
    await t.waitFor('the second submission', async () => (await t.submissions.get(second))?.status === 'pending-review');

    // `mrv review report` refuses an upload without a decision.
    const undecided = await t.mrv(['review', 'report', second, '--out', dir]);
    expect(undecided.code).toBe(1);
    expect(undecided.err).toContain('has no decision yet');

    server = await startConsoleServer({ port: 0, env: t.stack.env, siteProject: PROJECT, onError: (e) => t.faults.push(`console: ${(e as Error).stack}`) });
    context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'mrv-chromium-')), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      acceptDownloads: true,
      viewport: { width: 1180, height: 900 },
      timeout: STEP_MS,
    });
    context.setDefaultTimeout(STEP_MS);
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await server?.stop();
    await t?.stop();
  });

  const open = async (link: string): Promise<Page> => {
    const page = await context.newPage();
    await page.goto(link);
    return page;
  };

  it('binds the console to 127.0.0.1 only', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('a verifier opens the queue and the evidence, sees the charts, approves, and gets the outcome, the ledger entry and the PDF', async () => {
    const page = await open(server.linkFor(server.identities[0]!));
    // The queue lists the waiting upload.
    const row = page.locator(`tr[data-upload="${second}"]`);
    await row.waitFor();
    expect(await page.locator('#who').textContent()).toContain('Vera Verifier · verifier');
    await page.screenshot({ path: join(OUT, 'queue.png'), fullPage: true });

    // The evidence: charts rendered on the server as SVG with labelled axes, equations typeset by KaTeX.
    await row.locator('a').first().click();
    await page.locator('figure.chart svg').first().waitFor();
    const chartIds = await page.locator('figure.chart').evaluateAll((els) => els.map((e) => e.getAttribute('data-chart')));
    expect(chartIds).toEqual(['series-EG_export', 'daily-EG_export', 'series-EG_import', 'daily-EG_import', 'periods']);
    const axisTexts = await page.locator('figure.chart[data-chart="series-EG_export"] svg text').allTextContents();
    expect(axisTexts).toEqual(expect.arrayContaining(['time (UTC)', 'EG_export [MWh]']));
    expect(await page.locator('figure.chart[data-chart="periods"] svg text').allTextContents()).toEqual(expect.arrayContaining(['this period', 'approved earlier', 'ER [tCO2e]']));
    const box = await page.locator('figure.chart svg').first().boundingBox();
    expect(box!.width).toBeGreaterThan(300); // drawn, not an empty element
    expect(await page.locator('#equations .katex').count()).toBeGreaterThan(3);
    await expect.poll(() => page.evaluate(() => document.fonts.check('12px KaTeX_Main')), { timeout: STEP_MS }).toBe(true);
    await page.screenshot({ path: join(OUT, 'report.png'), fullPage: true });
    await page.locator('#charts').scrollIntoViewIfNeeded();
    await page.locator('#charts h2').evaluate((h) => h.scrollIntoView());
    await page.screenshot({ path: join(OUT, 'report-charts.png') });

    // A rejection without a reason is refused in the page; then approve.
    await page.locator('#reject').click();
    expect(await page.locator('#decision-status').textContent()).toContain('needs a reason');
    await page.locator('#approve').click();
    const outcome = page.locator('#outcome');
    await outcome.waitFor();
    expect(await outcome.textContent()).toMatch(/approved: approve by Vera Verifier at \d{4}-\d{2}-\d{2}T.*Ledger entry #2, hash [0-9a-f]{64}/);
    const submission = (await t.submissions.get(second))!;
    expect(submission.status).toBe('approved');
    expect(submission.decision?.actor?.name).toBe('Vera Verifier');
    await page.screenshot({ path: join(OUT, 'outcome.png') });

    // The PDF: downloaded from the console, its text holds the decision, the hashes and the results.
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#report-pdf').click()]);
    const pdf = join(OUT, 'verification-report.pdf');
    await download.saveAs(pdf);
    const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
    const item = submission.reviewItem!;
    for (const expected of ['Verification report', 'Approved', 'Vera Verifier (LOCAL-DOE-A, LOCAL-E-0001)', submission.decision!.decidedAt, item.file.sha256, item.methodology.hash, submission.ledger!.hash, 'grid-renewable@1.0.0', 'EG_export', 'time (UTC)', 'QA/QC findings', 'Per gas', 'Materiality', 'To the participants', item.totals.ER, item.issuance.toParticipants]) {
      expect(text.replace(/\s+/g, ' ')).toContain(expected);
    }
    const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' }))![1]);
    execFileSync('pdftoppm', ['-png', '-r', '50', pdf, join(OUT, 'pdf-page')]);
    expect(readdirSync(OUT).filter((f) => f.startsWith('pdf-page')).length).toBe(pages);

    // The same report from the CLI, written locally.
    const cli = await t.mrv(['review', 'report', second, '--pdf', '--out', OUT]);
    expect(cli.code, cli.err).toBe(0);
    const cliText = execFileSync('pdftotext', ['-layout', join(OUT, `${second}.verification.pdf`), '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    expect(cliText).toContain(submission.ledger!.hash);
    // and stored beside the reports in S3 when the console first served it
    const stored = await t.stack.clients.s3.send(new GetObjectCommand({ Bucket: t.stack.resources.bucket, Key: `reports/${PROJECT}/${second}.verification.pdf` }));
    expect(stored.ContentType).toBe('application/pdf');

    // The ledger: entry 2 is this upload, and the chain verifies.
    await page.locator('#ledger-link').click();
    await page.locator('#chain').waitFor();
    expect(await page.locator('#chain').textContent()).toMatch(/^Chain intact: 2 entries/);
    expect(await page.locator('table.ledger tbody tr').count()).toBe(2);
    await page.screenshot({ path: join(OUT, 'ledger.png') });
    expect(t.faults).toEqual([]);
  }, 120_000);

  it("a site sees its uploads and decisions read-only, and no other project's", async () => {
    const page = await open(server.linkFor(server.identities[1]!));
    await page.locator('h1').waitFor();
    expect(await page.locator('h1').textContent()).toContain(`Project ${PROJECT}`);
    await page.locator(`tr[data-upload="${first}"] a`).first().click();
    await page.locator('figure.chart svg').first().waitFor();
    expect(await page.locator('#approve').count()).toBe(0);
    const other = await page.evaluate(async () => (await fetch('/api/projects/solar-rajasthan-in/ledger', { headers: { authorization: `Bearer ${sessionStorage.getItem('mrv-console-token')}` } })).status);
    expect(other).toBe(403);
    const decide = await page.evaluate(async (id) => (await fetch(`/api/submissions/${id}/decision`, { method: 'POST', headers: { authorization: `Bearer ${sessionStorage.getItem('mrv-console-token')}` }, body: '{"decision":"approve"}' })).status, first);
    expect(decide).toBe(403);
  }, 60_000);
});
