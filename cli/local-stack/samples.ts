import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { UploadReport } from '../../core/report/upload-report.ts';
import type { Submission } from '../../core/review/submission.ts';
import { dynamoSubmissions } from '../../functions/shared/aws/dynamo-repositories.ts';
import { s3ReportStore } from '../../functions/shared/aws/s3-stores.ts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BUCKET_LAYOUT, ENV } from '../../functions/shared/resources.ts';
import type { Io } from '../commands/types.ts';
import { createCliAws } from '../aws-clients.ts';
import { loadProjectFile } from '../load.ts';
import { registerProject } from '../services/projects.ts';
import { putMonitoringFile } from '../services/uploads.ts';
import type { LocalStack } from './stack.ts';
import { REPO_ROOT } from '../paths.ts';

export const SAMPLES_DIR = join(REPO_ROOT, 'samples');

export interface Sample {
  readonly projectFile: string;
  /** undefined when the registration file itself cannot be read. */
  readonly projectId: string | undefined;
  readonly files: readonly string[];
}

/** The bundled samples: every project under samples/projects and its files under samples/uploads/<project-id>/. */
export async function listSamples(dir = SAMPLES_DIR): Promise<Sample[]> {
  const projects = (await readdir(join(dir, 'projects'))).filter((f) => f.endsWith('.json')).sort();
  const out: Sample[] = [];
  for (const p of projects) {
    const projectFile = join(dir, 'projects', p);
    const projectId = await loadProjectFile(projectFile, dir).then(
      (x) => x.id,
      () => undefined,
    );
    const uploads = projectId ? join(dir, 'uploads', projectId) : undefined;
    const files = uploads
      ? (await readdir(uploads).catch(() => [] as string[]))
          .filter((f) => !f.startsWith('.'))
          .sort()
          .map((f) => join(uploads, f))
      : [];
    out.push({ projectFile, projectId, files });
  }
  return out;
}

/** One sample file after `mrv upload`: where it went and the id the pipeline will give it; or why it was not sent. */
export type SentFile =
  | { readonly file: string; readonly projectId: string; readonly key: string; readonly uploadId: string }
  | { readonly file: string; readonly projectId: string; readonly key: string; readonly notSent: string };

/**
 * Registers every sample project and uploads its files as a site would, through the services behind
 * `mrv project register` and `mrv upload` (PutObject to uploads/<project-id>/<file> with the methodology
 * metadata). `io.env` must point at the stack. Progress goes to `io.out` in one line per project.
 */
export async function sendSamples(samples: readonly Sample[], io: Io): Promise<SentFile[]> {
  const aws = createCliAws(io.env);
  const sent: SentFile[] = [];
  const failure = (e: unknown) => (e instanceof Error ? e.message : String(e));
  for (const s of samples) {
    const projectId = s.projectId ?? basename(s.projectFile, '.json');
    const registered = s.projectId
      ? await loadProjectFile(s.projectFile, io.cwd)
          .then((project) => registerProject(aws, io.env, project, { by: 'mrv start (bundled samples)' }))
          .then(() => undefined, failure)
      : 'the file is not a valid registration (mrv project register shows why)';
    if (registered !== undefined) {
      io.err(`Sample project ${s.projectFile} was not registered: ${registered}`);
      for (const file of s.files)
        sent.push({ file, projectId, key: BUCKET_LAYOUT.uploads(projectId, basename(file)), notSent: 'its project is not registered' });
      continue;
    }
    for (const file of s.files) {
      const put = await putMonitoringFile(aws, projectId, file, io.cwd).catch((e: unknown) => ({ ok: false as const, reason: failure(e) }));
      const key = BUCKET_LAYOUT.uploads(projectId, basename(file));
      sent.push(put.ok ? { file, projectId, key: put.key, uploadId: put.uploadId } : { file, projectId, key, notSent: put.reason });
    }
    io.out(`Registered ${projectId} and uploaded ${s.files.length} file${s.files.length === 1 ? '' : 's'}.`);
  }
  return sent;
}

export interface Outcome {
  readonly report: UploadReport;
  readonly submission: Submission | undefined;
}

/** Reads a report and its submission from the stack (undefined while the report is not written). */
export function outcomeReader(stack: LocalStack) {
  const reports = s3ReportStore(stack.clients.s3, stack.resources.bucket);
  const submissions = dynamoSubmissions(DynamoDBDocumentClient.from(stack.clients.dynamo), stack.resources.env[ENV.submissionsTable]);
  return async (projectId: string, uploadId: string): Promise<Outcome | undefined> => {
    const report = await reports.getJson<UploadReport>(BUCKET_LAYOUT.reportJson(projectId, uploadId));
    if (!report) return undefined;
    return { report, submission: await submissions.get(uploadId) };
  };
}

/**
 * Polls until every sent file has its report and, when accepted, its review item is queued
 * (`queuedAt` on the submission: the last write of the ingest function), or until `deadline`.
 */
export async function waitForOutcomes(stack: LocalStack, sent: readonly SentFile[], deadline: number): Promise<Map<string, Outcome>> {
  const read = outcomeReader(stack);
  const done = new Map<string, Outcome>();
  for (;;) {
    for (const f of sent) {
      if (!('uploadId' in f) || done.has(f.uploadId)) continue;
      const o = await read(f.projectId, f.uploadId);
      if (o && (o.report.status !== 'accepted' || o.submission?.queuedAt)) done.set(f.uploadId, o);
    }
    if (sent.every((f) => !('uploadId' in f) || done.has(f.uploadId)) || Date.now() >= deadline) return done;
    await new Promise((r) => setTimeout(r, 100));
  }
}
