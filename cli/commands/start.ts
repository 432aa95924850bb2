import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { S3SpyEvent, SnsSpyMessage } from 'fauxqs';
import { join } from 'node:path';
import type { DecisionReport } from '../../core/report/decision-report.ts';
import type { UploadReport } from '../../core/report/upload-report.ts';
import { dynamoSubmissions } from '../../functions/shared/aws/dynamo-repositories.ts';
import { s3ReportStore } from '../../functions/shared/aws/s3-stores.ts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ENV } from '../../functions/shared/resources.ts';
import { parse } from '../args.ts';
import { renderOutcome } from '../local-stack/render-outcome.ts';
import { watchSpy } from '../local-stack/s3-notifications.ts';
import type { Notification } from '../../functions/shared/notifications.ts';
import { listSamples, outcomeReader, sendSamples, waitForOutcomes } from '../local-stack/samples.ts';
import type { LocalStack } from '../local-stack/stack.ts';
import { credentialsEnv, LOCAL_BODY, type LocalIdentity } from '../local-stack/identities.ts';
import { createCliAws } from '../aws-clients.ts';
import { pendingReviewLines } from '../services/reviews.ts';
import { UsageError, type Command, type Io } from './types.ts';

/** Interactive defaults (a stable endpoint to export); `--once` and tests use free ports. */
export const DEFAULT_PORT = 4566;
export const DEFAULT_DYNAMO_PORT = 4567;
export const DEFAULT_CONSOLE_PORT = 4570;
/** Where the local stack keeps state (gitignored). */
export const STATE_DIR = '.mrv';

const USAGE = [
  'mrv start [--once] [--persist] [--port <n>] [--dynamo-port <n>] [--timeout <s>]',
  "  Starts S3 + SQS (fauxqs) and DynamoDB (dynalite) in this process, creates the stack's bucket, queues and",
  '  tables, registers the sample projects, uploads the sample files and prints each outcome and the review queue.',
  '  --once          exit after the summary (free ports, in-memory DynamoDB unless --persist)',
  '  --persist       with --once: keep DynamoDB state in .mrv/dynamodb (always on without --once)',
  `  --port          S3 + SQS port (default ${DEFAULT_PORT}; 0 = any free port); --dynamo-port (default: --port + 1, ${DEFAULT_DYNAMO_PORT})`,
  '  --timeout       seconds to wait for every sample report (default 60)',
  `  --console-port  the review console and its HTTP API on 127.0.0.1 (default ${DEFAULT_CONSOLE_PORT}; 0 = any free port; not with --once)`,
].join('\n');

function port(value: string | undefined, fallback: number, flag: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) throw new UsageError(`${flag} must be a port number (0 for any free port), not ${JSON.stringify(value)}`);
  return n;
}

/** Resolves on Ctrl-C (SIGINT) or SIGTERM. */
function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
}

export interface StartOptions {
  /** How the interactive stack waits before stopping (default: Ctrl-C / SIGTERM). Tests pass their own. */
  readonly untilStopped?: (stack: LocalStack) => Promise<void>;
}

/**
 * `mrv start`: the whole AWS pipeline on this machine (cli/local-stack), fed with the bundled samples.
 * `--once` prints the summary and exits (0, or 1 when a sample got no report in time); otherwise the
 * stack keeps running for `mrv` and the AWS CLI, prints how to point them at it, prints the outcome of
 * every later upload and decision, and stops cleanly on Ctrl-C.
 */
