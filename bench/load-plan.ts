/**
 * The pure part of the load test (bench/load.mjs): which projects and files to upload, the latency
 * percentiles, and the check that every upload has exactly one outcome. No I/O here, so
 * test/unit/bench/load-plan.test.ts can pin it down.
 */
import { createHash } from 'node:crypto';
import { uploadIdOf } from '../core/review/upload-id.ts';

/** The three kinds of sample project the load test registers copies of (small files, cheap per upload). */
export const LOAD_KINDS = [
  // samples/projects/jcm-pv-rooftop-th.json: one monthly meter reading per file (1 row).
  { kind: 'jcm', sample: 'jcm-pv-rooftop-th', firstMonth: '2019-01', rows: 'one' },
  // samples/projects/fab-nf3-kr.json: one row per day of the month (11 columns).
  { kind: 'fgas', sample: 'fab-nf3-kr', firstMonth: '2016-01', rows: 'daily' },
  // samples/projects/wind-tamil-nadu-in.json without its hourly interval and without diesel back-up: one row per day of the month.
  { kind: 'grid', sample: 'wind-tamil-nadu-in', firstMonth: '2023-01', rows: 'daily' },
] as const;
export type LoadKind = (typeof LOAD_KINDS)[number]['kind'];

export type BadKind = 'missing-column' | 'text-in-number';

export interface PlannedProject {
  readonly id: string;
  readonly kind: LoadKind;
  /** The sample registration this project copies (file name under samples/projects without `.json`). */
  readonly sample: string;
}

export interface PlannedUpload {
  /** 0-based position in the plan (the order the uploader takes them in). */
  readonly index: number;
  readonly projectId: string;
  readonly kind: LoadKind;
  /** `<yyyy-mm>.csv`: one monitoring month. */
  readonly fileName: string;
  readonly body: string;
  /** Data rows in the file (header excluded). */
  readonly rows: number;
  /** The outcome the pipeline must give it. */
  readonly expected: 'accepted' | 'rejected';
  readonly bad?: BadKind;
  /** What the pipeline will call it: uploadIdOf(projectId, sha256(body)). */
  readonly uploadId: string;
}

export interface LoadPlan {
  readonly projects: readonly PlannedProject[];
  readonly uploads: readonly PlannedUpload[];
}

export interface LoadPlanOptions {
  readonly uploads: number;
  readonly projects: number;
  /** Share of deliberately bad files (rejected by the pipeline), e.g. 0.05. */
  readonly badShare: number;
  readonly seed: number;
}

/** mulberry32: a small seeded PRNG, so every machine plans byte-identical files. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `2019-01` plus `k` months. */
function addMonths(first: string, k: number): { year: number; month: number; label: string; days: number } {
  const [y, m] = first.split('-').map(Number) as [number, number];
  const total = y * 12 + (m - 1) + k;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  return { year, month, label: `${year}-${pad(month)}`, days: new Date(Date.UTC(year, month, 0)).getUTCDate() };
}

const HEADERS: Record<LoadKind, readonly string[]> = {
  jcm: ['timestamp', 'EG', 'EG_import'],
  fgas: ['timestamp', 'FC_NF3', 'FC_CF4', 'FC_C2F6', 'FC_C3F8', 'FC_cC4F8', 'FC_SF6', 'FC_CHF3', 'a', 'EC_abatement', 'FC_NG'],
  grid: ['timestamp', 'EG_export', 'EG_import'],
};

/** One data row of a kind, plausible for the sample project it copies (values in the columns' units). */
function row(kind: LoadKind, date: string, r: () => number): string[] {
  const v = (lo: number, hi: number, d: number) => (lo + r() * (hi - lo)).toFixed(d);
  switch (kind) {
    case 'jcm': // 1.5 MW rooftop PV: ≈150–220 MWh a month, a little auxiliary import
      return [date, v(150, 220, 3), v(0.2, 0.4, 3)];
    case 'fgas': // kg of each gas fed to the tools per day, abatement uptime, kWh and m³ of the abatement units
      return [
        date,
        v(40, 60, 1),
        v(3, 4, 1),
        v(7, 9, 1),
        v(0, 2, 1),
        v(1, 3, 1),
        v(0.7, 1.2, 1),
        v(1, 1.6, 1),
        r() < 0.9 ? '1' : v(0.95, 1, 2),
        v(1.1, 1.3, 3),
        v(0.14, 0.16, 3),
      ];
    case 'grid': // 12 MW wind: 40–120 MWh a day exported, a little imported
      return [date, v(40, 120, 3), v(0, 0.5, 3)];
  }
}

