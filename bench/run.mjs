#!/usr/bin/env node
/**
 * `npm run bench [-- --quick] [-- --json] [-- --tsx] [-- --only=startup]`: the performance benchmark.
 *
 * 0. CLI start-up: `mrv --help` and `mrv gwp NF3 --set AR4` through cli/bin/mrv.mjs (the prebuilt
 *    dist/cli) against `node -e 0`, medians of 7 fresh processes (`startupS`, `nodeBaselineS`).
 *
 * 1. Generates the deterministic monitoring files into bench-data/ (once; see generate.mjs).
 * 2. Builds the CLI with esbuild into bench-data/mrv-bundle/ (entry mrv.bundle.mjs, minified, with
 *    code splitting like dist/cli): `tsx` compiles the TypeScript sources at every start (≈4 s on 2
 *    cores), which would swamp the 100k-row case. `--tsx` runs `node cli/bin/mrv.mjs` instead.
 *    Split, each command's code and libraries load only when it runs, as in `mrv`. Until 2026-12-03 it was
 *    one file: every run compiled all of it (7 MB with the report's mathjax-full, pdfmake, vega and
 *    exceljs) and loaded the external AWS SDK clients and fauxqs at start (a one-file ES module imports
 *    its externals at the top). Peak RSS, one file → split (/usr/bin/time, 2026-12-03, 2 cores, load 2–7):
 *    `mrv --help` 157–161 → 43 MB, `mrv methodologies` 221–227 → 86–89 MB, `mrv calc` on a 300k-row
 *    15-minute CSV 232–235 → 124–125 MB, with the same output.
 * 3. Per file, each in a FRESH process: the floor (plain Node read of the file counting newlines),
 *    then `mrv calc --project … file --json` end to end (parse, validate every row, compute,
 *    aggregate). Wall time and peak RSS come from `/usr/bin/time -v` (or, without it, from the
 *    child's own `process.resourceUsage().maxRSS`, printed under MRV_BENCH_RSS=1).
 * 4. Bundles the ingest Lambda (functions/ingest-upload/handler.ts) as CDK would, reports its size
 *    (with the biggest packages in it) and the module initialisation time in fresh processes.
 * 5. The load test of the pipeline on the local stack (bench/load.mjs, in a child process):
 *    1,000 monthly uploads across 50 projects, concurrently; uploads/s, latency percentiles, and the
 *    proof that every upload has exactly one outcome and nothing reached a dead-letter queue (the
 *    bench exits 1 and names the upload otherwise). `--only=load` runs it alone; `--load-uploads=N`,
 *    `--load-projects=N`, `--load-concurrency=N` change its size; `--load-rate=R` paces the PUTs at R/s
 *    (latency without a backlog).
 *
 * 6. `workers` (`--only=workers`): `mrv calc` on the 10M-row file in one pass and in byte ranges on
 *    worker threads (one per core, at least 2): `wallS`, `ratioToSinglePass`, and whether the two
 *    outputs are identical.
 *
 * Prints a table; `--json` prints one JSON record per case instead.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, getPriority, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from './generate.mjs';
import { printLoad } from './load.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = join(root, 'bench-data');
const args = new Set(process.argv.slice(2));
const USAGE = `npm run bench [-- options]   (the whole benchmark without options: minutes, and it generates bench-data/)
  --quick                 without the 10M-row file
  --json                  one JSON record per case (also written to bench-data/last-run.json)
  --record                append this run (date, machine, load average, node, commit, records) to bench/records.json
  --doc                   only rewrite the generated blocks of docs/performance.md and bench/README.md from bench/records.json
  --tsx                   run the CLI through tsx instead of the esbuild bundle
  --only=<case,…>         a subset: startup, lambda, xlsx, load, workers, or file names such as grid-1m.csv
  --load-uploads=N --load-projects=N --load-concurrency=N --load-rate=R --load-seed=S   size of the load case
  --help                  this text`;
const known = (a) => ['--quick', '--json', '--tsx', '--record', '--doc', '--help', '-h'].includes(a) || a.startsWith('--only=') || a.startsWith('--load-');
if (args.has('--help') || args.has('-h')) {
  console.log(USAGE);
  process.exit(0);
}
const unknown = [...args].filter((a) => !known(a));
if (unknown.length) {
  console.error(`bench: unknown option ${unknown.join(', ')}\n${USAGE}`);
  process.exit(2);
}
if (args.has('--doc')) {
  // The docs' generated blocks (bench/render-doc.mjs) read infra/config.ts, which is TypeScript.
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(dirname(fileURLToPath(import.meta.url)), 'write-doc.mjs')], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
const quick = args.has('--quick');
const record = args.has('--record');
const asJson = args.has('--json');
const useTsx = args.has('--tsx');
/** `--only=lambda` (bundles only), `--only=xlsx`, `--only=grid-1m.csv,…`: a subset of the cases. */
const only = process.argv
  .slice(2)
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const log = (m) => process.stderr.write(`${m}\n`);
const hasGnuTime = existsSync('/usr/bin/time') && spawnSync('/usr/bin/time', ['-v', 'true']).status === 0;

