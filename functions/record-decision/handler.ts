import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { MrvError } from '../../core/errors.ts';
import { DecisionSchema } from '../../core/review/schemas.ts';
import { sqsBatchHandler } from '../shared/batch.ts';
import { gateDecision, type GateDeps } from './authorize.ts';

/** A decision message that does not parse: kept (via redelivery) until it lands in the DLQ. */
export class InvalidDecisionMessage extends MrvError {
  override name = 'InvalidDecisionMessage';
  constructor(messageId: string, problems: string) {
    super('decision.invalid_message', `Decision message ${messageId} is invalid: ${problems}`);
  }
}

/**
 * Decisions: SQS messages with a DecisionSchema body → authorization of the sender (./authorize.ts) →
 * ledger append / rejection, idempotently.
 *
 * An invalid body is a poison message. It is *not* dropped: a verifier's decision must never vanish
 * silently. The record fails (logged, metric `DecisionsInvalid`), SQS redelivers it until
 * maxReceiveCount and then parks it in the decision DLQ, where an alarm and an operator see it.
 */
export const makeHandler = (deps: GateDeps) =>
  sqsBatchHandler(deps, async (record: SQSRecord) => {
    let body: unknown;
    try {
      body = JSON.parse(record.body);
    } catch {
      body = undefined;
    }
    const parsed = DecisionSchema.safeParse(body);
    if (!parsed.success) {
      deps.metrics.count('DecisionsInvalid');
      throw new InvalidDecisionMessage(record.messageId, parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; '));
    }
    // Only the authenticated sender (SQS SenderId) counts: see ./authorize.ts.
    await gateDecision(deps, record, parsed.data);
  });

let cached: ((event: SQSEvent) => Promise<SQSBatchResponse>) | undefined;

/** The Lambda entry point; env and clients are built once per container (first invocation). */
export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  cached ??= makeHandler((await import('./deps.ts')).createDeps());
  return cached(event);
};
