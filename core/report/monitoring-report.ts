import { createHash } from 'node:crypto';
import { calculateMerged } from '../calculation/calculate.ts';
import type { PartialResult } from '../calculation/partial.ts';
import type { CalculationResult } from '../calculation/result.ts';
import type { Period } from '../mechanisms/mechanisms.ts';
import type { MethodologyRegistry } from '../methodology/registry.ts';
import type { Project } from '../project/project.ts';

/**
 * Monitoring reports: what a verifier verifies and what the ledger issues for. A monitoring report
 * groups accepted uploads of one project into one monitoring period (CDM/JCM/A6.4 practice: a
 * monitoring report covers a monitoring period built from many monthly data files). It is valid only
 * when its uploads tile the period exactly: no stretch of the period without an upload, no two uploads
 * over the same days. Its result is the exact merge of the uploads' partial results
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

/** A stretch of the report period that no upload covers (first and last day included). */
export interface TilingGap {
  readonly from: string;
  readonly to: string;
  readonly days: number;
}

/** Two uploads over the same days (first and last shared day). */
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

const DAY_MS = 86_400_000;
const dayMs = (d: string) => Date.parse(`${d}T00:00:00Z`);
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The id of a report: the same uploads for the same period always give the same id. */
export function reportIdOf(projectId: string, period: Period, uploadIds: readonly string[]): string {
  return createHash('sha256')
    .update(`${projectId}:report:${period.start}:${period.end}:${[...uploadIds].sort().join(',')}`, 'utf8')
    .digest('hex')
    .slice(0, 32);
}

/**
 * Whether uploads tile a period exactly, by day: every day of the period in exactly one upload. Gaps
 * and overlaps are listed with their days; uploads reaching outside the period are named.
 */
export function checkTiling(period: Period, uploads: readonly { readonly uploadId: string; readonly name: string; readonly period: Period }[]): Tiling {
  const sorted = [...uploads].sort((a, b) => (a.period.start < b.period.start ? -1 : a.period.start > b.period.start ? 1 : a.period.end < b.period.end ? -1 : 1));
  const gaps: TilingGap[] = [];
  const overlaps: TilingOverlap[] = [];
  const outside = sorted.filter((u) => u.period.start < period.start || u.period.end > period.end).map((u) => u.name);
  let covered = dayMs(period.start) - DAY_MS; // last day covered so far
  let lastName = '';
  const gap = (fromMs: number, toMs: number) => gaps.push({ from: isoDay(fromMs), to: isoDay(toMs), days: Math.round((toMs - fromMs) / DAY_MS) + 1 });
  for (const u of sorted) {
    const start = dayMs(u.period.start);
    const end = dayMs(u.period.end);
    if (start > covered + DAY_MS) gap(covered + DAY_MS, start - DAY_MS);
    else if (start <= covered && lastName) overlaps.push({ uploads: [lastName, u.name], from: u.period.start, to: isoDay(Math.min(covered, end)) });
    if (end > covered) {
      covered = end;
      lastName = u.name;
    }
  }
  const periodEnd = dayMs(period.end);
  if (covered < periodEnd) gap(covered + DAY_MS, periodEnd);
  return { gaps, overlaps, outside };
}

export interface AssembleInput {
  readonly project: Project;
  readonly registry: MethodologyRegistry;
  readonly period: Period;
  /** Accepted uploads with their stored partial results (a missing partial is a problem, named). */
  readonly uploads: readonly { readonly upload: ReportUpload; readonly partial?: PartialResult }[];
  /** ISO date-time. */
  readonly createdAt: string;
}

/**
 * Builds a monitoring report: checks the tiling, merges the partials exactly and runs the period
 * equations once. Never throws on data: a report that cannot be verified comes back `refused` with its
 * problems named (each gap with its days, each overlap with its uploads).
 */
export async function assembleMonitoringReport(input: AssembleInput): Promise<MonitoringReport> {
  const { project, period } = input;
  const uploads = [...input.uploads].sort((a, b) => (a.upload.period.start < b.upload.period.start ? -1 : a.upload.period.start > b.upload.period.start ? 1 : 0));
  const reportId = reportIdOf(project.id, period, uploads.map((u) => u.upload.uploadId));
  const tiling = checkTiling(period, uploads.map((u) => u.upload));
  const problems: string[] = [];
  if (!uploads.length) problems.push(`No accepted upload of project ${project.id} lies in ${period.start} – ${period.end}.`);
  for (const g of tiling.gaps) problems.push(`No upload covers ${g.from} – ${g.to} (${g.days} day${g.days === 1 ? '' : 's'}): upload the data for it, or end the report before it.`);
  for (const o of tiling.overlaps) problems.push(`${o.uploads[0]} and ${o.uploads[1]} both cover ${o.from} – ${o.to}: a quantity would be counted twice; keep one of them.`);
  for (const name of tiling.outside) problems.push(`${name} reaches outside ${period.start} – ${period.end}: a report takes whole uploads; choose a period that contains it, or leave it out.`);
  for (const u of uploads) if (!u.partial) problems.push(`${u.upload.name} (upload ${u.upload.uploadId}) has no stored partial result (it was accepted before they were stored): upload it again to include it.`);
  const base = { schemaVersion: 1 as const, kind: 'monitoring-report' as const, reportId, projectId: project.id, period, uploads: uploads.map((u) => u.upload), tiling, createdAt: input.createdAt };
  if (problems.length) return { ...base, status: 'refused', problems };

  const result = await calculateMerged({ partials: uploads.map((u) => u.partial!), fileName: `monitoring report ${period.start} – ${period.end}`, project, registry: input.registry, period });
  if (result.status !== 'accepted') {
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    for (const d of errors) problems.push(d.message);
    if (!errors.length) problems.push(`The merged result is ${result.status}.`);
  }
  return { ...base, status: problems.length ? 'refused' : 'accepted', problems, result };
}
