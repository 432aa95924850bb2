import { describe, expect, it } from 'vitest';
import Decimal from 'decimal.js';
import { calculate } from '../../core/calculation/calculate.ts';
import { bytesOf } from '../../core/kit/conformance.ts';
import { ProjectSchema, type Project } from '../../core/project/project.ts';
import type { ReviewItem, Decision } from '../../core/review/schemas.ts';
import { assembleReport, type AssembleDeps } from '../../functions/assemble-report/assemble.ts';
import { buildReviewItem } from '../../core/review/review-item.ts';
import { checkTiling } from '../../core/report/monitoring-report.ts';
import { MemoryAuditStore } from '../../core/audit/fake-store.ts';
import { ingestObject, type IngestDeps } from '../../functions/ingest-upload/ingest.ts';
import { recordDecision } from '../../functions/record-decision/record.ts';
import type { Notification } from '../../functions/shared/notifications.ts';
import { BUCKET_LAYOUT } from '../../functions/shared/resources.ts';
import { registry } from '../../methodologies/index.ts';
import { FakeLedgerStore } from '../unit/core/ledger/fake-ledger-store.ts';
import { FakeReports, recordingLog, recordingMetrics } from './helpers.ts';
import { ListingSubmissions, monthCsv } from './report-world.ts';
import projectJson from '../../methodologies/grid-renewable/1.0.0/fixtures/project.json' with { type: 'json' };
import manureJson from '../../methodologies/manure-methane/1.0.0/fixtures/project.json' with { type: 'json' };

const project: Project = ProjectSchema.parse(projectJson);
const P = project.id;

function world(registration: Record<string, unknown> = projectJson) {
  const P = registration.id as string;
  const files = new Map<string, string>();
  const submissions = new ListingSubmissions();
  const reports = new FakeReports();
  const queued: ReviewItem[] = [];
  const notes: Notification[] = [];
  const ledger = new FakeLedgerStore();
  const now = () => new Date('2016-02-01T10:00:00Z');
  const ingestDeps: IngestDeps = {
    monitoring: {
      head: async (key) => (files.has(key) ? { bytes: files.get(key)!.length, metadata: {} } : undefined),
      open: async (key) => ({ source: bytesOf(files.get(key)!), failure: () => undefined }),
    },
    reports,
    projects: { get: async (id) => (id === P ? registration : undefined) },
    submissions,
    reviewQueue: { send: async (item) => void queued.push(item) },
    registry,
    now,
    logger: recordingLog(),
    metrics: recordingMetrics(),
  };
  const audit = new MemoryAuditStore();
  const deps: AssembleDeps = {
    submissions,
    reports,
    projects: ingestDeps.projects,
    reviewQueue: ingestDeps.reviewQueue,
    registry,
    now,
    notifier: { publish: async (n) => void notes.push(n) },
    audit: { store: audit, actor: { principal: 'iam:AIDATEST', role: 'registrar', name: 'Test Operator' } },
  };
  const upload = async (name: string, text: string) => {
    const key = BUCKET_LAYOUT.uploads(P, name);
    files.set(key, text);
    expect(await ingestObject(ingestDeps, key)).toBe('accepted');
    return [...submissions.items.values()].find((s) => s.file.key === key)!.uploadId;
  };
  const decide = (uploadId: string, decision: 'approve' | 'reject' = 'approve') =>
    recordDecision({ submissions, ledger, reports, now, logger: recordingLog(), metrics: recordingMetrics() }, {
      schemaVersion: 1,
      uploadId,
      decision,
      verifier: 'DOE X, A. Auditor',
      decidedAt: '2016-02-02T09:00:00.000Z',
      ...(decision === 'reject' ? { reason: 'no' } : {}),
    } as Decision);
  return { files, submissions, reports, queued, notes, ledger, deps, upload, decide, audit };
}

/** The year 2015 as a verifier types it: local dates of the site, both included. */
const YEAR_TEXT = '2015-01-01..2015-12-31';
/** …read on a UTC site's clock: half-open instants. */
const YEAR = { start: '2015-01-01T00:00:00+00:00', end: '2016-01-01T00:00:00+00:00', timeZone: 'UTC' };
const months = Array.from({ length: 12 }, (_, i) => i + 1);

