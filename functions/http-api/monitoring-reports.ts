import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Actor } from '../../core/access/authorize.ts';
import type { Principal } from '../../core/access/principal.ts';
import type { AccessRules } from '../../core/access/rules.ts';
import { appendAuditEvent, type AuditActor, type AuditStore } from '../../core/audit/audit.ts';
import { ConfigError } from '../../core/errors.ts';
import type { MonitoringReport } from '../../core/report/monitoring-report.ts';
import { StoredPeriodSchema } from '../../core/time/period.ts';
import { assembleReport, type AssembleDeps } from '../assemble-report/assemble.ts';
import { authorizeApi, type AccessLookup } from './principal.ts';

/**
 * `POST /api/projects/{project}/monitoring-reports`: the site (project participant) submits its
 * monitoring report under its own authenticated identity, as `mrv report assemble` does with IAM
 * credentials. core/access authorizes `assemble-report` for the token's principal (the site of this
 * project, or the registrar); the audit event `monitoring-report.assemble` names that authorized actor,
 * never anything in the body. An access refusal is audited in the project's chain
 * (`monitoring-report.refuse`, outcome = the refusal code), as the decision function audits
 * `decision.refuse`, when the project is registered (an unregistered id has no chain to write to).
 *
 * Answers: 201 `{ outcome: 'queued', report }` (a new report queued for review); 200
 * `{ outcome: 'existing', report }` (the same uploads for the same period were assembled before);
 * 422 `{ outcome: 'refused', report, error }` (the report was assembled and stored, but its uploads do
 * not make a valid report: `report.problems` say why, and nothing is queued); 400 a bad body or a
 * request that cannot be assembled (a period that does not parse, an upload not of this project);
 * 403 `{ error, code }` an access refusal.
 */

/** assembleReport's dependencies but the audit actor (the authorized caller), and the audit trail refusals go to. */
export interface AssemblyDeps {
  readonly deps: Omit<AssembleDeps, 'audit'>;
  readonly audit: AuditStore;
}

/** Most uploads one request may name (a year of daily files, with room to spare). */
const MAX_UPLOAD_IDS = 1000;

export const AssembleBodySchema = z.object({
  /** `<first-day>..<last-day>` on the site's clock (both included), or a Period. */
  period: z.union([z.string().trim().min(1, 'expected "<first-day>..<last-day>" (local dates of the site, both included)').max(200), StoredPeriodSchema]),
  uploadIds: z
    .array(z.string().regex(/^[0-9a-f]{32}$/, 'expected an upload id (32 hexadecimal characters)'))
    .min(1)
    .max(MAX_UPLOAD_IDS)
    .optional(),
});

export type AssembleBody = z.infer<typeof AssembleBodySchema>;

/** The body as JSON and checked; a string naming the field when it is not acceptable. */
export function parseAssembleBody(event: Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded'>): AssembleBody | string {
  let raw: unknown;
  try {
    raw = JSON.parse(event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? ''));
  } catch {
    return 'the body must be JSON: {"period": "<first-day>..<last-day>", "uploadIds": ["…"]}';
  }
  const parsed = AssembleBodySchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  return parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
}

export const auditActorOf = (a: Actor): AuditActor => ({
  principal: a.principal,
  role: a.role,
  name: a.name,
  ...(a.personId ? { personId: a.personId } : {}),
  ...(a.body ? { body: a.body } : {}),
});

export interface AssembleRouteInput {
  readonly access: AccessLookup;
  readonly rules?: AccessRules;
  readonly assembly: AssemblyDeps;
  readonly principal: Principal;
  readonly projectId: string;
  readonly event: APIGatewayProxyEventV2;
  /** The time of the request (ISO date-time). */
  readonly at: string;
}

export type AssembleRouteAnswer =
  | { readonly status: 201 | 200 | 422; readonly body: { outcome: 'queued' | 'existing' | 'refused'; report: MonitoringReport; error?: string } }
  | { readonly status: 400 | 403; readonly body: { error: string; code?: string } };

export async function assembleRoute(input: AssembleRouteInput): Promise<AssembleRouteAnswer> {
  const { principal, projectId, at } = input;
  const access = await authorizeApi(input.access, principal, 'assemble-report', { projectId }, { at, ...(input.rules ? { rules: input.rules } : {}) });
  if (!access.allowed) {
    await auditRefusal(input, access.code, access.reason, access.actor);
    return { status: 403, body: { error: access.reason, code: access.code } };
  }
  const body = parseAssembleBody(input.event);
  if (typeof body === 'string') return { status: 400, body: { error: body } };
  try {
    const outcome = await assembleReport(
      { ...input.assembly.deps, audit: { store: input.assembly.audit, actor: auditActorOf(access.actor) } },
      { projectId, period: body.period, ...(body.uploadIds ? { uploadIds: body.uploadIds } : {}) },
    );
    const { kind, report } = outcome;
    if (kind === 'refused') return { status: 422, body: { outcome: kind, report, error: `monitoring report refused: ${report.problems.join(' ')}` } };
    return { status: kind === 'queued' ? 201 : 200, body: { outcome: kind, report } };
  } catch (error) {
    // The request cannot be assembled as given (period, uploads, registration): the message says what to change.
    if (error instanceof ConfigError) return { status: 400, body: { error: error.message, code: error.code } };
    throw error;
  }
}

/** An access refusal in the project's audit trail, when the project is registered (deny by default stays silent otherwise). */
async function auditRefusal(input: AssembleRouteInput, code: string, reason: string, actor: Actor | undefined): Promise<void> {
  const { projectId, principal, at } = input;
  if ((await input.assembly.deps.projects.get(projectId)) === undefined) return;
  // One event per request: API Gateway's request id (the local stack sets one too), else the caller and the time.
  const requestId = input.event.requestContext?.requestId;
  const eventId = `api:${requestId ?? createHash('sha256').update(`${principal.id}\u0000${at}`).digest('hex').slice(0, 32)}`;
  await appendAuditEvent(
    input.assembly.audit,
    {
      projectId,
      eventId,
      action: 'monitoring-report.refuse',
      actor: actor ? auditActorOf(actor) : { principal: principal.id },
      at,
      outcome: code,
      reason,
      details: { via: 'http-api' },
    },
    at,
  );
}
