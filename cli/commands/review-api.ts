import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DecisionOutcomeReport } from '../../functions/record-decision/authorize.ts';
import { apiError, type HttpApiClient } from '../login/http-api.ts';
import type { Io } from './types.ts';

/**
 * `mrv review list|approve|reject` for a person logged in with `mrv login`: through the HTTP API
 * (functions/http-api/api.ts) with the login's bearer token instead of the SQS queues and the tables.
 * The API authorizes every call with core/access for the token's subject (`cognito:<sub>`): the list
 * holds only what this person may read, and a decision is sent naming the authenticated principal (no
 * verifier name is sent), then authorized again by the decision function. Nothing here needs AWS
 * credentials.
 */

/** One submission as the API lists it (api.ts `summary`). */
interface SubmissionSummary {
  readonly uploadId: string;
  readonly statusReason?: string;
  readonly methodology?: string;
  readonly warnings?: readonly unknown[];
  readonly file?: string;
  readonly kind: string;
  readonly projectId: string;
  readonly status: string;
  readonly createdAt: string;
  readonly periodText?: string;
  readonly er?: string;
  readonly units?: string;
  readonly materiality?: string;
  readonly inReport?: { readonly reportId: string; readonly status?: string };
  readonly decision?: { readonly decision: string; readonly verifier: string; readonly decidedAt: string };
  readonly ledger?: { readonly seq: number; readonly hash?: string };
}

export async function listViaApi(api: HttpApiClient, io: Io): Promise<number> {
  const answer = await api.get<{ pending: SubmissionSummary[] }>('/api/queue');
  if (answer.status !== 200) {
    io.err(`The HTTP API refused the queue (HTTP ${answer.status}): ${apiError(answer.body)}.`);
    return 1;
  }
  const pending = answer.body.pending ?? [];
  if (!pending.length) io.out('Nothing waits for review (of what you may read).');
  for (const s of pending) {
    const line = `${s.uploadId}  ${s.projectId.padEnd(28)} ${s.periodText ?? ''}  ER ${(s.er ?? '?').padStart(14)}  units ${(s.units ?? '?').padStart(9)}  materiality ${s.materiality ?? '?'} %  since ${s.createdAt}`;
    io.out(s.inReport ? `${line}  ${inReportNote(s.inReport)}` : line);
  }
  return 0;
}

const inReportNote = (r: { readonly reportId: string; readonly status?: string }) =>
  r.status === 'approved' ? `(issued in monitoring report ${r.reportId}: nothing to decide)` : `(in monitoring report ${r.reportId}: decide the report)`;

/**
 * `mrv review next` logged in: the first item of the API's queue (monitoring reports first, then the
 * oldest) that waits for a decision of its own, among the projects this person may read. Unlike the
 * IAM path (the shared SQS queue, with a hold), nothing is held: two verifiers may take the same item,
 * and the decision function records the first decision and refuses a contradicting one.
 */
export async function nextViaApi(api: HttpApiClient, io: Io): Promise<number> {
  const answer = await api.get<{ pending: SubmissionSummary[] }>('/api/queue');
  if (answer.status !== 200) {
    io.err(`The HTTP API refused the queue (HTTP ${answer.status}): ${apiError(answer.body)}.`);
    return 1;
  }
  const item = (answer.body.pending ?? []).find((s) => !s.inReport);
  if (!item) {
    io.out('Nothing waits for review (of what you may read).');
    return 0;
  }
  io.out(
    `${item.uploadId}  ${item.projectId.padEnd(28)} ${item.periodText ?? ''}  ER ${(item.er ?? '?').padStart(14)}  units ${(item.units ?? '?').padStart(9)}  since ${item.createdAt}`,
  );
  io.out(`Next: mrv review show ${item.uploadId}, then approve or reject (not held: the first recorded decision counts).`);
  return 0;
}

