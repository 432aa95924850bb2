import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Actor } from '../../core/access/authorize.ts';
import type { Principal } from '../../core/access/principal.ts';
import type { AccessRules } from '../../core/access/rules.ts';
import type { MonitoringReport } from '../../core/report/monitoring-report.ts';
import { ReportPeriodInputSchema, UploadIdsSchema, type AssemblyPort } from '../assemble-report/request.ts';
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
 *
 * This function authorizes and checks the body; the assembly itself, and the audit events, are the
 * assembly function's (functions/assemble-report/handler.ts), reached through {@link AssemblyPort}: on
 * AWS a synchronous Lambda invocation (./assembly-client.ts), so this internet-facing function holds no
 * write on the submissions, results, review queue or audit trail; in tests and the local stack, in process.
 * A failed invocation (FunctionError) is a system fault: 500.
 */

export const AssembleBodySchema = z.object({
  /** `<first-day>..<last-day>` on the site's clock (both included), or a Period. */
  period: ReportPeriodInputSchema,
  uploadIds: UploadIdsSchema.optional(),
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

/** The actor core/access resolved, as the assembly function's request names it (the audit actor). */
const actorOf = (a: Actor) => ({
  principal: a.principal,
  role: a.role,
  name: a.name,
  ...(a.personId ? { personId: a.personId } : {}),
  ...(a.body ? { body: a.body } : {}),
});

export interface AssembleRouteInput {
  readonly access: AccessLookup;
  readonly rules?: AccessRules;
  /** The assembly function (in process, or invoked on AWS). */
  readonly assembly: AssemblyPort;
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
  const actor = access.actor;
  // Only the site of this project or the registrar is allowed assemble-report (core/access).
  if (actor.role === 'verifier') throw new Error(`core/access allowed assemble-report to a verifier (${actor.principal}); nothing sent`);
  const answer = await input.assembly({
    kind: 'assemble',
    projectId,
    period: body.period,
    ...(body.uploadIds ? { uploadIds: body.uploadIds } : {}),
    actor: { ...actorOf(actor), role: actor.role },
  });
  switch (answer.outcome) {
    case 'refused':
      return { status: 422, body: { outcome: answer.outcome, report: answer.report, error: `monitoring report refused: ${answer.report.problems.join(' ')}` } };
    case 'queued':
    case 'existing':
      return { status: answer.outcome === 'queued' ? 201 : 200, body: { outcome: answer.outcome, report: answer.report } };
    // The request cannot be assembled as given (period, uploads, registration): the message says what to change.
    case 'invalid':
      return { status: 400, body: { error: answer.error, code: answer.code } };
    // The assembly function authorizes the actor again against the registers: a register changed between the two checks.
    case 'forbidden':
      return { status: 403, body: { error: answer.error, code: answer.code } };
    default:
      throw new Error(`the assembly function answered ${JSON.stringify(answer.outcome)} to an assembly request`);
  }
}

/** An access refusal in the project's audit trail (the assembly function writes it, when the project is registered). */
async function auditRefusal(input: AssembleRouteInput, code: string, reason: string, actor: Actor | undefined): Promise<void> {
  const { projectId, principal, at } = input;
  // One event per request: API Gateway's request id (the local stack sets one too), else the caller and the time.
  // (An id of unexpected characters is not copied into the trail: the assembly function would refuse it.)
  const requestId = input.event.requestContext?.requestId;
  const eventId = `api:${requestId && /^[\w=+/.-]{1,128}$/.test(requestId) ? requestId : createHash('sha256').update(`${principal.id}\u0000${at}`).digest('hex').slice(0, 32)}`;
  await input.assembly({
    kind: 'refusal',
    projectId,
    eventId,
    at,
    code,
    reason: reason.slice(0, 2000),
    actor: actor ? actorOf(actor) : { principal: principal.id },
  });
}
