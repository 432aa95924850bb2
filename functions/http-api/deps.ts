import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { registry } from '../../methodologies/index.ts';
import { ConfigError } from '../../core/errors.ts';
import { createAwsClients } from '../shared/aws/clients.ts';
import { dynamoProjects, dynamoSubmissions } from '../shared/aws/dynamo-repositories.ts';
import { dynamoLedgerStore } from '../shared/aws/ledger-store.ts';
import { sqsDecisionQueue } from '../shared/aws/queues.ts';
import { s3MonitoringStore } from '../shared/aws/s3-stores.ts';
import { readEnv } from '../shared/env.ts';
import { ENV } from '../shared/resources.ts';
import { s3ReportObjects } from '../shared/verification-reports.ts';
import type { ApiDeps } from './api.ts';
import { principalFromClaims, type ApiPrincipal } from './principal.ts';
import { consoleStaticFile } from './static-files.ts';

/** The issuer (user pool URL) whose tokens the JWT authorizer verified; set by the stack. */
export const JWT_ISSUER_ENV = 'CONSOLE_JWT_ISSUER';

/** Everything but authentication, from the environment (the Lambda and the local stack share it). */
export function createDataDeps(env: Readonly<Record<string, string | undefined>> = process.env): Omit<ApiDeps, 'authenticate'> {
  const e = readEnv([ENV.bucket, ENV.submissionsTable, ENV.projectsTable, ENV.ledgerTable, ENV.decisionQueueUrl], env);
  const { s3, sqs, ddb } = createAwsClients();
  const submissions = dynamoSubmissions(ddb, e[ENV.submissionsTable]);
  const ledger = dynamoLedgerStore(ddb, e[ENV.ledgerTable]);
  return {
    submissions,
    ledger,
    decisions: sqsDecisionQueue(sqs, e[ENV.decisionQueueUrl]),
    reports: { submissions, projects: dynamoProjects(ddb, e[ENV.projectsTable]), ledger, monitoring: s3MonitoringStore(s3, e[ENV.bucket]), objects: s3ReportObjects(s3, e[ENV.bucket]), registry, now: () => new Date() },
    staticFile: consoleStaticFile,
    now: () => new Date(),
  };
}

/** On AWS: the principal from the claims API Gateway's JWT authorizer verified. */
export function createDeps(): ApiDeps {
  const issuer = process.env[JWT_ISSUER_ENV]?.trim();
  if (!issuer) throw new ConfigError('Missing environment variables (set by the stack):', [`${JWT_ISSUER_ENV} is not set`]);
  return {
    ...createDataDeps(),
    authenticate: (event): ApiPrincipal => principalFromClaims((event as APIGatewayProxyEventV2WithJWTAuthorizer).requestContext.authorizer?.jwt?.claims, issuer),
    onError: (error) => console.error(JSON.stringify({ level: 'ERROR', message: 'http-api request failed', error: (error as Error)?.stack ?? String(error) })),
  };
}
