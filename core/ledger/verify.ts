import type { Period } from '../mechanisms/mechanisms.ts';
import { canonicalJson, sha256Hex } from '../hashing/canonical.ts';
import { verifyChain, type ChainVerdict, type LedgerEntry } from './entry.ts';
import { periodsOverlap } from './periods.ts';

/** Two approved entries whose monitoring periods overlap: the same tonnes credited twice. */
export interface PeriodOverlap {
  readonly seq: number;
  readonly period: Period;
  readonly overlapsSeq: number;
  readonly overlaps: Period;
}

/**
 * Every pair of entries whose periods overlap, recomputed from the entries themselves (never from
 * the head's summary of approved periods, which is a mutable item). Uses the ledger's one overlap
 * rule (core/ledger/periods.ts).
 */
export function findPeriodOverlaps(entries: readonly Pick<LedgerEntry, 'seq' | 'period'>[]): PeriodOverlap[] {
  const found: PeriodOverlap[] = [];
  for (let i = 0; i < entries.length; i++) {
    for (let j = i + 1; j < entries.length; j++) {
      const a = entries[i]!;
      const b = entries[j]!;
      if (periodsOverlap(a.period, b.period)) {
        const [later, earlier] = a.seq > b.seq ? [a, b] : [b, a];
        found.push({ seq: later.seq, period: later.period, overlapsSeq: earlier.seq, overlaps: earlier.period });
      }
    }
  }
  return found.sort((x, y) => x.seq - y.seq || x.overlapsSeq - y.overlapsSeq);
}

/** The head's summary of approved periods against the entries' own periods (same multiset, any order). */
export function headPeriodsMatch(headPeriods: readonly Period[], entries: readonly Pick<LedgerEntry, 'period'>[]): boolean {
  const key = (p: Period) => `${p.start}/${p.end}`;
  const a = headPeriods.map(key).sort();
  const b = entries.map((e) => key(e.period)).sort();
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Where `verifyLedger` reads the objects an entry pins (the CLI reads DynamoDB, S3 and the registry). */
export interface PinnedObjects {
  /** The stored registration of that version (its content), or undefined when it does not exist. */
  registration(projectId: string, version: number): Promise<unknown>;
  /** The stored calculation result under `key`, or undefined when it does not exist. */
  result(key: string): Promise<unknown>;
  /** The content hash of a registered methodology `id@version`, or undefined when it is not registered. */
  methodologyHash(key: string): string | undefined;
}

export type LedgerProblem =
  | { readonly kind: 'chain'; readonly seq: number; readonly message: string }
  | { readonly kind: 'overlap'; readonly seq: number; readonly message: string }
  | { readonly kind: 'pin'; readonly seq: number; readonly message: string };

export interface LedgerVerdict {
  readonly ok: boolean;
  /**
   * Not failures: the head's summary of approved periods differs from the entries' periods (the
   * entries are authoritative, and both the append guard and this verification read them).
   */
  readonly warnings: readonly string[];
  readonly chain: ChainVerdict;
  readonly problems: readonly LedgerProblem[];
  /** Entries whose pins (registration, result, methodology) were recomputed and matched. */
  readonly pinsChecked: number;
  /** Entries written before pins existed (chain and periods checked, no pins to recompute). */
  readonly unpinned: number;
}

const hashOf = (value: unknown) => sha256Hex(canonicalJson(value));

/**
 * Verifies a project's ledger end to end:
 * 1. the hash chain (core/ledger/entry.ts verifyChain) against the head;
 * 2. the monitoring periods recomputed from the entries: any two that overlap fail, whatever the
 *    head's summary says (a summary that differs from the entries is a warning);
 * 3. for each entry that pins them: the registration version, the stored result and the
 *    methodology, each re-hashed from the stored object (a changed or missing object fails, naming
 *    the entry).
 */
export async function verifyLedger(input: {
  readonly projectId: string;
  readonly entries: readonly LedgerEntry[];
  readonly head?: { readonly seq: number; readonly lastHash: string; readonly periods?: readonly Period[] };
  readonly objects: PinnedObjects;
}): Promise<LedgerVerdict> {
  const { entries, head, objects } = input;
  const problems: LedgerProblem[] = [];
  const chain = verifyChain(entries, head ? { seq: head.seq, lastHash: head.lastHash } : undefined);
  if (!chain.ok) problems.push({ kind: 'chain', seq: chain.seq, message: `${chain.reason}: ${chain.message}` });

  for (const o of findPeriodOverlaps(entries)) {
    problems.push({
      kind: 'overlap',
      seq: o.seq,
      message: `entry ${o.seq} (${o.period.start} – ${o.period.end}) overlaps entry ${o.overlapsSeq} (${o.overlaps.start} – ${o.overlaps.end}): the same period is credited twice`,
    });
  }
  const warnings: string[] = [];
  if (head?.periods && !headPeriodsMatch(head.periods, entries)) {
    warnings.push(
      `the head's list of approved periods (${head.periods.map((p) => `${p.start} – ${p.end}`).join(', ') || 'none'}) differs from the periods of the entries (${entries.map((e) => `${e.period.start} – ${e.period.end}`).join(', ') || 'none'}); the entries are authoritative`,
    );
  }

  let pinsChecked = 0;
  let unpinned = 0;
  for (const e of entries) {
    if (!e.registration && !e.result) {
      unpinned++;
      continue;
    }
    const before = problems.length;
    if (e.registration) {
      const stored = await objects.registration(e.projectId, e.registration.version);
      if (stored === undefined)
        problems.push({ kind: 'pin', seq: e.seq, message: `entry ${e.seq}: registration version ${e.registration.version} of ${e.projectId} is missing` });
      else if (hashOf(stored) !== e.registration.hash)
        problems.push({
          kind: 'pin',
          seq: e.seq,
          message: `entry ${e.seq}: registration version ${e.registration.version} was changed after approval (sha256 ${hashOf(stored).slice(0, 12)}…, pinned ${e.registration.hash.slice(0, 12)}…)`,
        });
    }
    if (e.result) {
      const stored = await objects.result(e.result.key);
      if (stored === undefined) problems.push({ kind: 'pin', seq: e.seq, message: `entry ${e.seq}: the calculation result ${e.result.key} is missing` });
      else if (hashOf(stored) !== e.result.sha256)
        problems.push({
          kind: 'pin',
          seq: e.seq,
          message: `entry ${e.seq}: the calculation result ${e.result.key} was changed after approval (sha256 ${hashOf(stored).slice(0, 12)}…, pinned ${e.result.sha256.slice(0, 12)}…)`,
        });
    }
    const m = objects.methodologyHash(e.methodology.key);
    if (m === undefined)
      problems.push({
        kind: 'pin',
        seq: e.seq,
        message: `entry ${e.seq}: methodology ${e.methodology.key} is not registered in this build, so its hash cannot be checked`,
      });
    else if (m !== e.methodology.hash)
      problems.push({
        kind: 'pin',
        seq: e.seq,
        message: `entry ${e.seq}: methodology ${e.methodology.key} has changed since approval (hash ${m.slice(0, 12)}…, pinned ${e.methodology.hash.slice(0, 12)}…)`,
      });
    if (problems.length === before) pinsChecked++;
  }
  problems.sort((a, b) => a.seq - b.seq);
  return { ok: problems.length === 0, chain, problems, warnings, pinsChecked, unpinned };
}
