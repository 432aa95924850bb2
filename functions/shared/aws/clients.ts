import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * SDK clients, built once per process. Endpoints come from the standard `AWS_ENDPOINT_URL`,
 * `AWS_ENDPOINT_URL_S3`, `AWS_ENDPOINT_URL_SQS`, `AWS_ENDPOINT_URL_DYNAMODB` variables, which the SDK
 * reads itself (local stack and tests); in AWS they are unset.
 *
 * SQS: `useQueueUrlAsEndpoint: false` so a queue URL's host (fauxqs: `sqs.<region>.localhost`, which
 * does not resolve) never replaces the configured endpoint (docs toolchain.md §3b).
 */
export interface AwsClients {
  readonly s3: S3Client;
  readonly sqs: SQSClient;
  readonly ddb: DynamoDBDocumentClient;
  readonly sns: SNSClient;
}

export function createAwsClients(options: { readonly region?: string } = {}): AwsClients {
  const region = options.region ?? process.env.AWS_REGION ?? 'us-east-1';
  const s3 = new S3Client({
    region,
    forcePathStyle: process.env.AWS_S3_FORCE_PATH_STYLE === 'true' || Boolean(process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL),
  });
  const sqs = new SQSClient({ region, useQueueUrlAsEndpoint: false });
  const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({ region }), { marshallOptions: { removeUndefinedValues: true } });
  return { s3, sqs, ddb, sns: new SNSClient({ region }) };
}
