import { Duration, RemovalPolicy, Stack, Validations, type CfnResource } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { BUCKET_LAYOUT, ENV, LARGE_UPLOAD } from '../../functions/shared/resources.ts';
import type { MonitoringBucket } from './monitoring-bucket.ts';
import { MrvFunction } from './mrv-function.ts';
import { DeadLetterQueue } from './work-queue.ts';

export interface LargeUploadsProps {
  readonly monitoring: MonitoringBucket;
  readonly projectsTable: dynamodb.ITable;
  readonly submissionsTable: dynamodb.ITable;
  /** The projects' audit trail: a large upload is recorded as the ingest function records any other. */
  readonly auditTable: dynamodb.ITable;
  /** The access registers: the project's assigned verification body, for the evidence tag. */
  readonly accessTable: dynamodb.ITable;
  readonly reviewQueue: sqs.IQueue;
  readonly entries: { readonly split: string; readonly range: string; readonly merge: string };
  /** Uploads from this size go this way (EventBridge filter); the ingest function leaves them alone (same value). */
  readonly minBytes: number;
  /** Bytes per range. */
  readonly rangeBytes: number;
  /** Range workers running at once (Distributed Map MaxConcurrency). */
  readonly maxConcurrency: number;
  /** Ranges per range-worker invocation (ItemBatcher MaxItemsPerBatch). */
  readonly rangesPerBatch: number;
  readonly logRetention: logs.RetentionDays;
  readonly alarmAction: cloudwatchActions.SnsAction;
  readonly wildcardReason: string;
}

/** The retry of every Lambda task: transient faults (throttling, S3 5xx) are retried with exponential backoff and jitter. */
const RETRY: sfn.RetryProps = {
  errors: [sfn.Errors.ALL],
  interval: Duration.seconds(2),
  backoffRate: 2,
  maxAttempts: 4,
  maxDelay: Duration.seconds(60),
  jitterStrategy: sfn.JitterType.FULL,
};

/**
 * Uploads too large for one ingest Lambda (docs/performance.md): S3 "Object Created" events of at least
 * `minBytes` under uploads/ (EventBridge, filtered on the object's size) start a Step Functions state machine:
 *
 *   Split (Lambda) → kind = split? → Ranges (Distributed Map over the byte ranges, batched, MaxConcurrency,
 *   each batch to the range-worker Lambda, retried with backoff, no failure tolerated) → Merge (Lambda) → done;
 *   a failed Map or Merge (after its retries) → ReportFailure (Lambda: rejection report) → Fail.
 *
 * The handlers are functions/large-upload/*-handler.ts; the ingest function gets LARGE_UPLOAD_MIN_BYTES with the
 * same value, so exactly one path reads each upload.
 */
