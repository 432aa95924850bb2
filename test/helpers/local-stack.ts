/**
 * The local stack for end-to-end tests: fauxqs + dynalite on free ports, the real handlers behind the
 * S3 notification bridge and the event-source loops, and helpers that read what the pipeline wrote.
 * Every wait is a poll with a deadline (cli/local-stack/poll.ts); none is a fixed sleep.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetQueueAttributesCommand, ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SpyMessage, SqsSpyMessage } from 'fauxqs';
import type { UploadReport } from '../../core/report/upload-report.ts';
import type { DecisionReport } from '../../core/report/decision-report.ts';
import { dynamoSubmissions } from '../../functions/shared/aws/dynamo-repositories.ts';
import { s3ReportStore } from '../../functions/shared/aws/s3-stores.ts';
import { BUCKET_LAYOUT, decisionReportKey, ENV } from '../../functions/shared/resources.ts';
import { pollUntil } from '../../cli/local-stack/poll.ts';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../cli/local-stack/stack.ts';
import { SAMPLES_DIR } from '../../cli/local-stack/samples.ts';
import { mrv } from './cli.ts';

/** Generous for a loaded 2-core machine; a healthy run needs a fraction of it. */
export const WAIT_MS = 120_000;

export interface TestStack {
  readonly stack: LocalStack;
  /** Faults the stack reported (bridge, event-source loops): tests that inject none expect none. */
  readonly faults: string[];
  /** `mrv …` in-process, pointed at the stack through its Io env (as the operator: anything but deciding). */
  mrv(args: string[]): Promise<{ code: number; out: string; err: string }>;
  /** `mrv …` as one of the stack's local identities (e.g. the verifier: `t.as('verifier', …)`). */
  as(identity: string, args: string[]): Promise<{ code: number; out: string; err: string }>;
  /** A copy of a sample registration under another project id (one project per test keeps tests apart), with `changes` applied. */
  registerProject(id: string, sample?: string, changes?: Readonly<Record<string, unknown>>): Promise<void>;
  /** `mrv upload`; returns the upload id it printed. */
  upload(projectId: string, file: string): Promise<string>;
  report(projectId: string, uploadId: string): Promise<UploadReport | undefined>;
  waitForReport(projectId: string, uploadId: string): Promise<UploadReport>;
  decisionReport(projectId: string, uploadId: string): Promise<DecisionReport | undefined>;
  submissions: ReturnType<typeof dynamoSubmissions>;
  ddb: DynamoDBDocumentClient;
  /** Polls `check` until it returns a value (not false/undefined), up to {@link WAIT_MS}. */
  waitFor<T>(what: string, check: () => Promise<T | false | undefined>): Promise<T>;
  /** Spy events so far (the fauxqs buffer), filtered. */
  spied(filter: (m: SpyMessage) => boolean): SpyMessage[];
  queueDepth(url: string): Promise<{ visible: number; inFlight: number }>;
  /** Reads (without deleting) the messages of a queue, e.g. a DLQ. */
  peek(url: string): Promise<Message[]>;
  stop(): Promise<void>;
}

export const sample = (...parts: string[]) => join(SAMPLES_DIR, ...parts);

export async function startTestStack(options: LocalStackOptions = {}): Promise<TestStack> {
  const faults: string[] = [];
  const stack = await startLocalStack({
    port: 0,
    dynamoPort: 0,
    retryDelaySeconds: 0,
    logLevel: 'SILENT',
    onError: (where, error) => faults.push(`${where}: ${(error as Error)?.message ?? String(error)}`),
    ...options,
  });
  const dir = mkdtempSync(join(tmpdir(), 'mrv-e2e-'));
  const env = { ...process.env, ...stack.env };
  const run = (args: string[]) => mrv(args, { env, cwd: dir });
  const reports = s3ReportStore(stack.clients.s3, stack.resources.bucket);
  const ddb = DynamoDBDocumentClient.from(stack.clients.dynamo);
  const waitFor = <T>(what: string, check: () => Promise<T | false | undefined>) => pollUntil(check, { deadline: Date.now() + WAIT_MS, intervalMs: 50, what });
  return {
    stack,
    faults,
    mrv: run,
    as(name, args) {
      const who = name.startsWith('site.') ? stack.site(name.slice('site.'.length)) : stack.identities.find((i) => i.name === name);
      if (!who) throw new Error(`no local identity ${name}`);
      return mrv(args, { env: { ...process.env, ...stack.envAs(who) }, cwd: dir });
    },
    async registerProject(id, base = 'wind-tamil-nadu-in', changes = {}) {
      const project = JSON.parse(readFileSync(sample('projects', `${base}.json`), 'utf8')) as Record<string, unknown>;
      const file = join(dir, `${id}.json`);
      writeFileSync(file, JSON.stringify({ ...project, ...changes, id }));
      const r = await run(['project', 'register', file]);
      if (r.code !== 0) throw new Error(`mrv project register ${id} exited ${r.code}: ${r.err}`);
      await stack.assign(id); // the registrar assigns the local verification body
    },
    async upload(projectId, file) {
      const r = await run(['upload', projectId, file]);
      const id = /Upload id ([0-9a-f]{32})/.exec(r.out)?.[1];
      if (r.code !== 0 || !id) throw new Error(`mrv upload exited ${r.code}: ${r.out}${r.err}`);
      return id;
    },
    report: (projectId, uploadId) => reports.getJson<UploadReport>(BUCKET_LAYOUT.reportJson(projectId, uploadId)),
    waitForReport: (projectId, uploadId) =>
      waitFor(`the report of ${uploadId}`, () => reports.getJson<UploadReport>(BUCKET_LAYOUT.reportJson(projectId, uploadId))),
    decisionReport: (projectId, uploadId) => reports.getJson<DecisionReport>(decisionReportKey(projectId, uploadId)),
    submissions: dynamoSubmissions(ddb, stack.resources.env[ENV.submissionsTable]),
    ddb,
    waitFor,
    spied: (filter) => stack.emulators.fauxqs.spy.getAllMessages().filter(filter),
    async queueDepth(url) {
      const a =
        (
          await stack.clients.sqs.send(
            new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
          )
        ).Attributes ?? {};
      return { visible: Number(a.ApproximateNumberOfMessages ?? 0), inFlight: Number(a.ApproximateNumberOfMessagesNotVisible ?? 0) };
    },
    async peek(url) {
      // Visibility 0: the messages stay where they are for the next reader.
      const r = await stack.clients.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 0, WaitTimeSeconds: 0, MessageSystemAttributeNames: ['All'] }),
      );
      return r.Messages ?? [];
    },
    stop: () => stack.stop(),
  };
}

/** SQS spy events of one queue whose body mentions `text` (e.g. an upload id). */
export const sqsEvents = (t: TestStack, queueName: string, status: SqsSpyMessage['status'], text: string) =>
  t.spied((m) => m.service === 'sqs' && m.queueName === queueName && m.status === status && m.body.includes(text)) as SqsSpyMessage[];
