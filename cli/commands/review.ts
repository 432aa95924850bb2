import { GetObjectCommand, NoSuchKey } from '@aws-sdk/client-s3';
import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { CalculationResult } from '../../core/calculation/result.ts';
import { renderReviewItem, renderReviewLine } from '../../core/report/render-review.ts';
import { DecisionSchema, ReviewItemSchema, type ReviewItem } from '../../core/review/schemas.ts';
import type { Submission } from '../../core/review/submission.ts';
import { dynamoSubmissions } from '../../functions/shared/aws/dynamo-repositories.ts';
import { sqsDecisionQueue, sqsReviewQueue } from '../../functions/shared/aws/queues.ts';
import { decisionReportKey, ENV } from '../../functions/shared/resources.ts';
import { parse } from '../args.ts';
import { createCliAws, type AwsFactory, type CliAws } from '../aws-clients.ts';
import { UsageError, type Command, type Io } from './types.ts';

const USAGE = [
  'mrv review list                      pending reviews (submissions table; durable)',
  '       mrv review next [--hold <s>]         take the next item from the review queue (hidden from others for --hold s, default 900)',
  '       mrv review show <upload-id>          the evidence: hashes, methodology, parameters, trace, per gas, PDD, materiality',
  '       mrv review approve <upload-id>     as the authenticated verifier (the decision function checks the verifier register)',
  '       mrv review reject <upload-id> --reason "…" [--verifier <name>]',
  '       mrv review requeue                   rebuild the review queue from pending submissions',
].join('\n');

async function readResult(a: CliAws, bucket: string, key: string | undefined): Promise<CalculationResult | undefined> {
  if (!key) return undefined;
  try {
    const r = await a.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return JSON.parse(await r.Body!.transformToString('utf-8')) as CalculationResult;
  } catch (e) {
    if (e instanceof NoSuchKey || (e as { name?: string }).name === 'NoSuchKey') return undefined;
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
      const { values, positionals } = parse(argv, { reason: { type: 'string' }, verifier: { type: 'string' }, hold: { type: 'string' }, json: { type: 'boolean' } });
      const [sub, uploadId] = positionals;
      const a = aws(io.env);
      const submissions = () => dynamoSubmissions(a.ddb, a.resources([ENV.submissionsTable])[ENV.submissionsTable]);
      switch (sub) {
        case 'list': {
          const pending = await submissions().listByStatus('pending-review');
          if (!pending.length) io.out('Nothing waits for review.');
          for (const s of pending) io.out(s.reviewItem ? renderReviewLine(s.reviewItem) : `${s.uploadId}  ${s.projectId} (no review item stored)`);
          return 0;
        }
        case 'next':
          return next(a, io, Number(values.hold ?? 900));
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
          if (values.json) io.out(JSON.stringify({ submission: s, result }, null, 2));
          else io.out(renderReviewItem(s.reviewItem, result, { status: s.status, ...(s.statusReason ? { statusReason: s.statusReason } : {}), ...(s.ledger ? { ledgerSeq: s.ledger.seq } : {}) }));
          return 0;
        }
        case 'approve':
        case 'reject': {
          if (!uploadId) throw new UsageError(`${sub} needs an upload id`);
          // Who decides is the authenticated sender (SQS SenderId), recorded from the verifier register; a
          // --verifier name is only carried along for the record (and audited if it differs).
          const verifier = values.verifier ?? io.env.MRV_VERIFIER;
          if (sub === 'reject' && !values.reason?.trim()) throw new UsageError('reject needs --reason "…" (it is sent back to the site)');
          const s = await submissions().get(uploadId);
          if (!s) {
            io.err(`No submission ${uploadId}.`);
            return 1;
          }
          if (s.decision && s.decision.decision !== sub) {
            // Claimed but maybe not yet completed (a crash after the ledger write): a contradicting decision is refused here.
            io.err(`Submission ${uploadId} was already ${s.decision.decision === 'approve' ? 'approved' : 'rejected'} by ${s.decision.verifier} at ${s.decision.decidedAt} (status ${s.status}${s.status === 'pending-review' ? ': still being recorded' : ''}); a ${sub} cannot change it. Nothing sent.`);
            return 1;
          }
          if (s.status !== 'pending-review') {
            io.err(`Submission ${uploadId} is ${s.status}${s.decision ? ` (decided: ${s.decision.decision} by ${s.decision.actor?.name ?? s.decision.verifier ?? '?'})` : ''}; nothing sent.`);
            return 1;
          }
          const decision = DecisionSchema.parse({ schemaVersion: 1, uploadId, decision: sub, ...(verifier ? { verifier } : {}), ...(values.reason ? { reason: values.reason } : {}), decidedAt: new Date().toISOString() });
          const { [ENV.decisionQueueUrl]: url } = a.resources([ENV.decisionQueueUrl]);
          await sqsDecisionQueue(a.sqs, url).send(decision);
          io.out(`Decision sent: ${sub} ${uploadId}. It is recorded under your authenticated identity if you are an active verifier of the body assigned to ${s.projectId}, else refused. Outcome: ${decisionReportKey(s.projectId, uploadId)} (mrv review show ${uploadId}).`);
          return 0;
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

/** Receives one item (hidden for `hold` seconds), skipping and deleting items no longer pending. */
async function next(a: CliAws, io: Io, hold: number): Promise<number> {
  const env = a.resources([ENV.reviewQueueUrl, ENV.submissionsTable]);
  const subs = dynamoSubmissions(a.ddb, env[ENV.submissionsTable]);
  for (let i = 0; i < 50; i++) {
    const r = await a.sqs.send(new ReceiveMessageCommand({ QueueUrl: env[ENV.reviewQueueUrl], MaxNumberOfMessages: 1, VisibilityTimeout: hold, WaitTimeSeconds: 1 }));
    const m = r.Messages?.[0];
    if (!m) {
      io.out('The review queue is empty (mrv review list shows pending submissions; mrv review requeue rebuilds the queue).');
      return 0;
    }
    const parsed = ReviewItemSchema.safeParse(JSON.parse(m.Body ?? 'null'));
    const s: Submission | undefined = parsed.success ? await subs.get(parsed.data.uploadId) : undefined;
    if (!parsed.success || !s || s.status !== 'pending-review') {
      await a.sqs.send(new DeleteMessageCommand({ QueueUrl: env[ENV.reviewQueueUrl], ReceiptHandle: m.ReceiptHandle! }));
      continue; // stale (already decided) or unreadable: consumers are idempotent by uploadId
    }
    const item: ReviewItem = parsed.data;
    io.out(renderReviewLine(item));
    io.out(`Held for ${hold} s. Next: mrv review show ${item.uploadId}, then approve or reject.`);
    return 0;
  }
  io.out('Only stale items were found; try again.');
  return 0;
}

export const reviewCommand: Command = makeReviewCommand();
