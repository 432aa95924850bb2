import { calculate } from '../../core/calculation/calculate.ts';
import { canonicalJson, sha256Hex } from '../../core/hashing/canonical.ts';
import { registrationHash, type RegistrationPin } from '../../core/project/versions.ts';
import type { CalculationResult } from '../../core/calculation/result.ts';
import type { PartialResult } from '../../core/calculation/partial.ts';
import { MrvError, PortError } from '../../core/errors.ts';
import { isProjectId, preCheckDiagnostic, preCheckUpload } from '../../core/ingest/precheck.ts';
import type { MethodologyRegistry } from '../../core/methodology/registry.ts';
import { detectFormat } from '../../core/readers/read-records.ts';
import { ZIP_TAIL_BYTES } from '../../core/readers/zip-directory.ts';
import { PROJECT_ID, type Project } from '../../core/project/project.ts';
import { renderReport } from '../../core/report/render-report.ts';
import { preCheckRejection, type UploadInfo, type UploadReport } from '../../core/report/upload-report.ts';
import { buildReviewItem } from '../../core/review/review-item.ts';
import type { ReviewItem } from '../../core/review/schemas.ts';
import type { Submission } from '../../core/review/submission.ts';
import { uploadIdOf } from '../../core/review/upload-id.ts';
import { createHash } from 'node:crypto';
import type { Diagnostic } from '../../core/validation/diagnostic.ts';
import { appendAuditEvent, type AuditStore } from '../../core/audit/audit.ts';
import type { Log, MetricSink } from '../shared/observability.ts';
import type { MonitoringStore, ProjectsRepository, ReportStore, ReviewQueue, SubmissionsRepository } from '../shared/ports.ts';
import type { Notifier } from '../shared/notifications.ts';
import { BUCKET_LAYOUT, OBJECT_METADATA, XLSX_LIMIT } from '../shared/resources.ts';

export interface IngestDeps {
  readonly monitoring: MonitoringStore;
  readonly reports: ReportStore;
  readonly projects: ProjectsRepository;
  readonly submissions: SubmissionsRepository;
  readonly reviewQueue: ReviewQueue;
  /** People's notifications (an accepted upload waits for review; a rejected one is reported to its site). */
  readonly notifier?: Notifier;
  readonly registry: MethodologyRegistry;
  readonly now: () => Date;
  readonly logger: Log;
  readonly metrics: MetricSink;
  /** The projects' audit trail: every upload of a registered project is an `upload` event (issue 13). */
  readonly audit?: AuditStore;
  /**
   * Uploads of at least this many bytes are not read here: the Distributed Map path (functions/large-upload)
   * gets the same S3 event (EventBridge, filtered on the same size) and calculates them in byte ranges.
   */
  readonly largeUploadBytes?: number;
  /** The largest XLSX read here (default {@link XLSX_LIMIT}.defaultMaxBytes): a larger workbook is refused before it is read. */
  readonly maxXlsxBytes?: number;
}

/** An upload that passed the pre-checks: what the calculation and the writing of its outcome need. */
export interface PreparedUpload {
  readonly key: string;
  readonly projectId: string;
  readonly fileName: string;
  readonly versionId?: string;
  readonly bytes: number;
  readonly receivedAt: string;
  readonly project: Project;
  readonly pin: RegistrationPin;
  readonly ccs: boolean;
  /** Who put the object, when the event said (for the audit trail). */
  readonly uploader?: string;
}

/** What the S3 event says about the upload besides its key. */
export interface UploadContext {
  /** `userIdentity.principalId` of the S3 event: who put the object (e.g. `AWS:AIDA…`, `AWS:AROA…:session`). */
  readonly uploader?: string;
}

export type IngestOutcome = 'accepted' | 'rejected' | 'not-applicable' | 'duplicate' | 'skipped';

/** An event for a key the ingest function must not (or cannot) read: the record fails, is retried, and its DLQ alarms. */
export class UnprocessableUploadEvent extends MrvError {
  override name = 'UnprocessableUploadEvent';
  constructor(message: string) {
    super('ingest.unprocessable_event', message, { expose: false });
  }
}

