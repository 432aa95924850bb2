import { describe, expect, it } from 'vitest';
import { appendAuditEvent, auditCsv, verifyAuditChain, type AuditEvent, type AuditInput } from '../../../../core/audit/audit.ts';
import { MemoryAuditStore } from '../../../../core/audit/fake-store.ts';

const input = (n: number, extra: Partial<AuditInput> = {}): AuditInput => ({
  projectId: 'p1',
  eventId: `e${n}`,
  action: 'upload',
  actor: { principal: 'iam:AIDASITE', role: 'site', name: 'Site' },
  at: `2026-01-0${n}T00:00:00Z`,
  subject: `u${n}`,
  ...extra,
});

describe('audit trail', () => {
  it('appends a hash chain, once per eventId, and verifies it', async () => {
    const store = new MemoryAuditStore();
    for (const n of [1, 2, 3]) await appendAuditEvent(store, input(n), '2026-01-09T00:00:00Z');
    const again = await appendAuditEvent(store, input(2), '2026-01-09T00:00:01Z');
    expect(again.seq).toBe(2);
    const events = await store.list('p1');
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(events[1]!.prevHash).toBe(events[0]!.hash);
    expect(verifyAuditChain(events)).toMatchObject({ ok: true, length: 3 });
  });

  it('concurrent appenders never share a sequence number', async () => {
    const store = new MemoryAuditStore();
    await Promise.all([1, 2, 3, 4, 5].map((n) => appendAuditEvent(store, input(n), 't')));
    const events = await store.list('p1');
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(verifyAuditChain(events).ok).toBe(true);
  });

  it('names an altered, removed or relinked event', async () => {
    const store = new MemoryAuditStore();
    for (const n of [1, 2, 3]) await appendAuditEvent(store, input(n), 't');
    const events = (await store.list('p1')) as AuditEvent[];
    expect(verifyAuditChain([events[0]!, { ...events[1]!, actor: { principal: 'iam:AIDAOTHER' } }, events[2]!])).toMatchObject({ ok: false, seq: 2 });
    expect(verifyAuditChain([events[0]!, events[2]!])).toMatchObject({ ok: false, seq: 2 });
    expect(verifyAuditChain([events[1]!, events[2]!])).toMatchObject({ ok: false, seq: 1 });
  });

  it('exports CSV with a header, quoting and formula injection neutralised', async () => {
    const store = new MemoryAuditStore();
    await appendAuditEvent(store, input(1, { reason: '=HYPERLINK("x"), and more' }), 't');
    const csv = auditCsv(await store.list('p1'));
    const [header, row] = csv.split('\r\n');
    expect(header).toBe(
      'seq,at,recordedAt,action,actor.principal,actor.role,actor.name,actor.personId,actor.body,subject,outcome,reason,details,prevHash,hash',
    );
    expect(row).toContain(`"'=HYPERLINK(""x""), and more"`);
  });
});
