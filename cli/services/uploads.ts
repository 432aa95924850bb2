import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { ProjectSchema } from '../../core/project/project.ts';
import { uploadIdOf } from '../../core/review/upload-id.ts';
import { dynamoProjects } from '../../functions/shared/aws/dynamo-repositories.ts';
import { BUCKET_LAYOUT, ENV, OBJECT_METADATA } from '../../functions/shared/resources.ts';
import type { CliAws } from '../aws-clients.ts';
import { openMonitoringFile } from '../load.ts';

/** Above this size the file goes up in parts (lib-storage Upload); fauxqs caps a single PUT at 11 MiB. */
const MULTIPART_ABOVE = 5 * 1024 * 1024;

export type PutOutcome =
  | {
      readonly ok: true;
      readonly bucket: string;
      readonly key: string;
      /** The id the pipeline gives the upload (computed the same way, from the project and the file's SHA-256). */
      readonly uploadId: string;
      readonly bytes: number;
      readonly methodology: string;
    }
  /** The project is not registered (or its registration no longer parses): nothing was put. */
  | { readonly ok: false; readonly reason: string };

/**
 * Puts a monitoring file where a site puts it: uploads/<project-id>/<file name>, with the registered
 * methodology as object metadata (multipart above 5 MiB). The service behind `mrv upload`; the local
 * stack calls it directly for the bundled samples. An unreadable file is a UsageError (exit 2).
 */
export async function putMonitoringFile(aws: CliAws, projectId: string, path: string, cwd: string): Promise<PutOutcome> {
  const env = aws.resources([ENV.bucket, ENV.projectsTable]);
  const raw = await dynamoProjects(aws.ddb, env[ENV.projectsTable]).get(projectId);
  const project = ProjectSchema.safeParse(raw);
  if (raw === undefined || !project.success)
    return {
      ok: false,
      reason: `Project ${projectId} is ${raw === undefined ? 'not registered' : 'registered with an invalid registration'}; run mrv project register first.`,
    };
  const file = await openMonitoringFile(path, cwd);
  const sha = createHash('sha256');
  for await (const chunk of createReadStream(file.full)) sha.update(chunk as Buffer);
  const uploadId = uploadIdOf(projectId, sha.digest('hex'));
  const key = BUCKET_LAYOUT.uploads(projectId, basename(path));
  const common = { Bucket: env[ENV.bucket], Key: key, Metadata: { [OBJECT_METADATA.methodology]: project.data.methodology } };
  if (file.size > MULTIPART_ABOVE)
    await new Upload({ client: aws.s3, params: { ...common, Body: createReadStream(file.full) }, partSize: 8 * 1024 * 1024 }).done();
  else await aws.s3.send(new PutObjectCommand({ ...common, Body: createReadStream(file.full), ContentLength: file.size }));
  return { ok: true, bucket: env[ENV.bucket], key, uploadId, bytes: file.size, methodology: project.data.methodology };
}
