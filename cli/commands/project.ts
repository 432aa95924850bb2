import { resolveProject } from '../../core/calculation/calculate.ts';
import { ProjectSchema } from '../../core/project/project.ts';
import { dynamoProjects } from '../../functions/shared/aws/dynamo-repositories.ts';
import { ENV } from '../../functions/shared/resources.ts';
import { registry } from '../../methodologies/index.ts';
import { createCliAws, type AwsFactory } from '../aws-clients.ts';
import { appendAuditEvent } from '../../core/audit/audit.ts';
import { dynamoAuditStore } from '../../functions/shared/aws/audit-store.ts';
import { callerActor, cliEventId } from '../caller.ts';
import { loadProjectFile } from '../load.ts';
import { UsageError, type Command } from './types.ts';

const USAGE = 'mrv project register <project.json> | mrv project list | mrv project show <project-id>';

/** `mrv project …`: register a project (validated by core's ProjectSchema and its methodology), list, show. */
export function makeProjectCommand(aws: AwsFactory = createCliAws): Command {
  return {
    name: 'project',
    summary: 'Register, list and show projects in the pipeline (projects table)',
    usage: USAGE,
    async run(args, io) {
      const [sub, arg] = args;
      const open = () => {
        const a = aws(io.env);
        return dynamoProjects(a.ddb, a.resources([ENV.projectsTable])[ENV.projectsTable]);
      };
      switch (sub) {
        case 'register': {
          if (!arg) throw new UsageError('register needs a project registration file');
          const project = await loadProjectFile(arg, io.cwd);
          resolveProject(project, registry); // ConfigError (exit 2) if the methodology refuses the parameters
          const at = new Date().toISOString();
          const projects = open();
          const existed = (await projects.get(project.id)) !== undefined;
          const stored = await projects.register(project, at);
          await auditProject(aws(io.env), io.env, stored.id, existed ? 'project.change' : 'project.register', at, stored.methodology);
          io.out(`Registered project ${stored.id} (${stored.methodology}, ${stored.mechanism}, host ${stored.hostCountry}${stored.leastDevelopedCountry ? ', LDC' : ''}, ${stored.scale}-scale).`);
          io.out(`Upload monitoring files with: mrv upload ${stored.id} <file>`);
          return 0;
        }
        case 'list': {
          const items = await open().list();
          if (!items.length) io.out('No projects registered.');
          for (const raw of items) {
            const p = ProjectSchema.safeParse(raw);
            if (p.success) io.out(`${p.data.id.padEnd(32)} ${p.data.methodology.padEnd(28)} ${p.data.mechanism.padEnd(5)} ${p.data.hostCountry} ${p.data.scale.padEnd(5)} ${p.data.name}`);
            else io.out(`${String((raw as { id?: unknown })?.id ?? '?').padEnd(32)} (invalid registration)`);
          }
          return 0;
        }
        case 'show': {
          if (!arg) throw new UsageError('show needs a project id');
          const raw = await open().get(arg);
          if (raw === undefined) {
            io.err(`Project ${arg} is not registered.`);
            return 1;
          }
          io.out(JSON.stringify(raw, null, 2));
          return 0;
        }
        default:
          throw new UsageError(sub ? `unknown subcommand "${sub}"` : 'a subcommand is required');
      }
    },
  };
}

/** The registration in the project's audit trail (issue 13), with the caller's credentials as the actor. */
async function auditProject(a: ReturnType<AwsFactory>, env: NodeJS.ProcessEnv, projectId: string, action: 'project.register' | 'project.change', at: string, methodology: string): Promise<void> {
  const store = dynamoAuditStore(a.ddb, a.resources([ENV.auditTable])[ENV.auditTable]);
  await appendAuditEvent(store, { projectId, eventId: cliEventId(action, projectId, at), action, actor: callerActor(env), at, subject: projectId, details: { methodology } }, at);
}

export const projectCommand: Command = makeProjectCommand();
