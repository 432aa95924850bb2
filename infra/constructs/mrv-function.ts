import { Stack, Validations, type Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { fileURLToPath } from 'node:url';
import { METRICS_NAMESPACE, type EnvName } from '../../functions/shared/resources.ts';
import type { MonitoringBucket } from './monitoring-bucket.ts';
import type { WorkQueue } from './work-queue.ts';

/** Repository root: esbuild resolves `#core/*` and friends from its package.json. */
const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LOCK_FILE = fileURLToPath(new URL('../../package-lock.json', import.meta.url));

/**
 * ESM bundles still contain CommonJS dependencies that call `require`; esbuild's ESM output has no `require`,
 * so the banner creates one (toolchain.md §1).
 */
const ESM_REQUIRE_BANNER = "import { createRequire } from 'module';const require = createRequire(import.meta.url);";

/** The DynamoDB item actions a function may be given. Scan and the batch/transaction forms are deliberately absent. */
export type TableAction =
  | 'dynamodb:GetItem'
  | 'dynamodb:PutItem'
  | 'dynamodb:UpdateItem'
  | 'dynamodb:DeleteItem'
  | 'dynamodb:Query'
  | 'dynamodb:ConditionCheckItem'
  | ReadOnlyScan;
/** Scan, for read-only listings only (the console's review queue reads submissions by status, which has no index). */
export type ReadOnlyScan = 'dynamodb:Scan';
export type QueueAction = 'sqs:SendMessage';

export interface BucketAccess {
  /** Key patterns the function may read or HEAD (`s3:GetObject`), e.g. `uploads/*`. */
  readonly read?: readonly string[];
  /** Key patterns whose older versions the function may read by `VersionId` (`s3:GetObjectVersion`). */
  readonly readVersions?: readonly string[];
  /** Key patterns the function may write (`s3:PutObject`), e.g. `reports/*`. */
  readonly write?: readonly string[];
  /** Key patterns the function writes with object tags (`s3:PutObjectTagging`, which a tagged PutObject needs too). */
  readonly tag?: readonly string[];
  /**
   * Grant `s3:ListBucket` on the bucket. Without it S3 answers a HEAD/GET of a missing key with 403 instead of
   * 404, so a handler cannot tell "not there (yet)" from "access denied".
   */
  readonly list?: boolean;
  /** Why object-level wildcards are needed, for the cdk-nag IAM5 acknowledgement. */
  readonly wildcardReason: string;
}

export interface MrvFunctionProps {
  /** Absolute path of the handler file (exports `handler`). */
  readonly entry: string;
  /** POWERTOOLS_SERVICE_NAME, e.g. `ingest-upload`. */
  readonly serviceName: string;
  readonly description: string;
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly logRetention: logs.RetentionDays;
  /** Extra environment; merged with the house defaults and the `bind*` variables, never replaced. */
  readonly environment?: Readonly<Record<string, string>>;
  /** Extra esbuild arguments (e.g. `--alias:…`) and files copied beside the bundle after bundling. */
  readonly bundlingExtras?: {
    readonly esbuildArgs?: Readonly<Record<string, string>>;
    readonly afterBundling?: (inputDir: string, outputDir: string) => string[];
  };
}

/**
 * A Lambda function with the house defaults (house-style §3.7): Node.js 22 on arm64, minified ESM bundle with
 * source maps, X-Ray active tracing, its own log group with retention, and its own role that starts with
 * nothing but writing to that log group. Access is added with `bindTable`, `bindQueue` and `bindBucket`, each of
 * which sets the environment variable the handler reads AND grants exactly the listed actions, so the two cannot
 * drift apart.
 */
export class MrvFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly timeout: Duration;
  private readonly environment = new Map<string, string>();

  constructor(scope: Construct, id: string, props: MrvFunctionProps) {
    super(scope, id);
    this.timeout = props.timeout;

    this.logGroup = new logs.LogGroup(this, 'LogGroup', { retention: props.logRetention });

    // An explicit role with an inline policy scoped to this function's log group, instead of the
    // AWSLambdaBasicExecutionRole managed policy (logs:* on every log group in the account).
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of the ${props.serviceName} function`,
      inlinePolicies: {
        WriteOwnLogGroup: new iam.PolicyDocument({
          statements: [new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [this.logGroup.logGroupArn] })],
        }),
      },
    });

    this.function = new NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: 'handler',
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      tracing: lambda.Tracing.ACTIVE,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: LOCK_FILE,
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        // Bundle the AWS SDK too: the function runs the SDK versions pinned in package-lock.json and
        // tested here, not whatever the Lambda runtime ships that week.
        externalModules: [],
        ...(props.bundlingExtras?.esbuildArgs ? { esbuildArgs: { ...props.bundlingExtras.esbuildArgs } } : {}),
        ...(props.bundlingExtras?.afterBundling
          ? { commandHooks: { beforeBundling: () => [], beforeInstall: () => [], afterBundling: props.bundlingExtras.afterBundling } }
          : {}),
      },
    });

    this.setEnvironment('NODE_OPTIONS', '--enable-source-maps');
    this.setEnvironment('POWERTOOLS_SERVICE_NAME', props.serviceName);
    this.setEnvironment('POWERTOOLS_METRICS_NAMESPACE', METRICS_NAMESPACE);
    for (const [name, value] of Object.entries(props.environment ?? {})) this.setEnvironment(name, value);

    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions, so aws-cdk-lib grants them on *. Every other statement of this role names its resources.',
    });
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'Node.js 22 is pinned on purpose: the bundle targets node22 and is tested on it; the runtime is upgraded deliberately, not by a library bump.',
    });
    Validations.of(this.function).acknowledge({
      id: 'Serverless-LambdaLatestVersion',
      reason: 'Node.js 22 is pinned on purpose: the bundle targets node22 and is tested on it; the runtime is upgraded deliberately, not by a library bump.',
    });
  }

  /** Sets `envName` to the table name and grants exactly `actions` on the table (not its indexes, unless listed). */
  bindTable(table: dynamodb.ITable, envName: EnvName, actions: readonly TableAction[], options: { indexes?: readonly string[] } = {}): this {
    this.setEnvironment(envName, table.tableName);
    const resources = [table.tableArn, ...(options.indexes ?? []).map((name) => `${table.tableArn}/index/${name}`)];
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [...actions], resources }));
    if (table.encryptionKey) table.encryptionKey.grant(this.role, 'kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey');
    return this;
  }

  /** Sets `envName` to the queue URL and grants exactly `actions` on the queue. */
  bindQueue(queue: sqs.IQueue, envName: EnvName, actions: readonly QueueAction[]): this {
    this.setEnvironment(envName, queue.queueUrl);
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [...actions], resources: [queue.queueArn] }));
    if (queue.encryptionMasterKey) queue.encryptionMasterKey.grant(this.role, 'kms:Decrypt', 'kms:GenerateDataKey');
    return this;
  }

  /**
   * Sets `envName` to the bucket name and grants `s3:GetObject` / `s3:GetObjectVersion` / `s3:PutObject` on the
   * listed key patterns only (and `s3:ListBucket` if asked).
   * The object-level wildcards are acknowledged one by one (cdk-nag IAM5), on this function's role.
   */
  bindBucket(monitoring: MonitoringBucket, envName: EnvName, access: BucketAccess): this {
    const { bucket } = monitoring;
    this.setEnvironment(envName, bucket.bucketName);
    const grants: [string, readonly string[]][] = [
      ['s3:GetObject', access.read ?? []],
      ['s3:GetObjectVersion', access.readVersions ?? []],
      ['s3:PutObject', access.write ?? []],
      ['s3:PutObjectTagging', access.tag ?? []],
    ];
    if (access.list) this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }));
    for (const [action, patterns] of grants) {
      if (patterns.length === 0) continue;
      this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [action], resources: patterns.map((p) => bucket.arnForObjects(p)) }));
      for (const pattern of patterns.filter((p) => p.includes('*'))) {
        Validations.of(this.role).acknowledge({
          id: `AwsSolutions-IAM5[Resource::${monitoring.objectArnFinding(pattern)}]`,
          reason: `${action} on ${pattern}: ${access.wildcardReason}`,
        });
      }
    }
    if (bucket.encryptionKey) bucket.encryptionKey.grant(this.role, 'kms:Decrypt', 'kms:GenerateDataKey');
    return this;
  }

  /**
   * Consumes `workQueue` through an event source mapping with partial batch responses (the handler returns
   * `batchItemFailures`), so only failed messages are retried and, after `maxReceiveCount`, dead-lettered.
   */
  consume(workQueue: WorkQueue, options: { batchSize: number; maxBatchingWindow?: Duration }): this {
    const visibility = workQueue.definition.visibilityTimeoutSeconds;
    if (visibility < this.timeout.toSeconds()) {
      throw new Error(
        `${workQueue.node.path}: visibility timeout ${visibility} s is shorter than the timeout of ${this.node.path} (${this.timeout.toSeconds()} s); ` +
          'a message would be delivered again while it is still being processed. Raise visibilityTimeoutSeconds in functions/shared/resources.ts.',
      );
    }
    this.function.addEventSource(new SqsEventSource(workQueue.queue, { ...options, reportBatchItemFailures: true }));
    const source = workQueue.node.id;
    Validations.of(this.function).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: `Invoked only by the SQS event source on ${source}: a failed message is returned to that queue and, after maxReceiveCount deliveries, moved to its dead-letter queue (alarmed). A function DLQ applies to asynchronous invocations only.`,
    });
    const mapping = this.function.node.children.find((c) => c.node.id.startsWith('SqsEventSource'));
    if (mapping) {
      Validations.of(mapping).acknowledge({
        id: 'Serverless-LambdaEventSourceMappingDestination',
        reason: `SQS event source mappings do not support on-failure destinations; failures go to the dead-letter queue of ${source} through its redrive policy.`,
      });
    }
    return this;
  }

  /** Sets one environment variable (a second, different value for the same name is a build error; the same value again is fine). */
  setEnvironment(name: string, value: string): void {
    const existing = this.environment.get(name);
    // Resolved tokens are compared by content ({ Ref: … } objects): binding one table twice, for two sets of actions, is the same value.
    const resolved = (v: string) => JSON.stringify(Stack.of(this).resolve(v));
    if (existing !== undefined && resolved(existing) !== resolved(value)) {
      throw new Error(`${this.node.path}: environment variable ${name} is already set to a different value; two bindings cannot share one name.`);
    }
    this.environment.set(name, value);
    this.function.addEnvironment(name, value);
  }
}
