import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, type SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { CreateTableCommand, DescribeTableCommand, type AttributeDefinition, type DynamoDBClient, type KeySchemaElement } from '@aws-sdk/client-dynamodb';
import { ENV, NOTIFICATION_TOPIC, QUEUES, TABLES, type EnvName, type QueueDefinition, type TableDefinition } from '../../functions/shared/resources.ts';
import { pollUntil } from './poll.ts';

/** Names of the local resources: the logical names of functions/shared/resources.ts (as the CDK construct ids). */
export const LOCAL_BUCKET = 'mrv-monitoring-local';
export const dlqName = (queue: QueueDefinition) => `${queue.logicalName}-dlq`;

export interface LocalQueue {
  readonly name: string;
  readonly url: string;
  readonly arn: string;
  readonly dlq: { readonly name: string; readonly url: string; readonly arn: string };
}
export type QueueName = keyof typeof QUEUES;

export interface Provisioned {
  /** Every variable of ENV, as the CDK stack sets them on the functions (and its outputs give the CLI). */
  readonly env: Record<EnvName, string>;
  readonly bucket: string;
  readonly queues: Record<QueueName, LocalQueue>;
  /** Tables that already existed (dynalite on disk): state from an earlier run. */
  readonly existingTables: readonly string[];
}

/**
 * Creates the bucket, the queues (each with its DLQ, visibility timeout, retention and redrive
 * maxReceiveCount) and the tables (key schema and GSIs) from functions/shared/resources.ts, through the
 * SDK, as the CDK stack does from the same definitions. Idempotent: existing resources are kept.
 */
export async function provision(
  clients: { s3: S3Client; sqs: SQSClient; dynamo: DynamoDBClient; sns: SNSClient },
  options: { deadlineMs?: number } = {},
): Promise<Provisioned> {
  // The notification topic (fauxqs emulates SNS); the local stack prints what is published to it.
  const topicArn = (await clients.sns.send(new CreateTopicCommand({ Name: NOTIFICATION_TOPIC }))).TopicArn!;

  await clients.s3.send(new CreateBucketCommand({ Bucket: LOCAL_BUCKET })).catch((error: unknown) => {
    if (!['BucketAlreadyOwnedByYou', 'BucketAlreadyExists'].includes((error as { name?: string }).name ?? '')) throw error;
  });

  const queues = {} as Record<QueueName, LocalQueue>;
  for (const [key, def] of Object.entries(QUEUES) as [QueueName, QueueDefinition][]) queues[key] = await createQueue(clients.sqs, def);

  const existingTables: string[] = [];
  for (const def of Object.values(TABLES) as TableDefinition[]) if (await createTable(clients.dynamo, def)) existingTables.push(def.logicalName);
  const deadline = Date.now() + (options.deadlineMs ?? 10_000);
  for (const def of Object.values(TABLES) as TableDefinition[]) {
    await pollUntil(async () => (await clients.dynamo.send(new DescribeTableCommand({ TableName: def.logicalName }))).Table?.TableStatus === 'ACTIVE', {
      deadline,
      intervalMs: 20,
      what: `table ${def.logicalName} to become ACTIVE`,
    });
  }

  return {
    bucket: LOCAL_BUCKET,
    queues,
    existingTables,
    env: {
      [ENV.bucket]: LOCAL_BUCKET,
      [ENV.reviewQueueUrl]: queues.review.url,
      [ENV.decisionQueueUrl]: queues.decision.url,
      [ENV.projectsTable]: TABLES.projects.logicalName,
      [ENV.submissionsTable]: TABLES.submissions.logicalName,
      [ENV.ledgerTable]: TABLES.ledger.logicalName,
      [ENV.accessTable]: TABLES.access.logicalName,
      [ENV.auditTable]: TABLES.audit.logicalName,
      [ENV.notificationTopic]: topicArn,
    },
  };
}

async function createQueue(sqs: SQSClient, def: QueueDefinition): Promise<LocalQueue> {
  const arnOf = async (url: string) => (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  // The DLQ keeps messages 14 days, as the CDK DeadLetterQueue construct does.
  const dlqUrl = (await sqs.send(new CreateQueueCommand({ QueueName: dlqName(def), Attributes: { MessageRetentionPeriod: String(14 * 86_400) } }))).QueueUrl!;
  const dlqArn = await arnOf(dlqUrl);
  const url = (
    await sqs.send(
      new CreateQueueCommand({
        QueueName: def.logicalName,
        Attributes: {
          VisibilityTimeout: String(def.visibilityTimeoutSeconds),
          MessageRetentionPeriod: String(def.retentionSeconds),
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: def.maxReceiveCount }),
        },
      }),
    )
  ).QueueUrl!;
  return { name: def.logicalName, url, arn: await arnOf(url), dlq: { name: dlqName(def), url: dlqUrl, arn: dlqArn } };
}

/** true when the table already existed. */
async function createTable(dynamo: DynamoDBClient, def: TableDefinition): Promise<boolean> {
  const keyNames = [def.partitionKey, def.sortKey, ...(def.indexes ?? []).flatMap((i) => [i.partitionKey, i.sortKey])].filter((k): k is string => Boolean(k));
  const attributes: AttributeDefinition[] = [...new Set(keyNames)].map((name) => ({ AttributeName: name, AttributeType: 'S' }));
  const keySchema = (pk: string, sk?: string): KeySchemaElement[] => [
    { AttributeName: pk, KeyType: 'HASH' },
    ...(sk ? [{ AttributeName: sk, KeyType: 'RANGE' as const }] : []),
  ];
  try {
    await dynamo.send(
      new CreateTableCommand({
        TableName: def.logicalName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: attributes,
        KeySchema: keySchema(def.partitionKey, def.sortKey),
        ...(def.indexes?.length
          ? {
              GlobalSecondaryIndexes: def.indexes.map((i) => ({
                IndexName: i.name,
                KeySchema: keySchema(i.partitionKey, i.sortKey),
                Projection: { ProjectionType: 'ALL' },
              })),
            }
          : {}),
      }),
    );
    return false;
  } catch (error) {
    if ((error as { name?: string }).name === 'ResourceInUseException') return true;
    throw error;
  }
}