export type UploadKey =
  /** `uploads/<projectId>/<fileName>`: the file name may contain further `/` (a subfolder of the project folder). */
  | { readonly kind: 'upload'; readonly key: string; readonly projectId: string; readonly fileName: string }
  /** Under `uploads/` but not in a project folder (`uploads/x.csv`), or a folder marker (`uploads/p/`): a rejection report. */
  | { readonly kind: 'misplaced'; readonly key: string; readonly projectId: string; readonly fileName: string; readonly problem: string }
  /** Not readable (bad URL encoding) or outside `uploads/`: the record fails (the notification is filtered to `uploads/`, so this is misrouting). */
  | { readonly kind: 'unprocessable'; readonly key: string; readonly problem: string };

/**
 * Classifies the key of an S3 event (URL-encoded, `+` for space) under the bucket layout
 * `uploads/<projectId>/<fileName>` (functions/shared/resources.ts):
 * - `uploads/p/f.csv`, `uploads/p/sub/f.csv` → an upload of project `p` (file name `f.csv`, `sub/f.csv`);
 * - `uploads/f.csv` (no project folder), `uploads/p/` and `uploads/` (folder markers) → misplaced: a rejection report;
 * - a key that is not valid URL encoding or UTF-8, or outside `uploads/` → unprocessable: the record fails.
 */
export function classifyUploadKey(rawKey: string): UploadKey {
  let key: string;
  try {
    key = decodeURIComponent(rawKey.replace(/\+/g, ' '));
  } catch {
    return {
      kind: 'unprocessable',
      key: rawKey,
      problem: `the event key ${JSON.stringify(rawKey)} is not valid URL encoding (S3 encodes keys as UTF-8, percent-escaped)`,
    };
  }
  if (!key.startsWith(BUCKET_LAYOUT.uploadsPrefix))
    return {
      kind: 'unprocessable',
      key,
      problem: `the object ${JSON.stringify(key)} is outside ${BUCKET_LAYOUT.uploadsPrefix} (the bucket notification is filtered to that prefix: check its configuration)`,
    };
  const rest = key.slice(BUCKET_LAYOUT.uploadsPrefix.length);
  const slash = rest.indexOf('/');
  if (slash < 0) {
    return rest === ''
      ? {
          kind: 'misplaced',
          key,
          projectId: '',
          fileName: '(folder)',
          problem: `${key} is a folder marker, not a monitoring file: nothing was read; upload files to uploads/<project-id>/<file>.`,
        }
      : {
          kind: 'misplaced',
          key,
          projectId: '',
          fileName: rest,
          problem: `${JSON.stringify(key)} is not in a project folder: upload to uploads/<project-id>/${rest}; nothing was read.`,
        };
  }
  const projectId = rest.slice(0, slash);
  const fileName = rest.slice(slash + 1);
  if (fileName === '' || fileName.endsWith('/'))
    return {
      kind: 'misplaced',
      key,
      projectId,
      fileName: '(folder)',
      problem: `${JSON.stringify(key)} is a folder marker, not a monitoring file: nothing was read; upload files to uploads/${projectId}/<file>.`,
    };
  return { kind: 'upload', key, projectId, fileName };
}

/** `uploads/<projectId>/<fileName>` from an S3 event key (URL-encoded, `+` for space); undefined for any other key. */
export function parseUploadKey(rawKey: string): { key: string; projectId: string; fileName: string } | undefined {
  const k = classifyUploadKey(rawKey);
  return k.kind === 'upload' ? { key: k.key, projectId: k.projectId, fileName: k.fileName } : undefined;
}

/** Where an upload rejected before calculation is, and who put it. */
interface EarlyTarget {
  readonly key: string;
  readonly projectId: string;
  readonly fileName: string;
  readonly versionId?: string | undefined;
  readonly receivedAt: string;
}

/**
 * The one early-rejection path: an upload refused before calculation (misplaced key, pre-check failed)
 * is hashed (its id is the same as if it had been calculated), gets its rejection report with the one
 * diagnostic, and, when its project is registered, a rejected submission and an audit event.
 */
