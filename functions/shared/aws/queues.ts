import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DecisionQueue, ReviewQueue } from '../ports.ts';
import { port } from './errors.ts';

/**
 * The review queue (standard SQS). There is no deduplication on a standard queue: consumers are
 * idempotent by `uploadId` (the submissions table is the durable state; the queue is the work list).
 * The uploadId travels as a message attribute too, so a reader can dedupe without parsing the body.
 */
export function sqsReviewQueue(sqs: SQSClient, queueUrl: string): ReviewQueue {
  return {
    send: (item) =>
      port('SendMessage (review queue)', () =>
        sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(item), MessageAttributes: { uploadId: { DataType: 'String', StringValue: item.uploadId }, projectId: { DataType: 'String', StringValue: item.projectId } } })),
      ).then(() => undefined),
  };
}

export function sqsDecisionQueue(sqs: SQSClient, queueUrl: string): DecisionQueue {
  return {
    send: (decision) =>
      port('SendMessage (decision queue)', () => sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(decision), MessageAttributes: { uploadId: { DataType: 'String', StringValue: decision.uploadId } } }))).then((r) => r.MessageId),
  };
}
