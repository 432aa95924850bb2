// CDK assertions on the pipeline stack (house-style §3.8): the properties that protect data and money, least
// privilege per function, and the cdk-nag gate. One synth per worker is shared by all tests in this file.
import { Duration, Stack, Validations, type PolicyValidationPluginReport } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluatePolicies, type PolicyDocument } from '../../core/access/iam-policy.ts';
import { ConfigError } from '../../core/errors.ts';
import { ENV, LARGE_UPLOAD, QUEUES, SUBMISSIONS_BY_PROJECT_INDEX, TABLES, type EnvName } from '../../functions/shared/resources.ts';
import { MrvFunction } from '../../infra/constructs/mrv-function.ts';
import { MrvTable } from '../../infra/constructs/mrv-table.ts';
import { WorkQueue } from '../../infra/constructs/work-queue.ts';
import { CLI_REFRESH_HOURS, CLI_TOKEN_MINUTES, LOGIN_CALLBACK_PORTS, LOGIN_ENV } from '../../cli/login/settings.ts';
import { outputIdFor, type MrvPipelineStack } from '../../infra/stacks/mrv-pipeline-stack.ts';
import { actionsOf, allowedActionsOn, buildStack, logicalIdOf, statementsOfRole, STUB_HANDLER, testApp, type PolicyStatement } from './synth-stack.ts';

type Resources = Record<string, { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string; UpdateReplacePolicy?: string }>;

let stack: MrvPipelineStack;
let template: Template;
let resources: Resources;

beforeAll(() => {
  // With an alarm e-mail, so the optional subscription (and its DLQ) is under test too.
  stack = buildStack({ alarmEmail: 'ops@example.org' });
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources as Resources;
});

const HOUSE_ENV = [
  'NODE_OPTIONS',
  'POWERTOOLS_SERVICE_NAME',
  'POWERTOOLS_METRICS_NAMESPACE',
  // Optional trust wiring (deps.ts reads it without requiring it), asserted in 'review console in the stack'.
  'MRV_TRUSTED_FORWARDER_ROLE_IDS',
];

const fnProps = (fn: MrvFunction) => resources[logicalIdOf(fn.function)]!.Properties;
const fnStatements = (fn: MrvFunction): PolicyStatement[] => statementsOfRole(template, logicalIdOf(fn.role));
const queueIds = () =>
  Object.entries(resources)
    .filter(([, r]) => r.Type === 'AWS::SQS::Queue')
    .map(([id]) => id);

describe('monitoring bucket', () => {
  it('is encrypted, private, versioned and logs access to the separate log bucket', () => {
    expect(resources[logicalIdOf(stack.monitoring.bucket)]!.Properties).toMatchObject({
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: { DestinationBucketName: { Ref: logicalIdOf(stack.monitoring.accessLogBucket) } },
    });
  });

  it('never expires object versions, so nothing uploaded is lost', () => {
    const rules =
      (resources[logicalIdOf(stack.monitoring.bucket)]!.Properties.LifecycleConfiguration as { Rules: Record<string, unknown>[] } | undefined)?.Rules ?? [];
    for (const rule of rules) {
      expect(rule).not.toHaveProperty('ExpirationInDays');
      expect(rule).not.toHaveProperty('NoncurrentVersionExpiration');
      expect(rule).not.toHaveProperty('NoncurrentVersionExpirationInDays');
    }
    expect(resources[logicalIdOf(stack.monitoring.bucket)]!.DeletionPolicy).toBe('Retain');
  });

  it.each([
    ['monitoring bucket', () => stack.monitoring.bucket],
    ['access log bucket', () => stack.monitoring.accessLogBucket],
  ])('the %s denies every request not sent over TLS', (_name, bucket) => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logicalIdOf(bucket()) },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Principal: { AWS: '*' }, Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('sends object-created events under uploads/ to the ingest queue', () => {
    template.hasResourceProperties('Custom::S3BucketNotifications', {
      BucketName: { Ref: logicalIdOf(stack.monitoring.bucket) },
      NotificationConfiguration: {
        QueueConfigurations: [
          {
            Events: ['s3:ObjectCreated:*'],
            Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'uploads/' }] } },
            QueueArn: { 'Fn::GetAtt': [logicalIdOf(stack.queues.ingest.queue), 'Arn'] },
          },
        ],
      },
    });
  });
});

describe('queues', () => {
  it.each(Object.keys(QUEUES) as (keyof typeof QUEUES)[])('the %s queue takes its settings and DLQ from QUEUES', (name) => {
    const definition = QUEUES[name];
    const workQueue = stack.queues[name];
    expect(resources[logicalIdOf(workQueue.queue)]!.Properties).toMatchObject({
      VisibilityTimeout: definition.visibilityTimeoutSeconds,
      MessageRetentionPeriod: definition.retentionSeconds,
      RedrivePolicy: {
        maxReceiveCount: definition.maxReceiveCount,
        deadLetterTargetArn: { 'Fn::GetAtt': [logicalIdOf(workQueue.deadLetterQueue.queue), 'Arn'] },
      },
    });
  });

  it('every queue is either a work queue with a DLQ or itself a DLQ', () => {
    const dlqTargets = new Set<string>();
    for (const r of Object.values(resources)) {
      const target = JSON.stringify((r.Properties?.RedrivePolicy as { deadLetterTargetArn?: unknown } | undefined)?.deadLetterTargetArn ?? null);
      const match = /"Fn::GetAtt":\["([^"]+)","Arn"\]/.exec(target);
      if (match?.[1]) dlqTargets.add(match[1]);
      // …or the dead-letter queue of an EventBridge rule's target (the large-upload rule).
      for (const t of (r.Type === 'AWS::Events::Rule' ? (r.Properties.Targets as { DeadLetterConfig?: { Arn?: unknown } }[]) : []) ?? []) {
        const m = /"Fn::GetAtt":\["([^"]+)","Arn"\]/.exec(JSON.stringify(t.DeadLetterConfig?.Arn ?? null));
        if (m?.[1]) dlqTargets.add(m[1]);
      }
    }
    for (const id of queueIds()) {
      const props = resources[id]!.Properties;
      expect(props.RedrivePolicy !== undefined || dlqTargets.has(id), `${id} has no DLQ and is no DLQ`).toBe(true);
    }
  });

  it('every queue is encrypted and refuses requests not sent over TLS', () => {
    for (const id of queueIds()) {
      expect(resources[id]!.Properties.SqsManagedSseEnabled, id).toBe(true);
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id }],
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
      });
    }
  });

  it('keeps an ingest message invisible for longer than the ingest function may run', () => {
    expect(QUEUES.ingest.visibilityTimeoutSeconds).toBeGreaterThanOrEqual(fnProps(stack.ingestFunction).Timeout as number);
    expect(QUEUES.decision.visibilityTimeoutSeconds).toBeGreaterThanOrEqual(fnProps(stack.decisionFunction).Timeout as number);
  });
});