describe('monitoring reports: twelve monthly uploads → one annual report', () => {
  it('merges exactly (equal to one pass over the year), queues one review item, and issues once', async () => {
    const w = world();
    const ids: string[] = [];
    for (const m of months) ids.push(await w.upload(`2015-${String(m).padStart(2, '0')}.csv`, monthCsv(m)));
    expect(w.queued).toHaveLength(12); // each upload waits on its own until a report takes it

    const outcome = await assembleReport(w.deps, { projectId: P, period: YEAR_TEXT });
    expect(outcome.kind, outcome.report.problems.join('\n')).toBe('queued');
    const { report } = outcome;
    expect(report.uploads.map((u) => u.uploadId)).toEqual(ids);

    // The report's numbers are the one-pass numbers of the whole year, to the last digit.
    const year = months.map((m) => monthCsv(m, m === 1)).join('');
    const single = await calculate({ source: bytesOf(year), fileName: 'year.csv', project, registry, period: YEAR });
    const { file: _a, ...merged } = report.result!;
    const { file: _b, ...onePass } = single;
    expect(merged).toEqual(onePass);
    // …and the sums of its uploads: per-upload ERs (each rounded to 1 g) add up to the report's ER within that rounding.
    const sumOfUploads = report.uploads.reduce((a, u) => a.plus(u.er!), new Decimal(0));
    expect(
      sumOfUploads
        .minus(report.result!.totals!.ER)
        .abs()
        .lte(12 * 0.0000005),
    ).toBe(true);
    expect(report.result!.rows.accepted).toBe(report.uploads.reduce((a, u) => a + u.rows.accepted, 0));

    const item = w.queued.at(-1)!;
    expect(item).toMatchObject({ uploadId: report.reportId, period: YEAR, report: { reportId: report.reportId, uploads: expect.any(Array) } });
    // Materiality, the PDD comparison, the small-scale check and issuance are those of the whole year,
    // exactly what a single pass over the year gives (not sums of monthly roundings).
    const yearItem = buildReviewItem({
      result: single,
      uploadId: report.reportId,
      project,
      ccs: false,
      file: { key: 'year.csv' },
      resultKey: 'r',
      reportKey: 'k',
      createdAt: item.createdAt,
    });
    expect(item.materiality).toEqual(yearItem.materiality);
    expect(item.pddComparison).toEqual(yearItem.pddComparison);
    expect(item.issuable).toEqual(yearItem.issuable);
    expect(item.issuance).toEqual(yearItem.issuance);
    // Twelve single-file verifications would round down twelve times: the report issues the year's floor once.
    const monthlyUnits = w.queued.slice(0, 12).reduce((a, q) => a + Number(q.issuable.units), 0);
    expect(Number(item.issuable.units)).toBeGreaterThanOrEqual(monthlyUnits);
    expect(item.report!.uploads).toHaveLength(12);
    expect(item.pddComparison.periodDays).toBe(365);
    expect(w.notes.map((n) => n.event)).toEqual(['item-waiting', 'report-ready']);

    // Assembling again is the same report: nothing new is queued.
    expect((await assembleReport(w.deps, { projectId: P, period: YEAR_TEXT })).kind).toBe('existing');
    expect(w.queued).toHaveLength(13);
    // Assembling is audited once, under the caller (issue 13).
    expect(await w.audit.list(P)).toEqual([
      expect.objectContaining({
        action: 'monitoring-report.assemble',
        subject: report.reportId,
        outcome: 'queued',
        actor: { principal: 'iam:AIDATEST', role: 'registrar', name: 'Test Operator' },
        details: { period: `${YEAR.start}/${YEAR.end}`, uploads: 12, er: report.result!.totals!.ER },
      }),
    ]);

    expect(await w.decide(report.reportId)).toBe('approved');
    const entries = await w.ledger.listEntries(P);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ uploadId: report.reportId, period: YEAR, er: report.result!.totals!.ER, issuance: { units: item.issuance.units } });
    // A month of the issued year cannot be issued again on its own.
    expect(await w.decide(ids[3]!)).toBe('refused');
    expect(await w.ledger.listEntries(P)).toHaveLength(1);
  }, 120_000);

  it('refuses a report with a missing month, naming the gap; nothing is queued', async () => {
    const w = world();
    for (const m of months.filter((m) => m !== 4)) await w.upload(`2015-${m}.csv`, monthCsv(m));
    const outcome = await assembleReport(w.deps, { projectId: P, period: YEAR_TEXT });
    expect(outcome.kind).toBe('refused');
    expect(outcome.report.tiling.gaps).toEqual([{ from: '2015-04-01T00:00:00+00:00', to: '2015-05-01T00:00:00+00:00', days: 30 }]);
    expect(outcome.report.problems).toEqual(['No upload covers 2015-04-01 – 2015-04-30 (30 days, UTC): upload the data for it, or end the report before it.']);
    expect(w.queued).toHaveLength(11);
    expect(w.submissions.items.get(outcome.report.reportId)).toMatchObject({ status: 'rejected', kind: 'monitoring-report' });
    expect(await w.reports.getJson(BUCKET_LAYOUT.monitoringReport(P, outcome.report.reportId))).toMatchObject({ status: 'refused' });
    expect(w.notes.map((n) => n.event)).toEqual(['report-rejected']);
    expect(await w.audit.list(P)).toEqual([
      expect.objectContaining({
        action: 'monitoring-report.assemble',
        outcome: 'refused',
        reason: expect.stringContaining('No upload covers 2015-04-01 – 2015-04-30'),
      }),
    ]);
  }, 120_000);

  it('refuses overlapping uploads, naming both', async () => {
    const w = world();
    await w.upload('jan.csv', monthCsv(1));
    const feb = monthCsv(2);
    await w.upload('feb.csv', feb);
    // Last day of January again, inside the February file.
    await w.upload(
      'feb-with-jan-31.csv',
      `${monthCsv(1).split('\n').slice(0, 1).join('\n')}\n${monthCsv(1).trim().split('\n').slice(-24).join('\n')}\n${feb.split('\n').slice(1).join('\n')}`,
    );
    const outcome = await assembleReport(w.deps, { projectId: P, period: '2015-01-01..2015-02-28' });
    expect(outcome.kind).toBe('refused');
    expect(outcome.report.problems.join('\n')).toMatch(/jan\.csv and feb-with-jan-31\.csv both cover 2015-01-31 – 2015-01-31 \(1 day, UTC\)/);
  }, 60_000);

  it('a report of one upload is the single-file flow with the same numbers', async () => {
    const w = world();
    const id = await w.upload('jun.csv', monthCsv(6));
    const alone = w.queued[0]!;
    const outcome = await assembleReport(w.deps, { projectId: P, period: '2015-06-01..2015-06-30', uploadIds: [id] });
    expect(outcome.kind).toBe('queued');
    expect(outcome.report.result!.totals).toEqual(alone.totals);
    expect(outcome.report.result!.issuable).toEqual(alone.issuable);
  }, 60_000);

  it("tiles on the site's clock: months of local times in Asia/Kathmandu (+05:45) tile end-to-start, and the report is the local year", async () => {
    const w = world({ ...projectJson, id: 'fixture-hydro-kathmandu', timeZone: 'Asia/Kathmandu' });
    const ids: string[] = [];
    for (const m of [1, 2, 3]) ids.push(await w.upload(`2015-0${m}.csv`, monthCsv(m, true, '')));
    const periods = ids.map((id) => w.submissions.items.get(id)!.period!);
    expect(periods.map((p) => [p.start, p.end])).toEqual([
      ['2015-01-01T00:00:00+05:45', '2015-02-01T00:00:00+05:45'],
      ['2015-02-01T00:00:00+05:45', '2015-03-01T00:00:00+05:45'],
      ['2015-03-01T00:00:00+05:45', '2015-04-01T00:00:00+05:45'],
    ]);
    const outcome = await assembleReport(w.deps, { projectId: 'fixture-hydro-kathmandu', period: '2015-01-01..2015-03-31' });
    expect(outcome.kind, outcome.report.problems.join('\n')).toBe('queued');
    expect(outcome.report.period).toEqual({ start: '2015-01-01T00:00:00+05:45', end: '2015-04-01T00:00:00+05:45', timeZone: 'Asia/Kathmandu' });
    expect(outcome.report.result!.qaqc!.gaps).toEqual([]);
    // The same months on a UTC grid do not fit: the UTC quarter starts and ends 5 h 45 min after the local one.
    const utc = await assembleReport(w.deps, { projectId: 'fixture-hydro-kathmandu', period: '2015-01-01T00:00:00Z/2015-04-01T00:00:00Z' });
    expect(utc.kind).toBe('refused');
    expect(utc.report.problems).toEqual([
      'No upload covers 2015-04-01T00:00:00+05:45 – 2015-04-01T05:45:00+05:45 (Asia/Kathmandu, end excluded): upload the data for it, or end the report before it.',
      expect.stringMatching(/^2015-01\.csv reaches outside 2015-01-01T05:45:00\+05:45 – 2015-04-01T05:45:00\+05:45 \(Asia\/Kathmandu, end excluded\)/),
    ]);
  }, 60_000);
});

