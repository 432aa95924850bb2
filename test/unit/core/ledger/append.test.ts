import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { appendEntry, LedgerIntegrityError, type AppendRequest } from '../../../../core/ledger/append.ts';
import { GENESIS_HASH, verifyChain } from '../../../../core/ledger/entry.ts';
import { FakeLedgerStore } from './fake-ledger-store.ts';

const P = 'hydro-1';
const request = (uploadId: string, start: string, end: string): AppendRequest => ({
  schemaVersion: 1,
  projectId: P,
  uploadId,
  period: { start, end },
  er: '744.744484',
  issuance: {
    units: '744',
    rounding: 'floor',
    deductions: [
      { account: 'Adaptation Fund (SOP-AF)', purpose: 'share-of-proceeds', units: '15', rate: '0.02', rounding: 'ceil', source: 'decision 17/CP.7 para 15(a)' },
    ],
    toParticipants: '729',
  },
  methodology: { key: 'grid-renewable@1.0.0', hash: 'abc' },
  file: { sha256: 'f'.repeat(64) },
  verifier: 'doe-1',
  approvedAt: '2024-02-01T10:00:00.000Z',
});
const id = (n: number) => n.toString(16).padStart(32, '0');

async function chainOf(store: FakeLedgerStore) {
  const entries = await store.listEntries(P);
  const head = store.rawHead(P) as { seq: number; lastHash: string } | undefined;
  return { entries, head, verdict: verifyChain(entries, head ? { seq: head.seq, lastHash: head.lastHash } : { seq: 0, lastHash: GENESIS_HASH }) };
}

