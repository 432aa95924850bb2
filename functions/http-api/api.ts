import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { verifyChain, type LedgerEntry } from '../../core/ledger/entry.ts';
import { NotDecidedError } from '../../core/report/verification-report.ts';
import { DecisionSchema } from '../../core/review/schemas.ts';
import type { Submission } from '../../core/review/submission.ts';
import type { DecisionQueue } from '../shared/ports.ts';
import { loadSubmissionReport, NotFoundError, renderReportSections, verificationReportDocument, type ReportSources } from '../shared/verification-reports.ts';
import type { Principal } from '../../core/access/principal.ts';
import type { AccessRules } from '../../core/access/rules.ts';
import type { Mechanism } from '../../core/mechanisms/mechanisms.ts';
import { describeStretch } from '../../core/report/monitoring-report.ts';
import { isLegacyPeriod, type Period } from '../../core/time/period.ts';
import { outcomeKey } from '../shared/resources.ts';
import type { AssemblyPort } from '../assemble-report/request.ts';
import { assembleRoute } from './monitoring-reports.ts';
import { authorizeApi, Unauthenticated, whoIs, type AccessLookup } from './principal.ts';

/**
 * The review console's HTTP API (API Gateway HTTP API, payload 2.0; the local stack serves the same
 * handler). Routes under /api need an authenticated principal; `/` and `/console/*` are the console's
 * static files (no data). Reads go to the tables and the bucket through the shared repositories;
 * decisions go to the decision queue, exactly as `mrv review approve|reject` sends them, and the
 * decision function records them.
 */

export interface ApiDeps {
  /** The caller, from the verified token; throws {@link Unauthenticated}. */
  readonly authenticate: (event: APIGatewayProxyEventV2) => Principal | Promise<Principal>;
  /** The access registers (the same the decision function reads). */
  readonly access: AccessLookup;
  readonly rules?: AccessRules;
  readonly submissions: {
    get(uploadId: string): Promise<Submission | undefined>;
    listByStatus(status: Submission['status']): Promise<Submission[]>;
    listByProject(projectId: string): Promise<Submission[]>;
  };
  readonly ledger: {
    getHead(projectId: string): Promise<{ seq: number; lastHash: string } | undefined>;
    listEntries(projectId: string): Promise<LedgerEntry[]>;
  };
  /**
   * How this caller's decisions reach the decision queue, and the SQS SenderId they arrive with (whose
   * `outcomes/<SenderId>/` the decision function writes). Locally: the caller's own key. On AWS: the API
   * function's role, naming the Cognito principal in the `mrv-principal` attribute (a trusted forwarder).
   */
  readonly decisionsFor: (principal: Principal) => { readonly queue: DecisionQueue; readonly senderId?: string };
  readonly reports: ReportSources;
  /**
   * Monitoring reports assembled through the API (`POST /api/projects/{project}/monitoring-reports`,
   * ./monitoring-reports.ts): the assembly function (functions/assemble-report), which holds the writes
   * and the audit trail. On AWS a synchronous Lambda invocation; in tests and the local stack, in process.
   * The audit actor is the caller core/access authorized, per request.
   */
  readonly assembly: AssemblyPort;
  /** A static console file (`index.html`, `app.js`, `katex/…`); undefined when there is none. */
  readonly staticFile: (path: string) => { body: Uint8Array | string; type: string } | undefined;
  /** The browser sign-in of this deployment (Cognito hosted UI, code flow with PKCE), served to the console as `/console/config.json`. */
  readonly signIn?: { readonly domain: string; readonly clientId: string };
  readonly now: () => Date;
  readonly onError?: (error: unknown) => void;
}

type Result = APIGatewayProxyStructuredResultV2;

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};
/** The console runs no inline or third-party script; reports are static documents (inline styles, SVG, no script at all). */
const CONSOLE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; frame-ancestors 'self'";

const json = (status: number, value: unknown): Result => ({
  statusCode: status,
  headers: { 'content-type': 'application/json; charset=utf-8', ...SECURITY_HEADERS },
  body: JSON.stringify(value),
});
const problem = (status: number, message: string): Result => json(status, { error: message });
const bytes = (body: Uint8Array | string, type: string, extra: Record<string, string> = {}): Result =>
  typeof body === 'string'
    ? { statusCode: 200, headers: { 'content-type': type, ...SECURITY_HEADERS, ...extra }, body }
    : { statusCode: 200, headers: { 'content-type': type, ...SECURITY_HEADERS, ...extra }, body: Buffer.from(body).toString('base64'), isBase64Encoded: true };

