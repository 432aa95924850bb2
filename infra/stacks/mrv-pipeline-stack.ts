import { CfnOutput, Duration, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { fileURLToPath } from 'node:url';
import { ENV, LARGE_UPLOAD, NOTIFICATION_TOPIC, QUEUES, SUBMISSIONS_BY_PROJECT_INDEX, TABLES, type EnvName } from '../../functions/shared/resources.ts';
import type { StageConfig } from '../config.ts';
import { AccessControl } from '../constructs/access-control.ts';
import { LOGIN_ENV } from '../../cli/login/settings.ts';
import { AlarmTopic } from '../constructs/alarm-topic.ts';
import { LargeUploads } from '../constructs/large-uploads.ts';
import { NotificationTopic } from '../constructs/notification-topic.ts';
import { CONSOLE_API_ENTRY, ConsoleApi } from '../constructs/console-api.ts';
import { MonitoringBucket } from '../constructs/monitoring-bucket.ts';
import { MrvFunction } from '../constructs/mrv-function.ts';
import { MrvTable } from '../constructs/mrv-table.ts';
import { WorkQueue } from '../constructs/work-queue.ts';

/** The handler files of the functions (each exports `handler`). */
export const HANDLER_ENTRIES = {
  ingestUpload: fileURLToPath(new URL('../../functions/ingest-upload/handler.ts', import.meta.url)),
  recordDecision: fileURLToPath(new URL('../../functions/record-decision/handler.ts', import.meta.url)),
  largeUploadSplit: fileURLToPath(new URL('../../functions/large-upload/split-handler.ts', import.meta.url)),
  largeUploadRange: fileURLToPath(new URL('../../functions/large-upload/range-handler.ts', import.meta.url)),
  largeUploadMerge: fileURLToPath(new URL('../../functions/large-upload/merge-handler.ts', import.meta.url)),
  assembleReport: fileURLToPath(new URL('../../functions/assemble-report/handler.ts', import.meta.url)),
  httpApi: CONSOLE_API_ENTRY,
} as const;

/** Why the functions' S3 grants use object-key wildcards (cdk-nag IAM5 acknowledgement). */
const OBJECT_KEYS_REASON =
  'object keys are <prefix>/<projectId>/<uploadId>, created at run time, so the grant is scoped to the prefix; the bucket itself, other prefixes and every other action stay denied.';

export interface MrvPipelineStackProps extends StackProps {
  readonly config: StageConfig;
  /** Override handler files (tests with bundling skipped use a stub); defaults to {@link HANDLER_ENTRIES}. */
  readonly handlerEntries?: Partial<Record<keyof typeof HANDLER_ENTRIES, string>>;
}

/**
 * The MRV pipeline: uploads land in the monitoring bucket → ingest queue → ingest function (validate, calculate,
 * write report/result, enqueue for review) → review queue, read by verifiers through the `mrv` CLI → decision
 * queue → decision function (ledger). Names, keys and queue settings come from functions/shared/resources.ts.
 */
export class MrvPipelineStack extends Stack {
  readonly monitoring: MonitoringBucket;
  readonly queues: { readonly ingest: WorkQueue; readonly review: WorkQueue; readonly decision: WorkQueue };
  readonly tables: {
    readonly projects: MrvTable;
    readonly submissions: MrvTable;
    readonly ledger: MrvTable;
    readonly access: MrvTable;
    readonly audit: MrvTable;
  };
  /** Role policies (IAM, attribute-based), the Cognito user pool and its groups. */
  readonly accessControl: AccessControl;
  readonly ingestFunction: MrvFunction;
  readonly decisionFunction: MrvFunction;
  /** Assembles a site's monitoring report for the HTTP API function, the only principal that may invoke it. */
  readonly assembleFunction: MrvFunction;
  /** Uploads from `largeUploadBytes` on: Step Functions Distributed Map over byte ranges. */
  readonly largeUploads: LargeUploads;
  readonly alarms: AlarmTopic;
  readonly console: ConsoleApi;
  /** Notifications to people (report ready/rejected, item waiting, decision recorded/refused). */
  readonly notifications: NotificationTopic;

  constructor(scope: Construct, id: string, props: MrvPipelineStackProps) {
    super(scope, id, props);
    const { config } = props;
    const logRetention = config.logRetentionDays as logs.RetentionDays;
    const entries = { ...HANDLER_ENTRIES, ...props.handlerEntries };

    this.alarms = new AlarmTopic(this, 'Alarms', { email: config.alarmEmail });
    const alarmAction = this.alarms.action;

    this.notifications = new NotificationTopic(this, NOTIFICATION_TOPIC);

    this.monitoring = new MonitoringBucket(this, 'Monitoring', { accessLogRetention: Duration.days(config.accessLogRetentionDays) });

    this.queues = {
      ingest: new WorkQueue(this, QUEUES.ingest.logicalName, { definition: QUEUES.ingest, description: 'the ingest queue (S3 upload events)', alarmAction }),
      review: new WorkQueue(this, QUEUES.review.logicalName, {
        definition: QUEUES.review,
        description: 'the review queue (results waiting for a verifier)',
        alarmAction,
      }),
      decision: new WorkQueue(this, QUEUES.decision.logicalName, {
        definition: QUEUES.decision,
        description: "the decision queue (verifiers' decisions)",
        alarmAction,
      }),
    };
    this.monitoring.notifyUploadsTo(this.queues.ingest.queue);

    const reviewAge = new cloudwatch.Alarm(this.queues.review, 'AgeAlarm', {
      alarmDescription: `A result has waited more than ${config.reviewQueueMaxAgeDays} days for a verifier (it is lost after ${QUEUES.review.retentionSeconds / 86_400} days). Assign a verifier, or raise mrv:reviewQueueMaxAgeDays.`,
      metric: this.queues.review.queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(15), statistic: cloudwatch.Stats.MAXIMUM }),
      threshold: Duration.days(config.reviewQueueMaxAgeDays).toSeconds(),
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    reviewAge.addAlarmAction(alarmAction);

    this.tables = {
      projects: new MrvTable(this, TABLES.projects.logicalName, { definition: TABLES.projects }),
      submissions: new MrvTable(this, TABLES.submissions.logicalName, { definition: TABLES.submissions }),
      ledger: new MrvTable(this, TABLES.ledger.logicalName, { definition: TABLES.ledger }),
      access: new MrvTable(this, TABLES.access.logicalName, { definition: TABLES.access }),
      audit: new MrvTable(this, TABLES.audit.logicalName, { definition: TABLES.audit }),
    };
    const { projects, submissions, ledger, access, audit } = this.tables;

    this.ingestFunction = new MrvFunction(this, 'IngestUploadFunction', {
      entry: entries.ingestUpload,
      serviceName: 'ingest-upload',
      description: 'Validates an uploaded monitoring file, calculates reductions, writes the report and result, and queues the result for review',
      memorySize: 1024,
      timeout: Duration.seconds(900),
      logRetention,
      // Uploads from this size are left to the Distributed Map path (the EventBridge rule filters on the same value).
      environment: { [LARGE_UPLOAD.minBytesEnv]: String(config.largeUploadBytes) },
    })
      // HEAD + GET of the upload, by VersionId (the bucket is versioned); HEAD of reports/* to detect a redelivery
      // (and of partials/* to repair a missing partial result); ListBucket so a missing key is a 404 (handled) and
      // not a 403 (retried into the DLQ).
      .bindBucket(this.monitoring, ENV.bucket, {
        read: ['uploads/*', 'reports/*', 'partials/*'],
        readVersions: ['uploads/*'],
        write: ['reports/*', 'results/*', 'partials/*'],
        // Evidence is tagged with the project's verification body (functions/shared/evidence-tags.ts).
        tag: ['reports/*', 'results/*', 'partials/*'],
        list: true,
        wildcardReason: OBJECT_KEYS_REASON,
      })
      .bindTable(projects.table, ENV.projectsTable, ['dynamodb:GetItem'])
      // The project's assigned verification body, for the evidence tag.
      .bindTable(access.table, ENV.accessTable, ['dynamodb:GetItem'])
      .bindTable(submissions.table, ENV.submissionsTable, ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'])
      .bindQueue(this.queues.review.queue, ENV.reviewQueueUrl, ['sqs:SendMessage'])
      // Every upload of a registered project is an audit event (append-only: conditional put, query of the chain's head).
      .bindTable(audit.table, ENV.auditTable, ['dynamodb:PutItem', 'dynamodb:Query'])
      // One upload per invocation: a file may take minutes, and a batch would share the function's timeout.
      .consume(this.queues.ingest, { batchSize: 1 });

    this.largeUploads = new LargeUploads(this, 'LargeUploads', {
      monitoring: this.monitoring,
      projectsTable: projects.table,
      submissionsTable: submissions.table,
      auditTable: audit.table,
      accessTable: access.table,
      reviewQueue: this.queues.review.queue,
      entries: { split: entries.largeUploadSplit, range: entries.largeUploadRange, merge: entries.largeUploadMerge },
      minBytes: config.largeUploadBytes,
      rangeBytes: config.largeUploadRangeBytes,
      maxConcurrency: config.largeUploadConcurrency,
      rangesPerBatch: config.largeUploadRangesPerBatch,
      logRetention,
      alarmAction,
      wildcardReason: OBJECT_KEYS_REASON,
    });

    this.decisionFunction = new MrvFunction(this, 'RecordDecisionFunction', {
      entry: entries.recordDecision,
      serviceName: 'record-decision',
      description: "Records verifiers' decisions: updates the submission and appends to the ledger (idempotent)",
      memorySize: 256,
      timeout: Duration.seconds(30),
      logRetention,
    })
      // Writes the decision report next to the validation report, and each sender's outcome under
      // outcomes/<SenderId>/; reads no object and no project (functions/record-decision/deps.ts).
      .bindBucket(this.monitoring, ENV.bucket, { write: ['reports/*', 'outcomes/*'], tag: ['reports/*'], wildcardReason: OBJECT_KEYS_REASON })
      .bindTable(submissions.table, ENV.submissionsTable, ['dynamodb:GetItem', 'dynamodb:UpdateItem'])
      // The verifier register and assignments (read), first approvals of the independent review (conditional put).
      .bindTable(access.table, ENV.accessTable, ['dynamodb:GetItem', 'dynamodb:PutItem'])
      .bindTable(audit.table, ENV.auditTable, ['dynamodb:PutItem', 'dynamodb:Query'])
      .bindTable(ledger.table, ENV.ledgerTable, ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'])
      .consume(this.queues.decision, { batchSize: 10 });

    this.accessControl = new AccessControl(this, 'AccessControl', {
      targets: {
        bucketArn: this.monitoring.bucket.bucketArn,
        decisionQueueArn: this.queues.decision.queue.queueArn,
        reviewQueueArn: this.queues.review.queue.queueArn,
        projectsTableArn: projects.table.tableArn,
        submissionsTableArn: submissions.table.tableArn,
        ledgerTableArn: ledger.table.tableArn,
        accessTableArn: access.table.tableArn,
        auditTableArn: audit.table.tableArn,
      },
    });

    this.assembleFunction = new MrvFunction(this, 'AssembleReportFunction', {
      entry: entries.assembleReport,
      serviceName: 'assemble-report',
      description:
        'Assembles a monitoring report for a caller the HTTP API authorized: merges the uploads, writes the report and its result, records the submission and queues it for review',
      memorySize: 1024,
      // Invoked synchronously by the API function (29 s, API Gateway's limit): it ends first, so the API can answer 500.
      timeout: Duration.seconds(25),
      logRetention,
    })
      // Reads the partial results it merges and a report assembled before; writes the report's document and merged
      // result, tagged as evidence (functions/shared/evidence-tags.ts); ListBucket so a missing partial is a 404.
      .bindBucket(this.monitoring, ENV.bucket, {
        read: ['partials/*', 'monitoring-reports/*'],
        write: ['monitoring-reports/*', 'results/*'],
        tag: ['monitoring-reports/*', 'results/*'],
        list: true,
        wildcardReason:
          'object keys are <prefix>/<projectId>/<uploadId or reportId>…, created at run time; the function reads the partial results of the uploads it merges and writes a monitoring report under monitoring-reports/ and its merged result under results/ (for a caller core/access authorized per project, in the API function).',
      })
      .bindTable(projects.table, ENV.projectsTable, ['dynamodb:GetItem'])
      // The project's assigned verification body, for the evidence tag.
      .bindTable(access.table, ENV.accessTable, ['dynamodb:GetItem'])
      // The project's uploads (by-project index) and a report assembled before…
      .bindTable(submissions.table, ENV.submissionsTable, ['dynamodb:GetItem', 'dynamodb:Query'], { indexes: [SUBMISSIONS_BY_PROJECT_INDEX] })
      // …and the report's submission (conditional put, pk = report id), marked queued once its review item is sent.
      .bindTable(submissions.table, ENV.submissionsTable, ['dynamodb:PutItem', 'dynamodb:UpdateItem'])
      .bindQueue(this.queues.review.queue, ENV.reviewQueueUrl, ['sqs:SendMessage'])
      // Assembling, and a refused attempt, are audit events (append-only: conditional put, query of the chain's head).
      .bindTable(audit.table, ENV.auditTable, ['dynamodb:PutItem', 'dynamodb:Query']);
    Validations.of(this.assembleFunction.function).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'Invoked synchronously (RequestResponse) by the HTTP API function only: a failure is the answer to that call (500 to the caller), there is no asynchronous event to park.',
    });

    let cliSignIn: ReturnType<AccessControl['addCliSignIn']> | undefined;
    // The review console and its HTTP API (functions/http-api): people sign in with the user pool; every
    // route authorizes with core/access; decisions are forwarded to the decision queue naming the person.
    this.console = new ConsoleApi(this, 'Console', {
      monitoring: this.monitoring,
      tables: { projects, submissions, ledger, access },
      decisionQueue: this.queues.decision,
      assembleFunction: this.assembleFunction,
      notifications: this.notifications.topic,
      alarmAction,
      auth: (consoleUrl) => {
        const signIn = this.accessControl.addConsoleSignIn(consoleUrl);
        cliSignIn = this.accessControl.addCliSignIn();
        return {
          authorizer: this.accessControl.jwtAuthorizer([this.accessControl.client, signIn.client, cliSignIn.client]),
          issuer: this.accessControl.issuer,
          signIn: { domain: signIn.domain, clientId: signIn.client.userPoolClientId },
        };
      },
      logRetention,
      ...(entries.httpApi ? { entry: entries.httpApi } : {}),
    });
    // The functions that finish an upload, a decision or a monitoring report publish people's notifications (a
    // failed publish is logged, never fails the work): ingest, decision, the merge step of the large-upload path,
    // and the assembly function (a site assembles its monitoring report through the HTTP API).
    for (const fn of [this.ingestFunction, this.decisionFunction, this.largeUploads.mergeFunction, this.assembleFunction]) {
      this.notifications.grantPublish(fn.role);
      fn.setEnvironment(ENV.notificationTopic, this.notifications.topic.topicArn);
    }
    // The decision function accepts a forwarded Cognito principal only from the console function's role.
    this.decisionFunction.setEnvironment('MRV_TRUSTED_FORWARDER_ROLE_IDS', this.console.roleId);
    new CfnOutput(this, 'ConsoleUrl', { value: `${this.console.url}/`, description: 'The review console (sign in with the user pool)' });

    // What the `mrv` CLI needs to talk to this stack: one output per environment variable (see infra/README.md).
    const outputs: Record<EnvName, string> = {
      [ENV.bucket]: this.monitoring.bucket.bucketName,
      [ENV.reviewQueueUrl]: this.queues.review.queue.queueUrl,
      [ENV.decisionQueueUrl]: this.queues.decision.queue.queueUrl,
      [ENV.projectsTable]: projects.table.tableName,
      [ENV.submissionsTable]: submissions.table.tableName,
      [ENV.ledgerTable]: ledger.table.tableName,
      [ENV.accessTable]: access.table.tableName,
      [ENV.auditTable]: audit.table.tableName,
      [ENV.notificationTopic]: this.notifications.topic.topicArn,
    };
    for (const [envName, value] of Object.entries(outputs)) {
      new CfnOutput(this, outputIdFor(envName), { value, description: `Value of ${envName} for the mrv CLI and the functions` });
    }
    // What `mrv login` needs (cli/login/settings.ts LOGIN_ENV): one output per environment variable, named like the others.
    if (cliSignIn) {
      const login: Record<string, string> = {
        [LOGIN_ENV.domain]: cliSignIn.domain,
        [LOGIN_ENV.clientId]: cliSignIn.client.userPoolClientId,
        [LOGIN_ENV.apiUrl]: `${this.console.url}/`,
      };
      for (const [envName, value] of Object.entries(login))
        new CfnOutput(this, outputIdFor(envName), { value, description: `Value of ${envName} for mrv login (a Cognito sign-in of the CLI)` });
    }
    new CfnOutput(this, 'IngestQueueUrl', { value: this.queues.ingest.queue.queueUrl, description: 'Queue of S3 upload events (for redrive and operations)' });
    new CfnOutput(this, 'LargeUploadStateMachineArn', {
      value: this.largeUploads.stateMachine.stateMachineArn,
      description: 'State machine of uploads calculated in byte ranges (Distributed Map)',
    });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarms.topic.topicArn, description: 'SNS topic of all pipeline alarms; subscribe to be notified' });
  }
}

/** `MONITORING_BUCKET_NAME` → `MonitoringBucketName` (CloudFormation output ids are alphanumeric). */
export function outputIdFor(envName: string): string {
  return envName
    .toLowerCase()
    .split('_')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
