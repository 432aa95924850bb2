import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { calculate } from '../../../../core/calculation/calculate.ts';
import { appendEntry, type AppendRequest } from '../../../../core/ledger/append.ts';
import { ProjectSchema, type Project } from '../../../../core/project/project.ts';
import { localDays, spanOf, type Period } from '../../../../core/time/period.ts';
import { registry } from '../../../../methodologies/index.ts';
import { FakeLedgerStore } from '../ledger/fake-ledger-store.ts';

const fixture = (m: string) =>
  JSON.parse(readFileSync(new URL(`../../../../methodologies/${m}/1.0.0/fixtures/project.json`, import.meta.url), 'utf8')) as Record<string, unknown>;
async function* bytes(text: string) {
  yield Buffer.from(text);
}
const run = (project: Project, text: string, period?: Period) =>
  calculate({ source: bytes(text), fileName: 'upload.csv', project, registry, ...(period ? { period } : {}) });
const pad = (n: number) => String(n).padStart(2, '0');
/** Wall-clock times (no offset) from local `from` (inclusive) for `hours` hours, one per hour. */
function localHours(from: string, hours: number): string[] {
  const t0 = Date.parse(`${from}Z`);
  return Array.from({ length: hours }, (_, h) => new Date(t0 + h * 3_600_000).toISOString().slice(0, 19));
}
const request = (projectId: string, uploadId: string, period: Period): AppendRequest => ({
  schemaVersion: 1,
  projectId,
  uploadId,
  period,
  er: '1',
  issuance: { units: '1', rounding: 'floor', deductions: [], toParticipants: '1' },
  methodology: { key: 'x@1.0.0', hash: 'abc' },
  file: { sha256: 'f'.repeat(64) },
  verifier: 'doe-1',
  approvedAt: '2024-02-01T10:00:00.000Z',
});
const uid = (n: number) => n.toString(16).padStart(32, '0');

