#!/usr/bin/env node
/**
 * `npm run bench [-- --quick] [-- --json] [-- --tsx]`: the performance benchmark of issue 6.
 *
 * 1. Generates the deterministic monitoring files into bench-data/ (once; see generate.mjs).
 * 2. Builds the CLI into one ESM file with esbuild (bench-data/mrv.bundle.mjs): `tsx` compiles the
 *    TypeScript sources at every start (≈4 s on 2 cores), which would swamp the 100k-row case.
 *    `--tsx` runs `node cli/bin/mrv.mjs` instead.
 * 3. Per file, each in a FRESH process: the floor (plain Node read of the file counting newlines),
 *    then `mrv calc --project … file --json` end to end (parse, validate every row, compute,
 *    aggregate). Wall time and peak RSS come from `/usr/bin/time -v` (or, without it, from the
 *    child's own `process.resourceUsage().maxRSS`, printed under MRV_BENCH_RSS=1).
 * 4. Bundles the ingest Lambda (functions/ingest-upload/handler.ts) as CDK would, reports its size
 *    (with the biggest packages in it) and the module initialisation time in fresh processes.
 *
 * Prints a table; `--json` prints one JSON record per case instead.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from './generate.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = join(root, 'bench-data');
const args = new Set(process.argv.slice(2));
const quick = args.has('--quick');
const asJson = args.has('--json');
const useTsx = args.has('--tsx');
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
  const outfile = join(dataDir, 'mrv.bundle.mjs');
  await esbuild.build({
    stdin: { contents: "import { main } from './cli/main.ts';\nprocess.exitCode = await main(process.argv.slice(2));\nif (process.env.MRV_BENCH_RSS) process.stderr.write('maxRSS=' + process.resourceUsage().maxRSS + '\\n');\n", resolveDir: root, loader: 'ts', sourcefile: 'bench-cli.ts' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minify: true,
    outfile,
    external: ['@aws-sdk/*', 'fauxqs', 'dynalite'],
    banner: { js: "import { createRequire as __mrvCreateRequire } from 'node:module'; const require = __mrvCreateRequire(import.meta.url);" },
    logLevel: 'error',
  });
  return outfile;
}

/** The ingest Lambda bundle as the CDK stack builds it; size, biggest inputs and cold import time. */
async function lambdaBundle() {
  const esbuild = await import('esbuild');
  const handler = join(root, 'functions/ingest-upload/handler.ts');
  const proxy = !existsSync(handler);
  const entry = proxy ? { stdin: { contents: "export { calculate } from './core/calculation/calculate.ts';\nexport { registry } from './methodologies/index.ts';\n", resolveDir: root, loader: 'ts' } } : { entryPoints: [handler] };
  const outfile = join(dataDir, 'ingest.bundle.mjs');
  const result = await esbuild.build({
    ...entry,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    minify: true,
    external: ['@aws-sdk/*'],
    outfile,
    metafile: true,
    banner: { js: "import { createRequire as __mrvCreateRequire } from 'node:module'; const require = __mrvCreateRequire(import.meta.url);" },
    logLevel: 'error',
  });
  const bytes = statSync(outfile).size;
  const byPackage = new Map();
  for (const [file, info] of Object.entries(result.metafile.outputs[relative(root, outfile)]?.inputs ?? {})) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
    const key = m ? m[1] : file.split('/').slice(0, 2).join('/');
    byPackage.set(key, (byPackage.get(key) ?? 0) + info.bytesInOutput);
  }
  const top = [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([k, v]) => `${k} ${(v / 1024).toFixed(0)} KB`);
  // Module initialisation in fresh processes (median of 9), plus the first-invocation work the
  // handler defers (its lazy `import('./deps.ts')` is inlined by esbuild: the registry, i.e. the
  // methodology modules, initialise there).
  const times = [];
  for (let i = 0; i < 9; i++) {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', `const t=performance.now(); await import(${JSON.stringify(outfile)}); console.log(performance.now()-t)`], { cwd: root, encoding: 'utf8', env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } });
    times.push(Number(r.stdout.trim()));
  }
  times.sort((a, b) => a - b);
  return { proxy, bytes, initMs: times[4], top };
}

