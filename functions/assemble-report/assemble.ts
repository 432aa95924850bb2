import type { PartialResult } from '../../core/calculation/partial.ts';
import { appendAuditEvent, type AuditActor, type AuditStore } from '../../core/audit/audit.ts';
import { ConfigError } from '../../core/errors.ts';
import { registrationHash } from '../../core/project/versions.ts';
import { resultHash } from '../ingest-upload/ingest.ts';
import { formatPeriod, parsePeriodText, spanOf, spansOverlap, type Period } from '../../core/time/period.ts';
import { SitePeriods } from '../../core/time/site-periods.ts';
import { DEFAULT_TIME_ZONE } from '../../core/time/zone.ts';
import type { MethodologyRegistry } from '../../core/methodology/registry.ts';
import { ProjectSchema } from '../../core/project/project.ts';
import { assembleMonitoringReport, reportIdOf, type MonitoringReport, type ReportUpload } from '../../core/report/monitoring-report.ts';
import { buildReviewItem } from '../../core/review/review-item.ts';
import { ReviewItemSchema, type ReviewItem } from '../../core/review/schemas.ts';
import type { Submission } from '../../core/review/submission.ts';
import type { Notifier } from '../shared/notifications.ts';
import type { ProjectsRepository, ReportStore, ReviewQueue, SubmissionsRepository } from '../shared/ports.ts';
import { BUCKET_LAYOUT } from '../shared/resources.ts';

export interface AssembleDeps {
  readonly submissions: SubmissionsRepository & { listByProject(projectId: string): Promise<Submission[]> };
  readonly reports: ReportStore;
  readonly projects: ProjectsRepository;
  readonly reviewQueue: ReviewQueue;
  readonly registry: MethodologyRegistry;
  readonly notifier?: Notifier;
  /** The project's audit trail (issue 13) and who assembles: a new report is an audit event `monitoring-report.assemble`. */
  readonly audit?: { readonly store: AuditStore; readonly actor: AuditActor };
  readonly now: () => Date;
}

export interface AssembleRequest {
  readonly projectId: string;
  /**
   * The report period: a Period (re-written on the site's clock), or as a person types it, on the
   * site's clock: `<first-day>..<last-day>` (local dates, both included: `[first 00:00, day after last
   * 00:00)`), the same with `/`, or two ISO 8601 instants with offsets, end excluded.
   */
  readonly period: Period | string;
  /** Only these uploads (ids); default: every accepted upload awaiting review whose period lies in `period`. */
  readonly uploadIds?: readonly string[];
}

export type AssembleOutcome =
  | { readonly kind: 'queued' | 'existing'; readonly report: MonitoringReport }
  | { readonly kind: 'refused'; readonly report: MonitoringReport };

/**
 * Assembles a monitoring report of a project for a period (`mrv report assemble`): picks the uploads,
 * reads their partial results, merges them (core/report/monitoring-report.ts), stores the report
 * document and the merged result, and, when the report is valid, records it as a submission
 * (pk = reportId, kind monitoring-report) and queues its review item. Idempotent: the same uploads for
 * the same period give the same report id; assembling again finds the existing submission.
 * A refused report is stored too (so the site can read why) but is not queued.
 *
 * Uploads picked by default: accepted and awaiting review (not decided on their own, not part of a
 * report), with a period that overlaps the report period. An upload that reaches outside the period
 * is named as a problem rather than silently left out.
 */
