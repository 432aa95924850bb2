import { canonicalJson, sha256Hex } from '../hashing/canonical.ts';
import { GENESIS_HASH } from '../ledger/entry.ts';

/**
 * The audit trail: every action on a project — register or change it, upload, assemble a monitoring
 * report, decide, refuse, assign a verification body — as an append-only, hash-chained event with the
 * actor and the time. One chain per project; `hash` = SHA-256 of the canonical JSON of the event
 * without `hash` (so it covers `prevHash`, the previous event's hash, or the genesis hash).
 */
export const AUDIT_ACTIONS = [
  'project.register',
  'project.change',
  'upload',
  'monitoring-report.assemble',
  /** Someone not allowed to assemble a monitoring report of the project tried to (outcome: the access refusal code). */
  'monitoring-report.refuse',
  'decision.approve',
  'decision.reject',
  'decision.pending-technical-review',
  'decision.refuse',
  'body.assign',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Who acted: an authenticated principal with what the registers say about it, or a pipeline function. */
export interface AuditActor {
  readonly principal: string;
  readonly role?: string;
  readonly name?: string;
  readonly personId?: string;
  readonly body?: string;
}

export interface AuditEvent {
  readonly schemaVersion: 1;
  readonly projectId: string;
  readonly seq: number;
  /** Idempotency key: the same event delivered twice is recorded once (e.g. `decision:<messageId>`). */
  readonly eventId: string;
  readonly action: AuditAction;
  readonly actor: AuditActor;
  /** When the action happened (ISO date-time), and when it was recorded. */
  readonly at: string;
  readonly recordedAt: string;
  /** The object acted on: an upload id, a monitoring report id, the project itself. */
  readonly subject?: string;
  readonly outcome?: string;
  readonly reason?: string;
  readonly details?: Readonly<Record<string, string | number | boolean>>;
  readonly prevHash: string;
  readonly hash: string;
}

export type AuditInput = Omit<AuditEvent, 'schemaVersion' | 'seq' | 'prevHash' | 'hash' | 'recordedAt'>;

export function hashAuditEvent(event: Omit<AuditEvent, 'hash'> | AuditEvent): string {
  const { hash: _ignored, ...rest } = event as AuditEvent;
  return sha256Hex(canonicalJson(rest));
}

/**
 * Storage of a project's chain. `putIfAbsent` is conditional on the sequence number (false: another
 * writer took it); `recent` returns the last events, newest first.
 */
export interface AuditStore {
  recent(projectId: string, limit: number): Promise<readonly AuditEvent[]>;
  putIfAbsent(event: AuditEvent): Promise<boolean>;
  list(projectId: string): Promise<readonly AuditEvent[]>;
}

/** How far back a redelivered event is looked for (redeliveries come within minutes). */
const DEDUPE_WINDOW = 50;

/**
 * Appends one event (optimistic: take seq = last + 1 with a conditional put, re-read on conflict).
 * Idempotent by `eventId` within the last {@link DEDUPE_WINDOW} events of the chain.
 */
export async function appendAuditEvent(store: AuditStore, input: AuditInput, recordedAt: string): Promise<AuditEvent> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const recent = await store.recent(input.projectId, DEDUPE_WINDOW);
    const seen = recent.find((e) => e.eventId === input.eventId);
    if (seen) return seen;
    const last = recent[0];
    const unsealed: Omit<AuditEvent, 'hash'> = { schemaVersion: 1, ...input, seq: (last?.seq ?? 0) + 1, recordedAt, prevHash: last?.hash ?? GENESIS_HASH };
    const event: AuditEvent = { ...unsealed, hash: hashAuditEvent(unsealed) };
    if (await store.putIfAbsent(event)) return event;
  }
  throw new Error(`Audit trail of ${input.projectId}: could not append ${input.eventId} after 20 attempts (contention).`);
}

export type AuditVerdict =
  | { readonly ok: true; readonly length: number; readonly lastHash: string }
  | { readonly ok: false; readonly seq: number; readonly message: string };

/** Recomputes a project's chain (events in ascending seq) and names the first broken event. */
export function verifyAuditChain(events: readonly AuditEvent[]): AuditVerdict {
  let prevHash = GENESIS_HASH;
  const projectId = events[0]?.projectId;
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    if (e.projectId !== projectId) return { ok: false, seq: e.seq, message: `event ${e.seq} belongs to project ${e.projectId}, not ${projectId}` };
    if (e.seq !== i + 1) return { ok: false, seq: i + 1, message: `event ${i + 1} is missing or out of order (found ${e.seq})` };
    if (hashAuditEvent(e) !== e.hash)
      return { ok: false, seq: e.seq, message: `event ${e.seq}: its content does not match its hash (altered after it was written)` };
    if (e.prevHash !== prevHash) return { ok: false, seq: e.seq, message: `event ${e.seq}: prevHash does not match the hash of event ${e.seq - 1}` };
    prevHash = e.hash;
  }
  return { ok: true, length: events.length, lastHash: prevHash };
}

const CSV_COLUMNS = [
  'seq',
  'at',
  'recordedAt',
  'action',
  'actor.principal',
  'actor.role',
  'actor.name',
  'actor.personId',
  'actor.body',
  'subject',
  'outcome',
  'reason',
  'details',
  'prevHash',
  'hash',
] as const;

/** RFC 4180 CSV; cells starting with = + - @ (formula injection) are prefixed with a quote. */
export function auditCsv(events: readonly AuditEvent[]): string {
  const cell = (v: unknown): string => {
    let s = v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);
    if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
    return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  const rows = events.map((e) =>
    [
      e.seq,
      e.at,
      e.recordedAt,
      e.action,
      e.actor.principal,
      e.actor.role,
      e.actor.name,
      e.actor.personId,
      e.actor.body,
      e.subject,
      e.outcome,
      e.reason,
      e.details,
      e.prevHash,
      e.hash,
    ]
      .map(cell)
      .join(','),
  );
  return [CSV_COLUMNS.join(','), ...rows].join('\r\n') + '\r\n';
}
