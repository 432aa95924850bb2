import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkOutcomes, countOutcomes, percentile, planLoad, registrationOf, type ObservedOutcome } from '../../../bench/load-plan.ts';
import { uploadIdOf } from '../../../core/review/upload-id.ts';

describe('planLoad', () => {
  const plan = planLoad({ uploads: 1000, projects: 50, badShare: 0.05, seed: 14 });

  it('plans the requested uploads over the requested projects, evenly, with distinct upload ids', () => {
    expect(plan.projects).toHaveLength(50);
    expect(new Set(plan.projects.map((p) => p.id)).size).toBe(50);
    expect(plan.uploads).toHaveLength(1000);
    const perProject = new Map<string, number>();
    for (const u of plan.uploads) perProject.set(u.projectId, (perProject.get(u.projectId) ?? 0) + 1);
    expect([...perProject.values()].every((n) => n === 20)).toBe(true);
    expect(new Set(plan.uploads.map((u) => u.uploadId)).size).toBe(1000);
    // One file per project and month.
    expect(new Set(plan.uploads.map((u) => `${u.projectId}/${u.fileName}`)).size).toBe(1000);
  });

  it('gives each upload the id the pipeline computes from its project and content', () => {
    for (const u of plan.uploads.slice(0, 20)) expect(u.uploadId).toBe(uploadIdOf(u.projectId, createHash('sha256').update(u.body).digest('hex')));
  });

  it('makes exactly 5 % of the files bad, of both kinds, and expects them rejected', () => {
    const bad = plan.uploads.filter((u) => u.bad);
    expect(bad).toHaveLength(50);
    expect(bad.every((u) => u.expected === 'rejected')).toBe(true);
    expect(plan.uploads.filter((u) => !u.bad).every((u) => u.expected === 'accepted')).toBe(true);
    const missing = bad.find((u) => u.bad === 'missing-column')!;
    const good = plan.uploads.find((u) => !u.bad && u.kind === missing.kind)!;
    expect(missing.body.split('\n')[0]!.split(',').length).toBe(good.body.split('\n')[0]!.split(',').length - 1);
    expect(bad.find((u) => u.bad === 'text-in-number')!.body).toContain(',n/a');
  });

  it('is deterministic for a seed and differs for another', () => {
    const again = planLoad({ uploads: 1000, projects: 50, badShare: 0.05, seed: 14 });
    expect(again.uploads.map((u) => u.uploadId)).toEqual(plan.uploads.map((u) => u.uploadId));
    const other = planLoad({ uploads: 1000, projects: 50, badShare: 0.05, seed: 15 });
    expect(other.uploads[0]!.uploadId).not.toBe(plan.uploads[0]!.uploadId);
  });

  it('writes monthly files: one reading for the PV projects, one row per day for the others', () => {
    const jcm = plan.uploads.find((u) => u.kind === 'jcm' && !u.bad)!;
    expect(jcm.rows).toBe(1);
    expect(jcm.body).toMatch(/^timestamp,EG,EG_import\n2019-01-01,\d+\.\d{3},\d\.\d{3}\n$/);
    const feb = plan.uploads.find((u) => u.kind === 'fgas' && u.fileName === '2016-02.csv')!;
    expect(feb.rows).toBe(29); // 2016 is a leap year
  });

  it('refuses sizes that are not positive integers and shares outside 0–1', () => {
    expect(() => planLoad({ uploads: 0, projects: 1, badShare: 0, seed: 1 })).toThrow(RangeError);
    expect(() => planLoad({ uploads: 1, projects: 1.5, badShare: 0, seed: 1 })).toThrow(RangeError);
    expect(() => planLoad({ uploads: 1, projects: 1, badShare: 1.2, seed: 1 })).toThrow(RangeError);
  });
});

describe('registrationOf', () => {
  it('copies the sample under the project id; grid projects lose the hourly interval and declare no diesel back-up (their files have no FC_diesel)', () => {
    const sample = { id: 'wind-tamil-nadu-in', methodology: 'grid-renewable@1.0.0', monitoringIntervalMinutes: 60 };
    expect(registrationOf(sample, { id: 'load-grid-03', kind: 'grid', sample: 'wind-tamil-nadu-in' })).toMatchObject({
      id: 'load-grid-03',
      methodology: 'grid-renewable@1.0.0',
    });
    expect(registrationOf(sample, { id: 'load-grid-03', kind: 'grid', sample: 'wind-tamil-nadu-in' })).not.toHaveProperty('monitoringIntervalMinutes');
    expect(registrationOf(sample, { id: 'load-grid-03', kind: 'grid', sample: 'wind-tamil-nadu-in' })).toHaveProperty('sources', { diesel_backup: false });
    expect(registrationOf({ ...sample, id: 'x' }, { id: 'load-jcm-01', kind: 'jcm', sample: 'x' })).toHaveProperty('monitoringIntervalMinutes', 60);
  });
});

