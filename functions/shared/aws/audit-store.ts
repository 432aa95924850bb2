import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AuditEvent, AuditStore } from '../../../core/audit/audit.ts';
import { AUDIT_KEYS } from '../resources.ts';
import { isConditionalCheckFailed, port } from './errors.ts';

/** {@link AuditStore} over the audit table (pk = projectId, sk = EVENT#<seq>), written once per key. */
export function dynamoAuditStore(ddb: DynamoDBDocumentClient, table: string): AuditStore {
  const query = (projectId: string, extra: { Limit?: number; ScanIndexForward?: boolean; ExclusiveStartKey?: Record<string, unknown> }) =>
    port('Query (audit)', () =>
      ddb.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :p AND begins_with(sk, :e)',
          ExpressionAttributeValues: { ':p': projectId, ':e': AUDIT_KEYS.eventPrefix },
          ConsistentRead: true,
          ...extra,
        }),
      ),
    );
  return {
    async recent(projectId, limit) {
      return ((await query(projectId, { Limit: limit, ScanIndexForward: false })).Items ?? []).map((i) => i.event as AuditEvent);
    },
    async putIfAbsent(event) {
      try {
        await ddb.send(
          new PutCommand({
            TableName: table,
            Item: { pk: event.projectId, sk: AUDIT_KEYS.event(event.seq), eventId: event.eventId, event },
            ConditionExpression: 'attribute_not_exists(sk)',
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
        return port('PutItem (audit event)', () => Promise.reject(error));
      }
    },
    async list(projectId) {
      const out: AuditEvent[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const r = await query(projectId, start ? { ExclusiveStartKey: start } : {});
        for (const item of r.Items ?? []) out.push(item.event as AuditEvent);
        start = r.LastEvaluatedKey;
      } while (start);
      return out;
    },
  };
}
