import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { BUCKET_LAYOUT } from '../../functions/shared/resources.ts';
import { parse } from '../args.ts';
import { createCliAws, type AwsFactory } from '../aws-clients.ts';
import { putMonitoringFile } from '../services/uploads.ts';
import { UsageError, type Command } from './types.ts';

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
      const put = await putMonitoringFile(a, projectId, path, io.cwd);
      if (!put.ok) {
        io.err(put.reason);
        return 2;
      }
      const { bucket, key, uploadId } = put;
      const reportKey = BUCKET_LAYOUT.reportText(projectId, uploadId);
      io.out(`Uploaded s3://${bucket}/${key} (${put.bytes} bytes, methodology ${put.methodology}).`);
      io.out(`Upload id ${uploadId}. The validation report will be at s3://${bucket}/${reportKey} (and .json);`);
      io.out(`see it with: mrv upload ${projectId} ${path} --wait 60, or mrv review show ${uploadId} once accepted.`);
      if (!values.wait) return 0;
      const deadline = Date.now() + Number(values.wait) * 1000;
      while (Date.now() < deadline) {
        try {
          await a.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: reportKey }));
          const text = await (await a.s3.send(new GetObjectCommand({ Bucket: bucket, Key: reportKey }))).Body!.transformToString('utf-8');
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
