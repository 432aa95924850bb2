import { renderMonitoringReport } from '../../core/report/render-monitoring-report.ts';
import { currentLogin, httpApiClient } from '../login/http-api.ts';
import { assembleViaApi, printAssembled } from './report-api.ts';
import type { MonitoringReport } from '../../core/report/monitoring-report.ts';
import { assembleReport } from '../../functions/assemble-report/assemble.ts';
import { dynamoProjects, dynamoSubmissions } from '../../functions/shared/aws/dynamo-repositories.ts';
import { sqsReviewQueue } from '../../functions/shared/aws/queues.ts';
import { snsNotifier } from '../../functions/shared/aws/notifier.ts';
import { s3ReportStore } from '../../functions/shared/aws/s3-stores.ts';
import { BUCKET_LAYOUT, ENV } from '../../functions/shared/resources.ts';
import { dynamoAccess } from '../../functions/shared/aws/access-store.ts';
import { evidenceTagsFor } from '../../functions/shared/evidence-tags.ts';
import { registry } from '../../methodologies/index.ts';
import { dynamoAuditStore } from '../../functions/shared/aws/audit-store.ts';
import { parse } from '../args.ts';
import { callerActor } from '../caller.ts';
import { createCliAws, type AwsFactory } from '../aws-clients.ts';
import { UsageError, type Command } from './types.ts';

const USAGE = [
  'mrv report assemble <project-id> --period <first-day>..<last-day> [--uploads <id,id,…>] [--json]',
  "       the period is on the site's clock: local dates, both included (or two ISO instants with offsets, end excluded)",
  '       group accepted uploads into one monitoring report for the period (they must tile it exactly),',
  '       merge their results exactly and queue the report for review',
  '       after mrv login: through the HTTP API as the logged-in site or registrar (MRV_AUTH=iam: IAM credentials)',
  '       mrv report show <project-id> <report-id> [--json]',
].join('\n');

/** The --period text; it is read on the site's clock once the project's registration is loaded (assemble.ts reportPeriod). */
export function periodText(text: string | undefined): string {
  if (!text?.trim())
    throw new UsageError('--period <first-day>..<last-day> is required, e.g. --period 2026-01-01..2026-12-31 (local dates of the site, both included)');
  return text;
}

/** `mrv report …`: monitoring reports (core/report/monitoring-report.ts, docs/verifiers.md). */
export function makeReportCommand(aws: AwsFactory = createCliAws): Command {
  return {
    name: 'report',
    summary: 'Monitoring reports: assemble accepted uploads for a period, show a report',
    usage: USAGE,
    async run(argv, io) {
      const { values, positionals } = parse(argv, { period: { type: 'string' }, uploads: { type: 'string' }, json: { type: 'boolean' } });
      const [sub, projectId, reportId] = positionals;
      switch (sub) {
        case 'assemble': {
          if (!projectId) throw new UsageError('assemble needs a project id');
          const period = periodText(values.period);
          const uploadIds = values.uploads
            ? values.uploads
                .split(',')
                .map((s) => s.trim())
                .filter(Boolean)
            : undefined;
          // Logged in with `mrv login`: the HTTP API assembles under that person's identity (./report-api.ts); else IAM credentials, as below.
          const login = await currentLogin(io.env);
          if (login) return assembleViaApi(httpApiClient(login), io, { projectId, period, ...(uploadIds ? { uploadIds } : {}), json: Boolean(values.json) });
          const a = aws(io.env);
          const env = a.resources([ENV.bucket, ENV.projectsTable, ENV.submissionsTable, ENV.reviewQueueUrl, ENV.auditTable, ENV.accessTable]);
          const outcome = await assembleReport(
            {
              submissions: dynamoSubmissions(a.ddb, env[ENV.submissionsTable]),
              // The report is evidence: tagged with the project's verification body, as the pipeline tags results.
              reports: s3ReportStore(a.s3, env[ENV.bucket], { tagsFor: evidenceTagsFor(dynamoAccess(a.ddb, env[ENV.accessTable])) }),
              projects: dynamoProjects(a.ddb, env[ENV.projectsTable]),
              reviewQueue: sqsReviewQueue(a.sqs, env[ENV.reviewQueueUrl]),
              registry,
              audit: { store: dynamoAuditStore(a.ddb, env[ENV.auditTable]), actor: callerActor(io.env) },
              // report ready / refused, item waiting: published when the stack's topic is configured (a failed publish is a warning, never a failed assembly).
              ...(io.env[ENV.notificationTopic] && a.sns
                ? {
                    notifier: snsNotifier(a.sns, io.env[ENV.notificationTopic]!, (error, n) =>
                      io.err(`Warning: the ${n.event} notification was not published (${(error as Error)?.message ?? String(error)}).`),
                    ),
                  }
                : {}),
              now: () => new Date(),
            },
            { projectId, period, ...(uploadIds ? { uploadIds } : {}) },
          );
          return printAssembled(io, outcome, Boolean(values.json));
        }
        case 'show': {
          if (!projectId || !reportId) throw new UsageError('show needs a project id and a report id');
          const a = aws(io.env);
          const env = a.resources([ENV.bucket]);
          const report = await s3ReportStore(a.s3, env[ENV.bucket]).getJson<MonitoringReport>(BUCKET_LAYOUT.monitoringReport(projectId, reportId));
          if (!report) {
            io.err(`No monitoring report ${reportId} of project ${projectId}.`);
            return 1;
          }
          io.out(values.json ? JSON.stringify(report, null, 2) : renderMonitoringReport(report));
          return 0;
        }
        default:
          throw new UsageError(sub ? `unknown subcommand "${sub}"` : 'a subcommand is required');
      }
    },
  };
}

export const reportCommand: Command = makeReportCommand();
