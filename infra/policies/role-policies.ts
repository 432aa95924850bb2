import type { PolicyDocument, PolicyStatement } from '../../core/access/iam-policy.ts';
import { EVIDENCE_PREFIXES, EVIDENCE_TAG } from '../../functions/shared/resources.ts';

/**
 * The IAM policy documents of the three roles, as plain JSON: the CDK stack turns them into managed
 * policies (infra/constructs/access-control.ts) and the local stack enforces the very same documents
 * (cli/local-stack/gateway.ts). Attribute-based: a principal carries the tags
 * - `mrv:project` (a site: the one project it uploads for),
 * - `mrv:verifier-body` (a verifier: its verification body),
 * and one policy per role serves every project and body. Authorization of *decisions* does not rest
 * on IAM alone: the decision function checks the sender against the verifier register and the
 * project's assigned body (core/access).
 */
export const PRINCIPAL_TAGS = { project: 'mrv:project', verifierBody: 'mrv:verifier-body' } as const;

export interface PolicyTargets {
  readonly bucketArn: string;
  readonly decisionQueueArn: string;
  readonly reviewQueueArn: string;
  readonly projectsTableArn: string;
  readonly submissionsTableArn: string;
  readonly ledgerTableArn: string;
  readonly accessTableArn: string;
  readonly auditTableArn: string;
}

const PROJECT = `\${aws:PrincipalTag/${PRINCIPAL_TAGS.project}}`;
const BODY_TAG_KEY = `aws:PrincipalTag/${PRINCIPAL_TAGS.verifierBody}`;
const PROJECT_TAG_KEY = `aws:PrincipalTag/${PRINCIPAL_TAGS.project}`;

export type RoleName = 'site' | 'verifier' | 'registrar';