describe('percentile', () => {
  it('is the nearest rank', () => {
    const xs = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(percentile(xs, 50)).toBe(5);
    expect(percentile(xs, 95)).toBe(10);
    expect(percentile(xs, 10)).toBe(1);
    expect(percentile(xs, 100)).toBe(10);
    expect(percentile([42], 99)).toBe(42);
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 95)).toBe(95);
  });

  it('is undefined for no values and refuses p outside (0, 100]', () => {
    expect(percentile([], 50)).toBeUndefined();
    expect(() => percentile([1], 0)).toThrow(RangeError);
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });
});

describe('checkOutcomes', () => {
  const a = { uploadId: 'a'.repeat(32), projectId: 'p', fileName: '2019-01.csv', expected: 'accepted' as const };
  const r = { uploadId: 'b'.repeat(32), projectId: 'p', fileName: '2019-02.csv', expected: 'rejected' as const };
  const good = (): Map<string, ObservedOutcome> =>
    new Map([
      [a.uploadId, { submissions: 1, submissionStatus: 'pending-review', reportStatus: 'accepted', reviewItems: 1 }],
      [r.uploadId, { submissions: 1, submissionStatus: 'rejected', reportStatus: 'rejected', reviewItems: 0 }],
    ]);
  const problemsWith = (id: string, o: Partial<ObservedOutcome> | undefined) => {
    const m = good();
    if (o === undefined) m.delete(id);
    else m.set(id, { ...m.get(id)!, ...o });
    return checkOutcomes([a, r], m);
  };

  it('finds nothing wrong when each upload has its one planned outcome', () => {
    expect(checkOutcomes([a, r], good())).toEqual([]);
    expect(countOutcomes(good())).toEqual({ accepted: 1, rejected: 1, other: 0, reviewItems: 1, submissions: 2 });
  });

  it('names the upload that has no outcome at all', () => {
    expect(problemsWith(a.uploadId, undefined)).toEqual([{ uploadId: a.uploadId, upload: 'p/2019-01.csv', problem: expect.stringMatching(/no outcome/) }]);
  });

  it('reports a second submission, a second review item, a missing report and a wrong status', () => {
    expect(problemsWith(a.uploadId, { submissions: 2 })).toEqual([
      expect.objectContaining({ uploadId: a.uploadId, problem: expect.stringMatching(/2 submission records/) }),
    ]);
    expect(problemsWith(a.uploadId, { reviewItems: 2 })).toEqual([expect.objectContaining({ problem: expect.stringMatching(/2 review items/) })]);
    expect(problemsWith(a.uploadId, { reviewItems: 0 })).toEqual([expect.objectContaining({ problem: expect.stringMatching(/0 review items/) })]);
    expect(problemsWith(a.uploadId, { reportStatus: undefined })).toEqual([expect.objectContaining({ problem: 'no report' })]);
    expect(problemsWith(a.uploadId, { submissionStatus: 'rejected' })).toEqual([
      expect.objectContaining({ problem: expect.stringMatching(/expected pending-review/) }),
    ]);
    expect(problemsWith(r.uploadId, { reportStatus: 'accepted' })).toEqual([
      expect.objectContaining({ uploadId: r.uploadId, problem: expect.stringMatching(/report says accepted, expected rejected/) }),
    ]);
  });

  it('refuses a review item for a rejected upload', () => {
    expect(problemsWith(r.uploadId, { reviewItems: 1 })).toEqual([
      expect.objectContaining({ uploadId: r.uploadId, problem: expect.stringMatching(/review items for a rejected upload/) }),
    ]);
  });

  it('reports outcomes for uploads the bench did not make', () => {
    const m = good();
    m.set('c'.repeat(32), { submissions: 0, reviewItems: 1 });
    expect(checkOutcomes([a, r], m)).toEqual([expect.objectContaining({ uploadId: 'c'.repeat(32), upload: '(unexpected)' })]);
  });
});
