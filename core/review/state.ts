import type { Decision } from './schemas.ts';

/**
 * Review state of one submission. `pending` until a verifier decides; `approved` and `rejected` are
 * final. (Whether an approval could be written to the ledger is a separate outcome: a period that
 * overlaps an approved one is *refused* at the ledger, see core/ledger.)
 */
export type ReviewState = 'pending' | 'approved' | 'rejected';

export type Transition =
  /** Record the decision: the state moves to `to`. */
  | { readonly kind: 'apply'; readonly to: 'approved' | 'rejected' }
  /** The same decision again (a redelivery, a second click): nothing changes; effects may be re-run idempotently. */
  | { readonly kind: 'noop'; readonly state: 'approved' | 'rejected' }
  /** A decision that contradicts a final one, or a submission that is not reviewable. */
  | { readonly kind: 'refuse'; readonly reason: string };

/**
 * The pure review state machine: pending → approved | rejected. Idempotent: the same decision on a
 * final state is a no-op; a conflicting decision after a final one is refused (never overwrites).
 *
 * @example transition('approved', { decision: 'reject', … }) // { kind: 'refuse', reason: … }
 */
export function transition(state: ReviewState, decision: Pick<Decision, 'decision'>): Transition {
  const to = decision.decision === 'approve' ? 'approved' : 'rejected';
  if (state === 'pending') return { kind: 'apply', to };
  if (state === to) return { kind: 'noop', state };
  return { kind: 'refuse', reason: `the submission was already ${state}; a ${decision.decision} decision cannot change a final decision` };
}