export async function assembleReport(deps: AssembleDeps, request: AssembleRequest): Promise<AssembleOutcome> {
  // The current registration version (strict versioned registrations), pinned in the report's submission as an upload's is.
  const current = deps.projects.getCurrent
    ? await deps.projects.getCurrent(request.projectId)
    : await deps.projects
        .get(request.projectId)
        .then((r) => (r === undefined ? undefined : { registration: r, pin: { version: 1, hash: registrationHash(r) } }));
  const stored = current?.registration;
  if (stored === undefined || !current) throw new ConfigError(`Project ${request.projectId} is not registered.`);
  const parsed = ProjectSchema.safeParse(stored);
  if (!parsed.success)
    throw new ConfigError(
      `The registration of project ${request.projectId} is invalid.`,
      parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
    );
  const project = parsed.data;
  const period = reportPeriod(request.period, project.timeZone ?? DEFAULT_TIME_ZONE);
  const span = spanOf(period);
  const shown = formatPeriod(period);

  const all = await deps.submissions.listByProject(project.id);
  const isUpload = (s: Submission) => (s.kind ?? 'upload') === 'upload';
  let chosen: Submission[];
  if (request.uploadIds) {
    chosen = [];
    for (const id of request.uploadIds) {
      const s = all.find((x) => x.uploadId === id && isUpload(x));
      if (!s) throw new ConfigError(`Upload ${id} is not an upload of project ${project.id}.`);
      if (s.validation !== 'accepted' || !s.period)
        throw new ConfigError(`Upload ${id} (${s.file.key}) was not accepted (validation ${s.validation}); only accepted uploads go into a report.`);
      chosen.push(s);
    }
  } else chosen = all.filter((s) => isUpload(s) && s.status === 'pending-review' && s.period && spansOverlap(spanOf(s.period), span));

  const uploads: { upload: ReportUpload; partial?: PartialResult }[] = [];
  // Row equations read registered parameters: an upload calculated under another registration version is not merged.
  const stale = chosen
    .filter((s) => s.registration && s.registration.hash !== current.pin.hash)
    .map(
      (s) =>
        `${s.file.key.split('/').pop() ?? s.file.key} (upload ${s.uploadId}) was calculated under registration version ${s.registration!.version} of ${project.id}, which is now at version ${current.pin.version}: upload it again so it is calculated under the current registration.`,
    );
  for (const s of chosen) {
    const partialKey = BUCKET_LAYOUT.partial(project.id, s.uploadId);
    const partial = await deps.reports.getJson<PartialResult>(partialKey);
    const upload: ReportUpload = {
      uploadId: s.uploadId,
      key: s.file.key,
      name: s.file.key.split('/').pop() ?? s.file.key,
      sha256: s.file.sha256,
      bytes: s.file.bytes,
      period: s.period!,
      rows: partial?.rows ?? { total: 0, accepted: 0, rejected: 0 },
      ...(s.er ? { er: s.er } : {}),
      ...(s.resultKey ? { resultKey: s.resultKey } : {}),
      partialKey,
    };
    uploads.push({ upload, ...(partial ? { partial } : {}) });
  }

  const reportId = reportIdOf(
    project.id,
    period,
    uploads.map((u) => u.upload.uploadId),
  );
  const existing = await deps.submissions.get(reportId);
  const documentKey = BUCKET_LAYOUT.monitoringReport(project.id, reportId);
  if (existing) {
    const report = await deps.reports.getJson<MonitoringReport>(documentKey);
    if (report) return { kind: existing.status === 'rejected' && existing.validation !== 'accepted' ? 'refused' : 'existing', report };
  }

  const createdAt = deps.now().toISOString();
  const report = await assembleMonitoringReport({ project, registry: deps.registry, period, uploads, createdAt, problems: stale });
  const resultKey = BUCKET_LAYOUT.result(project.id, reportId);
  if (report.result) await deps.reports.putJson(resultKey, report.result);
  await deps.reports.putJson(documentKey, report);

  const r = report.result;
  let item: ReviewItem | undefined;
  if (report.status === 'accepted' && r) {
    const ccs = deps.registry.get(project.methodology).tags?.includes('ccs') ?? false;
    const built = buildReviewItem({ result: r, uploadId: reportId, project, ccs, file: { key: documentKey }, resultKey, reportKey: documentKey, createdAt });
    item = ReviewItemSchema.parse({
      ...built,
      report: {
        reportId,
        documentKey,
        uploads: report.uploads.map((u) => ({
          uploadId: u.uploadId,
          name: u.name,
          key: u.key,
          sha256: u.sha256,
          period: u.period,
          rows: u.rows,
          ...(u.er ? { er: u.er } : {}),
        })),
      },
    });
  }
  const submission: Submission = {
    uploadId: reportId,
    kind: 'monitoring-report',
    uploads: report.uploads.map((u) => u.uploadId),
    projectId: project.id,
    createdAt,
    status: item ? 'pending-review' : 'rejected',
    validation: item ? 'accepted' : 'rejected',
    file: { key: documentKey, sha256: r?.file.sha256 ?? reportId.padEnd(64, '0'), bytes: r?.file.bytes ?? 0 },
    ...(r ? { methodology: { key: r.methodology.key, hash: r.methodology.hash } } : {}),
    period,
    ...(r?.totals ? { er: r.totals.ER } : {}),
    registration: current.pin,
    ...(item && r ? { resultSha256: resultHash(r) } : {}),
    ...(item ? { issuance: item.issuance, resultKey, reviewItem: item } : {}),
    reportKey: documentKey,
    ...(report.problems.length ? { statusReason: report.problems.join(' ') } : {}),
  };
  const created = await deps.submissions.create(submission);
  // Idempotent by report id: assembling the same report again records nothing new.
  if (deps.audit)
    await appendAuditEvent(
      deps.audit.store,
      {
        projectId: project.id,
        eventId: `assemble:${reportId}`,
        action: 'monitoring-report.assemble',
        actor: deps.audit.actor,
        at: createdAt,
        subject: reportId,
        outcome: report.status === 'accepted' ? 'queued' : 'refused',
        ...(report.problems.length ? { reason: report.problems.join(' ').slice(0, 2000) } : {}),
        details: { period: `${period.start}/${period.end}`, uploads: report.uploads.length, ...(r?.totals ? { er: r.totals.ER } : {}) },
      },
      deps.now().toISOString(),
    );
  if (item && created) {
    await deps.reviewQueue.send(item);
    await deps.submissions.markQueued(reportId, deps.now().toISOString());
    await deps.notifier?.publish({
      event: 'item-waiting',
      projectId: project.id,
      subject: `Monitoring report ${shown} waits for review`,
      id: reportId,
      detail: { uploads: report.uploads.length, er: r!.totals!.ER, units: item.issuance.units },
    });
  }
  if (report.status === 'refused')
    await deps.notifier?.publish({
      event: 'report-rejected',
      projectId: project.id,
      subject: `Monitoring report ${shown} refused`,
      id: reportId,
      detail: { problems: report.problems },
    });
  else
    await deps.notifier?.publish({
      event: 'report-ready',
      projectId: project.id,
      subject: `Monitoring report ${shown} assembled`,
      id: reportId,
      detail: { uploads: report.uploads.length, er: r!.totals!.ER },
    });
  return report.status === 'accepted' ? { kind: created ? 'queued' : 'existing', report } : { kind: 'refused', report };
}

/** The report period on the site's clock (see {@link AssembleRequest.period}); a ConfigError says what is wrong with a typed one. */
export function reportPeriod(period: Period | string, timeZone: string): Period {
  if (typeof period !== 'string') return new SitePeriods(timeZone, undefined).normalise(period);
  const text = period.trim().replace(/\s*(?:\.\.|–)\s*/, '/');
  const parsed = parsePeriodText(text, timeZone);
  if ('problem' in parsed)
    throw new ConfigError(
      `Report period ${JSON.stringify(period)}: ${parsed.problem} (e.g. 2026-01-01..2026-12-31, local dates of the site in ${timeZone}, both included).`,
    );
  return parsed;
}
