import { GetObjectCommand, NoSuchKey } from '@aws-sdk/client-s3';
import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { CalculationResult } from '../../core/calculation/result.ts';
import { renderReviewItem, renderReviewLine } from '../../core/report/render-review.ts';
import { supersessionNote } from '../../core/methodology/registry.ts';
// The list only, not the modules: review stays light to start.
import { SUPERSEDED } from '../../methodologies/superseded.ts';
import { DecisionSchema, ReviewItemSchema, type Decision, type ReviewItem } from '../../core/review/schemas.ts';
import type { DecisionReport } from '../../core/report/decision-report.ts';
import { renderIssuance } from '../../core/report/render-report.ts';
import type { Submission } from '../../core/review/submission.ts';
import { dynamoSubmissions } from '../../functions/shared/aws/dynamo-repositories.ts';
import { sqsDecisionQueue, sqsReviewQueue } from '../../functions/shared/aws/queues.ts';
import { AwsCallError } from '../../functions/shared/aws/errors.ts';
import { decisionReportKey, ENV, outcomeKey } from '../../functions/shared/resources.ts';
import type { DecisionOutcomeReport } from '../../functions/record-decision/authorize.ts';
import { parse } from '../args.ts';
import { createCliAws, type AwsFactory, type CliAws } from '../aws-clients.ts';
import { UsageError, type Command, type Io } from './types.ts';
import { REVIEW_REPORT_USAGE, reviewReport } from './review-report.ts';
import { issuedThroughReports, pendingReviewLines } from '../services/reviews.ts';
import { currentLogin, httpApiClient } from '../login/http-api.ts';
import { decideViaApi, listViaApi, nextViaApi, printToldOutcome, reportViaApi, showViaApi } from './review-api.ts';

const USAGE = [
  'mrv review list                      pending reviews (submissions table; durable)',
  '       mrv review next [--hold <s>]         take the next item from the review queue (hidden from others for --hold s, default 900)',
  '       mrv review show <upload-id>          the evidence: hashes, methodology, parameters, trace, per gas, PDD, materiality',
  '       mrv review approve <id> [--wait <s> | --no-wait]   as the authenticated verifier (the decision function checks the verifier register)',
  '                                            MRV_SENDER_ID=<your IAM unique id> lets it read a refusal or a pending technical review',
  '       mrv review reject <id> --reason "…" [--verifier <name>] [--wait <s> | --no-wait]',
  '                                            wait (default 30 s) for the outcome: recorded (exit 0) or refused (exit 1)',
  '       mrv review requeue                   rebuild the review queue from pending submissions',
  `       ${REVIEW_REPORT_USAGE}`,
  '       After mrv login, list, next, show, approve, reject and report go through the HTTP API as the logged-in person (MRV_AUTH=iam: IAM credentials).',
].join('\n');

async function readResult(a: CliAws, bucket: string, key: string | undefined): Promise<CalculationResult | undefined> {
  return readJson<CalculationResult>(a, bucket, key);
}

