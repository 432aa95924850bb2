/**
 * A stateful fake of the three AWS services the handlers use, built on aws-sdk-client-mock, so the
 * real adapters (functions/shared/aws/*) run unchanged and every command can be counted, ordered
 * and made to fail:
 *
 * - S3: objects in a Map (HeadObject 404 when absent, GetObject streams the body, PutObject stores;
 *   keys over 1024 UTF-8 bytes are refused with KeyTooLongError, as S3 does).
 * - DynamoDB (document client): items per table with the exact condition expressions the adapters
 *   send (an unknown expression throws, so an adapter change cannot silently bypass the fake).
 * - SQS: SendMessage appends to a list per queue URL.
 *
 * Fault injection: `world.fault = (call) => …` is asked before each command with its 1-based index;
 * it returns `undefined` (run normally) or `{ error, when }`: `before` fails the command without
 * effect (throttling, 5xx), `after` applies it and then fails (a lost response / Lambda timeout).
 */
import { Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient, SQSServiceException } from '@aws-sdk/client-sqs';
import { ConditionalCheckFailedException, DynamoDBClient, DynamoDBServiceException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { sdkStreamMixin } from '@smithy/core/serde';
import { mockClient } from 'aws-sdk-client-mock';

export type Service = 's3' | 'ddb' | 'sqs';
export interface Call {
  readonly index: number;
  readonly service: Service;
  readonly command: string;
  readonly input: Record<string, unknown>;
}
export interface Fault {
  readonly error: Error;
  readonly when: 'before' | 'after';
}

/** The errors a throttled or failing AWS service returns, as the SDK surfaces them. */
export const AWS_ERRORS = {
  throttlingS3: () =>
    new S3ServiceException({ name: 'SlowDown', $fault: 'server', $metadata: { httpStatusCode: 503 }, message: 'Please reduce your request rate.' }),
  s3Internal: () =>
    new S3ServiceException({ name: 'InternalError', $fault: 'server', $metadata: { httpStatusCode: 500 }, message: 'We encountered an internal error.' }),
  ddbThroughput: () =>
    new DynamoDBServiceException({
      name: 'ProvisionedThroughputExceededException',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
      message: 'The level of configured provisioned throughput for the table was exceeded.',
    }),
  ddbThrottling: () =>
    new DynamoDBServiceException({
      name: 'ThrottlingException',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
      message: 'Rate of requests exceeds the allowed throughput.',
    }),
  ddbInternal: () =>
    new DynamoDBServiceException({ name: 'InternalServerError', $fault: 'server', $metadata: { httpStatusCode: 500 }, message: 'Internal server error' }),
  sqsThrottling: () => new SQSServiceException({ name: 'ThrottlingException', $fault: 'client', $metadata: { httpStatusCode: 400 }, message: 'Rate exceeded' }),
  sqsUnavailable: () =>
    new SQSServiceException({ name: 'ServiceUnavailable', $fault: 'server', $metadata: { httpStatusCode: 503 }, message: 'Service unavailable' }),
  timeout: () => Object.assign(new Error('Task timed out after 900.00 seconds'), { name: 'TimeoutError' }),
} as const;

/** A matching error for the service of a call: throttling or 5xx, alternating by `n`. */
export function errorFor(service: Service, n: number): Error {
  const choices = {
    s3: [AWS_ERRORS.throttlingS3, AWS_ERRORS.s3Internal],
    ddb: [AWS_ERRORS.ddbThroughput, AWS_ERRORS.ddbThrottling, AWS_ERRORS.ddbInternal],
    sqs: [AWS_ERRORS.sqsThrottling, AWS_ERRORS.sqsUnavailable],
  }[service];
  return choices[n % choices.length]!();
}

type Item = Record<string, unknown>;
const clone = <T>(x: T): T => structuredClone(x);

export class AwsWorld {
  readonly s3Mock = mockClient(S3Client);
  readonly sqsMock = mockClient(SQSClient);
  readonly ddbMock = mockClient(DynamoDBDocumentClient);
  readonly objects = new Map<string, { body: Buffer; metadata: Record<string, string>; versionId: string }>();
  readonly tables = new Map<string, Map<string, Item>>();
  readonly messages = new Map<string, string[]>();
  readonly calls: Call[] = [];
  fault: ((call: Call) => Fault | undefined) | undefined;
  /** How many faults were injected (a fault returned by `fault`). */
  injected = 0;

  constructor() {
    this.install();
  }

  s3Client = () => new S3Client({ region: 'us-east-1' });
  sqsClient = () => new SQSClient({ region: 'us-east-1', useQueueUrlAsEndpoint: false });
  ddbClient = () => DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));

  table(name: string): Map<string, Item> {
    let t = this.tables.get(name);
    if (!t) this.tables.set(name, (t = new Map()));
    return t;
  }

  /** Resets state and mocks (call in beforeEach). */
  reset(): void {
    this.s3Mock.reset();
    this.sqsMock.reset();
    this.ddbMock.reset();
    this.objects.clear();
    this.tables.clear();
    this.messages.clear();
    this.calls.length = 0;
    this.fault = undefined;
    this.injected = 0;
    this.install();
  }

  restore(): void {
    this.s3Mock.restore();
    this.sqsMock.restore();
    this.ddbMock.restore();
  }

  private run<T>(service: Service, command: string, input: Record<string, unknown>, apply: () => T): T {
    const call: Call = { index: this.calls.length + 1, service, command, input };
    this.calls.push(call);
    const f = this.fault?.(call);
    if (f) this.injected++;
    if (f?.when === 'before') throw f.error;
    const out = apply();
    if (f?.when === 'after') throw f.error;
    return out;
  }

  private install(): void {
    const s3 = this.s3Mock;
    s3.on(HeadObjectCommand).callsFake((input: { Key: string }) =>
      this.run('s3', 'HeadObject', input, () => {
        const o = this.objects.get(input.Key);
        if (!o) throw new S3ServiceException({ name: 'NotFound', $fault: 'client', $metadata: { httpStatusCode: 404 } });
        return { ContentLength: o.body.length, VersionId: o.versionId, Metadata: o.metadata };
      }),
    );
    s3.on(GetObjectCommand).callsFake((input: { Key: string }) =>
      this.run('s3', 'GetObject', input, () => {
        const o = this.objects.get(input.Key);
        if (!o) throw new S3ServiceException({ name: 'NoSuchKey', $fault: 'client', $metadata: { httpStatusCode: 404 } });
        return { Body: sdkStreamMixin(Readable.from([o.body])) };
      }),
    );
    s3.on(PutObjectCommand).callsFake((input: { Key: string; Body: string }) =>
      this.run('s3', 'PutObject', input, () => {
        if (Buffer.byteLength(input.Key, 'utf8') > 1024)
          throw new S3ServiceException({ name: 'KeyTooLongError', $fault: 'client', $metadata: { httpStatusCode: 400 }, message: 'Your key is too long' });
        this.objects.set(input.Key, { body: Buffer.from(String(input.Body)), metadata: {}, versionId: `v${this.objects.size + 1}` });
        return {};
      }),
    );
    this.sqsMock.on(SendMessageCommand).callsFake((input: { QueueUrl: string; MessageBody: string }) =>
      this.run('sqs', 'SendMessage', input, () => {
        const list = this.messages.get(input.QueueUrl) ?? [];
        list.push(input.MessageBody);
        this.messages.set(input.QueueUrl, list);
        return { MessageId: `msg-${list.length}` };
      }),
    );
    const ddb = this.ddbMock;
    ddb.on(GetCommand).callsFake((input: { TableName: string; Key: Item }) =>
      this.run('ddb', 'GetItem', input, () => {
        const item = this.table(input.TableName).get(keyOf(input.Key));
        return item ? { Item: clone(item) } : {};
      }),
    );
    ddb
      .on(PutCommand)
      .callsFake(
        (input: {
          TableName: string;
          Item: Item;
          ConditionExpression?: string;
          ExpressionAttributeNames?: Record<string, string>;
          ExpressionAttributeValues?: Item;
        }) =>
          this.run('ddb', 'PutItem', input, () => {
            const t = this.table(input.TableName);
            const k = keyOf(input.Item);
            const existing = t.get(k);
            if (!condition(input.ConditionExpression, existing, input.ExpressionAttributeNames, input.ExpressionAttributeValues)) throw conditionalFailed();
            t.set(k, clone(input.Item));
            return {};
          }),
      );
    ddb
      .on(UpdateCommand)
      .callsFake(
        (input: {
          TableName: string;
          Key: Item;
          UpdateExpression: string;
          ConditionExpression?: string;
          ExpressionAttributeNames?: Record<string, string>;
          ExpressionAttributeValues?: Item;
        }) =>
          this.run('ddb', 'UpdateItem', input, () => {
            const t = this.table(input.TableName);
            const k = keyOf(input.Key);
            const existing = t.get(k);
            if (!condition(input.ConditionExpression, existing, input.ExpressionAttributeNames, input.ExpressionAttributeValues)) throw conditionalFailed();
            t.set(
              k,
              update(
                { ...clone(input.Key), ...clone(existing ?? {}) },
                input.UpdateExpression,
                input.ExpressionAttributeNames ?? {},
                input.ExpressionAttributeValues ?? {},
              ),
            );
            return {};
          }),
      );
    ddb.on(QueryCommand).callsFake((input: { TableName: string; KeyConditionExpression: string; ExpressionAttributeValues: Item }) =>
      this.run('ddb', 'Query', input, () => {
        if (input.KeyConditionExpression !== 'pk = :p AND begins_with(sk, :e)')
          throw new Error(`fake DynamoDB: unsupported query ${input.KeyConditionExpression}`);
        const p = input.ExpressionAttributeValues[':p'];
        const e = String(input.ExpressionAttributeValues[':e']);
        const items = [...this.table(input.TableName).values()]
          .filter((i) => i.pk === p && String(i.sk).startsWith(e))
          .sort((a, b) => String(a.sk).localeCompare(String(b.sk)));
        return { Items: clone(items) };
      }),
    );
  }

  /** Commands of one kind, in order, optionally filtered. */
  callsOf(command: string, where: (input: Record<string, unknown>) => boolean = () => true): Call[] {
    return this.calls.filter((c) => c.command === command && where(c.input));
  }
}

