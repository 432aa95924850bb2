// CDK assertions on the Distributed Map path for large uploads (infra/constructs/large-uploads.ts): the state
// machine's batching, concurrency, retries and failure handling, the EventBridge routing on the same size the
// ingest function skips, and least privilege of its three functions. cdk-nag runs on the whole stack in
// mrv-pipeline-stack.test.ts.
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { createMergeDeps, createRangeDeps, createSplitDeps } from '../../functions/large-upload/deps.ts';
import { ENV, LARGE_UPLOAD } from '../../functions/shared/resources.ts';
import type { MrvFunction } from '../../infra/constructs/mrv-function.ts';
import type { MrvPipelineStack } from '../../infra/stacks/mrv-pipeline-stack.ts';
import { allowedActionsOn, buildStack, logicalIdOf, statementsOfRole } from './synth-stack.ts';

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;
interface State {
  Type: string;
  Next?: string;
  End?: boolean;
  Retry?: { ErrorEquals: string[]; IntervalSeconds?: number; BackoffRate?: number; MaxAttempts?: number; MaxDelaySeconds?: number; JitterStrategy?: string }[];
  Catch?: { ErrorEquals: string[]; Next: string; ResultPath?: string }[];
  [k: string]: unknown;
}

/** The state machine's definition, with CloudFormation references replaced by a placeholder. */
function definitionOf(resources: Resources, id: string): { StartAt: string; States: Record<string, State> } {
  const raw = resources[id]!.Properties.DefinitionString as string | { 'Fn::Join': [string, unknown[]] };
  const text = typeof raw === 'string' ? raw : raw['Fn::Join'][1].map((p) => (typeof p === 'string' ? p : 'REF')).join(raw['Fn::Join'][0]);
  return JSON.parse(text) as { StartAt: string; States: Record<string, State> };
}

let stack: MrvPipelineStack;
let resources: Resources;
let template: Template;
let states: Record<string, State>;

beforeAll(() => {
  stack = buildStack();
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources as Resources;
  states = definitionOf(resources, logicalIdOf(stack.largeUploads.stateMachine)).States;
});

