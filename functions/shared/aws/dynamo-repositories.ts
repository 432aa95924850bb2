import { GetCommand, PutCommand, QueryCommand, ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConfigError } from '../../../core/errors.ts';
import { ProjectSchema, type Project, type ProjectInput } from '../../../core/project/project.ts';
import { registrationHash, type RegistrationVersion } from '../../../core/project/versions.ts';
import type { Submission } from '../../../core/review/submission.ts';
import type { ProjectsRepository, SubmissionsRepository } from '../ports.ts';
import { SUBMISSIONS_BY_PROJECT_INDEX } from '../resources.ts';
import { isConditionalCheckFailed, port } from './errors.ts';

const strip = <T>(item: Record<string, unknown> | undefined): T | undefined => {
  if (!item) return undefined;
  const { pk: _pk, ...rest } = item;
  return rest as T;
};

/** All pages of a Query or Scan. */
async function collect(
  ddb: DynamoDBDocumentClient,
  make: (start?: Record<string, unknown>) => QueryCommand | ScanCommand,
  what: string,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const r = await port(what, () => ddb.send(make(start) as QueryCommand));
    items.push(...((r.Items ?? []) as Record<string, unknown>[]));
    start = r.LastEvaluatedKey;
  } while (start);
  return items;
}

/** Attributes of the current-registration item that are not part of the registration itself. */
const PROJECT_META = ['pk', 'registeredAt', 'registeredBy', 'registrationVersion', 'registrationHash', 'registrationReason', 'kind'] as const;

/** The registration content of a current item (old items: `{...project, pk, registeredAt}`; new ones add the version fields). */
const contentOf = (item: Record<string, unknown>): Record<string, unknown> => {
  const rest = { ...item };
  for (const k of PROJECT_META) delete rest[k];
  return rest;
};

/** Sort-free key of one stored version: `<projectId>#v<10 digits>` (`#` never occurs in a project id). */
export const registrationVersionKey = (projectId: string, version: number) => `${projectId}#v${String(version).padStart(10, '0')}`;

/** A registration of an existing project with different content, without a reason: refused (exit 2 in the CLI). */
export class RegistrationReasonRequired extends ConfigError {
  override name = 'RegistrationReasonRequired';
}

export type RegisterOutcome =
  /** The first registration of the project (version 1). */
  | { readonly kind: 'created'; readonly version: RegistrationVersion }
  /** Different content: version n+1. */
  | { readonly kind: 'updated'; readonly version: RegistrationVersion; readonly previous: RegistrationVersion }
  /** The same content as the current version: nothing written. */
  | { readonly kind: 'unchanged'; readonly version: RegistrationVersion };

export interface ProjectsAdmin extends ProjectsRepository {
  /**
   * Validates with core's ProjectSchema and registers it: version 1, or version n+1 when the content
   * differs from the current version (then `reason` is required); the same content again is a no-op.
   * Versions are never overwritten (conditional puts).
   */
  register(project: ProjectInput, at: string, who?: { readonly by?: string; readonly reason?: string }): Promise<RegisterOutcome>;
  list(): Promise<unknown[]>;
  getCurrent(projectId: string): Promise<{ readonly registration: unknown; readonly pin: { readonly version: number; readonly hash: string } } | undefined>;
  getVersion(projectId: string, version: number): Promise<RegistrationVersion | undefined>;
  /** Every version of a project, oldest first (a project registered before versioning has its current content as version 1). */
  history(projectId: string): Promise<RegistrationVersion[]>;
}

/**
 * The projects table (pk only): the current registration under pk = projectId (what the ingest
 * function reads, with `registrationVersion` and `registrationHash`), and every version under
 * pk = {@link registrationVersionKey} (immutable, put with `attribute_not_exists(pk)`).
 *
 * Register protocol: put version n+1 (if absent; if present with the same hash, a crashed attempt
 * is completed), then move the current item from version n to n+1 on condition
 * `registrationVersion = n`. A crash between the two leaves version n+1 stored and the current item
 * at n: the next register of the same content completes it; another content is refused until then
 * (the stored version n+1 is not what it was asked to register), which is the safe side.
 */
