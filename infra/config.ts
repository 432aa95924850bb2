/**
 * Stage configuration of the CDK app: read once from CDK context (`cdk.json` or `cdk synth -c mrv:<key>=<value>`),
 * validated with zod, frozen. Every problem is reported at once, with the key to change.
 *
 * Context keys (all optional except where cdk.json sets them):
 *
 * | key                           | default | meaning |
 * |-------------------------------|---------|---------|
 * | `mrv:stage`                   | `dev`   | stage name; becomes the stack name `MrvPipeline-<stage>` (never a resource name) |
 * | `mrv:account`, `mrv:region`   | from the CLI's credentials (`CDK_DEFAULT_*`), else environment-agnostic | where to deploy |
 * | `mrv:logRetentionDays`        | `90`    | retention of the functions' log groups (a CloudWatch Logs retention value) |
 * | `mrv:accessLogRetentionDays`  | `365`   | how long S3 server access logs are kept |
 * | `mrv:reviewQueueMaxAgeDays`   | `7`     | alarm when the oldest item waiting for a verifier is older than this |
 * | `mrv:alarmEmail`              | none    | subscribe this address to the alarm topic |
 * | `mrv:largeUploadBytes`        | 2 GiB   | uploads from this size are calculated in byte ranges (Step Functions Distributed Map), not by the ingest function |
 * | `mrv:largeUploadRangeBytes`   | 256 MiB | bytes per range of a large upload |
 * | `mrv:largeUploadConcurrency`  | 40      | range workers running at once for one upload (Distributed Map MaxConcurrency) |
 * | `mrv:largeUploadRangesPerBatch` | 2     | ranges per range-worker invocation (ItemBatcher MaxItemsPerBatch) |
 */
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import { z } from 'zod';
import { ConfigError } from '../core/errors.ts';
import { LARGE_UPLOAD, QUEUES } from '../functions/shared/resources.ts';

const CONTEXT_PREFIX = 'mrv:';

const LOG_RETENTION_VALUES: readonly number[] = Object.values(RetentionDays).filter((v): v is number => typeof v === 'number' && v > 0);
const REVIEW_RETENTION_DAYS = QUEUES.review.retentionSeconds / 86_400;

/** `cdk -c key=value` always passes strings; cdk.json may pass numbers. Empty strings mean "not set". */
const optionalText = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' || v === null ? undefined : v), schema.optional());

export const StageConfigSchema = z.strictObject({
  stage: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,19}$/, 'use 1–20 lowercase letters, digits or dashes, starting with a letter (e.g. "dev", "prod")')
    .default('dev'),
  account: optionalText(z.string().regex(/^\d{12}$/, 'use the 12-digit AWS account id')),
  region: optionalText(z.string().regex(/^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/, 'use an AWS region code such as "eu-west-1"')),
  logRetentionDays: z.coerce
    .number()
    .int()
    .refine((v) => LOG_RETENTION_VALUES.includes(v), `use a CloudWatch Logs retention value: ${LOG_RETENTION_VALUES.join(', ')}`)
    .default(90),
  accessLogRetentionDays: z.coerce.number().int().min(1, 'keep access logs at least 1 day').default(365),
  reviewQueueMaxAgeDays: z.coerce
    .number()
    .positive()
    .lt(
      REVIEW_RETENTION_DAYS,
      `must be below the review queue's retention (${REVIEW_RETENTION_DAYS} days), or the alarm fires only after items are already lost`,
    )
    .default(7),
  alarmEmail: optionalText(z.email('use an e-mail address')),
  largeUploadBytes: z.coerce
    .number()
    .int()
    .min(64 * 1024 ** 2, 'use at least 64 MiB (below that one ingest function is faster)')
    .default(LARGE_UPLOAD.defaultMinBytes),
  largeUploadRangeBytes: z.coerce
    .number()
    .int()
    .min(16 * 1024 ** 2, 'use at least 16 MiB per range')
    .max(2 * 1024 ** 3, 'use at most 2 GiB per range (a range worker has 15 minutes)')
    .default(LARGE_UPLOAD.defaultRangeBytes),
  largeUploadConcurrency: z.coerce.number().int().min(1).max(10_000, 'a Distributed Map runs at most 10,000 children at once').default(40),
  largeUploadRangesPerBatch: z.coerce.number().int().min(1).max(100).default(2),
});

export type StageConfig = Readonly<z.output<typeof StageConfigSchema>>;

/** The context keys this app reads, e.g. `mrv:stage`. */
export const CONTEXT_KEYS = Object.keys(StageConfigSchema.shape).map((k) => `${CONTEXT_PREFIX}${k}`);

/**
 * Parses raw context values (keyed without the `mrv:` prefix). Throws a {@link ConfigError} that lists every
 * invalid key with the context key to change.
 */
export function parseStageConfig(raw: Readonly<Record<string, unknown>>): StageConfig {
  const result = StageConfigSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const key = issue.path.length ? `${CONTEXT_PREFIX}${issue.path.join('.')}` : '(context)';
      return `${key}: ${issue.message} (set it in cdk.json "context" or with \`cdk synth -c ${key}=<value>\`)`;
    });
    throw new ConfigError('The CDK stage configuration is invalid.', problems);
  }
  return Object.freeze(result.data);
}

/** Reads the `mrv:*` keys from CDK context (cdk.json, `-c`, or `new App({ context })`). */
export function readStageConfig(node: Node): StageConfig {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(StageConfigSchema.shape)) {
    const value: unknown = node.tryGetContext(`${CONTEXT_PREFIX}${key}`);
    if (value !== undefined) raw[key] = value;
  }
  return parseStageConfig(raw);
}

/**
 * Account and region: explicit config first, then what the CDK CLI resolved from the caller's credentials.
 * Offline without credentials both are undefined and the stack is environment-agnostic.
 */
export function stackEnvironment(config: StageConfig, env: Readonly<Record<string, string | undefined>>): { account?: string; region?: string } {
  return {
    account: config.account ?? env.CDK_DEFAULT_ACCOUNT,
    region: config.region ?? env.CDK_DEFAULT_REGION,
  };
}
