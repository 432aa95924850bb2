import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/**
 * The topic of notifications to people (functions/shared/notifications.ts): report ready / rejected,
 * item waiting for review, decision recorded / refused. Messages carry the `event` and `projectId`
 * attributes, so a subscription filters on them (a site on its project, a verification body on
 * `item-waiting`). Encrypted with a customer-managed key (rotated) and TLS-only (the topic policy denies
 * any request not sent over TLS). Subscriptions are added by the operator (e-mail, HTTPS webhook, SQS).
 */
export class NotificationTopic extends Construct {
  readonly topic: sns.Topic;
  readonly key: kms.Key;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.key = new kms.Key(this, 'Key', { enableKeyRotation: true, description: 'Encrypts the MRV pipeline notification topic' });
    this.topic = new sns.Topic(this, 'Topic', { masterKey: this.key, enforceSSL: true, displayName: 'MRV pipeline notifications' });
  }

  /** Lets a function publish (sns:Publish on this topic, and the key's data-key use SNS needs for it). */
  grantPublish(grantee: iam.IGrantable): void {
    // Explicit actions (aws-cdk-lib's topic.grantPublish grants kms:GenerateDataKey*, a wildcard).
    iam.Grant.addToPrincipal({ grantee, actions: ['sns:Publish'], resourceArns: [this.topic.topicArn] });
    this.key.grant(grantee, 'kms:GenerateDataKey', 'kms:Decrypt');
  }
}
