import { createHash } from 'node:crypto';

/**
 * The id of an upload: the first 32 hex characters of sha256(`<projectId>:<file sha256>`). The same
 * content uploaded again for the same project (or the same S3 event delivered twice) gets the same
 * id, so every later stage is idempotent by construction. The CLI computes it before uploading, so it
 * can tell the uploader where the report will appear.
 */
export function uploadIdOf(projectId: string, fileSha256: string): string {
  return createHash('sha256').update(`${projectId}:${fileSha256}`, 'utf8').digest('hex').slice(0, 32);
}
