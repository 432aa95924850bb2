// The console's HTTP API: authenticated /api routes, public static routes only for the console's files,
// least-privilege grants, and cdk-nag clean with per-resource acknowledgements.
import { Stack, Validations, type PolicyValidationPluginReport } from 'aws-cdk-lib';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { QUEUES, TABLES } from '../../functions/shared/resources.ts';
import { ConsoleApi } from '../../infra/constructs/console-api.ts';
import { MonitoringBucket } from '../../infra/constructs/monitoring-bucket.ts';
import { MrvFunction } from '../../infra/constructs/mrv-function.ts';
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
  };
  const decisionQueue = new WorkQueue(stack, 'D', { definition: QUEUES.decision, description: 'decisions', alarmAction: alarms.action });
  // Stand-in for the stack's assembly function (its grants are asserted in mrv-pipeline-stack.test.ts).
  const assembleFunction = new MrvFunction(stack, 'Assemble', {
    entry: STUB_HANDLER,
    serviceName: 'assemble-report',
    description: 'stand-in',
    memorySize: 256,
    timeout: Duration.seconds(25),
    logRetention: logs.RetentionDays.ONE_MONTH,
  });
  Validations.of(assembleFunction.function).acknowledge({ id: 'Serverless-LambdaDLQ', reason: 'a stand-in, invoked synchronously' });
  // Stand-in for the people's user pool of the access-control construct (not under test here).
  const pool = new cognito.UserPool(stack, 'Pool');
  const client = pool.addClient('Client');
  const api = new ConsoleApi(stack, 'Console', {
    monitoring,
    tables,
    decisionQueue,
    assembleFunction,
    auth: () => ({ authorizer: new HttpUserPoolAuthorizer('Cognito', pool, { userPoolClients: [client] }), issuer: 'https://issuer.example' }),
    logRetention: logs.RetentionDays.ONE_MONTH,
    entry: STUB_HANDLER,
  });
  return { stack, api, tables, monitoring, assembleFunction, queues: { decision: decisionQueue }, template: Template.fromStack(stack) };
}

const { stack, api, tables, monitoring, assembleFunction, queues, template } = build();
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

  // A site assembles its monitoring report through the API (functions/http-api/monitoring-reports.ts), but the writes
  // of an assembly are the assembly function's: this function writes no table, and only verification reports.
  it('may read evidence, send decisions and invoke the assembly function; never write a table', () => {
    const statements = statementsOfRole(template, logicalIdOf(api.function.role));
    expect(allowedActionsOn(statements, logicalIdOf(tables.ledger.table))).toEqual(['dynamodb:GetItem', 'dynamodb:Query']);
    expect(allowedActionsOn(statements, logicalIdOf(tables.projects.table))).toEqual(['dynamodb:GetItem']);
    expect(allowedActionsOn(statements, logicalIdOf(tables.access.table))).toEqual(['dynamodb:GetItem']);
    expect(allowedActionsOn(statements, logicalIdOf(tables.submissions.table))).toEqual(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan']);
    expect(allowedActionsOn(statements, logicalIdOf(queues.decision.queue))).toEqual(['sqs:SendMessage']);
    const all = statements.flatMap(actionsOf);
    for (const write of ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'sns:Publish']) expect(all).not.toContain(write);
    expect(all.filter((a) => a.startsWith('sqs:'))).toEqual(['sqs:SendMessage']);
    expect(all.filter((a) => /^(s3:Delete|dynamodb:(Delete|Batch|Transact|PartiQL))/.test(a) || a.endsWith(':*'))).toEqual([]);
    // The assembly function, and nothing else of Lambda: InvokeFunction on its ARN (no version, alias or other function).
    const invoke = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('lambda:')));
    expect(invoke).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Action: 'lambda:InvokeFunction',
        Resource: { 'Fn::GetAtt': [logicalIdOf(assembleFunction.function), 'Arn'] },
      }),
    ]);
    const env = (template.toJSON().Resources[logicalIdOf(api.function.function)].Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(env.MRV_ASSEMBLY_FUNCTION).toEqual({ Ref: logicalIdOf(assembleFunction.function) });
  });

  it("the assembly function's resource policy lets the console function's role invoke it, and no one else", () => {
    const permissions = Object.values(template.findResources('AWS::Lambda::Permission')).filter(
      (r) => JSON.stringify(r.Properties.FunctionName) === JSON.stringify({ 'Fn::GetAtt': [logicalIdOf(assembleFunction.function), 'Arn'] }),
    );
    expect(permissions.map((p) => p.Properties)).toEqual([
      {
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': [logicalIdOf(assembleFunction.function), 'Arn'] },
        Principal: { 'Fn::GetAtt': [logicalIdOf(api.function.role), 'Arn'] },
      },
    ]);
  });

  it('writes objects only under reports/ (verification reports), tagged as evidence', () => {
    const statements = statementsOfRole(template, logicalIdOf(api.function.role));
    const bucketId = logicalIdOf(monitoring.bucket);
    expect(allowedActionsOn(statements, bucketId, '/reports/*')).toEqual(['s3:GetObject', 's3:PutObject', 's3:PutObjectTagging']);
    for (const prefix of ['monitoring-reports/*', 'results/*', 'outcomes/*'])
      expect(allowedActionsOn(statements, bucketId, `/${prefix}`), prefix).toEqual(['s3:GetObject']);
    expect(allowedActionsOn(statements, bucketId, '/uploads/*')).toEqual(['s3:GetObject', 's3:GetObjectVersion']);
    expect(allowedActionsOn(statements, bucketId, '/partials/*')).toEqual([]);
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
