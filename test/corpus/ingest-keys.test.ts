/**
 * Hostile object keys and registrations through the ingest handler (real adapters over a stateful
 * aws-sdk-client-mock world): `..` segments, unicode, 1000-character names, an unknown project and a
 * methodology version in the object metadata that is not the registered one. Each gets a report and
 * no crash (the batch item does not fail), and the raw upload is never rewritten.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { s3EventBody, sqsEvent } from '../handlers/helpers.ts';
import { AwsWorld } from '../faults/aws-world.ts';
import { ingestHandler, P, QUEUE, seed, TABLES, uploadIdFor, VALID } from '../faults/pipeline.ts';

const world = new AwsWorld();
beforeEach(() => world.reset());
afterAll(() => world.restore());

const reportKeys = () => [...world.objects.keys()].filter((k) => k.startsWith('reports/'));
const submissions = () => [...world.table(TABLES.submissions).values()];

async function ingest(key: string) {
  const { handler, logger } = ingestHandler(world);
  const res = await handler(sqsEvent(s3EventBody(key)));
  return { res, logger };
}

describe('hostile object keys through the ingest handler', () => {
  it('uploads/<project>/../x.csv: the file name keeps its dots, the project is the folder; report under reports/<project>/', async () => {
    const key = `uploads/${P}/../x.csv`;
    seed(world, key, VALID);
    const { res } = await ingest(key);
    expect(res.batchItemFailures).toEqual([]);
    const id = uploadIdFor(VALID);
    expect(reportKeys().sort()).toEqual([`reports/${P}/${id}.json`, `reports/${P}/${id}.txt`]);
    expect(submissions()).toMatchObject([{ uploadId: id, projectId: P, status: 'pending-review', file: { key } }]);
    expect(world.objects.get(key)!.body.equals(VALID)).toBe(true);
  });

  it('uploads/../x.csv: ".." as the project folder is an unknown project: a rejection report, no submission, no crash', async () => {
    const key = 'uploads/../x.csv';
    seed(world, key, VALID);
    const { res } = await ingest(key);
    expect(res.batchItemFailures).toEqual([]);
    const id = uploadIdFor(VALID, '..');
    expect(reportKeys().filter((k) => k.endsWith(`${id}.json`))).toHaveLength(1);
    expect(JSON.parse(String(world.objects.get(reportKeys().find((k) => k.endsWith('.json'))!)!.body))).toMatchObject({
      status: 'rejected',
      diagnostics: [{ code: 'project.invalid' }],
    });
    expect(submissions()).toEqual([]);
    expect(world.messages.get(QUEUE)).toBeUndefined();
  });

  it('unicode file names (umlauts, CJK, emoji, NBSP, RTL) are URL-decoded and processed: one accepted submission', async () => {
    const key = `uploads/${P}/Zähler Ü\u00a0電力 🔌 \u202etxt.csv`;
    seed(world, key, VALID);
    const { res } = await ingest(key);
    expect(res.batchItemFailures).toEqual([]);
    expect(submissions()).toMatchObject([{ status: 'pending-review', file: { key } }]);
    expect(world.messages.get(QUEUE)).toHaveLength(1);
  });

  it('a unicode project folder (not a valid project id) → a rejection report naming it', async () => {
    const key = 'uploads/prøject-電力/x.csv';
    seed(world, key, VALID);
    const { res } = await ingest(key);
    expect(res.batchItemFailures).toEqual([]);
    const json = reportKeys().find((k) => k.endsWith('.json'))!;
    expect(String(world.objects.get(json)!.body)).toMatch(/prøject-電力.*is not a project id/);
  });

  it('a 1000-character file name → processed, report under a short key', async () => {
    const key = `uploads/${P}/${'a'.repeat(996)}.csv`;
    seed(world, key, VALID);
    const { res } = await ingest(key);
    expect(res.batchItemFailures).toEqual([]);
    expect(reportKeys()).toHaveLength(2);
    expect(submissions()).toMatchObject([{ status: 'pending-review' }]);
  });

  // Was a bug: the project id was taken from the key unchecked and
  // used in the report key; an unregistered 1000-character folder makes reports/<1000 chars>/<id>.json
  // longer than S3's 1024-byte key limit, PutObject fails (KeyTooLongError), the record fails on every
  // delivery and lands in the DLQ without any report.
  it('a 1000-character project folder (key within S3 limits) → a rejection report, no crash', async () => {
    const key = `uploads/${'p'.repeat(1000)}/x.csv`;
    expect(Buffer.byteLength(key)).toBeLessThanOrEqual(1024);
    seed(world, key, VALID);
    const { res } = await ingest(key);
    expect(res.batchItemFailures).toEqual([]);
    expect(reportKeys().length).toBeGreaterThan(0);
  });

  // Was a bug: these keys got neither a report nor a failed record (issue 16 item 14). Now every key
  // under uploads/ gets a report; a key outside it fails the record (DLQ alarm). test/corpus/ingest-events.test.ts enumerates the shapes.
  it('keys under uploads/ but outside a project folder, and folder markers, get a rejection report; keys outside uploads/ fail the record', async () => {
    for (const key of ['uploads/x.csv', `uploads/${P}/`]) {
      seed(world, key, VALID);
      const { res } = await ingest(key);
      expect(res.batchItemFailures, key).toEqual([]);
    }
    const reports = reportKeys()
      .filter((k) => k.endsWith('.json'))
      .map((k) => JSON.parse(String(world.objects.get(k)!.body)) as { status: string; diagnostics: { message: string }[]; upload: { key: string } });
    expect(reports.map((r) => r.upload.key).sort()).toEqual([`uploads/${P}/`, 'uploads/x.csv']);
    expect(reports.every((r) => r.status === 'rejected')).toBe(true);
    expect(reportKeys().filter((k) => k.startsWith('reports/_invalid-project/'))).toHaveLength(2);
    expect(submissions()).toEqual([]);
    for (const key of ['elsewhere/p/x.json', 'x']) {
      seed(world, key, VALID);
      const { res } = await ingest(key);
      expect(res.batchItemFailures, key).toEqual([{ itemIdentifier: 'm-1' }]);
    }
  });
});

describe('registration problems through the ingest handler', () => {
  it('unknown project → a rejection report (project.invalid) and nothing else', async () => {
    const key = `uploads/${P}/june.csv`;
    world.objects.set(key, { body: VALID, metadata: {}, versionId: 'v1' });
    const { res } = await ingest(key);
    expect(res.batchItemFailures).toEqual([]);
    expect(reportKeys()).toHaveLength(2);
    expect(String(world.objects.get(reportKeys().find((k) => k.endsWith('.txt'))!)!.body)).toMatch(/project\.invalid[\s\S]*is not registered/);
    expect(submissions()).toEqual([]);
    expect(world.messages.size).toBe(0);
  });

  it('object metadata naming another methodology version → project.methodology_mismatch report, rejected submission, nothing queued', async () => {
    const key = `uploads/${P}/june.csv`;
    seed(world, key, VALID, { methodology: 'grid-renewable@1.0.1' });
    const { res } = await ingest(key);
    expect(res.batchItemFailures).toEqual([]);
    const report = JSON.parse(String(world.objects.get(`reports/${P}/${uploadIdFor(VALID)}.json`)!.body));
    expect(report).toMatchObject({
      status: 'rejected',
      stage: 'pre-check',
      diagnostics: [{ code: 'project.methodology_mismatch', actual: '"grid-renewable@1.0.1"', expected: 'grid-renewable@1.0.0' }],
    });
    expect(submissions()).toMatchObject([{ status: 'rejected' }]);
    expect(world.messages.size).toBe(0);
  });

  it('a registered project whose methodology version is not in the registry → project.invalid report, rejected submission', async () => {
    const key = `uploads/${P}/june.csv`;
    seed(world, key, VALID, {});
    world.table(TABLES.projects).set(`${P}\u0000`, { ...world.table(TABLES.projects).get(`${P}\u0000`)!, methodology: 'grid-renewable@9.9.9' });
    const { res } = await ingest(key);
    expect(res.batchItemFailures).toEqual([]);
    expect(String(world.objects.get(`reports/${P}/${uploadIdFor(VALID)}.txt`)!.body)).toMatch(/grid-renewable@9\.9\.9 is not registered/);
    expect(submissions()).toMatchObject([{ status: 'rejected' }]);
  });
});

describe('an XLSX zip bomb through the ingest handler', () => {
  it('is refused from its zip directory (file.too_large): a report, no result, no review item, the raw file kept', async () => {
    const { zipBomb } = await import('./generate-xlsx.ts');
    const bomb = zipBomb();
    const key = `uploads/${P}/bomb.xlsx`;
    seed(world, key, bomb);
    const { res } = await ingest(key);
    expect(res.batchItemFailures).toEqual([]);
    const json = reportKeys().find((k) => k.endsWith('.json'))!;
    expect(String(world.objects.get(json)!.body)).toMatch(/file\.too_large[\s\S]*zip bomb/);
    expect([...world.objects.keys()].some((k) => k.startsWith('results/'))).toBe(false);
    expect(world.messages.size).toBe(0);
    expect(world.objects.get(key)!.body).toEqual(bomb);
  });
});
