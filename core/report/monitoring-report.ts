import { createHash } from 'node:crypto';
import { calculateMerged } from '../calculation/calculate.ts';
import type { PartialResult } from '../calculation/partial.ts';
import type { CalculationResult } from '../calculation/result.ts';
import { DAY_MS, formatPeriod, parseInstant, spanOf, type Period } from '../time/period.ts';
import { SiteClock } from '../time/zone.ts';
import type { MethodologyRegistry } from '../methodology/registry.ts';
import type { Project } from '../project/project.ts';

/**
 * Monitoring reports: what a verifier verifies and what the ledger issues for. A monitoring report
 * groups accepted uploads of one project into one monitoring period (CDM/JCM/A6.4 practice: a
 * monitoring report covers a monitoring period built from many monthly data files). It is valid only
 * when its uploads tile the period exactly, as half-open instants on the site's clock (core/time): no
 * stretch of the period without an upload, no instant in two uploads. Its result is the exact merge of the uploads' partial results
 * (core/calculation/partial.ts) with the period equations run once, so materiality, the PDD
 * comparison, the methodology's period checks (e.g. small-scale caps) and issuance are computed on the
 * whole report. A report of one upload is the single-file flow.
 *
 * Storage (functions/shared/resources.ts BUCKET_LAYOUT, docs/verifiers.md):
 * - `monitoring-reports/<projectId>/<reportId>.json`: this {@link MonitoringReport} document;
 * - `results/<projectId>/<reportId>.json`: the merged CalculationResult (the evidence, with the trace);
 * - the submissions table: one item with pk = reportId and `kind: 'monitoring-report'`; the review
 *   queue carries its ReviewItem (`uploadId` = reportId, `report` = the per-upload breakdown), and a
 *   decision on it issues once for the report's period.
 */

/** One upload inside a monitoring report: where it is and what it contributed on its own. */
export interface ReportUpload {
  readonly uploadId: string;
  /** S3 key of the uploaded file. */
  readonly key: string;
  readonly name: string;
  readonly sha256: string;
  readonly bytes: number;
  readonly period: Period;
  readonly rows: { readonly total: number; readonly accepted: number; readonly rejected: number };
  /** The upload's own ER as calculated alone (tCO2e): for the breakdown; the report's ER is the merge's. */
  readonly er?: string;
  /** S3 keys of its evidence. */
  readonly resultKey?: string;
  readonly partialKey: string;
}

/**
 * A stretch of the report period that no upload covers: half-open instants `[from, to)` on the site's
 * clock (ISO 8601 with the site's offset), and its length in days (exact: a DST day counts 23/24 or 25/24).
 */
export interface TilingGap {
  readonly from: string;
  readonly to: string;
  readonly days: number;
}

/** Two uploads over the same instants `[from, to)`. */
export interface TilingOverlap {
  readonly uploads: readonly [string, string];
  readonly from: string;
  readonly to: string;
}

export interface Tiling {
  readonly gaps: readonly TilingGap[];
  readonly overlaps: readonly TilingOverlap[];
  /** Uploads whose period reaches outside the report period. */
  readonly outside: readonly string[];
}

export interface MonitoringReport {
  readonly schemaVersion: 1;
  readonly kind: 'monitoring-report';
  /** 32 hex: sha256(`<projectId>:report:<start>:<end>:<uploadIds sorted, comma-joined>`), first 32 characters. */
  readonly reportId: string;
  readonly projectId: string;
  readonly period: Period;
  /** The uploads in period order. */
  readonly uploads: readonly ReportUpload[];
  readonly tiling: Tiling;
  /**
   * `accepted`: the uploads tile the period and the merged result was accepted (it waits for a verifier);
   * `refused`: it cannot be verified as it stands (`problems` say why; nothing is queued).
   */
  readonly status: 'accepted' | 'refused';
  /** Each reason the report was refused, in words a site can act on. Empty when accepted. */
  readonly problems: readonly string[];
  /** The merged result (absent when the tiling already failed). */
  readonly result?: CalculationResult;
  readonly createdAt: string;
}

/** The id of a report: the same uploads for the same period always give the same id. */
export function reportIdOf(projectId: string, period: Period, uploadIds: readonly string[]): string {
  return createHash('sha256')
    .update(`${projectId}:report:${period.start}:${period.end}:${[...uploadIds].sort().join(',')}`, 'utf8')
    .digest('hex')
    .slice(0, 32);
}

/**
 * Whether uploads tile a period exactly, on the site's clock: periods are half-open instants
 * `[start, end)` (core/time/period.ts), so consecutive uploads tile when one's end is the next's start
 * (January `[01-01 00:00, 02-01 00:00)` and February `[02-01 00:00, 03-01 00:00)`). Every instant of the
 * period must be in exactly one upload: gaps and overlaps are listed as instants in the report's zone;
 * uploads reaching outside the period are named. Legacy periods (UTC dates, both included) are read as
 * their instants.
 */