/** Registry + calculate on their own (what the first invocation initialises), same bundling. */
async function engineBundle() {
  const esbuild = await import('esbuild');
  const outfile = join(dataDir, 'engine.bundle.mjs');
  await esbuild.build({
    stdin: { contents: "export { calculate } from './core/calculation/calculate.ts';\nexport { registry } from './methodologies/index.ts';\n", resolveDir: root, loader: 'ts' },
    bundle: true, platform: 'node', format: 'esm', target: 'node22', minify: true, external: ['@aws-sdk/*'], outfile, logLevel: 'error',
    banner: { js: "import { createRequire as __mrvCreateRequire } from 'node:module'; const require = __mrvCreateRequire(import.meta.url);" },
  });
  const times = [];
  for (let i = 0; i < 9; i++) {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', `const t=performance.now(); await import(${JSON.stringify(outfile)}); console.log(performance.now()-t)`], { cwd: root, encoding: 'utf8' });
    times.push(Number(r.stdout.trim()));
  }
  times.sort((a, b) => a - b);
  return { bytes: statSync(outfile).size, initMs: times[4] };
}

const fmt = (n, d = 0) => (n === undefined || Number.isNaN(n) ? '–' : n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }));

async function main() {
  mkdirSync(dataDir, { recursive: true });
  const t0 = performance.now();
  const list = await generate(dataDir, { quick, log });
  const cli = useTsx ? join(root, 'cli/bin/mrv.mjs') : await buildCli();
  const startups = [0, 1, 2, 3, 4].map(() => measure(process.execPath, [cli, '--help']).wallMs).sort((a, b) => a - b);
  const startup = startups[2];
  log(`CLI: ${useTsx ? 'node cli/bin/mrv.mjs (tsx)' : 'esbuild bundle bench-data/mrv.bundle.mjs'}; start-up (mrv --help) ${fmt(startup)} ms`);
  const records = [];
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
      cli: useTsx ? 'tsx' : 'bundle',
    };
    if (!result || result.status !== 'accepted') log(`  ! ${f.name}: ${rec.status} ${m.stderr.split('\n').slice(0, 5).join(' | ')}`);
    records.push(rec);
    if (asJson) console.log(JSON.stringify(rec));
  }
  const lambda = await lambdaBundle();
  const engine = await engineBundle();
  const lrec = { case: 'lambda-bundle', entry: lambda.proxy ? 'proxy: core/calculation/calculate.ts + methodologies/index.ts' : 'functions/ingest-upload/handler.ts', bytes: lambda.bytes, initMs: lambda.initMs, top: lambda.top, engineBytes: engine.bytes, engineInitMs: engine.initMs };
  if (asJson) console.log(JSON.stringify(lrec));
  else {
    const head = ['case', 'rows', 'MB', 'status', 'wall s', 'rows/s', 'MB/s', 'floor rows/s', 'ratio', 'ratio excl. start-up', 'peak RSS MB'];
    const body = records.map((r) => [r.case, fmt(r.rows), fmt(r.mb, 1), r.status, fmt(r.wallS, 2), fmt(r.rowsPerS), fmt(r.mbPerS, 1), fmt(r.floorRowsPerS), fmt(r.ratioToFloor, 2), fmt(r.netRatioToFloor, 2), fmt(r.peakRssMb)]);
    const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => String(b[i]).length)));
    const line = (cells) => `| ${cells.map((c, i) => String(c).padStart(w[i])).join(' | ')} |`;
    console.log(line(head));
    console.log(`|${w.map((x) => '-'.repeat(x + 2)).join('|')}|`);
    for (const b of body) console.log(line(b));
    console.log(`\nCLI: ${useTsx ? 'tsx (node cli/bin/mrv.mjs)' : 'esbuild bundle of cli/main.ts'}, start-up ${fmt(startup)} ms (median of 5 "mrv --help" runs; included in wall time; "ratio excl. start-up" subtracts it).`);
    console.log(`Lambda bundle (${lrec.entry}): ${fmt(lambda.bytes / 1024)} KB minified, module initialisation ${fmt(lambda.initMs, 1)} ms (median of 9 fresh processes).`);
    console.log(`  largest parts: ${lambda.top.join(', ')}`);
    console.log(`Engine alone (calculate + registry, what the handler's lazy deps initialise): ${fmt(engine.bytes / 1024)} KB, initialisation ${fmt(engine.initMs, 1)} ms.`);
    console.log(`Whole bench: ${fmt((performance.now() - t0) / 1000, 1)} s.`);
  }
  writeFileSync(join(dataDir, 'last-run.json'), `${JSON.stringify({ at: new Date().toISOString(), records, lambda: lrec }, null, 2)}\n`);
}

await main();