export interface ApiDecision {
  readonly decision: 'approve' | 'reject';
  readonly uploadId: string;
  readonly reason?: string;
  /** Seconds to wait for the outcome; 0 with noWait. */
  readonly waitSeconds: number;
  readonly noWait: boolean;
  /** A --verifier name: not sent (the API records the authenticated person). */
  readonly namedVerifier?: string;
}

/**
 * POST /api/submissions/<id>/decision, then (bounded) GET /api/outcomes/<messageId> for what the
 * decision function made of it. Exit 0: recorded (or a first approval pending technical review, or
 * sent with --no-wait); 1: refused by the API or the decision function, not pending, or no outcome in time.
 */
export async function decideViaApi(api: HttpApiClient, io: Io, d: ApiDecision): Promise<number> {
  if (d.namedVerifier) io.err(`--verifier ${JSON.stringify(d.namedVerifier)} is not sent: the decision is recorded under your login's identity.`);
  const answer = await api.post<{ messageId?: string; outcome?: string }>(`/api/submissions/${encodeURIComponent(d.uploadId)}/decision`, {
    decision: d.decision,
    ...(d.reason ? { reason: d.reason } : {}),
  });
  switch (answer.status) {
    case 202:
      break;
    case 403:
      io.out(`Refused by the HTTP API: ${apiError(answer.body)}. Nothing sent.`);
      return 1;
    case 404:
    case 409:
      io.err(`${apiError(answer.body)}.`);
      return 1;
    default:
      io.err(`The HTTP API answered ${answer.status}: ${apiError(answer.body)}. Nothing recorded.`);
      return 1;
  }
  const messageId = answer.body.messageId;
  io.out(
    `Decision sent through the HTTP API: ${d.decision} ${d.uploadId}${messageId ? ` (message ${messageId})` : ''}. It is recorded under your authenticated identity if you are an active verifier of the body assigned to the project, else refused.`,
  );
  if (d.noWait || !messageId) {
    io.out(`Not waiting for the outcome${d.noWait ? ' (--no-wait)' : ''}: mrv review list, or the console, shows it.`);
    return 0;
  }
  const deadline = Date.now() + d.waitSeconds * 1000;
  for (;;) {
    const told = await api.get<DecisionOutcomeReport>(`/api/outcomes/${encodeURIComponent(messageId)}`);
    if (told.status === 200) return printOutcome(api, io, d, told.body);
    if (told.status !== 404) {
      io.err(`The HTTP API answered ${told.status} for the outcome: ${apiError(told.body)}.`);
      return 1;
    }
    if (Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  io.out(`No outcome within ${d.waitSeconds} s: the decision is queued but not yet recorded. Check with: mrv review list (or the console).`);
  return 1;
}

async function printOutcome(api: HttpApiClient, io: Io, d: ApiDecision, told: DecisionOutcomeReport): Promise<number> {
  let ledger: SubmissionSummary['ledger'];
  if (told.outcome === 'approved') {
    const now = await api.get<{ submission?: SubmissionSummary }>(`/api/submissions/${encodeURIComponent(d.uploadId)}`);
    ledger = now.status === 200 ? now.body.submission?.ledger : undefined;
  }
  return printToldOutcome(io, d, told, ledger);
}

/** What the decision function told the sender of one decision (outcomes/<SenderId>/<messageId>.json), for people. Exit code as `mrv review approve`. */
export function printToldOutcome(
  io: Io,
  d: Pick<ApiDecision, 'decision' | 'uploadId' | 'reason'>,
  told: DecisionOutcomeReport,
  ledger?: { readonly seq: number; readonly hash?: string },
): number {
  const by = told.recordedAs ? `${told.recordedAs.name}${told.recordedAs.body ? ` (${told.recordedAs.body})` : ''}` : '?';
  switch (told.outcome) {
    case 'approved': {
      io.out(`Recorded: approval of ${d.uploadId} by ${by}${ledger ? `, ledger entry #${ledger.seq}${ledger.hash ? ` (hash ${ledger.hash})` : ''}` : ''}.`);
      return 0;
    }
    case 'rejected':
      io.out(`Recorded: rejection of ${d.uploadId} by ${by}: ${d.reason ?? ''}. Nothing was issued; the site is told why.`);
      return 0;
    case 'pending-technical-review':
      io.out(
        `Recorded as the first approval of ${d.uploadId} by ${by}, pending technical review: ${told.reason ?? 'a second verifier must approve'}. Nothing is issued until then.`,
      );
      return 0;
    case 'refused-access':
    case 'refused':
      io.out(
        `Refused: the ${d.decision === 'approve' ? 'approval' : 'rejection'} of ${d.uploadId} was not recorded: ${told.reason ?? 'not authorized'}${told.code ? ` (${told.code})` : ''}.`,
      );
      return 1;
    default:
      io.out(`Not applied: ${told.outcome}${told.reason ? ` (${told.reason})` : ''}.`);
      return 1;
  }
}

/** `mrv review report <id> [--pdf] [--out <dir>]` through the API: the verification report the API serves (authorized per project), written locally. */
export async function reportViaApi(api: HttpApiClient, io: Io, uploadId: string, options: { pdf?: boolean; out?: string }): Promise<number> {
  const format = options.pdf ? 'pdf' : 'html';
  const answer = await api.download(`/api/submissions/${encodeURIComponent(uploadId)}/verification.${format}`);
  if (answer.status !== 200 || !answer.bytes) {
    io.err(`No verification report (HTTP ${answer.status}): ${apiError(answer.body)}.`);
    return 1;
  }
  const dir = resolve(io.cwd, options.out ?? '.');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${uploadId}.verification.${format}`);
  writeFileSync(file, answer.bytes);
  io.out(`Verification report of ${uploadId} from the HTTP API: ${file}`);
  return 0;
}

/**
 * `mrv review show <id>` through the API: the submission as the API summarises it (status, methodology,
 * ER, units, materiality, decision); the evidence itself (trace, charts, equations) is rendered by the
 * console (`--json` prints the API's answer, its HTML sections included).
 */
export async function showViaApi(api: HttpApiClient, io: Io, uploadId: string, json: boolean): Promise<number> {
  const answer = await api.get<{ submission: SubmissionSummary; firstApproval?: { by: string; body?: string; decidedAt: string } }>(
    `/api/submissions/${encodeURIComponent(uploadId)}`,
  );
  if (answer.status !== 200) {
    io.err(`The HTTP API refused submission ${uploadId} (HTTP ${answer.status}): ${apiError(answer.body)}.`);
    return 1;
  }
  if (json) {
    io.out(JSON.stringify(answer.body, null, 2));
    return 0;
  }
  const s = answer.body.submission;
  io.out(`Review ${s.uploadId} — project ${s.projectId} (${s.kind}) — status ${s.status}${s.statusReason ? `: ${s.statusReason}` : ''}`);
  if (s.file) io.out(`  file         ${s.file}`);
  if (s.periodText) io.out(`  period       ${s.periodText}`);
  if (s.methodology) io.out(`  methodology  ${s.methodology}`);
  if (s.er !== undefined) io.out(`  ER           ${s.er} tCO2e   units ${s.units ?? '?'}   materiality ${s.materiality ?? '?'} %`);
  if (s.warnings?.length) io.out(`  warnings     ${s.warnings.length}`);
  const first = answer.body.firstApproval;
  if (first) io.out(`  first approval by ${first.by}${first.body ? ` (${first.body})` : ''} at ${first.decidedAt}: pending technical review`);
  if (s.decision) io.out(`  decided      ${s.decision.decision} by ${s.decision.verifier} at ${s.decision.decidedAt}`);
  if (s.ledger) io.out(`  ledger       entry #${s.ledger.seq}`);
  io.out(
    `The evidence (trace, charts, equations) is in the console: ${api.url}#/submissions/${s.uploadId}; mrv review show ${s.uploadId} --json prints it as the API serves it.`,
  );
  return 0;
}