describe('appendEntry (single-item conditional writes, no transactions)', () => {
  it('appends entries 1, 2, 3 linked by hash and keeps the head in step', async () => {
    const store = new FakeLedgerStore();
    const a = await appendEntry(store, request(id(1), '2024-01-01', '2024-01-31'));
    const b = await appendEntry(store, request(id(2), '2024-02-01', '2024-02-29'));
    const c = await appendEntry(store, request(id(3), '2024-03-01', '2024-03-31'));
    expect([a.kind, b.kind, c.kind]).toEqual(['appended', 'appended', 'appended']);
    if (a.kind !== 'appended' || b.kind !== 'appended') throw new Error('unreachable');
    expect(a.entry.prevHash).toBe(GENESIS_HASH);
    expect(b.entry.prevHash).toBe(a.entry.hash);
    const { verdict, head } = await chainOf(store);
    expect(verdict).toMatchObject({ ok: true, length: 3 });
    expect(head).toMatchObject({ seq: 3, periods: [{ start: '2024-01-01' }, { start: '2024-02-01' }, { start: '2024-03-01' }] });
  });

  it('the same decision delivered twice (one after the other) → one entry', async () => {
    const store = new FakeLedgerStore();
    const first = await appendEntry(store, request(id(1), '2024-01-01', '2024-01-31'));
    const again = await appendEntry(store, request(id(1), '2024-01-01', '2024-01-31'));
    expect(first.kind).toBe('appended');
    expect(again).toMatchObject({ kind: 'already', entry: { seq: 1, uploadId: id(1) } });
    expect((await store.listEntries(P)).length).toBe(1);
  });

  it('refuses a period that shares a day with an approved one (inclusive days), writing nothing', async () => {
    const store = new FakeLedgerStore();
    await appendEntry(store, request(id(1), '2024-01-01', '2024-01-31'));
    const clash = await appendEntry(store, request(id(2), '2024-01-31', '2024-02-28'));
    expect(clash).toMatchObject({ kind: 'refused', overlaps: { start: '2024-01-01', end: '2024-01-31' } });
    if (clash.kind === 'refused') expect(clash.reason).toMatch(/overlaps the approved period 2024-01-01 – 2024-01-31/);
    const adjacent = await appendEntry(store, request(id(3), '2024-02-01', '2024-02-28'));
    expect(adjacent.kind).toBe('appended');
    expect((await chainOf(store)).verdict).toMatchObject({ ok: true, length: 2 });
  });

  it('two approvals of one item at the same time → one entry (many interleavings)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 }), fc.integer({ min: 2, max: 5 }), async (seed, copies) => {
        const store = new FakeLedgerStore().interleave(seed);
        const outcomes = await Promise.all(Array.from({ length: copies }, () => appendEntry(store, request(id(7), '2024-01-01', '2024-01-31'))));
        expect(outcomes.filter((o) => o.kind === 'appended')).toHaveLength(1);
        expect(outcomes.every((o) => o.kind !== 'refused' && o.entry.seq === 1)).toBe(true);
        const { entries, verdict } = await chainOf(store);
        expect(entries).toHaveLength(1);
        expect(verdict.ok).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('concurrent approvals of overlapping periods → exactly one recorded, the others refused', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 }), async (seed) => {
        const store = new FakeLedgerStore().interleave(seed);
        const outcomes = await Promise.all([
          appendEntry(store, request(id(1), '2024-01-01', '2024-01-31')),
          appendEntry(store, request(id(2), '2024-01-15', '2024-02-15')),
          appendEntry(store, request(id(3), '2024-01-31', '2024-01-31')),
        ]);
        expect(outcomes.filter((o) => o.kind === 'appended')).toHaveLength(1);
        expect(outcomes.filter((o) => o.kind === 'refused')).toHaveLength(2);
        expect((await chainOf(store)).verdict).toMatchObject({ ok: true, length: 1 });
      }),
      { numRuns: 60 },
    );
  });

  it('concurrent approvals of disjoint periods, with duplicates → every upload exactly once, chain valid', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 2 ** 31 }),
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 14 }),
        async (seed, months) => {
          const store = new FakeLedgerStore().interleave(seed, 6);
          const req = (m: number) => request(id(m), `2023-${String(m).padStart(2, '0')}-01`, `2023-${String(m).padStart(2, '0')}-28`);
          await Promise.all(months.map((m) => appendEntry(store, req(m))));
          const { entries, verdict, head } = await chainOf(store);
          const distinct = new Set(months);
          expect(entries.map((e) => e.uploadId).sort()).toEqual([...distinct].map(id).sort());
          expect(verdict.ok).toBe(true);
          expect(head?.seq).toBe(distinct.size);
        },
      ),
      { numRuns: 80 },
    );
  });

  for (const op of ['putEntryIfAbsent', 'putUploadMarker', 'advanceHead'] as const) {
    it(`a crash right after ${op} → the retry completes exactly once`, async () => {
      const store = new FakeLedgerStore();
      await appendEntry(store, request(id(1), '2023-01-01', '2023-01-31'));
      store.crash = { op, after: 2 };
      await expect(appendEntry(store, request(id(2), '2023-02-01', '2023-02-28'))).rejects.toThrow(/injected crash/);
      const retry = await appendEntry(store, request(id(2), '2023-02-01', '2023-02-28'));
      expect(retry.kind === 'already' || retry.kind === 'appended').toBe(true);
      if (retry.kind !== 'refused') expect(retry.entry.seq).toBe(2);
      const { entries, verdict, head } = await chainOf(store);
      expect(entries.map((e) => e.uploadId)).toEqual([id(1), id(2)]);
      expect(verdict.ok).toBe(true);
      expect(head).toMatchObject({
        seq: 2,
        periods: [
          { start: '2023-01-01', end: '2023-01-31' },
          { start: '2023-02-01', end: '2023-02-28' },
        ],
      });
    });
  }

  it('a crashed append is completed by the next append of another upload (helping), then found by its own retry', async () => {
    const store = new FakeLedgerStore();
    store.crash = { op: 'putEntryIfAbsent', after: 1 };
    await expect(appendEntry(store, request(id(1), '2023-01-01', '2023-01-31'))).rejects.toThrow();
    const other = await appendEntry(store, request(id(2), '2023-01-15', '2023-02-15'));
    expect(other.kind).toBe('refused'); // the crashed entry's period is already approved
    const retry = await appendEntry(store, request(id(1), '2023-01-01', '2023-01-31'));
    expect(retry).toMatchObject({ kind: 'already', entry: { seq: 1 } });
    expect((await chainOf(store)).verdict).toMatchObject({ ok: true, length: 1 });
  });

  it('stops with LedgerIntegrityError when an entry beyond the head does not link to it', async () => {
    const store = new FakeLedgerStore();
    const first = await appendEntry(store, request(id(1), '2023-01-01', '2023-01-31'));
    if (first.kind !== 'appended') throw new Error('unreachable');
    await store.putEntryIfAbsent({ ...first.entry, seq: 2, uploadId: id(9), prevHash: 'bad' });
    await expect(appendEntry(store, request(id(2), '2023-02-01', '2023-02-28'))).rejects.toBeInstanceOf(LedgerIntegrityError);
  });
});
