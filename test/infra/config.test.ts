import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/errors.ts';
import { CONTEXT_KEYS, parseStageConfig, readStageConfig, stackEnvironment } from '../../infra/config.ts';
import { outputIdFor } from '../../infra/stacks/mrv-pipeline-stack.ts';

/** 2 GiB (half or less of one ingest Lambda's reach derived from bench/records.json: docs/performance.md, test/unit/bench/performance-doc.test.ts), 256 MiB ranges, 40 workers, 2 ranges a batch. */
const LARGE_UPLOAD_DEFAULTS = {
  largeUploadBytes: 2 * 1024 ** 3,
  largeUploadRangeBytes: 256 * 1024 ** 2,
  largeUploadConcurrency: 40,
  largeUploadRangesPerBatch: 2,
};

describe('stage config', () => {
  it('defaults every optional setting', () => {
    expect(parseStageConfig({})).toEqual({
      stage: 'dev',
      logRetentionDays: 90,
      accessLogRetentionDays: 365,
      reviewQueueMaxAgeDays: 7,
      ...LARGE_UPLOAD_DEFAULTS,
    });
  });

  it('reads mrv:* context keys, including the strings `cdk -c` passes', () => {
    const app = new App({
      context: { 'mrv:stage': 'prod', 'mrv:reviewQueueMaxAgeDays': '3', 'mrv:logRetentionDays': '365', 'mrv:alarmEmail': 'ops@example.org', 'mrv:account': '' },
    });
    expect(readStageConfig(app.node)).toEqual({
      stage: 'prod',
      logRetentionDays: 365,
      accessLogRetentionDays: 365,
      reviewQueueMaxAgeDays: 3,
      alarmEmail: 'ops@example.org',
      ...LARGE_UPLOAD_DEFAULTS,
    });
  });

  it('lists every invalid key at once, with the context key to change', () => {
    let error: unknown;
    try {
      parseStageConfig({ stage: 'Prod_1', logRetentionDays: 42, reviewQueueMaxAgeDays: 14, alarmEmail: 'nobody' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const key of ['mrv:stage', 'mrv:logRetentionDays', 'mrv:reviewQueueMaxAgeDays', 'mrv:alarmEmail']) expect(problems).toContain(key);
    expect(problems).toMatch(/below the review queue's retention \(14 days\)/);
  });

  it('rejects unknown keys instead of ignoring a typo', () => {
    expect(() => parseStageConfig({ stgae: 'prod' })).toThrow(ConfigError);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(parseStageConfig({}))).toBe(true);
  });

  it('prefers explicit account and region over the CLI-resolved ones', () => {
    const config = parseStageConfig({ account: '123456789012' });
    expect(stackEnvironment(config, { CDK_DEFAULT_ACCOUNT: '999999999999', CDK_DEFAULT_REGION: 'eu-west-1' })).toEqual({
      account: '123456789012',
      region: 'eu-west-1',
    });
    expect(stackEnvironment(parseStageConfig({}), {})).toEqual({ account: undefined, region: undefined });
  });

  it('documents its context keys', () => {
    expect(CONTEXT_KEYS).toContain('mrv:reviewQueueMaxAgeDays');
  });
});

describe('outputIdFor', () => {
  it('turns an env var name into an alphanumeric output id', () => {
    expect(outputIdFor('MONITORING_BUCKET_NAME')).toBe('MonitoringBucketName');
  });
});
