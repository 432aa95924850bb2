/**
 * The ledger append protocol (core/ledger/append.ts) under injected storage faults, on the in-memory
 * store with DynamoDB's single-item semantics (test/unit/core/ledger/fake-ledger-store.ts): every
 * store call may fail before it takes effect (throttling) or after (a lost response, a crash between
 * two writes); concurrent appenders of different uploads and duplicate appenders of the same upload
 * interleave (seeded). Each appender retries like SQS redelivery. Over many seeds the ledger always
 * ends exactly-once, one entry per upload, and verifyChain passes against HEAD.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { appendEntry, type AppendRequest, type LedgerStore } from '../../core/ledger/append.ts';
import { verifyChain } from '../../core/ledger/entry.ts';
import { FakeLedgerStore } from '../unit/core/ledger/fake-ledger-store.ts';
import { report, tally } from './faults-count.ts';

const SEEDS = 300;
const WRITES = ['putEntryIfAbsent', 'putUploadMarker', 'advanceHead'] as const;

/** Delegates to the fake and throws where the plan says (before or after the call takes effect). */
class FaultyLedger implements LedgerStore {
  faults = 0;
  private n = 0;
  constructor(
    readonly inner: FakeLedgerStore,
    private readonly plan: (op: keyof LedgerStore, n: number) => 'before' | 'after' | undefined,
  ) {}
  private async call<T>(op: keyof LedgerStore, run: () => Promise<T>): Promise<T> {
    const when = this.plan(op, ++this.n);
    if (when) this.faults++;
    if (when === 'before')
      throw Object.assign(new Error(`ProvisionedThroughputExceededException before ${op}`), { name: 'ProvisionedThroughputExceededException' });
    const out = await run();
    if (when === 'after') throw Object.assign(new Error(`lost response after ${op}`), { name: 'TimeoutError' });
    return out;
  }
  getHead = (p: string) => this.call('getHead', () => this.inner.getHead(p));
  getEntry = (p: string, s: number) => this.call('getEntry', () => this.inner.getEntry(p, s));
  getUploadMarker = (p: string, u: string) => this.call('getUploadMarker', () => this.inner.getUploadMarker(p, u));
  putEntryIfAbsent: LedgerStore['putEntryIfAbsent'] = (e) => this.call('putEntryIfAbsent', () => this.inner.putEntryIfAbsent(e));
  putUploadMarker: LedgerStore['putUploadMarker'] = (p, u, s) => this.call('putUploadMarker', () => this.inner.putUploadMarker(p, u, s));
  advanceHead: LedgerStore['advanceHead'] = (p, s, n) => this.call('advanceHead', () => this.inner.advanceHead(p, s, n));
  listEntries = (p: string) => this.inner.listEntries(p);
}

const P = 'ledger-faults';
const request = (i: number): AppendRequest =>
  ({
    schemaVersion: 1,
    projectId: P,
    uploadId: i.toString(16).padStart(32, '0'),
    period: { start: `2015-0${i}-01`, end: `2015-0${i}-28` },
    er: `${100 * i}.5`,
    issuance: { units: `${100 * i}`, rounding: 'floor', deductions: [], toParticipants: `${100 * i}` },
    methodology: { key: 'grid-renewable@1.0.0', hash: 'h' },
    file: { sha256: 'a'.repeat(64) },
    verifier: 'DOE',
    approvedAt: '2024-02-03T12:00:00Z',
  }) as AppendRequest;

/** Appends like an SQS consumer: on a failure, the message comes back and is retried. */
async function appendWithRedelivery(store: LedgerStore, r: AppendRequest, maxDeliveries = 60) {
  for (let d = 1; d <= maxDeliveries; d++) {
    try {
      return await appendEntry(store, r);
    } catch {
      // redelivered
    }
  }
  throw new Error(`upload ${r.uploadId} not appended after ${maxDeliveries} deliveries`);
}

function xorshift(seed: number) {
  let x = seed || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x1_0000_0000;
  };
}

let total = 0;
afterAll(() => {
  tally.faults += total;
  report('ledger-faults');
});

describe('ledger append under injected faults', () => {
  it(`a single append: each of the 3 write steps fails before/after, at its 1st and 2nd call → exactly-once (12 faults)`, async () => {
    for (const op of WRITES)
      for (const when of ['before', 'after'] as const)
        for (const nth of [1, 2]) {
          const fake = new FakeLedgerStore();
          let seen = 0;
          const store = new FaultyLedger(fake, (o) => (o === op && ++seen === nth ? when : undefined));
          // a previous approval, so the write steps run twice (help + own) in some orders
          await appendWithRedelivery(fake, request(1));
          const outcome = await appendWithRedelivery(store, request(2));
          expect(outcome.kind === 'appended' || outcome.kind === 'already').toBe(true);
          const entries = await fake.listEntries(P);
          expect(entries.map((e) => e.seq)).toEqual([1, 2]);
          expect(verifyChain(entries, fake.rawHead(P) as { seq: number; lastHash: string })).toMatchObject({ ok: true, length: 2 });
          total += store.faults;
          tally.scenarios++;
        }
  });

  it(`${SEEDS} seeds: 4 uploads + 2 duplicate approvals appended concurrently, ~15 % of store calls failing before or after → one entry per upload, chain verifies`, async () => {
    let faults = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const rand = xorshift(seed * 7919);
      const fake = new FakeLedgerStore().interleave(seed);
      const store = new FaultyLedger(fake, (_op, n) => (n < 400 && rand() < 0.15 ? (rand() < 0.5 ? 'before' : 'after') : undefined));
      const requests = [1, 2, 3, 4, 1, 3].map(request);
      const outcomes = await Promise.all(requests.map((r) => appendWithRedelivery(store, r)));
      for (const [i, o] of outcomes.entries()) {
        expect(o.kind === 'appended' || o.kind === 'already', `seed ${seed}`).toBe(true);
        if (o.kind !== 'refused') expect(o.entry.uploadId, `seed ${seed}`).toBe(requests[i]!.uploadId);
      }
      const entries = await fake.listEntries(P);
      expect(entries.map((e) => e.uploadId).sort(), `seed ${seed}`).toEqual([1, 2, 3, 4].map((i) => request(i).uploadId).sort());
      expect(verifyChain(entries, fake.rawHead(P) as { seq: number; lastHash: string }), `seed ${seed}`).toMatchObject({ ok: true, length: 4 });
      faults += store.faults;
      tally.scenarios++;
    }
    total += faults;
    expect(faults).toBeGreaterThan(SEEDS * 5);
  }, 240_000);

  it('an overlapping period under faults is refused every time, never appended', async () => {
    for (let seed = 1; seed <= 50; seed++) {
      const rand = xorshift(seed);
      const fake = new FakeLedgerStore().interleave(seed);
      const store = new FaultyLedger(fake, (_op, n) => (n < 200 && rand() < 0.2 ? (rand() < 0.5 ? 'before' : 'after') : undefined));
      const overlapping = { ...request(5), period: { start: '2015-01-15', end: '2015-02-10' } } as AppendRequest;
      const [a, b] = await Promise.all([appendWithRedelivery(store, request(1)), appendWithRedelivery(store, overlapping)]);
      const entries = await fake.listEntries(P);
      expect(entries).toHaveLength(1);
      // (`already`: the append took effect on a delivery whose response was lost; the retry found it)
      expect([a.kind, b.kind].map((k) => (k === 'already' ? 'appended' : k)).sort(), `seed ${seed}`).toEqual(['appended', 'refused']);
      total += store.faults;
      tally.scenarios++;
    }
  });
});