describe('monitoring reports: the small-scale limit applies to the whole verified period', () => {
  it('a Type III report of January (above its pro-rated limit) and February (far below) is capped on the two months together, as one pass over them is', async () => {
    const w = world(manureJson);
    const header = 'timestamp,N,d,BG_burnt,w_CH4,FE,EC_PJ,BG_flared\n';
    const jan = '2015-01-01,40000,31,1340000,0.60,0.90,168,0\n';
    const feb = '2015-02-01,1005,28,30100,0.61,0.90,3.9,0\n';
    await w.upload('2015-01.csv', header + jan);
    await w.upload('2015-02.csv', header + feb);
    // Alone, January is capped at 60,000 t × 31/365 and February is not: 5,095 + 189 units.
    expect(w.queued.map((q) => [q.issuable.units, q.issuable.smallScaleCap?.applied])).toEqual([
      ['5095', true],
      ['189', false],
    ]);
    const outcome = await assembleReport(w.deps, { projectId: manureJson.id, period: '2015-01-01..2015-02-28' });
    expect(outcome.kind, outcome.report.problems.join('\n')).toBe('queued');
    const both = await calculate({ source: bytesOf(header + jan + feb), fileName: 'jan-feb.csv', project: ProjectSchema.parse(manureJson), registry });
    const r = outcome.report.result!;
    expect(r.issuable).toEqual(both.issuable);
    expect(r.totals).toEqual(both.totals);
    // The verified period is the two months: the limit is 60,000 t × 59/365 and the 8,523.68 t are under it.
    expect(r.issuable!.smallScaleCap).toMatchObject({ proRating: expect.stringContaining('× 59/365'), applied: false });
    expect(r.issuable!.units).toBe('8523');
    expect(w.queued.at(-1)!.issuance.units).toBe(r.issuable!.units);
  }, 60_000);
});