describe('large-upload state machine', () => {
  it('splits, maps the ranges, merges; an upload with nothing to split ends after the split', () => {
    const def = definitionOf(resources, logicalIdOf(stack.largeUploads.stateMachine));
    expect(def.StartAt).toBe('Split');
    expect(states.Split).toMatchObject({ Type: 'Task', Next: 'Split?' });
    expect(states['Split?']).toMatchObject({ Type: 'Choice', Choices: [{ Variable: '$.kind', StringEquals: 'split', Next: 'Ranges' }], Default: 'Done' });
    expect(states.Ranges!.Next).toBe('Merge');
    expect(states.Merge!.Next).toBe('Recorded');
  });

  it('is a Distributed Map over $.ranges with item batching, a concurrency limit and no tolerated failure', () => {
    const map = states.Ranges!;
    expect(map).toMatchObject({
      Type: 'Map',
      ItemsPath: '$.ranges',
      MaxConcurrency: 40,
      ResultPath: null,
      ItemBatcher: { MaxItemsPerBatch: 2, BatchInput: { 'ctx.$': '$.ctx', 'runId.$': '$.runId', 'prefix.$': '$.prefix', 'prefixLines.$': '$.prefixLines' } },
      ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' } },
    });
    // No tolerated failure: Step Functions' default threshold is 0 (the first failed batch fails the Map run);
    // aws-cdk-lib leaves a threshold of 0 out of the definition, so none may be set to anything else.
    expect(map.ToleratedFailurePercentage ?? 0).toBe(0);
    expect(map.ToleratedFailureCount ?? 0).toBe(0);
    expect(map).not.toHaveProperty('ToleratedFailurePercentagePath');
    expect(map).not.toHaveProperty('ToleratedFailureCountPath');
  });

  it('retries every Lambda task with exponential backoff and jitter', () => {
    const inner = (states.Ranges!.ItemProcessor as { States: Record<string, State> }).States.CalculateRanges!;
    for (const [name, state] of [
      ['CalculateRanges', inner],
      ['Split', states.Split!],
      ['Merge', states.Merge!],
      ['ReportFailure', states.ReportFailure!],
    ] as const) {
      expect(state.Retry, name).toEqual([
        { ErrorEquals: ['States.ALL'], IntervalSeconds: 2, BackoffRate: 2, MaxAttempts: 4, MaxDelaySeconds: 60, JitterStrategy: 'FULL' },
      ]);
    }
  });

  it('a failed range (after its retries) or a failed merge goes to the failure report, then fails: never to the merge', () => {
    for (const name of ['Ranges', 'Merge'])
      expect(states[name]!.Catch, name).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'ReportFailure' }]);
    expect(states.ReportFailure).toMatchObject({
      Type: 'Task',
      Next: 'NotCalculated',
      Parameters: { Payload: { step: 'fail', 'ctx.$': '$.ctx', 'error.$': '$.error' } },
    });
    expect(states.NotCalculated).toMatchObject({ Type: 'Fail', Error: 'UploadNotCalculated' });
    expect(states.Merge).toMatchObject({ Parameters: { Payload: { step: 'merge', 'ctx.$': '$.ctx', 'runId.$': '$.runId', 'rangeCount.$': '$.rangeCount' } } });
  });

  it('logs every event, is traced, and alarms on a failed execution', () => {
    expect(resources[logicalIdOf(stack.largeUploads.stateMachine)]!.Properties).toMatchObject({
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: { Level: 'ALL' },
    });
    const alarms = Object.values(resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm' && r.Properties.MetricName === 'ExecutionsFailed');
    expect(alarms).toHaveLength(1);
    expect(alarms[0]!.Properties.AlarmActions).toBeDefined();
  });

  it('takes batching and concurrency from the stage config', () => {
    const other = buildStack({ largeUploadConcurrency: '7', largeUploadRangesPerBatch: '5' });
    const r = Template.fromStack(other).toJSON().Resources as Resources;
    const map = definitionOf(r, logicalIdOf(other.largeUploads.stateMachine)).States.Ranges!;
    expect(map).toMatchObject({ MaxConcurrency: 7, ItemBatcher: { MaxItemsPerBatch: 5 } });
  });
});

describe('routing by size', () => {
  it('sends S3 object-created events from largeUploadBytes under uploads/ to the state machine, with a dead-letter queue', () => {
    const [rule] = Object.values(resources).filter((r) => r.Type === 'AWS::Events::Rule');
    expect(rule!.Properties).toMatchObject({
      EventPattern: {
        source: ['aws.s3'],
        'detail-type': ['Object Created'],
        detail: { object: { key: [{ prefix: 'uploads/' }], size: [{ numeric: ['>=', LARGE_UPLOAD.defaultMinBytes] }] } },
      },
      Targets: [
        {
          Arn: { Ref: logicalIdOf(stack.largeUploads.stateMachine) },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalIdOf(stack.largeUploads.deadLetterQueue), 'Arn'] } },
          RetryPolicy: { MaximumRetryAttempts: 10 },
        },
      ],
    });
    const [notifications] = Object.values(resources).filter((r) => r.Type === 'Custom::S3BucketNotifications');
    expect(notifications!.Properties).toMatchObject({
      BucketName: { Ref: logicalIdOf(stack.monitoring.bucket) },
      NotificationConfiguration: { EventBridgeConfiguration: {} },
    });
  });

  it('gives the ingest function, the splitter and the merge the same threshold, so exactly one path reads an upload', () => {
    const env = (fn: MrvFunction) => (resources[logicalIdOf(fn.function)]!.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    for (const fn of [stack.ingestFunction, stack.largeUploads.splitFunction, stack.largeUploads.mergeFunction])
      expect(env(fn)[LARGE_UPLOAD.minBytesEnv], fn.node.path).toBe(String(LARGE_UPLOAD.defaultMinBytes));
    const other = buildStack({ largeUploadBytes: String(6 * 1024 ** 3) });
    const r = Template.fromStack(other).toJSON().Resources as Resources;
    expect(
      (r[logicalIdOf(other.ingestFunction.function)]!.Properties.Environment as { Variables: Record<string, unknown> }).Variables[LARGE_UPLOAD.minBytesEnv],
    ).toBe(String(6 * 1024 ** 3));
    const [rule] = Object.values(r).filter((x) => x.Type === 'AWS::Events::Rule');
    expect(JSON.stringify(rule!.Properties.EventPattern)).toContain(`">=",${6 * 1024 ** 3}`);
  });
});

