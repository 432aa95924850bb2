/**
 * The one definition of the pipeline's AWS resources: environment variable names, key schemas,
 * queue settings and the bucket layout. The CDK stack (infra/) and the local stack (cli/local-stack)
 * both build their resources from this file, and the Lambda handlers read their configuration through
 * the same names, so the three cannot drift apart.
 */

/** Environment variables the functions read. Infra sets them; the local stack sets them too. */
export const ENV = {
  bucket: 'MONITORING_BUCKET_NAME',
  reviewQueueUrl: 'REVIEW_QUEUE_URL',
  decisionQueueUrl: 'DECISION_QUEUE_URL',
  projectsTable: 'PROJECTS_TABLE_NAME',
  submissionsTable: 'SUBMISSIONS_TABLE_NAME',
  ledgerTable: 'LEDGER_TABLE_NAME',
  /** Access registers (principals, verifier register, project→body assignments, first approvals). */
  accessTable: 'ACCESS_TABLE_NAME',
  /** Hash-chained audit trail, one chain per project. */
  auditTable: 'AUDIT_TABLE_NAME',
  /** SNS topic of notifications to people (report ready/rejected, item waiting, decision recorded/refused). */
  notificationTopic: 'NOTIFICATION_TOPIC_ARN',
} as const;

/** Logical name of the notification topic (the CDK construct id and the local topic's name). */
export const NOTIFICATION_TOPIC = 'NotificationTopic';
export type EnvName = (typeof ENV)[keyof typeof ENV];

/**
 * Evidence objects carry the verification body assigned to their project as an object tag, and the
 * verifier role may read an object only when that tag equals its own principal tag `mrv:verifier-body`
 * (infra/policies/role-policies.ts): IAM cannot map a body to its projects any other way. The pipeline
 * functions tag what they write; `mrv access assign` re-tags a project's evidence when the body changes.
 */
export const EVIDENCE_TAG = 'mrv:verifier-body';
/** The tag of evidence written before any body is assigned: no verifier reads it until the assignment re-tags it. */
export const UNASSIGNED_BODY = 'unassigned';
/** Key prefixes of the evidence a verifier reads, each `<prefix><projectId>/…`. */
export const EVIDENCE_PREFIXES = ['results/', 'reports/', 'partials/', 'monitoring-reports/'] as const;
/** The project of an evidence key, or undefined for any other key. */
export function evidenceProjectOf(key: string): string | undefined {
  const prefix = EVIDENCE_PREFIXES.find((p) => key.startsWith(p));
  if (!prefix) return undefined;
  const projectId = key.slice(prefix.length).split('/')[0];
  return projectId ? projectId : undefined;
}

/** S3 key layout of the monitoring bucket, per project. */
export const BUCKET_LAYOUT = {
  /** Where sites upload: `uploads/<projectId>/<file name>` (the object-created event fires here). */
  uploads: (projectId: string, fileName: string) => `uploads/${projectId}/${fileName}`,
  /** Validation report of one upload, JSON and human-readable text. */
  reportJson: (projectId: string, uploadId: string) => `reports/${projectId}/${uploadId}.json`,
  reportText: (projectId: string, uploadId: string) => `reports/${projectId}/${uploadId}.txt`,
  /** Accepted calculation result (the evidence a verifier reviews). */
  result: (projectId: string, uploadId: string) => `results/${projectId}/${uploadId}.json`,
  /** Mergeable partial result of an accepted upload (core/calculation/partial.ts): monitoring reports merge these. */
  partial: (projectId: string, uploadId: string) => `partials/${projectId}/${uploadId}.json`,
  /** A monitoring report (core/report/monitoring-report.ts): its definition and merged result. */
  monitoringReport: (projectId: string, reportId: string) => `monitoring-reports/${projectId}/${reportId}.json`,
  /** One byte range's partial result of a large upload (functions/large-upload), until the merge step reads it. */
  rangeResult: (projectId: string, runId: string, index: number) => `partials/${projectId}/ranges/${runId}/${index}.json`,
  uploadsPrefix: 'uploads/',
} as const;

/**
 * The Distributed Map path for large uploads (functions/large-upload, infra/constructs/large-uploads.ts).
 * `LARGE_UPLOAD_MIN_BYTES` is set on the ingest function and the splitter from the same stage setting
 * (`mrv:largeUploadBytes`) that filters the EventBridge rule, so exactly one path reads each upload.
 */
/**
 * The largest XLSX workbook the ingest function reads: 150 MB, below what one invocation reads in its
 * 840 s budget at the slowest recorded XLSX rate with the 2× margin (≈169 MB in docs/performance.md, "Where
 * the Distributed Map takes over"; checked against bench/records.json by test/unit/bench/performance-doc.test.ts).
 * A workbook cannot be split at byte ranges (it is a zip), so a larger one is refused at once with a
 * request for CSV, instead of running into the function's timeout and the dead-letter queue.
 */
export const XLSX_LIMIT = {
  defaultMaxBytes: 150 * 1000 ** 2,
} as const;