async function rejectEarly(
  deps: IngestDeps,
  target: EarlyTarget,
  diagnostic: Diagnostic,
  options: { readonly registered: boolean; readonly context: UploadContext; readonly metric?: string },
): Promise<IngestOutcome> {
  const { key, projectId, fileName, versionId, receivedAt } = target;
  const file = await hashObject(deps.monitoring, key, versionId);
  const uploadId = uploadIdOf(projectId, file.sha256);
  const upload: UploadInfo = { uploadId, projectId, key, ...(versionId ? { versionId } : {}), receivedAt };
  const report: UploadReport = { ...preCheckRejection({ projectId, file: { name: fileName, ...file }, diagnostics: [diagnostic] }), upload };
  await writeReport(deps, report);
  if (options.registered) {
    await deps.submissions.create(submissionOf(report, undefined));
    await auditUpload(deps, report, options.context);
  }
  deps.logger.info('Upload rejected before calculation', { key, uploadId, code: diagnostic.code });
  deps.metrics.count('UploadsRejected');
  if (options.metric) deps.metrics.count(options.metric);
  return 'rejected';
}

/** The project's current registration and its pin (a repository without versions pins version 1). */
async function currentRegistration(deps: IngestDeps, projectId: string) {
  if (deps.projects.getCurrent) return deps.projects.getCurrent(projectId);
  const r = await deps.projects.get(projectId);
  return r === undefined ? undefined : { registration: r, pin: { version: 1, hash: registrationHash(r) } };
}

/**
 * The pre-checks of an uploaded object: its key, that it still exists, then core's pure pre-check of
 * the registration and the declared methodology (core/ingest/precheck.ts). A failed check goes through
 * the one early-rejection path and returns the outcome; a passed one returns what the calculation needs.
 */
export async function prepareUpload(
  deps: IngestDeps,
  rawKey: string,
  context: UploadContext = {},
): Promise<{ readonly outcome: IngestOutcome } | { readonly ctx: PreparedUpload }> {
  const { logger, metrics } = deps;
  const parsed = classifyUploadKey(rawKey);
  if (parsed.kind === 'unprocessable') {
    logger.error('Upload event cannot be processed; the record fails (DLQ alarm)', { key: rawKey, problem: parsed.problem });
    metrics.count('UploadKeyUnprocessable');
    throw new UnprocessableUploadEvent(`Ingest: ${parsed.problem}.`);
  }
  const { key, projectId, fileName } = parsed;
  const head = await deps.monitoring.head(key);
  if (!head) {
    // Deleted before it was read: no content, so no report; the record fails and its DLQ alarms.
    logger.error('The uploaded object no longer exists; the record fails (DLQ alarm)', { key });
    metrics.count('UploadVanished');
    throw new UnprocessableUploadEvent(`Ingest: the object ${JSON.stringify(key)} was deleted before it could be read; no report was written.`);
  }
  const target: EarlyTarget = { key, projectId, fileName, versionId: head.versionId, receivedAt: deps.now().toISOString() };
  if (parsed.kind === 'misplaced') {
    const diagnostic = preCheckDiagnostic('project.invalid', parsed.problem, parsed.fileName);
    return {
      outcome: await rejectEarly(deps, { ...target, fileName: parsed.fileName }, diagnostic, { registered: false, context, metric: 'UploadKeyMisplaced' }),
    };
  }
  // A folder that cannot be a project id (too long, `..`, unicode) is never looked up; its report goes
  // under a fixed folder so the report key stays within S3's limits.
  const current = isProjectId(projectId) ? await currentRegistration(deps, projectId) : undefined;
  const check = preCheckUpload({
    key,
    projectId,
    fileName,
    registration: current?.registration,
    declaredMethodology: head.metadata[OBJECT_METADATA.methodology],
    registry: deps.registry,
  });
  if (check.kind === 'reject') return { outcome: await rejectEarly(deps, target, check.diagnostic, { registered: check.registered, context }) };
  const tooLarge = xlsxTooLarge(fileName, head.bytes, deps.maxXlsxBytes ?? XLSX_LIMIT.defaultMaxBytes);
  if (tooLarge) return { outcome: await rejectEarly(deps, target, tooLarge, { registered: true, context, metric: 'UploadXlsxTooLarge' }) };
  return {
    ctx: {
      key,
      projectId,
      fileName,
      ...(head.versionId ? { versionId: head.versionId } : {}),
      bytes: head.bytes,
      receivedAt: target.receivedAt,
      project: check.project,
      pin: current!.pin,
      ccs: check.ccs,
      ...(context.uploader ? { uploader: context.uploader } : {}),
    },
  };
}

