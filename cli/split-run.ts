/**
 * `mrv calc` on both cores: a CSV file split into byte ranges (core/calculation/split.ts), each range
 * calculated in a worker thread (cli/calc-worker.ts), the partial results merged exactly with the
 * merge a monitoring report uses, the period equations run once. The main thread reads the head and
 * the windows around the cuts, and hashes the whole file while the workers calculate (the result
 * names the file by its SHA-256, as one pass does).
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { calculateMerged } from '../core/calculation/calculate.ts';
import type { CalculationResult } from '../core/calculation/result.ts';
import { cutRanges, mergeRanges, planSplit, SPLIT_HEAD_BYTES, type ByteRange, type RangeResult } from '../core/calculation/split.ts';
import type { Period } from '../core/mechanisms/mechanisms.ts';
import type { Project } from '../core/project/project.ts';
import { registry } from '../methodologies/index.ts';
import { REPO_ROOT } from './paths.ts';

/** What one worker thread is given (structured-cloned). */
export interface RangeJob {
  readonly path: string;
  readonly fileName: string;
  readonly projectPath: string;
  readonly cwd: string;
  readonly prefix: Uint8Array;
  readonly prefixLines: number;
  readonly range: ByteRange;
  readonly index: number;
  readonly period?: Period;
  readonly csvFast: boolean;
  readonly recordFast: boolean;
}

export interface SplitArgs {
  readonly path: string;
  readonly fileName: string;
  readonly projectPath: string;
  readonly cwd: string;
  readonly size: number;
  readonly ranges: number;
  readonly project: Project;
  readonly period?: Period;
  readonly csvFast: boolean;
  readonly recordFast: boolean;
}

async function readAt(path: string, ranges: readonly ByteRange[]): Promise<Uint8Array[]> {
  const handle = await open(path, 'r');
  try {
    const out: Uint8Array[] = [];
    for (const r of ranges) {
      const buf = new Uint8Array(r.end - r.start);
      let got = 0;
      while (got < buf.length) {
        const { bytesRead } = await handle.read(buf, got, buf.length - got, r.start + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      out.push(got === buf.length ? buf : buf.subarray(0, got));
    }
    return out;
  } finally {
    await handle.close();
  }
}

/** The worker's entry: the prebuilt one next to the bundle, or the TypeScript source through tsx. */
function workerEntry(): URL {
  const built = join(REPO_ROOT, 'dist', 'cli', 'calc-worker.mjs');
  if (!import.meta.url.endsWith('.ts') && existsSync(built)) return pathToFileURL(built);
  return pathToFileURL(join(REPO_ROOT, 'cli', 'bin', 'calc-worker-from-source.mjs'));
}

function runWorker(job: RangeJob, started: Worker[]): Promise<RangeResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerEntry(), { workerData: job });
    started.push(worker);
    let settled = false;
    worker.once('message', (m: { ok: true; result: RangeResult } | { ok: false; message: string; stack?: string }) => {
      settled = true;
      if (m.ok) resolve(m.result);
      else reject(Object.assign(new Error(`range ${job.index} (bytes ${job.range.start}-${job.range.end}): ${m.message}`), { stack: m.stack }));
    });
    worker.once('error', (e) => {
      settled = true;
      reject(e);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`the worker for range ${job.index} stopped (exit code ${code}) without a result`));
    });
  });
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Calculates a CSV file in `args.ranges` byte ranges on worker threads. Returns the result, or why the
 * file must be read in one pass instead (the caller says so on stderr and does it).
 */
export async function calculateInRanges(
  args: SplitArgs,
): Promise<{ readonly result: CalculationResult; readonly ranges: number } | { readonly onePass: string }> {
  const [head] = await readAt(args.path, [{ start: 0, end: Math.min(args.size, SPLIT_HEAD_BYTES) }]);
  const plan = planSplit(head!, args.size, args.ranges);
  if ('unsafe' in plan) return { onePass: plan.unsafe };
  const cut = cutRanges(plan, await readAt(args.path, plan.windows));
  if ('unsafe' in cut) return { onePass: cut.unsafe };
  const prefix = head!.slice(0, plan.prefixEnd);
  const hashing = sha256Of(args.path);
  const started: Worker[] = [];
  let results: RangeResult[];
  try {
    results = await Promise.all(
      cut.ranges.map((range, index) =>
        runWorker(
          {
            path: args.path,
            fileName: args.fileName,
            projectPath: args.projectPath,
            cwd: args.cwd,
            prefix,
            prefixLines: plan.prefixLines,
            range,
            index,
            ...(args.period ? { period: args.period } : {}),
            csvFast: args.csvFast,
            recordFast: args.recordFast,
          },
          started,
        ),
      ),
    );
  } catch (error) {
    // One range failed (a fault, not bad data): stop the others, and let the command report the fault.
    await Promise.all(started.map((w) => w.terminate()));
    await hashing.catch(() => undefined);
    throw error;
  }
  const sha256 = await hashing;
  const merged = mergeRanges(results);
  if (merged.onePass) return { onePass: merged.onePass };
  const result = await calculateMerged({
    partials: merged.partials,
    fileName: args.fileName,
    project: args.project,
    registry,
    ...(args.period ? { period: args.period } : {}),
  });
  return { result: { ...result, file: { name: args.fileName, format: 'csv', bytes: args.size, sha256 } }, ranges: cut.ranges.length };
}