const keyOf = (item: Item) => `${String(item.pk)}\u0000${item.sk === undefined ? '' : String(item.sk)}`;
const conditionalFailed = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: { httpStatusCode: 400 } });

/** The condition expressions the adapters send (functions/shared/aws/*), evaluated on one item. */
function condition(expr: string | undefined, item: Item | undefined, names: Record<string, string> = {}, values: Item = {}): boolean {
  if (expr === undefined) return true;
  const attr = (n: string) => item?.[names[n] ?? n];
  switch (expr) {
    case 'attribute_not_exists(pk)':
      return item === undefined;
    case 'attribute_not_exists(sk)':
      return item === undefined;
    case 'attribute_exists(pk)':
      return item !== undefined;
    case 'attribute_not_exists(sk) OR seq = :seq':
      return item === undefined || item.seq === values[':seq'];
    case 'registrationVersion = :prev':
      return item !== undefined && item.registrationVersion === values[':prev'];
    case 'attribute_exists(pk) AND attribute_not_exists(registrationVersion)':
      return item !== undefined && item.registrationVersion === undefined;
    case 'seq = :expected':
      return item !== undefined && item.seq === values[':expected'];
    case 'attribute_exists(pk) AND attribute_not_exists(#decision) AND #status = :pending':
      return item !== undefined && attr('#decision') === undefined && attr('#status') === values[':pending'];
    case 'attribute_exists(pk) AND (#status = :pending OR #status = :status)':
      return item !== undefined && (attr('#status') === values[':pending'] || attr('#status') === values[':status']);
    default:
      throw new Error(`fake DynamoDB: unsupported condition ${expr}`);
  }
}

/** `SET a = :v, #b = :w, periods = list_append(if_not_exists(periods, :empty), :period)` */
function update(item: Item, expr: string, names: Record<string, string>, values: Item): Item {
  if (!expr.startsWith('SET ')) throw new Error(`fake DynamoDB: unsupported update ${expr}`);
  for (const part of expr.slice(4).split(/,\s*(?![^()]*\))/)) {
    const m = /^\s*([#\w]+)\s*=\s*(.+?)\s*$/.exec(part);
    if (!m) throw new Error(`fake DynamoDB: unsupported update part ${part}`);
    const name = names[m[1]!] ?? m[1]!;
    const rhs = m[2]!;
    const append = /^list_append\(if_not_exists\((\w+), (:\w+)\), (:\w+)\)$/.exec(rhs);
    if (append) item[name] = [...((item[append[1]!] as unknown[] | undefined) ?? (values[append[2]!] as unknown[])), ...(values[append[3]!] as unknown[])];
    else if (rhs.startsWith(':')) item[name] = clone(values[rhs]);
    else throw new Error(`fake DynamoDB: unsupported value ${rhs}`);
  }
  return item;
}