export function makeStartCommand(options: StartOptions = {}): Command {
  return {
    name: 'start',
    summary: 'Run the whole pipeline locally (S3, SQS, DynamoDB emulators) on the bundled samples',
    usage: USAGE,
    async run(argv, io) {
      const { values } = parse(argv, {
        once: { type: 'boolean' },
        persist: { type: 'boolean' },
        port: { type: 'string' },
        'dynamo-port': { type: 'string' },
        timeout: { type: 'string' },
        'console-port': { type: 'string' },
      });
      const once = Boolean(values.once);
      const s3Port = port(values.port, once ? 0 : DEFAULT_PORT, '--port');
      const dynamoPort = port(values['dynamo-port'], s3Port === 0 ? 0 : s3Port + 1, '--dynamo-port');
      const timeoutS = Number(values.timeout ?? 60);
      if (!(timeoutS > 0)) throw new UsageError(`--timeout must be a number of seconds, not ${JSON.stringify(values.timeout)}`);
      const persist = !once || Boolean(values.persist);
      const dynamoPath = persist ? join(io.cwd, STATE_DIR, 'dynamodb') : undefined;

      const started = Date.now();
      // Loaded here, not at the top: the emulators (fastify, LevelDB) cost every other mrv command a second.
      const { startLocalStack } = await import('../local-stack/stack.ts');
      const stack = await startLocalStack({
        port: s3Port,
        dynamoPort,
        ...(dynamoPath ? { dynamoPath } : {}),
        onError: (where, error) => io.err(`[local stack] ${where}: ${(error as Error)?.message ?? String(error)}`),
      });
      try {
        io.out(
          `Local stack: S3 + SQS ${stack.endpoint} (fauxqs), DynamoDB ${stack.dynamoEndpoint} (dynalite, ${dynamoPath ? `${STATE_DIR}/dynamodb` : 'in memory'}).`,
        );
        const cliIo: Io = { ...io, env: { ...io.env, ...stack.env } };
        if (stack.resources.existingTables.length) await describeRestoredState(stack, io);

        const sent = await sendSamples(await listSamples(), cliIo);
        // The registrar assigns every sample project to the local verification body (and registers its site).
        for (const projectId of new Set(sent.map((f) => f.projectId))) await stack.assign(projectId);
        const outcomes = await waitForOutcomes(stack, sent, Date.now() + timeoutS * 1000);
        const counts = { accepted: 0, rejected: 0, skipped: 0, missing: 0 };
        for (const f of sent) {
          io.out('');
          const o = 'uploadId' in f ? outcomes.get(f.uploadId) : undefined;
          if (o) {
            io.out(renderOutcome(o.report, o.submission));
            counts[o.report.status === 'accepted' ? 'accepted' : 'rejected']++;
          } else if ('notSent' in f) {
            io.out(`${f.key}: NOT UPLOADED — ${f.notSent}`);
            counts.skipped++;
          } else {
            io.out(`${f.key}: NO REPORT after ${timeoutS} s`);
            counts.missing++;
          }
        }
        io.out('\nReview queue (mrv review list):');
        for (const line of await pendingReviewLines(createCliAws(cliIo.env))) io.out(indent(line));
        io.out(
          `\n${sent.length} sample files: ${counts.accepted} accepted, ${counts.rejected} rejected${counts.skipped ? `, ${counts.skipped} not uploaded` : ''}${counts.missing ? `, ${counts.missing} WITHOUT A REPORT` : ''} (the rejected ones are bad on purpose) — ${((Date.now() - started) / 1000).toFixed(1)} s.`,
        );
        if (counts.missing) await describeMissing(stack, io);
        if (once) {
          printIdentities(stack, io, [...new Set(sent.map((f) => f.projectId))]);
          return counts.missing ? 1 : 0;
        }

        printConnectionHelp(stack, io, dynamoPath !== undefined);
        printIdentities(stack, io, [...new Set(sent.map((f) => f.projectId))]);
        const { startConsoleServer } = await import('../local-stack/console-server.ts');
        const siteProjects = [...new Set(sent.map((f) => f.projectId))].sort();
        const consoleServer = await startConsoleServer({
          port: port(values['console-port'], s3Port === 0 ? 0 : DEFAULT_CONSOLE_PORT, '--console-port'),
          env: stack.env,
          ...(siteProjects.length ? { siteProjects } : {}),
        });
        io.out(
          `\nReview console and HTTP API: ${consoleServer.url} (127.0.0.1 only; each link signs in one local identity, authorized by the access register as on AWS)`,
        );
        for (const c of consoleServer.identities) {
          const r = c.identity.record;
          io.out(
            `  ${c.identity.name.padEnd(34)} ${r.name}${r.role === 'verifier' ? ` (${r.body})` : ' (reads its project; assembles its monitoring reports)'}: ${consoleServer.linkFor(c)}`,
          );
        }
        const seen = new Set(outcomes.keys());
        const watcher = watchLaterReports(stack, io, seen);
        const notifications = watchNotifications(stack, io);
        try {
          await (options.untilStopped ?? untilSignal)(stack);
        } finally {
          await notifications.stop();
          await watcher.stop();
          await consoleServer.stop();
        }
        io.out('Stopping the local stack.');
        return 0;
      } finally {
        await stack.stop();
      }
    },
  };
}

export const startCommand: Command = makeStartCommand();

const indent = (text: string) =>
  text
    .split('\n')
    .map((l) => (l ? `  ${l}` : l))
    .join('\n');

/** DynamoDB kept its tables from an earlier run; S3 and SQS (fauxqs) start empty. */
async function describeRestoredState(stack: LocalStack, io: Io): Promise<void> {
  const subs = dynamoSubmissions(DynamoDBDocumentClient.from(stack.clients.dynamo), stack.resources.env[ENV.submissionsTable]);
  const pending = await subs.listByStatus('pending-review');
  io.out(
    `DynamoDB state restored from ${STATE_DIR}/dynamodb (${pending.length} submission(s) pending review). S3 objects and queues are in memory and start empty:`,
  );
  io.out('run `mrv review requeue` to rebuild the review queue from the submissions table.');
}

async function describeMissing(stack: LocalStack, io: Io): Promise<void> {
  const r = await stack.clients.sqs
    .send(new GetQueueAttributesCommand({ QueueUrl: stack.resources.queues.ingest.dlq.url, AttributeNames: ['ApproximateNumberOfMessages'] }))
    .catch(() => undefined);
  io.err(
    `Some uploads got no report: the ingest function failed on them (errors above) or is still working. Ingest dead-letter queue ${stack.resources.queues.ingest.dlq.name}: ${r?.Attributes?.ApproximateNumberOfMessages ?? '?'} message(s). Retry with a longer --timeout.`,
  );
}

