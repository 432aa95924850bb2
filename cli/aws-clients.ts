import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { readEnv } from '../functions/shared/env.ts';
import type { EnvName } from '../functions/shared/resources.ts';

/**
 * AWS clients for the CLI: region from AWS_REGION (default us-east-1); endpoints from the standard
 * AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE> variables of `env` (the local stack prints them);
 * credentials from `env` when it has keys, else the SDK's default chain. SQS ignores queue-URL hosts (`useQueueUrlAsEndpoint: false`, the fauxqs gotcha).
 * Resource names come from the same variables the functions read (functions/shared/resources.ts ENV).
 */
export interface CliAws {
  readonly s3: S3Client;
  readonly sqs: SQSClient;
  readonly ddb: DynamoDBDocumentClient;
  /** Notifications (absent in test doubles). */
  readonly sns?: SNSClient;
  /** Reads resource names; a ConfigError lists every missing variable (exit 2). */
  readonly resources: <const N extends EnvName>(names: readonly N[]) => Record<N, string>;
}

export function createCliAws(env: NodeJS.ProcessEnv): CliAws {
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const local = Boolean(env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL);
  // The SDK reads these variables from process.env only; `env` (the command's Io) may differ (tests, `mrv start`).
  const endpoint = (service: 'S3' | 'SQS' | 'DYNAMODB' | 'SNS') => {
    const url = env[`AWS_ENDPOINT_URL_${service}`] ?? env.AWS_ENDPOINT_URL;
    return url ? { endpoint: url } : {};
  };
  const credentials =
    env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
      ? {
          credentials: {
            accessKeyId: env.AWS_ACCESS_KEY_ID,
            secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
            ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
          },
        }
      : {};
  return {
    s3: new S3Client({ region, forcePathStyle: local, ...endpoint('S3'), ...credentials }),
    sqs: new SQSClient({ region, useQueueUrlAsEndpoint: false, ...endpoint('SQS'), ...credentials }),
    sns: new SNSClient({ region, ...endpoint('SNS'), ...credentials }),
    ddb: DynamoDBDocumentClient.from(new DynamoDBClient({ region, ...endpoint('DYNAMODB'), ...credentials }), {
      marshallOptions: { removeUndefinedValues: true },
    }),
    resources: (names) => readEnv(names, env),
  };
}

/** Built on first use, so `mrv --help` and offline commands never need AWS configuration. */
export type AwsFactory = (env: NodeJS.ProcessEnv) => CliAws;
