import { formatPeriod } from '../../core/time/period.ts';
import { verifyChain } from '../../core/ledger/entry.ts';
import { dynamoLedgerStore } from '../../functions/shared/aws/ledger-store.ts';
import { dynamoProjects } from '../../functions/shared/aws/dynamo-repositories.ts';
import { ENV } from '../../functions/shared/resources.ts';
import { createCliAws, type AwsFactory } from '../aws-clients.ts';
import { group } from '../render.ts';
import { UsageError, type Command } from './types.ts';

/** `mrv ledger list <project-id>` | `mrv ledger verify <project-id>` (exit 1 naming the first bad entry). */
export function makeLedgerCommand(aws: AwsFactory = createCliAws): Command {
  return {
    name: 'ledger',
    summary: "List a project's hash-chained ledger of approved periods, or verify the chain",
    usage: 'mrv ledger list <project-id> | mrv ledger verify <project-id>',
    async run(args, io) {
      const [sub, projectId] = args;
      if ((sub !== 'list' && sub !== 'verify') || !projectId) throw new UsageError(sub && sub !== 'list' && sub !== 'verify' ? `unknown subcommand "${sub}"` : 'a subcommand and a project id are required');
      const a = aws(io.env);
      const env = a.resources([ENV.ledgerTable, ENV.projectsTable]);
      const store = dynamoLedgerStore(a.ddb, env[ENV.ledgerTable]);
      const [head, entries] = [await store.getHead(projectId), await store.listEntries(projectId)];
      // An unknown project is a usage error (exit 2), never "an intact empty chain".
      if (sub === 'verify' && !head && !entries.length && (await dynamoProjects(a.ddb, env[ENV.projectsTable]).get(projectId)) === undefined) {
        io.err(`Project ${projectId} is not registered (mrv project list).`);
        return 2;
      }
      if (sub === 'list') {
        if (!entries.length) io.out(`The ledger of ${projectId} is empty.`);
        for (const e of entries) {
          const deductions = e.issuance.deductions.map((d) => `${d.purpose} ${group(d.units)}`).join(', ');
          io.out(`#${String(e.seq).padEnd(4)} ${formatPeriod(e.period)}  ER ${e.er}  units ${group(e.issuance.units)}${deductions ? ` (${deductions})` : ''} → participants ${group(e.issuance.toParticipants)}${e.reserveCancellation ? `  reversal ${group(e.reserveCancellation.reversal)}: ${group(e.reserveCancellation.fromReserve)} cancelled from the CCS reserve (${group(e.reserveCancellation.reserveRemaining)} left), ${group(e.reserveCancellation.owedByParticipants)} owed by the participants` : ''}  upload ${e.uploadId}  ${e.methodology.key}  by ${e.verifier}${e.approvedBy?.body ? ` (${e.approvedBy.body}, ${e.approvedBy.principal})` : ''}${e.firstApproval ? `, first approval ${e.firstApproval.by.name}` : ''} ${e.approvedAt}  hash ${e.hash.slice(0, 16)}…`);
        }
        return 0;
      }
      const verdict = verifyChain(entries, head ? { seq: head.seq, lastHash: head.lastHash } : undefined);
      if (verdict.ok) {
        io.out(`Ledger of ${projectId}: ${verdict.length} entr${verdict.length === 1 ? 'y' : 'ies'}, chain intact${verdict.length ? `, head ${verdict.lastHash}` : ''}.`);
        return 0;
      }
      io.err(`Ledger of ${projectId}: BROKEN at entry ${verdict.seq} (${verdict.reason}): ${verdict.message}.`);
      return 1;
    },
  };
}

export const ledgerCommand: Command = makeLedgerCommand();
