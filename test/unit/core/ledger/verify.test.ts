/**
 * Issue 16 item 7 and issue 10 item 3: the overlap guard and `mrv ledger verify` read the periods
 * from the entries, not from the head's mutable summary; verify re-hashes the registration version,
 * the stored result and the methodology an entry pins, and names the entry when one was changed.
 */
import { describe, expect, it } from 'vitest';
import { appendEntry, type AppendRequest } from '../../../../core/ledger/append.ts';
import { canonicalJson, sha256Hex } from '../../../../core/hashing/canonical.ts';
import { GENESIS_HASH, sealEntry, type LedgerEntry } from '../../../../core/ledger/entry.ts';
import { findPeriodOverlaps, verifyLedger, type PinnedObjects } from '../../../../core/ledger/verify.ts';
import { FakeLedgerStore } from './fake-ledger-store.ts';

const P = 'hydro-1';
const id = (n: number) => n.toString(16).padStart(32, '0');
const request = (n: number, start: string, end: string, pins: Partial<Pick<LedgerEntry, 'registration' | 'result'>> = {}): AppendRequest => ({
  schemaVersion: 1,
  projectId: P,
  uploadId: id(n),
  period: { start, end },
  er: '10',
  issuance: { units: '10', rounding: 'floor', deductions: [], toParticipants: '10' },
  methodology: { key: 'grid-renewable@1.0.0', hash: 'm-hash' },
  file: { sha256: 'f'.repeat(64) },
  ...pins,
  verifier: 'doe-1',
  approvedAt: '2024-02-01T10:00:00.000Z',
});
const hash = (x: unknown) => sha256Hex(canonicalJson(x));
const noObjects: PinnedObjects = { registration: async () => undefined, result: async () => undefined, methodologyHash: () => 'm-hash' };

describe('periods come from the entries, whatever the head says', () => {
  it('after an edit that removes a period from the head, the same period is still refused at append', async () => {
    const store = new FakeLedgerStore();
    expect((await appendEntry(store, request(1, '2023-01-01', '2023-01-31'))).kind).toBe('appended');
    expect((await appendEntry(store, request(2, '2023-02-01', '2023-02-28'))).kind).toBe('appended');
    const k = [...store.items.keys()].find((x) => x.includes('HEAD'))!;
    store.items.set(k, { ...store.items.get(k)!, periods: [] }); // the tampered summary
    const again = await appendEntry(store, request(3, '2023-01-15', '2023-01-20'));
    expect(again).toMatchObject({ kind: 'refused', overlaps: { start: '2023-01-01', end: '2023-01-31' } });
  });

  it('verify finds an overlap in the entries even when the chain is intact and the head lists no periods', async () => {
    let prev = GENESIS_HASH;
    const entries = [request(1, '2023-01-01', '2023-01-31'), request(2, '2023-03-01', '2023-03-31'), request(3, '2023-01-10', '2023-01-12')].map((r, i) => {
      const e = sealEntry({ ...r, seq: i + 1, prevHash: prev });
      prev = e.hash;
      return e;
    });
    expect(findPeriodOverlaps(entries)).toEqual([
      { seq: 3, period: { start: '2023-01-10', end: '2023-01-12' }, overlapsSeq: 1, overlaps: { start: '2023-01-01', end: '2023-01-31' } },
    ]);
    const verdict = await verifyLedger({ projectId: P, entries, head: { seq: 3, lastHash: prev, periods: [] }, objects: noObjects });
    expect(verdict.chain.ok).toBe(true);
    expect(verdict.ok).toBe(false);
    expect(verdict.problems).toEqual([{ kind: 'overlap', seq: 3, message: expect.stringMatching(/entry 3 .* overlaps entry 1 .* credited twice/) }]);
    expect(verdict.warnings.join()).toMatch(/head's list of approved periods/);
  });
});

describe('pins: registration version, result and methodology re-hashed from the stored objects', () => {
  const registrationV1 = { id: P, parameters: { EF_grid_OM: 0.9 } };
  const result = { status: 'accepted', totals: { ER: '10' } };
  async function pinnedLedger() {
    const store = new FakeLedgerStore();
    await appendEntry(store, request(1, '2023-01-01', '2023-01-31')); // an entry from before pins
    await appendEntry(
      store,
      request(2, '2023-02-01', '2023-02-28', {
        registration: { version: 1, hash: hash(registrationV1) },
        result: { key: `results/${P}/${id(2)}.json`, sha256: hash(result) },
      }),
    );
    const entries = await store.listEntries(P);
    const head = store.rawHead(P) as { seq: number; lastHash: string; periods: { start: string; end: string }[] };
    const stored = {
      registrations: new Map<number, unknown>([
        [1, structuredClone(registrationV1)],
        [2, { ...registrationV1, parameters: { EF_grid_OM: 0.95 } }],
      ]),
      results: new Map<string, unknown>([[`results/${P}/${id(2)}.json`, structuredClone(result)]]),
    };
    const objects: PinnedObjects = {
      registration: async (_p, v) => stored.registrations.get(v),
      result: async (k) => stored.results.get(k),
      methodologyHash: () => 'm-hash',
    };
    return { entries, head, stored, objects };
  }

  it('intact: the old entry verifies by chain and periods, the new one by its pins too; a later registration version does not matter', async () => {
    const { entries, head, objects } = await pinnedLedger();
    expect(await verifyLedger({ projectId: P, entries, head, objects })).toMatchObject({ ok: true, pinsChecked: 1, unpinned: 1, problems: [] });
  });

  it('a changed registration version, a changed or missing result, a changed methodology: each fails naming the entry', async () => {
    const a = await pinnedLedger();
    a.stored.registrations.set(1, { ...registrationV1, parameters: { EF_grid_OM: 0.99 } });
    expect((await verifyLedger({ projectId: P, entries: a.entries, head: a.head, objects: a.objects })).problems).toEqual([
      { kind: 'pin', seq: 2, message: expect.stringMatching(/^entry 2: registration version 1 was changed after approval/) },
    ]);

    const b = await pinnedLedger();
    b.stored.results.set(`results/${P}/${id(2)}.json`, { ...result, totals: { ER: '11' } });
    expect((await verifyLedger({ projectId: P, entries: b.entries, head: b.head, objects: b.objects })).problems[0]?.message).toMatch(
      /^entry 2: the calculation result .* was changed after approval/,
    );
    b.stored.results.clear();
    expect((await verifyLedger({ projectId: P, entries: b.entries, head: b.head, objects: b.objects })).problems[0]?.message).toMatch(
      /^entry 2: the calculation result .* is missing/,
    );

    const c = await pinnedLedger();
    expect(
      (await verifyLedger({ projectId: P, entries: c.entries, head: c.head, objects: { ...c.objects, methodologyHash: () => 'other' } })).problems[0]?.message,
    ).toMatch(/^entry 2: methodology grid-renewable@1\.0\.0 has changed since approval/);
  });
});