describe('functions', () => {
  it.each([
    ['ingest', () => stack.ingestFunction, 1024, 900, 'ingest-upload'],
    ['decision', () => stack.decisionFunction, 256, 30, 'record-decision'],
    ['assembly', () => stack.assembleFunction, 1024, 25, 'assemble-report'],
  ])('the %s function has the house defaults', (_name, fn, memory, timeout, service) => {
    const props = fnProps(fn());
    expect(props).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      MemorySize: memory,
      Timeout: timeout,
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: { LogGroup: { Ref: logicalIdOf(fn().logGroup) } },
      Environment: { Variables: { NODE_OPTIONS: '--enable-source-maps', POWERTOOLS_SERVICE_NAME: service, POWERTOOLS_METRICS_NAMESPACE: 'MrvPipeline' } },
    });
    expect(resources[logicalIdOf(fn().logGroup)]!.Properties.RetentionInDays).toBe(90);
  });

  it.each([
    [
      'ingest',
      () => stack.ingestFunction,
      [ENV.bucket, ENV.projectsTable, ENV.submissionsTable, ENV.reviewQueueUrl, ENV.auditTable, ENV.accessTable, ENV.notificationTopic],
    ],
    ['decision', () => stack.decisionFunction, [ENV.bucket, ENV.submissionsTable, ENV.ledgerTable, ENV.accessTable, ENV.auditTable, ENV.notificationTopic]],
    [
      'assembly',
      () => stack.assembleFunction,
      [ENV.bucket, ENV.projectsTable, ENV.submissionsTable, ENV.reviewQueueUrl, ENV.auditTable, ENV.accessTable, ENV.notificationTopic],
    ],
  ])('the %s function gets exactly its ENV names, set to the bound resources', (_name, fn, expected) => {
    const variables = (fnProps(fn()).Environment as { Variables: Record<string, unknown> }).Variables;
    const names = Object.keys(variables).filter((k) => !HOUSE_ENV.includes(k) && k !== LARGE_UPLOAD.minBytesEnv);
    expect(names.sort()).toEqual([...expected].sort());
    const refs: Record<EnvName, unknown> = {
      [ENV.bucket]: { Ref: logicalIdOf(stack.monitoring.bucket) },
      [ENV.projectsTable]: { Ref: logicalIdOf(stack.tables.projects.table) },
      [ENV.submissionsTable]: { Ref: logicalIdOf(stack.tables.submissions.table) },
      [ENV.ledgerTable]: { Ref: logicalIdOf(stack.tables.ledger.table) },
      [ENV.reviewQueueUrl]: { Ref: logicalIdOf(stack.queues.review.queue) },
      [ENV.decisionQueueUrl]: { Ref: logicalIdOf(stack.queues.decision.queue) },
      [ENV.accessTable]: { Ref: logicalIdOf(stack.tables.access.table) },
      [ENV.auditTable]: { Ref: logicalIdOf(stack.tables.audit.table) },
      [ENV.notificationTopic]: { Ref: logicalIdOf(stack.notifications.topic) },
    };
    for (const name of names) expect(variables[name], name).toEqual(refs[name as EnvName]);
  });

  it.each([
    ['ingest-upload', () => stack.ingestFunction],
    ['record-decision', () => stack.decisionFunction],
    ['assemble-report', () => stack.assembleFunction],
  ])('the stack sets exactly the variables functions/%s/deps.ts reads', async (folder, fn) => {
    // createDeps() throws one ConfigError naming every variable it reads but cannot find: with all ENV names
    // removed from the environment, that list is the handler's contract.
    const saved = Object.fromEntries(Object.values(ENV).map((n) => [n, process.env[n]]));
    for (const name of Object.values(ENV)) delete process.env[name];
    try {
      const { createDeps } = (await import(`../../functions/${folder}/deps.ts`)) as { createDeps: () => unknown };
      let error: unknown;
      try {
        createDeps();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      const read = (error as ConfigError).problems.map((p) => p.split(' ')[0]);
      const variables = (fnProps(fn()).Environment as { Variables: Record<string, unknown> }).Variables;
      // (LARGE_UPLOAD_MIN_BYTES is optional for the ingest function: without it, it reads every upload; its value is asserted below.)
      expect(
        Object.keys(variables)
          .filter((k) => !HOUSE_ENV.includes(k) && k !== LARGE_UPLOAD.minBytesEnv)
          .sort(),
      ).toEqual(read.sort());
    } finally {
      for (const [name, value] of Object.entries(saved)) if (value !== undefined) process.env[name] = value;
    }
  });

  it.each([
    ['ingest', () => stack.ingestFunction, () => stack.queues.ingest, 1],
    ['decision', () => stack.decisionFunction, () => stack.queues.decision, 10],
  ])('the %s function consumes its queue with partial batch responses', (_name, fn, queue, batchSize) => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalIdOf(fn().function) },
      EventSourceArn: { 'Fn::GetAtt': [logicalIdOf(queue().queue), 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: batchSize,
    });
  });

  it('no Lambda consumes the review queue (verifiers read it through the CLI)', () => {
    template.resourcePropertiesCountIs(
      'AWS::Lambda::EventSourceMapping',
      { EventSourceArn: { 'Fn::GetAtt': [logicalIdOf(stack.queues.review.queue), 'Arn'] } },
      0,
    );
  });

  it('gives each function its own role without AWS managed policies', () => {
    const own = [stack.ingestFunction, stack.decisionFunction, stack.assembleFunction, stack.console.function];
    expect(new Set(own.map((fn) => logicalIdOf(fn.role))).size).toBe(own.length);
    for (const fn of own) {
      const role = resources[logicalIdOf(fn.role)]!.Properties;
      expect(role.ManagedPolicyArns).toBeUndefined();
      expect(fnProps(fn).Role).toEqual({ 'Fn::GetAtt': [logicalIdOf(fn.role), 'Arn'] });
    }
  });
});