/** Runs a command in a fresh process; wall time (ms) and peak RSS (MB). */
function measure(cmd, argv, { env = {} } = {}) {
  const t = performance.now();
  const r = hasGnuTime
    ? spawnSync('/usr/bin/time', ['-v', cmd, ...argv], { cwd: root, env: { ...process.env, ...env }, maxBuffer: 1 << 28, encoding: 'utf8' })
    : spawnSync(cmd, argv, { cwd: root, env: { ...process.env, MRV_BENCH_RSS: '1', ...env }, maxBuffer: 1 << 28, encoding: 'utf8' });
  const wallMs = performance.now() - t;
  let rssMb;
  const gnu = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
  if (gnu) rssMb = Number(gnu[1]) / 1024;
  const own = /maxRSS=(\d+)/.exec(r.stderr);
  if (!rssMb && own) rssMb = Number(own[1]) / 1024;
  return { wallMs, rssMb, stdout: r.stdout, stderr: r.stderr, status: r.status };
}

const FLOOR = `
const fs = require('node:fs');
const t = performance.now();
let n = 0;
const s = fs.createReadStream(process.argv[1], { highWaterMark: 256 * 1024 });
s.on('data', (b) => { let i = b.indexOf(10); while (i !== -1) { n++; i = b.indexOf(10, i + 1); } });
s.on('end', () => { console.log(JSON.stringify({ ms: performance.now() - t, lines: n })); if (process.env.MRV_BENCH_RSS) console.error('maxRSS=' + process.resourceUsage().maxRSS); });
`;

/** The floor: a plain Node read of the file counting newlines (best of 3, in-process time). */
function floor(path) {
  let best;
  for (let i = 0; i < 3; i++) {
    const m = measure(process.execPath, ['-e', FLOOR, path]);
    const r = JSON.parse(m.stdout);
    if (!best || r.ms < best.ms) best = { ...r, rssMb: m.rssMb };
  }
  return best;
}

async function buildCli() {
  const esbuild = await import('esbuild');
  const outdir = join(dataDir, 'mrv-bundle');
  rmSync(outdir, { recursive: true, force: true }); // no chunk of an earlier build left behind
  await esbuild.build({
    stdin: {
      contents:
        "import { main } from './cli/main.ts';\nprocess.exitCode = await main(process.argv.slice(2));\nif (process.env.MRV_BENCH_RSS) process.stderr.write('maxRSS=' + process.resourceUsage().maxRSS + '\\n');\n",
      resolveDir: root,
      loader: 'ts',
      sourcefile: 'bench-cli.ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minify: true,
    splitting: true,
    outdir,
    entryNames: 'mrv.bundle',
    chunkNames: 'chunks/[name]-[hash]',
    outExtension: { '.js': '.mjs' },
    external: ['@aws-sdk/*', 'fauxqs', 'dynalite'],
    banner: { js: "import { createRequire as __mrvCreateRequire } from 'node:module'; const require = __mrvCreateRequire(import.meta.url);" },
    logLevel: 'error',
  });
  return join(outdir, 'mrv.bundle.mjs');
}

const BANNER = "import { createRequire as __mrvCreateRequire } from 'node:module'; const require = __mrvCreateRequire(import.meta.url);";

/** Median of 9 fresh processes running `code` (an ES module body that prints one number). */
function medianOf9(code, env = {}) {
  const times = [];
  for (let i = 0; i < 9; i++) {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
    });
    // A child that failed prints nothing, and Number('') is 0: never record that as a time.
    const last = r.stdout.trim().split('\n').pop();
    const n = Number(last);
    if (r.status !== 0 || !last || !Number.isFinite(n)) throw new Error(`bench child failed (exit ${r.status}): ${r.stderr.slice(0, 500)}`);
    times.push(n);
  }
  times.sort((a, b) => a - b);
  return times[4];
}