export function checkTiling(period: Period, uploads: readonly { readonly uploadId: string; readonly name: string; readonly period: Period }[]): Tiling {
  const zone = period.timeZone ?? 'UTC';
  const clock = SiteClock.of(zone);
  const whole = spanOf(period);
  const sorted = uploads.map((u) => ({ name: u.name, span: spanOf(u.period) })).sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
  const gaps: TilingGap[] = [];
  const overlaps: TilingOverlap[] = [];
  const outside = sorted.filter((u) => u.span.start < whole.start || u.span.end > whole.end).map((u) => u.name);
  const gap = (from: number, to: number) => gaps.push({ from: clock.format(from), to: clock.format(to), days: (to - from) / DAY_MS });
  let covered = whole.start; // the first instant not yet covered
  let lastName = '';
  for (const u of sorted) {
    if (u.span.start > covered) gap(Math.max(covered, whole.start), u.span.start);
    else if (u.span.start < covered && lastName)
      overlaps.push({ uploads: [lastName, u.name], from: clock.format(u.span.start), to: clock.format(Math.min(covered, u.span.end)) });
    if (u.span.end > covered) {
      covered = u.span.end;
      lastName = u.name;
    }
  }
  if (covered < whole.end) gap(covered, whole.end);
  return { gaps: gaps.filter((g) => g.days > 0), overlaps, outside };
}

/**
 * A stretch of time for people: whole local days as `2015-04-01 – 2015-04-30 (30 days)`, anything
 * else as instants with the site's offset, end excluded.
 */
export function describeStretch(from: string, to: string, timeZone: string): string {
  const clock = SiteClock.of(timeZone);
  const start = parseInstant(from);
  const end = parseInstant(to);
  const firstDay = clock.dateOf(start);
  const lastDay = clock.dateOf(end - 1);
  if (clock.startOfDate(firstDay) === start && clock.startOfDate(clock.dateOf(end)) === end) {
    const days = Math.round((Date.parse(`${lastDay}T00:00:00Z`) - Date.parse(`${firstDay}T00:00:00Z`)) / DAY_MS) + 1;
    return `${firstDay} – ${lastDay} (${days} day${days === 1 ? '' : 's'}, ${timeZone})`;
  }
  return `${from} – ${to} (${timeZone}, end excluded)`;
}

export interface AssembleInput {
  readonly project: Project;
  readonly registry: MethodologyRegistry;
  readonly period: Period;
  /** Accepted uploads with their stored partial results (a missing partial is a problem, named). */
  readonly uploads: readonly { readonly upload: ReportUpload; readonly partial?: PartialResult }[];
  /** ISO date-time. */
  readonly createdAt: string;
  /** Problems found before the merge (e.g. uploads calculated under another registration version). */
  readonly problems?: readonly string[];
}

/**
 * Builds a monitoring report: checks the tiling, merges the partials exactly and runs the period
 * equations once. Never throws on data: a report that cannot be verified comes back `refused` with its
 * problems named (each gap with its days, each overlap with its uploads).
 */
export async function assembleMonitoringReport(input: AssembleInput): Promise<MonitoringReport> {
  const { project, period } = input;
  const uploads = [...input.uploads].sort((a, b) => spanOf(a.upload.period).start - spanOf(b.upload.period).start);
  const zone = period.timeZone ?? 'UTC';
  const shown = formatPeriod(period);
  const reportId = reportIdOf(
    project.id,
    period,
    uploads.map((u) => u.upload.uploadId),
  );
  const tiling = checkTiling(
    period,
    uploads.map((u) => u.upload),
  );
  const problems: string[] = [...(input.problems ?? [])];
  if (!uploads.length) problems.push(`No accepted upload of project ${project.id} lies in ${shown}.`);
  for (const g of tiling.gaps) problems.push(`No upload covers ${describeStretch(g.from, g.to, zone)}: upload the data for it, or end the report before it.`);
  for (const o of tiling.overlaps)
    problems.push(
      `${o.uploads[0]} and ${o.uploads[1]} both cover ${describeStretch(o.from, o.to, zone)}: a quantity would be counted twice; keep one of them.`,
    );
  for (const name of tiling.outside)
    problems.push(`${name} reaches outside ${shown}: a report takes whole uploads; choose a period that contains it, or leave it out.`);
  for (const u of uploads)
    if (!u.partial)
      problems.push(
        `${u.upload.name} (upload ${u.upload.uploadId}) has no stored partial result (it was accepted before they were stored): upload it again to include it.`,
      );
  const base = {
    schemaVersion: 1 as const,
    kind: 'monitoring-report' as const,
    reportId,
    projectId: project.id,
    period,
    uploads: uploads.map((u) => u.upload),
    tiling,
    createdAt: input.createdAt,
  };
  if (problems.length) return { ...base, status: 'refused', problems };

  const result = await calculateMerged({
    partials: uploads.map((u) => u.partial!),
    fileName: `monitoring report ${shown}`,
    project,
    registry: input.registry,
    period,
  });
  if (result.status !== 'accepted') {
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    for (const d of errors) problems.push(d.message);
    if (!errors.length) problems.push(`The merged result is ${result.status}.`);
  }
  return { ...base, status: problems.length ? 'refused' : 'accepted', problems, result };
}
