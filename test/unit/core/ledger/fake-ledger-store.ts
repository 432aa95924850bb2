import type { LedgerHead, LedgerStore } from '../../../../core/ledger/append.ts';
import type { LedgerEntry } from '../../../../core/ledger/entry.ts';

type Op = keyof LedgerStore;

/**
 * An in-memory {@link LedgerStore} with DynamoDB's single-item semantics: every read is strongly
 * consistent, every conditional write checks and writes one item atomically, items are copied in and
 * out (no shared references). Hooks let a test interleave concurrent callers (a seeded random delay
 * before each operation) and inject crashes (throw *after* a write took effect, as a Lambda timeout
 * or a lost response would).
 */
export class FakeLedgerStore implements LedgerStore {
  readonly items = new Map<string, Record<string, unknown>>();
  readonly calls: Op[] = [];
  /** Throws once after the n-th call of `op` has taken effect. */
  crash: { op: Op; after: number } | undefined;
  private seed = 1;
  private jitter = 0;

  /** Random delays of 0..maxTurns event-loop turns before each operation (deterministic per seed). */
  interleave(seed: number, maxTurns = 4): this {
    this.seed = seed || 1;
    this.jitter = maxTurns;
    return this;
  }

  private rand(): number {
    // xorshift32
    let x = this.seed;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.seed = x >>> 0 || 1;
    return this.seed / 0x1_0000_0000;
  }

  private async enter(op: Op): Promise<void> {
    this.calls.push(op);
    const turns = Math.floor(this.rand() * (this.jitter + 1));
    for (let i = 0; i < turns; i++) await new Promise((r) => setImmediate(r));
  }

  private leave(op: Op): void {
    if (this.crash && this.crash.op === op && this.calls.filter((c) => c === op).length === this.crash.after) {
      this.crash = undefined;
      throw new Error(`injected crash after ${op}`);
    }
  }

  private key = (pk: string, sk: string) => `${pk}\u0000${sk}`;
  private read = (pk: string, sk: string) => {
    const item = this.items.get(this.key(pk, sk));
    return item ? structuredClone(item) : undefined;
  };

  async getHead(projectId: string): Promise<LedgerHead | undefined> {
    await this.enter('getHead');
    const h = this.read(projectId, 'HEAD');
    return h ? { seq: h.seq as number, lastHash: h.lastHash as string, periods: h.periods as LedgerHead['periods'] } : undefined;
  }

  async getEntry(projectId: string, seq: number): Promise<LedgerEntry | undefined> {
    await this.enter('getEntry');
    return this.read(projectId, `ENTRY#${String(seq).padStart(10, '0')}`)?.entry as LedgerEntry | undefined;
  }

  async getUploadMarker(projectId: string, uploadId: string) {
    await this.enter('getUploadMarker');
    const m = this.read(projectId, `UPLOAD#${uploadId}`);
    return m ? { seq: m.seq as number } : undefined;
  }

  async putEntryIfAbsent(entry: LedgerEntry): Promise<boolean> {
    await this.enter('putEntryIfAbsent');
    const k = this.key(entry.projectId, `ENTRY#${String(entry.seq).padStart(10, '0')}`);
    if (this.items.has(k)) return false;
    this.items.set(k, structuredClone({ entry }));
    this.leave('putEntryIfAbsent');
    return true;
  }

  async putUploadMarker(projectId: string, uploadId: string, seq: number) {
    await this.enter('putUploadMarker');
    const k = this.key(projectId, `UPLOAD#${uploadId}`);
    const existing = this.items.get(k);
    if (existing && existing.seq !== seq) return { seq: existing.seq as number };
    this.items.set(k, { seq });
    this.leave('putUploadMarker');
    return { seq };
  }

  async advanceHead(projectId: string, expectedSeq: number, next: { seq: number; lastHash: string; period: { start: string; end: string } }): Promise<boolean> {
    await this.enter('advanceHead');
    const k = this.key(projectId, 'HEAD');
    const head = this.items.get(k);
    if (expectedSeq === 0 ? head !== undefined : head?.seq !== expectedSeq) return false;
    this.items.set(k, { seq: next.seq, lastHash: next.lastHash, periods: [...((head?.periods as unknown[]) ?? []), { ...next.period }] });
    this.leave('advanceHead');
    return true;
  }

  async listEntries(projectId: string): Promise<LedgerEntry[]> {
    await this.enter('listEntries');
    return [...this.items.entries()]
      .filter(([k]) => k.startsWith(`${projectId}\u0000ENTRY#`))
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([, v]) => structuredClone(v.entry) as LedgerEntry);
  }

  /** Direct access for tamper tests. */
  rawHead(projectId: string) {
    return this.read(projectId, 'HEAD');
  }
}