export function dynamoProjects(ddb: DynamoDBDocumentClient, table: string): ProjectsAdmin {
  const getItem = async (pk: string) =>
    (await port('GetItem (projects)', () => ddb.send(new GetCommand({ TableName: table, Key: { pk }, ConsistentRead: true })))).Item as
      | Record<string, unknown>
      | undefined;
  const putIfAbsent = async (
    item: Record<string, unknown>,
    what: string,
    condition = 'attribute_not_exists(pk)',
    values?: Record<string, unknown>,
  ): Promise<boolean> => {
    try {
      await ddb.send(
        new PutCommand({ TableName: table, Item: item, ConditionExpression: condition, ...(values ? { ExpressionAttributeValues: values } : {}) }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      return port(what, () => Promise.reject(error));
    }
  };
  const versionOfItem = (projectId: string, item: Record<string, unknown>): RegistrationVersion => ({
    projectId,
    version: item.version as number,
    hash: item.hash as string,
    registration: item.registration as Project,
    registeredAt: item.registeredAt as string,
    registeredBy: item.registeredBy as string,
    ...(typeof item.reason === 'string' ? { reason: item.reason } : {}),
  });
  /** The current item as a version (an item from before versioning is version 1, by whoever registered it). */
  const currentVersion = (projectId: string, item: Record<string, unknown>): RegistrationVersion => {
    const registration = contentOf(item) as unknown as Project;
    return {
      projectId,
      version: typeof item.registrationVersion === 'number' ? item.registrationVersion : 1,
      hash: registrationHash(registration),
      registration,
      registeredAt: typeof item.registeredAt === 'string' ? item.registeredAt : '(unknown)',
      registeredBy: typeof item.registeredBy === 'string' ? item.registeredBy : '(not recorded: registered before versioning)',
      ...(typeof item.registrationReason === 'string' ? { reason: item.registrationReason } : {}),
    };
  };
  const storeVersion = async (v: RegistrationVersion): Promise<void> => {
    const item = {
      pk: registrationVersionKey(v.projectId, v.version),
      kind: 'registration-version',
      projectId: v.projectId,
      version: v.version,
      hash: v.hash,
      registration: v.registration,
      registeredAt: v.registeredAt,
      registeredBy: v.registeredBy,
      ...(v.reason ? { reason: v.reason } : {}),
    };
    if (await putIfAbsent(item, 'PutItem (projects, version)')) return;
    const existing = await getItem(item.pk);
    if (existing?.hash !== v.hash)
      throw new ConfigError(
        `Project ${v.projectId}: version ${v.version} was registered concurrently with other content; run mrv project show ${v.projectId} --history and register again.`,
      );
  };
  const getVersion = async (projectId: string, version: number): Promise<RegistrationVersion | undefined> => {
    const item = await getItem(registrationVersionKey(projectId, version));
    if (item) return versionOfItem(projectId, item);
    // A project registered before versioning: its current item is version 1 until it changes.
    if (version !== 1) return undefined;
    const current = await getItem(projectId);
    return current && typeof current.registrationVersion !== 'number' ? currentVersion(projectId, current) : undefined;
  };
  return {
    async get(projectId) {
      const item = await getItem(projectId);
      return item ? contentOf(item) : undefined;
    },
    async getCurrent(projectId) {
      const item = await getItem(projectId);
      if (!item) return undefined;
      const v = currentVersion(projectId, item);
      return { registration: v.registration, pin: { version: v.version, hash: v.hash } };
    },
    getVersion,
    async register(input, at, who = {}) {
      const project = ProjectSchema.parse(input);
      const hash = registrationHash(project);
      const by = who.by?.trim() || '(not named)';
      const item = await getItem(project.id);
      if (!item) {
        const version: RegistrationVersion = {
          projectId: project.id,
          version: 1,
          hash,
          registration: project,
          registeredAt: at,
          registeredBy: by,
          ...(who.reason ? { reason: who.reason } : {}),
        };
        await storeVersion(version);
        if (
          !(await putIfAbsent(
            {
              ...project,
              pk: project.id,
              registeredAt: at,
              registeredBy: by,
              registrationVersion: 1,
              registrationHash: hash,
              ...(who.reason ? { registrationReason: who.reason } : {}),
            },
            'PutItem (projects)',
          ))
        )
          throw new ConfigError(`Project ${project.id} was registered concurrently; run mrv project show ${project.id} --history and register again.`);
        return { kind: 'created', version };
      }
      const previous = currentVersion(project.id, item);
      if (previous.hash === hash) return { kind: 'unchanged', version: previous };
      if (!who.reason?.trim())
        throw new RegistrationReasonRequired(
          `Project ${project.id} is registered (version ${previous.version}) with other content: a new version needs a reason (--reason "…"); nothing changed.`,
        );
      const legacy = typeof item.registrationVersion !== 'number';
      if (legacy) await storeVersion(previous); // keep the pre-versioning content as version 1
      const version: RegistrationVersion = {
        projectId: project.id,
        version: previous.version + 1,
        hash,
        registration: project,
        registeredAt: at,
        registeredBy: by,
        reason: who.reason.trim(),
      };
      await storeVersion(version);
      const moved = await putIfAbsent(
        {
          ...project,
          pk: project.id,
          registeredAt: at,
          registeredBy: by,
          registrationVersion: version.version,
          registrationHash: hash,
          registrationReason: version.reason,
        },
        'PutItem (projects)',
        legacy ? 'attribute_exists(pk) AND attribute_not_exists(registrationVersion)' : 'registrationVersion = :prev',
        legacy ? undefined : { ':prev': previous.version },
      );
      if (!moved)
        throw new ConfigError(
          `Project ${project.id} changed while registering version ${version.version}; run mrv project show ${project.id} --history and register again.`,
        );
      return { kind: 'updated', version, previous };
    },
    async list() {
      const items = await collect(ddb, (start) => new ScanCommand({ TableName: table, ...(start ? { ExclusiveStartKey: start } : {}) }), 'Scan (projects)');
      return items.filter((i) => !String(i.pk).includes('#')).map((i) => contentOf(i));
    },
    async history(projectId) {
      const current = await getItem(projectId);
      if (!current) return [];
      const last = typeof current.registrationVersion === 'number' ? current.registrationVersion : 1;
      const versions: RegistrationVersion[] = [];
      for (let n = 1; n <= last; n++) {
        const v = await getVersion(projectId, n);
        if (v) versions.push(v);
      }
      return versions;
    },
  };
}

export interface SubmissionsAdmin extends SubmissionsRepository {
  listByProject(projectId: string): Promise<Submission[]>;
  listByStatus(status: Submission['status']): Promise<Submission[]>;
}

/** The submissions table: pk = uploadId; GSI byProject (projectId, createdAt). */
export function dynamoSubmissions(ddb: DynamoDBDocumentClient, table: string): SubmissionsAdmin {
  const names = { '#status': 'status' };
  return {
    async get(uploadId) {
      const r = await port('GetItem (submissions)', () => ddb.send(new GetCommand({ TableName: table, Key: { pk: uploadId }, ConsistentRead: true })));
      return strip<Submission>(r.Item as Record<string, unknown> | undefined);
    },
    async create(submission) {
      try {
        await ddb.send(new PutCommand({ TableName: table, Item: { ...submission, pk: submission.uploadId }, ConditionExpression: 'attribute_not_exists(pk)' }));
        return true;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
        return port('PutItem (submissions)', () => Promise.reject(error));
      }
    },
    async markQueued(uploadId, at) {
      await port('UpdateItem (submissions, queued)', () =>
        ddb.send(
          new UpdateCommand({
            TableName: table,
            Key: { pk: uploadId },
            UpdateExpression: 'SET queuedAt = :at',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':at': at },
          }),
        ),
      );
    },
    async claimDecision(uploadId, decision, at) {
      try {
        await ddb.send(
          new UpdateCommand({
            TableName: table,
            Key: { pk: uploadId },
            UpdateExpression: 'SET #decision = :d, updatedAt = :at',
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#decision) AND #status = :pending',
            ExpressionAttributeNames: { ...names, '#decision': 'decision' },
            ExpressionAttributeValues: { ':d': decision, ':at': at, ':pending': 'pending-review' },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
        return port('UpdateItem (submissions, decision)', () => Promise.reject(error));
      }
    },
    async finalise(uploadId, update) {
      const sets = ['#status = :status', 'updatedAt = :at'];
      const values: Record<string, unknown> = { ':status': update.status, ':at': update.at, ':pending': 'pending-review' };
      if (update.ledger) {
        sets.push('ledger = :ledger');
        values[':ledger'] = update.ledger;
      }
      if (update.statusReason) {
        sets.push('statusReason = :reason');
        values[':reason'] = update.statusReason;
      }
      try {
        await ddb.send(
          new UpdateCommand({
            TableName: table,
            Key: { pk: uploadId },
            UpdateExpression: `SET ${sets.join(', ')}`,
            ConditionExpression: 'attribute_exists(pk) AND (#status = :pending OR #status = :status)',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
        return port('UpdateItem (submissions, status)', () => Promise.reject(error));
      }
    },
    async listByProject(projectId) {
      const items = await collect(
        ddb,
        (start) =>
          new QueryCommand({
            TableName: table,
            IndexName: SUBMISSIONS_BY_PROJECT_INDEX,
            KeyConditionExpression: 'projectId = :p',
            ExpressionAttributeValues: { ':p': projectId },
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        'Query (submissions by project)',
      );
      return items.map((i) => strip<Submission>(i)!);
    },
    async listByStatus(status) {
      const items = await collect(
        ddb,
        (start) =>
          new ScanCommand({
            TableName: table,
            FilterExpression: '#status = :s',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: { ':s': status },
            ConsistentRead: true,
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        'Scan (submissions by status)',
      );
      return items.map((i) => strip<Submission>(i)!).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    },
  };
}
