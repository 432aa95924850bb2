import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Log, MetricSink } from './observability.ts';

/**
 * An SQS-triggered handler with partial batch failures (Powertools BatchProcessor): a record whose
 * handler throws is reported in `batchItemFailures` and retried by SQS alone (DLQ after
 * maxReceiveCount); the others are deleted. Records run one after another (bounded memory for
 * ingest, and no self-contention on a project's ledger head). The stack must set
 * `reportBatchItemFailures: true` on the event source.
 */
export function sqsBatchHandler(deps: { logger: Log; metrics: MetricSink }, onRecord: (record: SQSRecord) => Promise<void>) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const processor = new BatchProcessor(EventType.SQS);
    try {
      return await processPartialResponse(
        event,
        async (record: SQSRecord) => {
          try {
            await onRecord(record);
          } catch (error) {
            deps.logger.error('Record failed; SQS will redeliver it', { messageId: record.messageId, error: error as Error });
            deps.metrics.count('RecordsFailed');
            throw error;
          }
        },
        processor,
        { processInParallel: false, throwOnFullBatchFailure: false },
      );
    } finally {
      deps.metrics.flush();
    }
  };
}