async function readJson<T>(a: CliAws, bucket: string, key: string | undefined, options: { deniedIsAbsent?: boolean } = {}): Promise<T | undefined> {
  if (!key) return undefined;
  try {
    const r = await a.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return JSON.parse(await r.Body!.transformToString('utf-8')) as T;
  } catch (e) {
    const name = (e as { name?: string }).name;
    if (e instanceof NoSuchKey || name === 'NoSuchKey') return undefined;
    // Waiting for an outcome: a verifier of another body may not read the project's reports, only its own outcomes.
    if (options.deniedIsAbsent && (name === 'AccessDenied' || (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 403))
      return undefined;
    throw e;
  }
}

/**
 * `mrv review …` for verifiers. The submissions table is the durable state (list, show, requeue); the
 * review queue is the work list (`next` takes one item with a visibility timeout, skipping and deleting
 * items already decided: consumers are idempotent by uploadId). approve/reject send a Decision to the
 * decision queue; the record-decision function records it and writes the outcome back.
 */
export function makeReviewCommand(aws: AwsFactory = createCliAws): Command {
  return {
    name: 'review',
    summary: 'Verifier review queue: list, next, show, approve, reject, requeue',
    usage: USAGE,
    async run(argv, io) {
      const { values, positionals } = parse(argv, {
        reason: { type: 'string' },
        verifier: { type: 'string' },
        hold: { type: 'string' },
        json: { type: 'boolean' },
        wait: { type: 'string' },
        'no-wait': { type: 'boolean' },
        pdf: { type: 'boolean' },
        out: { type: 'string' },
      });
      const [sub, uploadId] = positionals;
      // Logged in with `mrv login`: the HTTP API as that person (./review-api.ts); else IAM credentials, as below.
      if (sub === 'list' || sub === 'next' || sub === 'show' || sub === 'approve' || sub === 'reject' || sub === 'report') {
        const login = await currentLogin(io.env);
        if (login) {
          const api = httpApiClient(login);
          if (sub === 'list') return listViaApi(api, io);
          if (sub === 'next') return nextViaApi(api, io);
          if (sub === 'show') {
            if (!uploadId) throw new UsageError('show needs an upload id');
            return showViaApi(api, io, uploadId, Boolean(values.json));
          }
          if (sub === 'report') {
            if (!uploadId) throw new UsageError('report needs a monitoring report or upload id');
            return reportViaApi(api, io, uploadId, { ...(values.pdf ? { pdf: true } : {}), ...(values.out ? { out: values.out } : {}) });
          }
          if (!uploadId) throw new UsageError(`${sub} needs an upload id`);
          if (sub === 'reject' && !values.reason?.trim()) throw new UsageError('reject needs --reason "…" (it is sent back to the site)');
          const verifier = values.verifier ?? io.env.MRV_VERIFIER;
          return decideViaApi(api, io, {
            decision: sub,
            uploadId,
            ...(values.reason?.trim() ? { reason: values.reason.trim() } : {}),
            waitSeconds: waitSeconds(values.wait),
            noWait: Boolean(values['no-wait']),
            ...(verifier ? { namedVerifier: verifier } : {}),
          });
        }
      }
      const a = aws(io.env);
      const submissions = () => dynamoSubmissions(a.ddb, a.resources([ENV.submissionsTable])[ENV.submissionsTable]);
      switch (sub) {
        case 'list':
          for (const line of await pendingReviewLines(a)) io.out(line);
          return 0;
        case 'next':
          return next(a, io, Number(values.hold ?? 900));
        case 'report':
          return reviewReport(a, io, uploadId, { ...(values.pdf ? { pdf: true } : {}), ...(values.out ? { out: values.out } : {}) });
        case 'show': {
          if (!uploadId) throw new UsageError('show needs an upload id');
          const s = await submissions().get(uploadId);
          if (!s) {
            io.err(`No submission ${uploadId}.`);
            return 1;
          }
          if (!s.reviewItem) {
            io.out(`Submission ${uploadId}: status ${s.status} (validation ${s.validation}); report ${s.reportKey}. Nothing to review.`);
            return s.status === 'rejected' ? 1 : 0;
          }
          const { [ENV.bucket]: bucket } = a.resources([ENV.bucket]);
          const result = await readResult(a, bucket, s.resultKey);
          const report = s.kind === 'monitoring-report' ? await readJson<unknown>(a, bucket, s.reportKey) : undefined;
          if (values.json) io.out(JSON.stringify({ submission: s, result, ...(report ? { report } : {}) }, null, 2));
          else {
            io.out(
              renderReviewItem(s.reviewItem, result, {
                status: s.status,
                ...(s.statusReason ? { statusReason: s.statusReason } : {}),
                ...(s.ledger ? { ledgerSeq: s.ledger.seq } : {}),
              }),
            );
            const key = `${s.reviewItem.methodology.id}@${s.reviewItem.methodology.version}`;
            const superseded = Object.hasOwn(SUPERSEDED, key) ? SUPERSEDED[key] : undefined;
            if (superseded) io.out(`Note for the verifier: ${supersessionNote(key, superseded)}`);
          }
          return 0;
        }
        case 'approve':
        case 'reject': {
          if (!uploadId) throw new UsageError(`${sub} needs an upload id`);
          // Who decides is the authenticated sender (SQS SenderId), recorded from the verifier register; a
          // --verifier name is only carried along for the record (and audited if it differs).
          const verifier = values.verifier ?? io.env.MRV_VERIFIER;
          if (sub === 'reject' && !values.reason?.trim()) throw new UsageError('reject needs --reason "…" (it is sent back to the site)');
          let s: Submission | undefined;
          try {
            s = await submissions().get(uploadId);
          } catch (e) {
            if (!isAccessDenied(e)) throw e;
            // The verifier policy reads no review state (infra/policies/role-policies.ts): send unchecked, wait on the own outcome.
            return decideUnchecked(
              a,
              io,
              { decision: sub, uploadId, ...(verifier ? { verifier } : {}), ...(values.reason ? { reason: values.reason } : {}) },
              {
                waitSeconds: waitSeconds(values.wait),
                noWait: Boolean(values['no-wait']),
              },
            );
          }
          if (!s) {
            io.err(`No submission ${uploadId}.`);
            return 1;
          }
          if (s.decision && s.decision.decision !== sub) {
            // Claimed but maybe not yet completed (a crash after the ledger write): a contradicting decision is refused here.
            io.err(
              `Submission ${uploadId} was already ${s.decision.decision === 'approve' ? 'approved' : 'rejected'} by ${s.decision.verifier} at ${s.decision.decidedAt} (status ${s.status}${s.status === 'pending-review' ? ': still being recorded' : ''}); a ${sub} cannot change it. Nothing sent.`,
            );
            return 1;
          }
          if (s.status !== 'pending-review') {
            io.err(
              `Submission ${uploadId} is ${s.status}${s.decision ? ` (decided: ${s.decision.decision} by ${s.decision.actor?.name ?? s.decision.verifier ?? '?'})` : ''}; nothing sent.`,
            );
            return 1;
          }
          const decision = DecisionSchema.parse({
            schemaVersion: 1,
            uploadId,
            decision: sub,
            ...(verifier ? { verifier } : {}),
            ...(values.reason ? { reason: values.reason } : {}),
            decidedAt: new Date().toISOString(),
          });
          const { [ENV.decisionQueueUrl]: url } = a.resources([ENV.decisionQueueUrl]);
          const messageId = await sqsDecisionQueue(a.sqs, url).send(decision);
          // The decision function tells each sender what became of its message at outcomes/<SenderId>/<messageId>.json
          // (a refusal, or a first approval waiting for the independent review, is written nowhere else).
          const senderId = io.env.MRV_SENDER_ID?.trim() || undefined;
          const own = messageId && senderId ? outcomeKey(senderId, messageId) : undefined;
          io.out(
            `Decision sent: ${sub} ${uploadId}${messageId ? ` (message ${messageId})` : ''}. It is recorded under your authenticated identity if you are an active verifier of the body assigned to ${s.projectId}, else refused.`,
          );
          if (values['no-wait']) {
            io.out(
              `Not waiting for the outcome (--no-wait): it will be in ${decisionReportKey(s.projectId, uploadId)} (mrv review show ${uploadId})${own ? `; a refusal or a pending technical review in ${own}` : ''}.`,
            );
            return 0;
          }
          return waitForOutcome(a, io, s, decision, waitSeconds(values.wait), { ...(own ? { own } : {}), ...(messageId ? { messageId } : {}) });
        }
        case 'requeue': {
          const { [ENV.reviewQueueUrl]: url } = a.resources([ENV.reviewQueueUrl]);
          const queue = sqsReviewQueue(a.sqs, url);
          let sent = 0;
          for (const s of await submissions().listByStatus('pending-review')) {
            if (!s.reviewItem) continue;
            await queue.send(s.reviewItem);
            sent++;
          }
          io.out(`Re-sent ${sent} pending review item(s) to the review queue (duplicates are harmless: consumers skip decided uploads).`);
          return 0;
        }
        default:
          throw new UsageError(sub ? `unknown subcommand "${sub}"` : 'a subcommand is required');
      }
    },
  };
}

/** IAM refused the call (the SDK's error, or the repositories' AwsCallError around it). */
const isAccessDenied = (e: unknown) => {
  const name = e instanceof AwsCallError ? e.aws.name : (e as { name?: string }).name;
  return name === 'AccessDeniedException' || name === 'AccessDenied';
};

/**
 * A decision by a verifier whose IAM credentials read no review state (the verifier policy alone, without
 * the review-state policy): sent without the pre-check of the submission, then the outcome the decision
 * function tells this sender (outcomes/<MRV_SENDER_ID>/<messageId>.json, which the verifier policy lets it
 * read) is awaited. Exit codes as for the checked path; without MRV_SENDER_ID it cannot wait (exit 0, sent).
 */
async function decideUnchecked(
  a: CliAws,
  io: Io,
  d: { decision: 'approve' | 'reject'; uploadId: string; verifier?: string; reason?: string },
  options: { waitSeconds: number; noWait: boolean },
): Promise<number> {
  const decision = DecisionSchema.parse({ schemaVersion: 1, ...d, decidedAt: new Date().toISOString() });
  const { [ENV.decisionQueueUrl]: url } = a.resources([ENV.decisionQueueUrl]);
  const messageId = await sqsDecisionQueue(a.sqs, url).send(decision);
  const senderId = io.env.MRV_SENDER_ID?.trim() || undefined;
  io.out(
    `Decision sent: ${d.decision} ${d.uploadId}${messageId ? ` (message ${messageId})` : ''}, unchecked: your IAM credentials read no review state (mrv login reads it through the HTTP API). It is recorded under your authenticated identity if you are an active verifier of the body assigned to the project, else refused.`,
  );
  if (options.noWait || !messageId || !senderId) {
    io.out(
      options.noWait || !messageId
        ? 'Not waiting for the outcome (--no-wait).'
        : `Not waiting: the outcome is told at outcomes/<your IAM unique id>/${messageId}.json; set MRV_SENDER_ID to your IAM unique id (aws sts get-caller-identity --query UserId) and the command reads it.`,
    );
    return 0;
  }
  const { [ENV.bucket]: bucket } = a.resources([ENV.bucket]);
  const key = outcomeKey(senderId, messageId);
  const deadline = Date.now() + options.waitSeconds * 1000;
  for (;;) {
    const told = await readJson<DecisionOutcomeReport>(a, bucket, key, { deniedIsAbsent: true });
    if (told) return printToldOutcome(io, d, told);
    if (Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  io.out(`No outcome within ${options.waitSeconds} s at ${key}: the decision is queued but not yet recorded.`);
  return 1;
}

/** Receives one item (hidden for `hold` seconds), skipping and deleting items no longer pending. */
async function next(a: CliAws, io: Io, hold: number): Promise<number> {
  const env = a.resources([ENV.reviewQueueUrl, ENV.submissionsTable]);
  const subs = dynamoSubmissions(a.ddb, env[ENV.submissionsTable]);
  const issued = await issuedThroughReports(a);
  for (let i = 0; i < 50; i++) {
    const r = await a.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: env[ENV.reviewQueueUrl], MaxNumberOfMessages: 1, VisibilityTimeout: hold, WaitTimeSeconds: 1 }),
    );
    const m = r.Messages?.[0];
    if (!m) {
      io.out('The review queue is empty (mrv review list shows pending submissions; mrv review requeue rebuilds the queue).');
      return 0;
    }
    const parsed = ReviewItemSchema.safeParse(JSON.parse(m.Body ?? 'null'));
    const s: Submission | undefined = parsed.success ? await subs.get(parsed.data.uploadId) : undefined;
    if (!parsed.success || !s || s.status !== 'pending-review' || issued.has(s.uploadId)) {
      await a.sqs.send(new DeleteMessageCommand({ QueueUrl: env[ENV.reviewQueueUrl], ReceiptHandle: m.ReceiptHandle! }));
      continue; // stale (already decided, or issued through a monitoring report) or unreadable: consumers are idempotent by uploadId
    }
    const item: ReviewItem = parsed.data;
    io.out(renderReviewLine(item));
    io.out(`Held for ${hold} s. Next: mrv review show ${item.uploadId}, then approve or reject.`);
    return 0;
  }
  io.out('Only stale items were found; try again.');
  return 0;
}