describe('least privilege', () => {
  it('the ingest function cannot write, or even read, the ledger table', () => {
    const ledgerId = logicalIdOf(stack.tables.ledger.table);
    const statements = fnStatements(stack.ingestFunction);
    expect(statements.length).toBeGreaterThan(0);
    expect(allowedActionsOn(statements, ledgerId)).toEqual([]);
    // …and no statement reaches the ledger some other way: no DynamoDB action on "*" and no dynamodb:* wildcard.
    for (const s of statements) {
      const dynamo = actionsOf(s).filter((a) => a.startsWith('dynamodb:'));
      expect(
        dynamo.filter((a) => a.includes('*')),
        JSON.stringify(s),
      ).toEqual([]);
      if (dynamo.length) expect(JSON.stringify(s.Resource)).not.toContain('"*"');
    }
  });

  it('the ingest function has exactly the grants it needs', () => {
    const statements = fnStatements(stack.ingestFunction);
    const bucketId = logicalIdOf(stack.monitoring.bucket);
    expect(allowedActionsOn(statements, logicalIdOf(stack.tables.projects.table))).toEqual(['dynamodb:GetItem']);
    expect(allowedActionsOn(statements, logicalIdOf(stack.tables.submissions.table))).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']);
    // GetObjectVersion: the bucket is versioned and the handler reads the exact version the event names.
    expect(allowedActionsOn(statements, bucketId, '/uploads/*')).toEqual(['s3:GetObject', 's3:GetObjectVersion']);
    // GetObject on reports/*: HeadObject of the report tells a redelivery from a first delivery.
    // PutObjectTagging: evidence is written tagged with the project's verification body.
    expect(allowedActionsOn(statements, bucketId, '/reports/*')).toEqual(['s3:GetObject', 's3:PutObject', 's3:PutObjectTagging']);
    expect(allowedActionsOn(statements, bucketId, '/results/*')).toEqual(['s3:PutObject', 's3:PutObjectTagging']);
    // partials/*: the mergeable partial result of each accepted upload (monitoring reports merge them); HEAD on redelivery.
    expect(allowedActionsOn(statements, bucketId, '/partials/*')).toEqual(['s3:GetObject', 's3:PutObject', 's3:PutObjectTagging']);
    expect(allowedActionsOn(statements, bucketId)).toEqual(['s3:GetObject', 's3:GetObjectVersion', 's3:ListBucket', 's3:PutObject', 's3:PutObjectTagging']);
    // the assigned body (for the tag) is read from the access table, nothing else of it
    expect(allowedActionsOn(statements, logicalIdOf(stack.tables.access.table))).toEqual(['dynamodb:GetItem']);
    expect(allowedActionsOn(statements, logicalIdOf(stack.queues.review.queue))).toEqual(['sqs:SendMessage']);
    expect(allowedActionsOn(statements, logicalIdOf(stack.queues.decision.queue))).toEqual([]);
  });

  it('the decision function can write the ledger but cannot touch uploads or the review queue', () => {
    const statements = fnStatements(stack.decisionFunction);
    const bucketId = logicalIdOf(stack.monitoring.bucket);
    const ledger = allowedActionsOn(statements, logicalIdOf(stack.tables.ledger.table));
    expect(ledger).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
    expect(allowedActionsOn(statements, logicalIdOf(stack.tables.submissions.table))).toEqual(['dynamodb:GetItem', 'dynamodb:UpdateItem']);
    expect(allowedActionsOn(statements, logicalIdOf(stack.tables.projects.table))).toEqual([]);
    expect(allowedActionsOn(statements, bucketId)).toEqual(['s3:PutObject', 's3:PutObjectTagging']);
    // decision reports are evidence too: tagged with the project's verification body
    expect(allowedActionsOn(statements, bucketId, '/reports/*')).toEqual(['s3:PutObject', 's3:PutObjectTagging']);
    expect(allowedActionsOn(statements, bucketId, '/outcomes/*')).toEqual(['s3:PutObject']);
    expect(allowedActionsOn(statements, logicalIdOf(stack.queues.review.queue))).toEqual([]);
  });

  it('no function may delete objects or items, scan a table, or use a service-wide wildcard', () => {
    for (const fn of [stack.ingestFunction, stack.decisionFunction, stack.assembleFunction]) {
      const actions = fnStatements(fn).flatMap(actionsOf);
      expect(actions.filter((a) => /^(s3:Delete|dynamodb:(Delete|Scan|Batch|Transact|PartiQL))/.test(a) || a.endsWith(':*'))).toEqual([]);
    }
  });

  it('the only resource-level "*" is X-Ray, which has no resource-level permissions', () => {
    for (const fn of [stack.ingestFunction, stack.decisionFunction, stack.assembleFunction, stack.console.function]) {
      const star = fnStatements(fn).filter((s) => JSON.stringify(s.Resource) === '"*"');
      expect(star.flatMap(actionsOf).sort()).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
    }
  });
});

describe('tables', () => {
  it.each(Object.keys(TABLES) as (keyof typeof TABLES)[])('the %s table follows TABLES and is protected', (name) => {
    const definition: { partitionKey: string; sortKey?: string; indexes?: readonly { name: string; partitionKey: string; sortKey?: string }[] } = TABLES[name];
    const resource = resources[logicalIdOf(stack.tables[name].table)]!;
    expect(resource.Type).toBe('AWS::DynamoDB::Table');
    expect(resource.DeletionPolicy).toBe('Retain');
    expect(resource.UpdateReplacePolicy).toBe('Retain');
    const keySchema = [{ AttributeName: definition.partitionKey, KeyType: 'HASH' }];
    if (definition.sortKey) keySchema.push({ AttributeName: definition.sortKey, KeyType: 'RANGE' });
    expect(resource.Properties).toMatchObject({
      KeySchema: keySchema,
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
      SSESpecification: { SSEEnabled: true },
    });
    const indexes = (resource.Properties.GlobalSecondaryIndexes ?? []) as { IndexName: string; KeySchema: unknown }[];
    expect(indexes.map((i) => i.IndexName)).toEqual((definition.indexes ?? []).map((i) => i.name));
    for (const index of definition.indexes ?? []) {
      const keys = [{ AttributeName: index.partitionKey, KeyType: 'HASH' }];
      if (index.sortKey) keys.push({ AttributeName: index.sortKey, KeyType: 'RANGE' });
      expect(indexes.find((i) => i.IndexName === index.name)?.KeySchema).toEqual(keys);
    }
  });
});

describe('alarms', () => {
  const alarmsOnQueue = (queueId: string) =>
    Object.values(resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm' && JSON.stringify(r.Properties.Dimensions).includes(`"${queueId}"`));

  it('alarms as soon as one message is in any dead-letter queue, and notifies the alarm topic', () => {
    const dlqs = [stack.queues.ingest, stack.queues.review, stack.queues.decision].map((q) => q.deadLetterQueue.queue);
    const dlqIds = queueIds().filter((id) => !resources[id]!.Properties.RedrivePolicy);
    expect(dlqIds.sort()).toEqual(
      [
        ...dlqs.map((q) => logicalIdOf(q)),
        logicalIdOf(stack.largeUploads.deadLetterQueue),
        logicalIdOf(stack.console.reportOnDecisionDlq!.queue),
        ...queueIds().filter((id) => id.startsWith('AlarmsUndelivered')),
      ].sort(),
    );
    for (const id of dlqIds) {
      const alarms = alarmsOnQueue(id).map((a) => a.Properties);
      expect(alarms, id).toContainEqual(
        expect.objectContaining({
          Namespace: 'AWS/SQS',
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [id, 'QueueName'] } }],
          AlarmActions: [{ Ref: logicalIdOf(stack.alarms.topic) }],
        }),
      );
    }
  });

  it('alarms when the oldest item waiting for a verifier is older than the configured age', () => {
    const [age] = alarmsOnQueue(logicalIdOf(stack.queues.review.queue)).map((a) => a.Properties);
    expect(age).toMatchObject({
      MetricName: 'ApproximateAgeOfOldestMessage',
      Threshold: 7 * 86_400,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [{ Ref: logicalIdOf(stack.alarms.topic) }],
    });
  });

  it('takes the review age threshold from the stage config', () => {
    const custom = buildStack({ reviewQueueMaxAgeDays: 3 });
    Template.fromStack(custom).hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ApproximateAgeOfOldestMessage', Threshold: 3 * 86_400 });
  });

  it('the alarm topic is encrypted with a rotated key CloudWatch may use, and is TLS-only', () => {
    const key = logicalIdOf(stack.alarms.topic.masterKey as unknown as Stack);
    expect(resources[logicalIdOf(stack.alarms.topic)]!.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [key, 'Arn'] });
    expect(resources[key]!.Properties.EnableKeyRotation).toBe(true);
    expect(JSON.stringify(resources[key]!.Properties.KeyPolicy)).toContain('cloudwatch.amazonaws.com');
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });
});

