import { z } from 'zod';
import { authorize, type Actor } from '../../core/access/authorize.ts';
import type { Principal } from '../../core/access/principal.ts';
import { ROLES, type Registers } from '../../core/access/registers.ts';
import type { AccessRules } from '../../core/access/rules.ts';
import { appendAuditEvent, type AuditActor, type AuditStore } from '../../core/audit/audit.ts';
import { ConfigError, MrvError } from '../../core/errors.ts';
import type { MonitoringReport } from '../../core/report/monitoring-report.ts';
import { StoredPeriodSchema } from '../../core/time/period.ts';
import { assembleReport, type AssembleDeps } from './assemble.ts';

/**
 * What the assembly function (./handler.ts) is asked, and what it answers. The HTTP API function
 * (functions/http-api/monitoring-reports.ts) authorizes the caller with core/access and then asks this
 * function, which alone holds the writes of an assembly (the report's submission, its document and
 * merged result, its review item, the audit trail, notifications): the API function may only invoke it.
 * Everything here crosses a process boundary as JSON, so every field is checked again on arrival.
 */

/** Most uploads one request may name (a year of daily files, with room to spare). */
export const MAX_UPLOAD_IDS = 1000;

/** The report period: `<first-day>..<last-day>` on the site's clock (both included), or a Period. */
export const ReportPeriodInputSchema = z.union([
  z.string().trim().min(1, 'expected "<first-day>..<last-day>" (local dates of the site, both included)').max(200),
  StoredPeriodSchema,
]);

export const UploadIdsSchema = z
  .array(z.string().regex(/^[0-9a-f]{32}$/, 'expected an upload id (32 hexadecimal characters)'))
  .min(1)
  .max(MAX_UPLOAD_IDS);

/** A project id as the API's routes accept it (functions/http-api/api.ts). */
const ProjectIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'expected a project id');
const Text = (max: number) => z.string().min(1).max(max);

/** Who acted, as core/access resolved it from the registers (the audit actor); never anything a caller typed. */
const ActorFields = {
  principal: Text(512),
  name: Text(512).optional(),
  personId: Text(256).optional(),
  body: Text(256).optional(),
};

/**
 * Assemble the report of `projectId` for `period` as `actor`: the site of the project or the registrar,
 * whom the API function has already authorized for `assemble-report` (core/access).
 */
export const AssembleEventSchema = z
  .object({
    kind: z.literal('assemble'),
    projectId: ProjectIdSchema,
    period: ReportPeriodInputSchema,
    uploadIds: UploadIdsSchema.optional(),
    actor: z.object({ ...ActorFields, name: Text(512), role: z.enum(['site', 'registrar']) }).strict(),
  })
  .strict();

/**
 * Record a refused attempt (`monitoring-report.refuse`) in the project's audit trail: the API function
 * refused the caller, and no longer writes the trail itself. `eventId` makes it one event per request.
 */
export const RefusalEventSchema = z
  .object({
    kind: z.literal('refusal'),
    projectId: ProjectIdSchema,
    // API Gateway's request ids are base64-like (`JdBcNjzRoAMEbHQ=`); the local stack's are UUIDs.
    eventId: z.string().regex(/^api:[\w=+/.-]{1,128}$/, 'expected api:<request id>'),
    at: z.iso.datetime({ offset: true }),
    code: z.string().regex(/^access\.[a-z_]{1,64}$/, 'expected an access refusal code'),
    reason: Text(2000),
    actor: z.object({ ...ActorFields, role: z.enum(ROLES).optional() }).strict(),
  })
  .strict();

export const AssemblyEventSchema = z.discriminatedUnion('kind', [AssembleEventSchema, RefusalEventSchema]);
export type AssembleEvent = z.infer<typeof AssembleEventSchema>;
export type RefusalEvent = z.infer<typeof RefusalEventSchema>;
export type AssemblyEvent = z.infer<typeof AssemblyEventSchema>;

/**
 * The answer: an assembled report (queued, existing or refused by its own checks); `invalid` when the
 * request cannot be assembled as given (a period that does not parse, an upload not of the project, an
 * invalid registration: a ConfigError, whose message says what to change); `recorded` / `unregistered`
 * for a refusal (an unregistered project has no audit trail to write to). Any other failure is thrown:
 * a system fault, which the caller sees as the invocation's FunctionError.
 */
export type AssemblyAnswer =
  | { readonly outcome: 'queued' | 'existing' | 'refused'; readonly report: MonitoringReport }
  | { readonly outcome: 'invalid'; readonly error: string; readonly code: string }
  /** The registers do not (or no longer) allow the actor `assemble-report` on the project: nothing assembled. */
  | { readonly outcome: 'forbidden'; readonly error: string; readonly code: string }
  | { readonly outcome: 'recorded' | 'unregistered' };

