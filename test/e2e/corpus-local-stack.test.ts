/**
 * The hostile-file corpus (test/corpus/manifest.json) through the local stack: every file is put with
 * the AWS SDK under uploads/<project-id>/<file> (lib-storage multipart above 5 MB), the S3 notification
 * reaches the ingest function, and each upload gets the manifest's documented outcome in its report
 * (reports/<project>/<uploadId>.json): `mrv calc` exit 0 ↔ accepted, exit 1 ↔ rejected / not applicable,
 * the expected diagnostic codes at the stated row/column, a text report that names them. An accepted
 * upload has its results/ object and one review-queue item; any other has neither. The raw object stays
 * byte-identical, nothing lands in the ingest DLQ, no ingest delivery is retried, and no object is
 * written beyond the reports, results and stored partial results of these uploads (no half-written result).
 *
 * Adapted entries (the CLI half, test/corpus/corpus.test.ts, runs them as documented):
 * - `period` entries (ts-outside-period.csv, `mrv calc --period`): an upload declares no monitoring period,
 *   so the pipeline must give what `mrv calc` gives for the same file without `--period` (computed here).
 * - registrations the CLI refuses with exit 2 cannot be registered (`mrv project register` exits 2, checked
 *   here); the pipeline's equivalent is a `project.invalid` rejection report: an upload to the folder of an
 *   unknown project (does-not-exist), to a folder that is not a project id (invalid: "Corpus Invalid!", report
 *   under reports/_invalid-project/), or for a registration stored in the table whose methodology version is
 *   not in the registry (wrong-version, put with the projects repository as another client could).
 * - content-identical files in one project are one upload (the upload id is derived from the project and
 *   the content): the second of them (xlsx-zero-bytes.xlsx = empty.csv, 0 bytes) goes to a copy of the
 *   fixture project, so each entry is processed and reported on its own.
 *
 * Known intermittent failure (a product bug, reported, not masked): an accepted-expected XLSX entry can come
 * back file.unreadable "Cannot read properties of undefined (reading 'sheets')" — exceljs's streaming reader
 * race (exceljs/exceljs#3064) under core/readers/xlsx.ts; the failure message says so when it happens.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { GetObjectCommand, PutObjectCommand, paginateListObjectsV2 } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ID } from '../../core/project/project.ts';
import type { UploadReport } from '../../core/report/upload-report.ts';
import { uploadIdOf } from '../../core/review/upload-id.ts';
import { PollTimeoutError, pollUntil } from '../../cli/local-stack/poll.ts';
import { encodeS3EventKey } from '../../cli/local-stack/s3-notifications.ts';
import { INVALID_PROJECT_FOLDER } from '../../functions/ingest-upload/ingest.ts';
import { dynamoProjects } from '../../functions/shared/aws/dynamo-repositories.ts';
import { BUCKET_LAYOUT, ENV, QUEUES } from '../../functions/shared/resources.ts';
import { mrv } from '../helpers/cli.ts';
import {
  checkOutcome,
  CORPUS_DIR,
  DEFAULT_PROJECT,
  loadManifest,
  materializeCorpus,
  outcomeOf,
  outcomeOfReport,
  type CorpusEntry,
  type CorpusOutcome,
  type MaterializedEntry,
} from '../helpers/corpus.ts';
import { sqsEvents, startTestStack, type TestStack } from '../helpers/local-stack.ts';

/** lib-storage Upload (multipart) above this size, as `mrv upload` does. */
const MULTIPART_ABOVE = 5 * 1024 * 1024;
/** Concurrent uploads. */
const POOL = 4;
/**
 * Every report and ingest delivery within this. A safety net against a hung pipeline, not a speed target
 * (a healthy 2-core run needs ~10 s; `npm run bench` measures speed): generous, so that a loaded machine
 * cannot fail the test.
 */
const PROCESS_MS = 300_000;

const FIXTURE_ID = (JSON.parse(readFileSync(DEFAULT_PROJECT, 'utf8')) as { id: string }).id;
/** A copy of the fixture project for content-identical files (one content = one upload per project). */
const FIXTURE_COPY_ID = `${FIXTURE_ID}-b`;

