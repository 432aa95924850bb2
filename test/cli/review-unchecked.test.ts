/**
 * `mrv review approve` with IAM credentials that read no review state (the verifier policy alone: it has
 * no DynamoDB access, infra/policies/role-policies.ts): the decision is sent without the pre-check and
 * the command waits on the outcome the decision function tells this sender, which the policy lets it read.
 */
import { Readable } from 'node:stream';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { sdkStreamMixin } from '@smithy/core/serde';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { makeReviewCommand } from '../../cli/commands/review.ts';
import type { CliAws } from '../../cli/aws-clients.ts';
import type { Io } from '../../cli/commands/types.ts';
import { readEnv } from '../../functions/shared/env.ts';

const UPLOAD = 'fedcba9876543210fedcba9876543210';
const env = {
  SUBMISSIONS_TABLE_NAME: 'Submissions',
  DECISION_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/Decisions',
  MONITORING_BUCKET_NAME: 'bucket',
  MRV_AUTH: 'iam',
};
/** What DynamoDB answers a principal whose policy does not allow the call (the SDK has no class for it: a ServiceException named so). */
const accessDenied = (message: string) => Object.assign(new Error(message), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } });
const ddbMock = mockClient(DynamoDBDocumentClient);
const sqsMock = mockClient(SQSClient);
const s3Mock = mockClient(S3Client);
afterEach(() => {
  ddbMock.reset();
  sqsMock.reset();
  s3Mock.reset();
});

const aws = (): CliAws => ({
  s3: new S3Client({ region: 'eu-west-1' }),
  sqs: new SQSClient({ region: 'eu-west-1' }),
  ddb: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' })),
  resources: (names) => readEnv(names, env),
});

async function approve(extraEnv: Record<string, string> = {}) {
  let out = '';
  const io: Io = { out: (t) => void (out += `${t}\n`), err: (t) => void (out += `${t}\n`), errIsTTY: false, cwd: process.cwd(), env: { ...env, ...extraEnv } };
  const code = await makeReviewCommand(aws).run(['approve', UPLOAD, '--wait', '5'], io);
  return { code, out };
}

describe('mrv review approve with the verifier policy alone (no review state)', () => {
  it('sends the decision unchecked and prints the outcome told to this sender', async () => {
    ddbMock.on(GetCommand).rejects(accessDenied('not authorized to perform dynamodb:GetItem'));
    sqsMock.on(SendMessageCommand).resolves({ MessageId: 'msg-1' });
    s3Mock.on(GetObjectCommand, { Bucket: 'bucket', Key: 'outcomes/AIDAVERA/msg-1.json' }).resolves({
      Body: sdkStreamMixin(
        Readable.from([
          JSON.stringify({
            schemaVersion: 1,
            messageId: 'msg-1',
            uploadId: UPLOAD,
            principal: 'iam:AIDAVERA',
            outcome: 'approved',
            recordedAs: { name: 'Vera Verifier', body: 'DOE-A' },
          }),
        ]),
      ) as never,
    });
    const r = await approve({ MRV_SENDER_ID: 'AIDAVERA' });
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain('unchecked: your IAM credentials read no review state');
    expect(r.out).toContain(`Recorded: approval of ${UPLOAD} by Vera Verifier (DOE-A).`);
    const sent = JSON.parse(sqsMock.commandCalls(SendMessageCommand)[0]!.args[0].input.MessageBody!) as Record<string, unknown>;
    expect(sent).toMatchObject({ uploadId: UPLOAD, decision: 'approve' });
  });

  it('without MRV_SENDER_ID it cannot wait: sent, and says where the outcome is', async () => {
    ddbMock.on(GetCommand).rejects(accessDenied('denied'));
    sqsMock.on(SendMessageCommand).resolves({ MessageId: 'msg-2' });
    const r = await approve();
    expect(r.code).toBe(0);
    expect(r.out).toContain('outcomes/<your IAM unique id>/msg-2.json');
    expect(s3Mock.commandCalls(GetObjectCommand)).toHaveLength(0);
  });

  it('any other failure of the pre-check still stops the command before anything is sent', async () => {
    ddbMock.on(GetCommand).rejects(new ResourceNotFoundException({ message: 'no table', $metadata: {} }));
    await expect(approve()).rejects.toThrow(/ResourceNotFoundException/);
    expect(sqsMock.commandCalls(SendMessageCommand)).toHaveLength(0);
  });
});