/**
 * The ingest Lambda bundle as the CDK stack builds it (esbuild, node22, ESM, minified, ESM splitting
 * so the lazily imported XLSX reader becomes its own chunk). `sdk: 'external'` leaves `@aws-sdk/*`
 * out (as if the Lambda runtime's SDK were used); `sdk: 'bundled'` is what infra deploys
 * (`externalModules: []`, SDK versions pinned by package-lock.json).
 *
 * Reported: the entry chunk and every chunk it imports statically (what a cold start loads), the
 * lazily loaded chunks separately, the biggest packages, and two times in fresh processes (median
 * of 9): `initMs` = `import()` of the handler module (the Lambda INIT phase), `readyMs` = that plus
 * what the first invocation initialises (`createDeps()`: the registry, i.e. every methodology
 * module, and the SDK clients), measured through a second entry that re-exports the handler's deps.
 */
async function lambdaBundle({ sdk }) {
  const esbuild = await import('esbuild');
  const outdir = join(dataDir, `ingest-${sdk}`);
  const result = await esbuild.build({
    entryPoints: { handler: join(root, 'functions/ingest-upload/handler.ts'), deps: join(root, 'functions/ingest-upload/deps.ts') },
    bundle: true,
    platform: 'node',
    format: 'esm',
    splitting: true,
    target: 'node22',
    minify: true,
    mainFields: ['module', 'main'],
    external: sdk === 'external' ? ['@aws-sdk/*'] : [],
    outdir,
    outExtension: { '.js': '.mjs' },
    metafile: true,
    banner: { js: BANNER },
    logLevel: 'error',
  });
  const outputs = result.metafile.outputs;
  const key = (f) => relative(root, join(outdir, f));
  // Static closure of the handler entry = what a cold start loads.
  const eager = new Set();
  const visit = (out) => {
    if (eager.has(out)) return;
    eager.add(out);
    for (const imp of outputs[out]?.imports ?? []) if (imp.kind === 'import-statement' && outputs[imp.path]) visit(imp.path);
  };
  visit(key('handler.mjs'));
  const readyClosure = new Set(eager);
  const visitReady = (out) => {
    if (readyClosure.has(out) && out !== key('deps.mjs')) return;
    readyClosure.add(out);
    for (const imp of outputs[out]?.imports ?? []) if (imp.kind === 'import-statement' && outputs[imp.path]) visitReady(imp.path);
  };
  visitReady(key('deps.mjs'));
  let bytes = 0;
  let lazyBytes = 0;
  const byPackage = new Map();
  for (const [out, info] of Object.entries(outputs)) {
    if (out.endsWith('.map')) continue;
    if (eager.has(out) || readyClosure.has(out)) bytes += info.bytes;
    else lazyBytes += info.bytes;
    if (!eager.has(out) && !readyClosure.has(out)) continue;
    for (const [file, input] of Object.entries(info.inputs)) {
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
      const k = m ? m[1] : file.split('/').slice(0, 2).join('/');
      byPackage.set(k, (byPackage.get(k) ?? 0) + input.bytesInOutput);
    }
  }
  const top = [...byPackage]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([k, v]) => `${k} ${(v / 1024).toFixed(0)} KB`);
  const handlerUrl = JSON.stringify(join(outdir, 'handler.mjs'));
  const depsUrl = JSON.stringify(join(outdir, 'deps.mjs'));
  const initMs = medianOf9(`const t=performance.now(); await import(${handlerUrl}); console.log(performance.now()-t)`);
  const env = {
    MONITORING_BUCKET_NAME: 'b',
    PROJECTS_TABLE_NAME: 'p',
    SUBMISSIONS_TABLE_NAME: 's',
    REVIEW_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/q',
    AUDIT_TABLE_NAME: 'a',
    ACCESS_TABLE_NAME: 'c',
    NOTIFICATION_TOPIC_ARN: 'arn:aws:sns:eu-west-1:1:t',
    AWS_REGION: 'eu-west-1',
  };
  const readyMs = medianOf9(
    `const t=performance.now(); await import(${handlerUrl}); const d = await import(${depsUrl}); d.createDeps(); console.log(performance.now()-t)`,
    env,
  );
  return { sdk, bytes, lazyBytes, initMs, readyMs, top, chunks: Object.keys(outputs).filter((o) => !o.endsWith('.map')).length };
}

