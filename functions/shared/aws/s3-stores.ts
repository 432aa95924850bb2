import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, PutObjectTaggingCommand, type S3Client } from '@aws-sdk/client-s3';
import { PortError } from '../../../core/errors.ts';
import type { MonitoringStore, ObjectHead, ReportStore, TrackedSource } from '../ports.ts';
import { AwsCallError, isNotFound, port } from './errors.ts';
import { EVIDENCE_PREFIXES, EVIDENCE_TAG } from '../resources.ts';

/** Monitoring uploads in S3: HeadObject, and GetObject streamed chunk by chunk. */
export function s3MonitoringStore(s3: S3Client, bucket: string): MonitoringStore {
  return {
    async head(key): Promise<ObjectHead | undefined> {
      try {
        const r = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return {
          bytes: r.ContentLength ?? 0,
          ...(r.VersionId && r.VersionId !== 'null' ? { versionId: r.VersionId } : {}),
          metadata: Object.fromEntries(Object.entries(r.Metadata ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
        };
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw new AwsCallError(`HeadObject s3://${bucket}/${key}`, error);
      }
    },
    async open(key, versionId): Promise<TrackedSource> {
      const r = await port(`GetObject s3://${bucket}/${key}`, () =>
        s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, ...(versionId ? { VersionId: versionId } : {}) })),
      );
      if (!r.Body) throw new PortError(`GetObject s3://${bucket}/${key} returned no body`, undefined);
      return trackSource(r.Body as unknown as AsyncIterable<Uint8Array>);
    },
    async tail(key, versionId, size, length): Promise<Uint8Array> {
      const range = `bytes=${Math.max(0, size - length)}-${Math.max(0, size - 1)}`;
      const r = await port(`GetObject s3://${bucket}/${key} (${range})`, () =>
        s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: range, ...(versionId ? { VersionId: versionId } : {}) })),
      );
      return r.Body ? await r.Body.transformToByteArray() : new Uint8Array();
    },
    async readRange(key, versionId, start, end): Promise<Uint8Array> {
      if (end <= start) return new Uint8Array();
      const range = `bytes=${start}-${end - 1}`;
      const r = await port(`GetObject s3://${bucket}/${key} (${range})`, () =>
        s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: range, ...(versionId ? { VersionId: versionId } : {}) })),
      );
      return r.Body ? await r.Body.transformToByteArray() : new Uint8Array();
    },
    async openRange(key, versionId, start, end): Promise<TrackedSource> {
      if (end <= start) return trackSource((async function* () {})());
      const range = `bytes=${start}-${end - 1}`;
      const r = await port(`GetObject s3://${bucket}/${key} (${range})`, () =>
        s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: range, ...(versionId ? { VersionId: versionId } : {}) })),
      );
      if (!r.Body) throw new PortError(`GetObject s3://${bucket}/${key} (${range}) returned no body`, undefined);
      return trackSource(r.Body as unknown as AsyncIterable<Uint8Array>);
    },
  };
}

/** Wraps a byte stream so a read failure (network, 5xx mid-stream) can be told from bad data. */
export function trackSource(body: AsyncIterable<Uint8Array>): TrackedSource {
  let failure: unknown;
  const source = (async function* () {
    try {
      for await (const chunk of body) yield chunk;
    } catch (error) {
      failure = error ?? new Error('stream failed');
      throw error;
    }
  })();
  return { source, failure: () => failure };
}

/** Object tags of a key (e.g. the evidence tag, functions/shared/evidence-tags.ts); undefined: none. */
export type TagsFor = (key: string) => Promise<Readonly<Record<string, string>> | undefined>;

/** Reports and results in S3 (JSON and text objects), tagged on write when `tagsFor` says so. */
export function s3ReportStore(s3: S3Client, bucket: string, options: { readonly tagsFor?: TagsFor } = {}): ReportStore {
  const put = async (key: string, body: string, contentType: string) => {
    const tags = await options.tagsFor?.(key);
    const Tagging = tags ? new URLSearchParams(Object.entries(tags)).toString() : undefined;
    await port(`PutObject s3://${bucket}/${key}`, () =>
      s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType, ...(Tagging ? { Tagging } : {}) })),
    );
  };
  return {
    putJson: (key, value) => put(key, `${JSON.stringify(value, null, 2)}\n`, 'application/json'),
    putText: (key, text) => put(key, text, 'text/plain; charset=utf-8'),
    async exists(key) {
      try {
        await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return true;
      } catch (error) {
        if (isNotFound(error)) return false;
        throw new AwsCallError(`HeadObject s3://${bucket}/${key}`, error);
      }
    },
    async getJson<T>(key: string): Promise<T | undefined> {
      try {
        const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        const text = await r.Body!.transformToString('utf-8');
        return JSON.parse(text) as T;
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw new AwsCallError(`GetObject s3://${bucket}/${key}`, error);
      }
    },
  };
}

/**
 * Re-tags every evidence object of a project (results, reports, partials, monitoring reports) with its
 * verification body, after the registrar assigns another body: the new body's verifiers may read it and
 * the former body's may not. Returns how many objects were tagged. Idempotent.
 */
export async function retagEvidence(s3: S3Client, bucket: string, projectId: string, body: string): Promise<number> {
  let count = 0;
  for (const prefix of EVIDENCE_PREFIXES) {
    let token: string | undefined;
    do {
      const page = await port(`ListObjectsV2 s3://${bucket}/${prefix}${projectId}/`, () =>
        s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${prefix}${projectId}/`, ...(token ? { ContinuationToken: token } : {}) })),
      );
      for (const o of page.Contents ?? []) {
        if (!o.Key) continue;
        await port(`PutObjectTagging s3://${bucket}/${o.Key}`, () =>
          s3.send(new PutObjectTaggingCommand({ Bucket: bucket, Key: o.Key, Tagging: { TagSet: [{ Key: EVIDENCE_TAG, Value: body }] } })),
        );
        count++;
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }
  return count;
}
