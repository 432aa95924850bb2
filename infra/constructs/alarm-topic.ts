import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { DeadLetterQueue } from './work-queue.ts';

export interface AlarmTopicProps {
  /** Subscribe this address (it must confirm the subscription once). */
  readonly email?: string;
}

/**
 * The SNS topic every alarm notifies. Encrypted with a customer-managed key because CloudWatch cannot publish
 * to a topic encrypted with the AWS-managed `aws/sns` key; the key policy lets CloudWatch use it.
 */
export class AlarmTopic extends Construct {
  readonly topic: sns.Topic;
  readonly action: cloudwatchActions.SnsAction;

  constructor(scope: Construct, id: string, props: AlarmTopicProps = {}) {
    super(scope, id);
    const key = new kms.Key(this, 'Key', { enableKeyRotation: true, description: 'Encrypts the MRV pipeline alarm topic' });
    key.grant(new iam.ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey');

    this.topic = new sns.Topic(this, 'Topic', { masterKey: key, enforceSSL: true, displayName: 'MRV pipeline alarms' });
    this.action = new cloudwatchActions.SnsAction(this.topic);

    if (props.email) {
      // An undeliverable alarm notification is kept (and itself alarmed) rather than dropped.
      const undelivered = new DeadLetterQueue(this, 'UndeliveredNotifications', {
        source: 'the alarm e-mail subscription',
        sourceKind: 'subscription',
        alarmAction: this.action,
      });
      this.topic.addSubscription(new subscriptions.EmailSubscription(props.email, { deadLetterQueue: undelivered.queue }));
    }
  }
}
