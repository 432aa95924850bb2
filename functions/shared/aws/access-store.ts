import { GetCommand, PutCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  PrincipalRecordSchema,
  ProjectAssignmentSchema,
  registersFrom,
  type PrincipalRecord,
  type ProjectAssignment,
  type Registers,
} from '../../../core/access/registers.ts';
import type { FirstApproval } from '../../../core/access/authorize.ts';
import { ACCESS_KEYS } from '../resources.ts';
import { isConditionalCheckFailed, port } from './errors.ts';

/** A first approval as stored: with the message that carried it (a redelivery is not a second approval). */
export interface StoredFirstApproval extends FirstApproval {
  readonly messageId: string;
}

/** The access registers and pending first approvals (the access table). */
export interface AccessRepository {
  /** The registers as far as one decision needs them: the principal's record and the project's assignment. */
  registersFor(principalId: string, projectId: string): Promise<Registers>;
  getFirstApproval(uploadId: string): Promise<StoredFirstApproval | undefined>;
  /** Conditional (`attribute_not_exists`): false when another first approval was recorded first. */
  putFirstApproval(uploadId: string, approval: StoredFirstApproval): Promise<boolean>;
  putPrincipal(record: PrincipalRecord): Promise<void>;
  putAssignment(assignment: ProjectAssignment): Promise<void>;
  getAssignment(projectId: string): Promise<ProjectAssignment | undefined>;
  listPrincipals(): Promise<PrincipalRecord[]>;
}

/**
 * {@link AccessRepository} over the access table. A stored record that no longer parses is treated as
 * absent (deny by default) rather than trusted.
 */
export function dynamoAccess(ddb: DynamoDBDocumentClient, table: string): AccessRepository {
  const get = async (key: { pk: string; sk: string }) =>
    (await port(`GetItem (access ${key.sk})`, () => ddb.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true })))).Item;
  return {
    async registersFor(principalId, projectId) {
      const [p, a] = await Promise.all([get(ACCESS_KEYS.principal(principalId)), get(ACCESS_KEYS.assignment(projectId))]);
      const record = PrincipalRecordSchema.safeParse(p?.record);
      const assignment = ProjectAssignmentSchema.safeParse(a?.assignment);
      return registersFrom(record.success ? [record.data] : [], assignment.success ? [assignment.data] : []);
    },
    async getFirstApproval(uploadId) {
      return (await get(ACCESS_KEYS.firstApproval(uploadId)))?.approval as StoredFirstApproval | undefined;
    },
    async putFirstApproval(uploadId, approval) {
      try {
        await ddb.send(
          new PutCommand({ TableName: table, Item: { ...ACCESS_KEYS.firstApproval(uploadId), approval }, ConditionExpression: 'attribute_not_exists(pk)' }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
        return port('PutItem (first approval)', () => Promise.reject(error));
      }
    },
    async putPrincipal(record) {
      const parsed = PrincipalRecordSchema.parse(record);
      await port('PutItem (principal)', () =>
        ddb.send(new PutCommand({ TableName: table, Item: { ...ACCESS_KEYS.principal(parsed.principal), kind: 'principal', record: parsed } })),
      );
    },
    async putAssignment(assignment) {
      const parsed = ProjectAssignmentSchema.parse(assignment);
      await port('PutItem (assignment)', () =>
        ddb.send(new PutCommand({ TableName: table, Item: { ...ACCESS_KEYS.assignment(parsed.projectId), kind: 'assignment', assignment: parsed } })),
      );
    },
    async getAssignment(projectId) {
      const parsed = ProjectAssignmentSchema.safeParse((await get(ACCESS_KEYS.assignment(projectId)))?.assignment);
      return parsed.success ? parsed.data : undefined;
    },
    async listPrincipals() {
      const out: PrincipalRecord[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const r = await port('Scan (principals)', () =>
          ddb.send(
            new ScanCommand({
              TableName: table,
              FilterExpression: 'kind = :k',
              ExpressionAttributeValues: { ':k': 'principal' },
              ...(start ? { ExclusiveStartKey: start } : {}),
            }),
          ),
        );
        for (const item of r.Items ?? []) {
          const parsed = PrincipalRecordSchema.safeParse(item.record);
          if (parsed.success) out.push(parsed.data);
        }
        start = r.LastEvaluatedKey;
      } while (start);
      return out;
    },
  };
}
