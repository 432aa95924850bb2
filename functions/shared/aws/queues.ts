import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DecisionQueue, ReviewQueue } from '../ports.ts';
import { FORWARDED_PRINCIPAL_ATTRIBUTE } from '../resources.ts';
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
        sqs.send(
          new SendMessageCommand({
            QueueUrl: queueUrl,
            MessageBody: JSON.stringify(item),
            MessageAttributes: { uploadId: { DataType: 'String', StringValue: item.uploadId }, projectId: { DataType: 'String', StringValue: item.projectId } },
          }),
        ),
      ).then(() => undefined),
  };
}

/**
 * The decision queue. `forwardedPrincipal` is set only by the HTTP API function (a trusted forwarder):
 * it names the person its JWT authorizer authenticated (`cognito:<sub>`); the decision function accepts
 * it only from a sender it trusts (functions/record-decision/authorize.ts).
 */
export function sqsDecisionQueue(sqs: SQSClient, queueUrl: string, forwardedPrincipal?: string): DecisionQueue {
  return {
    send: (decision) =>
      port('SendMessage (decision queue)', () =>
        sqs.send(
          new SendMessageCommand({
            QueueUrl: queueUrl,
            MessageBody: JSON.stringify(decision),
            MessageAttributes: {
              uploadId: { DataType: 'String', StringValue: decision.uploadId },
              ...(forwardedPrincipal ? { [FORWARDED_PRINCIPAL_ATTRIBUTE]: { DataType: 'String', StringValue: forwardedPrincipal } } : {}),
            },
          }),
        ),
      ).then((r) => r.MessageId),
  };
}