/**
 * The plan: `projects` copies of the three sample projects (round robin), `uploads` monthly files
 * spread evenly over them (project p gets months 0, 1, 2, … of its kind), and exactly
 * round(uploads × badShare) of them deliberately bad (a missing column or text in a number column),
 * chosen by the seed. Deterministic; throws if two files would get the same upload id.
 */
export function planLoad(o: LoadPlanOptions): LoadPlan {
  if (!Number.isInteger(o.uploads) || o.uploads < 1) throw new RangeError(`uploads must be a positive integer, not ${o.uploads}`);
  if (!Number.isInteger(o.projects) || o.projects < 1) throw new RangeError(`projects must be a positive integer, not ${o.projects}`);
  if (!(o.badShare >= 0 && o.badShare <= 1)) throw new RangeError(`badShare must be between 0 and 1, not ${o.badShare}`);
  const r = seededRandom(o.seed);
  const projects: PlannedProject[] = Array.from({ length: o.projects }, (_, p) => {
    const k = LOAD_KINDS[p % LOAD_KINDS.length]!;
    return { id: `load-${k.kind}-${pad(p + 1)}`, kind: k.kind, sample: k.sample };
  });
  // Bad files: a seeded choice of exactly round(uploads × badShare) positions.
  const badCount = Math.round(o.uploads * o.badShare);
  const order = Array.from({ length: o.uploads }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const bad = new Map(order.slice(0, badCount).map((i, n) => [i, (n % 2 === 0 ? 'missing-column' : 'text-in-number') as BadKind]));

  const uploads: PlannedUpload[] = [];
  const ids = new Set<string>();
  for (let index = 0; index < o.uploads; index++) {
    const project = projects[index % o.projects]!;
    const k = LOAD_KINDS.find((x) => x.kind === project.kind)!;
    const month = addMonths(k.firstMonth, Math.floor(index / o.projects));
    const dates = k.rows === 'one' ? [`${month.label}-01`] : Array.from({ length: month.days }, (_, d) => `${month.label}-${pad(d + 1)}`);
    let header = [...HEADERS[project.kind]];
    let rows = dates.map((d) => row(project.kind, d, r));
    const badKind = bad.get(index);
    if (badKind === 'missing-column') {
      // The last column is left out (in the header and every row): header.missing_column.
      header = header.slice(0, -1);
      rows = rows.map((x) => x.slice(0, -1));
    } else if (badKind === 'text-in-number') {
      // One reading written as text: row.not_a_number.
      const target = rows[Math.floor(r() * rows.length)]!;
      target[1] = 'n/a';
    }
    const body = `${[header, ...rows].map((x) => x.join(',')).join('\n')}\n`;
    const uploadId = uploadIdOf(project.id, createHash('sha256').update(body).digest('hex'));
    if (ids.has(uploadId)) throw new Error(`planLoad: two files of ${project.id} have the same content (upload ${uploadId}); change the seed`);
    ids.add(uploadId);
    uploads.push({
      index,
      projectId: project.id,
      kind: project.kind,
      fileName: `${month.label}.csv`,
      body,
      rows: rows.length,
      expected: badKind ? 'rejected' : 'accepted',
      ...(badKind ? { bad: badKind } : {}),
      uploadId,
    });
  }
  return { projects, uploads };
}

/**
 * The registration of a planned project: its sample's registration under the project's id. The grid
 * projects drop the sample's hourly `monitoringIntervalMinutes`, since their files hold daily totals.
 */
export function registrationOf(sample: Readonly<Record<string, unknown>>, project: PlannedProject): Record<string, unknown> {
  const { monitoringIntervalMinutes: _interval, ...rest } = sample;
  // Grid files carry no FC_diesel column: the copy's monitoring plan says the site has no diesel back-up.
  return {
    ...(project.kind === 'grid' ? { ...rest, sources: { diesel_backup: false } } : sample),
    id: project.id,
    name: `Load test: ${project.id} (a copy of the sample ${project.sample})`,
  };
}

/** Nearest-rank percentile (the smallest value with at least p % of the values at or below it); undefined for no values. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile: p must be in (0, 100], not ${p}`);
  if (!values.length) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil((p / 100) * sorted.length) - 1];
}

/** What the bench read back from the stack for one upload id (after the run, from the stores themselves). */
export interface ObservedOutcome {
  /** Submission records with this upload id (a table scan: 0, 1, or more if something went badly wrong). */
  readonly submissions: number;
  readonly submissionStatus?: string;
  /** Status in reports/<project>/<upload>.json; undefined when there is no report. */
  readonly reportStatus?: string;
  /** Messages in the review queue for this upload id. */
  readonly reviewItems: number;
}

export interface OutcomeProblem {
  readonly uploadId: string;
  /** The upload's file (`<projectId>/<fileName>`), or `(unexpected)` for an id the plan does not contain. */
  readonly upload: string;
  readonly problem: string;
}

/**
 * Every planned upload has exactly one outcome, the one planned: one submission record; a report
 * with the expected status; accepted → submission pending review and exactly one review item;
 * rejected → submission rejected and no review item. Ids the stack holds that the plan does not
 * (a submission, a report or a review item) are problems too. Returns the problems, none when all is well.
 */
export function checkOutcomes(
  uploads: readonly Pick<PlannedUpload, 'uploadId' | 'projectId' | 'fileName' | 'expected'>[],
  observed: ReadonlyMap<string, ObservedOutcome>,
): OutcomeProblem[] {
  const problems: OutcomeProblem[] = [];
  const planned = new Set<string>();
  for (const u of uploads) {
    planned.add(u.uploadId);
    const add = (problem: string) => problems.push({ uploadId: u.uploadId, upload: `${u.projectId}/${u.fileName}`, problem });
    const o = observed.get(u.uploadId);
    if (!o || (o.submissions === 0 && o.reportStatus === undefined && o.reviewItems === 0)) {
      add('no outcome: no report, no submission, no review item');
      continue;
    }
    if (o.submissions !== 1) add(`${o.submissions} submission records (expected exactly 1)`);
    if (o.reportStatus === undefined) add('no report');
    else if (o.reportStatus !== u.expected) add(`report says ${o.reportStatus}, expected ${u.expected}`);
    if (u.expected === 'accepted') {
      if (o.submissions === 1 && o.submissionStatus !== 'pending-review') add(`submission status ${o.submissionStatus}, expected pending-review`);
      if (o.reviewItems !== 1) add(`${o.reviewItems} review items (expected exactly 1)`);
    } else {
      if (o.submissions === 1 && o.submissionStatus !== 'rejected') add(`submission status ${o.submissionStatus}, expected rejected`);
      if (o.reviewItems !== 0) add(`${o.reviewItems} review items for a rejected upload (expected none)`);
    }
  }
  for (const [uploadId, o] of observed) {
    if (planned.has(uploadId)) continue;
    if (o.submissions || o.reportStatus !== undefined || o.reviewItems)
      problems.push({
        uploadId,
        upload: '(unexpected)',
        problem: `an outcome for an upload the bench did not make (${o.submissions} submissions, report ${o.reportStatus ?? 'none'}, ${o.reviewItems} review items)`,
      });
  }
  return problems;
}

/** Counts of outcomes by kind, for the record (`outcomes`). */
export function countOutcomes(observed: ReadonlyMap<string, ObservedOutcome>): {
  accepted: number;
  rejected: number;
  other: number;
  reviewItems: number;
  submissions: number;
} {
  let accepted = 0;
  let rejected = 0;
  let other = 0;
  let reviewItems = 0;
  let submissions = 0;
  for (const o of observed.values()) {
    if (o.reportStatus === 'accepted') accepted++;
    else if (o.reportStatus === 'rejected') rejected++;
    else other++;
    reviewItems += o.reviewItems;
    submissions += o.submissions;
  }
  return { accepted, rejected, other, reviewItems, submissions };
}
