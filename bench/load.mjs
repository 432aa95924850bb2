#!/usr/bin/env node
/**
 * The load test of the pipeline on the local stack (`npm run bench -- --only=load`, part of the full
 * run; never part of `npm test`):
 *
 * 1. starts the local stack in this process (cli/local-stack/stack.ts: fauxqs + dynalite, the IAM
 *    gateway, the S3 notification bridge, the ingest and decision handlers behind their SQS loops);
 * 2. registers `projects` copies of three sample projects (bench/load-plan.ts) as the operator does
 *    (`mrv project register`) and assigns them (the registrar);
 * 3. uploads `uploads` monthly files (seeded, distinct, ≈5 % deliberately bad) from a worker thread
 *    (bench/load-uploader.mjs) through the real AWS SDK, as each project's site, `concurrency` in flight;
 * 4. times every upload through hooks on the ingest handler's ports: PUT completed → report written
 *    (text, the second of the two report objects) and PUT completed → review item sent (accepted);
 * 5. then checks from the stores themselves (a scan of the submissions table, the report objects,
 *    the review queue drained, every dead-letter queue) that every upload has exactly one outcome,
 *    the planned one, and that nothing reached a DLQ (bench/load-plan.ts `checkOutcomes`).
 *
 * Returns one bench record; `ok: false` with `problems` (each naming its upload) when a check fails.
 * Standalone: `node bench/load.mjs [--load-uploads=N] [--load-projects=N] [--load-concurrency=N] [--load-seed=N]
 *   [--load-rate=uploads/s] [--load-fault=duplicate-review|dead-letter] [--json]`.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const now = () => performance.timeOrigin + performance.now();

/**
 * `--load-fault=…` breaks one upload on purpose, to see the checks fail and name it (exit 1):
 * `duplicate-review` sends the first accepted upload's review item twice; `dead-letter` makes reading
 * the first upload's object fail like an S3 outage, so its event ends in the ingest DLQ.
 */
const FAULTS = ['duplicate-review', 'dead-letter'];

