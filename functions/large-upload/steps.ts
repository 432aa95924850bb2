/**
 * The Distributed Map path for large uploads (infra/constructs/large-uploads.ts): an upload of at least
 * `largeUploadBytes` is calculated in byte ranges by many Lambdas instead of one.
 *
 *   split (one Lambda)      the ingest pre-checks (prepareUpload), then the ranges from the object's size:
 *                           ranged GETs of the head and of the windows around the cuts (core/calculation/split.ts);
 *   ranges (Distributed Map) each batch of ranges: a ranged GET per range, calculateRange (the same core function
 *                           the worker threads of `mrv calc` run), its RangeResult stored under partials/;
 *   merge (one Lambda)      mergeRanges + calculateMerged (mergePartials, then the period equations once), then
 *                           the rest of the ingest path (finishUpload: report, result, submission, review item);
 *   fail (one Lambda)       a range or the merge failed after its retries: a rejection report, never a partial result.
 *
 * The handlers only adapt events; these functions hold the logic and are tested with the same ports as ingest.
 */
import { calculateMerged } from '../../core/calculation/calculate.ts';
import type { PartialResult } from '../../core/calculation/partial.ts';
import { calculateRange, cutRanges, mergeRanges, planSplit, SPLIT_HEAD_BYTES, type RangeResult } from '../../core/calculation/split.ts';
import { sha256Hex } from '../../core/hashing/canonical.ts';
import { PortError } from '../../core/errors.ts';
import type { MethodologyRegistry } from '../../core/methodology/registry.ts';
import { detectFormat } from '../../core/readers/read-records.ts';
import { failUpload, finishUpload, prepareUpload, type IngestDeps, type IngestOutcome, type PreparedUpload } from '../ingest-upload/ingest.ts';
import type { MonitoringStore, ReportStore } from '../shared/ports.ts';
import { BUCKET_LAYOUT, LARGE_UPLOAD } from '../shared/resources.ts';

export interface SplitDeps extends IngestDeps {
  readonly largeUploadBytes: number;
  readonly rangeBytes: number;
}

/** One byte range of the upload: an item of the Distributed Map. */
export interface RangeItem {
  readonly index: number;
  readonly start: number;
  readonly end: number;
}

/** What every range of one upload shares (the Map's BatchInput). */
export interface RangeShared {
  readonly ctx: PreparedUpload;
  readonly runId: string;
  /** The header (and units row), base64. */
  readonly prefix: string;
  readonly prefixLines: number;
}

export type SplitOutput =
  | { readonly kind: 'done'; readonly outcome: IngestOutcome }
  | ({ readonly kind: 'split'; readonly ranges: readonly RangeItem[]; readonly rangeCount: number } & RangeShared);

/** A batch of ranges as the Distributed Map's item batcher hands it to a range worker. */
export interface RangeBatch {
  readonly BatchInput: RangeShared;
  readonly Items: readonly RangeItem[];
}

