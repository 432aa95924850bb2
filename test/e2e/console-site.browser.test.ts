/// <reference lib="dom" />
/**
 * A site submits its monitoring report from the review console, in Debian's chromium driven by
 * playwright-core (never a browser download), against the local stack and the console server of
 * `npm start`, as test/e2e/console.browser.test.ts does. Four monthly uploads (January, February, March
 * and May 2023, on the site's clock): the form proposes their span; January–March tile and are queued
 * (the report appears in the queue, for the verifier too, audited under the site's principal); the
 * same uploads for the same period again are "assembled before"; April–May has a gap, and the refusal
 * names it; an error answer (400) is shown with its text. A verifier's views have no form.
 * Screenshots go to test-output/console-site/ (git-ignored).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../core/audit/audit.ts';
import { startConsoleServer, type ConsoleServer } from '../../cli/local-stack/console-server.ts';
import { siteIdentity } from '../../cli/local-stack/identities.ts';
import { CHROMIUM, hourlyMonthCsv, launchChromium } from '../helpers/console-browser.ts';
import { startTestStack, type TestStack } from '../helpers/local-stack.ts';

const OUT = join(process.cwd(), 'test-output', 'console-site');
const PROJECT = 'console-site-wind';
/** The site's clock: India, +05:30. */
const ZONE = 'Asia/Kolkata';
/** Safety nets only (a loaded 2-core CI machine); a healthy run takes a fraction. */
const STEP_MS = 120_000;