const UPLOAD_ID = '([0-9a-f]{32})';
const PROJECT = '([a-z0-9][a-z0-9-]{1,62})';
const MESSAGE_ID = '([0-9a-fA-F-]{8,64})';
const ROUTES: readonly { method: string; pattern: RegExp; name: string }[] = [
  { method: 'GET', pattern: /^\/api\/me$/, name: 'me' },
  { method: 'GET', pattern: /^\/api\/queue$/, name: 'queue' },
  { method: 'GET', pattern: new RegExp(`^/api/submissions/${UPLOAD_ID}$`), name: 'evidence' },
  { method: 'POST', pattern: new RegExp(`^/api/submissions/${UPLOAD_ID}/decision$`), name: 'decide' },
  { method: 'GET', pattern: new RegExp(`^/api/submissions/${UPLOAD_ID}/verification\\.(html|pdf)$`), name: 'report' },
  { method: 'GET', pattern: new RegExp(`^/api/outcomes/${MESSAGE_ID}$`), name: 'outcome' },
  { method: 'GET', pattern: new RegExp(`^/api/projects/${PROJECT}/ledger$`), name: 'ledger' },
  { method: 'POST', pattern: new RegExp(`^/api/projects/${PROJECT}/monitoring-reports$`), name: 'assemble' },
];

/** A period on the site's clock for people (local days when whole days). */
export const periodText = (p: Period): string =>
  isLegacyPeriod(p) ? `${p.start} – ${p.end} (UTC days)` : describeStretch(p.start, p.end, p.timeZone ?? 'UTC');

/** What the queue lists per submission (no evidence: that is one request per item). */
function summary(s: Submission, inReport?: { readonly reportId: string; readonly status: Submission['status'] }) {
  const i = s.reviewItem;
  const d = s.decision;
  return {
    uploadId: s.uploadId,
    kind: s.kind ?? 'upload',
    projectId: s.projectId,
    status: s.status,
    ...(s.statusReason ? { statusReason: s.statusReason } : {}),
    createdAt: s.createdAt,
    file: s.kind === 'monitoring-report' ? `monitoring report of ${s.uploads?.length ?? 0} upload(s)` : s.file.key,
    ...(s.uploads ? { uploads: s.uploads } : {}),
    ...(inReport ? { inReport } : {}),
    ...(s.period ? { period: s.period, periodText: periodText(s.period) } : {}),
    ...(i
      ? {
          methodology: `${i.methodology.id}@${i.methodology.version}`,
          er: i.totals.ER,
          units: i.issuable.units,
          materiality: i.materiality.percent,
          warnings: i.warnings,
        }
      : {}),
    ...(d
      ? {
          decision: {
            decision: d.decision,
            verifier: d.actor ? `${d.actor.name}${d.actor.body ? ` (${d.actor.body})` : ''}` : (d.verifier ?? ''),
            decidedAt: d.decidedAt,
            ...(d.reason ? { reason: d.reason } : {}),
            ...(d.firstApproval ? { firstApproval: { by: d.firstApproval.actor.name, decidedAt: d.firstApproval.decidedAt } } : {}),
          },
        }
      : {}),
    ...(s.ledger ? { ledger: s.ledger } : {}),
  };
}

