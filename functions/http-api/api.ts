import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { verifyChain, type LedgerEntry } from '../../core/ledger/entry.ts';
import { NotDecidedError } from '../../core/report/verification-report.ts';
import { DecisionSchema } from '../../core/review/schemas.ts';
import type { Submission } from '../../core/review/submission.ts';
import type { DecisionQueue } from '../shared/ports.ts';
import { loadSubmissionReport, NotFoundError, renderReportSections, verificationReportDocument, type ReportSources } from '../shared/verification-reports.ts';
import { authorizeApi, Unauthenticated, type ApiAction, type ApiPrincipal } from './principal.ts';

/**
 * The review console's HTTP API (API Gateway HTTP API, payload 2.0; the local stack serves the same
 * handler). Routes under /api need an authenticated principal; `/` and `/console/*` are the console's
 * static files (no data). Reads go to the tables and the bucket through the shared repositories;
 * decisions go to the decision queue, exactly as `mrv review approve|reject` sends them, and the
 * decision function records them.
 */

export interface ApiDeps {
  /** The caller, from the verified token; throws {@link Unauthenticated}. */
  readonly authenticate: (event: APIGatewayProxyEventV2) => ApiPrincipal | Promise<ApiPrincipal>;
  readonly submissions: {
    get(uploadId: string): Promise<Submission | undefined>;
    listByStatus(status: Submission['status']): Promise<Submission[]>;
    listByProject(projectId: string): Promise<Submission[]>;
  };
  readonly ledger: { getHead(projectId: string): Promise<{ seq: number; lastHash: string } | undefined>; listEntries(projectId: string): Promise<LedgerEntry[]> };
  readonly decisions: DecisionQueue;
  readonly reports: ReportSources;
  /** A static console file (`index.html`, `app.js`, `katex/…`); undefined when there is none. */
  readonly staticFile: (path: string) => { body: Uint8Array | string; type: string } | undefined;
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
const CONSOLE_CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; frame-ancestors 'self'";

const json = (status: number, value: unknown): Result => ({ statusCode: status, headers: { 'content-type': 'application/json; charset=utf-8', ...SECURITY_HEADERS }, body: JSON.stringify(value) });
const problem = (status: number, message: string): Result => json(status, { error: message });
const bytes = (body: Uint8Array | string, type: string, extra: Record<string, string> = {}): Result =>
  typeof body === 'string' ? { statusCode: 200, headers: { 'content-type': type, ...SECURITY_HEADERS, ...extra }, body } : { statusCode: 200, headers: { 'content-type': type, ...SECURITY_HEADERS, ...extra }, body: Buffer.from(body).toString('base64'), isBase64Encoded: true };

const UPLOAD_ID = '([0-9a-f]{32})';
const PROJECT = '([a-z0-9][a-z0-9-]{1,62})';
const ROUTES: readonly { method: string; pattern: RegExp; name: string }[] = [
  { method: 'GET', pattern: /^\/api\/me$/, name: 'me' },
  { method: 'GET', pattern: /^\/api\/queue$/, name: 'queue' },
  { method: 'GET', pattern: new RegExp(`^/api/submissions/${UPLOAD_ID}$`), name: 'evidence' },
  { method: 'POST', pattern: new RegExp(`^/api/submissions/${UPLOAD_ID}/decision$`), name: 'decide' },
  { method: 'GET', pattern: new RegExp(`^/api/submissions/${UPLOAD_ID}/verification\\.(html|pdf)$`), name: 'report' },
  { method: 'GET', pattern: new RegExp(`^/api/projects/${PROJECT}/ledger$`), name: 'ledger' },
];

/** What the queue lists per submission (no evidence: that is one request per item). */
function summary(s: Submission) {
  const i = s.reviewItem;
  return {
    uploadId: s.uploadId,
    projectId: s.projectId,
    status: s.status,
    ...(s.statusReason ? { statusReason: s.statusReason } : {}),
    createdAt: s.createdAt,
    file: s.file.key,
    ...(s.period ? { period: s.period } : {}),
    ...(i ? { methodology: `${i.methodology.id}@${i.methodology.version}`, er: i.totals.ER, units: i.issuable.units, materiality: i.materiality.percent, warnings: i.warnings } : {}),
    ...(s.decision ? { decision: { decision: s.decision.decision, verifier: s.decision.verifier, decidedAt: s.decision.decidedAt, ...(s.decision.reason ? { reason: s.decision.reason } : {}) } } : {}),
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
      let principal: ApiPrincipal;
      try {
        principal = await deps.authenticate(event);
      } catch (error) {
        if (error instanceof Unauthenticated) return problem(401, error.message);
        throw error;
      }
      const allow = (action: ApiAction, projectId?: string) => {
        const a = authorizeApi(principal, action, projectId !== undefined ? { projectId } : {});
        return a.allowed ? undefined : problem(403, a.reason);
      };
      switch (route.name) {
        case 'me':
          return json(200, principal);
        case 'queue': {
          const denied = allow('read-queue');
          if (denied) return denied;
          if (principal.role === 'site') {
            const own = await deps.submissions.listByProject(principal.projectId!);
            return json(200, { pending: own.filter((s) => s.status === 'pending-review').map(summary), decided: own.filter((s) => s.status !== 'pending-review').map(summary) });
          }
          const [pending, approved, rejected, refused] = await Promise.all((['pending-review', 'approved', 'rejected', 'refused'] as const).map((s) => deps.submissions.listByStatus(s)));
          const decided = [...approved!, ...rejected!, ...refused!].filter((s) => s.decision).sort((a, b) => (b.decision!.decidedAt ?? '').localeCompare(a.decision!.decidedAt ?? ''));
          return json(200, { pending: pending!.map(summary), decided: decided.map(summary) });
        }
        case 'evidence': {
          const s = await deps.submissions.get(match[1]!);
          if (!s) return problem(404, `no submission ${match[1]}`);
          const denied = allow('read-evidence', s.projectId);
          if (denied) return denied;
          if (!s.reviewItem) return json(200, { submission: summary(s), html: `<p>This upload did not pass validation (${s.validation}); its validation report is ${s.reportKey}.</p>` });
          const { report } = await loadSubmissionReport(deps.reports, s.uploadId, { preview: true });
          return json(200, { submission: summary(s), html: renderReportSections(report), charts: report.charts.length, ...(s.decision ? { reports: { html: `/api/submissions/${s.uploadId}/verification.html`, pdf: `/api/submissions/${s.uploadId}/verification.pdf` } } : {}) });
        }
        case 'decide': {
          const s = await deps.submissions.get(match[1]!);
          if (!s) return problem(404, `no submission ${match[1]}`);
          const denied = allow('decide', s.projectId);
          if (denied) return denied;
          if (s.status !== 'pending-review') return problem(409, `submission ${s.uploadId} is ${s.status}${s.decision ? ` (decided: ${s.decision.decision} by ${s.decision.verifier})` : ''}; nothing sent`);
          let body: { decision?: unknown; reason?: unknown };
          try {
            body = JSON.parse(event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? '')) as typeof body;
          } catch {
            return problem(400, 'the body must be JSON: {"decision": "approve" | "reject", "reason": "…"}');
          }
          const reason = typeof body.reason === 'string' && body.reason.trim() ? body.reason.trim() : undefined;
          // The verifier is the authenticated principal, never a name from the body.
          const parsed = DecisionSchema.safeParse({ schemaVersion: 1, uploadId: s.uploadId, decision: body.decision, verifier: principal.name, ...(reason ? { reason } : {}), decidedAt: deps.now().toISOString() });
          if (!parsed.success) return problem(400, parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
          await deps.decisions.send(parsed.data);
          return json(202, { sent: parsed.data, outcome: `/api/submissions/${s.uploadId}` });
        }
        case 'report': {
          const s = await deps.submissions.get(match[1]!);
          if (!s) return problem(404, `no submission ${match[1]}`);
          const denied = allow('read-evidence', s.projectId);
          if (denied) return denied;
          const format = match[2] as 'html' | 'pdf';
          const doc = await verificationReportDocument(deps.reports, s.projectId, s.uploadId, format);
          return bytes(doc.body, format === 'html' ? 'text/html; charset=utf-8' : 'application/pdf', {
            'content-security-policy': REPORT_CSP,
            ...(format === 'pdf' ? { 'content-disposition': `attachment; filename="verification-${s.projectId}-${s.uploadId}.pdf"` } : {}),
          });
        }
        case 'ledger': {
          const projectId = match[1]!;
          const denied = allow('read-ledger', projectId);
          if (denied) return denied;
          const [head, entries] = await Promise.all([deps.ledger.getHead(projectId), deps.ledger.listEntries(projectId)]);
          const verdict = verifyChain(entries, head ? { seq: head.seq, lastHash: head.lastHash } : undefined);
          return json(200, { projectId, entries, verification: verdict });
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
  const file = deps.staticFile(rel);
  if (!file) return problem(404, `no page ${path}`);
  return bytes(file.body, file.type, { 'content-security-policy': CONSOLE_CSP, 'cache-control': 'no-cache' });
}
