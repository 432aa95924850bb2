import { MrvError } from '../errors.ts';
import type { Period } from '../mechanisms/mechanisms.ts';
import { GENESIS_HASH, hashEntry, sealEntry, type LedgerEntry, type UnsealedEntry } from './entry.ts';
import { findOverlap } from './periods.ts';
import { formatPeriod } from '../time/period.ts';
import { cancelFromReserve } from '../issuance/issuance.ts';
import { Dec } from '../quantity/decimal.ts';

/** The per-project head: the last appended entry and every approved period. */
export interface LedgerHead {
  readonly seq: number;
  readonly lastHash: string;
  readonly periods: readonly Period[];
}

export const EMPTY_HEAD: LedgerHead = { seq: 0, lastHash: GENESIS_HASH, periods: [] };

/**
 * What the append protocol needs from storage: strongly consistent single-item reads and
 * single-item conditional writes (DynamoDB GetItem with ConsistentRead, PutItem/UpdateItem with a
 * ConditionExpression). No transactions, no multi-item conditions.
 *
 * Item layout (DynamoDB, functions/shared/resources.ts TABLES.ledger: pk = projectId, sk):
 * - `HEAD` → {@link LedgerHead}
 * - `ENTRY#<seq, 10 digits>` → {@link LedgerEntry}
 * - `UPLOAD#<uploadId>` → `{ seq }`, the idempotency marker
 */
export interface LedgerStore {
  getHead(projectId: string): Promise<LedgerHead | undefined>;
  getEntry(projectId: string, seq: number): Promise<LedgerEntry | undefined>;
  getUploadMarker(projectId: string, uploadId: string): Promise<{ readonly seq: number } | undefined>;
  /** Put `ENTRY#<seq>` if absent (`attribute_not_exists(sk)`). false: the seq is taken. */
  putEntryIfAbsent(entry: LedgerEntry): Promise<boolean>;
  /**
   * Put `UPLOAD#<uploadId>` = {seq} if absent or already equal (`attribute_not_exists(sk) OR seq = :seq`).
   * Returns the marker now stored (another seq means the upload is in the chain twice: an integrity fault).
   */
  putUploadMarker(projectId: string, uploadId: string, seq: number): Promise<{ readonly seq: number }>;
  /**
   * Advance HEAD from `expectedSeq` to `next.seq`, set lastHash and append `next.period` to the
   * periods, on condition `seq = :expected` (`attribute_not_exists(pk)` when expectedSeq is 0).
   * false: HEAD was not at expectedSeq (someone else advanced it).
   */
  advanceHead(projectId: string, expectedSeq: number, next: { readonly seq: number; readonly lastHash: string; readonly period: Period }): Promise<boolean>;
  /** Every entry of the project in ascending seq (for verify and list). */
  listEntries(projectId: string): Promise<LedgerEntry[]>;
}

/** The stored ledger contradicts its own invariants: never retried blindly, always alarmed. */
export class LedgerIntegrityError extends MrvError {
  override name = 'LedgerIntegrityError';
  constructor(message: string) {
    super('ledger.integrity', message, { expose: false });
  }
}

/** Too many lost races in a row on one project's head (retryable: the message is redelivered). */
export class LedgerContentionError extends MrvError {
  override name = 'LedgerContentionError';
  constructor(projectId: string, attempts: number) {
    super('ledger.contention', `Ledger of project ${projectId}: gave up after ${attempts} attempts lost to concurrent appends; retry.`, { expose: false });
  }
}

/** What to append: the entry without seq, prevHash, hash and reserve cancellation (the protocol works them out). */
export type AppendRequest = Omit<UnsealedEntry, 'seq' | 'prevHash' | 'reserveCancellation'>;

/**
 * The project's CCS reserve before the next entry: every CCS-reserve deduction so far minus every
 * cancellation from it (decision 10/CMP.7), from the entries up to `head`.
 */
export function reserveBalance(entries: readonly LedgerEntry[]): string {
  let balance = new Dec(0);
  for (const e of entries) {
    for (const d of e.issuance.deductions) if (d.purpose === 'ccs-reserve') balance = balance.plus(d.units);
    if (e.reserveCancellation) balance = balance.minus(e.reserveCancellation.fromReserve);
  }
  return balance.toString();
}

export type AppendOutcome =
  | { readonly kind: 'appended'; readonly entry: LedgerEntry }
  /** This upload is already in the chain (a redelivery, a concurrent duplicate, a retry after a crash). */
  | { readonly kind: 'already'; readonly entry: LedgerEntry }
  /** The period overlaps an approved one: nothing written. */
  | { readonly kind: 'refused'; readonly reason: string; readonly overlaps: Period };

