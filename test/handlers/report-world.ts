// Monitoring-report fixtures shared by the handler tests: hourly meter exports of 2015 for the
// grid-renewable fixture project, and an ingest + assembly world of fakes.
import { expect } from 'vitest';
import type { Submission } from '../../core/review/submission.ts';
import type { ReviewItem } from '../../core/review/schemas.ts';
import { MemoryAuditStore } from '../../core/audit/fake-store.ts';
import { bytesOf } from '../../core/kit/conformance.ts';
import type { AssembleDeps } from '../../functions/assemble-report/assemble.ts';
import { ingestObject, type IngestDeps } from '../../functions/ingest-upload/ingest.ts';
import type { Notification } from '../../functions/shared/notifications.ts';
import { BUCKET_LAYOUT } from '../../functions/shared/resources.ts';
import { registry } from '../../methodologies/index.ts';
import { FakeReports, FakeSubmissions, recordingLog, recordingMetrics } from './helpers.ts';

/**
 * Hourly readings of one month of 2015 (deterministic, three decimals like a meter export). The module
 * stamps a reading at the end of its hour (grid-renewable: interval-end), so a month runs from 01:00 on
 * its first day to 00:00 on the first of the next month: its period is `[month 1st 00:00, next 1st 00:00)`
 * on the site's clock. `offset` writes each time with that offset; `''` writes local times of the site.
 */
export function monthCsv(month: number, header = true, offset = 'Z'): string {
  const lines = header ? ['timestamp,EG_export,EG_import,TEG,FC_diesel'] : [];
  const days = new Date(Date.UTC(2015, month, 0)).getUTCDate();
  let x = month * 7919;
  for (let d = 1; d <= days; d++)
    for (let h = 0; h < 24; h++) {
      x = (x * 48271) % 2147483647;
      const exp = ((x % 20000) / 1000).toFixed(3);
      const imp = h < 5 && x % 3 === 0 ? '0.045' : '0.000';
      const stamp = new Date(Date.UTC(2015, month - 1, d, h + 1)).toISOString().slice(0, 19);
      lines.push(`${stamp}${offset},${exp},${imp},${(Number(exp) * 1.015).toFixed(3)},0`);
    }
  return `${lines.join('\n')}\n`;
}

/** Submissions that also list a project (the by-project index), as monitoring reports need. */
export class ListingSubmissions extends FakeSubmissions {
  async listByProject(projectId: string): Promise<Submission[]> {
    return [...this.items.values()].filter((s) => s.projectId === projectId).map((s) => structuredClone(s));
  }
}

/**
 * Uploads ingested into fakes (accepted, each waiting for review), and what assembling needs but the
 * audit actor: the caller decides who acts.
 */
export function assemblyWorld(registration: Record<string, unknown>, now = () => new Date('2016-02-01T10:00:00Z')) {
  const projectId = registration.id as string;
  const files = new Map<string, string>();
  const submissions = new ListingSubmissions();
  const reports = new FakeReports();
  const queued: ReviewItem[] = [];
  const notes: Notification[] = [];
  const audit = new MemoryAuditStore();
  const projects = { get: async (id: string) => (id === projectId ? registration : undefined) };
  const reviewQueue = { send: async (item: ReviewItem) => void queued.push(item) };
  const ingestDeps: IngestDeps = {
    monitoring: {
      head: async (key) => (files.has(key) ? { bytes: files.get(key)!.length, metadata: {} } : undefined),
      open: async (key) => ({ source: bytesOf(files.get(key)!), failure: () => undefined }),
    },
    reports,
    projects,
    submissions,
    reviewQueue,
    registry,
    now,
    logger: recordingLog(),
    metrics: recordingMetrics(),
  };
  const deps: Omit<AssembleDeps, 'audit'> = {
    submissions,
    reports,
    projects,
    reviewQueue,
    registry,
    now,
    notifier: { publish: async (n) => void notes.push(n) },
  };
  const upload = async (name: string, text: string) => {
    const key = BUCKET_LAYOUT.uploads(projectId, name);
    files.set(key, text);
    expect(await ingestObject(ingestDeps, key)).toBe('accepted');
    return [...submissions.items.values()].find((s) => s.file.key === key)!.uploadId;
  };
  return { submissions, reports, queued, notes, audit, deps, upload };
}
