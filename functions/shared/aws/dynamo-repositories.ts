import { GetCommand, PutCommand, QueryCommand, ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ProjectSchema, type Project, type ProjectInput } from '../../../core/project/project.ts';
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
async function collect(ddb: DynamoDBDocumentClient, make: (start?: Record<string, unknown>) => QueryCommand | ScanCommand, what: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const r = await port(what, () => ddb.send(make(start) as QueryCommand));
    items.push(...((r.Items ?? []) as Record<string, unknown>[]));
    start = r.LastEvaluatedKey;
  } while (start);
  return items;
}

export interface ProjectsAdmin extends ProjectsRepository {
  /** Validates with core's ProjectSchema and puts the item (pk = id). Re-registering replaces it. */
  register(project: ProjectInput, at: string): Promise<Project>;
  list(): Promise<unknown[]>;
}

/** The projects table: one item per registered project, pk = projectId. */
export function dynamoProjects(ddb: DynamoDBDocumentClient, table: string): ProjectsAdmin {
  return {
    async get(projectId) {
      const r = await port('GetItem (projects)', () => ddb.send(new GetCommand({ TableName: table, Key: { pk: projectId }, ConsistentRead: true })));
      return strip(r.Item as Record<string, unknown> | undefined);
    },
    async register(input, at) {
      const project = ProjectSchema.parse(input);
      await port('PutItem (projects)', () => ddb.send(new PutCommand({ TableName: table, Item: { ...project, pk: project.id, registeredAt: at } })));
      return project;
    },
    async list() {
      const items = await collect(ddb, (start) => new ScanCommand({ TableName: table, ...(start ? { ExclusiveStartKey: start } : {}) }), 'Scan (projects)');
      return items.map((i) => strip(i));
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
        ddb.send(new UpdateCommand({ TableName: table, Key: { pk: uploadId }, UpdateExpression: 'SET queuedAt = :at', ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeValues: { ':at': at } })),
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
          new UpdateCommand({ TableName: table, Key: { pk: uploadId }, UpdateExpression: `SET ${sets.join(', ')}`, ConditionExpression: 'attribute_exists(pk) AND (#status = :pending OR #status = :status)', ExpressionAttributeNames: names, ExpressionAttributeValues: values }),
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
        (start) => new QueryCommand({ TableName: table, IndexName: SUBMISSIONS_BY_PROJECT_INDEX, KeyConditionExpression: 'projectId = :p', ExpressionAttributeValues: { ':p': projectId }, ...(start ? { ExclusiveStartKey: start } : {}) }),
        'Query (submissions by project)',
      );
      return items.map((i) => strip<Submission>(i)!);
    },
    async listByStatus(status) {
      const items = await collect(
        ddb,
        (start) => new ScanCommand({ TableName: table, FilterExpression: '#status = :s', ExpressionAttributeNames: names, ExpressionAttributeValues: { ':s': status }, ConsistentRead: true, ...(start ? { ExclusiveStartKey: start } : {}) }),
        'Scan (submissions by status)',
      );
      return items.map((i) => strip<Submission>(i)!).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    },
  };
}
