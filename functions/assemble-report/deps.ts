import { registry } from '../../methodologies/index.ts';
import { dynamoAccess } from '../shared/aws/access-store.ts';
import { dynamoAuditStore } from '../shared/aws/audit-store.ts';
import { createAwsClients } from '../shared/aws/clients.ts';
import { dynamoProjects, dynamoSubmissions } from '../shared/aws/dynamo-repositories.ts';
import { snsNotifier } from '../shared/aws/notifier.ts';
import { sqsReviewQueue } from '../shared/aws/queues.ts';
import { s3ReportStore } from '../shared/aws/s3-stores.ts';
import { readEnv } from '../shared/env.ts';
import { evidenceTagsFor } from '../shared/evidence-tags.ts';
import { createObservability, type Log } from '../shared/observability.ts';
import { ENV } from '../shared/resources.ts';
import type { AssemblyDeps } from './request.ts';

/**
 * What an assembly reads and writes, from the environment, with the adapters `mrv report assemble` uses.
 * The notification topic is optional (no topic: no notifier, as the CLI does); the local stack
 * (cli/local-stack/console-server.ts) builds these too and runs the assembly in its own process.
 */
export function createAssemblyDeps(env: Readonly<Record<string, string | undefined>> = process.env, log?: Log): AssemblyDeps {
  const e = readEnv([ENV.bucket, ENV.submissionsTable, ENV.projectsTable, ENV.accessTable, ENV.reviewQueueUrl, ENV.auditTable], env);
  const { s3, ddb, sqs, sns } = createAwsClients();
  const access = dynamoAccess(ddb, e[ENV.accessTable]);
  const topic = env[ENV.notificationTopic]?.trim();
  const warn = (message: string, extra: object) => (log ? log.warn(message, extra) : console.warn(JSON.stringify({ level: 'WARN', message, ...extra })));
  return {
    deps: {
      submissions: dynamoSubmissions(ddb, e[ENV.submissionsTable]),
      // The report is evidence: tagged with the project's verification body, as the pipeline tags results.
      reports: s3ReportStore(s3, e[ENV.bucket], { tagsFor: evidenceTagsFor(access) }),
      projects: dynamoProjects(ddb, e[ENV.projectsTable]),
      reviewQueue: sqsReviewQueue(sqs, e[ENV.reviewQueueUrl]),
      registry,
      // report ready / refused, item waiting: a failed publish is a warning, never a failed assembly.
      ...(topic
        ? {
            notifier: snsNotifier(sns, topic, (error, n) =>
              warn('Notification not published', { event: n.event, id: n.id, error: (error as Error)?.message ?? String(error) }),
            ),
          }
        : {}),
      now: () => new Date(),
    },
    audit: dynamoAuditStore(ddb, e[ENV.auditTable]),
    access,
  };
}

/** On AWS: every variable the stack sets is required, the notification topic too. */
export function createDeps(): AssemblyDeps & { readonly logger: Log } {
  const env = readEnv([ENV.bucket, ENV.submissionsTable, ENV.projectsTable, ENV.accessTable, ENV.reviewQueueUrl, ENV.auditTable, ENV.notificationTopic]);
  const { logger } = createObservability('assemble-report');
  return { ...createAssemblyDeps(env, logger), logger };
}