describe('least privilege of the large-upload functions', () => {
  const statements = (fn: MrvFunction) => statementsOfRole(template, logicalIdOf(fn.role));

  it('the range worker reads uploads and writes range results, nothing else', () => {
    const s = statements(stack.largeUploads.rangeFunction);
    const bucketId = logicalIdOf(stack.monitoring.bucket);
    expect(allowedActionsOn(s, bucketId, '/uploads/*')).toEqual(['s3:GetObject', 's3:GetObjectVersion']);
    expect(allowedActionsOn(s, bucketId, '/partials/*')).toEqual(['s3:PutObject']);
    expect(s.flatMap((x) => (Array.isArray(x.Action) ? x.Action : [x.Action])).filter((a) => a.startsWith('dynamodb:') || a.startsWith('sqs:'))).toEqual([]);
  });

  it('only the merge may queue a review item; the splitter may not; neither touches the ledger', () => {
    const reviewId = logicalIdOf(stack.queues.review.queue);
    expect(allowedActionsOn(statements(stack.largeUploads.mergeFunction), reviewId)).toEqual(['sqs:SendMessage']);
    expect(allowedActionsOn(statements(stack.largeUploads.splitFunction), reviewId)).toEqual([]);
    for (const fn of [stack.largeUploads.splitFunction, stack.largeUploads.rangeFunction, stack.largeUploads.mergeFunction])
      expect(allowedActionsOn(statements(fn), logicalIdOf(stack.tables.ledger.table)), fn.node.path).toEqual([]);
  });

  it("the merge step publishes the upload's notification, as the ingest function does; split and range workers publish nothing", () => {
    const topicId = logicalIdOf(stack.notifications.topic);
    expect(allowedActionsOn(statements(stack.largeUploads.mergeFunction), topicId)).toEqual(['sns:Publish']);
    expect(allowedActionsOn(statements(stack.largeUploads.splitFunction), topicId)).toEqual([]);
    expect(allowedActionsOn(statements(stack.largeUploads.rangeFunction), topicId)).toEqual([]);
  });

  it('each function reads exactly the environment its deps.ts reads', () => {
    const names = (fn: MrvFunction) =>
      Object.keys((resources[logicalIdOf(fn.function)]!.Properties.Environment as { Variables: Record<string, unknown> }).Variables)
        .filter((k) => Object.values(ENV).includes(k as never))
        .sort();
    expect(names(stack.largeUploads.splitFunction)).toEqual([ENV.accessTable, ENV.auditTable, ENV.bucket, ENV.projectsTable, ENV.submissionsTable].sort());
    expect(names(stack.largeUploads.rangeFunction)).toEqual([ENV.bucket]);
    expect(names(stack.largeUploads.mergeFunction)).toEqual(
      [ENV.accessTable, ENV.auditTable, ENV.bucket, ENV.notificationTopic, ENV.reviewQueueUrl, ENV.submissionsTable].sort(),
    );
    // …exactly what their deps.ts read (readEnv names every variable it misses).
    const saved = Object.fromEntries(Object.values(ENV).map((n) => [n, process.env[n]]));
    for (const name of Object.values(ENV)) delete process.env[name];
    try {
      const read = (f: () => unknown) => {
        try {
          f();
        } catch (e) {
          return ((e as { problems?: string[] }).problems ?? []).map((p) => p.split(' ')[0]).sort();
        }
        return [];
      };
      expect(read(createSplitDeps)).toEqual(names(stack.largeUploads.splitFunction));
      expect(read(createRangeDeps)).toEqual(names(stack.largeUploads.rangeFunction));
      expect(read(createMergeDeps)).toEqual(names(stack.largeUploads.mergeFunction));
    } finally {
      for (const [name, value] of Object.entries(saved)) if (value !== undefined) process.env[name] = value;
    }
  });
});
