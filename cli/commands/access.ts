import { ProjectAssignmentSchema } from '../../core/access/registers.ts';
import { appendAuditEvent } from '../../core/audit/audit.ts';
import { ProjectSchema } from '../../core/project/project.ts';
import { dynamoAccess } from '../../functions/shared/aws/access-store.ts';
import { dynamoAuditStore } from '../../functions/shared/aws/audit-store.ts';
import { dynamoProjects } from '../../functions/shared/aws/dynamo-repositories.ts';
import { retagEvidence } from '../../functions/shared/aws/s3-stores.ts';
import { ENV } from '../../functions/shared/resources.ts';
import { parse } from '../args.ts';
import { createCliAws, type AwsFactory } from '../aws-clients.ts';
import { callerActor, cliEventId } from '../caller.ts';
import { UsageError, type Command } from './types.ts';

const USAGE = [
  'mrv access assign <project-id> --body <verification body> [--validation-body <body>] [--scope <sectoral scope>] [--authorisation <ref>]',
  '       mrv access list                      the registered principals (sites, verifiers, registrars)',
].join('\n');

/** `mrv access …` for the registrar: assign a project's verification body (audited), list the register. */
export function makeAccessCommand(aws: AwsFactory = createCliAws): Command {
  return {
    name: 'access',
    summary: 'Registrar: assign verification bodies to projects, list the access register',
    usage: USAGE,
    async run(argv, io) {
      const { values, positionals } = parse(argv, {
        body: { type: 'string' },
        'validation-body': { type: 'string' },
        scope: { type: 'string' },
        authorisation: { type: 'string' },
      });
      const [sub, projectId] = positionals;
      const a = aws(io.env);
      const env = a.resources([ENV.accessTable, ENV.auditTable, ENV.projectsTable]);
      const access = dynamoAccess(a.ddb, env[ENV.accessTable]);
      if (sub === 'list') {
        for (const r of await access.listPrincipals())
          io.out(
            `${r.principal.padEnd(44)} ${r.role.padEnd(9)} ${r.name}${r.role === 'site' ? ` (project ${r.projectId})` : r.role === 'verifier' ? ` (${r.body}, ${r.accreditationRef}, scopes ${r.sectoralScopes.join(',')}, ${r.validFrom} – ${r.validTo}${r.suspended ? ', SUSPENDED' : ''})` : ''}`,
          );
        return 0;
      }
      if (sub !== 'assign' || !projectId)
        throw new UsageError(sub && sub !== 'assign' ? `unknown subcommand "${sub}"` : 'a subcommand is required (assign <project-id> --body <body>)');
      if (!values.body) throw new UsageError('assign needs --body <verification body>');
      const project = ProjectSchema.safeParse(await dynamoProjects(a.ddb, env[ENV.projectsTable]).get(projectId));
      if (!project.success) {
        io.err(`Project ${projectId} is not registered (mrv project list).`);
        return 2;
      }
      const actor = callerActor(io.env);
      const at = new Date().toISOString();
      const assignment = ProjectAssignmentSchema.parse({
        projectId,
        verificationBody: values.body,
        mechanism: project.data.mechanism,
        ...(values['validation-body'] ? { validationBody: values['validation-body'] } : {}),
        ...(values.scope ? { sectoralScope: values.scope } : {}),
        ...(values.authorisation ? { sameBodyAuthorisation: values.authorisation } : {}),
        assignedAt: at,
        assignedBy: actor.principal,
      });
      await access.putAssignment(assignment);
      // The project's evidence follows the assignment: re-tagged so that only the new body's verifiers read it.
      const { [ENV.bucket]: bucket } = a.resources([ENV.bucket]);
      const retagged = await retagEvidence(a.s3, bucket, projectId, assignment.verificationBody);
      await appendAuditEvent(
        dynamoAuditStore(a.ddb, env[ENV.auditTable]),
        {
          projectId,
          eventId: cliEventId('body.assign', projectId, at),
          action: 'body.assign',
          actor,
          at,
          subject: projectId,
          details: { verificationBody: assignment.verificationBody, ...(assignment.validationBody ? { validationBody: assignment.validationBody } : {}) },
        },
        at,
      );
      io.out(
        `Project ${projectId} is assigned to the verification body ${assignment.verificationBody}${assignment.validationBody ? ` (validated by ${assignment.validationBody})` : ''}; ${retagged} evidence object(s) re-tagged for it.`,
      );
      return 0;
    },
  };
}

export const accessCommand: Command = makeAccessCommand();
