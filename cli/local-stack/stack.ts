import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { makeHandler as makeIngestHandler } from '../../functions/ingest-upload/handler.ts';
import { createDeps as createIngestDeps } from '../../functions/ingest-upload/deps.ts';
import type { IngestDeps } from '../../functions/ingest-upload/ingest.ts';
import { makeHandler as makeDecisionHandler } from '../../functions/record-decision/handler.ts';
import { createDeps as createDecisionDeps } from '../../functions/record-decision/deps.ts';
import type { GateDeps } from '../../functions/record-decision/authorize.ts';
import { dynamoAccess } from '../../functions/shared/aws/access-store.ts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { rolePolicies, verifierReviewStatePolicy } from '../../infra/policies/role-policies.ts';
import { startGateway, type Gateway } from './gateway.ts';
import { retagEvidence } from '../../functions/shared/aws/s3-stores.ts';
import { LOGIN_ENV } from '../login/settings.ts';
import { credentialsEnv, FIXED_IDENTITIES, LOCAL_BODY, siteIdentity, type LocalIdentity } from './identities.ts';
import type { Mechanism } from '../../core/mechanisms/mechanisms.ts';
import { BUCKET_LAYOUT, ENV, type EnvName } from '../../functions/shared/resources.ts';
import { EmulatorStartError, startEmulators, type Emulators } from './emulators.ts';
import { startEventSourceMapping, type EventSourceMapping } from './event-source-mapping.ts';
import { provision, type Provisioned } from './provision.ts';
import { startS3NotificationBridge, watchSpy, type SpyWatcher } from './s3-notifications.ts';
import type { SnsSpyMessage } from 'fauxqs';
import type { Notification } from '../../functions/shared/notifications.ts';

/** Dummy credentials: the emulators accept any; the SDK needs some (and never looks further). */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/**
 * Records per invocation, as the CDK stack's event sources (infra/stacks/mrv-pipeline-stack.ts:
 * `consume(ingest, { batchSize: 1 })`, `consume(decision, { batchSize: 10 })`).
 */
const BATCH_SIZE = { ingest: 1, decision: 10 } as const;

export interface LocalStackOptions {
  /** S3 + SQS port (fauxqs); 0 = a free port. */
  readonly port?: number;
  /** DynamoDB port (dynalite); 0 = a free port. */
  readonly dynamoPort?: number;
  /** LevelDB folder for DynamoDB state; in memory when undefined. */
  readonly dynamoPath?: string;
  readonly region?: string;
  /** See EventSourceMappingOptions.retryDelaySeconds (default 1). */
  readonly retryDelaySeconds?: number;
  /** Powertools log level of the handlers (default ERROR: the summary stays readable). */
  readonly logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
  /** Tests: wrap the handlers' dependencies (fault injection); production code builds them. */
  readonly ingestDeps?: (deps: IngestDeps) => IngestDeps;
  readonly decisionDeps?: (deps: GateDeps) => GateDeps;
  /** Faults of the bridge and the event-source loops (default: stderr). */
  readonly onError?: (where: string, error: unknown) => void;
}

