/**
 * Issue 10 item 3: registrations are versioned, never overwritten (the projects repository over the
 * stateful AWS fake, and `mrv project register` / `show --history`); ingest records the version and
 * hash the upload was calculated with.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { dynamoProjects, RegistrationReasonRequired } from '../../functions/shared/aws/dynamo-repositories.ts';
import { registrationHash } from '../../core/project/versions.ts';
import type { ProjectInput } from '../../core/project/project.ts';
import { AwsWorld } from '../faults/aws-world.ts';
import { ingestHandler, P, PROJECT as RAW, seed, TABLES, uploadIdFor, VALID } from '../faults/pipeline.ts';
import { s3EventBody, sqsEvent } from './helpers.ts';

const world = new AwsWorld();
beforeEach(() => world.reset());
afterAll(() => world.restore());
const repo = () => dynamoProjects(world.ddbClient(), TABLES.projects);
const PROJECT = RAW as unknown as ProjectInput;
const changed = { ...PROJECT, pddAnnualEstimate: 12345 };

describe('versioned registrations', () => {
  it('first registration is version 1; the same content again changes nothing; other content needs a reason and becomes version 2', async () => {
    expect(await repo().register(PROJECT, '2024-01-01T00:00:00Z', { by: 'ops-1' })).toMatchObject({
      kind: 'created',
      version: { version: 1, registeredBy: 'ops-1' },
    });
    expect(await repo().register(PROJECT, '2024-01-02T00:00:00Z', { by: 'ops-1' })).toMatchObject({ kind: 'unchanged', version: { version: 1 } });
    await expect(repo().register(changed, '2024-01-03T00:00:00Z', { by: 'ops-2' })).rejects.toBeInstanceOf(RegistrationReasonRequired);
    const v2 = await repo().register(changed, '2024-01-03T00:00:00Z', { by: 'ops-2', reason: 'PDD estimate revised' });
    expect(v2).toMatchObject({
      kind: 'updated',
      version: { version: 2, registeredBy: 'ops-2', reason: 'PDD estimate revised', hash: registrationHash(changed) },
      previous: { version: 1 },
    });
    const history = await repo().history(P);
    expect(history.map((v) => [v.version, v.registration.pddAnnualEstimate, v.registeredBy])).toEqual([
      [1, PROJECT.pddAnnualEstimate, 'ops-1'],
      [2, 12345, 'ops-2'],
    ]);
    expect((await repo().getVersion(P, 1))!.hash).toBe(registrationHash(PROJECT));
    expect(await repo().get(P)).toEqual(changed); // the current registration, without version fields
  });

  it('a project registered before versioning: its content is kept as version 1 when it first changes', async () => {
    seed(world, `uploads/${P}/x.csv`, VALID); // the old layout: { pk, ...project }
    expect((await repo().getCurrent(P))!.pin).toEqual({ version: 1, hash: registrationHash(PROJECT) });
    await repo().register(changed, '2024-01-03T00:00:00Z', { by: 'ops', reason: 'estimate revised' });
    expect((await repo().history(P)).map((v) => v.version)).toEqual([1, 2]);
    expect((await repo().getVersion(P, 1))!.registration).toEqual(PROJECT);
  });

  it('ingest records the registration version and hash, and the hash of the stored result, on the submission', async () => {
    await repo().register(PROJECT, '2024-01-01T00:00:00Z', { by: 'ops' });
    await repo().register(changed, '2024-01-02T00:00:00Z', { by: 'ops', reason: 'estimate revised' });
    const key = `uploads/${P}/june.csv`;
    world.objects.set(key, { body: VALID, metadata: {}, versionId: 'v1' });
    const { handler } = ingestHandler(world);
    expect((await handler(sqsEvent(s3EventBody(key)))).batchItemFailures).toEqual([]);
    const s = world.table(TABLES.submissions).get(`${uploadIdFor(VALID)}\u0000`) as { registration?: unknown; resultSha256?: string; resultKey: string };
    expect(s.registration).toEqual({ version: 2, hash: registrationHash(changed) });
    expect(s.resultSha256).toMatch(/^[0-9a-f]{64}$/);
  });
});
