import { ChangeMessageVisibilityBatchCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

export type SqsHandler = (event: SQSEvent) => Promise<SQSBatchResponse | void>;

export interface EventSourceMappingOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly region: string;
  readonly handler: SqsHandler;
  /** Records per invocation (the CDK stack's `consume(queue, { batchSize })`). */
  readonly batchSize: number;
  /**
   * Seconds before a failed record is visible again. Lambda leaves it hidden for the queue's whole
   * visibility timeout (minutes here); locally a retry after `retryDelaySeconds` keeps the
   * redelivery → DLQ path observable in seconds. The receive count and maxReceiveCount are unchanged.
   */
  readonly retryDelaySeconds: number;
  /** Long-poll seconds per ReceiveMessage. */
  readonly waitTimeSeconds?: number;
  /** Called when an invocation throws as a whole, or a delete fails (the loop goes on). */
  readonly onError: (error: unknown) => void;
  /** The SenderId SQS would set (the local gateway knows who sent each message); else the emulator's. */
  readonly senderOf?: (messageId: string) => string | undefined;
}

export interface EventSourceMapping {
  /** Batches handled so far (for tests and the summary). */
  readonly invocations: () => number;
  /** True while a batch is being handled. */
  readonly busy: () => boolean;
  stop(): Promise<void>;
}

/** A received SQS message in the shape Lambda's event source mapping passes to the handler. Pure. */
export function toSqsRecord(m: Message, source: { queueArn: string; region: string; senderOf?: (messageId: string) => string | undefined }): SQSRecord {
  const a = m.Attributes ?? {};
  return {
    messageId: m.MessageId!,
    receiptHandle: m.ReceiptHandle!,
    body: m.Body ?? '',
    attributes: {
      ApproximateReceiveCount: a.ApproximateReceiveCount ?? '1',
      SentTimestamp: a.SentTimestamp ?? String(Date.now()),
      SenderId: source.senderOf?.(m.MessageId!) ?? a.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: a.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: Object.fromEntries(
      Object.entries(m.MessageAttributes ?? {}).map(([name, v]) => [
        name,
        {
          dataType: v.DataType ?? 'String',
          ...(v.StringValue !== undefined ? { stringValue: v.StringValue } : {}),
          ...(v.BinaryValue ? { binaryValue: Buffer.from(v.BinaryValue).toString('base64') } : {}),
          stringListValues: [],
          binaryListValues: [],
        },
      ]),
    ),
    md5OfBody: m.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: source.queueArn,
    awsRegion: source.region,
  };
}

/**
 * Lambda's SQS event source mapping with `reportBatchItemFailures`, as a loop: ReceiveMessage
 * (long poll) → handler(SQSEvent) → DeleteMessageBatch for every record not in `batchItemFailures`.
 * Failed records (or the whole batch, when the handler throws) become visible again and, after the
 * queue's maxReceiveCount, SQS itself moves them to the dead-letter queue.
 */
export function startEventSourceMapping(o: EventSourceMappingOptions): EventSourceMapping {
  const abort = new AbortController();
  let invocations = 0;
  let busy = false;
  const loop = (async () => {
    while (!abort.signal.aborted) {
      let messages: Message[];
      try {
        const r = await o.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: o.queueUrl,
            MaxNumberOfMessages: o.batchSize,
            WaitTimeSeconds: o.waitTimeSeconds ?? 5,
            MessageSystemAttributeNames: ['All'],
            MessageAttributeNames: ['All'],
          }),
          { abortSignal: abort.signal },
        );
        messages = r.Messages ?? [];
      } catch (error) {
        if (abort.signal.aborted) break;
        o.onError(error);
        await new Promise((r) => setTimeout(r, 500)); // the emulator is unreachable: back off, then retry
        continue;
      }
      if (!messages.length) continue;
      busy = true;
      try {
        await handleBatch(o, messages);
        invocations++;
      } finally {
        busy = false;
      }
    }
  })();
  return {
    invocations: () => invocations,
    busy: () => busy,
    async stop() {
      abort.abort();
      await loop;
    },
  };
}

async function handleBatch(o: EventSourceMappingOptions, messages: Message[]): Promise<void> {
  const records = messages.map((m) => toSqsRecord(m, o));
  let failed: Set<string>;
  try {
    const response = await o.handler({ Records: records });
    failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
  } catch (error) {
    o.onError(error);
    failed = new Set(records.map((r) => r.messageId));
  }
  const done = records.filter((r) => !failed.has(r.messageId));
  const retry = records.filter((r) => failed.has(r.messageId));
  try {
    if (done.length)
      await o.sqs.send(
        new DeleteMessageBatchCommand({ QueueUrl: o.queueUrl, Entries: done.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })) }),
      );
    if (retry.length)
      await o.sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: o.queueUrl,
          Entries: retry.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle, VisibilityTimeout: o.retryDelaySeconds })),
        }),
      );
  } catch (error) {
    o.onError(error);
  }
}
