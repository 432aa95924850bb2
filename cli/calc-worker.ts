/**
 * The worker thread of `mrv calc --workers N`: calculates one byte range of a CSV file with the core's
 * calculateRange (core/calculation/split.ts) and posts its RangeResult back. Built into
 * dist/cli/calc-worker.mjs by cli/build.mjs; from the sources it runs through tsx (cli/split-run.ts).
 */
import { createReadStream } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { calculateRange } from '../core/calculation/split.ts';
import { recordFastPath } from '../core/calculation/calculate.ts';
import { csvFastPath } from '../core/readers/csv.ts';
import { registry } from '../methodologies/index.ts';
import { loadProjectFile } from './load.ts';
import type { RangeJob } from './split-run.ts';

const job = workerData as RangeJob;
try {
  csvFastPath.enabled = job.csvFast;
  recordFastPath.enabled = job.recordFast;
  const project = await loadProjectFile(job.projectPath, job.cwd);
  const body =
    job.range.end > job.range.start
      ? createReadStream(job.path, { start: job.range.start, end: job.range.end - 1, highWaterMark: 256 * 1024 })
      : (async function* () {})();
  const result = await calculateRange({
    prefix: job.prefix,
    prefixLines: job.prefixLines,
    body,
    range: job.range,
    index: job.index,
    fileName: job.fileName,
    project,
    registry,
    ...(job.period ? { period: job.period } : {}),
  });
  parentPort!.postMessage({ ok: true, result });
} catch (e) {
  parentPort!.postMessage({ ok: false, message: (e as Error)?.message ?? String(e), stack: (e as Error)?.stack });
}
