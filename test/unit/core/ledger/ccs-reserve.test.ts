import { describe, expect, it } from 'vitest';
import { appendEntry, reserveBalance, type AppendRequest } from '../../../../core/ledger/append.ts';
import { computeIssuance } from '../../../../core/issuance/issuance.ts';
import { verifyChain } from '../../../../core/ledger/entry.ts';
import { FakeLedgerStore } from './fake-ledger-store.ts';

const P = 'ccs-1';
const request = (uploadId: string, start: string, end: string, er: string): AppendRequest => ({
  schemaVersion: 1,
  projectId: P,
  uploadId,
  period: { start, end },
  er,
  issuance: computeIssuance({ mechanism: 'CDM', er, ldc: false, ccs: true, ...(er.startsWith('-') ? { netReversal: er.slice(1) } : {}) }),
  methodology: { key: 'ccs-storage@1.0.0', hash: 'abc' },
  file: { sha256: 'f'.repeat(64) },
  verifier: 'doe-1',
  approvedAt: '2026-01-01T00:00:00.000Z',
});

describe('CCS reserve (decision 10/CMP.7, domain.md §6.7)', () => {
  it('cancels a later net reversal of storage from the reserve first, then from the participants', async () => {
    const store = new FakeLedgerStore();
    // Crediting: ER 900,000 → 900,000 CERs, SOP 18,000, reserve 45,000, 837,000 to the participants.
    const credited = await appendEntry(store, request('a'.repeat(32), '2016-01-01', '2016-12-31', '900000'));
    expect(credited.kind === 'appended' && credited.entry.issuance.deductions.find((d) => d.purpose === 'ccs-reserve')?.units).toBe('45000');
    // After crediting: 30,000 t seeped → cancelled from the reserve, 15,000 left.
    const first = await appendEntry(store, request('b'.repeat(32), '2030-01-01', '2030-12-31', '-30000'));
    expect(first.kind === 'appended' && first.entry.reserveCancellation).toEqual({
      reversal: '30000',
      fromReserve: '30000',
      reserveRemaining: '15000',
      owedByParticipants: '0',
    });
    expect(first.kind === 'appended' && first.entry.issuance.units).toBe('0');
    // A further 20,000 t: the reserve covers 15,000, the participants owe 5,000.
    const second = await appendEntry(store, request('c'.repeat(32), '2031-01-01', '2031-12-31', '-20000'));
    expect(second.kind === 'appended' && second.entry.reserveCancellation).toEqual({
      reversal: '20000',
      fromReserve: '15000',
      reserveRemaining: '0',
      owedByParticipants: '5000',
    });
    const entries = await store.listEntries(P);
    expect(reserveBalance(entries)).toBe('0');
    expect(verifyChain(entries).ok).toBe(true);
  });

  it('records the cancellation once when the same approval is delivered twice', async () => {
    const store = new FakeLedgerStore();
    await appendEntry(store, request('a'.repeat(32), '2016-01-01', '2016-12-31', '900000'));
    const [x, y] = await Promise.all([
      appendEntry(store, request('b'.repeat(32), '2030-01-01', '2030-12-31', '-30000')),
      appendEntry(store, request('b'.repeat(32), '2030-01-01', '2030-12-31', '-30000')),
    ]);
    expect([x.kind, y.kind].sort()).toEqual(['already', 'appended']);
    expect(reserveBalance(await store.listEntries(P))).toBe('15000');
  });
});
