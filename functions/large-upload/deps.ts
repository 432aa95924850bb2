import { createDeps as createIngestDeps } from '../ingest-upload/deps.ts';
import { registry } from '../../methodologies/index.ts';
import { createAwsClients } from '../shared/aws/clients.ts';
import { s3MonitoringStore, s3ReportStore } from '../shared/aws/s3-stores.ts';
import { readEnv } from '../shared/env.ts';
import { ENV, LARGE_UPLOAD } from '../shared/resources.ts';
import type { RangeDeps, SplitDeps } from './steps.ts';

const bytesFromEnv = (name: string, fallback: number): number => {
  const raw = process.env[name]?.trim();
  const n = raw ? Number(raw) : fallback;
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`${name} must be a positive whole number of bytes, got ${JSON.stringify(raw)}`);
  return n;
};

/** The split, merge and fail steps: the ingest function's dependencies, and the size settings. */
export function createSplitDeps(): SplitDeps {
  return { ...createIngestDeps(), largeUploadBytes: bytesFromEnv(LARGE_UPLOAD.minBytesEnv, LARGE_UPLOAD.defaultMinBytes), rangeBytes: bytesFromEnv(LARGE_UPLOAD.rangeBytesEnv, LARGE_UPLOAD.defaultRangeBytes) };
}

/** The range worker reads the upload and writes range results: the bucket only. */
export function createRangeDeps(): RangeDeps {
  const env = readEnv([ENV.bucket]);
  const { s3 } = createAwsClients();
  return { monitoring: s3MonitoringStore(s3, env[ENV.bucket]), reports: s3ReportStore(s3, env[ENV.bucket]), registry };
}
