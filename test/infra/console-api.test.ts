// The console's HTTP API: authenticated /api routes, public static routes only for the console's files,
// least-privilege grants, and cdk-nag clean with per-resource acknowledgements.
import { Stack, type PolicyValidationPluginReport } from 'aws-cdk-lib';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { QUEUES, TABLES } from '../../functions/shared/resources.ts';
import { ConsoleApi } from '../../infra/constructs/console-api.ts';
import { MonitoringBucket } from '../../infra/constructs/monitoring-bucket.ts';
import { MrvTable } from '../../infra/constructs/mrv-table.ts';
import { WorkQueue } from '../../infra/constructs/work-queue.ts';
import { AlarmTopic } from '../../infra/constructs/alarm-topic.ts';
import { Duration } from 'aws-cdk-lib';
import { actionsOf, allowedActionsOn, logicalIdOf, statementsOfRole, STUB_HANDLER, testApp } from './synth-stack.ts';

function build() {
  const stack = new Stack(testApp(), 'ConsoleTest');
  const alarms = new AlarmTopic(stack, 'Alarms', {});
  const monitoring = new MonitoringBucket(stack, 'Monitoring', { accessLogRetention: Duration.days(30) });
  const tables = {
    projects: new MrvTable(stack, 'P', { definition: TABLES.projects }),
    submissions: new MrvTable(stack, 'S', { definition: TABLES.submissions }),
    ledger: new MrvTable(stack, 'L', { definition: TABLES.ledger }),
    access: new MrvTable(stack, 'A', { definition: TABLES.access }),
    audit: new MrvTable(stack, 'Au', { definition: TABLES.audit }),
  };
  const decisionQueue = new WorkQueue(stack, 'D', { definition: QUEUES.decision, description: 'decisions', alarmAction: alarms.action });
  const reviewQueue = new WorkQueue(stack, 'R', { definition: QUEUES.review, description: 'review items', alarmAction: alarms.action });
  // Stand-in for the people's user pool of the access-control construct (not under test here).
  const pool = new cognito.UserPool(stack, 'Pool');
  const client = pool.addClient('Client');
  const api = new ConsoleApi(stack, 'Console', {
    monitoring,
    tables,
    decisionQueue,
    reviewQueue,
    auth: () => ({ authorizer: new HttpUserPoolAuthorizer('Cognito', pool, { userPoolClients: [client] }), issuer: 'https://issuer.example' }),
    logRetention: logs.RetentionDays.ONE_MONTH,
    entry: STUB_HANDLER,
  });
  return { stack, api, tables, monitoring, queues: { decision: decisionQueue, review: reviewQueue }, template: Template.fromStack(stack) };
}

const { stack, api, tables, monitoring, queues, template } = build();
const violationsOf = (report: PolicyValidationPluginReport) =>
  report.violations.map((v) => `${v.ruleName} @ ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
const ours = (v: string) => v.includes('/Console/');

describe('console HTTP API', () => {
  it('requires the JWT authorizer on every /api route, and on no other route than the static ones', () => {
    const routes = template.findResources('AWS::ApiGatewayV2::Route');
    const byKey = Object.fromEntries(Object.values(routes).map((r) => [r.Properties.RouteKey as string, r.Properties.AuthorizationType as string]));
    expect(byKey).toEqual({ 'GET /api/{proxy+}': 'JWT', 'POST /api/{proxy+}': 'JWT', 'GET /': 'NONE', 'GET /console/{proxy+}': 'NONE' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', { AuthorizerType: 'JWT' });
  });

  it('logs access and throttles the stage', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AccessLogSettings: { DestinationArn: {} },
      DefaultRouteSettings: { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 },
    });
  });

  // A site assembles its monitoring report through the API (functions/http-api/monitoring-reports.ts): the function
  // writes the report's submission, its audit event and its review item, and nothing else of the tables or queues.
  it('may read evidence, send decisions and queue an assembled monitoring report; never write the ledger, registrations or registers', () => {
    const statements = statementsOfRole(template, logicalIdOf(api.function.role));
    expect(allowedActionsOn(statements, logicalIdOf(tables.ledger.table))).toEqual(['dynamodb:GetItem', 'dynamodb:Query']);
    expect(allowedActionsOn(statements, logicalIdOf(tables.projects.table))).toEqual(['dynamodb:GetItem']);
    expect(allowedActionsOn(statements, logicalIdOf(tables.access.table))).toEqual(['dynamodb:GetItem']);
    expect(allowedActionsOn(statements, logicalIdOf(tables.submissions.table))).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:Scan',
      'dynamodb:UpdateItem',
    ]);
    // Writes only on the table itself: the by-project index is read (Query), never written.
    const onIndex = statements.filter((s) => JSON.stringify(s.Resource).includes('/index/')).flatMap(actionsOf);
    expect(onIndex.sort()).toEqual(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan']);
    expect(allowedActionsOn(statements, logicalIdOf(tables.audit.table))).toEqual(['dynamodb:PutItem', 'dynamodb:Query']);
    expect(allowedActionsOn(statements, logicalIdOf(queues.decision.queue))).toEqual(['sqs:SendMessage']);
    expect(allowedActionsOn(statements, logicalIdOf(queues.review.queue))).toEqual(['sqs:SendMessage']);
    const all = statements.flatMap(actionsOf);
    expect(all.filter((a) => /^(s3:Delete|dynamodb:(Delete|Batch|Transact|PartiQL))/.test(a) || a.endsWith(':*'))).toEqual([]);
  });

  it('writes objects only under reports/, monitoring-reports/ and results/, tagged as evidence', () => {
    const statements = statementsOfRole(template, logicalIdOf(api.function.role));
    const bucketId = logicalIdOf(monitoring.bucket);
    const evidence = ['s3:GetObject', 's3:PutObject', 's3:PutObjectTagging'];
    for (const prefix of ['reports/*', 'monitoring-reports/*', 'results/*'])
      expect(allowedActionsOn(statements, bucketId, `/${prefix}`), prefix).toEqual(evidence);
    expect(allowedActionsOn(statements, bucketId, '/uploads/*')).toEqual(['s3:GetObject', 's3:GetObjectVersion']);
    for (const prefix of ['partials/*', 'outcomes/*']) expect(allowedActionsOn(statements, bucketId, `/${prefix}`), prefix).toEqual(['s3:GetObject']);
    expect(allowedActionsOn(statements, bucketId)).toEqual(['s3:GetObject', 's3:GetObjectVersion', 's3:ListBucket', 's3:PutObject', 's3:PutObjectTagging']);
  });

  it("may read what a monitoring report's evidence and a decision's outcome need", () => {
    const reads = statementsOfRole(template, logicalIdOf(api.function.role)).filter((s) => actionsOf(s).includes('s3:GetObject'));
    const resources = JSON.stringify(reads.map((s) => s.Resource));
    for (const prefix of ['uploads/*', 'results/*', 'reports/*', 'monitoring-reports/*', 'outcomes/*', 'partials/*']) expect(resources).toContain(`/${prefix}`);
  });

  it('passes AwsSolutions and Serverless checks with per-resource acknowledgements', () => {
    expect(violationsOf(new AwsSolutionsChecks().validateScope(stack)).filter(ours)).toEqual([]);
    expect(violationsOf(new ServerlessChecks().validateScope(stack)).filter(ours)).toEqual([]);
  });
});
