/**
 * Issue 10, done when: on the local stack, twelve consecutive monthly files of an end-stamped hourly
 * meter in Asia/Kolkata and three consecutive 3-day files of a start-stamped landfill in
 * America/Sao_Paulo are all approved and recorded; the ledger's periods tile the year exactly; a file
 * that truly overlaps an approved one is still refused. Timestamps are written as the sites write them
 * (local wall-clock times, no offset). test/unit/core/time/site-time-end-to-end.test.ts is the same
 * story at the core level.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../helpers/local-stack.ts';

let t: TestStack;
const scratch = mkdtempSync(join(tmpdir(), 'mrv-e2e-site-time-'));

beforeAll(async () => {
  t = await startTestStack();
});
afterAll(async () => {
  await t?.stop();
});

const pad = (n: number) => String(n).padStart(2, '0');
/** Wall-clock times (no offset) from local `from` (inclusive), one per hour. */
const localHours = (from: string, hours: number) =>
  Array.from({ length: hours }, (_, h) => new Date(Date.parse(`${from}Z`) + h * 3_600_000).toISOString().slice(0, 19));
const write = (name: string, text: string) => {
  const path = join(scratch, name);
  writeFileSync(path, text);
  return path;
};

/** Uploads, waits for the review item, approves as the local verifier and waits for the outcome. */
async function uploadAndDecide(projectId: string, file: string): Promise<{ uploadId: string; status: string | undefined }> {
  const uploadId = await t.upload(projectId, file);
  const report = await t.waitForReport(projectId, uploadId);
  expect(report.status, JSON.stringify(report.diagnostics.slice(0, 3))).toBe('accepted');
  await t.waitFor(`the review item of ${file}`, async () => (await t.submissions.get(uploadId))?.queuedAt);
  // approve waits for the outcome: exit 0 when recorded, 1 when the ledger refuses it.
  const sent = await t.as('verifier', ['review', 'approve', uploadId, '--verifier', 'A. Auditor']);
  const status = await t.waitFor(`the decision on ${file}`, async () => {
    const s = (await t.submissions.get(uploadId))?.status;
    return s === 'approved' || s === 'refused' ? s : undefined;
  });
  expect(sent.code, `${sent.out}${sent.err}`).toBe(status === 'approved' ? 0 : 1);
  return { uploadId, status };
}

/** The ledger's periods, from `mrv ledger list`: [start, end) as printed on the site's clock. */
async function ledgerPeriods(projectId: string): Promise<{ start: string; end: string; zone: string }[]> {
  const out = (await t.mrv(['ledger', 'list', projectId])).out;
  return [...out.matchAll(/(\S+T\S+) – (\S+T\S+) \(([^,]+), end excluded\)/g)].map((m) => ({ start: m[1]!, end: m[2]!, zone: m[3]! }));
}

describe('monitoring periods on the site clock, end to end on the local stack', () => {
  it('twelve monthly files of an end-stamped hourly meter in Asia/Kolkata are approved and tile 2023; a truly overlapping file is refused', async () => {
    await t.registerProject('e2e-kolkata', 'wind-tamil-nadu-in', { timeZone: 'Asia/Kolkata' });
    for (let m = 1; m <= 12; m++) {
      const days = new Date(Date.UTC(2023, m, 0)).getUTCDate();
      // End stamps: 01:00 on the 1st (the hour 00:00–01:00) … 00:00 on the 1st of the next month.
      const rows = localHours(`2023-${pad(m)}-01T01:00:00`, days * 24).map((ts) => `${ts},3,0,0`);
      const { status } = await uploadAndDecide(
        'e2e-kolkata',
        write(`kolkata-2023-${pad(m)}.csv`, `timestamp,EG_export,EG_import,FC_diesel\n${rows.join('\n')}\n`),
      );
      expect(status, `month ${m}`).toBe('approved');
    }
    const periods = await ledgerPeriods('e2e-kolkata');
    expect(periods).toHaveLength(12);
    expect(periods[0]).toEqual({ start: '2023-01-01T00:00:00+05:30', end: '2023-02-01T00:00:00+05:30', zone: 'Asia/Kolkata' });
    expect(periods[11]!.end).toBe('2024-01-01T00:00:00+05:30');
    for (let i = 1; i < 12; i++) expect(periods[i]!.start, `period ${i + 1} starts where ${i} ends`).toBe(periods[i - 1]!.end);
    const days = periods.reduce((s, p) => s + (Date.parse(p.end) - Date.parse(p.start)), 0) / 86_400_000;
    expect(days).toBe(365);
    expect((await t.mrv(['ledger', 'verify', 'e2e-kolkata'])).out).toContain('12 entries, chain intact');

    // 15 January – 14 February overlaps January and February: accepted as a file, refused at approval.
    const rows = localHours('2023-01-15T01:00:00', 31 * 24).map((ts) => `${ts},3,0,0`);
    const overlap = await uploadAndDecide('e2e-kolkata', write('kolkata-overlap.csv', `timestamp,EG_export,EG_import,FC_diesel\n${rows.join('\n')}\n`));
    expect(overlap.status).toBe('refused');
    expect((await t.submissions.get(overlap.uploadId))?.statusReason).toMatch(
      /overlaps the approved period 2023-01-01T00:00:00\+05:30 – 2023-02-01T00:00:00\+05:30/,
    );
    expect(await ledgerPeriods('e2e-kolkata')).toHaveLength(12);
  });

  it('three consecutive 3-day files of a start-stamped landfill in America/Sao_Paulo are approved and tile 1–9 March', async () => {
    await t.registerProject('e2e-sao-paulo', 'landfill-minas-gerais-br', { timeZone: 'America/Sao_Paulo' });
    const header = 'timestamp,LFG_flare,w_CH4,T_flare,t_below_500,flame,EC_PJ,LFG_EL,LFG_total';
    for (const first of [1, 4, 7]) {
      // Start stamps: 00:00 on the first day … 23:00 on the third (the hour 23:00–24:00), as the site writes them.
      const rows = localHours(`2015-03-${pad(first)}T00:00:00`, 72).map((ts) => `${ts},1210,0.50,880,0,true,0.050,0,1230`);
      const { status } = await uploadAndDecide('e2e-sao-paulo', write(`sao-paulo-03-${pad(first)}.csv`, `${header}\n${rows.join('\n')}\n`));
      expect(status, `file from 03-${pad(first)}`).toBe('approved');
    }
    const periods = await ledgerPeriods('e2e-sao-paulo');
    expect(periods).toEqual([
      { start: '2015-03-01T00:00:00-03:00', end: '2015-03-04T00:00:00-03:00', zone: 'America/Sao_Paulo' },
      { start: '2015-03-04T00:00:00-03:00', end: '2015-03-07T00:00:00-03:00', zone: 'America/Sao_Paulo' },
      { start: '2015-03-07T00:00:00-03:00', end: '2015-03-10T00:00:00-03:00', zone: 'America/Sao_Paulo' },
    ]);
    expect((await t.mrv(['ledger', 'verify', 'e2e-sao-paulo'])).out).toContain('3 entries, chain intact');
  });
});