export class LargeUploads extends Construct {
  readonly splitFunction: MrvFunction;
  readonly rangeFunction: MrvFunction;
  readonly mergeFunction: MrvFunction;
  readonly stateMachine: sfn.StateMachine;
  readonly map: sfn.DistributedMap;
  readonly rule: events.Rule;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: LargeUploadsProps) {
    super(scope, id);
    const { monitoring, logRetention, wildcardReason } = props;
    const sizes = { [LARGE_UPLOAD.minBytesEnv]: String(props.minBytes), [LARGE_UPLOAD.rangeBytesEnv]: String(props.rangeBytes) };

    this.splitFunction = new MrvFunction(this, 'SplitFunction', {
      entry: props.entries.split,
      serviceName: 'large-upload-split',
      description: 'Large uploads: the ingest pre-checks, then the byte ranges of the file (ranged GETs of its head and of the windows around the cuts)',
      memorySize: 512,
      timeout: Duration.minutes(5),
      logRetention,
      environment: sizes,
    })
      .bindBucket(monitoring, ENV.bucket, {
        read: ['uploads/*', 'reports/*'],
        readVersions: ['uploads/*'],
        write: ['reports/*'],
        tag: ['reports/*'],
        list: true,
        wildcardReason,
      })
      .bindTable(props.projectsTable, ENV.projectsTable, ['dynamodb:GetItem'])
      .bindTable(props.submissionsTable, ENV.submissionsTable, ['dynamodb:GetItem', 'dynamodb:PutItem'])
      .bindTable(props.auditTable, ENV.auditTable, ['dynamodb:PutItem', 'dynamodb:Query'])
      .bindTable(props.accessTable, ENV.accessTable, ['dynamodb:GetItem']);

    this.rangeFunction = new MrvFunction(this, 'RangeFunction', {
      entry: props.entries.range,
      serviceName: 'large-upload-range',
      description: 'Large uploads: calculates a batch of byte ranges (ranged GETs) and stores each range’s partial result',
      // 1,769 MB is one full vCPU: the calculation is CPU-bound.
      memorySize: 1769,
      timeout: Duration.minutes(15),
      logRetention,
    }).bindBucket(monitoring, ENV.bucket, { read: ['uploads/*'], readVersions: ['uploads/*'], write: ['partials/*'], wildcardReason });

    this.mergeFunction = new MrvFunction(this, 'MergeFunction', {
      entry: props.entries.merge,
      serviceName: 'large-upload-merge',
      description: 'Large uploads: merges the ranges’ partial results and writes report, result, submission and review item; or the failure report',
      memorySize: 1024,
      timeout: Duration.minutes(15),
      logRetention,
      environment: sizes,
    })
      .bindBucket(monitoring, ENV.bucket, {
        read: ['partials/*', 'reports/*'],
        write: ['reports/*', 'results/*', 'partials/*'],
        tag: ['reports/*', 'results/*', 'partials/*'],
        list: true,
        wildcardReason,
      })
      .bindTable(props.submissionsTable, ENV.submissionsTable, ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'])
      .bindTable(props.auditTable, ENV.auditTable, ['dynamodb:PutItem', 'dynamodb:Query'])
      .bindTable(props.accessTable, ENV.accessTable, ['dynamodb:GetItem'])
      .bindQueue(props.reviewQueue, ENV.reviewQueueUrl, ['sqs:SendMessage']);

    const reportFailure = new tasks.LambdaInvoke(this, 'ReportFailure', {
      lambdaFunction: this.mergeFunction.function,
      comment: 'A range or the merge failed after its retries: a rejection report, never a partial result',
      payload: sfn.TaskInput.fromObject({ step: 'fail', 'ctx.$': '$.ctx', 'error.$': '$.error' }),
      outputPath: '$.Payload',
      retryOnServiceExceptions: false,
    })
      .addRetry(RETRY)
      .next(
        new sfn.Fail(this, 'NotCalculated', {
          error: 'UploadNotCalculated',
          cause: 'A byte range or the merge failed after its retries; the upload was rejected with a report.',
        }),
      );

    const calculateRanges = new tasks.LambdaInvoke(this, 'CalculateRanges', {
      lambdaFunction: this.rangeFunction.function,
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
    }).addRetry(RETRY);

    this.map = new sfn.DistributedMap(this, 'Ranges', {
      comment: 'Every byte range of the upload, in batches, to the range worker',
      itemsPath: '$.ranges',
      itemBatcher: new sfn.ItemBatcher({
        maxItemsPerBatch: props.rangesPerBatch,
        batchInput: { 'ctx.$': '$.ctx', 'runId.$': '$.runId', 'prefix.$': '$.prefix', 'prefixLines.$': '$.prefixLines' },
      }),
      maxConcurrency: props.maxConcurrency,
      // One failed range fails the upload: a partial result is never recorded.
      toleratedFailurePercentage: 0,
      resultPath: sfn.JsonPath.DISCARD,
      mapExecutionType: sfn.StateMachineType.STANDARD,
    });
    this.map.itemProcessor(calculateRanges);
    this.map.addCatch(reportFailure, { errors: [sfn.Errors.ALL], resultPath: '$.error' });

    const merge = new tasks.LambdaInvoke(this, 'Merge', {
      lambdaFunction: this.mergeFunction.function,
      payload: sfn.TaskInput.fromObject({ step: 'merge', 'ctx.$': '$.ctx', 'runId.$': '$.runId', 'rangeCount.$': '$.rangeCount' }),
      outputPath: '$.Payload',
      retryOnServiceExceptions: false,
    })
      .addRetry(RETRY)
      .addCatch(reportFailure, { errors: [sfn.Errors.ALL], resultPath: '$.error' });

    const split = new tasks.LambdaInvoke(this, 'Split', {
      lambdaFunction: this.splitFunction.function,
      comment: 'Pre-checks and byte ranges; an upload that needs no split ends here with its report',
      outputPath: '$.Payload',
      retryOnServiceExceptions: false,
    }).addRetry(RETRY);

    const definition = split.next(
      new sfn.Choice(this, 'Split?')
        .when(sfn.Condition.stringEquals('$.kind', 'split'), this.map.next(merge).next(new sfn.Succeed(this, 'Recorded')))
        .otherwise(new sfn.Succeed(this, 'Done')),
    );

    const logGroup = new logs.LogGroup(this, 'StateMachineLogs', { retention: logRetention, removalPolicy: RemovalPolicy.RETAIN });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      stateMachineType: sfn.StateMachineType.STANDARD,
      comment: 'Large uploads in byte ranges: split, Distributed Map of range workers, merge',
      timeout: Duration.hours(6),
      tracingEnabled: true,
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });

    // S3 → EventBridge → the state machine, for objects of at least minBytes under uploads/.
    monitoring.bucket.enableEventBridgeNotification();
    this.deadLetterQueue = new DeadLetterQueue(this, 'EventsDeadLetterQueue', {
      source: 'the large-upload rule (S3 events that could not start the state machine)',
      sourceKind: 'event-target',
      alarmAction: props.alarmAction,
    }).queue;
    this.rule = new events.Rule(this, 'LargeUploadRule', {
      description: `Uploads of at least ${props.minBytes} bytes: calculated in byte ranges by the large-upload state machine`,
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: {
          bucket: { name: [monitoring.bucket.bucketName] },
          object: { key: [{ prefix: BUCKET_LAYOUT.uploadsPrefix }], size: [{ numeric: ['>=', props.minBytes] }] },
        },
      },
      targets: [new targets.SfnStateMachine(this.stateMachine, { deadLetterQueue: this.deadLetterQueue, retryAttempts: 10, maxEventAge: Duration.hours(24) })],
    });

    this.acknowledge();

    for (const [name, metric, description] of [
      [
        'FailedAlarm',
        this.stateMachine.metricFailed({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
        'A large upload failed in the state machine (a rejection report was written when the failure was in a range or the merge).',
      ],
    ] as const) {
      const alarm = new cloudwatch.Alarm(this, name, {
        alarmDescription: description,
        metric,
        threshold: 0,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(props.alarmAction);
    }
  }

  /** cdk-nag findings of what aws-cdk-lib grants the state machine, each named exactly, with why. */
  private acknowledge(): void {
    const stack = Stack.of(this);
    const logicalId = (c: Construct) => stack.resolve((c.node.defaultChild as CfnResource).logicalId) as string;
    const role = this.stateMachine.role;
    for (const fn of [this.splitFunction, this.rangeFunction, this.mergeFunction]) {
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${logicalId(fn.function)}.Arn>:*]`,
        reason: 'lambda:InvokeFunction on the function and its versions (aws-cdk-lib grants <arn>:* with every LambdaInvoke task); only this one function.',
      });
      Validations.of(fn.function).acknowledge({
        id: 'Serverless-LambdaDLQ',
        reason:
          'Invoked synchronously by the large-upload state machine, which retries it and catches its failure (a rejection report); a function DLQ applies to asynchronous invocations only.',
      });
    }
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray tracing (xray:PutTraceSegments, PutTelemetryRecords, GetSamplingRules/Targets) and log delivery to CloudWatch Logs (logs:CreateLogDelivery and friends) support no resource-level permissions; aws-cdk-lib grants them on *.',
    });
    const policy = this.stateMachine.node.tryFindChild('DistributedMapPolicy');
    if (!policy) throw new Error('aws-cdk-lib did not create the DistributedMapPolicy of the state machine; update large-uploads.ts.');
    const executions = `arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${logicalId(this.stateMachine)}"}]}]}`;
    for (const suffix of [':*', '/*:*'])
      Validations.of(policy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${executions}${suffix}]`,
        reason:
          "The Distributed Map starts, describes and stops its child executions: the state machine's own executions (their names are made at run time), nothing else.",
      });
  }
}
