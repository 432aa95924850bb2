import { Duration, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { fileURLToPath } from 'node:url';
import { ASSEMBLY_FUNCTION_ENV } from '../../functions/http-api/assembly-client.ts';
import { API_ROLE_ID_ENV, CONSOLE_CLIENT_ID_ENV, CONSOLE_SIGN_IN_DOMAIN_ENV, JWT_ISSUER_ENV } from '../../functions/http-api/deps.ts';
import { ENV, SUBMISSIONS_BY_PROJECT_INDEX } from '../../functions/shared/resources.ts';
import type { MonitoringBucket } from './monitoring-bucket.ts';
import { MrvFunction } from './mrv-function.ts';
import type { MrvTable } from './mrv-table.ts';
import { DeadLetterQueue, type WorkQueue } from './work-queue.ts';
import type * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';

export const CONSOLE_API_ENTRY = fileURLToPath(new URL('../../functions/http-api/handler.ts', import.meta.url));

export interface ConsoleApiProps {
  readonly monitoring: MonitoringBucket;
  readonly tables: { readonly projects: MrvTable; readonly submissions: MrvTable; readonly ledger: MrvTable; readonly access: MrvTable };
  readonly decisionQueue: WorkQueue;
  /**
   * The assembly function (functions/assemble-report): `POST /api/projects/{project}/monitoring-reports`
   * authorizes the caller here and then invokes it synchronously. It holds the writes of an assembly; this
   * function may only invoke it, and its resource policy names this function's role only.
   */
  readonly assembleFunction: MrvFunction;
  /**
   * The people's user pool for this console (at its URL): the JWT authorizer of /api, the issuer its
   * tokens carry, and the browser sign-in (Cognito hosted UI, authorization code with PKCE) the console
   * offers. A function of the console's URL, which the sign-in's callback URL must name.
   */
  readonly auth: (consoleUrl: string) => {
    readonly authorizer: apigwv2.IHttpRouteAuthorizer;
    readonly issuer: string;
    readonly signIn?: { readonly domain: string; readonly clientId: string };
  };
  readonly logRetention: logs.RetentionDays;
  /** The notification topic: its `decision-recorded` events make the function store the verification report at once. */
  readonly notifications?: sns.ITopic;
  /** Where the alarm of that subscription's dead-letter queue goes. */
  readonly alarmAction?: cloudwatchActions.SnsAction;
  /** Override the handler file (tests with bundling skipped). */
  readonly entry?: string;
}

/**
 * The review console and its HTTP API: one API Gateway HTTP API in front of one Lambda function
 * (functions/http-api). `/api/*` requires a token of the user pool (JWT authorizer); `GET /` and
 * `GET /console/*` serve the console's static files from the same function, with no data in them.
 *
 * Hosting the few static files in the API function (instead of S3 + CloudFront) keeps one origin (no
 * CORS, the token stays same-origin) and adds no distribution, origin access control, WAF or logging
 * bucket: a verification team is a handful of people.
 */
export class ConsoleApi extends Construct {
  readonly api: apigwv2.HttpApi;
  readonly function: MrvFunction;
  /** Dead-letter queue of the decision-recorded subscription (undefined without a notification topic). */
  readonly reportOnDecisionDlq?: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: ConsoleApiProps) {
    super(scope, id);
    const { projects, submissions, ledger, access } = props.tables;
    this.function = new MrvFunction(this, 'Function', {
      entry: props.entry ?? CONSOLE_API_ENTRY,
      serviceName: 'http-api',
      description:
        'Review console and its HTTP API: queue, evidence with charts and equations, decisions (to the decision queue), ledger, verification reports, monitoring reports (through the assembly function)',
      // Vega (charts) and pdfmake (PDF) render in the function: memory buys CPU.
      memorySize: 1536,
      timeout: Duration.seconds(29),
      logRetention: props.logRetention,
      bundlingExtras: {
        // pdfkit's standalone build carries the standard-font metrics inside the bundle (its Node build reads them from disk).
        esbuildArgs: { '--alias:pdfkit': 'pdfkit/js/pdfkit.standalone.js' },
        // The console's static files and KaTeX's stylesheet and fonts, beside the handler (functions/shared/report-assets.ts).
        afterBundling: (inputDir, outputDir) => [
          `cp -R "${inputDir}/console" "${outputDir}/console"`,
          `mkdir -p "${outputDir}/katex/fonts"`,
          `cp "${inputDir}/node_modules/katex/dist/katex.min.css" "${outputDir}/katex/"`,
          `cp "${inputDir}"/node_modules/katex/dist/fonts/*.woff2 "${outputDir}/katex/fonts/"`,
        ],
      },
    })
      // Reads uploads (charts), results and reports (evidence); writes the verification reports beside the reports.
      // An assembled monitoring report is written by the assembly function, not here (see below).
      .bindBucket(props.monitoring, ENV.bucket, {
        // monitoring-reports/*: a report's document (its uploads); outcomes/*: what the decision function told this function's role about a forwarded decision.
        read: ['uploads/*', 'results/*', 'reports/*', 'monitoring-reports/*', 'outcomes/*'],
        readVersions: ['uploads/*'],
        write: ['reports/*'],
        // Verification reports are evidence: tagged with the project's verification body (functions/shared/evidence-tags.ts).
        tag: ['reports/*'],
        list: true,
        wildcardReason:
          "object keys are <prefix>/<projectId>/<uploadId>…, created at run time; the console reads every project's evidence for verifiers (sites are limited to their project by the function) and writes only verification reports under reports/.",
      })
      .bindTable(submissions.table, ENV.submissionsTable, ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan'], { indexes: [SUBMISSIONS_BY_PROJECT_INDEX] })
      .bindTable(projects.table, ENV.projectsTable, ['dynamodb:GetItem'])
      .bindTable(ledger.table, ENV.ledgerTable, ['dynamodb:GetItem', 'dynamodb:Query'])
      // The access registers: every route authorizes with core/access against them (read only).
      .bindTable(access.table, ENV.accessTable, ['dynamodb:GetItem'])
      .bindQueue(props.decisionQueue.queue, ENV.decisionQueueUrl, ['sqs:SendMessage']);
    // A site's monitoring report: this internet-facing function authorizes the caller, then invokes the assembly
    // function synchronously; IAM cannot require the conditional put of a submission, so the writes of an assembly
    // are that function's, and a compromised API function can ask for an assembly but not overwrite a submission,
    // a result or the audit trail. Invoke on that one function only (no version or alias), and its resource policy
    // names this role only.
    const assembler = props.assembleFunction.function;
    this.function.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [assembler.functionArn] }));
    assembler.addPermission('InvokedByConsoleApi', { principal: new iam.ArnPrincipal(this.function.role.roleArn), action: 'lambda:InvokeFunction' });
    this.function.setEnvironment(ASSEMBLY_FUNCTION_ENV, assembler.functionName);
    // Its SenderId on the decision queue is <role id>:<function name>: the decision function trusts this role to name the Cognito principal.
    this.function.setEnvironment(API_ROLE_ID_ENV, this.function.role.roleId);
    // A recorded decision stores its verification report at once (functions/http-api/store-reports.ts):
    // the function hears only `decision-recorded` events of the notification topic.
    if (props.notifications) {
      // Deliveries SNS gives up on (after its retries) are kept, not lost: the report can then be rendered on
      // first view in the console or with `mrv review report`.
      this.reportOnDecisionDlq = new DeadLetterQueue(this, 'ReportOnDecisionDlq', {
        source: "the console function's subscription to decision-recorded notifications (verification reports)",
        sourceKind: 'subscription',
        ...(props.alarmAction ? { alarmAction: props.alarmAction } : {}),
      });
      const undelivered = this.reportOnDecisionDlq.queue;
      props.notifications.addSubscription(
        new subscriptions.LambdaSubscription(this.function.function, {
          filterPolicy: { event: sns.SubscriptionFilter.stringFilter({ allowlist: ['decision-recorded'] }) },
          deadLetterQueue: undelivered,
        }),
      );
    }
    Validations.of(this.function.function).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: 'Invoked synchronously by API Gateway only: a failure is the HTTP response to the caller, there is no asynchronous event to park.',
    });

    const accessLog = new logs.LogGroup(this, 'AccessLog', { retention: props.logRetention });
    this.api = new apigwv2.HttpApi(this, 'HttpApi', {
      description: 'MRV review console and API',
      createDefaultStage: false,
    });
    new apigwv2.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: 20, burstLimit: 40 },
      // JSON lines with HTTP API context variables (structured logging); the caller is the token's subject.
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(accessLog),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            time: '$context.requestTime',
            method: '$context.httpMethod',
            path: '$context.path',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            sub: '$context.authorizer.claims.sub',
            authorizerError: '$context.authorizer.error',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });
    const auth = props.auth(`${this.api.apiEndpoint}/`);
    this.function.setEnvironment(JWT_ISSUER_ENV, auth.issuer);
    if (auth.signIn) {
      this.function.setEnvironment(CONSOLE_SIGN_IN_DOMAIN_ENV, auth.signIn.domain);
      this.function.setEnvironment(CONSOLE_CLIENT_ID_ENV, auth.signIn.clientId);
    }
    const integration = new HttpLambdaIntegration('Integration', this.function.function);
    this.api.addRoutes({ path: '/api/{proxy+}', methods: [apigwv2.HttpMethod.GET, apigwv2.HttpMethod.POST], integration, authorizer: auth.authorizer });
    for (const path of ['/', '/console/{proxy+}']) {
      for (const route of this.api.addRoutes({ path, methods: [apigwv2.HttpMethod.GET], integration })) {
        Validations.of(route).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: `${path}: the console's static files (HTML, script, styles, KaTeX fonts), which carry no data; every /api route requires a token of the user pool.`,
        });
      }
    }
  }

  /** The role id (`AROA…`) of the API function: the decision function's trusted forwarder. */
  get roleId(): string {
    return this.function.role.roleId;
  }

  get url(): string {
    return this.api.apiEndpoint;
  }
}
