import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { registry } from '../../methodologies/index.ts';
import type { Principal } from '../../core/access/principal.ts';
import { ConfigError } from '../../core/errors.ts';
import { dynamoAccess } from '../shared/aws/access-store.ts';
import { createAwsClients } from '../shared/aws/clients.ts';
import { dynamoProjects, dynamoSubmissions } from '../shared/aws/dynamo-repositories.ts';
import { dynamoAuditStore } from '../shared/aws/audit-store.ts';
import { dynamoLedgerStore } from '../shared/aws/ledger-store.ts';
import { snsNotifier } from '../shared/aws/notifier.ts';
import { sqsDecisionQueue, sqsReviewQueue } from '../shared/aws/queues.ts';
import { s3MonitoringStore, s3ReportStore } from '../shared/aws/s3-stores.ts';
import { readEnv } from '../shared/env.ts';
import { ENV } from '../shared/resources.ts';
import { evidenceTagsFor } from '../shared/evidence-tags.ts';
import { s3ReportObjects } from '../shared/verification-reports.ts';
import type { ApiDeps } from './api.ts';
import { principalFromClaims } from './principal.ts';
import { consoleStaticFile } from './static-files.ts';

/** The issuer (user pool URL) whose tokens the JWT authorizer verified; set by the stack. */
export const JWT_ISSUER_ENV = 'CONSOLE_JWT_ISSUER';
/** The Cognito hosted-UI domain (`https://<prefix>.auth.<region>.amazoncognito.com`) and app client the console signs in with. */
export const CONSOLE_SIGN_IN_DOMAIN_ENV = 'CONSOLE_SIGN_IN_DOMAIN';
export const CONSOLE_CLIENT_ID_ENV = 'CONSOLE_CLIENT_ID';
/** The API function's role id (`AROA…`), set by the stack: with the function name, its SQS SenderId. */
export const API_ROLE_ID_ENV = 'MRV_API_ROLE_ID';

const warnUnpublished = (error: unknown, n: { readonly event: string; readonly id: string }) =>
  console.warn(
    JSON.stringify({ level: 'WARN', message: 'Notification not published', event: n.event, id: n.id, error: (error as Error)?.message ?? String(error) }),
  );

/** Everything but authentication and the decision sender, from the environment (the Lambda and the local stack share it). */
export function createDataDeps(env: Readonly<Record<string, string | undefined>> = process.env): Omit<ApiDeps, 'authenticate' | 'decisionsFor'> {
  const e = readEnv([ENV.bucket, ENV.submissionsTable, ENV.projectsTable, ENV.ledgerTable, ENV.accessTable, ENV.reviewQueueUrl, ENV.auditTable], env);
  const { s3, ddb, sqs, sns } = createAwsClients();
  const submissions = dynamoSubmissions(ddb, e[ENV.submissionsTable]);
  const ledger = dynamoLedgerStore(ddb, e[ENV.ledgerTable]);
  const access = dynamoAccess(ddb, e[ENV.accessTable]);
  const projects = dynamoProjects(ddb, e[ENV.projectsTable]);
  const topic = env[ENV.notificationTopic]?.trim();
  return {
    access,
    submissions,
    ledger,
    // A site (or the registrar) assembles its monitoring report through the API, with the adapters `mrv report assemble` uses.
    assembly: {
      deps: {
        submissions,
        // The report is evidence: tagged with the project's verification body, as the pipeline tags results.
        reports: s3ReportStore(s3, e[ENV.bucket], { tagsFor: evidenceTagsFor(access) }),
        projects,
        reviewQueue: sqsReviewQueue(sqs, e[ENV.reviewQueueUrl]),
        registry,
        // report ready / refused, item waiting, when the stack's topic is set: a failed publish is a warning, never a failed assembly.
        ...(topic ? { notifier: snsNotifier(sns, topic, warnUnpublished) } : {}),
        now: () => new Date(),
      },
      audit: dynamoAuditStore(ddb, e[ENV.auditTable]),
    },
    reports: {
      submissions,
      projects,
      ledger,
      monitoring: s3MonitoringStore(s3, e[ENV.bucket]),
      // Stored verification reports carry the project's evidence tag, like every other evidence object.
      objects: s3ReportObjects(s3, e[ENV.bucket], { tagsFor: evidenceTagsFor(access) }),
      firstApproval: (id) => access.getFirstApproval(id),
      registry,
      now: () => new Date(),
    },
    staticFile: consoleStaticFile,
    now: () => new Date(),
  };
}

/**
 * On AWS: the principal from the claims API Gateway's JWT authorizer verified; decisions are sent by
 * this function's role (a trusted forwarder of the decision function) naming that principal.
 */
export function createDeps(): ApiDeps {
  const issuer = process.env[JWT_ISSUER_ENV]?.trim();
  const roleId = process.env[API_ROLE_ID_ENV]?.trim();
  const problems = [...(issuer ? [] : [`${JWT_ISSUER_ENV} is not set`]), ...(roleId ? [] : [`${API_ROLE_ID_ENV} is not set`])];
  if (problems.length) throw new ConfigError('Missing environment variables (set by the stack):', problems);
  const queueUrl = readEnv([ENV.decisionQueueUrl])[ENV.decisionQueueUrl];
  const { sqs } = createAwsClients();
  // Lambda's role session name is the function name, so the SenderId of this function's messages is <role id>:<function name>.
  const senderId = `${roleId}:${process.env.AWS_LAMBDA_FUNCTION_NAME ?? ''}`;
  return {
    ...createDataDeps(),
    ...(process.env[CONSOLE_SIGN_IN_DOMAIN_ENV] && process.env[CONSOLE_CLIENT_ID_ENV]
      ? { signIn: { domain: process.env[CONSOLE_SIGN_IN_DOMAIN_ENV], clientId: process.env[CONSOLE_CLIENT_ID_ENV] } }
      : {}),
    authenticate: (event): Principal => principalFromClaims((event as APIGatewayProxyEventV2WithJWTAuthorizer).requestContext.authorizer?.jwt?.claims, issuer),
    decisionsFor: (principal) => ({ queue: sqsDecisionQueue(sqs, queueUrl, principal.id), senderId }),
    onError: (error) => console.error(JSON.stringify({ level: 'ERROR', message: 'http-api request failed', error: (error as Error)?.stack ?? String(error) })),
  };
}