function printConnectionHelp(stack: LocalStack, io: Io, persistent: boolean): void {
  const e = stack.env;
  const exports = Object.entries(e).map(([k, v]) => `export ${k}=${v}`);
  io.out(
    [
      '',
      'The stack is running. Point mrv (or the AWS CLI) at it from another terminal:',
      '',
      ...exports.map((l) => `  ${l}`),
      '',
      '  npx mrv review list',
      '  env $(echo VERIFIER_LINE) npx mrv review approve <upload-id>   # as a verifier: see the identities below',
      '  npx mrv upload <project-id> <file>          # validated here as it arrives',
      `  aws s3 ls s3://${stack.resources.bucket}/reports/ --recursive`,
      '',
      '  # AWS CLI v1 ignores AWS_ENDPOINT_URL*: give the endpoint to each command instead, e.g.',
      `  aws --endpoint-url ${e.AWS_ENDPOINT_URL} s3 ls s3://${stack.resources.bucket}/reports/ --recursive`,
      `  aws --endpoint-url ${e.AWS_ENDPOINT_URL_DYNAMODB} dynamodb list-tables`,
      '',
      `New reports and decisions are printed below. Ctrl-C stops the stack${persistent ? ` (DynamoDB state stays in ${STATE_DIR}/dynamodb; S3 and the queues are in memory)` : ''}.`,
    ].join('\n'),
  );
}

/**
 * The local identities, one per role (a site per project), with the line that makes a command act as
 * each: the operator (the export lines) may do anything but decide; decisions need a verifier.
 */
export function printIdentities(stack: LocalStack, io: Io, projectIds: readonly string[]): void {
  const line = (who: LocalIdentity) =>
    Object.entries(credentialsEnv(who))
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
  io.out(
    ['', 'Local identities (one per role; put the line before a command to act as that identity, e.g. `env <line> npx mrv review approve <upload-id>`):'].join(
      '\n',
    ),
  );
  for (const who of stack.identities) {
    const r = who.record;
    const what =
      r.role === 'verifier'
        ? `verifier ${r.name}, ${r.body}${r.body === LOCAL_BODY ? ' (assigned to every local project)' : ' (assigned to none)'}`
        : `${r.role} ${r.name}`;
    io.out(`  ${who.name.padEnd(16)} ${line(who)}   # ${what}`);
  }
  for (const projectId of projectIds)
    io.out(`  ${`site`.padEnd(16)} ${line(stack.site(projectId))}   # site of ${projectId}: uploads only under uploads/${projectId}/`);
  io.out(
    '  (The export lines above act as the operator: everything except deciding.) A new project: `env <registrar line> npx mrv access assign <project-id> --body LOCAL-DOE-A`.',
  );
}

const REPORT_KEY = /^reports\/([^/]+)\/([0-9a-f]{32})(\.decision)?\.json$/;

/** Prints each report and decision outcome written after the sample summary (uploads from other terminals). */
/** Prints every notification published to the stack's topic (on AWS: e-mail, webhook or queue subscriptions). */
function watchNotifications(stack: LocalStack, io: Io) {
  const topicArn = stack.resources.env[ENV.notificationTopic];
  return watchSpy(
    stack.emulators.fauxqs,
    (m): m is SnsSpyMessage => m.service === 'sns' && m.status === 'published' && m.topicArn === topicArn,
    async (m) => {
      const n = JSON.parse(m.body) as Notification;
      io.out(`\n[notification] ${n.event} (${n.projectId}): ${n.subject}`);
    },
    (error) => io.err(`Notification not printed: ${(error as Error)?.message ?? String(error)}`),
  );
}

function watchLaterReports(stack: LocalStack, io: Io, seen: Set<string>) {
  const read = outcomeReader(stack);
  const reports = s3ReportStore(stack.clients.s3, stack.resources.bucket);
  return watchSpy(
    stack.emulators.fauxqs,
    (m): m is S3SpyEvent => m.service === 's3' && m.status === 'uploaded' && m.bucket === stack.resources.bucket && REPORT_KEY.test(m.key),
    async (event) => {
      const [, projectId, uploadId, decision] = REPORT_KEY.exec(event.key)!;
      if (decision) {
        const d = await reports.getJson<DecisionReport>(event.key);
        if (d)
          io.out(
            `\nDecision on ${uploadId} (${projectId}) by ${d.decision.actor?.name ?? d.decision.verifier ?? '?'}: ${d.outcome.toUpperCase()}${d.ledger ? ` — ledger #${d.ledger.seq}, ${d.ledger.units} units (${d.ledger.toParticipants} to the participants)` : ''}${d.reason ? ` — ${d.reason}` : ''}`,
          );
        return;
      }
      if (seen.has(uploadId!)) return;
      seen.add(uploadId!);
      // The submission may not be written yet (the report comes first): then it shows as waiting for review.
      const o = await read(projectId!, uploadId!);
      if (o) io.out(`\n${renderOutcome(o.report as UploadReport, o.submission)}`);
    },
    (error, event) => io.err(`[local stack] cannot show the report ${event.key}: ${(error as Error).message}`),
  );
}