/** A workbook above the limit: one diagnostic asking for CSV (a workbook cannot be split into byte ranges). */
function xlsxTooLarge(fileName: string, bytes: number, limit: number): Diagnostic | undefined {
  if (detectFormat(fileName) !== 'xlsx' || bytes <= limit) return undefined;
  const mb = (n: number) => `${Math.round(n / 1e5) / 10} MB`;
  return {
    severity: 'error',
    code: 'file.too_large',
    source: 'functions/ingest-upload',
    message: `${fileName} is ${mb(bytes)}: a workbook above ${mb(limit)} cannot be read within one ingest function (a workbook is a zip and cannot be split). Save the sheet as CSV and upload that: large CSV files are calculated in byte ranges.`,
    location: { file: fileName },
  };
}

/**
 * One uploaded object: look up the project, pre-check, stream the object through `calculate()`,
 * then write the report (always), the result, the submission and the review item (accepted only).
 *
 * Idempotent: the upload id is derived from the project and the content hash; the submission is put
 * with `attribute_not_exists(pk)`; a redelivered event finds the submission and only makes sure its
 * report exists and (if a crash came between the put and the send) that its review item was sent.
 * Throws only for system faults (a {@link PortError}), and then before any partial result is written
 * if the fault was in reading the object.
 */
export async function ingestObject(deps: IngestDeps, rawKey: string, context: UploadContext = {}): Promise<IngestOutcome> {
  const prepared = await prepareUpload(deps, rawKey, context);
  if ('outcome' in prepared) return prepared.outcome;
  const { ctx } = prepared;
  const { key, fileName, project, versionId } = ctx;
  if (deps.largeUploadBytes !== undefined && ctx.bytes >= deps.largeUploadBytes) {
    deps.logger.info('Large upload: calculated in byte ranges by the Distributed Map path, not here', {
      key,
      bytes: ctx.bytes,
      threshold: deps.largeUploadBytes,
    });
    deps.metrics.count('UploadsToDistributedMap');
    return 'skipped';
  }
  // Calculation, streamed. A failure of the stream is a system fault: throw before writing anything.
  // An XLSX's zip directory is read first (a ranged GET of its tail), so a zip bomb is refused before anything inflates.
  const archiveTail =
    detectFormat(fileName) === 'xlsx' && deps.monitoring.tail && ctx.bytes > 0
      ? await deps.monitoring.tail(key, versionId, ctx.bytes, ZIP_TAIL_BYTES)
      : undefined;
  const tracked = await deps.monitoring.open(key, versionId);
  let result: CalculationResult;
  let partial: PartialResult | undefined;
  try {
    result = await calculate({
      source: tracked.source,
      fileName,
      project,
      registry: deps.registry,
      ...(archiveTail ? { archiveTail } : {}),
      onPartial: (p) => (partial = p),
    });
  } catch (error) {
    if (tracked.failure() !== undefined) throw new PortError(`Reading s3 object ${key} failed mid-stream`, tracked.failure());
    throw error;
  }
  if (tracked.failure() !== undefined) throw new PortError(`Reading s3 object ${key} failed mid-stream`, tracked.failure());
  return finishUpload(deps, ctx, result, partial);
}

/**
 * Writes what a calculated upload leaves: the report (always); for an accepted one the partial result,
 * the result, the submission and the review item; and the upload's audit event. Shared by the ingest
 * function and the merge step of the Distributed Map path (functions/large-upload), so both leave exactly
 * the same records.
 */