/** Registry + calculate on their own (what the first invocation initialises), same bundling. */
async function engineBundle() {
  const esbuild = await import('esbuild');
  const outfile = join(dataDir, 'engine.bundle.mjs');
  await esbuild.build({
    stdin: {
      contents: "export { calculate } from './core/calculation/calculate.ts';\nexport { registry } from './methodologies/index.ts';\n",
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    minify: true,
    external: ['@aws-sdk/*'],
    outfile,
    logLevel: 'error',
    banner: { js: "import { createRequire as __mrvCreateRequire } from 'node:module'; const require = __mrvCreateRequire(import.meta.url);" },
  });
  const times = [];
  for (let i = 0; i < 9; i++) {
    const r = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', `const t=performance.now(); await import(${JSON.stringify(outfile)}); console.log(performance.now()-t)`],
      { cwd: root, encoding: 'utf8' },
    );
    const n = Number(r.stdout.trim());
    if (r.status !== 0 || !r.stdout.trim() || !Number.isFinite(n)) throw new Error(`bench child failed (exit ${r.status}): ${r.stderr.slice(0, 500)}`);
    times.push(n);
  }
  times.sort((a, b) => a - b);
  return { bytes: statSync(outfile).size, initMs: times[4] };
}

const fmt = (n, d = 0) => (n === undefined || Number.isNaN(n) ? '–' : n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }));

/**
 * The load test in a fresh process (it starts the local stack, registers tsx and sets process.env):
 * its progress goes to stderr as it runs, its record is the last line of its stdout.
 */
function loadCase() {
  const argv = process.argv.slice(2).filter((a) => a.startsWith('--load-'));
  const r = spawnSync(process.execPath, [join(root, 'bench/load.mjs'), '--json', ...argv], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 26,
  });
  try {
    return JSON.parse(r.stdout.trim().split('\n').pop());
  } catch {
    return {
      case: 'load-pipeline',
      ok: false,
      problems: [`bench/load.mjs exited ${r.status ?? r.signal} without a record`],
      rows: 0,
      wallS: undefined,
      peakRssMb: undefined,
    };
  }
}

/** The machine and the code as the run starts: kept with the figures so they are never read without them. */
function runContext() {
  const git = (argv) => spawnSync('git', argv, { cwd: root, encoding: 'utf8' });
  const commit = git(['rev-parse', 'HEAD']).stdout.trim() || undefined;
  const dirty = git(['status', '--porcelain', '--untracked-files=no']).stdout.trim().length > 0;
  return {
    date: new Date().toISOString(),
    source: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    machine: {
      cores: availableParallelism(),
      loadAverageAtStart: loadavg().map((x) => Math.round(x * 100) / 100),
      niceness: getPriority(),
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
    },
    commit,
    ...(dirty ? { uncommittedChanges: true } : {}),
  };
}

/** `--record`: appends the run to bench/records.json (committed; docs/performance.md is rendered from it). */
function recordRun(context, records) {
  const file = join(root, 'bench/records.json');
  const data = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : { runs: [] };
  data.runs.push({ ...context, machine: { ...context.machine, loadAverageAtEnd: loadavg().map((x) => Math.round(x * 100) / 100) }, records });
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
  log(`recorded in ${relative(process.cwd(), file)} (run ${data.runs.length}); \`npm run bench -- --doc\` renders the docs from it`);
}

