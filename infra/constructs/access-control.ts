import { CfnOutput, Duration, Fn, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ROLES } from '../../core/access/registers.ts';
import { CLI_REFRESH_HOURS, CLI_TOKEN_MINUTES, LOGIN_CALLBACK_PORTS, loginCallbackUrl } from '../../cli/login/settings.ts';
import type { PolicyDocument } from '../../core/access/iam-policy.ts';
import { PRINCIPAL_TAGS, rolePolicies, verifierReviewStatePolicy, type PolicyTargets, type RoleName } from '../policies/role-policies.ts';

export interface AccessControlProps {
  readonly targets: PolicyTargets;
}

/**
 * Who may do what (issue 13), on AWS:
 * - one IAM managed policy per role (site, verifier, registrar) from infra/policies/role-policies.ts,
 *   attribute-based on the principal tags `mrv:project` and `mrv:verifier-body`: attach it to the
 *   users or roles of that role and tag them; the verifier policy reads no DynamoDB table (review
 *   state is read through the HTTP API, per project), and a separate policy grants that read, unscoped,
 *   to verifiers who work with IAM credentials only;
 * - a Cognito user pool with one group per role for people using the console and the HTTP API
 *   (no self sign-up, MFA required, threat protection enforced), an SRP app client, and the hosted-UI
 *   clients of the console and of `mrv login` (code grant with PKCE, no secret);
 * - `jwtAuthorizer()` for the HTTP API's routes.
 * Groups and tags are coarse: decisions are authorized against the verifier register and the
 * project's assigned body by the decision function (core/access), whatever the group says.
 */
export class AccessControl extends Construct {
  readonly policies: Record<RoleName, iam.ManagedPolicy>;
  readonly userPool: cognito.UserPool;
  readonly client: cognito.UserPoolClient;
  readonly groups: Record<RoleName, cognito.CfnUserPoolGroup>;
  /** Direct read of the review state for IAM-only verifiers (infra/policies/role-policies.ts verifierReviewStatePolicy). */
  readonly verifierReviewStatePolicy: iam.ManagedPolicy;
  /** The app client of `mrv login`, once {@link addCliSignIn} made it. */
  cliClient?: cognito.UserPoolClient;

