/**
 * Issue 16 item 14: every S3 event shape and key class through the ingest handler ends in a report,
 * or in a failed record (retried, then parked in the DLQ whose alarm fires). Nothing is dropped silently.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { classifyUploadKey } from '../../functions/ingest-upload/ingest.ts';
import { s3EventRecord, sqsEvent } from '../handlers/helpers.ts';
import { AwsWorld } from '../faults/aws-world.ts';
import { ingestHandler, P, seed, VALID } from '../faults/pipeline.ts';

const world = new AwsWorld();
beforeEach(() => world.reset());
afterAll(() => world.restore());

const event = (eventName: string, rawKey: string) => JSON.stringify({ Records: [s3EventRecord(rawKey, { eventName })] });
const reportsFor = (key: string) =>
  [...world.objects.entries()].filter(([k, o]) => k.startsWith('reports/') && k.endsWith('.json') && JSON.parse(String(o.body)).upload?.key === key);

describe('S3 event shapes', () => {
  for (const name of ['ObjectCreated:Put', 'ObjectCreated:Post', 'ObjectCreated:Copy', 'ObjectCreated:CompleteMultipartUpload']) {
    it(`${name} → a report`, async () => {
      const key = `uploads/${P}/june.csv`;
      seed(world, key, VALID);
      const { handler } = ingestHandler(world);
      expect((await handler(sqsEvent(event(name, key)))).batchItemFailures).toEqual([]);
      expect(reportsFor(key)).toHaveLength(1);
    });
  }

  for (const name of ['ObjectRemoved:Delete', 'ObjectRemoved:DeleteMarkerCreated', 'ObjectRestore:Completed', 'LifecycleExpiration:Delete']) {
    it(`${name} → not an upload: no report, counted (IngestEventsIgnored), not failed`, async () => {
      const key = `uploads/${P}/june.csv`;
      seed(world, key, VALID);
      const { handler, metrics } = ingestHandler(world);
      expect((await handler(sqsEvent(event(name, key)))).batchItemFailures).toEqual([]);
      expect(reportsFor(key)).toHaveLength(0);
      expect(metrics.counts).toMatchObject({ IngestEventsIgnored: 1 });
    });
  }

  it('an object deleted before it was read → failed record (DLQ alarm), not silently skipped', async () => {
    const { handler } = ingestHandler(world);
    expect((await handler(sqsEvent(event('ObjectCreated:Put', `uploads/${P}/gone.csv`)))).batchItemFailures).toEqual([{ itemIdentifier: 'm-1' }]);
  });

  it('a key that is not valid URL encoding → failed record', async () => {
    const { handler } = ingestHandler(world);
    expect((await handler(sqsEvent(event('ObjectCreated:Put', `uploads/${P}/bad%E0%A4%A.csv`)))).batchItemFailures).toEqual([{ itemIdentifier: 'm-1' }]);
  });
});

describe('key classes', () => {
  it.each([
    ['uploads/p1/june.csv', 'upload'],
    ['uploads/p1/sub/june.csv', 'upload'],
    ['uploads/p1/Z%C3%A4hler+Mai.csv', 'upload'],
    ['uploads/june.csv', 'misplaced'],
    ['uploads/p1/', 'misplaced'],
    ['uploads/p1/sub/', 'misplaced'],
    ['uploads/', 'misplaced'],
    ['reports/p1/x.json', 'unprocessable'],
    ['x.csv', 'unprocessable'],
    ['uploads/p1/%ZZ.csv', 'unprocessable'],
  ])('%s → %s', (key, kind) => {
    expect(classifyUploadKey(key).kind).toBe(kind);
  });

  it('+ and %-escapes decode to the key S3 stores', () => {
    expect(classifyUploadKey('uploads/p1/Z%C3%A4hler+Mai.csv')).toMatchObject({ kind: 'upload', projectId: 'p1', fileName: 'Zähler Mai.csv' });
  });
});
