import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure, type TableDeps } from './dynamo.ts';
import { type FilterKind, facetKey, valuePartition } from './filter-keys.ts';

/**
 * Facet counters: one item per (kind, folded value) holding `n`, the number of records that own
 * the value's `c#` index item. A counter is never incremented or decremented: it is *recounted*
 * (a consistent COUNT query over the value's index items) and written only if no other recount
 * took a ticket in between. Setting an absolute count is idempotent, so a retried or repeated
 * recount can never count a record twice. Every writer changes the index items first and takes
 * its ticket after; the holder of the newest ticket therefore counts every change whose ticket
 * came before, and its write is the one that succeeds — the counter ends exact. A writer that
 * crashes between its change and its recount leaves `ixp` on its record, and the repair recounts.
 */

async function countItems(table: TableDeps, pk: string): Promise<number> {
  let n = 0;
  let lastKey: Record<string, unknown> | undefined;
  do {
    const out = await table.client.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :c)',
        ExpressionAttributeValues: { ':pk': pk, ':c': 'c#' },
        Select: 'COUNT',
        ConsistentRead: true,
        ExclusiveStartKey: lastKey,
      }),
    );
    n += out.Count ?? 0;
    lastKey = out.LastEvaluatedKey;
  } while (lastKey);
  return n;
}

/**
 * Brings the counter of `value` in line with its index items; `name` updates its display spelling.
 * Called after this writer changed the value's items. When the final write finds a newer ticket,
 * the recount that took it began after this writer's change and counts it: nothing to retry.
 */
export async function recount(
  table: TableDeps,
  kind: FilterKind,
  value: string,
  name?: string,
): Promise<void> {
  const Key = facetKey(kind, value);
  const ticket = await table.client.send(
    new UpdateCommand({
      TableName: table.tableName,
      Key,
      UpdateExpression: 'ADD seq :one',
      ExpressionAttributeValues: { ':one': 1 },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  const seq = Number(ticket.Attributes?.seq);
  const n = await countItems(table, valuePartition(kind, value));
  try {
    await table.client.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key,
        UpdateExpression: `SET n = :n, nm = ${name ? ':name' : 'if_not_exists(nm, :value)'}`,
        ConditionExpression: 'seq = :seq',
        ExpressionAttributeValues: {
          ':n': n,
          ':seq': seq,
          ...(name ? { ':name': name } : { ':value': value }),
        },
      }),
    );
  } catch (e: unknown) {
    if (!isConditionFailure(e)) throw e;
  }
}
