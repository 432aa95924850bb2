import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { HeadObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { ProjectSchema } from '../../core/project/project.ts';
import { uploadIdOf } from '../../core/review/upload-id.ts';
import { dynamoProjects } from '../../functions/shared/aws/dynamo-repositories.ts';
import { BUCKET_LAYOUT, ENV, OBJECT_METADATA } from '../../functions/shared/resources.ts';
import { parse } from '../args.ts';
import { createCliAws, type AwsFactory } from '../aws-clients.ts';
import { openMonitoringFile } from '../load.ts';
import { UsageError, type Command } from './types.ts';

/** Above this size the file goes up in parts (lib-storage Upload); fauxqs caps a single PUT at 11 MiB. */
const MULTIPART_ABOVE = 5 * 1024 * 1024;

/**
 * `mrv upload <project-id> <file>`: puts the file at uploads/<project-id>/<basename> with the
 * registered methodology as object metadata, and prints the upload id (computed locally the same way
 * the pipeline does) and where its report will appear. `--wait <s>` polls for the report and prints it.
 */
export function makeUploadCommand(aws: AwsFactory = createCliAws): Command {
  return {
    name: 'upload',
    summary: 'Upload a monitoring file for a registered project (the pipeline validates it)',
    usage: 'mrv upload <project-id> <file> [--wait <seconds>]',
    async run(argv, io) {
      const { values, positionals } = parse(argv, { wait: { type: 'string' } });
      const [projectId, path] = positionals;
      if (!projectId || !path) throw new UsageError('a project id and a file are required');
      const a = aws(io.env);
      const env = a.resources([ENV.bucket, ENV.projectsTable]);
      const raw = await dynamoProjects(a.ddb, env[ENV.projectsTable]).get(projectId);
      const project = ProjectSchema.safeParse(raw);
      if (raw === undefined || !project.success) {
        io.err(`Project ${projectId} is ${raw === undefined ? 'not registered' : 'registered with an invalid registration'}; run mrv project register first.`);
        return 2;
      }
      const file = await openMonitoringFile(path, io.cwd);
      const sha = createHash('sha256');
      for await (const chunk of createReadStream(file.full)) sha.update(chunk as Buffer);
      const uploadId = uploadIdOf(projectId, sha.digest('hex'));
      const key = BUCKET_LAYOUT.uploads(projectId, basename(path));
      const common = { Bucket: env[ENV.bucket], Key: key, Metadata: { [OBJECT_METADATA.methodology]: project.data.methodology } };
      if (file.size > MULTIPART_ABOVE)
        await new Upload({ client: a.s3, params: { ...common, Body: createReadStream(file.full) }, partSize: 8 * 1024 * 1024 }).done();
      else await a.s3.send(new PutObjectCommand({ ...common, Body: createReadStream(file.full), ContentLength: file.size }));
      const reportKey = BUCKET_LAYOUT.reportText(projectId, uploadId);
      io.out(`Uploaded s3://${env[ENV.bucket]}/${key} (${file.size} bytes, methodology ${project.data.methodology}).`);
      io.out(`Upload id ${uploadId}. The validation report will be at s3://${env[ENV.bucket]}/${reportKey} (and .json);`);
      io.out(`see it with: mrv upload ${projectId} ${path} --wait 60, or mrv review show ${uploadId} once accepted.`);
      if (!values.wait) return 0;
      const deadline = Date.now() + Number(values.wait) * 1000;
      while (Date.now() < deadline) {
        try {
          await a.s3.send(new HeadObjectCommand({ Bucket: env[ENV.bucket], Key: reportKey }));
          const text = await (await a.s3.send(new GetObjectCommand({ Bucket: env[ENV.bucket], Key: reportKey }))).Body!.transformToString('utf-8');
          io.out(text);
          return /REJECTED|NOT APPLICABLE/.test(text.split('\n')[0] ?? '') ? 1 : 0;
        } catch {
          await new Promise((r) => setTimeout(r, 1000));
        }
      }
      io.err(`No report after ${values.wait} s; the pipeline may still be working (or look in the ingest DLQ).`);
      return 1;
    },
  };
}

export const uploadCommand: Command = makeUploadCommand();
