import type { IssuanceBreakdown } from '../issuance/issuance.ts';
import type { Period } from '../mechanisms/mechanisms.ts';
import type { Decision, ReviewItem } from './schemas.ts';
import { transition, type ReviewState, type Transition } from './state.ts';

/**
 * Lifecycle of one upload (the submissions table, pk = uploadId):
 * - `rejected`: the file failed validation (or the verifier rejected it: `decision` is then set);
 * - `pending-review`: accepted, waiting for a verifier;
 * - `approved`: recorded in the ledger (`ledger` set);
 * - `refused`: approved by the verifier but not recordable (period overlap; `statusReason`).
 */
export type SubmissionStatus = 'pending-review' | 'approved' | 'rejected' | 'refused';

export interface Submission {
  /** The upload id, or for a monitoring report its report id (`kind`). */
  readonly uploadId: string;
  /** Absent for an upload (the original kind); `monitoring-report` for a report of uploads. */
  readonly kind?: 'upload' | 'monitoring-report';
  /** A monitoring report: the upload ids it merges, in period order. */
  readonly uploads?: readonly string[];
  readonly projectId: string;
  readonly createdAt: string;
  readonly updatedAt?: string;
  readonly status: SubmissionStatus;
  /** The validation outcome of the file. */
  readonly validation: 'accepted' | 'rejected' | 'not-applicable';
  readonly file: { readonly key: string; readonly sha256: string; readonly bytes: number; readonly versionId?: string };
  readonly methodology?: { readonly key: string; readonly hash: string };
  readonly period?: Period;
  readonly er?: string;
  /** Frozen at ingest: what the verifier sees is what the ledger records. */
  readonly issuance?: IssuanceBreakdown;
  readonly reportKey: string;
  readonly resultKey?: string;
  /** The registration version the upload was calculated with (absent on submissions from before versioning). */
  readonly registration?: { readonly version: number; readonly hash: string };
  /** SHA-256 of the canonical JSON of the stored result (`resultKey`), pinned in the ledger entry on approval. */
  readonly resultSha256?: string;
  /** The evidence summary sent to the review queue (kept here so the queue can be rebuilt: `mrv review requeue`). */
  readonly reviewItem?: ReviewItem;
  /** Set once the review item was sent (a submission without it is re-sent on redelivery). */
  readonly queuedAt?: string;
  /** The first (final) verifier decision, claimed with a conditional write. */
  readonly decision?: Decision;
  readonly ledger?: { readonly seq: number; readonly hash: string };
  readonly statusReason?: string;
}

/** The review state implied by a submission; undefined when it is not reviewable (failed validation). */
export function reviewStateOf(s: Pick<Submission, 'status' | 'decision'>): ReviewState | undefined {
  if (s.decision) return s.decision.decision === 'approve' ? 'approved' : 'rejected';
  return s.status === 'pending-review' ? 'pending' : undefined;
}

/** {@link transition} for a stored submission, refusing decisions on uploads that never reached review. */
export function decide(s: Pick<Submission, 'status' | 'decision'>, decision: Pick<Decision, 'decision'>): Transition {
  const state = reviewStateOf(s);
  if (!state) return { kind: 'refuse', reason: `the upload is not awaiting review (status ${s.status}: it failed validation)` };
  return transition(state, decision);
}
