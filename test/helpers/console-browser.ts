/**
 * What the end-to-end tests of monitoring reports share: deterministic monthly meter files, and Debian's
 * chromium (never a browser download) launched headless through playwright-core for the console tests.
 */
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/**
 * Hourly readings of one month (deterministic) for a grid-renewable project, as the site's logger writes
 * them: local times without an offset, each stamped at the end of its hour (grid-renewable marks interval
 * ends), so the month is `[1st 00:00, next 1st 00:00)` on the site's clock. Written to `<dir>/<year>-<mm>.csv`.
 */
export function hourlyMonthCsv(dir: string, m: number, year = 2023): string {
  const lines = ['timestamp,EG_export,EG_import,FC_diesel'];
  const days = new Date(Date.UTC(year, m, 0)).getUTCDate();
  let x = (m + 12 * (year - 2023)) * 104_729;
  for (let d = 1; d <= days; d++)
    for (let h = 0; h < 24; h++) {
      x = (x * 48_271) % 2_147_483_647;
      const local = new Date(Date.UTC(year, m - 1, d, h + 1)).toISOString().slice(0, 19);
      lines.push(`${local},${((x % 9000) / 1000).toFixed(3)},${x % 7 === 0 ? '0.012' : '0.000'},0`);
    }
  const file = join(dir, `${year}-${String(m).padStart(2, '0')}.csv`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** Debian's chromium, headless, in a fresh profile; `stepMs` is every action's safety net. */
export async function launchChromium(stepMs: number, options: { readonly acceptDownloads?: boolean } = {}): Promise<BrowserContext> {
  const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'mrv-chromium-')), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    ...(options.acceptDownloads ? { acceptDownloads: true } : {}),
    viewport: { width: 1180, height: 900 },
    timeout: stepMs,
  });
  context.setDefaultTimeout(stepMs);
  return context;
}
