import type { AuditEvent, AuditStore } from './audit.ts';

/** An in-memory {@link AuditStore} with the conditional semantics of the table (tests, dry runs). */
export class MemoryAuditStore implements AuditStore {
  readonly chains = new Map<string, AuditEvent[]>();
  async recent(projectId: string, limit: number) {
    return [...(this.chains.get(projectId) ?? [])].reverse().slice(0, limit);
  }
  async putIfAbsent(event: AuditEvent) {
    const chain = this.chains.get(event.projectId) ?? [];
    if (chain.some((e) => e.seq === event.seq)) return false;
    chain.push(event);
    chain.sort((a, b) => a.seq - b.seq);
    this.chains.set(event.projectId, chain);
    return true;
  }
  async list(projectId: string) {
    return [...(this.chains.get(projectId) ?? [])];
  }
}