export function makeApi(deps: ApiDeps) {
  return async function handle(event: APIGatewayProxyEventV2): Promise<Result> {
    const method = event.requestContext?.http?.method ?? 'GET';
    const path = event.rawPath || '/';
    try {
      if (!path.startsWith('/api/')) return serveStatic(deps, method, path);
      const route = ROUTES.find((r) => r.method === method && r.pattern.test(path));
      if (!route) return ROUTES.some((r) => r.pattern.test(path)) ? problem(405, `${method} is not allowed on ${path}`) : problem(404, `no API route ${path}`);
      const match = route.pattern.exec(path)!;
      let principal: Principal;
      try {
        principal = await deps.authenticate(event);
      } catch (error) {
        if (error instanceof Unauthenticated) return problem(401, error.message);
        throw error;
      }
      const at = deps.now().toISOString();
      const options = { at, ...(deps.rules ? { rules: deps.rules } : {}) };
      /** core/access authorize(): undefined when allowed, else the 403 to answer. */
      const denied = async (action: 'read-evidence' | 'decide', projectId: string, mechanism?: Mechanism) => {
        const a = await authorizeApi(deps.access, principal, action, { projectId, ...(mechanism ? { mechanism } : {}) }, options);
        return a.allowed ? undefined : json(403, { error: a.reason, code: a.code });
      };
      switch (route.name) {
        case 'me': {
          const me = await whoIs(deps.access, principal);
          return me ? json(200, me) : problem(403, `${principal.id} is not in the access register: ask the registrar to register this identity`);
        }
        case 'queue': {
          const me = await whoIs(deps.access, principal);
          if (!me) return problem(403, `${principal.id} is not in the access register`);
          const all =
            me.role === 'site'
              ? await deps.submissions.listByProject(me.projectId!)
              : (await Promise.all((['pending-review', 'approved', 'rejected', 'refused'] as const).map((s) => deps.submissions.listByStatus(s)))).flat();
          // Only what core/access lets this principal read, decided per project (a verifier: projects assigned to its body).
          const readable = new Map<string, boolean>();
          for (const projectId of new Set(all.map((s) => s.projectId))) readable.set(projectId, !(await denied('read-evidence', projectId)));
          const visible = all.filter((s) => readable.get(s.projectId) && (s.reviewItem || s.decision));
          // An upload inside a monitoring report that waits or was approved is decided through the report.
          const inReport = new Map<string, { reportId: string; status: Submission['status'] }>();
          for (const s of visible)
            if (s.kind === 'monitoring-report' && (s.status === 'pending-review' || s.status === 'approved'))
              for (const u of s.uploads ?? []) inReport.set(u, { reportId: s.uploadId, status: s.status });
          const pending = visible
            .filter((s) => s.status === 'pending-review')
            .sort((a, b) => Number(b.kind === 'monitoring-report') - Number(a.kind === 'monitoring-report') || a.createdAt.localeCompare(b.createdAt));
          const decided = visible
            .filter((s) => s.status !== 'pending-review' && s.decision)
            .sort((a, b) => (b.decision!.decidedAt ?? '').localeCompare(a.decision!.decidedAt ?? ''));
          return json(200, { pending: pending.map((s) => summary(s, inReport.get(s.uploadId))), decided: decided.map((s) => summary(s)) });
        }
        case 'evidence': {
          const s = await deps.submissions.get(match[1]!);
          if (!s) return problem(404, `no submission ${match[1]}`);
          const no = await denied('read-evidence', s.projectId);
          if (no) return no;
          if (!s.reviewItem)
            return json(200, {
              submission: summary(s),
              html: `<p>This upload did not pass validation (${s.validation}); its validation report is ${s.reportKey}.</p>`,
            });
          const { report } = await loadSubmissionReport(deps.reports, s.uploadId, { preview: true });
          const pendingReview = s.status === 'pending-review' ? await deps.reports.firstApproval?.(s.uploadId) : undefined;
          return json(200, {
            submission: summary(s),
            html: renderReportSections(report),
            charts: report.charts.length,
            ...(pendingReview ? { firstApproval: { by: pendingReview.actor.name, body: pendingReview.actor.body, decidedAt: pendingReview.decidedAt } } : {}),
            ...(s.decision
              ? { reports: { html: `/api/submissions/${s.uploadId}/verification.html`, pdf: `/api/submissions/${s.uploadId}/verification.pdf` } }
              : {}),
          });
        }
        case 'decide': {
          const s = await deps.submissions.get(match[1]!);
          if (!s) return problem(404, `no submission ${match[1]}`);
          const no = await denied('decide', s.projectId, s.reviewItem?.mechanism as Mechanism | undefined);
          if (no) return no;
          if (s.status !== 'pending-review')
            return problem(409, `submission ${s.uploadId} is ${s.status}${s.decision ? ` (decided: ${s.decision.decision})` : ''}; nothing sent`);
          let body: { decision?: unknown; reason?: unknown };
          try {
            body = JSON.parse(event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? '')) as typeof body;
          } catch {
            return problem(400, 'the body must be JSON: {"decision": "approve" | "reject", "reason": "…"}');
          }
          const reason = typeof body.reason === 'string' && body.reason.trim() ? body.reason.trim() : undefined;
          // No verifier name is sent: the decision function records the authenticated principal from the register.
          const parsed = DecisionSchema.safeParse({
            schemaVersion: 1,
            uploadId: s.uploadId,
            decision: body.decision,
            ...(reason ? { reason } : {}),
            decidedAt: at,
          });
          if (!parsed.success) return problem(400, parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
          const { queue } = deps.decisionsFor(principal);
          const messageId = await queue.send(parsed.data);
          return json(202, {
            sent: parsed.data,
            ...(messageId ? { messageId, outcome: `/api/outcomes/${messageId}` } : {}),
            submission: `/api/submissions/${s.uploadId}`,
          });
        }
        case 'outcome': {
          // What the decision function told this sender about one message (a refusal or a pending technical review is written only there).
          const { senderId } = deps.decisionsFor(principal);
          if (!senderId) return problem(404, 'no outcome: this deployment does not know its sender id');
          const body = await deps.reports.objects.get(outcomeKey(senderId, match[1]!));
          const outcome = body ? (JSON.parse(Buffer.from(body).toString('utf8')) as { principal?: string }) : undefined;
          // On AWS every console user shares the forwarder's SenderId: an outcome is shown only to the principal it names.
          if (!outcome || outcome.principal !== principal.id) return problem(404, `no outcome for message ${match[1]} yet`);
          return json(200, outcome);
        }
        case 'report': {
          const s = await deps.submissions.get(match[1]!);
          if (!s) return problem(404, `no submission ${match[1]}`);
          const no = await denied('read-evidence', s.projectId);
          if (no) return no;
          const format = match[2] as 'html' | 'pdf';
          const doc = await verificationReportDocument(deps.reports, s.projectId, s.uploadId, format);
          return bytes(doc.body, format === 'html' ? 'text/html; charset=utf-8' : 'application/pdf', {
            'content-security-policy': REPORT_CSP,
            ...(format === 'pdf' ? { 'content-disposition': `attachment; filename="verification-${s.projectId}-${s.uploadId}.pdf"` } : {}),
          });
        }
        case 'ledger': {
          const projectId = match[1]!;
          const no = await denied('read-evidence', projectId);
          if (no) return no;
          const [head, entries] = await Promise.all([deps.ledger.getHead(projectId), deps.ledger.listEntries(projectId)]);
          const verdict = verifyChain(entries, head ? { seq: head.seq, lastHash: head.lastHash } : undefined);
          return json(200, { projectId, entries, verification: verdict });
        }
        case 'assemble': {
          const { access, assembly } = deps;
          const answer = await assembleRoute({ access, assembly, ...(deps.rules ? { rules: deps.rules } : {}), principal, projectId: match[1]!, event, at });
          return json(answer.status, answer.body);
        }
      }
      return problem(404, `no API route ${path}`);
    } catch (error) {
      if (error instanceof NotFoundError) return problem(404, error.message);
      if (error instanceof NotDecidedError) return problem(409, error.message);
      deps.onError?.(error);
      return problem(500, 'internal error (logged); try again, or tell the operator the time of the request');
    }
  };
}

function serveStatic(deps: ApiDeps, method: string, path: string): Result {
  if (method !== 'GET' && method !== 'HEAD') return problem(405, `${method} is not allowed on ${path}`);
  const rel = path === '/' ? 'index.html' : path.startsWith('/console/') ? path.slice('/console/'.length) : undefined;
  if (rel === undefined || rel.includes('..') || !/^[\w./-]+$/.test(rel)) return problem(404, `no page ${path}`);
  // The token exchange of the sign-in goes to the user pool's domain, the only other origin the console talks to.
  const csp = deps.signIn ? CONSOLE_CSP.replace("connect-src 'self'", `connect-src 'self' ${deps.signIn.domain}`) : CONSOLE_CSP;
  if (rel === 'config.json')
    return {
      ...json(200, { signIn: deps.signIn ?? null }),
      headers: { 'content-type': 'application/json; charset=utf-8', ...SECURITY_HEADERS, 'content-security-policy': csp },
    };
  const file = deps.staticFile(rel);
  if (!file) return problem(404, `no page ${path}`);
  return bytes(file.body, file.type, { 'content-security-policy': csp, 'cache-control': 'no-cache' });
}
