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
import { actionsOf, logicalIdOf, statementsOfRole, STUB_HANDLER, testApp } from './synth-stack.ts';

function build() {
  const stack = new Stack(testApp(), 'ConsoleTest');
  const alarms = new AlarmTopic(stack, 'Alarms', {});
  const monitoring = new MonitoringBucket(stack, 'Monitoring', { accessLogRetention: Duration.days(30) });
  const tables = {
    projects: new MrvTable(stack, 'P', { definition: TABLES.projects }),
    submissions: new MrvTable(stack, 'S', { definition: TABLES.submissions }),
    ledger: new MrvTable(stack, 'L', { definition: TABLES.ledger }),
    access: new MrvTable(stack, 'A', { definition: TABLES.access }),
  };
  const decisionQueue = new WorkQueue(stack, 'D', { definition: QUEUES.decision, description: 'decisions', alarmAction: alarms.action });
  // Stand-in for the people's user pool of the access-control construct (not under test here).
  const pool = new cognito.UserPool(stack, 'Pool');
  const client = pool.addClient('Client');
  const api = new ConsoleApi(stack, 'Console', {
    monitoring,
    tables,
    decisionQueue,
    auth: () => ({ authorizer: new HttpUserPoolAuthorizer('Cognito', pool, { userPoolClients: [client] }), issuer: 'https://issuer.example' }),
    logRetention: logs.RetentionDays.ONE_MONTH,
    entry: STUB_HANDLER,
  });
  return { stack, api, tables, template: Template.fromStack(stack) };
}

const { stack, api, tables, template } = build();
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

  it('may read evidence and send decisions, but not write the ledger or submissions', () => {
    const statements = statementsOfRole(template, logicalIdOf(api.function.role));
    const all = statements.flatMap(actionsOf);
    expect(all).toContain('sqs:SendMessage');
    expect(all).not.toContain('dynamodb:PutItem');
    expect(all).not.toContain('dynamodb:UpdateItem');
    const ledgerId = logicalIdOf(tables.ledger.table);
    const onLedger = statements.filter((s) => JSON.stringify(s.Resource).includes(ledgerId)).flatMap(actionsOf);
    expect(onLedger.sort()).toEqual(['dynamodb:GetItem', 'dynamodb:Query']);
  });

  it("may read what a monitoring report's evidence and a decision's outcome need", () => {
    const reads = statementsOfRole(template, logicalIdOf(api.function.role)).filter((s) => actionsOf(s).includes('s3:GetObject'));
    const resources = JSON.stringify(reads.map((s) => s.Resource));
    for (const prefix of ['uploads/*', 'results/*', 'reports/*', 'monitoring-reports/*', 'outcomes/*']) expect(resources).toContain(`/${prefix}`);
  });

  it('passes AwsSolutions and Serverless checks with per-resource acknowledgements', () => {
    expect(violationsOf(new AwsSolutionsChecks().validateScope(stack)).filter(ours)).toEqual([]);
    expect(violationsOf(new ServerlessChecks().validateScope(stack)).filter(ours)).toEqual([]);
  });
});