export interface LocalStack {
  /**
   * The environment that points the SDK, `mrv` and the AWS CLI at the stack: endpoints, region,
   * dummy credentials and every ENV resource name.
   */
  readonly env: Readonly<Record<string, string>>;
  readonly endpoint: string;
  readonly dynamoEndpoint: string;
  readonly region: string;
  readonly resources: Provisioned;
  readonly emulators: Emulators;
  /** SDK clients with explicit endpoints (for the stack's own reads and for tests). */
  readonly clients: { readonly s3: S3Client; readonly sqs: SQSClient; readonly dynamo: DynamoDBClient; readonly sns: SNSClient };
  readonly mappings: { readonly ingest: EventSourceMapping; readonly decision: EventSourceMapping };
  /** The local IAM stand-in in front of S3 and SQS (`env` points at it). */
  readonly gateway: Gateway;
  /** One identity per role (sites: {@link LocalStack.site}); their records are in the access table. */
  readonly identities: readonly LocalIdentity[];
  /** The site identity of a project, registered in the access table by {@link LocalStack.assign}. */
  site(projectId: string): LocalIdentity;
  /** As the registrar: assigns the project to the local verification body and registers its site identity. */
  assign(projectId: string, mechanism?: Mechanism, options?: { validationBody?: string }): Promise<void>;
  /** `env` acting as `who` (its access key instead of the operator's). */
  envAs(who: LocalIdentity): Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

/**
 * The whole pipeline of the CDK stack on this machine, through the real AWS SDK: fauxqs (S3 + SQS) and
 * dynalite (DynamoDB) in process; the bucket, queues and tables from functions/shared/resources.ts;
 * the bucket's object-created notification to the ingest queue (from the fauxqs spy); and the two SQS
 * event source mappings calling the unmodified handlers (ingest-upload, record-decision).
 *
 * The handlers read their configuration from the environment as in Lambda, so the stack sets
 * `env` on process.env (restored by `stop()`): one stack per process.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const region = options.region ?? 'us-east-1';
  const onError = options.onError ?? ((where, error) => process.stderr.write(`[local stack] ${where}: ${(error as Error)?.message ?? String(error)}\n`));
  // fauxqs on a free port behind the gateway, which takes the requested port (what users point at).
  const emulators = await startEmulators({ port: 0, dynamoPort: options.dynamoPort ?? 0, ...(options.dynamoPath ? { dynamoPath: options.dynamoPath } : {}) });
  const common = { region, credentials: LOCAL_CREDENTIALS };
  const clients = {
    s3: new S3Client({ ...common, endpoint: emulators.endpoint, forcePathStyle: true }),
    sqs: new SQSClient({ ...common, endpoint: emulators.endpoint, useQueueUrlAsEndpoint: false }),
    sns: new SNSClient({ ...common, endpoint: emulators.endpoint }),
    dynamo: new DynamoDBClient({ ...common, endpoint: emulators.dynamoEndpoint }),
  };
  const restoreEnv: Record<string, string | undefined> = {};
  const running: { stop(): Promise<void> }[] = [];
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= shutdown());
  const shutdown = async () => {
    for (const r of running.reverse()) await r.stop();
    for (const c of Object.values(clients)) c.destroy();
    await emulators.stop();
    for (const [k, v] of Object.entries(restoreEnv)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  try {
    const resources = await provision(clients);
    const identities = [...FIXED_IDENTITIES];
    const byKey = (key: string) =>
      identities.find((i) => i.accessKeyId === key) ?? (key.startsWith('AKIALOCALSITE.') ? siteIdentity(key.slice('AKIALOCALSITE.'.length)) : undefined);
    const targets = {
      bucketArn: `arn:aws:s3:::${resources.bucket}`,
      decisionQueueArn: resources.queues.decision.arn,
      reviewQueueArn: resources.queues.review.arn,
      projectsTableArn: 'arn:aws:dynamodb:local:000000000000:table/ProjectsTable',
      submissionsTableArn: 'arn:aws:dynamodb:local:000000000000:table/SubmissionsTable',
      ledgerTableArn: 'arn:aws:dynamodb:local:000000000000:table/LedgerTable',
      accessTableArn: 'arn:aws:dynamodb:local:000000000000:table/AccessTable',
      auditTableArn: 'arn:aws:dynamodb:local:000000000000:table/AuditTable',
    };
    const policies = rolePolicies(targets);
    // There is no Cognito locally: the local verifiers work with IAM credentials alone, so they hold the
    // verifier policy and the policy for IAM-only verifiers (review state, the shared review queue), as on AWS.
    const iamOnlyVerifier = { ...policies.verifier, Statement: [...policies.verifier.Statement, ...verifierReviewStatePolicy(targets).Statement] };
    let gateway: Gateway;
    try {
      gateway = await startGateway({
        upstream: emulators.endpoint,
        port: options.port ?? 0,
        region,
        operatorKey: LOCAL_CREDENTIALS.accessKeyId,
        identity: byKey,
        policy: (who) => (who.role === 'verifier' ? iamOnlyVerifier : policies[who.role]),
        queueArn: (name) =>
          Object.values(resources.queues).find((q) => q.name === name)?.arn ??
          Object.values(resources.queues).find((q) => q.dlq.name === name)?.dlq.arn ??
          `arn:aws:sqs:${region}:000000000000:${name}`,
      });
    } catch (error) {
      throw new EmulatorStartError(
        `Port ${options.port} for S3 + SQS is in use (another mrv start?). Stop it, or choose another port with --port <n>. (${(error as Error).message})`,
      );
    }
    running.push(gateway);
    // The operator's S3 client through the gateway, for what must pass its bookkeeping (object tags).
    const gatewayS3 = new S3Client({ ...common, endpoint: gateway.endpoint, forcePathStyle: true });
    running.push({ stop: async () => gatewayS3.destroy() });
    const access = dynamoAccess(DynamoDBDocumentClient.from(clients.dynamo), resources.env[ENV.accessTable]);
    for (const who of identities) await access.putPrincipal(who.record);
    const env: Record<string, string> = {
      AWS_ENDPOINT_URL: gateway.endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: emulators.dynamoEndpoint,
      AWS_REGION: region,
      // AWS CLI v1 reads only AWS_DEFAULT_REGION; v2 and the SDKs read either.
      AWS_DEFAULT_REGION: region,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      // A Cognito login of a real deployment (`mrv login`) must never take over commands aimed at this stack.
      [LOGIN_ENV.mode]: 'iam',
      ...(resources.env satisfies Record<EnvName, string>),
    };
    // The handlers' environment, as Lambda would set it (plus quiet Powertools: metrics off, errors only).
    // The handlers act as the operator (their own roles are simulated by the CDK tests, not here) through the
    // gateway, which keeps what fauxqs does not: the object tags the evidence policy reads.
    const handlerEnv = {
      ...env,
      AWS_ENDPOINT_URL: gateway.endpoint,
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: options.logLevel ?? process.env.POWERTOOLS_LOG_LEVEL ?? 'ERROR',
    };
    for (const [k, v] of Object.entries(handlerEnv)) {
      restoreEnv[k] = process.env[k];
      process.env[k] = v;
    }
    const ingestDeps = createIngestDeps();
    const decisionDeps = createDecisionDeps();
    const mapping = (queue: 'ingest' | 'decision', handler: ReturnType<typeof makeIngestHandler>) =>
      startEventSourceMapping({
        sqs: clients.sqs,
        queueUrl: resources.queues[queue].url,
        queueArn: resources.queues[queue].arn,
        region,
        handler,
        batchSize: BATCH_SIZE[queue],
        retryDelaySeconds: options.retryDelaySeconds ?? 1,
        onError: (error) => onError(`${queue} function`, error),
        senderOf: gateway.senderOf,
      });
    const mappings = {
      ingest: mapping('ingest', makeIngestHandler(options.ingestDeps ? options.ingestDeps(ingestDeps) : ingestDeps)),
      decision: mapping('decision', makeDecisionHandler(options.decisionDeps ? options.decisionDeps(decisionDeps) : decisionDeps)),
    };
    running.push(mappings.ingest, mappings.decision);
    const bridge: SpyWatcher = startS3NotificationBridge({
      fauxqs: emulators.fauxqs,
      s3: clients.s3,
      sqs: clients.sqs,
      bucket: resources.bucket,
      prefix: BUCKET_LAYOUT.uploadsPrefix,
      queueUrl: resources.queues.ingest.url,
      region,
      onError: (error, key) => onError(`S3 notification for ${key}`, error),
      putterOf: gateway.putterOf,
    });
    running.push(bridge);
    // The CDK stack subscribes the HTTP API function to the topic's decision-recorded events to store the
    // verification report at once; here the same function runs on the same events (loaded on the first one:
    // its charts and PDF libraries stay out of the stacks that never decide).
    const topicArn = resources.env[ENV.notificationTopic];
    let storeOnDecision: ((n: Notification) => Promise<boolean>) | undefined;
    const reportsOnDecision = watchSpy(
      emulators.fauxqs,
      (m): m is SnsSpyMessage =>
        m.service === 'sns' && m.status === 'published' && m.topicArn === topicArn && (JSON.parse(m.body) as { event?: string }).event === 'decision-recorded',
      async (m) => {
        if (!storeOnDecision) {
          const [{ storeDecidedReports }, { createDataDeps }] = await Promise.all([
            import('../../functions/http-api/store-reports.ts'),
            import('../../functions/http-api/deps.ts'),
          ]);
          const { reports } = createDataDeps(); // built once, on the first decision
          storeOnDecision = (n) => storeDecidedReports(reports, n);
        }
        await storeOnDecision(JSON.parse(m.body) as Notification);
      },
      (error) => onError('verification report on a recorded decision', error),
    );
    running.push(reportsOnDecision);
    const site = (projectId: string) => siteIdentity(projectId);
    return {
      env,
      endpoint: gateway.endpoint,
      dynamoEndpoint: emulators.dynamoEndpoint,
      region,
      resources,
      emulators,
      clients,
      mappings,
      gateway,
      identities,
      site,
      async assign(projectId, mechanism, assignOptions = {}) {
        await access.putPrincipal(site(projectId).record);
        await access.putAssignment({
          projectId,
          verificationBody: LOCAL_BODY,
          ...(mechanism ? { mechanism } : {}),
          ...(assignOptions.validationBody ? { validationBody: assignOptions.validationBody } : {}),
          assignedAt: new Date().toISOString(),
          assignedBy: 'local-registrar',
        });
        // As `mrv access assign` does: the project's evidence so far is re-tagged for the body (through the gateway, which keeps the tags).
        await retagEvidence(gatewayS3, resources.bucket, projectId, LOCAL_BODY);
      },
      envAs: (who) => ({ ...env, ...credentialsEnv(who) }),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