/**
 * Appends an approved monitoring period to a project's hash-chained ledger, exactly once, with
 * single-item conditional writes only (dynalite, like any DynamoDB emulator without transactions,
 * and a protocol that never needs them).
 *
 * **Protocol.** Per project, HEAD `{seq, lastHash, periods}` is an optimistic lock that serialises
 * appends; an entry is written at `ENTRY#<HEAD.seq + 1>`, so at most one entry can ever exist beyond
 * HEAD, and the conditional put of that entry is the linearisation point. Each attempt:
 *
 * 1. Read HEAD (consistent; absent = seq 0, genesis hash).
 * 2. **Help first**: if `ENTRY#<seq+1>` exists, an append is in flight or crashed between its writes:
 *    check it links to HEAD, write its `UPLOAD#` marker, advance HEAD (condition `seq = :expected`),
 *    and start over. Any appender completes any stuck append, so a crash anywhere is recovered by
 *    the next attempt on the project (the retry of the same message, or another approval).
 * 3. **Idempotency**: if `UPLOAD#<uploadId>` exists, return its entry (`already`). Markers are always
 *    written before HEAD moves past their entry, so every entry ≤ HEAD.seq has its marker.
 * 4. **Overlap**: if the period overlaps the period of any entry up to HEAD.seq (read from the
 *    entries themselves) or any period in HEAD.periods, return `refused`. HEAD.periods alone is not
 *    trusted: it is a summary in one mutable item, and an edit to it must not open a period twice.
 * 5. Put `ENTRY#<seq+1>` with `attribute_not_exists(sk)`. If it fails, someone appended meanwhile:
 *    start over (the re-read sees their entry, their marker, or their period).
 * 6. Put the `UPLOAD#` marker, advance HEAD (a failed condition means a helper already did it).
 *
 * Why it is safe: an entry is written only at HEAD.seq+1 for the HEAD value it was checked against
 * (overlap and duplicate checks read state consistent with that HEAD), and the put fails if anything
 * was appended since. Two approvals of one upload: one put wins, the other re-reads and finds the
 * marker. Crash after step 5 or mid-step 6: the retry helps its own entry through step 2, then finds
 * its marker in step 3: exactly one entry, HEAD advanced once (its condition makes it exactly once).
 *
 * @throws LedgerIntegrityError when stored items contradict the invariants; LedgerContentionError
 *   after `maxAttempts` lost races (retryable).
 */
export async function appendEntry(store: LedgerStore, request: AppendRequest, options: { readonly maxAttempts?: number } = {}): Promise<AppendOutcome> {
  const maxAttempts = options.maxAttempts ?? 25;
  const projectId = request.projectId;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const head = (await store.getHead(projectId)) ?? EMPTY_HEAD;

    const inFlight = await store.getEntry(projectId, head.seq + 1);
    if (inFlight) {
      await completeAppend(store, head, inFlight);
      continue;
    }

    const marker = await store.getUploadMarker(projectId, request.uploadId);
    if (marker) {
      const entry = await store.getEntry(projectId, marker.seq);
      if (!entry || entry.uploadId !== request.uploadId)
        throw new LedgerIntegrityError(
          `Ledger of ${projectId}: marker of upload ${request.uploadId} points to entry ${marker.seq}, which ${entry ? `belongs to upload ${entry.uploadId}` : 'does not exist'}.`,
        );
      return { kind: 'already', entry };
    }

    // The head's list of periods is a summary in a mutable item: the entries themselves decide too.
    const prior = head.seq === 0 ? [] : (await store.listEntries(projectId)).filter((e) => e.seq <= head.seq);
    const overlaps = findOverlap([...prior.map((e) => e.period), ...head.periods], request.period);
    if (overlaps) {
      return {
        kind: 'refused',
        overlaps,
        reason: `the monitoring period ${formatPeriod(request.period)} overlaps the approved period ${formatPeriod(overlaps)} of project ${projectId}; a period can be credited only once`,
      };
    }

    // A CCS net reversal is cancelled from the reserve as it stands at this head (recomputed on every attempt).
    let reserveCancellation: LedgerEntry['reserveCancellation'];
    const reversal = request.issuance.storageReversal;
    if (reversal !== undefined) {
      reserveCancellation = { reversal, ...cancelFromReserve(reserveBalance(prior), reversal) };
    }
    const entry = sealEntry({ ...request, ...(reserveCancellation ? { reserveCancellation } : {}), seq: head.seq + 1, prevHash: head.lastHash });
    if (!(await store.putEntryIfAbsent(entry))) continue;
    await completeAppend(store, head, entry);
    return { kind: 'appended', entry };
  }
  throw new LedgerContentionError(projectId, maxAttempts);
}

/** Steps 2 and 6: marker, then HEAD, for the entry just beyond HEAD. Idempotent. */
async function completeAppend(store: LedgerStore, head: LedgerHead, entry: LedgerEntry): Promise<void> {
  if (entry.seq !== head.seq + 1 || entry.prevHash !== head.lastHash || hashEntry(entry) !== entry.hash) {
    throw new LedgerIntegrityError(
      `Ledger of ${entry.projectId}: entry ${entry.seq} does not extend the head (seq ${head.seq}, ${head.lastHash.slice(0, 12)}…) or does not match its hash.`,
    );
  }
  const marker = await store.putUploadMarker(entry.projectId, entry.uploadId, entry.seq);
  if (marker.seq !== entry.seq)
    throw new LedgerIntegrityError(`Ledger of ${entry.projectId}: upload ${entry.uploadId} is in entry ${marker.seq} and again in entry ${entry.seq}.`);
  await store.advanceHead(entry.projectId, head.seq, { seq: entry.seq, lastHash: entry.hash, period: entry.period });
}