describe('monitoring periods on the site clock, end to end through the calculation and the ledger', () => {
  it('twelve monthly files of an end-stamped hourly meter in Asia/Kolkata are all accepted and recorded, tiling 2019 exactly; a truly overlapping file is refused', async () => {
    const project = ProjectSchema.parse({ ...fixture('grid-renewable'), id: 'kolkata-meter', timeZone: 'Asia/Kolkata' });
    const store = new FakeLedgerStore();
    const periods: Period[] = [];
    for (let m = 1; m <= 12; m++) {
      const start = `2019-${pad(m)}-01T01:00:00`; // end stamp of the first hour, 00:00–01:00
      const days = new Date(Date.UTC(2019, m, 0)).getUTCDate();
      const rows = localHours(start, days * 24).map((t) => `${t},10,0,10,0`);
      const r = await run(project, `timestamp,EG_export,EG_import,TEG,FC_diesel\n${rows.join('\n')}\n`);
      expect(r.status, JSON.stringify(r.diagnostics.slice(0, 3))).toBe('accepted');
      expect(r.qaqc?.missingIntervals).toBe(0);
      const next = m === 12 ? '2020-01-01' : `2019-${pad(m + 1)}-01`;
      expect(r.period).toEqual({ start: `2019-${pad(m)}-01T00:00:00+05:30`, end: `${next}T00:00:00+05:30`, timeZone: 'Asia/Kolkata' });
      const outcome = await appendEntry(store, request(project.id, uid(m), r.period!));
      expect(outcome.kind).toBe('appended');
      periods.push(r.period!);
    }
    expect(periods[0]!.start).toBe('2019-01-01T00:00:00+05:30');
    expect(periods[11]!.end).toBe('2020-01-01T00:00:00+05:30');
    for (let i = 1; i < 12; i++) expect(spanOf(periods[i]!).start).toBe(spanOf(periods[i - 1]!).end);
    const total = periods.reduce((s, p) => s + (spanOf(p).end - spanOf(p).start), 0);
    expect(total / 86_400_000).toBe(365);
    expect(spanOf(periods[0]!).start).toBe(Date.parse('2018-12-31T18:30:00Z'));

    // 15 January – 14 February overlaps January and February: refused.
    const overlapping = await run(
      project,
      `timestamp,EG_export,EG_import,TEG,FC_diesel\n${localHours('2019-01-15T01:00:00', 31 * 24)
        .map((t) => `${t},10,0,10,0`)
        .join('\n')}\n`,
    );
    expect(overlapping.status).toBe('accepted');
    const refused = await appendEntry(store, request(project.id, uid(99), overlapping.period!));
    expect(refused).toMatchObject({ kind: 'refused', overlaps: periods[0] });
    if (refused.kind === 'refused') expect(refused.reason).toContain('2019-01-01T00:00:00+05:30 – 2019-02-01T00:00:00+05:30 (Asia/Kolkata, end excluded)');
  });

  it('three consecutive 3-day files of a start-stamped landfill in America/Sao_Paulo tile and are recorded; --period days admit the evening readings', async () => {
    const project = ProjectSchema.parse({ ...fixture('landfill-gas'), id: 'sao-paulo-landfill', timeZone: 'America/Sao_Paulo' });
    const store = new FakeLedgerStore();
    const header = 'timestamp,LFG_flare,w_CH4,T_flare,t_below_500,flame,EC_PJ,LFG_EL,LFG_total';
    const file = (firstDay: number) =>
      `${header}\n${localHours(`2015-03-${pad(firstDay)}T00:00:00`, 72)
        .map((t) => `${t},1210,0.50,880,0,true,0.050,0,1230`)
        .join('\n')}\n`;
    const periods: Period[] = [];
    for (const [i, first] of [1, 4, 7].entries()) {
      const r = await run(project, file(first));
      expect(r.status, JSON.stringify(r.diagnostics.slice(0, 3))).toBe('accepted');
      expect(r.period).toEqual(localDays(`2015-03-${pad(first)}`, `2015-03-${pad(first + 2)}`, 'America/Sao_Paulo'));
      expect((await appendEntry(store, request(project.id, uid(i + 1), r.period!))).kind).toBe('appended');
      periods.push(r.period!);
    }
    expect(periods.map((p) => p.start)).toEqual(['2015-03-01T00:00:00-03:00', '2015-03-04T00:00:00-03:00', '2015-03-07T00:00:00-03:00']);
    expect(periods[2]!.end).toBe('2015-03-10T00:00:00-03:00');
    // The declared period 1–3 March (site days) admits 21:00–23:00 on 3 March (00:00–02:00 UTC on the 4th).
    const declared = await run(project, file(1), localDays('2015-03-01', '2015-03-03', 'America/Sao_Paulo'));
    expect(declared.status).toBe('accepted');
    expect(declared.rows.accepted).toBe(72);
    // A file of 3–5 March overlaps the first and second: refused.
    const again = await run(project, file(3));
    expect(await appendEntry(store, request(project.id, uid(9), again.period!))).toMatchObject({ kind: 'refused', overlaps: periods[0] });
  });

  it('refuses a local time that a DST change repeats or skips, and a file mixing local times and offsets, naming the row', async () => {
    const project = ProjectSchema.parse({
      ...fixture('landfill-gas'),
      id: 'berlin-landfill',
      timeZone: 'Europe/Berlin',
      creditingPeriod: { start: '2013-01-01', end: '2025-12-31' },
    });
    const header = 'timestamp,LFG_flare,w_CH4,T_flare,t_below_500,flame,EC_PJ,LFG_EL,LFG_total';
    const row = ',1210,0.50,880,0,true,0.050,0,1230';
    const ambiguous = await run(project, `${header}\n2024-10-27T01:00:00${row}\n2024-10-27T02:00:00${row}\n`);
    expect(ambiguous.diagnostics[0]).toMatchObject({ code: 'row.invalid_timestamp', location: { row: 2 } });
    expect(ambiguous.diagnostics[0]!.message).toMatch(/happened twice in Europe\/Berlin/);
    const skipped = await run(project, `${header}\n2024-03-31T02:00:00${row}\n`);
    expect(skipped.diagnostics[0]!.message).toMatch(/did not exist in Europe\/Berlin/);
    const mixed = await run(project, `${header}\n2024-06-01T00:00:00+02:00${row}\n2024-06-01T01:00:00${row}\n`);
    expect(mixed.diagnostics.map((d) => [d.code, d.location?.row])).toEqual([['row.invalid_timestamp', 2]]);
    expect(mixed.status).toBe('rejected');
  });

  it('a registration without a time zone keeps reading in UTC (the samples stay valid)', async () => {
    const project = ProjectSchema.parse(fixture('landfill-gas'));
    expect(project.timeZone).toBeUndefined();
    const r = await run(project, readFileSync(new URL('../../../../methodologies/landfill-gas/1.0.0/fixtures/valid.csv', import.meta.url), 'utf8'));
    expect(r.period?.timeZone).toBe('UTC');
  });
});

describe('columns: nothing silently ignored that could matter', () => {
  it('refuses a misspelled optional project-side column with a did-you-mean, instead of crediting more', async () => {
    const project = ProjectSchema.parse(fixture('grid-renewable'));
    const rows = localHours('2015-06-01T01:00:00', 24).map((t) => `${t}Z,10,0,10,0.5`);
    const good = await run(project, `timestamp,EG_export,EG_import,TEG,FC_diesel\n${rows.join('\n')}\n`);
    expect(good.status).toBe('accepted');
    const typo = await run(project, `timestamp,EG_export,EG_import,TEG,FC_diesle\n${rows.join('\n')}\n`);
    expect(typo.status).toBe('rejected');
    expect(typo.diagnostics[0]).toMatchObject({
      severity: 'error',
      code: 'header.misspelled_column',
      location: { column: 'FC_diesle' },
      expected: 'FC_diesel',
    });
    expect(typo.diagnostics[0]!.message).toContain('did you mean FC_diesel?');
    // An unrelated extra column stays a warning, listed in the result.
    const extra = await run(project, `timestamp,EG_export,EG_import,TEG,FC_diesel,operator_note\n${rows.map((r) => `${r},ok`).join('\n')}\n`);
    expect(extra.status).toBe('accepted');
    expect(extra.diagnostics.map((d) => [d.severity, d.code])).toEqual([['warning', 'header.unknown_column']]);
  });
});
