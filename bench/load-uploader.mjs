/**
 * The sites of the load test (bench/load.mjs), in a worker thread of their own so that uploading
 * does not share the event loop of the local stack: PutObject through the real AWS SDK to the
 * stack's endpoint (its IAM gateway), each project with its own site credentials, `concurrency`
 * PUTs in flight (with `rate`, upload i starts no earlier than i / rate seconds after the first: an
 * open-loop pace below the pipeline's capacity, so latency is measured without a backlog). Posts `{ index, startMs, endMs, error? }` for every upload (epoch milliseconds
 * from performance.timeOrigin + performance.now(), comparable across threads), then `{ done: true }`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';

const { endpoint, region, bucket, concurrency, jobs, credentials, rate } = workerData;
const now = () => performance.timeOrigin + performance.now();

/** One client per project: as on AWS, each site signs with its own key. */
const clients = new Map();
const clientOf = (projectId) => {
  let c = clients.get(projectId);
  if (!c) {
    c = new S3Client({ endpoint, region, forcePathStyle: true, credentials: credentials[projectId], maxAttempts: 3 });
    clients.set(projectId, c);
  }
  return c;
};

let next = 0;
const t0 = now();
async function lane() {
  while (next < jobs.length) {
    const i = next++;
    const job = jobs[i];
    if (rate) {
      const due = t0 + (i * 1000) / rate;
      if (due > now()) await new Promise((r) => setTimeout(r, due - now()));
    }
    const startMs = now();
    try {
      await clientOf(job.projectId).send(
        new PutObjectCommand({ Bucket: bucket, Key: job.key, Body: job.body, ContentType: 'text/csv', Metadata: job.metadata }),
      );
      parentPort.postMessage({ index: job.index, startMs, endMs: now() });
    } catch (error) {
      parentPort.postMessage({ index: job.index, startMs, endMs: now(), error: `${error?.name ?? 'Error'}: ${error?.message ?? String(error)}` });
    }
  }
}

await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, jobs.length)) }, lane));
for (const c of clients.values()) c.destroy();
parentPort.postMessage({ done: true });