describe.skipIf(!existsSync(CHROMIUM) && !process.env.CI)('a site submits its monitoring report in the console (Chromium)', () => {
  let t: TestStack;
  let server: ConsoleServer;
  let context: BrowserContext;
  /** January, February, March, May. */
  let ids: string[];
  let queued: string;

  beforeAll(async () => {
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(OUT, { recursive: true });
    t = await startTestStack();
    await t.registerProject(PROJECT, undefined, { timeZone: ZONE });
    const dir = mkdtempSync(join(tmpdir(), 'mrv-console-site-'));
    ids = [];
    for (const m of [1, 2, 3, 5]) ids.push(await t.upload(PROJECT, hourlyMonthCsv(dir, m)));
    await t.waitFor('every month to be queued for review', async () => {
      for (const id of ids) if (!(await t.submissions.get(id))?.queuedAt) return undefined;
      return true;
    });
    server = await startConsoleServer({ port: 0, env: t.stack.env, siteProjects: [PROJECT], onError: (e) => t.faults.push(`console: ${(e as Error).stack}`) });
    context = await launchChromium(STEP_MS);
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

  /** Sets the period, ticks the given uploads (none: the API's default), submits, and waits for the outcome of this submission. */
  const submit = async (page: Page, first: string, last: string, tick: readonly string[] = []) => {
    await page.locator('#period-first').fill(first);
    await page.locator('#period-last').fill(last);
    for (const box of await page.locator('#assemble-form input[name="upload"]').all()) await box.setChecked(tick.includes((await box.getAttribute('value'))!));
    await page.locator('#assemble-result').evaluate((e) => {
      e.innerHTML = '';
    });
    await page.locator('#assemble-submit').click();
    const outcome = page.locator('#assemble-outcome');
    await outcome.waitFor();
    return outcome;
  };

  it('the site submits a period its uploads tile: queued, listed for review, audited under the site', async () => {
    const page = await open(`site.${PROJECT}`);
    await page.locator('#assemble-form').waitFor();
    expect(await page.locator('#assemble-title').textContent()).toBe('Submit a monitoring report');
    // Labelled inputs, a live region for the result.
    expect(await page.getByLabel('First day').getAttribute('type')).toBe('date');
    expect(await page.getByLabel('Last day').getAttribute('type')).toBe('date');
    expect(await page.locator('#assemble-result').getAttribute('role')).toBe('status');
    // The defaults: the span of the accepted uploads waiting for review, as local days of the site.
    expect(await page.locator('#period-first').inputValue()).toBe('2023-01-01');
    expect(await page.locator('#period-last').inputValue()).toBe('2023-05-31');
    expect(await page.locator('#assemble-form input[name="upload"]').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value).sort())).toEqual(
      [...ids].sort(),
    );
    await page.screenshot({ path: join(OUT, 'form.png'), fullPage: true });

    // January to March, every accepted upload in it (none ticked): queued.
    const outcome = await submit(page, '2023-01-01', '2023-03-31');
    expect(await outcome.getAttribute('data-outcome'), (await outcome.textContent()) ?? '').toBe('queued');
    queued = (await outcome.getAttribute('data-report'))!;
    expect(queued).toMatch(/^[0-9a-f]{32}$/);
    expect(await outcome.textContent()).toContain(`Queued for review: monitoring report ${queued} of 3 upload(s).`);
    const report = (await t.submissions.get(queued))!;
    expect(report.kind).toBe('monitoring-report');
    expect(report.status).toBe('pending-review');
    expect(report.uploads).toEqual(ids.slice(0, 3));
    expect(report.period).toEqual({ start: '2023-01-01T00:00:00+05:30', end: '2023-04-01T00:00:00+05:30', timeZone: ZONE });
    // The queue view lists it (refreshed after the submission), its uploads marked as inside it.
    const row = page.locator(`#queue-lists tr[data-upload="${queued}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-kind')).toBe('monitoring-report');
    expect(await row.textContent()).toContain('2023-01-01 – 2023-03-31 (90 days, Asia/Kolkata)');
    for (const id of ids.slice(0, 3))
      expect(await page.locator(`#queue-lists tr[data-upload="${id}"] small.in-report`).textContent()).toBe(
        `in monitoring report ${queued.slice(0, 12)}…: decide the report`,
      );
    await page.screenshot({ path: join(OUT, 'queued.png'), fullPage: true });

    // Audited under the site's own principal, as the site.
    const audit = await t.mrv(['audit', 'export', PROJECT, '--format', 'json']);
    expect(audit.code, audit.err).toBe(0);
    const assembled = (JSON.parse(audit.out) as AuditEvent[]).filter((e) => e.subject === queued && e.action === 'monitoring-report.assemble');
    expect(assembled).toHaveLength(1);
    expect(assembled[0]!.actor).toMatchObject({ principal: `iam:${siteIdentity(PROJECT).userId}`, role: 'site' });

    // The same uploads for the same period, ticked this time: assembled before, nothing new.
    const again = await submit(page, '2023-01-01', '2023-03-31', ids.slice(0, 3));
    expect(await again.getAttribute('data-outcome'), (await again.textContent()) ?? '').toBe('existing');
    expect(await again.getAttribute('data-report')).toBe(queued);
    expect(await again.textContent()).toContain(`Assembled before: monitoring report ${queued}`);
    expect(await page.locator('#queue-lists tr[data-kind="monitoring-report"]').count()).toBe(1);
  }, 600_000);

  it('a period with a gap is refused and the refusal names the gap; an error answer is shown with its text; a reversed period is not sent', async () => {
    const page = await open(`site.${PROJECT}`);
    await page.locator('#assemble-form').waitFor();
    // Only May is left outside a report: the proposed period is May.
    expect(await page.locator('#period-first').inputValue()).toBe('2023-05-01');
    expect(await page.locator('#period-last').inputValue()).toBe('2023-05-31');

    const refused = await submit(page, '2023-04-01', '2023-05-31');
    expect(await refused.getAttribute('data-outcome'), (await refused.textContent()) ?? '').toBe('refused');
    expect(await refused.locator('p.error').textContent()).toContain('Refused: the monitoring report');
    const problems = await page.locator('#assemble-problems li').allTextContents();
    expect(problems).toEqual([expect.stringMatching(/^No upload covers 2023-04-01 – 2023-04-30 \(30 days, Asia\/Kolkata\)/)]);
    await page.screenshot({ path: join(OUT, 'refused.png'), fullPage: true });
    // Nothing queued: the queue still holds one monitoring report.
    await page.reload();
    await page.locator('#queue-lists').waitFor();
    expect(await page.locator('#queue-lists tr[data-kind="monitoring-report"]').count()).toBe(1);

    await page.locator('#assemble-form').waitFor();
    // An error answer (400) is shown with its text: a page whose upload is not (or no longer) one of the project's.
    await page
      .locator('#assemble-form input[name="upload"]')
      .first()
      .evaluate((box) => {
        (box as HTMLInputElement).value = '0'.repeat(32);
      });
    const bad = await submit(page, '2023-05-01', '2023-05-31', ['0'.repeat(32)]);
    expect(await bad.getAttribute('data-outcome'), (await bad.textContent()) ?? '').toBe('error');
    expect(await bad.getAttribute('data-status')).toBe('400');
    expect(await bad.textContent()).toContain(`Not submitted (400): Upload ${'0'.repeat(32)} is not an upload of project ${PROJECT}.`);

    const reversed = await submit(page, '2023-05-31', '2023-05-01');
    expect(await reversed.getAttribute('data-outcome')).toBe('invalid');
    expect(await reversed.textContent()).toBe('The first day is after the last day.');
    expect(t.faults).toEqual([]);
  }, 600_000);

  it("the site's project page (its ledger) has the form too", async () => {
    const page = await open(`site.${PROJECT}`);
    await page.locator('#assemble-form').waitFor();
    await page.goto(`${server.url}#/projects/${PROJECT}/ledger`);
    await page.locator('#chain').waitFor();
    expect(await page.locator('#assemble-form').getAttribute('data-project')).toBe(PROJECT);
    expect(await page.locator('#period-first').inputValue()).toBe('2023-05-01');
  }, 300_000);

  it("a verifier's queue and project views have no form; the verifier sees the queued report", async () => {
    const page = await open('verifier');
    const row = page.locator(`tr[data-upload="${queued}"]`);
    await row.waitFor();
    expect(await page.locator('#assemble-form').count()).toBe(0);
    await page.goto(`${server.url}#/projects/${PROJECT}/ledger`);
    await page.locator('#chain').waitFor();
    expect(await page.locator('#assemble-form').count()).toBe(0);
    // and the route refuses it (core/access: assemble-report is the site's or the registrar's)
    const status = await page.evaluate(
      async (project) =>
        (
          await fetch(`/api/projects/${project}/monitoring-reports`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${sessionStorage.getItem('mrv-console-token')}` },
            body: JSON.stringify({ period: '2023-05-01..2023-05-31' }),
          })
        ).status,
      PROJECT,
    );
    expect(status).toBe(403);
  }, 300_000);
});