const DEFAULT_WAIT_SECONDS = 30;

function waitSeconds(text: string | undefined): number {
  if (text === undefined) return DEFAULT_WAIT_SECONDS;
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0 || n > 900) throw new UsageError(`--wait ${JSON.stringify(text)}: expected seconds between 0 and 900`);
  return n;
}

/**
 * Waits (bounded) for the decision function's outcome of this decision and prints it:
 * - the decision report it writes back (reports/<p>/<id>.decision.json) for exactly this decision
 *   (same time): recorded approval with its ledger entry, recorded rejection, or a refused approval;
 * - what it told this sender (outcomes/<SenderId>/<messageId>.json, when MRV_SENDER_ID names the
 *   sender): a refusal by the authorization (not an active verifier of the assigned body, same-body
 *   rule, the same verifier twice), or a first approval recorded as pending technical review;
 * - or the submission finalised by another decision first.
 * Exit 0: recorded (approved with its ledger entry, rejected, or a first approval pending the
 * independent review); 1: refused, superseded by a contrary decision, or no outcome within the wait.
 */
async function waitForOutcome(
  a: CliAws,
  io: Io,
  s: Submission,
  decision: Decision,
  seconds: number,
  sender: { own?: string; messageId?: string },
): Promise<number> {
  const { [ENV.bucket]: bucket } = a.resources([ENV.bucket]);
  const subs = dynamoSubmissions(a.ddb, a.resources([ENV.submissionsTable])[ENV.submissionsTable]);
  const key = decisionReportKey(s.projectId, s.uploadId);
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const report = await readJson<DecisionReport>(a, bucket, key, { deniedIsAbsent: true });
    if (report && report.decision.decidedAt === decision.decidedAt) return printOutcome(io, report, s);
    const told = sender.own ? await readJson<DecisionOutcomeReport>(a, bucket, sender.own, { deniedIsAbsent: true }) : undefined;
    if (told && told.outcome !== 'approved' && told.outcome !== 'rejected' && told.outcome !== 'refused') return printGateOutcome(io, told, s, decision);
    const now = await subs.get(s.uploadId);
    if (now?.decision && now.decision.decidedAt !== decision.decidedAt && now.status !== 'pending-review') {
      io.out(
        `Another decision was recorded first: ${now.decision.decision} by ${now.decision.actor?.name ?? now.decision.verifier ?? '?'} at ${now.decision.decidedAt} (status ${now.status}${now.ledger ? `, ledger entry #${now.ledger.seq}` : ''}); this one was not applied.`,
      );
      // The same verdict is the outcome this verifier asked for; a contrary one is not.
      return now.decision.decision === decision.decision && now.status !== 'refused' ? 0 : 1;
    }
    if (Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  io.out(`No outcome within ${seconds} s: the decision is queued but not yet recorded. Check with: mrv review show ${s.uploadId}`);
  if (!sender.own && sender.messageId)
    io.out(
      `A refusal or a pending technical review is told only to the sender, at outcomes/<your IAM unique id>/${sender.messageId}.json; set MRV_SENDER_ID to your IAM unique id (aws sts get-caller-identity --query UserId) and the command reads it.`,
    );
  return 1;
}

/** What the authorization in front of the ledger told this sender (functions/record-decision/authorize.ts). */
function printGateOutcome(io: Io, told: DecisionOutcomeReport, s: Submission, decision: Decision): number {
  const what = s.kind === 'monitoring-report' ? `monitoring report ${s.uploadId}` : `upload ${s.uploadId}`;
  switch (told.outcome) {
    case 'pending-technical-review':
      io.out(
        `Recorded as the first approval of ${what} by ${told.recordedAs?.name ?? '?'}, pending technical review: ${told.reason ?? 'a second verifier must approve'}. Nothing is issued until then.`,
      );
      return 0;
    case 'refused-access':
      io.out(
        `Refused: the ${decision.decision === 'approve' ? 'approval' : 'rejection'} of ${what} was not recorded: ${told.reason ?? 'not authorized'}${told.code ? ` (${told.code})` : ''}.`,
      );
      return 1;
    default:
      io.out(`Not applied: ${told.outcome}${told.reason ? ` (${told.reason})` : ''}.`);
      return 1;
  }
}

function printOutcome(io: Io, r: DecisionReport, s: Submission): number {
  const what = s.kind === 'monitoring-report' ? `monitoring report ${s.uploadId}` : `upload ${s.uploadId}`;
  switch (r.outcome) {
    case 'approved': {
      io.out(
        `Recorded: approval of ${what} by ${r.decision.actor?.name ?? r.decision.verifier ?? '?'}, ledger entry #${r.ledger!.seq} (hash ${r.ledger!.hash}).`,
      );
      const issuance = s.issuance ?? s.reviewItem?.issuance;
      if (issuance) for (const line of renderIssuance(issuance)) io.out(line);
      return 0;
    }
    case 'rejected':
      io.out(
        `Recorded: rejection of ${what} by ${r.decision.actor?.name ?? r.decision.verifier ?? '?'}: ${r.reason ?? r.decision.reason ?? ''}. Nothing was issued; the site is told why.`,
      );
      return 0;
    case 'refused':
      io.out(`Refused: the approval of ${what} was not recorded: ${r.reason ?? 'no reason given'}.`);
      return 1;
    default:
      io.out(`Not applied: ${r.outcome}${r.reason ? ` (${r.reason})` : ''}.`);
      return 1;
  }
}

export const reviewCommand: Command = makeReviewCommand();
