import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { FacetPage, FacetQuery, FacetValue } from '../http/reader-port.ts';
import type { TableDeps } from './dynamo.ts';
import { FACET_SK_PREFIX, facetPartition, foldFilterValue } from './filter-keys.ts';

/** Counter pages one facets request reads (~1 MB each): beyond that the answer says it is not complete. */
const MAX_PAGES = 8;

/**
 * The most frequent values of one kind, read from the facet counters (facet-counts.ts): a Query
 * on the kind's counter partition, narrowed by `begins_with` on a prefix, never a Scan.
 */
export async function readFacets(table: TableDeps, query: FacetQuery): Promise<FacetPage> {
  const prefix = query.prefix ? foldFilterValue(query.prefix) : '';
  const values: FacetValue[] = [];
  let lastKey: Record<string, unknown> | undefined;
  let pages = 0;
  do {
    const out = await table.client.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        FilterExpression: 'n > :zero',
        ProjectionExpression: 'sk, n, nm',
        ExpressionAttributeValues: {
          ':pk': facetPartition(query.kind),
          ':zero': 0,
          ':prefix': `${FACET_SK_PREFIX}${prefix}`,
        },
        ExclusiveStartKey: lastKey,
      }),
    );
    for (const item of out.Items ?? []) {
      const key = String(item.sk).slice(FACET_SK_PREFIX.length);
      values.push({ value: typeof item.nm === 'string' ? item.nm : key, key, count: Number(item.n) });
    }
    lastKey = out.LastEvaluatedKey;
    pages++;
  } while (lastKey && pages < MAX_PAGES);
  values.sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return {
    kind: query.kind,
    prefix: query.prefix ?? null,
    values: values.slice(0, query.limit),
    // Complete only when nothing was left out: neither unread counter pages nor values past `limit`.
    complete: lastKey === undefined && values.length <= query.limit,
  };
}
