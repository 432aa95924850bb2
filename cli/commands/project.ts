import { registrationWarnings } from '../../core/project/registration.ts';
import { supersessionNote } from '../../core/methodology/registry.ts';
import { ProjectSchema } from '../../core/project/project.ts';
import { diffRegistrations, renderDiff } from '../../core/project/versions.ts';
import { dynamoProjects } from '../../functions/shared/aws/dynamo-repositories.ts';
import { ENV } from '../../functions/shared/resources.ts';
import { registry } from '../../methodologies/index.ts';
import { parse } from '../args.ts';
import { createCliAws, type AwsFactory } from '../aws-clients.ts';
import { loadProjectFile } from '../load.ts';
import { registerProject } from '../services/projects.ts';
import { UsageError, type Command } from './types.ts';

const USAGE = [
  'mrv project register <project.json> [--by <name>] [--reason "…"]   (a changed registration needs --reason: it becomes version n+1)',
  '       mrv project list',
  '       mrv project show <project-id> [--history]                     (--history: every version, who, when, why, and what changed)',
].join('\n');

/**
 * `mrv project …`: register a project (validated by core's ProjectSchema, its methodology and its
 * declared scale: core/project/registration.ts), list, show. Registrations are versioned, never
 * overwritten (functions/shared/aws/dynamo-repositories.ts).
 */
export function makeProjectCommand(aws: AwsFactory = createCliAws): Command {
  return {
    name: 'project',
    summary: 'Register (versioned), list and show projects in the pipeline (projects table)',
    usage: USAGE,
    async run(argv, io) {
      const { values, positionals } = parse(argv, { by: { type: 'string' }, reason: { type: 'string' }, history: { type: 'boolean' } });
      const [sub, arg] = positionals;
      const open = () => {
        const a = aws(io.env);
        return dynamoProjects(a.ddb, a.resources([ENV.projectsTable])[ENV.projectsTable]);
      };
      switch (sub) {
        case 'register': {
          if (!arg) throw new UsageError('register needs a project registration file');
          const project = await loadProjectFile(arg, io.cwd);
          const by = values.by ?? io.env.MRV_USER ?? io.env.USER;
          // ConfigError (exit 2): methodology, parameters, GWP overrides, declared scale
          const outcome = await registerProject(aws(io.env), io.env, project, { ...(by ? { by } : {}), ...(values.reason ? { reason: values.reason } : {}) });
          const p = outcome.version.registration;
          const what = `${p.methodology}, ${p.mechanism}, host ${p.hostCountry}${p.leastDevelopedCountry ? ', LDC' : ''}, ${p.scale}-scale`;
          if (outcome.kind === 'unchanged')
            io.out(`Project ${p.id} is already registered with this content (version ${outcome.version.version}); nothing changed.`);
          else if (outcome.kind === 'created') io.out(`Registered project ${p.id} (${what}), version 1.`);
          else {
            io.out(
              `Registered project ${p.id} version ${outcome.version.version} (was ${outcome.previous.version}) by ${outcome.version.registeredBy}: ${outcome.version.reason}.`,
            );
            for (const line of renderDiff(diffRegistrations(outcome.previous.registration, p))) io.out(`  ${line}`);
            io.out('Uploads from now on use this version; approved ledger entries keep verifying against the version they used.');
          }
          for (const w of registrationWarnings(p)) io.err(`warning: ${w}`);
          if (outcome.kind !== 'unchanged') io.out(`Upload monitoring files with: mrv upload ${p.id} <file>`);
          const superseded = registry.supersededBy(p.methodology);
          if (superseded) io.err(`warning: ${supersessionNote(p.methodology, superseded)}`);
          return 0;
        }
        case 'list': {
          const items = await open().list();
          if (!items.length) io.out('No projects registered.');
          for (const raw of items) {
            const p = ProjectSchema.safeParse(raw);
            if (p.success)
              io.out(
                `${p.data.id.padEnd(32)} ${p.data.methodology.padEnd(28)} ${p.data.mechanism.padEnd(5)} ${p.data.hostCountry} ${p.data.scale.padEnd(5)} ${p.data.name}`,
              );
            else io.out(`${String((raw as { id?: unknown })?.id ?? '?').padEnd(32)} (invalid registration)`);
          }
          return 0;
        }
        case 'show': {
          if (!arg) throw new UsageError('show needs a project id');
          const repo = open();
          if (values.history) {
            const versions = await repo.history(arg);
            if (!versions.length) {
              io.err(`Project ${arg} is not registered.`);
              return 1;
            }
            for (const [i, v] of versions.entries()) {
              io.out(`version ${v.version}  ${v.registeredAt}  by ${v.registeredBy}  sha256 ${v.hash}${v.reason ? `\n  reason: ${v.reason}` : ''}`);
              const changes = i === 0 ? [] : renderDiff(diffRegistrations(versions[i - 1]!.registration, v.registration));
              if (i === 0) io.out('  (first registration)');
              else for (const line of changes.length ? changes : ['(no change in content)']) io.out(`  ${line}`);
            }
            return 0;
          }
          const raw = await repo.get(arg);
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

export const projectCommand: Command = makeProjectCommand();