export async function finishUpload(
  deps: IngestDeps,
  ctx: PreparedUpload,
  result: CalculationResult,
  partial: PartialResult | undefined,
): Promise<IngestOutcome> {
  const { logger, metrics } = deps;
  const { key, projectId, project, ccs, receivedAt } = ctx;
  const { fileName } = ctx;
  const head = { versionId: ctx.versionId };
  const context: UploadContext = ctx.uploader ? { uploader: ctx.uploader } : {};
  const uploadId = uploadIdOf(projectId, result.file.sha256);
  const upload: UploadInfo = { uploadId, projectId, key, ...(head.versionId ? { versionId: head.versionId } : {}), receivedAt };
  const resultKey = BUCKET_LAYOUT.result(projectId, uploadId);
  const item: ReviewItem | undefined =
    result.status === 'accepted'
      ? buildReviewItem({
          result,
          uploadId,
          project,
          ccs,
          file: { key, ...(head.versionId ? { versionId: head.versionId } : {}) },
          resultKey,
          reportKey: BUCKET_LAYOUT.reportText(projectId, uploadId),
          createdAt: receivedAt,
        })
      : undefined;
  const report: UploadReport = { ...result, upload, ...(item ? { issuance: item.issuance } : {}) };

  const existing = await deps.submissions.get(uploadId);
  if (existing) {
    const outcome = await redelivered(deps, existing, report, item, partial);
    // A redelivered event is recorded once (same event id); an identical re-upload under another key is an upload of its own.
    await auditUpload(deps, report, context);
    return outcome;
  }

  if (item && partial) await deps.reports.putJson(BUCKET_LAYOUT.partial(projectId, uploadId), partial);
  if (item) await deps.reports.putJson(resultKey, result);
  await writeReport(deps, report);
  const pins = { registration: ctx.pin, ...(item ? { resultSha256: resultHash(result) } : {}) };
  if (!(await deps.submissions.create(submissionOf(report, item, pins)))) {
    logger.info('A concurrent delivery created this submission first', { uploadId });
    metrics.count('UploadsDuplicate');
    await auditUpload(deps, report, context);
    return 'duplicate';
  }
  if (item) {
    await deps.reviewQueue.send(item);
    await deps.submissions.markQueued(uploadId, deps.now().toISOString());
    await deps.notifier?.publish({
      event: 'item-waiting',
      projectId,
      subject: `Upload ${fileName} of ${projectId} waits for review`,
      id: uploadId,
      detail: { er: item.totals.ER, units: item.issuable.units, period: item.period },
    });
  } else
    await deps.notifier?.publish({
      event: 'report-rejected',
      projectId,
      subject: `Upload ${fileName} of ${projectId} rejected by validation`,
      id: uploadId,
      detail: { report: BUCKET_LAYOUT.reportText(projectId, uploadId) },
    });
  await auditUpload(deps, report, context);
  logger.info('Upload processed', { key, uploadId, status: result.status });
  metrics.count(result.status === 'accepted' ? 'UploadsAccepted' : 'UploadsRejected');
  return result.status;
}

/** The same content again: no new submission; only repair what a crash may have left undone. */
async function redelivered(
  deps: IngestDeps,
  existing: Submission,
  report: UploadReport,
  item: ReviewItem | undefined,
  partial?: PartialResult,
): Promise<IngestOutcome> {
  const { uploadId, projectId } = existing;
  // Uploads accepted before partials were stored have none: a redelivery (or re-upload) adds it.
  if (item && partial && !(await deps.reports.exists(BUCKET_LAYOUT.partial(projectId, uploadId))))
    await deps.reports.putJson(BUCKET_LAYOUT.partial(projectId, uploadId), partial);
  if (!(await deps.reports.exists(BUCKET_LAYOUT.reportJson(projectId, uploadId)))) {
    if (item && existing.resultKey) await deps.reports.putJson(existing.resultKey, stripUpload(report));
    await writeReport(deps, report);
  }
  if (existing.status === 'pending-review' && !existing.queuedAt && item) {
    await deps.reviewQueue.send(item);
    await deps.submissions.markQueued(uploadId, deps.now().toISOString());
  }
  deps.logger.info('Upload already processed (redelivery or identical re-upload)', { uploadId, key: report.upload.key, firstKey: existing.file.key });
  deps.metrics.count('UploadsDuplicate');
  return 'duplicate';
}

/**
 * The `upload` event of a registered project's audit trail: who put which object (key, version, SHA-256)
 * and what became of it. Idempotent per object version: a redelivered S3 event is recorded once.
 */
async function auditUpload(deps: IngestDeps, report: UploadReport, context: UploadContext): Promise<void> {
  if (!deps.audit) return;
  const { upload, file } = report;
  await appendAuditEvent(
    deps.audit,
    {
      projectId: upload.projectId,
      eventId: `upload:${upload.uploadId}:${upload.versionId ?? upload.key}`,
      action: 'upload',
      actor: { principal: context.uploader ?? 'unknown (the S3 event named no principal)' },
      at: upload.receivedAt,
      subject: upload.uploadId,
      outcome: report.status,
      details: { key: upload.key, sha256: file.sha256, bytes: file.bytes, ...(upload.versionId ? { versionId: upload.versionId } : {}) },
    },
    deps.now().toISOString(),
  );
}