/** How each registration of the manifest reaches the pipeline (key: the entry's `project`, '' = default). */
interface ProjectPlan {
  /** The upload folder: uploads/<folder>/<file>. */
  readonly folder: string;
  /** `mrv project register` (valid), straight into the table (the CLI refuses it), or not at all. */
  readonly registration: 'cli' | 'table' | 'none';
  /** Replaces a CLI exit-2 expectation: a pre-check rejection naming the problem. */
  readonly preCheck?: { readonly message: RegExp; readonly submission: boolean };
}
const PLANS: Record<string, ProjectPlan> = {
  '': { folder: FIXTURE_ID, registration: 'cli' },
  'projects/not-applicable.project.json': { folder: 'corpus-not-applicable', registration: 'cli' },
  'projects/berlin.project.json': { folder: 'corpus-berlin', registration: 'cli' },
  'projects/wrong-version.project.json': {
    folder: 'corpus-wrong-version',
    registration: 'table',
    preCheck: { message: /grid-renewable@9\.9\.9 is not registered/, submission: true },
  },
  'projects/does-not-exist.project.json': {
    folder: 'corpus-does-not-exist',
    registration: 'none',
    preCheck: { message: /"corpus-does-not-exist" is not registered/, submission: false },
  },
  'projects/invalid.project.json': {
    folder: 'Corpus Invalid!',
    registration: 'none',
    preCheck: { message: /"Corpus Invalid!" .*is not a project id/, submission: false },
  },
};

interface Run {
  readonly entry: MaterializedEntry;
  readonly plan: ProjectPlan;
  readonly projectId: string;
  readonly key: string;
  readonly body: Buffer;
  readonly sha256: string;
  readonly uploadId: string;
  /** Where the report goes (reports/_invalid-project/… for a folder that is not a project id). */
  readonly reportKey: string;
  readonly resultKey: string;
  /** For `period` entries: what `mrv calc` gives without `--period`. */
  cliWithoutPeriod?: CorpusOutcome;
}

let t: TestStack;
const dir = mkdtempSync(join(tmpdir(), 'mrv-corpus-stack-'));
const runs: Run[] = [];
const cliRegister = new Map<string, number>();
let processingMs = 0;
let pendingAtDeadline: string[] = [];

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const bucket = () => t.stack.resources.bucket;

async function listKeys(prefix: string): Promise<Set<string>> {
  const keys = new Set<string>();
  for await (const page of paginateListObjectsV2({ client: t.stack.clients.s3 }, { Bucket: bucket(), Prefix: prefix }))
    for (const o of page.Contents ?? []) keys.add(o.Key!);
  return keys;
}

async function getBytes(key: string): Promise<Buffer | undefined> {
  try {
    const r = await t.stack.clients.s3.send(new GetObjectCommand({ Bucket: bucket(), Key: key }));
    return Buffer.from(await r.Body!.transformToByteArray());
  } catch (error) {
    if ((error as { name?: string }).name === 'NoSuchKey') return undefined;
    throw error;
  }
}

/** Ingest deliveries of one object that the function completed (deleted from the queue). */
const consumed = (key: string) => sqsEvents(t, QUEUES.ingest.logicalName, 'consumed', `"key":"${encodeS3EventKey(key)}"`);