/** The assembly function as its callers see it: in-process (tests, local stack) or a Lambda invocation (functions/http-api/assembly-client.ts). */
export type AssemblyPort = (event: AssemblyEvent) => Promise<AssemblyAnswer>;

/** assembleReport's dependencies but the audit actor (which each request names), and the audit trail. */
export interface AssemblyDeps {
  readonly deps: Omit<AssembleDeps, 'audit'>;
  readonly audit: AuditStore;
  /**
   * The access registers: the function authorizes the actor the request names again, with the same
   * core/access `authorize` as the API, and records the actor as the registers describe it (name, person,
   * body), not as the request does. A compromised caller can then name only a principal that really is
   * the site of that project or the registrar.
   */
  readonly access: { registersFor(principalId: string, projectId: string): Promise<Registers> };
  readonly rules?: AccessRules;
}

/** An event that is not an assembly request: refused before anything is read or written (the invocation fails). */
export class MalformedAssemblyEvent extends MrvError {
  override name = 'MalformedAssemblyEvent';
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super('assembly.malformed_event', `Not an assembly request: ${problems.join('; ')}. Nothing assembled.`, { expose: false });
    this.problems = problems;
  }
}

/** Checks `event` ({@link AssemblyEventSchema}) and carries it out; throws {@link MalformedAssemblyEvent} for anything else. */
export async function runAssemblyEvent(deps: AssemblyDeps, event: unknown): Promise<AssemblyAnswer> {
  const parsed = AssemblyEventSchema.safeParse(event);
  if (!parsed.success) throw new MalformedAssemblyEvent(parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || 'event'}: ${i.message}`));
  const request = parsed.data;
  if (request.kind === 'refusal') return recordRefusal(deps, request);
  const registers = await deps.access.registersFor(request.actor.principal, request.projectId);
  const at = deps.deps.now().toISOString();
  const decision = authorize(principalOf(request.actor.principal), 'assemble-report', { projectId: request.projectId }, registers, {
    at,
    ...(deps.rules ? { rules: deps.rules } : {}),
  });
  if (!decision.allowed) return { outcome: 'forbidden', error: decision.reason, code: decision.code };
  try {
    const { kind, report } = await assembleReport(
      { ...deps.deps, audit: { store: deps.audit, actor: auditActor(registeredActor(decision.actor)) } },
      { projectId: request.projectId, period: request.period, ...(request.uploadIds ? { uploadIds: request.uploadIds } : {}) },
    );
    return { outcome: kind, report };
  } catch (error) {
    // The request cannot be assembled as given (period, uploads, registration): the message says what to change.
    if (error instanceof ConfigError) return { outcome: 'invalid', error: error.message, code: error.code };
    throw error;
  }
}

/** In this process (tests, the local stack): the same checks and the same work as the Lambda function. */
export const inProcessAssembly =
  (deps: AssemblyDeps): AssemblyPort =>
  (event) =>
    runAssemblyEvent(deps, event);

/** A register key (`<source>:<id>`, core/access/principal.ts) as a Principal: its source is its prefix. */
const principalOf = (id: string): Principal => ({ source: id.startsWith('cognito:') ? 'cognito' : id.startsWith('local:') ? 'local' : 'iam', id });

/** The actor as the registers hold it (core/access), in the shape of a request's actor. */
const registeredActor = (a: Actor): AssembleEvent['actor'] => ({
  principal: a.principal,
  role: a.role === 'registrar' ? 'registrar' : 'site',
  name: a.name,
  ...(a.personId ? { personId: a.personId } : {}),
  ...(a.body ? { body: a.body } : {}),
});

const auditActor = (a: AssembleEvent['actor'] | RefusalEvent['actor']): AuditActor => ({
  principal: a.principal,
  ...(a.role ? { role: a.role } : {}),
  ...(a.name ? { name: a.name } : {}),
  ...(a.personId ? { personId: a.personId } : {}),
  ...(a.body ? { body: a.body } : {}),
});

/** An access refusal in the project's audit trail, when the project is registered (deny by default stays silent otherwise). */
async function recordRefusal(deps: AssemblyDeps, r: RefusalEvent): Promise<AssemblyAnswer> {
  if ((await deps.deps.projects.get(r.projectId)) === undefined) return { outcome: 'unregistered' };
  await appendAuditEvent(
    deps.audit,
    {
      projectId: r.projectId,
      eventId: r.eventId,
      action: 'monitoring-report.refuse',
      actor: auditActor(r.actor),
      at: r.at,
      outcome: r.code,
      reason: r.reason,
      details: { via: 'http-api' },
    },
    r.at,
  );
  return { outcome: 'recorded' };
}