describe('outputs', () => {
  it('exports one output per ENV name so the CLI can be pointed at the stack', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    for (const envName of Object.values(ENV)) expect(outputs, envName).toHaveProperty(outputIdFor(envName));
    expect(outputs[outputIdFor(ENV.bucket)]!.Value).toEqual({ Ref: logicalIdOf(stack.monitoring.bucket) });
    expect(outputs[outputIdFor(ENV.ledgerTable)]!.Value).toEqual({ Ref: logicalIdOf(stack.tables.ledger.table) });
    expect(outputs[outputIdFor(ENV.reviewQueueUrl)]!.Value).toEqual({ Ref: logicalIdOf(stack.queues.review.queue) });
  });

  it('names no physical resources, so stages can live side by side', () => {
    const named = Object.entries(resources).filter(([, r]) =>
      ['BucketName', 'QueueName', 'TableName', 'FunctionName', 'RoleName', 'TopicName', 'AlarmName', 'LogGroupName'].some(
        (p) => typeof r.Properties?.[p] === 'string' && r.Type !== 'Custom::S3BucketNotifications',
      ),
    );
    expect(named.map(([id]) => id)).toEqual([]);
  });
});

describe('MrvFunction', () => {
  const newFunction = (environment?: Record<string, string>) => {
    const scope = new Stack(testApp(), 'FunctionTest');
    const fn = new MrvFunction(scope, 'Fn', {
      entry: STUB_HANDLER,
      serviceName: 'probe',
      description: 'probe',
      memorySize: 256,
      timeout: Duration.seconds(60),
      logRetention: 30,
      environment,
    });
    return { scope, fn };
  };

  it("merges bindings into the caller's environment instead of replacing it", () => {
    const { scope, fn } = newFunction({ CALLER_SETTING: 'kept' });
    fn.bindTable(new MrvTable(scope, 'T', { definition: TABLES.projects }).table, ENV.projectsTable, ['dynamodb:GetItem']);
    const variables = Template.fromStack(scope).findResources('AWS::Lambda::Function', { Properties: { Description: 'probe' } });
    expect(Object.values(variables)[0]?.Properties.Environment.Variables).toMatchObject({
      CALLER_SETTING: 'kept',
      [ENV.projectsTable]: expect.anything(),
      POWERTOOLS_SERVICE_NAME: 'probe',
    });
  });

  it('refuses a binding that would overwrite a variable the caller set', () => {
    const { scope, fn } = newFunction({ [ENV.projectsTable]: 'somewhere-else' });
    const table = new MrvTable(scope, 'T', { definition: TABLES.projects }).table;
    expect(() => fn.bindTable(table, ENV.projectsTable, ['dynamodb:GetItem'])).toThrow(/PROJECTS_TABLE_NAME is already set/);
  });

  it('refuses to consume a queue whose visibility timeout is shorter than the function timeout', () => {
    const { scope, fn } = newFunction();
    const queue = new WorkQueue(scope, 'Short', { definition: { ...QUEUES.decision, visibilityTimeoutSeconds: 30 }, description: 'a short queue' });
    expect(() => fn.consume(queue, { batchSize: 1 })).toThrow(/visibility timeout 30 s is shorter than the timeout/);
  });
});