async function main() {
  mkdirSync(dataDir, { recursive: true });
  const context = runContext();
  const t0 = performance.now();
  if (only && only.every((o) => o === 'load')) {
    const rec = loadCase();
    if (asJson) console.log(JSON.stringify(rec));
    else printLoad(rec);
    writeFileSync(join(dataDir, 'last-run.json'), `${JSON.stringify({ at: new Date().toISOString(), records: [], load: rec }, null, 2)}\n`);
    if (record) recordRun(context, [rec]);
    if (!rec.ok) process.exitCode = 1;
    return;
  }
  const all = await generate(dataDir, { quick: quick || Boolean(only && !only.includes('grid-10m.csv') && !only.includes('workers')), log });
  const list = only
    ? all.filter((f) => only.includes(f.name) || (only.includes('xlsx') && f.name.endsWith('.xlsx')) || (only.includes('csv') && f.name.endsWith('.csv')))
    : all;
  const cli = useTsx ? join(root, 'cli/bin/mrv.mjs') : await buildCli();
  const startups = (list.length ? [0, 1, 2, 3, 4] : [0]).map(() => measure(process.execPath, [cli, '--help']).wallMs).sort((a, b) => a - b);
  const startup = startups[startups.length >> 1];
  log(
    `CLI: ${useTsx ? 'node cli/bin/mrv.mjs (tsx)' : 'esbuild bundle bench-data/mrv-bundle/mrv.bundle.mjs (split)'}; start-up (mrv --help) ${fmt(startup)} ms`,
  );
  const records = [];
  // Start-up of the command a person types (cli/bin/mrv.mjs: the prebuilt dist/cli, freshness check
  // included) against a bare `node -e 0`: medians of 7 fresh processes each.
  if (!only || only.includes('startup')) {
    const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
    const runs = (argv, n = 7) => Array.from({ length: n }, () => measure(process.execPath, argv));
    const base = runs(['-e', '0']);
    const nodeBaselineS = median(base.map((m) => m.wallMs)) / 1000;
    const bin = join(root, 'cli/bin/mrv.mjs');
    measure(process.execPath, [bin, '--help']); // a stale build is rebuilt once, outside the measurement
    for (const [name, argv] of [
      ['cli-startup-help', ['--help']],
      ['cli-startup-gwp', ['gwp', 'NF3', '--set', 'AR4']],
    ]) {
      const ms = runs([bin, ...argv]);
      const startupS = median(ms.map((m) => m.wallMs)) / 1000;
      const rec = {
        case: name,
        command: `mrv ${argv.join(' ')}`,
        rows: 0,
        wallS: startupS,
        startupS,
        nodeBaselineS,
        ratioToBaseline: startupS / nodeBaselineS,
        peakRssMb: median(ms.map((m) => m.rssMb ?? 0)),
        targets: { ratioToBaseline: 2, peakRssMb: 60 },
      };
      records.push(rec);
      if (asJson) console.log(JSON.stringify(rec));
      else
        log(
          `${rec.command}: ${fmt(startupS * 1000)} ms (node -e 0: ${fmt(nodeBaselineS * 1000)} ms, ×${fmt(rec.ratioToBaseline, 2)}), peak RSS ${fmt(rec.peakRssMb)} MB`,
        );
    }
  }
  for (const f of list) {
    const size = statSync(f.path).size;
    const isCsv = f.name.endsWith('.csv');
    const fl = isCsv ? floor(f.path) : undefined;
    log(`${f.name}: running mrv calc …`);
    const m = measure(process.execPath, [cli, 'calc', '--project', join(dataDir, `project-${f.project}.json`), f.path, '--json']);
    let result;
    try {
      result = JSON.parse(m.stdout);
    } catch {
      result = undefined;
    }
    const rows = f.rows;
    const rec = {
      case: f.name,
      methodology: f.project === 'grid' ? 'grid-renewable@1.0.0' : 'fgas-abatement@1.0.0',
      rows,
      mb: size / 1e6,
      status: result?.status ?? `exit ${m.status}`,
      accepted: result?.rows?.accepted,
      ER: result?.totals?.ER,
      wallS: m.wallMs / 1000,
      rowsPerS: rows / (m.wallMs / 1000),
      mbPerS: size / 1e6 / (m.wallMs / 1000),
      netRowsPerS: rows / ((m.wallMs - startup) / 1000),
      peakRssMb: m.rssMb,
      floorS: fl ? fl.ms / 1000 : undefined,
      floorRowsPerS: fl ? fl.lines / (fl.ms / 1000) : undefined,
      ratioToFloor: fl ? rows / (m.wallMs / 1000) / (fl.lines / (fl.ms / 1000)) : undefined,
      netRatioToFloor: fl ? rows / ((m.wallMs - startup) / 1000) / (fl.lines / (fl.ms / 1000)) : undefined,
      startupMs: startup,
      // 'bundle-split' from 2026-12-03 (see 2. at the top); earlier records' 'bundle' was one file.
      cli: useTsx ? 'tsx' : 'bundle-split',
    };
    if (!result || result.status !== 'accepted') log(`  ! ${f.name}: ${rec.status} ${m.stderr.split('\n').slice(0, 5).join(' | ')}`);
    records.push(rec);
    if (asJson) console.log(JSON.stringify(rec));
  }
  // `mrv calc` on both cores (cli/split-run.ts): the 10M-row file in one pass (--workers 1) and split
  // into byte ranges on worker threads (--workers <cores>), both through cli/bin/mrv.mjs (the prebuilt
  // dist/cli with its calc-worker.mjs); the two JSON outputs must be identical.
  if ((!only && !quick) || only?.includes('workers')) {
    const f = all.find((x) => x.name === 'grid-10m.csv');
    if (f) {
      const bin = join(root, 'cli/bin/mrv.mjs');
      const project = join(dataDir, `project-${f.project}.json`);
      measure(process.execPath, [bin, '--help']); // a stale build is rebuilt once, outside the measurement
      const cores = availableParallelism();
      const one = measure(process.execPath, [bin, 'calc', '--project', project, f.path, '--json', '--workers', '1']);
      const split = measure(process.execPath, [bin, 'calc', '--project', project, f.path, '--json', '--workers', String(Math.max(2, cores))]);
      const rec = {
        case: 'workers',
        file: f.name,
        rows: f.rows,
        workers: Math.max(2, cores),
        cores,
        wallS: split.wallMs / 1000,
        singlePassWallS: one.wallMs / 1000,
        ratioToSinglePass: split.wallMs / one.wallMs,
        rowsPerS: f.rows / (split.wallMs / 1000),
        peakRssMb: split.rssMb,
        singlePassPeakRssMb: one.rssMb,
        identical: one.status === split.status && one.stdout === split.stdout && one.stdout.length > 0,
        split: /byte ranges on worker threads/.test(split.stderr),
      };
      records.push(rec);
      if (asJson) console.log(JSON.stringify(rec));
      else
        log(
          `workers: ${f.name} in ${rec.workers} ranges ${fmt(rec.wallS, 2)} s vs one pass ${fmt(rec.singlePassWallS, 2)} s (×${fmt(rec.ratioToSinglePass, 2)}), ${fmt(rec.rowsPerS)} rows/s, peak RSS ${fmt(rec.peakRssMb)} MB (one pass ${fmt(rec.singlePassPeakRssMb)} MB); identical output: ${rec.identical}${rec.split ? '' : ' (NOT split: see stderr)'}`,
        );
      if (!rec.identical || !rec.split)
        log(
          `  ! stderr: ${split.stderr
            .split('\n')
            .filter((l) => l.startsWith('mrv'))
            .join(' | ')}`,
        );
    }
  }
  const lambdas = !only || only.includes('lambda') ? [await lambdaBundle({ sdk: 'external' }), await lambdaBundle({ sdk: 'bundled' })] : [];
  const engine = !only || only.includes('lambda') ? await engineBundle() : undefined;
  const lrecs = lambdas.map((l) => ({ case: `lambda-bundle-sdk-${l.sdk}`, entry: 'functions/ingest-upload/handler.ts (+ deps.ts)', ...l }));
  if (engine) lrecs.push({ case: 'engine-bundle', entry: 'calculate + registry', bytes: engine.bytes, initMs: engine.initMs });
  if (asJson) for (const r of lrecs) console.log(JSON.stringify(r));
  const load = !only || only.includes('load') ? loadCase() : undefined;
  if (load && asJson) console.log(JSON.stringify(load));
  if (load && !load.ok) process.exitCode = 1;
  if (!asJson) {
    for (const r of records.filter((x) => x.case.startsWith('cli-startup')))
      console.log(
        `${r.command}: ${fmt(r.startupS * 1000)} ms wall (node -e 0: ${fmt(r.nodeBaselineS * 1000)} ms; ×${fmt(r.ratioToBaseline, 2)}, target ≤ ×2), peak RSS ${fmt(r.peakRssMb)} MB (target < 60)`,
      );
    const workers = records.find((x) => x.case === 'workers');
    if (workers)
      console.log(
        `mrv calc ${workers.file} on ${workers.workers} worker threads: ${fmt(workers.wallS, 2)} s wall against ${fmt(workers.singlePassWallS, 2)} s in one pass (×${fmt(workers.ratioToSinglePass, 2)}; ${workers.cores} cores), peak RSS ${fmt(workers.peakRssMb)} MB; output identical to one pass: ${workers.identical}.`,
      );
    if (records.some((x) => !x.case.startsWith('cli-startup') && x.case !== 'workers')) {
      const head = ['case', 'rows', 'MB', 'status', 'wall s', 'rows/s', 'MB/s', 'floor rows/s', 'ratio', 'ratio excl. start-up', 'peak RSS MB'];
      const body = records
        .filter((x) => !x.case.startsWith('cli-startup') && x.case !== 'workers')
        .map((r) => [
          r.case,
          fmt(r.rows),
          fmt(r.mb, 1),
          r.status,
          fmt(r.wallS, 2),
          fmt(r.rowsPerS),
          fmt(r.mbPerS, 1),
          fmt(r.floorRowsPerS),
          fmt(r.ratioToFloor, 2),
          fmt(r.netRatioToFloor, 2),
          fmt(r.peakRssMb),
        ]);
      const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => String(b[i]).length)));
      const line = (cells) => `| ${cells.map((c, i) => String(c).padStart(w[i])).join(' | ')} |`;
      console.log(line(head));
      console.log(`|${w.map((x) => '-'.repeat(x + 2)).join('|')}|`);
      for (const b of body) console.log(line(b));
      console.log(
        `\nCLI: ${useTsx ? 'tsx (node cli/bin/mrv.mjs)' : 'esbuild bundle of cli/main.ts'}, start-up ${fmt(startup)} ms (median of 5 "mrv --help" runs; included in wall time; "ratio excl. start-up" subtracts it).`,
      );
    }
    for (const l of lambdas) {
      console.log(
        `Lambda bundle, @aws-sdk/* ${l.sdk === 'external' ? 'EXTERNAL (runtime SDK)' : 'BUNDLED (as infra deploys)'}: ${fmt(l.bytes / 1024)} KB minified loaded at cold start (+ ${fmt(l.lazyBytes / 1024)} KB in lazily imported chunks, ${l.chunks} files); module initialisation ${fmt(l.initMs, 1)} ms, ready to process (init + createDeps: registry, clients) ${fmt(l.readyMs, 1)} ms (medians of 9 fresh processes).`,
      );
      console.log(`  largest parts: ${l.top.join(', ')}`);
    }
    if (engine)
      console.log(
        `Engine alone (calculate + registry, what the handler's lazy deps initialise): ${fmt(engine.bytes / 1024)} KB, initialisation ${fmt(engine.initMs, 1)} ms.`,
      );
    if (load) {
      console.log('Load test of the pipeline on the local stack (bench/load.mjs):');
      printLoad(load);
    }
    console.log(`Whole bench: ${fmt((performance.now() - t0) / 1000, 1)} s.`);
  }
  writeFileSync(
    join(dataDir, 'last-run.json'),
    `${JSON.stringify({ at: new Date().toISOString(), records, lambda: lrecs, ...(load ? { load } : {}) }, null, 2)}\n`,
  );
  if (record) recordRun(context, [...records, ...lrecs, ...(load ? [load] : [])]);
}

await main();
