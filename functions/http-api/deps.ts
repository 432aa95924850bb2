import { LambdaClient } from '@aws-sdk/client-lambda';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { registry } from '../../methodologies/index.ts';
import type { Principal } from '../../core/access/principal.ts';
import { ConfigError } from '../../core/errors.ts';
import { dynamoAccess } from '../shared/aws/access-store.ts';
import { createAwsClients } from '../shared/aws/clients.ts';
import { dynamoProjects, dynamoSubmissions } from '../shared/aws/dynamo-repositories.ts';
import { dynamoLedgerStore } from '../shared/aws/ledger-store.ts';
import { sqsDecisionQueue } from '../shared/aws/queues.ts';
import { s3MonitoringStore } from '../shared/aws/s3-stores.ts';
import { readEnv } from '../shared/env.ts';
import { ENV } from '../shared/resources.ts';
import { evidenceTagsFor } from '../shared/evidence-tags.ts';
import { s3ReportObjects } from '../shared/verification-reports.ts';
import type { ApiDeps } from './api.ts';
import { ASSEMBLY_FUNCTION_ENV, lambdaAssembly } from './assembly-client.ts';
import { principalFromClaims } from './principal.ts';
import { consoleStaticFile } from './static-files.ts';

/** The issuer (user pool URL) whose tokens the JWT authorizer verified; set by the stack. */
export const JWT_ISSUER_ENV = 'CONSOLE_JWT_ISSUER';
/** The Cognito hosted-UI domain (`https://<prefix>.auth.<region>.amazoncognito.com`) and app client the console signs in with. */
export const CONSOLE_SIGN_IN_DOMAIN_ENV = 'CONSOLE_SIGN_IN_DOMAIN';
export const CONSOLE_CLIENT_ID_ENV = 'CONSOLE_CLIENT_ID';
/** The API function's role id (`AROA…`), set by the stack: with the function name, its SQS SenderId. */
export const API_ROLE_ID_ENV = 'MRV_API_ROLE_ID';

/**
 * Everything but authentication, the decision sender and the assembly function, from the environment (the
 * Lambda and the local stack share it): reads only, but for the verification reports it stores under reports/.
 */
export function createDataDeps(env: Readonly<Record<string, string | undefined>> = process.env): Omit<ApiDeps, 'authenticate' | 'decisionsFor' | 'assembly'> {
  const e = readEnv([ENV.bucket, ENV.submissionsTable, ENV.projectsTable, ENV.ledgerTable, ENV.accessTable], env);
  const { s3, ddb } = createAwsClients();
  const submissions = dynamoSubmissions(ddb, e[ENV.submissionsTable]);
  const ledger = dynamoLedgerStore(ddb, e[ENV.ledgerTable]);
  const access = dynamoAccess(ddb, e[ENV.accessTable]);
  const projects = dynamoProjects(ddb, e[ENV.projectsTable]);
  return {
    access,
    submissions,
    ledger,
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
  const assembler = process.env[ASSEMBLY_FUNCTION_ENV]?.trim();
  const problems = [
    ...(issuer ? [] : [`${JWT_ISSUER_ENV} is not set`]),
    ...(roleId ? [] : [`${API_ROLE_ID_ENV} is not set`]),
    ...(assembler ? [] : [`${ASSEMBLY_FUNCTION_ENV} is not set`]),
  ];
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
    // Monitoring reports are assembled by the assembly function (functions/assemble-report), which holds the writes;
    // this function may only invoke it, synchronously.
    assembly: lambdaAssembly(new LambdaClient({ region: process.env.AWS_REGION ?? 'us-east-1' }), assembler!),
    onError: (error) => console.error(JSON.stringify({ level: 'ERROR', message: 'http-api request failed', error: (error as Error)?.stack ?? String(error) })),
  };
}
