import { Duration, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { QueueDefinition } from '../../functions/shared/resources.ts';

/** SQS keeps a message at most 14 days; a dead letter waits there for a human, so keep it as long as possible. */
const DLQ_RETENTION = Duration.days(14);

export interface DeadLetterQueueProps {
  /** What feeds this DLQ, for the alarm description and the acknowledgements, e.g. "the ingest queue". */
  readonly source: string;
  /**
   * What dead-letters into it. cdk-nag recognises a queue named in another queue's redrive policy as a DLQ, but
   * not one named by an SNS subscription, so only the latter needs the SQS3 acknowledgement.
   */
  readonly sourceKind: 'queue' | 'subscription' | 'event-target';
  /** Where the depth alarm goes (e.g. an SNS topic). */
  readonly alarmAction?: cloudwatch.IAlarmAction;
}

/**
 * A dead-letter queue with the house defaults: SQS-managed encryption, TLS-only, 14 days' retention, and an
 * alarm as soon as one message lands in it (a dead letter always needs a human).
 */
export class DeadLetterQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly depthAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: DeadLetterQueueProps) {
    super(scope, id);
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: DLQ_RETENTION,
    });
    Validations.of(this.queue).acknowledge({
      id: 'Serverless-SQSRedrivePolicy',
      reason: `This queue is itself the dead-letter queue of ${props.source}; its messages wait for an operator to inspect and redrive them.`,
    });
    if (props.sourceKind !== 'queue') {
      Validations.of(this.queue).acknowledge({
        id: 'AwsSolutions-SQS3',
        reason: `This queue is itself the dead-letter queue of ${props.source} (${props.sourceKind === 'subscription' ? 'an SNS subscription redrive policy' : 'an EventBridge target'}, which cdk-nag does not trace); a DLQ of a DLQ would only move the problem.`,
      });
    }

    this.depthAlarm = new cloudwatch.Alarm(this, 'DepthAlarm', {
      alarmDescription: `A message from ${props.source} failed every delivery attempt and is parked in its dead-letter queue. Inspect it, fix the cause, then redrive it (SQS console "Start DLQ redrive").`,
      metric: this.queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    if (props.alarmAction) this.depthAlarm.addAlarmAction(props.alarmAction);
  }
}

export interface WorkQueueProps {
  /** Settings from `functions/shared/resources.ts` QUEUES: the one source of truth shared with the local stack. */
  readonly definition: QueueDefinition;
  /** Plain-words name of the queue for alarm descriptions, e.g. "the ingest queue". */
  readonly description: string;
  readonly alarmAction?: cloudwatch.IAlarmAction;
}

/** A work queue built from a {@link QueueDefinition}: encrypted, TLS-only, with a DLQ after `maxReceiveCount` deliveries. */
export class WorkQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: DeadLetterQueue;
  readonly definition: QueueDefinition;

  constructor(scope: Construct, id: string, props: WorkQueueProps) {
    super(scope, id);
    this.definition = props.definition;
    this.deadLetterQueue = new DeadLetterQueue(this, 'DeadLetter', { source: props.description, sourceKind: 'queue', alarmAction: props.alarmAction });
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(props.definition.visibilityTimeoutSeconds),
      retentionPeriod: Duration.seconds(props.definition.retentionSeconds),
      deadLetterQueue: { queue: this.deadLetterQueue.queue, maxReceiveCount: props.definition.maxReceiveCount },
    });
  }
}