describe('checkTiling: half-open instants [start, end)', () => {
  const p = (start: string, end: string) => ({ start, end, timeZone: 'Asia/Kolkata' });
  const quarter = p('2023-01-01T00:00:00+05:30', '2023-04-01T00:00:00+05:30');
  it('uploads tile when one ends where the next starts', () => {
    const t = checkTiling(quarter, [
      { uploadId: 'a', name: 'jan', period: p('2023-01-01T00:00:00+05:30', '2023-02-01T00:00:00+05:30') },
      { uploadId: 'c', name: 'mar', period: p('2023-03-01T00:00:00+05:30', '2023-04-01T00:00:00+05:30') },
      { uploadId: 'b', name: 'feb', period: p('2023-02-01T00:00:00+05:30', '2023-03-01T00:00:00+05:30') },
    ]);
    expect(t).toEqual({ gaps: [], overlaps: [], outside: [] });
  });
  it("names an hour missing between two uploads, and an hour covered twice, as instants on the site's clock", () => {
    const gap = checkTiling(quarter, [
      { uploadId: 'a', name: 'jan', period: p('2023-01-01T00:00:00+05:30', '2023-02-01T00:00:00+05:30') },
      { uploadId: 'b', name: 'feb-mar', period: { start: '2023-01-31T19:30:00Z', end: '2023-03-31T18:30:00Z' } },
    ]);
    expect(gap.gaps).toEqual([{ from: '2023-02-01T00:00:00+05:30', to: '2023-02-01T01:00:00+05:30', days: 1 / 24 }]);
    const overlap = checkTiling(quarter, [
      { uploadId: 'a', name: 'jan', period: p('2023-01-01T00:00:00+05:30', '2023-02-01T01:00:00+05:30') },
      { uploadId: 'b', name: 'feb-mar', period: p('2023-02-01T00:00:00+05:30', '2023-04-01T00:00:00+05:30') },
    ]);
    expect(overlap).toEqual({
      gaps: [],
      overlaps: [{ uploads: ['jan', 'feb-mar'], from: '2023-02-01T00:00:00+05:30', to: '2023-02-01T01:00:00+05:30' }],
      outside: [],
    });
  });
});