export function rolePolicies(t: PolicyTargets): Record<RoleName, PolicyDocument> {
  const mustHave = (key: string) => ({ Null: { [key]: 'false' } });
  const site: PolicyStatement[] = [
    {
      Sid: 'UploadOwnProjectOnly',
      Effect: 'Allow',
      Action: ['s3:PutObject', 's3:AbortMultipartUpload'],
      Resource: [`${t.bucketArn}/uploads/${PROJECT}/*`],
      Condition: mustHave(PROJECT_TAG_KEY),
    },
    {
      Sid: 'ReadOwnReportsAndResults',
      Effect: 'Allow',
      Action: ['s3:GetObject'],
      Resource: [`${t.bucketArn}/reports/${PROJECT}/*`, `${t.bucketArn}/results/${PROJECT}/*`],
      Condition: mustHave(PROJECT_TAG_KEY),
    },
    {
      Sid: 'ListOwnPrefixes',
      Effect: 'Allow',
      Action: ['s3:ListBucket'],
      Resource: [t.bucketArn],
      Condition: { StringLike: { 's3:prefix': [`uploads/${PROJECT}/*`, `reports/${PROJECT}/*`, `results/${PROJECT}/*`] }, ...mustHave(PROJECT_TAG_KEY) },
    },
    {
      Sid: 'ReadOwnProjectRegistration',
      Effect: 'Allow',
      Action: ['dynamodb:GetItem'],
      Resource: [t.projectsTableArn],
      Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [PROJECT] }, ...mustHave(PROJECT_TAG_KEY) },
    },
  ];
  const verifier: PolicyStatement[] = [
    { Sid: 'SubmitDecisions', Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: [t.decisionQueueArn], Condition: mustHave(BODY_TAG_KEY) },
    {
      // Only the evidence of projects assigned to the verifier's body: each evidence object carries its
      // project's body as the object tag mrv:verifier-body (written by the pipeline, re-tagged by
      // `mrv access assign`; functions/shared/evidence-tags.ts). An untagged or other body's object is denied.
      Sid: 'ReadEvidenceOfAssignedProjects',
      Effect: 'Allow',
      Action: ['s3:GetObject'],
      Resource: EVIDENCE_PREFIXES.map((p) => `${t.bucketArn}/${p}*`),
      Condition: {
        StringEquals: { [`s3:ExistingObjectTag/${EVIDENCE_TAG}`]: `\${aws:PrincipalTag/${PRINCIPAL_TAGS.verifierBody}}` },
        ...mustHave(BODY_TAG_KEY),
      },
    },
    { Sid: 'ReadOwnDecisionOutcomes', Effect: 'Allow', Action: ['s3:GetObject'], Resource: [`${t.bucketArn}/outcomes/\${aws:userid}/*`] },
    // No review queue: it is one queue for every body (its items name projects, periods and totals), so
    // taking items from it is in the separate policy for IAM-only verifiers; a verifier with a login takes
    // the next item of its body's projects through the HTTP API (`mrv review next`, the console).
    // No DynamoDB: the review state (submissions, ledger, audit trail, registrations) is keyed by upload or
    // project, and IAM cannot map a body to its projects (dynamodb:LeadingKeys would need one tag per
    // project). A verifier reads it through the HTTP API (`mrv login`, the console), which authorizes per
    // project; the separate verifierReviewStatePolicy grants the direct, unscoped read for IAM-only verifiers.
  ];
  const registrar: PolicyStatement[] = [
    {
      Sid: 'WriteRegistrations',
      Effect: 'Allow',
      Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:Scan'],
      Resource: [t.projectsTableArn],
    },
    {
      Sid: 'ManageVerifiersAndAssignments',
      Effect: 'Allow',
      Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:Scan'],
      Resource: [t.accessTableArn],
    },
    { Sid: 'AuditRegistrarActions', Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'], Resource: [t.auditTableArn] },
    {
      Sid: 'ReadState',
      Effect: 'Allow',
      Action: ['dynamodb:GetItem', 'dynamodb:Query'],
      Resource: [t.submissionsTableArn, `${t.submissionsTableArn}/index/*`, t.ledgerTableArn],
    },
    { Sid: 'ReadReports', Effect: 'Allow', Action: ['s3:GetObject'], Resource: [`${t.bucketArn}/reports/*`, `${t.bucketArn}/results/*`] },
    // An assignment re-tags the project's evidence for its new body (`mrv access assign`).
    { Sid: 'RetagEvidenceOnAssignment', Effect: 'Allow', Action: ['s3:PutObjectTagging'], Resource: EVIDENCE_PREFIXES.map((p) => `${t.bucketArn}/${p}*`) },
    {
      Sid: 'ListEvidenceOnAssignment',
      Effect: 'Allow',
      Action: ['s3:ListBucket'],
      Resource: [t.bucketArn],
      Condition: { StringLike: { 's3:prefix': EVIDENCE_PREFIXES.map((p) => `${p}*`) } },
    },
    { Sid: 'RequeueReviewItems', Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: [t.reviewQueueArn] },
  ];
  const doc = (Statement: PolicyStatement[]): PolicyDocument => ({ Version: '2012-10-17', Statement });
  return { site: doc(site), verifier: doc(verifier), registrar: doc(registrar) };
}

/**
 * The direct read of the review state (submissions and their index, ledger, audit trail, registrations)
 * and of the shared review queue, for verifiers who work with IAM credentials only (`mrv review list|show|next`, the pre-check and wait
 * of `mrv review approve|reject`, `mrv review report`, `mrv ledger`). It is NOT limited to the projects
 * of the verifier's body (a known limit, docs/roles-and-access.md): attach it only to verifiers without a
 * Cognito login; with `mrv login` or the console a verifier reads the same state through the HTTP API,
 * authorized per project, and needs no DynamoDB access.
 */
export function verifierReviewStatePolicy(t: PolicyTargets): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'ReadReviewStateOfEveryProject',
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:Query'],
        Resource: [t.submissionsTableArn, `${t.submissionsTableArn}/index/*`, t.ledgerTableArn, t.auditTableArn, t.projectsTableArn],
        Condition: { Null: { [BODY_TAG_KEY]: 'false' } },
      },
      {
        // One queue for every body: its items (project, period, totals; never the evidence) are visible to any holder.
        Sid: 'TakeReviewItemsOfEveryBody',
        Effect: 'Allow',
        Action: ['sqs:ReceiveMessage', 'sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
        Resource: [t.reviewQueueArn],
        Condition: { Null: { [BODY_TAG_KEY]: 'false' } },
      },
    ],
  };
}