export const LARGE_UPLOAD = {
  minBytesEnv: 'LARGE_UPLOAD_MIN_BYTES',
  rangeBytesEnv: 'LARGE_UPLOAD_RANGE_BYTES',
  /**
   * 2 GiB: half (or less) of what one 15-minute ingest Lambda reads at the slowest CSV rate of
   * bench/records.json (docs/performance.md, "Where the Distributed Map takes over"; checked by
   * test/unit/bench/performance-doc.test.ts). It was 5 GiB, a margin of only ×1.17 once measured.
   */
  defaultMinBytes: 2 * 1024 ** 3,
  /** 256 MiB per range: seconds of work for one range worker. */
  defaultRangeBytes: 256 * 1024 ** 2,
  /** Byte ranges a split may have at most (the state's payload carries their list). */
  maxRanges: 2000,
  /** The header (and units row) passed to every range, at most. */
  maxPrefixBytes: 64 * 1024,
} as const;

export interface QueueDefinition {
  /** Logical name: the CDK construct id and the local queue name. */
  readonly logicalName: string;
  readonly visibilityTimeoutSeconds: number;
  readonly retentionSeconds: number;
  /** Deliveries before a message is parked in the dead-letter queue. */
  readonly maxReceiveCount: number;
}

export const QUEUES = {
  /** S3 object-created events → ingest function. */
  ingest: { logicalName: 'IngestQueue', visibilityTimeoutSeconds: 960, retentionSeconds: 4 * 86_400, maxReceiveCount: 3 },
  /** Accepted results waiting for a verifier. Durable state is in the submissions table; this is the work list. */
  review: { logicalName: 'ReviewQueue', visibilityTimeoutSeconds: 300, retentionSeconds: 14 * 86_400, maxReceiveCount: 5 },
  /** Verifiers' decisions → decision function. */
  decision: { logicalName: 'DecisionQueue', visibilityTimeoutSeconds: 120, retentionSeconds: 4 * 86_400, maxReceiveCount: 5 },
} as const satisfies Record<string, QueueDefinition>;

export interface TableDefinition {
  readonly logicalName: string;
  readonly partitionKey: string;
  readonly sortKey?: string;
  readonly indexes?: readonly { readonly name: string; readonly partitionKey: string; readonly sortKey?: string }[];
}

export const TABLES = {
  /** One item per registered project: pk = projectId. */
  projects: { logicalName: 'ProjectsTable', partitionKey: 'pk' },
  /** One item per upload: pk = uploadId (derived from project and content hash). GSI by project. */
  submissions: { logicalName: 'SubmissionsTable', partitionKey: 'pk', indexes: [{ name: 'byProject', partitionKey: 'projectId', sortKey: 'createdAt' }] },
  /** Append-only ledger: pk = projectId, sk = entry key (hash-chained entries and period claims). */
  ledger: { logicalName: 'LedgerTable', partitionKey: 'pk', sortKey: 'sk' },
  /** Access registers: pk = PRINCIPAL#<id> | PROJECT#<id> | UPLOAD#<id>, sk = the record kind (ACCESS_KEYS). */
  access: { logicalName: 'AccessTable', partitionKey: 'pk', sortKey: 'sk' },
  /** Audit trail: pk = projectId, sk = EVENT#<seq> (append-only, hash-chained). */
  audit: { logicalName: 'AuditTable', partitionKey: 'pk', sortKey: 'sk' },
} as const satisfies Record<string, TableDefinition>;

/** Decision outcome written back to the site (same folder as the validation report). */
export const decisionReportKey = (projectId: string, uploadId: string) => `reports/${projectId}/${uploadId}.decision.json`;

/** User metadata on an uploaded object (`x-amz-meta-methodology`): the `id@version` the site meant. */
export const OBJECT_METADATA = { methodology: 'methodology' } as const;

/** Sort keys of the ledger table (pk = projectId). See core/ledger/append.ts for the write protocol. */
export const LEDGER_KEYS = {
  head: 'HEAD',
  entry: (seq: number) => `ENTRY#${String(seq).padStart(10, '0')}`,
  entryPrefix: 'ENTRY#',
  upload: (uploadId: string) => `UPLOAD#${uploadId}`,
} as const;

/** Name of the submissions' GSI by project (TABLES.submissions.indexes[0]). */
export const SUBMISSIONS_BY_PROJECT_INDEX = 'byProject';

/** Metrics namespace of every function. */
export const METRICS_NAMESPACE = 'MrvPipeline';

/** Keys of the access table (core/access registers). */
export const ACCESS_KEYS = {
  principal: (principalId: string) => ({ pk: `PRINCIPAL#${principalId}`, sk: 'RECORD' }),
  assignment: (projectId: string) => ({ pk: `PROJECT#${projectId}`, sk: 'ASSIGNMENT' }),
  /** The first approval of a monitoring report waiting for its independent (technical) review. */
  firstApproval: (uploadId: string) => ({ pk: `UPLOAD#${uploadId}`, sk: 'FIRST-APPROVAL' }),
} as const;

/** Sort keys of the audit table (pk = projectId). */
export const AUDIT_KEYS = {
  event: (seq: number) => `EVENT#${String(seq).padStart(10, '0')}`,
  eventPrefix: 'EVENT#',
} as const;

/**
 * What happened to one decision message, told to its sender: `outcomes/<SenderId>/<messageId>.json`.
 * The IAM policy variable `${aws:userid}` is the SenderId, so each principal may read only its own
 * outcomes (infra/constructs/access-policies.ts).
 */
/** SQS message attribute by which a trusted forwarder (the HTTP API function) names the authenticated person (`cognito:<sub>`). */
export const FORWARDED_PRINCIPAL_ATTRIBUTE = 'mrv-principal';

export const outcomeKey = (senderId: string, messageId: string) => `outcomes/${senderId}/${messageId}.json`;
export const OUTCOMES_PREFIX = 'outcomes/';
