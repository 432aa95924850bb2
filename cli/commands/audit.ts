import { auditCsv, verifyAuditChain } from '../../core/audit/audit.ts';
import { dynamoAuditStore } from '../../functions/shared/aws/audit-store.ts';
import { dynamoProjects } from '../../functions/shared/aws/dynamo-repositories.ts';
import { ENV } from '../../functions/shared/resources.ts';
import { parse } from '../args.ts';
import { createCliAws, type AwsFactory } from '../aws-clients.ts';
import { UsageError, type Command } from './types.ts';

const USAGE = 'mrv audit export <project-id> [--format csv|json] | mrv audit verify <project-id>';

/**
 * `mrv audit …`: a project's hash-chained audit trail (every registration, upload, decision, refusal and
 * body assignment, with actor and time). `verify` exits 1 naming the first broken event, and 2 for a
 * project that is not registered (never "an intact empty chain" for a typo).
 */
export function makeAuditCommand(aws: AwsFactory = createCliAws): Command {
  return {
    name: 'audit',
    summary: "Export or verify a project's hash-chained audit trail",
    usage: USAGE,
    async run(argv, io) {
      const { values, positionals } = parse(argv, { format: { type: 'string' } });
      const [sub, projectId] = positionals;
      if ((sub !== 'export' && sub !== 'verify') || !projectId)
        throw new UsageError(sub && sub !== 'export' && sub !== 'verify' ? `unknown subcommand "${sub}"` : 'a subcommand and a project id are required');
      const format = values.format ?? 'csv';
      if (format !== 'csv' && format !== 'json') throw new UsageError(`--format must be csv or json, not ${JSON.stringify(format)}`);
      const a = aws(io.env);
      const env = a.resources([ENV.auditTable, ENV.projectsTable]);
      if ((await dynamoProjects(a.ddb, env[ENV.projectsTable]).get(projectId)) === undefined) {
        io.err(`Project ${projectId} is not registered (mrv project list).`);
        return 2;
      }
      const events = await dynamoAuditStore(a.ddb, env[ENV.auditTable]).list(projectId);
      if (sub === 'export') {
        io.out(format === 'json' ? JSON.stringify(events, null, 2) : auditCsv(events).trimEnd());
        return 0;
      }
      const verdict = verifyAuditChain(events);
      if (verdict.ok) {
        io.out(
          `Audit trail of ${projectId}: ${verdict.length} event${verdict.length === 1 ? '' : 's'}, chain intact${verdict.length ? `, last ${verdict.lastHash}` : ''}.`,
        );
        return 0;
      }
      io.err(`Audit trail of ${projectId}: BROKEN at event ${verdict.seq}: ${verdict.message}.`);
      return 1;
    },
  };
}

export const auditCommand: Command = makeAuditCommand();