  constructor(scope: Construct, id: string, props: AccessControlProps) {
    super(scope, id);
    const docs = rolePolicies(props.targets);
    const descriptions: Record<RoleName, string> = {
      site: `MRV site: uploads only under uploads/<${PRINCIPAL_TAGS.project} tag>/, reads its own reports and results`,
      verifier: `MRV verifier (tag ${PRINCIPAL_TAGS.verifierBody}): reads the evidence of its body's projects, submits decisions (authorized per project by the decision function); review state through the HTTP API`,
      registrar: 'MRV registrar: registers projects, manages the verifier register and body assignments',
    };
    const wildcardReasons: Record<RoleName, string> = {
      site: `Object keys are uploads|reports|results/<project>/<file>; the project segment is the caller's ${PRINCIPAL_TAGS.project} principal tag (attribute-based access), so the wildcard covers only the caller's own project's files.`,
      verifier:
        "Evidence keys are results|reports/<project>/<upload>, created at run time for every project; decisions are authorized per project and body by the decision function (core/access). Outcomes are under outcomes/<aws:userid>/: only the caller's own.",
      registrar:
        'Reports and results are keyed by project and upload, created at run time; the registrar reads them for every project. Index ARNs are those of the submissions table.',
    };
    this.policies = {} as Record<RoleName, iam.ManagedPolicy>;
    for (const role of ROLES) {
      const policy = new iam.ManagedPolicy(this, `${role[0]!.toUpperCase()}${role.slice(1)}Policy`, {
        description: descriptions[role],
        document: iam.PolicyDocument.fromJson(docs[role]),
      });
      this.policies[role] = policy;
      acknowledgeWildcards(policy, docs[role], wildcardReasons[role]);
    }
    // Apart from the verifier policy, which has no DynamoDB access: for verifiers without a Cognito login only.
    this.verifierReviewStatePolicy = new iam.ManagedPolicy(this, 'VerifierReviewStatePolicy', {
      description: `MRV verifier without a Cognito login (tag ${PRINCIPAL_TAGS.verifierBody}): direct read of the review state of EVERY project (submissions, ledger, audit, registrations) and the shared review queue; with mrv login or the console it is read through the HTTP API, per project`,
      document: iam.PolicyDocument.fromJson(verifierReviewStatePolicy(props.targets)),
    });
    acknowledgeWildcards(
      this.verifierReviewStatePolicy,
      verifierReviewStatePolicy(props.targets),
      "Index ARNs of the submissions table (the review list queries its status index); the read is not scoped to the body's projects, which is why this policy is apart from the verifier policy.",
    );

    this.userPool = new cognito.UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.groups = {} as Record<RoleName, cognito.CfnUserPoolGroup>;
    for (const role of ROLES)
      this.groups[role] = new cognito.CfnUserPoolGroup(this, `${role}Group`, {
        userPoolId: this.userPool.userPoolId,
        groupName: role,
        description: descriptions[role],
      });
    this.client = this.userPool.addClient('Client', {
      authFlows: { userSrp: true },
      // The CLI signs in with SRP only: no OAuth flows (aws-cdk-lib would otherwise enable the code and implicit grants with a placeholder callback URL).
      disableOAuth: true,
      generateSecret: false,
      preventUserExistenceErrors: true,
      accessTokenValidity: Duration.minutes(60),
      idTokenValidity: Duration.minutes(60),
      refreshTokenValidity: Duration.hours(12),
    });

    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId, description: 'Cognito user pool of people (groups site, verifier, registrar)' });
    new CfnOutput(this, 'UserPoolClientId', { value: this.client.userPoolClientId, description: 'App client of the CLI and the console (SRP, no secret)' });
    for (const role of ROLES)
      new CfnOutput(this, `${role}PolicyArn`, {
        value: this.policies[role].managedPolicyArn,
        description: `Managed policy of the ${role} role; attach it and set the principal tags`,
      });
    new CfnOutput(this, 'verifierReviewStatePolicyArn', {
      value: this.verifierReviewStatePolicy.managedPolicyArn,
      description: 'Only for verifiers without a Cognito login: direct read of the review state of every project (not scoped to the body)',
    });
  }

  /** The issuer of the pool's tokens, as principalFromJwtClaims expects it. */
  get issuer(): string {
    return `https://cognito-idp.${Stack.of(this).region}.amazonaws.com/${this.userPool.userPoolId}`;
  }

  /** A JWT authorizer for HTTP API routes: tokens of this pool and of its clients only. */
  jwtAuthorizer(clients: readonly cognito.IUserPoolClient[] = [this.client]): HttpUserPoolAuthorizer {
    return new HttpUserPoolAuthorizer('Cognito', this.userPool, { userPoolClients: [...clients] });
  }

  /**
   * The review console's sign-in in a browser: a Cognito domain (hosted UI) and a public app client
   * (no secret: a browser cannot keep one) with the authorization-code grant, PKCE enforced by the
   * console (code_challenge S256), no implicit grant, redirecting only to the console's own URL.
   * Tokens live one hour; there is no refresh in the browser (sign in again).
   */
  addConsoleSignIn(consoleUrl: string): { readonly client: cognito.UserPoolClient; readonly domain: string } {
    const domain = this.hostedUi();
    const client = this.userPool.addClient('ConsoleClient', {
      generateSecret: false,
      preventUserExistenceErrors: true,
      authFlows: {},
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls: [consoleUrl],
        logoutUrls: [consoleUrl],
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      accessTokenValidity: Duration.minutes(60),
      idTokenValidity: Duration.minutes(60),
      refreshTokenValidity: Duration.hours(1),
      enableTokenRevocation: true,
    });
    new CfnOutput(this, 'ConsoleClientId', {
      value: client.userPoolClientId,
      description: 'App client of the review console in a browser (hosted UI, code flow with PKCE)',
    });
    return { client, domain: domain.baseUrl() };
  }

  /**
   * `mrv login`: a public app client (no secret) of the same hosted UI with the authorization-code grant
   * only (no implicit grant, no client credentials, no password or SRP flows), PKCE sent by the CLI
   * (cli/login/oauth.ts), redirecting only to the CLI's loopback listener `http://localhost:<port>/callback`
   * on the fixed ports of cli/login/settings.ts (RFC 8252; Cognito takes plain http for localhost only and
   * matches ports exactly). Short-lived id and access tokens; a refresh token for a working day, revoked by
   * `mrv logout`.
   */
  addCliSignIn(): { readonly client: cognito.UserPoolClient; readonly domain: string } {
    const domain = this.hostedUi();
    const client = (this.cliClient = this.userPool.addClient('CliClient', {
      generateSecret: false,
      preventUserExistenceErrors: true,
      authFlows: {},
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls: LOGIN_CALLBACK_PORTS.map(loginCallbackUrl),
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      accessTokenValidity: Duration.minutes(CLI_TOKEN_MINUTES),
      idTokenValidity: Duration.minutes(CLI_TOKEN_MINUTES),
      refreshTokenValidity: Duration.hours(CLI_REFRESH_HOURS),
      enableTokenRevocation: true,
    }));
    // `authFlows: {}` leaves ExplicitAuthFlows out, and Cognito then enables SRP and custom auth too: refresh only, said explicitly.
    (client.node.defaultChild as cognito.CfnUserPoolClient).explicitAuthFlows = ['ALLOW_REFRESH_TOKEN_AUTH'];
    return { client, domain: domain.baseUrl() };
  }

  private domain?: cognito.UserPoolDomain;

  /** The hosted UI (Cognito domain) of the console and the CLI sign-ins: one per pool. */
  private hostedUi(): cognito.UserPoolDomain {
    this.domain ??= this.userPool.addDomain('ConsoleDomain', {
      cognitoDomain: { domainPrefix: Fn.join('-', ['mrv', Fn.select(2, Fn.split('/', Stack.of(this).stackId))]) },
      managedLoginVersion: cognito.ManagedLoginVersion.CLASSIC_HOSTED_UI,
    });
    return this.domain;
  }
}