/**
 * An upload the Distributed Map path could not calculate (not CSV, no safe cut, a range that failed after its
 * retries): a rejection report saying why and a rejected submission, never a partial result. Its upload id is
 * derived from the object's key, version and size (the content was never hashed whole).
 */
export async function failUpload(deps: IngestDeps, ctx: PreparedUpload, message: string): Promise<IngestOutcome> {
  const identity = sha256Hex(`not-calculated\n${ctx.key}\n${ctx.versionId ?? ''}\n${ctx.bytes}`);
  const uploadId = uploadIdOf(ctx.projectId, identity);
  const diagnostic: Diagnostic = {
    severity: 'error',
    code: 'file.not_calculated',
    message,
    source: 'functions/large-upload',
    location: { file: ctx.fileName },
  };
  const report: UploadReport = {
    ...preCheckRejection({ projectId: ctx.projectId, file: { name: ctx.fileName, sha256: identity, bytes: ctx.bytes }, diagnostics: [diagnostic] }),
    upload: { uploadId, projectId: ctx.projectId, key: ctx.key, ...(ctx.versionId ? { versionId: ctx.versionId } : {}), receivedAt: ctx.receivedAt },
  };
  await writeReport(deps, report);
  await deps.submissions.create(submissionOf(report, undefined, { registration: ctx.pin }));
  await auditUpload(deps, report, ctx.uploader ? { uploader: ctx.uploader } : {});
  deps.logger.error('Large upload not calculated: rejection report written', { key: ctx.key, uploadId, message });
  deps.metrics.count('UploadsRejected');
  deps.metrics.count('UploadsNotCalculated');
  return 'rejected';
}

/** Reports of uploads whose folder is not a valid project id go here. */
export const INVALID_PROJECT_FOLDER = '_invalid-project';

async function writeReport(deps: IngestDeps, report: UploadReport): Promise<void> {
  const { uploadId } = report.upload;
  const projectId = PROJECT_ID.test(report.upload.projectId) ? report.upload.projectId : INVALID_PROJECT_FOLDER;
  await deps.reports.putJson(BUCKET_LAYOUT.reportJson(projectId, uploadId), report);
  await deps.reports.putText(BUCKET_LAYOUT.reportText(projectId, uploadId), renderReport(report));
}

function stripUpload(report: UploadReport): unknown {
  const { upload: _u, issuance: _i, ...result } = report;
  return result;
}

/** SHA-256 of the canonical JSON of a result as stored (JSON round trip first: what `mrv ledger verify` reads back). */
export const resultHash = (result: unknown): string => sha256Hex(canonicalJson(JSON.parse(JSON.stringify(result))));

function submissionOf(report: UploadReport, item: ReviewItem | undefined, pins: { registration?: RegistrationPin; resultSha256?: string } = {}): Submission {
  const { upload } = report;
  const r = 'methodology' in report ? report : undefined;
  return {
    uploadId: upload.uploadId,
    projectId: upload.projectId,
    createdAt: upload.receivedAt,
    status: item ? 'pending-review' : 'rejected',
    validation: report.status,
    file: { key: upload.key, sha256: report.file.sha256, bytes: report.file.bytes, ...(upload.versionId ? { versionId: upload.versionId } : {}) },
    ...(r ? { methodology: { key: r.methodology.key, hash: r.methodology.hash } } : {}),
    ...(r?.period ? { period: r.period } : {}),
    ...(r?.totals ? { er: r.totals.ER } : {}),
    ...(item ? { issuance: item.issuance, resultKey: item.resultKey, reviewItem: item } : {}),
    ...(pins.registration ? { registration: pins.registration } : {}),
    ...(pins.resultSha256 ? { resultSha256: pins.resultSha256 } : {}),
    reportKey: BUCKET_LAYOUT.reportJson(upload.projectId, upload.uploadId),
  };
}

/** SHA-256 and size of an object, streamed (for rejections that never reach the calculation). */
async function hashObject(store: MonitoringStore, key: string, versionId?: string): Promise<{ sha256: string; bytes: number }> {
  const tracked = await store.open(key, versionId);
  const sha = createHash('sha256');
  let bytes = 0;
  try {
    for await (const chunk of tracked.source) {
      sha.update(chunk);
      bytes += chunk.length;
    }
  } catch (error) {
    throw new PortError(`Reading s3 object ${key} failed mid-stream`, error);
  }
  return { sha256: sha.digest('hex'), bytes };
}