/** `--load-uploads=N` etc. from an argv list; defaults for the rest. */
export function loadOptions(argv) {
  const num = (name, dflt) => {
    const a = argv.find((x) => x.startsWith(`--${name}=`));
    if (!a) return dflt;
    const n = Number(a.slice(name.length + 3));
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, not ${a.slice(name.length + 3)}`);
    return n;
  };
  const fault = argv.find((x) => x.startsWith('--load-fault='))?.slice('--load-fault='.length);
  if (fault !== undefined && !FAULTS.includes(fault)) throw new Error(`--load-fault must be one of ${FAULTS.join(', ')}, not ${fault}`);
  const rateArg = argv.find((x) => x.startsWith('--load-rate='))?.slice('--load-rate='.length);
  const rate = rateArg === undefined ? undefined : Number(rateArg);
  if (rate !== undefined && !(rate > 0)) throw new Error(`--load-rate must be a positive number of uploads per second, not ${rateArg}`);
  return {
    ...(rate ? { rate } : {}),
    uploads: num('load-uploads', 1000),
    projects: num('load-projects', 50),
    concurrency: num('load-concurrency', 24),
    seed: num('load-seed', 14),
    badShare: 0.05,
    ...(fault ? { fault } : {}),
  };
}

const ts = (rel) => import(pathToFileURL(join(root, rel)).href);

/**
 * Runs the load test; `log` gets progress lines. The record has `case: 'load-pipeline'`, `rows`,
 * `wallS`, `peakRssMb` like every bench record, plus the load figures (seconds).
 */
export async function runLoad(options = loadOptions([]), log = (m) => process.stderr.write(`${m}\n`)) {
  const tCase = now();
  // The stack and the handlers are TypeScript: tsx compiles them on import (as cli/bin/mrv.mjs does without a build).
  const { register } = await import('tsx/esm/api');
  register();
  const [{ startLocalStack }, plan, { projectCommand }, resources, stores, { ScanCommand, DynamoDBDocumentClient }, s3, sqs] = await Promise.all([
    ts('cli/local-stack/stack.ts'),
    ts('bench/load-plan.ts'),
    ts('cli/commands/project.ts'),
    ts('functions/shared/resources.ts'),
    ts('functions/shared/aws/s3-stores.ts'),
    import('@aws-sdk/lib-dynamodb'),
    import('@aws-sdk/client-s3'),
    import('@aws-sdk/client-sqs'),
  ]);
  const { BUCKET_LAYOUT, ENV, OBJECT_METADATA } = resources;
  const { uploads, projects } = plan.planLoad(options);
  const byReportText = new Map(uploads.map((u) => [BUCKET_LAYOUT.reportText(u.projectId, u.uploadId), u]));
  const byReportJson = new Map(uploads.map((u) => [BUCKET_LAYOUT.reportJson(u.projectId, u.uploadId), u]));
  const byKey = new Map(uploads.map((u) => [BUCKET_LAYOUT.uploads(u.projectId, u.fileName), u]));
  const byId = new Map(uploads.map((u) => [u.uploadId, u]));
  log(
    `load: ${uploads.length} uploads (${uploads.filter((u) => u.bad).length} deliberately bad) across ${projects.length} projects, ${options.concurrency} in flight${options.rate ? `, paced at ${options.rate} uploads/s` : ''}`,
  );

  // Timings by upload index (epoch ms). Hooks wrap the ingest handler's ports; they only observe.
  const t = uploads.map(() => ({}));
  const first = (rec, field) => {
    if (rec && rec[field] === undefined) rec[field] = now();
  };
  const faults = [];
  const stack = await startLocalStack({
    port: 0,
    dynamoPort: 0,
    retryDelaySeconds: 1,
    logLevel: 'SILENT',
    onError: (where, error) => faults.push(`${where}: ${error?.message ?? String(error)}`),
    ingestDeps: (deps) => ({
      ...deps,
      monitoring: {
        ...deps.monitoring,
        head: (key, ...rest) => (first(t[byKey.get(key)?.index], 'handlerStartMs'), deps.monitoring.head(key, ...rest)),
        open: (key, ...rest) =>
          options.fault === 'dead-letter' && byKey.get(key)?.index === 0
            ? Promise.reject(new Error(`GetObject ${key} failed: injected by --load-fault=dead-letter`))
            : deps.monitoring.open(key, ...rest),
      },
      reports: {
        ...deps.reports,
        putJson: async (key, value) => {
          await deps.reports.putJson(key, value);
          const u = byReportJson.get(key);
          if (u) t[u.index].reportStatus ??= value?.status;
        },
        putText: async (key, text) => {
          await deps.reports.putText(key, text);
          first(t[byReportText.get(key)?.index], 'reportMs');
        },
      },
      reviewQueue: {
        send: async (item) => {
          await deps.reviewQueue.send(item);
          if (options.fault === 'duplicate-review' && item.uploadId === uploads.find((u) => u.expected === 'accepted')?.uploadId)
            await deps.reviewQueue.send(item);
          first(t[byId.get(item.uploadId)?.index], 'reviewMs');
        },
      },
    }),
  });
  const scratch = mkdtempSync(join(tmpdir(), 'mrv-load-'));
  let worker;
  try {
    // Projects: registered by the operator and assigned by the registrar, as in the e2e tests.
    const samples = new Map();
    const io = { out: () => undefined, err: (m) => log(`  ${m}`), errIsTTY: false, cwd: scratch, env: { ...process.env, ...stack.env } };
    for (const p of projects) {
      if (!samples.has(p.sample)) samples.set(p.sample, JSON.parse(readFileSync(join(root, 'samples/projects', `${p.sample}.json`), 'utf8')));
      const file = join(scratch, `${p.id}.json`);
      writeFileSync(file, JSON.stringify(plan.registrationOf(samples.get(p.sample), p)));
      const code = await projectCommand.run(['register', file], io);
      if (code !== 0) throw new Error(`mrv project register ${p.id} exited ${code}`);
      await stack.assign(p.id);
    }
    const methodologyOf = new Map([...samples].map(([k, v]) => [k, v.methodology]));
    const credentials = Object.fromEntries(
      projects.map((p) => [p.id, { accessKeyId: stack.site(p.id).accessKeyId, secretAccessKey: stack.site(p.id).secretAccessKey }]),
    );
    const projectOf = new Map(projects.map((p) => [p.id, p]));
    const jobs = uploads.map((u) => ({
      index: u.index,
      projectId: u.projectId,
      key: BUCKET_LAYOUT.uploads(u.projectId, u.fileName),
      body: u.body,
      metadata: { [OBJECT_METADATA.methodology]: methodologyOf.get(projectOf.get(u.projectId).sample) },
    }));
    log(`load: ${projects.length} projects registered in ${((now() - tCase) / 1000).toFixed(1)} s (stack start included); uploading …`);

    const cpu0 = process.cpuUsage();
    const tLoad = now();
    const putErrors = [];
    const uploaded = new Promise((resolveDone, reject) => {
      worker = new Worker(new URL('./load-uploader.mjs', import.meta.url), {
        workerData: {
          endpoint: stack.endpoint,
          region: stack.region,
          bucket: stack.resources.bucket,
          concurrency: options.concurrency,
          jobs,
          credentials,
          rate: options.rate,
        },
      });
      worker.on('message', (m) => {
        if (m.done) return resolveDone();
        Object.assign(t[m.index], { putStartMs: m.startMs, putEndMs: m.endMs });
        if (m.error) putErrors.push({ index: m.index, error: m.error });
      });
      worker.on('error', reject);
      worker.on('exit', (code) => (code === 0 ? resolveDone() : reject(new Error(`the uploader thread exited ${code}`))));
    });

    const { sqs: sqsClient, s3: s3Client, dynamo } = stack.clients;
    const depth = async (url) => {
      const a =
        (
          await sqsClient.send(
            new sqs.GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
          )
        ).Attributes ?? {};
      return Number(a.ApproximateNumberOfMessages ?? 0) + Number(a.ApproximateNumberOfMessagesNotVisible ?? 0);
    };
    // Wait for every outcome: a report for each upload, and a review item for each accepted one.
    const deadline = Date.now() + 120_000 + uploads.length * 2_000;
    const settled = (x) => x.reportMs !== undefined && (x.reportStatus !== 'accepted' || x.reviewMs !== undefined);
    let putsDone = false;
    uploaded.then(
      () => (putsDone = true),
      () => (putsDone = true),
    );
    let lastLog = Date.now();
    let lastOpen = -1;
    let progressAt = Date.now();
    for (;;) {
      const open = t.filter((x, i) => !settled(x) && !putErrors.some((e) => e.index === i)).length;
      if (putsDone && open === 0) break;
      if (open !== lastOpen) [lastOpen, progressAt] = [open, Date.now()];
      if (Date.now() > deadline) {
        log(`load: deadline reached with ${open} uploads without an outcome`);
        break;
      }
      // Nothing left to work on (queue empty, handler idle) and no progress for 10 s: what is missing will not come.
      if (putsDone && Date.now() - progressAt > 10_000 && !stack.mappings.ingest.busy() && (await depth(stack.resources.queues.ingest.url)) === 0) {
        log(`load: the ingest queue is empty with ${open} uploads without an outcome`);
        break;
      }
      if (Date.now() - lastLog > 15_000) {
        lastLog = Date.now();
        log(`load: ${t.filter((x) => x.putEndMs).length} uploaded, ${t.filter(settled).length} with an outcome, ${((now() - tLoad) / 1000).toFixed(0)} s`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    await uploaded.catch((e) => putErrors.push({ index: -1, error: e.message }));
    const tEnd = Math.max(tLoad, ...t.map((x) => Math.max(x.reportMs ?? 0, x.reviewMs ?? 0)));
    const cpu = process.cpuUsage(cpu0);
    const loadS = (tEnd - tLoad) / 1000;

    // Let the ingest loop finish what it holds, then read back from the stores themselves.
    const ingestUrl = stack.resources.queues.ingest.url;
    const settleBy = Date.now() + 60_000;
    while (((await depth(ingestUrl)) > 0 || stack.mappings.ingest.busy()) && Date.now() < settleBy) await new Promise((r) => setTimeout(r, 100));
    const ingestLeft = await depth(ingestUrl);

    const observed = new Map();
    const obs = (id) => {
      let o = observed.get(id);
      if (!o) observed.set(id, (o = { submissions: 0, reviewItems: 0 }));
      return o;
    };
    const ddb = DynamoDBDocumentClient.from(dynamo);
    let start;
    do {
      const r = await ddb.send(new ScanCommand({ TableName: stack.resources.env[ENV.submissionsTable], ...(start ? { ExclusiveStartKey: start } : {}) }));
      for (const item of r.Items ?? []) {
        const o = obs(item.pk);
        o.submissions++;
        o.submissionStatus = item.status;
      }
      start = r.LastEvaluatedKey;
    } while (start);
    const reports = stores.s3ReportStore(s3Client, stack.resources.bucket);
    let token;
    do {
      const r = await s3Client.send(
        new s3.ListObjectsV2Command({ Bucket: stack.resources.bucket, Prefix: 'reports/', ...(token ? { ContinuationToken: token } : {}) }),
      );
      for (const { Key } of r.Contents ?? []) {
        const m = /^reports\/[^/]+\/([0-9a-f]{32})\.json$/.exec(Key ?? '');
        if (m) obs(m[1]).reportStatus = (await reports.getJson(Key))?.status ?? '(unreadable)';
      }
      token = r.IsTruncated ? r.NextContinuationToken : undefined;
    } while (token);
    // The review queue, drained (nobody else reads it here): every message, counted per upload id.
    const reviewUrl = stack.resources.queues.review.url;
    const seen = new Set();
    for (let empty = 0; empty < 2; ) {
      const r = await sqsClient.send(
        new sqs.ReceiveMessageCommand({ QueueUrl: reviewUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 900, WaitTimeSeconds: 0 }),
      );
      const ms = (r.Messages ?? []).filter((m) => !seen.has(m.MessageId));
      if (!ms.length) {
        empty++;
        continue;
      }
      empty = 0;
      for (const m of ms) {
        seen.add(m.MessageId);
        let id;
        try {
          id = JSON.parse(m.Body ?? '').uploadId;
        } catch {
          id = undefined;
        }
        obs(id ?? `(unparseable review message ${m.MessageId})`).reviewItems++;
      }
    }
    const dlq = {};
    for (const q of Object.values(stack.resources.queues)) dlq[q.dlq.name] = await depth(q.dlq.url);

    const problems = plan.checkOutcomes(uploads, observed).map((p) => `${p.upload} (upload ${p.uploadId}): ${p.problem}`);
    for (const e of putErrors)
      problems.push(
        e.index >= 0
          ? `${uploads[e.index].projectId}/${uploads[e.index].fileName} (upload ${uploads[e.index].uploadId}): PUT failed: ${e.error}`
          : `uploader: ${e.error}`,
      );
    for (const [name, n] of Object.entries(dlq)) if (n) problems.push(`${n} message${n === 1 ? '' : 's'} in the dead-letter queue ${name}`);
    if (ingestLeft) problems.push(`${ingestLeft} messages still in the ingest queue after the run`);
    for (const f of faults) problems.push(`stack fault: ${f}`);

    const s = (ms) => ms / 1000;
    const pct = (xs, p) => {
      const v = plan.percentile(xs, p);
      return v === undefined ? undefined : s(v);
    };
    const toReport = t.filter((x) => x.reportMs && x.putEndMs).map((x) => x.reportMs - x.putEndMs);
    const toReview = t.filter((x) => x.reviewMs && x.putEndMs).map((x) => x.reviewMs - x.putEndMs);
    const service = t.filter((x) => x.handlerStartMs && x.reportMs).map((x) => Math.max(x.reportMs, x.reviewMs ?? 0) - x.handlerStartMs);
    const putS = t.filter((x) => x.putEndMs).map((x) => x.putEndMs - x.putStartMs);
    const bytes = uploads.reduce((a, u) => a + Buffer.byteLength(u.body), 0);
    const rows = uploads.reduce((a, u) => a + u.rows, 0);
    const counted = plan.countOutcomes(new Map([...observed].filter(([id]) => byId.has(id))));
    return {
      case: 'load-pipeline',
      uploads: uploads.length,
      projects: projects.length,
      concurrency: options.concurrency,
      ...(options.rate ? { pacedUploadsPerS: options.rate } : {}),
      badFiles: uploads.filter((u) => u.bad).length,
      rows,
      mb: bytes / 1e6,
      wallS: s(now() - tCase),
      loadS,
      uploadsPerS: uploads.length / loadS,
      uploadPhaseS: s(Math.max(...t.map((x) => x.putEndMs ?? 0)) - tLoad),
      p50PutS: pct(putS, 50),
      p50PutToReviewS: pct(toReview, 50),
      p95PutToReviewS: pct(toReview, 95),
      p99PutToReviewS: pct(toReview, 99),
      p50PutToReportS: pct(toReport, 50),
      p95PutToReportS: pct(toReport, 95),
      p99PutToReportS: pct(toReport, 99),
      // Per upload, inside the ingest handler: HEAD of the object → last write (report, or review item).
      meanHandlerS: service.length ? s(service.reduce((a, b) => a + b, 0) / service.length) : undefined,
      p50HandlerS: pct(service, 50),
      p95HandlerS: pct(service, 95),
      cpuS: (cpu.user + cpu.system) / 1e6,
      cpuPerUploadS: (cpu.user + cpu.system) / 1e6 / uploads.length,
      outcomes: {
        accepted: counted.accepted,
        rejected: counted.rejected,
        noReport: counted.other,
        submissions: counted.submissions,
        reviewItems: counted.reviewItems,
        planned: { accepted: uploads.filter((u) => u.expected === 'accepted').length, rejected: uploads.filter((u) => u.expected === 'rejected').length },
      },
      dlq,
      ok: problems.length === 0,
      problems,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
    };
  } finally {
    await worker?.terminate();
    await stack.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

const fmt = (n, d = 0) => (n === undefined || Number.isNaN(n) ? '–' : n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }));

/** The human-readable summary of a load record (stdout), problems first. */
export function printLoad(r, out = (m) => console.log(m)) {
  if (!r.ok) {
    out(`LOAD TEST FAILED: ${r.problems.length} problem${r.problems.length === 1 ? '' : 's'}`);
    for (const p of r.problems.slice(0, 30)) out(`  ${p}`);
    if (r.problems.length > 30) out(`  … and ${r.problems.length - 30} more (--json lists all)`);
  }
  if (!r.outcomes) return;
  const rowsOut = [
    ['uploads (projects, in flight)', `${fmt(r.uploads)} (${r.projects}, ${r.concurrency}${r.pacedUploadsPerS ? `, paced at ${r.pacedUploadsPerS}/s` : ''})`],
    [
      'throughput',
      `${fmt(r.uploadsPerS, 2)} uploads/s (${fmt(r.loadS, 1)} s from the first PUT to the last outcome; PUTs done after ${fmt(r.uploadPhaseS, 1)} s)`,
    ],
    ['PUT → review item (accepted), p50 / p95 / p99', `${fmt(r.p50PutToReviewS, 2)} / ${fmt(r.p95PutToReviewS, 2)} / ${fmt(r.p99PutToReviewS, 2)} s`],
    ['PUT → report (all), p50 / p95 / p99', `${fmt(r.p50PutToReportS, 2)} / ${fmt(r.p95PutToReportS, 2)} / ${fmt(r.p99PutToReportS, 2)} s`],
    ['ingest handler per upload, mean / p50 / p95', `${fmt(r.meanHandlerS * 1000)} / ${fmt(r.p50HandlerS * 1000)} / ${fmt(r.p95HandlerS * 1000)} ms`],
    [
      'outcomes',
      `${r.outcomes.accepted} accepted (${r.outcomes.reviewItems} review items), ${r.outcomes.rejected} rejected, ${r.outcomes.noReport} without a report; ${r.outcomes.submissions} submissions (planned ${r.outcomes.planned.accepted} + ${r.outcomes.planned.rejected})`,
    ],
    [
      'dead-letter queues',
      Object.entries(r.dlq)
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
    ],
    ['CPU (whole process, load phase)', `${fmt(r.cpuS, 1)} s, ${fmt(r.cpuPerUploadS * 1000)} ms per upload`],
    ['wall (stack start to checks done), peak RSS', `${fmt(r.wallS, 1)} s, ${fmt(r.peakRssMb)} MB`],
  ];
  const w = Math.max(...rowsOut.map((x) => x[0].length));
  for (const [k, v] of rowsOut) out(`| ${k.padEnd(w)} | ${v} |`);
  out(r.ok ? 'Every upload has exactly one outcome, the planned one; no dead-letter messages.' : 'See the problems above.');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const argv = process.argv.slice(2);
  try {
    const rec = await runLoad(loadOptions(argv));
    if (argv.includes('--json')) console.log(JSON.stringify(rec));
    else printLoad(rec);
    process.exitCode = rec.ok ? 0 : 1;
  } catch (error) {
    process.stderr.write(`bench/load.mjs: ${error?.message ?? String(error)}\n`);
    process.exitCode = 2;
  }
}