/** Acknowledges cdk-nag's IAM5 finding for each wildcard resource of `doc`, by name, on `policy` only. */
function acknowledgeWildcards(policy: iam.ManagedPolicy, doc: PolicyDocument, reason: string): void {
  const wildcards = doc.Statement.flatMap((s) => (typeof s.Resource === 'string' ? [s.Resource] : (s.Resource ?? []))).filter((r) => r.includes('*'));
  for (const resource of new Set(wildcards.map((r) => findingOf(Stack.of(policy), r))))
    Validations.of(policy).acknowledge({ id: `AwsSolutions-IAM5[Resource::${resource}]`, reason });
}

/** How cdk-nag prints a resource of a finding: `<Logical.Arn>/uploads/<AWS::…>/*` from the resolved Fn::Join / Fn::GetAtt. */
function findingOf(stack: Stack, resource: string): string {
  const resolved = stack.resolve(resource) as unknown;
  const flatten = (v: unknown): string => {
    if (typeof v === 'string') return v;
    if (Array.isArray(v)) return v.map(flatten).join('');
    const o = v as Record<string, unknown>;
    if (o['Fn::Join']) {
      const [sep, parts] = o['Fn::Join'] as [string, unknown[]];
      return parts.map(flatten).join(sep);
    }
    if (o['Fn::GetAtt']) {
      const [logical, attr] = o['Fn::GetAtt'] as [string, string];
      return `<${logical}.${attr}>`;
    }
    if (o.Ref) return `<${String(o.Ref)}>`;
    return JSON.stringify(v);
  };
  // cdk-nag prints policy variables `${aws:userid}` as `<aws:userid>`
  return flatten(resolved).replace(/\$\{([^}]+)\}/g, '<$1>');
}
