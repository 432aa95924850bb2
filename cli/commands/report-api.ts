import { MrvError } from '../../core/errors.ts';
import type { MonitoringReport } from '../../core/report/monitoring-report.ts';
import { renderMonitoringReport } from '../../core/report/render-monitoring-report.ts';
import { apiError, type HttpApiClient } from '../login/http-api.ts';
import type { Io } from './types.ts';

/**
 * `mrv report assemble` for a person logged in with `mrv login` (a site, or the registrar): through the
 * HTTP API (`POST /api/projects/{project}/monitoring-reports`, functions/http-api/monitoring-reports.ts)
 * with the login's bearer token instead of the tables, the bucket and the queues. The API authorizes
 * `assemble-report` for the token's subject with core/access and records the assembly in the audit
 * trail under that person. Nothing here needs AWS credentials. The output is that of the IAM path.
 */

export interface Assembled {
  readonly kind: 'queued' | 'existing' | 'refused';
  readonly report: MonitoringReport;
}

/** What `mrv report assemble` prints for an assembled report, either path; the exit code (1: refused). */
export function printAssembled(io: Io, outcome: Assembled, json: boolean): number {
  if (json) io.out(JSON.stringify({ outcome: outcome.kind, report: outcome.report }, null, 2));
  else {
    io.out(renderMonitoringReport(outcome.report));
    if (outcome.kind === 'queued') io.out(`Queued for review: mrv review show ${outcome.report.reportId}`);
    if (outcome.kind === 'existing') io.out(`This report was assembled before (same uploads, same period): mrv review show ${outcome.report.reportId}`);
  }
  return outcome.kind === 'refused' ? 1 : 0;
}

export interface AssembleViaApi {
  readonly projectId: string;
  readonly period: string;
  readonly uploadIds?: readonly string[];
  readonly json: boolean;
}

export async function assembleViaApi(api: HttpApiClient, io: Io, request: AssembleViaApi): Promise<number> {
  const answer = await api.post<{ outcome?: Assembled['kind']; report?: MonitoringReport; error?: unknown } | undefined>(
    `/api/projects/${encodeURIComponent(request.projectId)}/monitoring-reports`,
    { period: request.period, ...(request.uploadIds ? { uploadIds: request.uploadIds } : {}) },
  );
  const { outcome, report } = answer.body ?? {};
  if ((answer.status === 201 || answer.status === 200 || answer.status === 422) && outcome && report)
    return printAssembled(io, { kind: outcome, report }, request.json);
  switch (answer.status) {
    case 400:
      // The request cannot be assembled as given (period, uploads, registration): as the IAM path reports it (exit 2).
      throw new MrvError('config.invalid', typeof answer.body?.error === 'string' ? answer.body.error : apiError(answer.body));
    case 403:
      io.err(`Refused by the HTTP API: ${apiError(answer.body)}. Nothing assembled.`);
      return 1;
    default:
      io.err(`The HTTP API answered ${answer.status}: ${apiError(answer.body)}. Nothing assembled.`);
      return 1;
  }
}
