import { appendAuditEvent } from '../../core/audit/audit.ts';
import { checkRegistration } from '../../core/calculation/resolve.ts';
import type { Project } from '../../core/project/project.ts';
import { dynamoAuditStore } from '../../functions/shared/aws/audit-store.ts';
import { dynamoProjects, type RegisterOutcome } from '../../functions/shared/aws/dynamo-repositories.ts';
import { ENV } from '../../functions/shared/resources.ts';
import { registry } from '../../methodologies/index.ts';
import type { CliAws } from '../aws-clients.ts';
import { callerActor, cliEventId } from '../caller.ts';

export type { RegisterOutcome };

/**
 * Registers a project (a new registration, or version n+1 of a changed one) as the registrar: checked
 * against its methodology first (ConfigError, exit 2, names what is wrong), then written to the projects
 * table (versioned, never overwritten) and, when something changed, recorded in the project's audit trail
 * with the caller's credentials as the actor. The service behind `mrv project register`; the local stack
 * calls it directly for the bundled samples.
 */
export async function registerProject(
  aws: CliAws,
  env: NodeJS.ProcessEnv,
  project: Project,
  options: { readonly by?: string; readonly reason?: string; readonly at?: string } = {},
): Promise<RegisterOutcome> {
  checkRegistration(project, registry);
  const at = options.at ?? new Date().toISOString();
  const repo = dynamoProjects(aws.ddb, aws.resources([ENV.projectsTable])[ENV.projectsTable]);
  const outcome = await repo.register(project, at, { ...(options.by ? { by: options.by } : {}), ...(options.reason ? { reason: options.reason } : {}) });
  if (outcome.kind !== 'unchanged') {
    const p = outcome.version.registration;
    const action = outcome.kind === 'created' ? 'project.register' : 'project.change';
    const store = dynamoAuditStore(aws.ddb, aws.resources([ENV.auditTable])[ENV.auditTable]);
    await appendAuditEvent(
      store,
      { projectId: p.id, eventId: cliEventId(action, p.id, at), action, actor: callerActor(env), at, subject: p.id, details: { methodology: p.methodology } },
      at,
    );
  }
  return outcome;
}
