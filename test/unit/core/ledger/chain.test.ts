import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../../core/hashing/canonical.ts';
import { GENESIS_HASH, hashEntry, sealEntry, verifyChain, type LedgerEntry } from '../../../../core/ledger/entry.ts';
import { findOverlap, periodsOverlap } from '../../../../core/ledger/periods.ts';

function chain(n: number): LedgerEntry[] {
  const out: LedgerEntry[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const e = sealEntry({
      schemaVersion: 1,
      projectId: 'p',
      seq,
      uploadId: String(seq).padStart(32, '0'),
      period: { start: `2020-0${seq}-01`, end: `2020-0${seq}-28` },
      er: `${seq}000.5`,
      issuance: { units: `${seq}000`, rounding: 'floor', deductions: [], toParticipants: `${seq}000` },
      methodology: { key: 'm@1.0.0', hash: 'h' },
      file: { sha256: 'a'.repeat(64) },
      verifier: 'v',
      approvedAt: '2021-01-01T00:00:00Z',
      prevHash: prev,
    });
    prev = e.hash;
    out.push(e);
  }
  return out;
}

describe('canonical JSON and entry hash', () => {
  it('does not depend on key order and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, 'x'], c: undefined } })).toBe('{"a":{"d":[1,"x"]},"b":1}');
    const [e] = chain(1);
    const reordered = Object.fromEntries(Object.entries(e!).reverse()) as unknown as LedgerEntry;
    expect(hashEntry(reordered)).toBe(e!.hash);
  });
  it('covers prevHash', () => {
    const [e] = chain(1);
    expect(hashEntry({ ...e!, prevHash: 'x' })).not.toBe(e!.hash);
  });
});

describe('verifyChain', () => {
  const head = (entries: LedgerEntry[]) => ({ seq: entries.length, lastHash: entries.at(-1)!.hash });

  it('accepts an intact chain and an empty one', () => {
    const c = chain(4);
    expect(verifyChain(c, head(c))).toEqual({ ok: true, length: 4, lastHash: c[3]!.hash });
    expect(verifyChain([], { seq: 0, lastHash: GENESIS_HASH })).toMatchObject({ ok: true, length: 0 });
  });
  it('names an altered entry', () => {
    const c = chain(4);
    c[2] = { ...c[2]!, er: '999999' };
    expect(verifyChain(c, head(chain(4)))).toMatchObject({ ok: false, seq: 3, reason: 'altered' });
  });
  it('names a re-hashed entry by the broken link that follows it', () => {
    const c = chain(4);
    c[1] = sealEntry({ ...c[1]!, er: '1' });
    expect(verifyChain(c)).toMatchObject({ ok: false, seq: 3, reason: 'relinked' });
  });
  it('names a removed entry (gap)', () => {
    const c = chain(4);
    c.splice(1, 1);
    expect(verifyChain(c)).toMatchObject({ ok: false, seq: 2, reason: 'removed' });
  });
  it('names reordered entries', () => {
    const c = chain(4);
    [c[1], c[2]] = [c[2]!, c[1]!];
    expect(verifyChain(c)).toMatchObject({ ok: false, seq: 2, reason: 'reordered' });
  });
  it('names a duplicated entry', () => {
    const c = chain(3);
    c.splice(2, 0, c[1]!);
    expect(verifyChain(c)).toMatchObject({ ok: false, reason: 'duplicate', seq: 2 });
  });
  it('detects a removed last entry only against the head', () => {
    const c = chain(4);
    const h = head(c);
    c.pop();
    expect(verifyChain(c).ok).toBe(true);
    expect(verifyChain(c, h)).toMatchObject({ ok: false, seq: 4, reason: 'truncated' });
  });
});

describe('monitoring-period overlap (inclusive days)', () => {
  it('shares a boundary day → overlap; adjacent days → none', () => {
    expect(periodsOverlap({ start: '2024-01-01', end: '2024-01-31' }, { start: '2024-01-31', end: '2024-02-10' })).toBe(true);
    expect(periodsOverlap({ start: '2024-01-01', end: '2024-01-31' }, { start: '2024-02-01', end: '2024-02-10' })).toBe(false);
    expect(periodsOverlap({ start: '2024-01-10', end: '2024-01-10' }, { start: '2024-01-01', end: '2024-01-31' })).toBe(true);
    expect(findOverlap([{ start: '2023-01-01', end: '2023-12-31' }], { start: '2022-06-01', end: '2023-01-01' })).toEqual({
      start: '2023-01-01',
      end: '2023-12-31',
    });
  });
});
