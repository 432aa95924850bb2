import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { makeHandler as makeIngestHandler } from '../../functions/ingest-upload/handler.ts';
import { createDeps as createIngestDeps } from '../../functions/ingest-upload/deps.ts';
import type { IngestDeps } from '../../functions/ingest-upload/ingest.ts';
import { makeHandler as makeDecisionHandler } from '../../functions/record-decision/handler.ts';
import { createDeps as createDecisionDeps } from '../../functions/record-decision/deps.ts';
import type { DecisionDeps } from '../../functions/record-decision/record.ts';
import { BUCKET_LAYOUT, type EnvName } from '../../functions/shared/resources.ts';
import { startEmulators, type Emulators } from './emulators.ts';
import { startEventSourceMapping, type EventSourceMapping } from './event-source-mapping.ts';
import { provision, type Provisioned } from './provision.ts';
import { startS3NotificationBridge, type SpyWatcher } from './s3-notifications.ts';

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
  readonly decisionDeps?: (deps: DecisionDeps) => DecisionDeps;
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
  readonly clients: { readonly s3: S3Client; readonly sqs: SQSClient; readonly dynamo: DynamoDBClient };
  readonly mappings: { readonly ingest: EventSourceMapping; readonly decision: EventSourceMapping };
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
  const emulators = await startEmulators({ port: options.port ?? 0, dynamoPort: options.dynamoPort ?? 0, ...(options.dynamoPath ? { dynamoPath: options.dynamoPath } : {}) });
  const common = { region, credentials: LOCAL_CREDENTIALS };
  const clients = {
    s3: new S3Client({ ...common, endpoint: emulators.endpoint, forcePathStyle: true }),
    sqs: new SQSClient({ ...common, endpoint: emulators.endpoint, useQueueUrlAsEndpoint: false }),
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
    const env: Record<string, string> = {
      AWS_ENDPOINT_URL: emulators.endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: emulators.dynamoEndpoint,
      AWS_REGION: region,
      // AWS CLI v1 reads only AWS_DEFAULT_REGION; v2 and the SDKs read either.
      AWS_DEFAULT_REGION: region,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      ...(resources.env satisfies Record<EnvName, string>),
    };
    // The handlers' environment, as Lambda would set it (plus quiet Powertools: metrics off, errors only).
    const handlerEnv = { ...env, POWERTOOLS_METRICS_DISABLED: 'true', POWERTOOLS_LOG_LEVEL: options.logLevel ?? process.env.POWERTOOLS_LOG_LEVEL ?? 'ERROR' };
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
    });
    running.push(bridge);
    return { env, endpoint: emulators.endpoint, dynamoEndpoint: emulators.dynamoEndpoint, region, resources, emulators, clients, mappings, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
