import { formatPeriod } from '../../core/time/period.ts';
import { verifyLedger } from '../../core/ledger/verify.ts';
import { dynamoProjects } from '../../functions/shared/aws/dynamo-repositories.ts';
import { s3ReportStore } from '../../functions/shared/aws/s3-stores.ts';
import { registry } from '../../methodologies/index.ts';
import { dynamoLedgerStore } from '../../functions/shared/aws/ledger-store.ts';
import { ENV } from '../../functions/shared/resources.ts';
import { createCliAws, type AwsFactory } from '../aws-clients.ts';
import { group } from '../render.ts';
import { UsageError, type Command } from './types.ts';
import type { LedgerEntry } from '../../core/ledger/entry.ts';
import { apiError, currentLogin, httpApiClient } from '../login/http-api.ts';

/**
 * `mrv ledger list <project-id>` | `mrv ledger verify <project-id>`: verify recomputes the hash
 * chain, the approved periods (any overlap fails, whatever the head says) and, for entries that pin
 * them, the registration version, the stored result and the methodology hash (core/ledger/verify.ts);
 * exit 1 naming each bad entry.
 */
export function makeLedgerCommand(aws: AwsFactory = createCliAws): Command {
  return {
    name: 'ledger',
    summary: "List a project's hash-chained ledger of approved periods, or verify the chain",
    usage: 'mrv ledger list <project-id> | mrv ledger verify <project-id>   (after mrv login, list goes through the HTTP API as you)',
    async run(args, io) {
      const [sub, projectId] = args;
      if ((sub !== 'list' && sub !== 'verify') || !projectId)
        throw new UsageError(sub && sub !== 'list' && sub !== 'verify' ? `unknown subcommand "${sub}"` : 'a subcommand and a project id are required');
      // Logged in with `mrv login`: the list comes from the HTTP API, authorized per project for this person.
      // (verify stays with IAM credentials: it re-reads registrations and results the API does not serve.)
      const login = sub === 'list' ? await currentLogin(io.env) : undefined;
      if (login) {
        const answer = await httpApiClient(login).get<{ entries: LedgerEntry[] }>(`/api/projects/${encodeURIComponent(projectId)}/ledger`);
        if (answer.status !== 200) {
          io.err(`The HTTP API refused the ledger of ${projectId} (HTTP ${answer.status}): ${apiError(answer.body)}.`);
          return 1;
        }
        if (!answer.body.entries.length) io.out(`The ledger of ${projectId} is empty.`);
        for (const e of answer.body.entries) io.out(ledgerLine(e));
        return 0;
      }
      const a = aws(io.env);
      const env = a.resources([ENV.ledgerTable, ENV.projectsTable, ENV.bucket]);
      const store = dynamoLedgerStore(a.ddb, env[ENV.ledgerTable]);
      const [head, entries] = [await store.getHead(projectId), await store.listEntries(projectId)];
      // An unknown project is a usage error (exit 2), never "an intact empty chain".
      if (sub === 'verify' && !head && !entries.length && (await dynamoProjects(a.ddb, env[ENV.projectsTable]).get(projectId)) === undefined) {
        io.err(`Project ${projectId} is not registered (mrv project list).`);
        return 2;
      }
      if (sub === 'list') {
        if (!entries.length) io.out(`The ledger of ${projectId} is empty.`);
        for (const e of entries) io.out(ledgerLine(e));
        return 0;
      }
      const projects = dynamoProjects(a.ddb, env[ENV.projectsTable]);
      const results = s3ReportStore(a.s3, env[ENV.bucket]);
      const verdict = await verifyLedger({
        projectId,
        entries,
        ...(head ? { head } : {}),
        objects: {
          registration: async (id, version) => (await projects.getVersion(id, version))?.registration,
          result: (key) => results.getJson(key),
          methodologyHash: (key) => (registry.has(key) ? registry.get(key).hash : undefined),
        },
      });
      for (const w of verdict.warnings) io.err(`Ledger of ${projectId}: warning: ${w}.`);
      if (verdict.ok) {
        const n = entries.length;
        const pins = verdict.pinsChecked
          ? `; registration, result and methodology re-hashed for ${verdict.pinsChecked} entr${verdict.pinsChecked === 1 ? 'y' : 'ies'}`
          : '';
        const old = verdict.unpinned ? `; ${verdict.unpinned} entr${verdict.unpinned === 1 ? 'y' : 'ies'} from before pinning (chain and periods checked)` : '';
        io.out(
          `Ledger of ${projectId}: ${n} entr${n === 1 ? 'y' : 'ies'}, chain intact, no overlapping periods${pins}${old}${n ? `, head ${verdict.chain.ok ? verdict.chain.lastHash : ''}` : ''}.`,
        );
        return 0;
      }
      if (!verdict.chain.ok) io.err(`Ledger of ${projectId}: BROKEN at entry ${verdict.chain.seq} (${verdict.chain.reason}): ${verdict.chain.message}.`);
      for (const p of verdict.problems.filter((x) => x.kind !== 'chain'))
        io.err(`Ledger of ${projectId}: ${p.kind === 'overlap' ? 'OVERLAP' : 'CHANGED'} at entry ${p.seq}: ${p.message}.`);
      return 1;
    },
  };
}

/** One ledger entry on one line (`mrv ledger list`). */
function ledgerLine(e: LedgerEntry): string {
  const deductions = e.issuance.deductions.map((d) => `${d.purpose} ${group(d.units)}`).join(', ');
  return `#${String(e.seq).padEnd(4)} ${formatPeriod(e.period)}  ER ${e.er}  units ${group(e.issuance.units)}${deductions ? ` (${deductions})` : ''} → participants ${group(e.issuance.toParticipants)}${e.reserveCancellation ? `  reversal ${group(e.reserveCancellation.reversal)}: ${group(e.reserveCancellation.fromReserve)} cancelled from the CCS reserve (${group(e.reserveCancellation.reserveRemaining)} left), ${group(e.reserveCancellation.owedByParticipants)} owed by the participants` : ''}  upload ${e.uploadId}  ${e.methodology.key}  by ${e.verifier}${e.approvedBy?.body ? ` (${e.approvedBy.body}, ${e.approvedBy.principal})` : ''}${e.firstApproval ? `, first approval ${e.firstApproval.by.name}` : ''} ${e.approvedAt}  hash ${e.hash.slice(0, 16)}…`;
}

export const ledgerCommand: Command = makeLedgerCommand();