const mb = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(0)} MiB`;

/** Runs `f` over `xs` with at most `limit` calls under way. */
async function mapLimited<T, R>(xs: readonly T[], limit: number, f: (x: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(xs.length);
  let next = 0;
  const run = async () => {
    while (next < xs.length) {
      const i = next++;
      out[i] = await f(xs[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, xs.length) }, run));
  return out;
}

/** The split step: pre-checks, then the byte ranges of the upload (or its outcome, when there is nothing to split). */
export async function splitUpload(deps: SplitDeps, rawKey: string): Promise<SplitOutput> {
  const prepared = await prepareUpload(deps, rawKey);
  if ('outcome' in prepared) return { kind: 'done', outcome: prepared.outcome };
  const { ctx } = prepared;
  if (ctx.bytes < deps.largeUploadBytes) {
    // The ingest function reads uploads below the threshold; two paths must never both record one upload.
    deps.logger.warn('Upload below the large-upload threshold reached the Distributed Map path; left to the ingest function', {
      key: ctx.key,
      bytes: ctx.bytes,
    });
    return { kind: 'done', outcome: 'skipped' };
  }
  const fail = async (why: string): Promise<SplitOutput> => ({ kind: 'done', outcome: await failUpload(deps, ctx, why) });
  const big = `${ctx.fileName} has ${ctx.bytes} bytes; files from ${mb(deps.largeUploadBytes)} are too large for one pass and are calculated in byte ranges`;
  if (detectFormat(ctx.fileName) !== 'csv')
    return fail(`${big}, which only CSV allows: upload the data as CSV, or in files under ${mb(deps.largeUploadBytes)}.`);
  if (!deps.monitoring.readRange) throw new Error('the monitoring store cannot read byte ranges');
  const ranges = Math.min(LARGE_UPLOAD.maxRanges, Math.max(2, Math.ceil(ctx.bytes / deps.rangeBytes)));
  const head = await deps.monitoring.readRange(ctx.key, ctx.versionId, 0, Math.min(ctx.bytes, SPLIT_HEAD_BYTES));
  const plan = planSplit(head, ctx.bytes, ranges);
  if ('unsafe' in plan)
    return fail(`${big}, and it cannot be cut safely: ${plan.unsafe}. Upload it without quoted line breaks, or in files under ${mb(deps.largeUploadBytes)}.`);
  if (plan.prefixEnd > LARGE_UPLOAD.maxPrefixBytes) return fail(`${big}, and its header is longer than ${LARGE_UPLOAD.maxPrefixBytes} bytes.`);
  const read = deps.monitoring.readRange.bind(deps.monitoring);
  const windows = await mapLimited(plan.windows, 16, (w) => read(ctx.key, ctx.versionId, w.start, w.end));
  const cut = cutRanges(plan, windows);
  if ('unsafe' in cut)
    return fail(`${big}, and it cannot be cut safely: ${cut.unsafe}. Upload it without quoted line breaks, or in files under ${mb(deps.largeUploadBytes)}.`);
  const runId = sha256Hex(`${ctx.key}\n${ctx.versionId ?? ''}\n${ctx.bytes}\n${cut.ranges.length}`).slice(0, 32);
  deps.logger.info('Large upload split into byte ranges', { key: ctx.key, bytes: ctx.bytes, ranges: cut.ranges.length, runId });
  return {
    kind: 'split',
    ctx,
    runId,
    prefix: Buffer.from(head.subarray(0, plan.prefixEnd)).toString('base64'),
    prefixLines: plan.prefixLines,
    ranges: cut.ranges.map((r, index) => ({ index, start: r.start, end: r.end })),
    rangeCount: cut.ranges.length,
  };
}

export interface RangeDeps {
  readonly monitoring: MonitoringStore;
  readonly reports: ReportStore;
  readonly registry: MethodologyRegistry;
}

/**
 * The range worker: each range of the batch read with a ranged GET and calculated by calculateRange; its
 * RangeResult is stored for the merge. A read failure throws (the Map retries the batch, then fails the upload).
 */
export async function calculateRangeBatch(deps: RangeDeps, batch: RangeBatch): Promise<{ readonly ranges: readonly number[] }> {
  const { ctx, runId, prefix, prefixLines } = batch.BatchInput;
  if (!deps.monitoring.openRange) throw new Error('the monitoring store cannot read byte ranges');
  const prefixBytes = new Uint8Array(Buffer.from(prefix, 'base64'));
  const done: number[] = [];
  for (const item of batch.Items) {
    const tracked = await deps.monitoring.openRange(ctx.key, ctx.versionId, item.start, item.end);
    let result: RangeResult;
    try {
      result = await calculateRange({
        prefix: prefixBytes,
        prefixLines,
        body: tracked.source,
        range: { start: item.start, end: item.end },
        index: item.index,
        fileName: ctx.fileName,
        project: ctx.project,
        registry: deps.registry,
      });
    } catch (error) {
      if (tracked.failure() !== undefined)
        throw new PortError(`Reading s3 object ${ctx.key} bytes ${item.start}-${item.end} failed mid-stream`, tracked.failure());
      throw error;
    }
    if (tracked.failure() !== undefined)
      throw new PortError(`Reading s3 object ${ctx.key} bytes ${item.start}-${item.end} failed mid-stream`, tracked.failure());
    await deps.reports.putJson(BUCKET_LAYOUT.rangeResult(ctx.projectId, runId, item.index), result);
    done.push(item.index);
  }
  return { ranges: done };
}

export interface MergeInput {
  readonly ctx: PreparedUpload;
  readonly runId: string;
  readonly rangeCount: number;
}

/**
 * The merge step: every range's result (all must be there), merged exactly, the period equations once, then
 * the rest of the ingest path. A split result that cannot stand (see mergeRanges) is never accepted: if the
 * merge rejected the file anyway its report stands (its diagnostics say why); otherwise the upload fails.
 */
export async function mergeUpload(deps: IngestDeps, input: MergeInput): Promise<IngestOutcome> {
  const { ctx, runId, rangeCount } = input;
  const results: RangeResult[] = [];
  for (let i = 0; i < rangeCount; i++) {
    const r = await deps.reports.getJson<RangeResult>(BUCKET_LAYOUT.rangeResult(ctx.projectId, runId, i));
    if (!r) throw new PortError(`The result of range ${i} of ${ctx.key} (run ${runId}) is missing`, undefined);
    results.push(r);
  }
  const merged = mergeRanges(results);
  let partial: PartialResult | undefined;
  const calculated = await calculateMerged({
    partials: merged.partials,
    fileName: ctx.fileName,
    project: ctx.project,
    registry: deps.registry,
    onPartial: (p) => (partial = p),
  });
  if (merged.onePass && calculated.status !== 'rejected')
    return failUpload(
      deps,
      ctx,
      `${ctx.fileName} was calculated in ${rangeCount} byte ranges, but the ranges cannot be combined into a result: ${merged.onePass}. Correct the file and upload it again.`,
    );
  // The file is named by the SHA-256 of its ranges' SHA-256s (no Lambda reads a file this large whole).
  const result = { ...calculated, file: { ...calculated.file, format: 'csv', bytes: ctx.bytes } };
  return finishUpload(deps, ctx, result, partial);
}

/** The failure step: the Map or the merge failed after its retries. */
export async function failLargeUpload(
  deps: IngestDeps,
  input: { readonly ctx: PreparedUpload; readonly error?: { readonly Error?: string; readonly Cause?: string } },
): Promise<IngestOutcome> {
  const what = input.error?.Error ?? 'an error';
  return failUpload(
    deps,
    input.ctx,
    `${input.ctx.fileName} could not be calculated: a part of its calculation in byte ranges failed after its retries (${what}). No result was produced; upload the file again, and if this repeats, contact the operator.`,
  );
}
