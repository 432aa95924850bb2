import type { Actor } from '../../core/access/authorize.ts';
import type { LedgerActor, LedgerEntry } from '../../core/ledger/entry.ts';
import type { Decision } from '../../core/review/schemas.ts';

/** The identity fields of a ledger entry, from the authenticated decision (set by ./authorize.ts). */
export function ledgerIdentity(decision: Decision): Pick<LedgerEntry, 'approvedBy' | 'firstApproval'> {
  const asLedger = (a: Actor): LedgerActor => ({
    principal: a.principal,
    name: a.name,
    ...(a.personId ? { personId: a.personId } : {}),
    ...(a.body ? { body: a.body } : {}),
    ...(a.accreditationRef ? { accreditationRef: a.accreditationRef } : {}),
  });
  return {
    ...(decision.actor ? { approvedBy: asLedger(decision.actor) } : {}),
    ...(decision.firstApproval ? { firstApproval: { by: asLedger(decision.firstApproval.actor), decidedAt: decision.firstApproval.decidedAt } } : {}),
  };
}