async function inPool<T>(items: readonly T[], size: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(size, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

async function registerWithCli(label: string, file: string): Promise<number> {
  const r = await t.mrv(['project', 'register', file]);
  cliRegister.set(label, r.code);
  return r.code;
}

beforeAll(async () => {
  const [stack, entries] = await Promise.all([startTestStack(), materializeCorpus(dir)]);
  t = stack;

  // Registrations: every `project` of the manifest has a plan (a new one must be added here).
  const used = new Set(entries.map((e) => e.project ?? ''));
  for (const p of used) if (!PLANS[p]) throw new Error(`No local-stack plan for the manifest's project ${p}: add it to PLANS.`);
  for (const p of used) {
    const plan = PLANS[p]!;
    const file = p ? join(CORPUS_DIR, p) : DEFAULT_PROJECT;
    const code = await registerWithCli(p, file);
    if (plan.registration === 'cli' && code !== 0) throw new Error(`mrv project register ${file} exited ${code}`);
    if (plan.registration === 'table')
      await dynamoProjects(t.ddb, t.stack.resources.env[ENV.projectsTable]).register(JSON.parse(readFileSync(file, 'utf8')), new Date().toISOString());
  }
  const copy = join(dir, `${FIXTURE_COPY_ID}.project.json`);
  writeFileSync(copy, JSON.stringify({ ...(JSON.parse(readFileSync(DEFAULT_PROJECT, 'utf8')) as object), id: FIXTURE_COPY_ID }));
  if ((await registerWithCli('copy', copy)) !== 0) throw new Error(`mrv project register ${copy} failed`);

  // One upload per entry; content-identical files in one project go to the fixture copy.
  const seen = new Set<string>();
  for (const entry of entries) {
    const plan = PLANS[entry.project ?? '']!;
    const body = readFileSync(entry.path);
    const hash = sha(body);
    const projectId = seen.has(`${plan.folder}:${hash}`) ? FIXTURE_COPY_ID : plan.folder;
    if (seen.has(`${projectId}:${hash}`)) throw new Error(`${entry.name}: a third content-identical file; add another fixture copy`);
    seen.add(`${projectId}:${hash}`);
    const uploadId = uploadIdOf(projectId, hash);
    const folder = PROJECT_ID.test(projectId) ? projectId : INVALID_PROJECT_FOLDER;
    runs.push({
      entry,
      plan,
      projectId,
      key: BUCKET_LAYOUT.uploads(projectId, basename(entry.path)),
      body,
      sha256: hash,
      uploadId,
      reportKey: BUCKET_LAYOUT.reportJson(folder, uploadId),
      resultKey: BUCKET_LAYOUT.result(folder, uploadId),
    });
  }
  for (const r of runs) if (r.entry.period) r.cliWithoutPeriod = outcomeOf(await mrv(['calc', '--json', '--project', r.entry.projectPath, r.entry.path]));

  const started = Date.now();
  await inPool(runs, POOL, async (r) => {
    const params = { Bucket: bucket(), Key: r.key, Body: r.body };
    if (r.body.length > MULTIPART_ABOVE) await new Upload({ client: t.stack.clients.s3, params }).done();
    else await t.stack.clients.s3.send(new PutObjectCommand(params));
  });
  // Bounded wait: every report written and every ingest delivery completed.
  const pending = async () => {
    const reports = await listKeys('reports/');
    return runs.filter((r) => !reports.has(r.reportKey) || consumed(r.key).length === 0).map((r) => r.entry.name);
  };
  try {
    await pollUntil(async () => (await pending()).length === 0 || undefined, { deadline: started + PROCESS_MS, intervalMs: 100, what: 'every corpus report' });
  } catch (error) {
    if (!(error instanceof PollTimeoutError)) throw error;
    pendingAtDeadline = await pending();
  }
  processingMs = Date.now() - started;
}, PROCESS_MS + 120_000);

afterAll(async () => {
  await t?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the corpus through the local stack', () => {
  it('every entry is uploaded and processed within the bound', () => {
    expect(runs.length).toBeGreaterThanOrEqual(100);
    expect(pendingAtDeadline, `not processed within ${PROCESS_MS / 1000} s`).toEqual([]);
    console.info(`corpus through the local stack: ${runs.length} uploads processed in ${processingMs} ms`);
  });

  it('registrations the CLI refuses as invalid (exit 2) cannot be registered; the others can', () => {
    for (const [p, plan] of Object.entries(PLANS)) if (cliRegister.has(p)) expect(cliRegister.get(p), p || 'default').toBe(plan.preCheck ? 2 : 0);
  });

  it('nothing crashed or was parked: no loop fault, no ingest delivery retried or in the DLQ, the queue drained', async () => {
    expect(t.faults).toEqual([]);
    expect(await t.peek(t.stack.resources.queues.ingest.dlq.url)).toEqual([]);
    expect(await t.queueDepth(t.stack.resources.queues.ingest.url)).toEqual({ visible: 0, inFlight: 0 });
    expect(t.spied((m) => m.service === 'sqs' && m.queueName === QUEUES.ingest.logicalName && m.status === 'dlq')).toEqual([]);
    const retried = runs.filter((r) => consumed(r.key).length !== 1).map((r) => `${r.entry.name}: ${consumed(r.key).length} completed deliveries`);
    expect(retried).toEqual([]);
  });

  it('no half-written result: the bucket holds exactly the uploads, two reports per upload and one result and one partial per accepted upload', async () => {
    const accepted = runs.filter((r) => r.entry.expect.status === 'accepted' || (r.entry.period && r.cliWithoutPeriod?.status === 'accepted'));
    expect(await listKeys('reports/')).toEqual(new Set(runs.flatMap((r) => [r.reportKey, r.reportKey.replace(/\.json$/, '.txt')])));
    expect(await listKeys('results/')).toEqual(new Set(accepted.map((r) => r.resultKey)));
    // Each accepted upload also stores its mergeable partial result (for monitoring reports), and only those.
    expect(await listKeys('partials/')).toEqual(new Set(accepted.map((r) => r.resultKey.replace(/^results\//, 'partials/'))));
    expect(await listKeys('')).toEqual(
      new Set([...runs.map((r) => r.key), ...(await listKeys('reports/')), ...(await listKeys('results/')), ...(await listKeys('partials/'))]),
    );
    const queued = t.spied((m) => m.service === 'sqs' && m.queueName === QUEUES.review.logicalName && m.status === 'published') as { body: string }[];
    expect(queued.map((m) => (JSON.parse(m.body) as { uploadId: string }).uploadId).sort()).toEqual(accepted.map((r) => r.uploadId).sort());
  });
});

/** The pipeline's expectation for an entry: the manifest's, or its equivalent where the CLI one cannot apply. */
function pipelineExpectation(r: Run): CorpusEntry {
  const e = r.entry;
  if (r.plan.preCheck) return { ...e, expect: { exit: 1, status: 'rejected', codes: ['project.invalid'] } };
  if (e.period) {
    const cli = r.cliWithoutPeriod!;
    return {
      ...e,
      period: undefined,
      expect: {
        exit: cli.exit === 0 ? 0 : 1,
        ...(cli.status ? { status: cli.status as CorpusEntry['expect']['status'] } : {}),
        codes: [...new Set(cli.diagnostics.map((d) => d.code))],
      },
    };
  }
  return e;
}

const codeRe = (code: string) =>
  new RegExp(
    code
      .split('|')
      .map((c) => c.replace(/\./g, '\\.'))
      .join('|'),
  );

/** Every mismatch between what the pipeline did with one upload and what is expected (empty = as documented). */
async function problemsOf(run: Run): Promise<{ problems: string[]; summary: string }> {
  const problems: string[] = [];
  const check = (ok: boolean, problem: string) => void (ok || problems.push(problem));
  const reportBytes = await getBytes(run.reportKey);
  if (!reportBytes) return { problems: [`no report at ${run.reportKey}`], summary: '' };
  const report = JSON.parse(reportBytes.toString('utf8')) as UploadReport;
  const text = (await getBytes(run.reportKey.replace(/\.json$/, '.txt')))?.toString('utf8') ?? '';
  const summary = `report: ${report.status} [${report.diagnostics.map((d) => `${d.code}${d.location?.row !== undefined ? `@row ${d.location.row}` : ''}${d.location?.column !== undefined ? `/${d.location.column.slice(0, 40)}` : ''}`).join(', ')}]`;

  // The report is about this upload, and gives the documented outcome.
  const u = report.upload;
  check(u.uploadId === run.uploadId && u.projectId === run.projectId && u.key === run.key, `report.upload ${JSON.stringify(u)}`);
  check(report.file.sha256 === run.sha256 && report.file.bytes === run.body.length, `report.file ${JSON.stringify(report.file)}`);
  const want = pipelineExpectation(run);
  problems.push(...checkOutcome(want, outcomeOfReport(report, text)));
  // Was a product bug, not a test flake: a valid workbook was reported as file.unreadable at random
  // (~1 read in 400 under load): unzipper 0.10 ended the entry stream early and exceljs lost its last entries,
  // xl/workbook.xml among them (ZJONSSON/node-unzipper#346). core/readers/xlsx.ts endOnlyWhenDrained holds the
  // early end back (test/unit/core/readers/xlsx-stream-end.test.ts); should it come back, say so plainly.
  if (problems.length && report.diagnostics.some((d) => d.code === 'file.unreadable') && run.key.endsWith('.xlsx'))
    problems.push('a workbook reported as file.unreadable: if it is valid, see endOnlyWhenDrained in core/readers/xlsx.ts (unzipper early end)');
  if (run.cliWithoutPeriod) {
    const where = (ds: CorpusOutcome['diagnostics']) => JSON.stringify(ds.map((d) => [d.code, d.location?.row, d.location?.column]));
    check(
      where(report.diagnostics) === where(run.cliWithoutPeriod.diagnostics),
      `diagnostics differ from mrv calc's: ${where(run.cliWithoutPeriod.diagnostics)}`,
    );
  }

  // The text report names every expected problem (and the row, where the manifest states one).
  check(text.startsWith('MRV validation report'), `no text report (${text.length} characters)`);
  for (const code of want.expect.codes) check(codeRe(code).test(text), `the text report does not name ${code}`);
  if (want.expect.row !== undefined) check(new RegExp(`row ${want.expect.row}\\b`).test(text), `the text report does not name row ${want.expect.row}`);
  if (run.plan.preCheck) {
    const message = report.diagnostics.find((d) => d.code === 'project.invalid')?.message ?? '';
    check(run.plan.preCheck.message.test(message), `project.invalid says ${JSON.stringify(message)}, expected ${String(run.plan.preCheck.message)}`);
  }

  // Accepted: a result and one review item; otherwise neither.
  const accepted = report.status === 'accepted';
  const result = await getBytes(run.resultKey);
  check(accepted === (result !== undefined), `results/ object ${result ? 'exists' : 'missing'} for a ${report.status} upload`);
  const queued = sqsEvents(t, QUEUES.review.logicalName, 'published', run.uploadId).length;
  check(queued === (accepted ? 1 : 0), `${queued} review-queue items for a ${report.status} upload`);
  const s = await t.submissions.get(run.uploadId);
  const submission = s
    ? `submission ${JSON.stringify({ status: s.status, validation: s.validation, queuedAt: s.queuedAt, resultKey: s.resultKey })}`
    : 'no submission';
  if (accepted)
    check(s?.status === 'pending-review' && s.validation === 'accepted' && typeof s.queuedAt === 'string' && s.resultKey === run.resultKey, submission);
  else if (run.plan.preCheck && !run.plan.preCheck.submission) check(s === undefined, `${submission} for an unknown project`);
  else check(s?.status === 'rejected' && s.validation === report.status && s.queuedAt === undefined, submission);

  // The raw upload is untouched.
  const raw = await getBytes(run.key);
  check(raw !== undefined && raw.equals(run.body), `the raw object ${raw ? `changed (sha256 ${sha(raw)})` : 'is gone'}`);
  return { problems, summary };
}

describe('each corpus file uploaded to the local stack', () => {
  for (const m of loadManifest()) {
    const name = m.project ? `${m.file} with ${m.project}` : m.file;
    const plan = PLANS[m.project ?? ''];
    const shown = plan?.preCheck
      ? `rejected project.invalid (CLI: exit 2)`
      : m.period
        ? `as mrv calc without --period (CLI: ${m.expect.codes.join(', ')} with --period)`
        : `${m.expect.status ?? ''} ${m.expect.codes.join(', ')}`;
    it(`${name} → ${shown}`, async () => {
      const run = runs.find((x) => x.entry.name === name);
      expect(run, `${name} was not uploaded`).toBeDefined();
      expect(pendingAtDeadline, 'processed in time').not.toContain(name);
      const { problems, summary } = await problemsOf(run!);
      expect(problems, `${name}: ${summary}`).toEqual([]);
    });
  }
});
