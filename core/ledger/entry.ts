import type { IssuanceBreakdown } from '../issuance/issuance.ts';
import type { Period } from '../mechanisms/mechanisms.ts';
import { canonicalJson, sha256Hex } from '../hashing/canonical.ts';

/** prevHash of the first entry of every project's chain. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * One approved monitoring period of one project: what was issued, from which file, under which
 * methodology, approved by whom. Entries form a hash chain per project: `hash` is the SHA-256 of the
 * canonical JSON of the entry without `hash` (so it covers `prevHash`, which is the previous entry's
 * `hash`, or {@link GENESIS_HASH} for seq 1).
 */
export interface LedgerEntry {
  readonly schemaVersion: 1;
  readonly projectId: string;
  /** 1, 2, 3, … without gaps. */
  readonly seq: number;
  readonly uploadId: string;
  readonly period: Period;
  /** Verified emission reductions, tCO2e (decimal string). */
  readonly er: string;
  readonly issuance: IssuanceBreakdown;
  /**
   * CCS: the net reversal of storage of this period cancelled from the project's CCS reserve first
   * (decision 10/CMP.7); what the reserve cannot cover is owed by the project participants.
   */
  readonly reserveCancellation?: {
    readonly reversal: string;
    readonly fromReserve: string;
    readonly reserveRemaining: string;
    readonly owedByParticipants: string;
  };
  readonly methodology: { readonly key: string; readonly hash: string };
  readonly file: { readonly sha256: string };
  /** The approving verifier's name (from the verifier register when the decision was authenticated). */
  /**
   * The registration version the result was calculated with: its number and the SHA-256 of its
   * canonical JSON (core/project/versions.ts). Absent on entries written before registrations were
   * versioned (they keep verifying: absent members are not part of the hash).
   */
  readonly registration?: { readonly version: number; readonly hash: string };
  /** The stored calculation result (S3 key) and the SHA-256 of its canonical JSON. Absent on older entries. */
  readonly result?: { readonly key: string; readonly sha256: string };
  readonly verifier: string;
  /** The authenticated verifier whose approval issued: principal, person and verification body. */
  readonly approvedBy?: LedgerActor;
  /** Independent review (maker–checker): the first approval, which this entry's approval completed. */
  readonly firstApproval?: { readonly by: LedgerActor; readonly decidedAt: string };
  /** The verifier's decision time (ISO date-time). */
  readonly approvedAt: string;
  readonly prevHash: string;
  readonly hash: string;
}

/** Who approved, as the ledger records it. */
export interface LedgerActor {
  readonly principal: string;
  readonly personId?: string;
  readonly name: string;
  readonly body?: string;
  readonly accreditationRef?: string;
}

export type UnsealedEntry = Omit<LedgerEntry, 'hash'>;

/** SHA-256 of the canonical JSON of the entry without its `hash`. */
export function hashEntry(entry: UnsealedEntry | LedgerEntry): string {
  const { hash: _ignored, ...rest } = entry as LedgerEntry;
  return sha256Hex(canonicalJson(rest));
}

export function sealEntry(entry: UnsealedEntry): LedgerEntry {
  return { ...entry, hash: hashEntry(entry) };
}

export type ChainBreak = 'altered' | 'relinked' | 'removed' | 'reordered' | 'duplicate' | 'truncated' | 'foreign';

export type ChainVerdict =
  | { readonly ok: true; readonly length: number; readonly lastHash: string }
  | { readonly ok: false; readonly seq: number; readonly reason: ChainBreak; readonly message: string };

/**
 * Recomputes a project's chain, entries in stored order (ascending sort key), and names the first
 * broken entry:
 * - `altered`: the entry's content does not match its hash (edited in place);
 * - `relinked`: its prevHash is not the previous entry's hash (an entry before it was replaced and
 *   re-hashed, or it was re-hashed onto another chain);
 * - `removed`: a sequence number is missing (gap);
 * - `reordered` / `duplicate`: sequence numbers out of order or repeated;
 * - `truncated`: the chain ends before the head (`head` given) says it does;
 * - `foreign`: the entry belongs to another project.
 *
 * @example verifyChain(entries, { seq: 3, lastHash }) // { ok: true, length: 3, lastHash }
 */
export function verifyChain(entries: readonly LedgerEntry[], head?: { readonly seq: number; readonly lastHash: string }): ChainVerdict {
  let prevHash = GENESIS_HASH;
  const projectId = entries[0]?.projectId;
  const seqs = new Set(entries.map((e) => e.seq));
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    const expected = i + 1;
    if (e.projectId !== projectId)
      return { ok: false, seq: e.seq, reason: 'foreign', message: `entry ${e.seq} belongs to project ${e.projectId}, not ${projectId}` };
    if (e.seq !== expected) {
      if (entries.slice(0, i).some((x) => x.seq === e.seq))
        return { ok: false, seq: e.seq, reason: 'duplicate', message: `sequence number ${e.seq} appears twice` };
      if (e.seq < expected || seqs.has(expected))
        return { ok: false, seq: expected, reason: 'reordered', message: `entry ${e.seq} stands where entry ${expected} should be` };
      return { ok: false, seq: expected, reason: 'removed', message: `entry ${expected} is missing (next present is ${e.seq})` };
    }
    if (hashEntry(e) !== e.hash)
      return { ok: false, seq: e.seq, reason: 'altered', message: `entry ${e.seq}: its content does not match its hash (altered after it was written)` };
    if (e.prevHash !== prevHash)
      return {
        ok: false,
        seq: e.seq,
        reason: 'relinked',
        message: `entry ${e.seq}: prevHash ${e.prevHash.slice(0, 12)}… does not match the hash of entry ${e.seq - 1} (${prevHash.slice(0, 12)}…)`,
      };
    prevHash = e.hash;
  }
  if (head && (head.seq !== entries.length || head.lastHash !== prevHash)) {
    const seq = Math.min(entries.length + 1, head.seq);
    return head.seq > entries.length
      ? { ok: false, seq: entries.length + 1, reason: 'truncated', message: `the head records ${head.seq} entries but only ${entries.length} are present` }
      : {
          ok: false,
          seq,
          reason: 'relinked',
          message: `the head (seq ${head.seq}, ${head.lastHash.slice(0, 12)}…) does not match the last entry (seq ${entries.length}, ${prevHash.slice(0, 12)}…)`,
        };
  }
  return { ok: true, length: entries.length, lastHash: prevHash };
}
