import type { LedgerEntry } from '../ledger/entry.ts';
import type { Decision } from '../review/schemas.ts';

/**
 * What happened to a verifier's decision, written back to the site under
 * `reports/<projectId>/<uploadId>.decision.json`:
 * - `approved`: recorded in the ledger (seq and hash given);
 * - `rejected`: the verifier rejected the upload (reason given);
 * - `refused`: the approval could not be recorded (its period overlaps an approved one);
 * - `conflict`: the decision contradicts a final decision already recorded, and was ignored.
 */
export interface DecisionReport {
  readonly schemaVersion: 1;
  readonly uploadId: string;
  readonly projectId: string;
  readonly outcome: 'approved' | 'rejected' | 'refused' | 'conflict';
  readonly decision: Decision;
  readonly reason?: string;
  readonly ledger?: { readonly seq: number; readonly hash: string; readonly units: string; readonly toParticipants: string };
  readonly recordedAt: string;
}

export function decisionReport(input: {
  projectId: string;
  decision: Decision;
  outcome: DecisionReport['outcome'];
  reason?: string;
  entry?: LedgerEntry;
  recordedAt: string;
}): DecisionReport {
  const { entry } = input;
  return {
    schemaVersion: 1,
    uploadId: input.decision.uploadId,
    projectId: input.projectId,
    outcome: input.outcome,
    decision: input.decision,
    ...(input.reason ? { reason: input.reason } : {}),
    ...(entry ? { ledger: { seq: entry.seq, hash: entry.hash, units: entry.issuance.units, toParticipants: entry.issuance.toParticipants } } : {}),
    recordedAt: input.recordedAt,
  };
}
