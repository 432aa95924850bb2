import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LedgerHead, LedgerStore } from '../../../core/ledger/append.ts';
import type { LedgerEntry } from '../../../core/ledger/entry.ts';
import { LEDGER_KEYS } from '../resources.ts';
import { isConditionalCheckFailed, port } from './errors.ts';

/**
 * {@link LedgerStore} over the ledger table (pk = projectId, sk = HEAD | ENTRY#<seq> | UPLOAD#<id>),
 * with single-item conditional writes only: the protocol is in core/ledger/append.ts.
 * Entries are stored under the `entry` attribute exactly as hashed.
 */
export function dynamoLedgerStore(ddb: DynamoDBDocumentClient, table: string): LedgerStore {
  const get = async (pk: string, sk: string) =>
    (await port(`GetItem (ledger ${sk.split('#')[0]})`, () => ddb.send(new GetCommand({ TableName: table, Key: { pk, sk }, ConsistentRead: true })))).Item;
  const conditional = async (what: string, call: () => Promise<unknown>): Promise<boolean> => {
    try {
      await call();
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      return port(what, () => Promise.reject(error));
    }
  };
  return {
    async getHead(projectId) {
      const item = await get(projectId, LEDGER_KEYS.head);
      return item
        ? ({ seq: item.seq as number, lastHash: item.lastHash as string, periods: (item.periods ?? []) as LedgerHead['periods'] } satisfies LedgerHead)
        : undefined;
    },
    async getEntry(projectId, seq) {
      return (await get(projectId, LEDGER_KEYS.entry(seq)))?.entry as LedgerEntry | undefined;
    },
    async getUploadMarker(projectId, uploadId) {
      const item = await get(projectId, LEDGER_KEYS.upload(uploadId));
      return item ? { seq: item.seq as number } : undefined;
    },
    putEntryIfAbsent(entry) {
      return conditional('PutItem (ledger entry)', () =>
        ddb.send(
          new PutCommand({
            TableName: table,
            Item: { pk: entry.projectId, sk: LEDGER_KEYS.entry(entry.seq), kind: 'entry', uploadId: entry.uploadId, entry },
            ConditionExpression: 'attribute_not_exists(sk)',
          }),
        ),
      );
    },
    async putUploadMarker(projectId, uploadId, seq) {
      const ok = await conditional('PutItem (ledger upload marker)', () =>
        ddb.send(
          new PutCommand({
            TableName: table,
            Item: { pk: projectId, sk: LEDGER_KEYS.upload(uploadId), kind: 'upload', seq },
            ConditionExpression: 'attribute_not_exists(sk) OR seq = :seq',
            ExpressionAttributeValues: { ':seq': seq },
          }),
        ),
      );
      if (ok) return { seq };
      const existing = await get(projectId, LEDGER_KEYS.upload(uploadId));
      return { seq: (existing?.seq as number | undefined) ?? -1 };
    },
    advanceHead(projectId, expectedSeq, next) {
      return conditional('UpdateItem (ledger head)', () =>
        ddb.send(
          new UpdateCommand({
            TableName: table,
            Key: { pk: projectId, sk: LEDGER_KEYS.head },
            UpdateExpression: 'SET seq = :next, lastHash = :hash, periods = list_append(if_not_exists(periods, :empty), :period), kind = :kind',
            ConditionExpression: expectedSeq === 0 ? 'attribute_not_exists(pk)' : 'seq = :expected',
            ExpressionAttributeValues: {
              ':next': next.seq,
              ':hash': next.lastHash,
              ':empty': [],
              ':period': [{ start: next.period.start, end: next.period.end }],
              ':kind': 'head',
              ...(expectedSeq === 0 ? {} : { ':expected': expectedSeq }),
            },
          }),
        ),
      );
    },
    async listEntries(projectId) {
      const entries: LedgerEntry[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const r = await port('Query (ledger entries)', () =>
          ddb.send(
            new QueryCommand({
              TableName: table,
              KeyConditionExpression: 'pk = :p AND begins_with(sk, :e)',
              ExpressionAttributeValues: { ':p': projectId, ':e': LEDGER_KEYS.entryPrefix },
              ConsistentRead: true,
              ...(start ? { ExclusiveStartKey: start } : {}),
            }),
          ),
        );
        for (const item of r.Items ?? []) entries.push(item.entry as LedgerEntry);
        start = r.LastEvaluatedKey;
      } while (start);
      return entries;
    },
  };
}
