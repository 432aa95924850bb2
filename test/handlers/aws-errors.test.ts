/** The AWS error wrapper keeps the SDK error's name, message, $metadata and the error itself as `cause`. */
import { DynamoDBClient, DynamoDBServiceException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, describe, expect, it } from 'vitest';
import { PortError } from '../../core/errors.ts';
import { AwsCallError, port } from '../../functions/shared/aws/errors.ts';

const ddbMock = mockClient(DynamoDBDocumentClient);
afterAll(() => ddbMock.restore());

describe('port(): AWS failures keep their cause', () => {
  it('a service exception: name, message, HTTP status and request id in the message; $metadata and cause kept', async () => {
    const sdk = new DynamoDBServiceException({
      name: 'ValidationException',
      $fault: 'client',
      $metadata: { httpStatusCode: 400, requestId: 'REQ-123', attempts: 1 },
      message: 'One or more parameter values were invalid',
    });
    ddbMock.on(PutCommand).rejects(sdk);
    const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
    const error = await port('PutItem (projects)', () => ddb.send(new PutCommand({ TableName: 't', Item: { pk: 'x' } }))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortError);
    expect(error).toBeInstanceOf(AwsCallError);
    const e = error as AwsCallError;
    expect(e.message).toBe('PutItem (projects) failed: ValidationException: One or more parameter values were invalid (HTTP 400, request REQ-123)');
    expect(e.cause).toBe(sdk);
    expect(e.$metadata).toMatchObject({ httpStatusCode: 400, requestId: 'REQ-123' });
    expect(e.aws).toMatchObject({ name: 'ValidationException', fault: 'client' });
  });

  it('a plain Error thrown before the request (the marshaller refusing a number above 2^53) is named with its message, not "Error"', async () => {
    // What the document client's marshaller throws for such a number (a plain Error, no $metadata).
    const thrown = new Error('Number 1152921504606846976 is greater than Number.MAX_SAFE_INTEGER. Use NumberValue from @aws-sdk/lib-dynamodb.');
    const error = (await port('PutItem (projects)', () => Promise.reject(thrown)).catch((e: unknown) => e)) as AwsCallError;
    expect(error).toBeInstanceOf(AwsCallError);
    expect(error.message).not.toBe('PutItem (projects) failed: Error');
    expect(error.message).toMatch(/^PutItem \(projects\) failed: Error: .*MAX_SAFE_INTEGER/);
    expect(error.cause).toBe(thrown);
  });
});