describe('cdk-nag', () => {
  const violationsOf = (report: PolicyValidationPluginReport) =>
    report.violations.map((v) => `${v.ruleName} @ ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);

  it('AwsSolutions reports no unacknowledged finding', () => {
    expect(violationsOf(new AwsSolutionsChecks().validateScope(stack))).toEqual([]);
  });

  it('Serverless reports no unacknowledged finding', () => {
    expect(violationsOf(new ServerlessChecks().validateScope(stack))).toEqual([]);
  });

  it('passes as a synthesis-time plugin too, the way `cdk synth` runs it', () => {
    const app = testApp();
    buildStack({}, app);
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
    expect(() => app.synth()).not.toThrow();
  });

  it('acknowledges on resources only: nothing stack-wide, IAM findings only on roles', () => {
    const acknowledged = stack.node
      .findAll()
      .flatMap((c) =>
        c.node.metadata
          .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
          .map((m) => ({ construct: c, ids: Object.keys(m.data as object) })),
      );
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const { construct, ids } of acknowledged) {
      expect(construct, ids.join()).not.toBe(stack);
      for (const id of ids.filter((i) => /IAM\d/.test(i))) {
        // on a role, or on one of the per-role managed policies (infra/constructs/access-control.ts)
        // (or the policy aws-cdk-lib attaches to a state machine's role for its Distributed Map's child executions)
        const onRole =
          construct instanceof iam.Role ||
          construct instanceof iam.ManagedPolicy ||
          construct.node.id.startsWith('BucketNotificationsHandler') ||
          (construct instanceof iam.Policy && construct.node.id === 'DistributedMapPolicy');
        expect(onRole, `${id} on ${construct.node.path}`).toBe(true);
        expect(id, 'IAM acknowledgements must name the exact finding').toMatch(/\[.+\]$/);
      }
    }
  });

  it('fails on an unacknowledged violation (the gate can fail)', () => {
    const bad = new Stack(testApp(), 'Bad');
    new s3.Bucket(bad, 'Careless');
    const report = new AwsSolutionsChecks().validateScope(bad);
    expect(report.success).toBe(false);
    expect(violationsOf(report)).toEqual(expect.arrayContaining(['AwsSolutions-S1 @ Bad/Careless/Resource', 'AwsSolutions-S10 @ Bad/Careless/Resource']));

    const app = testApp();
    const badInApp = new Stack(app, 'Bad');
    new s3.Bucket(badInApp, 'Careless');
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).toThrow(/AwsSolutions-S10/);
  });

  it('a plain rule id does not cover a granular finding, so acknowledgements must name it exactly', () => {
    const scope = new Stack(testApp(), 'Granular');
    const bucket = new s3.Bucket(scope, 'B', { enforceSSL: true });
    Validations.of(bucket).acknowledge({ id: 'AwsSolutions-S1', reason: 'probe' });
    const role = new iam.Role(scope, 'R', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [bucket.arnForObjects('*')] }));
    Validations.of(role).acknowledge({ id: 'AwsSolutions-IAM5', reason: 'too broad to count' });
    expect(violationsOf(new AwsSolutionsChecks().validateScope(scope))).toEqual([
      `AwsSolutions-IAM5[Resource::<${logicalIdOf(bucket)}.Arn>/*] @ Granular/R/DefaultPolicy/Resource`,
    ]);
  });
});

// ——— Issue 13: policy simulation on the synthesized template ———
// The managed policy of each role, with its CloudFormation references resolved to concrete ARNs, evaluated
// for requests of principals carrying the role's tags (core/access/iam-policy.ts: Allow/Deny, wildcards,
// policy variables and the condition operators these policies use). Plus the Cognito user pool.
const ACCOUNT = '123456789012';
const policies: Record<string, PolicyDocument> = {};
function arnOf(logicalId: string): string {
  const type = resources[logicalId]?.Type;
  if (type === 'AWS::S3::Bucket') return `arn:aws:s3:::${logicalId.toLowerCase()}`;
  if (type === 'AWS::SQS::Queue') return `arn:aws:sqs:us-east-1:${ACCOUNT}:${logicalId}`;
  if (type === 'AWS::DynamoDB::Table') return `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/${logicalId}`;
  if (type === 'AWS::SNS::Topic') return `arn:aws:sns:us-east-1:${ACCOUNT}:${logicalId}`;
  if (type === 'AWS::KMS::Key') return `arn:aws:kms:us-east-1:${ACCOUNT}:key/${logicalId}`;
  if (type === 'AWS::Lambda::Function') return `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${logicalId}`;
  if (type === 'AWS::Logs::LogGroup') return `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:${logicalId}:*`;
  throw new Error(`no ARN rule for ${logicalId} (${type})`);
}
function resolveCfn(v: unknown): unknown {
  if (typeof v === 'string' || v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(resolveCfn);
  const o = v as Record<string, unknown>;
  if (o['Fn::Join']) {
    const [sep, parts] = o['Fn::Join'] as [string, unknown[]];
    return parts.map(resolveCfn).join(sep);
  }
  if (o['Fn::GetAtt']) return arnOf((o['Fn::GetAtt'] as [string, string])[0]);
  if (o.Ref === 'AWS::Partition') return 'aws';
  if (o.Ref === 'AWS::AccountId') return ACCOUNT;
  if (o.Ref === 'AWS::Region') return 'us-east-1';
  // Ref of a topic is its ARN.
  if (typeof o.Ref === 'string' && resources[o.Ref]?.Type === 'AWS::SNS::Topic') return arnOf(o.Ref);
  if (o.Ref) throw new Error(`unresolved Ref ${String(o.Ref)}`);
  return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, resolveCfn(x)]));
}
const policyOf = (role: 'site' | 'verifier' | 'registrar'): PolicyDocument => {
  if (!policies[role]) {
    const r = resources[logicalIdOf(stack.accessControl.policies[role])]!;
    expect(r.Type).toBe('AWS::IAM::ManagedPolicy');
    policies[role] = resolveCfn(r.Properties.PolicyDocument) as PolicyDocument;
  }
  return policies[role];
};

const bucket = () => arnOf(logicalIdOf(stack.monitoring.bucket));
const object = (key: string) => `${bucket()}/${key}`;
const table = (t: 'projects' | 'submissions' | 'ledger' | 'access' | 'audit') => arnOf(logicalIdOf(stack.tables[t].table));
const queue = (q: 'decision' | 'review' | 'ingest') => arnOf(logicalIdOf(stack.queues[q].queue));

const SITE_P1 = { 'aws:PrincipalTag/mrv:project': 'p1', 'aws:userid': 'AIDASITEP1' };
const VERIFIER = { 'aws:PrincipalTag/mrv:verifier-body': 'DOE-A', 'aws:userid': 'AROAVERIFIER:alice' };
const REGISTRAR = { 'aws:userid': 'AIDAREGISTRAR' };
const can = (role: string, context: Record<string, string>, action: string, resource: string, extra: Record<string, string> = {}) =>
  evaluatePolicies([policyOf(role as 'site' | 'verifier' | 'registrar')], { action, resource, context: { ...context, ...extra } }).decision === 'allow';

describe('role policies, simulated on the synthesized template', () => {
  it('a site puts objects only under uploads/<its project>/', () => {
    expect(can('site', SITE_P1, 's3:PutObject', object('uploads/p1/2024-01.csv'))).toBe(true);
    expect(can('site', SITE_P1, 's3:PutObject', object('uploads/p2/2024-01.csv'))).toBe(false);
    expect(can('site', SITE_P1, 's3:PutObject', object('uploads/p1-other/x.csv'))).toBe(false);
    expect(can('site', SITE_P1, 's3:PutObject', object('reports/p1/x.json'))).toBe(false);
    expect(can('site', SITE_P1, 's3:PutObject', object('results/p1/x.json'))).toBe(false);
    expect(can('site', SITE_P1, 's3:PutObject', object('outcomes/AIDASITEP1/x.json'))).toBe(false);
    // a tag value with wildcards is literal, not a pattern
    expect(can('site', { 'aws:PrincipalTag/mrv:project': '*' }, 's3:PutObject', object('uploads/p2/x.csv'))).toBe(false);
    // an untagged principal with the site policy can do nothing
    expect(can('site', { 'aws:userid': 'AIDAUNTAGGED' }, 's3:PutObject', object('uploads/p1/x.csv'))).toBe(false);
  });

  it('a site reads only its own reports and results, and its own registration', () => {
    expect(can('site', SITE_P1, 's3:GetObject', object('reports/p1/u.json'))).toBe(true);
    expect(can('site', SITE_P1, 's3:GetObject', object('reports/p2/u.json'))).toBe(false);
    expect(can('site', SITE_P1, 's3:GetObject', object('results/p2/u.json'))).toBe(false);
    expect(can('site', SITE_P1, 'dynamodb:GetItem', table('projects'), { 'dynamodb:LeadingKeys': 'p1' })).toBe(true);
    expect(can('site', SITE_P1, 'dynamodb:GetItem', table('projects'), { 'dynamodb:LeadingKeys': 'p2' })).toBe(false);
    expect(can('site', SITE_P1, 'dynamodb:PutItem', table('projects'), { 'dynamodb:LeadingKeys': 'p1' })).toBe(false);
  });

  it('a site cannot submit decisions or touch the registers, ledger or audit trail', () => {
    expect(can('site', SITE_P1, 'sqs:SendMessage', queue('decision'))).toBe(false);
    for (const t of ['access', 'audit', 'ledger', 'submissions'] as const) expect(can('site', SITE_P1, 'dynamodb:PutItem', table(t))).toBe(false);
  });

  it('a verifier submits decisions and reads evidence, its own outcomes, never uploads or registrations', () => {
    expect(can('verifier', VERIFIER, 'sqs:SendMessage', queue('decision'))).toBe(true);
    // the review queue is shared by every body: not in the verifier policy (see the IAM-only policy below)
    expect(can('verifier', VERIFIER, 'sqs:ReceiveMessage', queue('review'))).toBe(false);
    // evidence only of projects assigned to its body: the object's tag must name the verifier's body
    const tagged = (body: string) => ({ 's3:ExistingObjectTag/mrv:verifier-body': body });
    for (const key of ['results/p1/u.json', 'reports/p1/u.json', 'partials/p1/u.json', 'monitoring-reports/p1/r.json']) {
      expect(can('verifier', { ...VERIFIER, ...tagged('DOE-A') }, 's3:GetObject', object(key)), key).toBe(true);
      expect(can('verifier', { ...VERIFIER, ...tagged('DOE-B') }, 's3:GetObject', object(key)), `${key} of another body`).toBe(false);
      expect(can('verifier', { ...VERIFIER, ...tagged('unassigned') }, 's3:GetObject', object(key)), `${key} unassigned`).toBe(false);
      expect(can('verifier', VERIFIER, 's3:GetObject', object(key)), `${key} untagged`).toBe(false);
    }
    expect(can('verifier', VERIFIER, 's3:GetObject', object('outcomes/AROAVERIFIER:alice/m1.json'))).toBe(true);
    expect(can('verifier', VERIFIER, 's3:GetObject', object('outcomes/AROAVERIFIER:bob/m1.json'))).toBe(false);
    expect(can('verifier', VERIFIER, 's3:PutObject', object('uploads/p1/x.csv'))).toBe(false);
    expect(can('verifier', VERIFIER, 'dynamodb:PutItem', table('projects'))).toBe(false);
    expect(can('verifier', VERIFIER, 'dynamodb:PutItem', table('access'))).toBe(false);
    expect(can('verifier', VERIFIER, 'dynamodb:PutItem', table('ledger'))).toBe(false);
    expect(can('verifier', { 'aws:userid': 'AIDANOBODY' }, 'sqs:SendMessage', queue('decision'))).toBe(false); // untagged
  });

  it('a verifier reads no review state from DynamoDB: only the separate policy for IAM-only verifiers grants that (unscoped) read', () => {
    const reads = ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:BatchGetItem'];
    for (const t of ['submissions', 'ledger', 'audit', 'projects', 'access'] as const)
      for (const action of reads) expect(can('verifier', VERIFIER, action, table(t)), `${action} on ${t}`).toBe(false);
    expect(can('verifier', VERIFIER, 'dynamodb:Query', `${table('submissions')}/index/${SUBMISSIONS_BY_PROJECT_INDEX}`)).toBe(false);
    // What the verifier needs for a decision stays: send it, read its own outcome.
    expect(can('verifier', VERIFIER, 'sqs:SendMessage', queue('decision'))).toBe(true);
    expect(can('verifier', VERIFIER, 's3:GetObject', object('outcomes/AROAVERIFIER:alice/m1.json'))).toBe(true);

    const r = resources[logicalIdOf(stack.accessControl.verifierReviewStatePolicy)]!;
    expect(r.Type).toBe('AWS::IAM::ManagedPolicy');
    const reviewState = resolveCfn(r.Properties.PolicyDocument) as PolicyDocument;
    const withState = (context: Record<string, string>, action: string, resource: string) =>
      evaluatePolicies([policyOf('verifier'), reviewState], { action, resource, context }).decision === 'allow';
    for (const t of ['submissions', 'ledger', 'audit', 'projects'] as const) expect(withState(VERIFIER, 'dynamodb:GetItem', table(t)), t).toBe(true);
    expect(withState(VERIFIER, 'dynamodb:Query', `${table('submissions')}/index/${SUBMISSIONS_BY_PROJECT_INDEX}`)).toBe(true);
    expect(withState(VERIFIER, 'sqs:ReceiveMessage', queue('review'))).toBe(true);
    expect(withState(VERIFIER, 'sqs:ReceiveMessage', queue('decision'))).toBe(false);
    expect(withState({ 'aws:userid': 'AIDAUNTAGGED' }, 'sqs:ReceiveMessage', queue('review'))).toBe(false);
    expect(withState(VERIFIER, 'dynamodb:Scan', table('submissions'))).toBe(false);
    expect(withState(VERIFIER, 'dynamodb:PutItem', table('submissions'))).toBe(false);
    expect(withState(VERIFIER, 'dynamodb:GetItem', table('access'))).toBe(false);
    expect(withState({ 'aws:userid': 'AIDAUNTAGGED' }, 'dynamodb:GetItem', table('submissions'))).toBe(false);
  });

  it('only the registrar writes registrations, assignments and the verifier register; it cannot decide or upload', () => {
    expect(can('registrar', REGISTRAR, 'dynamodb:PutItem', table('projects'))).toBe(true);
    expect(can('registrar', REGISTRAR, 'dynamodb:PutItem', table('access'))).toBe(true);
    expect(can('registrar', REGISTRAR, 'sqs:SendMessage', queue('decision'))).toBe(false);
    expect(can('registrar', REGISTRAR, 's3:PutObject', object('uploads/p1/x.csv'))).toBe(false);
    expect(can('registrar', REGISTRAR, 'dynamodb:PutItem', table('ledger'))).toBe(false);
    for (const role of ['site', 'verifier'] as const)
      expect(can(role, role === 'site' ? SITE_P1 : VERIFIER, 'dynamodb:PutItem', table('projects'))).toBe(false);
    // an assignment re-tags the project's evidence; only the registrar may, and only evidence
    expect(can('registrar', REGISTRAR, 's3:PutObjectTagging', object('results/p1/u.json'))).toBe(true);
    expect(can('registrar', REGISTRAR, 's3:PutObjectTagging', object('uploads/p1/x.csv'))).toBe(false);
    for (const role of ['site', 'verifier'] as const)
      expect(can(role, role === 'site' ? SITE_P1 : VERIFIER, 's3:PutObjectTagging', object('results/p1/u.json'))).toBe(false);
  });
});

describe('Cognito user pool', () => {
  it('has one group per role, no self sign-up, MFA required, threat protection enforced', () => {
    const pool = resources[logicalIdOf(stack.accessControl.userPool)]!.Properties;
    expect(pool).toMatchObject({
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'ON',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
    });
    const groups = Object.values(resources)
      .filter((r) => r.Type === 'AWS::Cognito::UserPoolGroup')
      .map((r) => r.Properties.GroupName);
    expect(groups.sort()).toEqual(['registrar', 'site', 'verifier']);
    const client = Object.values(resources).find((r) => r.Type === 'AWS::Cognito::UserPoolClient')!.Properties;
    expect(client).toMatchObject({
      ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      GenerateSecret: false,
      PreventUserExistenceErrors: 'ENABLED',
    });
  });
});

describe('review console in the stack', () => {
  it('puts the JWT authorizer of the user pool on /api, with the browser client of the console among its audiences', () => {
    const authorizers = Object.values(resources).filter((r) => r.Type === 'AWS::ApiGatewayV2::Authorizer');
    expect(authorizers).toHaveLength(1);
    const jwt = authorizers[0]!.Properties.JwtConfiguration as { Audience: unknown[] };
    expect(JSON.stringify(jwt.Audience)).toContain(logicalIdOf(stack.accessControl.client));
    const consoleClient = Object.entries(resources).find(
      ([, r]) => r.Type === 'AWS::Cognito::UserPoolClient' && (r.Properties.AllowedOAuthFlows as string[] | undefined)?.length,
    )!;
    expect(JSON.stringify(jwt.Audience)).toContain(consoleClient[0]);
    // Code flow only (the console adds PKCE), no implicit grant, no secret, redirect only to the console itself.
    expect(consoleClient[1].Properties).toMatchObject({ AllowedOAuthFlows: ['code'], GenerateSecret: false, AllowedOAuthFlowsUserPoolClient: true });
    expect(JSON.stringify(consoleClient[1].Properties.CallbackURLs)).toContain(logicalIdOf(stack.console.api));
    template.resourceCountIs('AWS::Cognito::UserPoolDomain', 1);
  });

  it('lets the decision function trust forwarded principals from the console function only', () => {
    const env = (fnProps(stack.decisionFunction).Environment as { Variables: Record<string, unknown> }).Variables;
    expect(env.MRV_TRUSTED_FORWARDER_ROLE_IDS).toEqual({ 'Fn::GetAtt': [logicalIdOf(stack.console.function.role), 'RoleId'] });
    const apiEnv = (fnProps(stack.console.function).Environment as { Variables: Record<string, unknown> }).Variables;
    expect(apiEnv.MRV_API_ROLE_ID).toEqual({ 'Fn::GetAtt': [logicalIdOf(stack.console.function.role), 'RoleId'] });
  });

  // A site assembles its monitoring report through the API, but the API function writes no table: the writes of an
  // assembly are the assembly function's, which the API function invokes.
  it('reads the access registers (authorization) but never writes them, the registrations or the ledger', () => {
    const statements = fnStatements(stack.console.function);
    const onAccess = statements.filter((s) => JSON.stringify(s.Resource).includes(logicalIdOf(stack.tables.access.table))).flatMap(actionsOf);
    expect(onAccess).toEqual(['dynamodb:GetItem']);
    for (const t of ['access', 'projects', 'ledger', 'submissions', 'audit'] as const)
      expect(
        allowedActionsOn(statements, logicalIdOf(stack.tables[t].table)).filter((a) => !['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan'].includes(a)),
        t,
      ).toEqual([]);
    expect(statements.flatMap(actionsOf)).not.toContain('dynamodb:DeleteItem');
  });

  it('names the assembly function to the console function, and none of the resources an assembly writes to (functions/http-api/deps.ts)', () => {
    const variables = (fnProps(stack.console.function).Environment as { Variables: Record<string, unknown> }).Variables;
    expect(variables.MRV_ASSEMBLY_FUNCTION).toEqual({ Ref: logicalIdOf(stack.assembleFunction.function) });
    for (const name of [ENV.reviewQueueUrl, ENV.auditTable, ENV.notificationTopic]) expect(variables[name], name).toBeUndefined();
    expect(variables[ENV.submissionsTable]).toEqual({ Ref: logicalIdOf(stack.tables.submissions.table) });
  });

  it("the console function's role, simulated: it can invoke the assembly function, and write none of an assembly's resources", () => {
    const role = { Statement: fnStatements(stack.console.function).map((s) => resolveCfn(s)) } as PolicyDocument;
    const fnCan = (action: string, resource: string) => evaluatePolicies([role], { action, resource, context: {} }).decision === 'allow';
    const topic = arnOf(logicalIdOf(stack.notifications.topic));
    const assembler = arnOf(logicalIdOf(stack.assembleFunction.function));
    // What assembling needs is the assembly function's (functions/assemble-report): this role only invokes it…
    expect(fnCan('lambda:InvokeFunction', assembler)).toBe(true);
    // …that one function, unqualified (no version or alias), and nothing else of Lambda.
    for (const other of [
      `${assembler}:1`,
      `${assembler}:live`,
      arnOf(logicalIdOf(stack.ingestFunction.function)),
      arnOf(logicalIdOf(stack.console.function.function)),
    ])
      expect(fnCan('lambda:InvokeFunction', other), other).toBe(false);
    for (const action of [
      'lambda:InvokeAsync',
      'lambda:UpdateFunctionCode',
      'lambda:UpdateFunctionConfiguration',
      'lambda:AddPermission',
      'lambda:GetFunction',
    ])
      expect(fnCan(action, assembler), action).toBe(false);
    // It can no longer write what an assembly writes: the submission, the merged result, the report, the review item, the trail.
    for (const action of ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'])
      for (const t of ['submissions', 'audit', 'projects', 'ledger', 'access'] as const) expect(fnCan(action, table(t)), `${action} ${t}`).toBe(false);
    for (const key of ['results/p1/r.json', 'monitoring-reports/p1/r.json', 'partials/p1/u.json', 'uploads/p1/x.csv', 'outcomes/AROAX:alice/m.json']) {
      expect(fnCan('s3:PutObject', object(key)), key).toBe(false);
      expect(fnCan('s3:PutObjectTagging', object(key)), key).toBe(false);
    }
    for (const key of ['monitoring-reports/p1/r.json', 'results/p1/r.json', 'reports/p1/u.json'])
      expect(fnCan('s3:DeleteObject', object(key)), key).toBe(false);
    for (const q of ['review', 'ingest'] as const)
      for (const action of ['sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:PurgeQueue'])
        expect(fnCan(action, queue(q)), `${action} ${q}`).toBe(false);
    expect(fnCan('sns:Publish', topic)).toBe(false);
    expect(fnCan('sns:Publish', arnOf(logicalIdOf(stack.alarms.topic)))).toBe(false);
    // What it had before monitoring reports stays: decisions to the decision queue, verification reports under reports/, reads.
    expect(fnCan('sqs:SendMessage', queue('decision'))).toBe(true);
    expect(fnCan('s3:PutObject', object('reports/p1/u.verification.pdf'))).toBe(true);
    expect(fnCan('dynamodb:GetItem', table('submissions'))).toBe(true);
    expect(fnCan('s3:GetObject', object('monitoring-reports/p1/r.json'))).toBe(true);
  });

  it("the assembly function's role, simulated: the writes of an assembled monitoring report, and nothing broader", () => {
    const role = { Statement: fnStatements(stack.assembleFunction).map((s) => resolveCfn(s)) } as PolicyDocument;
    const fnCan = (action: string, resource: string) => evaluatePolicies([role], { action, resource, context: {} }).decision === 'allow';
    const topic = arnOf(logicalIdOf(stack.notifications.topic));
    // What assembling needs (functions/assemble-report/assemble.ts through ./deps.ts):
    expect(fnCan('dynamodb:PutItem', table('submissions'))).toBe(true); // the report's submission (conditional put)
    expect(fnCan('dynamodb:UpdateItem', table('submissions'))).toBe(true); // marked queued
    expect(fnCan('dynamodb:GetItem', table('submissions'))).toBe(true); // a report assembled before
    expect(fnCan('dynamodb:Query', `${table('submissions')}/index/byProject`)).toBe(true); // the project's uploads
    expect(fnCan('dynamodb:GetItem', table('projects'))).toBe(true); // the registration
    expect(fnCan('dynamodb:GetItem', table('access'))).toBe(true); // the assigned body, for the evidence tag
    expect(fnCan('dynamodb:PutItem', table('audit'))).toBe(true);
    expect(fnCan('dynamodb:Query', table('audit'))).toBe(true); // the head of the chain
    expect(fnCan('sqs:SendMessage', queue('review'))).toBe(true);
    for (const key of ['monitoring-reports/p1/r.json', 'results/p1/r.json']) {
      expect(fnCan('s3:PutObject', object(key)), key).toBe(true);
      expect(fnCan('s3:PutObjectTagging', object(key)), key).toBe(true);
    }
    expect(fnCan('s3:GetObject', object('partials/p1/u.json'))).toBe(true);
    expect(fnCan('s3:GetObject', object('monitoring-reports/p1/r.json'))).toBe(true);
    expect(fnCan('s3:ListBucket', bucket())).toBe(true); // a missing partial is a 404, not a 403
    expect(fnCan('sns:Publish', topic)).toBe(true);
    // …and nothing broader: no other table writes, no deletes, no other queue, no uploads, no consuming the review queue.
    for (const t of ['projects', 'ledger', 'access'] as const)
      for (const action of ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem']) expect(fnCan(action, table(t)), `${action} ${t}`).toBe(false);
    for (const t of ['submissions', 'audit'] as const) {
      expect(fnCan('dynamodb:DeleteItem', table(t)), t).toBe(false);
      expect(fnCan('dynamodb:BatchWriteItem', table(t)), t).toBe(false);
      expect(fnCan('dynamodb:Scan', table(t)), t).toBe(false);
    }
    expect(fnCan('dynamodb:UpdateItem', table('audit'))).toBe(false); // the trail is append-only
    expect(fnCan('dynamodb:PutItem', `${table('submissions')}/index/byProject`)).toBe(false);
    for (const t of ['ledger', 'access'] as const) expect(fnCan('dynamodb:Query', table(t)), t).toBe(false);
    expect(fnCan('sqs:SendMessage', queue('ingest'))).toBe(false);
    expect(fnCan('sqs:SendMessage', queue('decision'))).toBe(false);
    for (const action of ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:PurgeQueue']) expect(fnCan(action, queue('review')), action).toBe(false);
    for (const key of ['uploads/p1/x.csv', 'partials/p1/u.json', 'reports/p1/u.json', 'outcomes/AROAX:alice/m.json'])
      expect(fnCan('s3:PutObject', object(key)), key).toBe(false);
    for (const key of ['uploads/p1/x.csv', 'results/p1/u.json', 'reports/p1/u.json']) expect(fnCan('s3:GetObject', object(key)), key).toBe(false);
    for (const key of ['monitoring-reports/p1/r.json', 'results/p1/r.json', 'uploads/p1/x.csv']) expect(fnCan('s3:DeleteObject', object(key)), key).toBe(false);
    expect(fnCan('sns:Publish', arnOf(logicalIdOf(stack.alarms.topic)))).toBe(false);
    expect(fnCan('sns:Subscribe', topic)).toBe(false);
    expect(fnCan('lambda:InvokeFunction', arnOf(logicalIdOf(stack.assembleFunction.function)))).toBe(false);
  });

  it("the assembly function's resource policy names the console function's role, and no other principal", () => {
    const fnId = logicalIdOf(stack.assembleFunction.function);
    const onIt = Object.values(resources).filter(
      (r) => r.Type === 'AWS::Lambda::Permission' && JSON.stringify(r.Properties.FunctionName).includes(`"${fnId}"`),
    );
    expect(onIt.map((r) => r.Properties)).toEqual([
      {
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': [fnId, 'Arn'] },
        Principal: { 'Fn::GetAtt': [logicalIdOf(stack.console.function.role), 'Arn'] },
      },
    ]);
    // No event source, subscription or URL invokes it either.
    for (const type of ['AWS::Lambda::EventSourceMapping', 'AWS::Lambda::Url', 'AWS::SNS::Subscription', 'AWS::Lambda::EventInvokeConfig'])
      expect(
        Object.values(resources).filter((r) => r.Type === type && JSON.stringify(r.Properties).includes(`"${fnId}"`)),
        type,
      ).toEqual([]);
  });
});

describe('mrv login app client', () => {
  const cliClient = () => resources[logicalIdOf(stack.accessControl.cliClient!)]!.Properties;

  it('is a public client with the code grant only, redirecting to the loopback listener of the CLI only', () => {
    const c = cliClient();
    expect(c).toMatchObject({
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      GenerateSecret: false,
      SupportedIdentityProviders: ['COGNITO'],
    });
    // No password, SRP, admin or custom sign-in: only the hosted UI (which asks for the TOTP code) and refresh.
    // (Left out, ExplicitAuthFlows would default to SRP and custom auth as well.)
    expect(c.ExplicitAuthFlows).toEqual(['ALLOW_REFRESH_TOKEN_AUTH']);
    expect(c.CallbackURLs).toEqual(LOGIN_CALLBACK_PORTS.map((p) => `http://localhost:${p}/callback`));
    for (const url of c.CallbackURLs as string[]) expect(new URL(url).hostname).toBe('localhost');
    expect(c.LogoutURLs).toBeUndefined();
    expect((c.AllowedOAuthScopes as string[]).sort()).toEqual(['email', 'openid', 'profile']);
  });

  it('issues short-lived tokens and a revocable refresh token', () => {
    expect(cliClient()).toMatchObject({
      AccessTokenValidity: CLI_TOKEN_MINUTES,
      IdTokenValidity: CLI_TOKEN_MINUTES,
      RefreshTokenValidity: CLI_REFRESH_HOURS * 60,
      TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'minutes' },
      EnableTokenRevocation: true,
    });
    expect(CLI_TOKEN_MINUTES).toBeLessThanOrEqual(15);
  });

  it('is an audience of the JWT authorizer, on the same hosted UI as the console, and the stack outputs what mrv login needs', () => {
    const jwt = Object.values(resources).find((r) => r.Type === 'AWS::ApiGatewayV2::Authorizer')!.Properties.JwtConfiguration as { Audience: unknown[] };
    expect(JSON.stringify(jwt.Audience)).toContain(logicalIdOf(stack.accessControl.cliClient!));
    template.resourceCountIs('AWS::Cognito::UserPoolDomain', 1);
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(outputs[outputIdFor(LOGIN_ENV.clientId)]!.Value).toEqual({ Ref: logicalIdOf(stack.accessControl.cliClient!) });
    expect(JSON.stringify(outputs[outputIdFor(LOGIN_ENV.domain)]!.Value)).toContain('amazoncognito.com');
    expect(JSON.stringify(outputs[outputIdFor(LOGIN_ENV.apiUrl)]!.Value)).toContain(logicalIdOf(stack.console.api));
  });
});

describe('notification topic', () => {
  it('is encrypted with a rotated customer-managed key and refuses requests not sent over TLS', () => {
    const topic = resources[logicalIdOf(stack.notifications.topic)]!.Properties;
    expect(topic.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [logicalIdOf(stack.notifications.key), 'Arn'] });
    expect(resources[logicalIdOf(stack.notifications.key)]!.Properties.EnableKeyRotation).toBe(true);
    const policies = Object.values(resources).filter(
      (r) => r.Type === 'AWS::SNS::TopicPolicy' && JSON.stringify(r.Properties.Topics).includes(logicalIdOf(stack.notifications.topic)),
    );
    expect(JSON.stringify(policies)).toContain('"aws:SecureTransport":"false"');
  });

  it('the ingest, decision and assembly functions may publish to it, and nothing else of SNS; the console function nothing of SNS', () => {
    for (const fn of [stack.ingestFunction, stack.decisionFunction, stack.assembleFunction]) {
      const onTopic = fnStatements(fn)
        .filter((s) => JSON.stringify(s.Resource).includes(logicalIdOf(stack.notifications.topic)))
        .flatMap(actionsOf);
      expect(onTopic).toEqual(['sns:Publish']);
      expect(
        fnStatements(fn)
          .flatMap(actionsOf)
          .filter((a) => a.startsWith('sns:')),
      ).toEqual(['sns:Publish']);
    }
    expect(
      fnStatements(stack.console.function)
        .flatMap(actionsOf)
        .filter((a) => a.startsWith('sns:')),
    ).toEqual([]);
  });
});

describe('verification reports on a recorded decision', () => {
  it('the console function hears the notification topic, decision-recorded events only', () => {
    const subs = Object.values(resources).filter((r) => r.Type === 'AWS::SNS::Subscription');
    const toConsole = subs.filter((r) => JSON.stringify(r.Properties.Endpoint).includes(logicalIdOf(stack.console.function.function)));
    expect(toConsole).toHaveLength(1);
    expect(toConsole[0]!.Properties).toMatchObject({
      Protocol: 'lambda',
      TopicArn: { Ref: logicalIdOf(stack.notifications.topic) },
      FilterPolicy: { event: ['decision-recorded'] },
    });
  });
});
