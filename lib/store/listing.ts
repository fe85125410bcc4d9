import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { SummaryRecord } from '../domain/record.ts';
import type { ListPage, ListQuery } from '../http/reader-port.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import type { TableDeps } from './dynamo.ts';
import { filterSpecOf, hasFilters, matchesQuery } from './filter-match.ts';
import { listFiltered } from './filtered-listing.ts';
import { type RecordItem, toRecord } from './item.ts';
import { PUBLIC_PROJECTION } from './projection.ts';
import { INDEXES } from './table-schema.ts';

/** A month with no record at all this many times in a row ends the newest-first walk. */
const MAX_EMPTY_MONTHS = 24;
/** Queries one list request may spend before it returns a short page with a cursor. */
const MAX_QUERIES_PER_LIST = 30;

type Filter = { expression: string; values: Record<string, unknown>; names: Record<string, string> };

function filterFor(query: ListQuery): Filter {
  const filter: Filter = query.status
    ? { expression: '#st = :st', values: { ':st': query.status }, names: { '#st': 'status' } }
    : { expression: '#st <> :st', values: { ':st': 'deleted' }, names: { '#st': 'status' } };
  if (query.language) {
    // A filter, not an index: the walk stays bounded per request and returns a short page.
    filter.expression += ' AND #article.#language = :language';
    filter.values[':language'] = query.language;
    filter.names['#article'] = 'article';
    filter.names['#language'] = 'language';
  }
  return filter;
}

async function queryPage(table: TableDeps, input: Omit<QueryCommandInput, 'TableName'>) {
  const out = await table.client.send(new QueryCommand({ TableName: table.tableName, ...input }));
  return {
    items: (out.Items ?? []).map((i) => toRecord(i as RecordItem)),
    lastKey: out.LastEvaluatedKey as Record<string, string> | undefined,
    scanned: out.ScannedCount ?? 0,
  };
}

/**
 * One page of records, newest first (or of one S3 key, or matching the filters), behind an
 * encrypted cursor bound to the filters. Each request spends a bounded number of queries and may return a short page.
 */
export async function listRecords(
  table: TableDeps,
  secret: string,
  today: Date,
  query: ListQuery,
  filterWalkBudget?: number,
): Promise<ListPage> {
  const spec = filterSpecOf(query);
  const fingerprint = JSON.stringify([
    query.key ?? null,
    query.status ?? null,
    query.language ?? null,
    ...(hasFilters(spec) ? [spec.values, spec.from, spec.to] : []),
  ]);
  const start = query.cursor ? decodeCursor(secret, fingerprint, query.cursor) : null;
  // An exact key is the most selective lookup there is; otherwise the filter index drives.
  if (!query.key && hasFilters(spec))
    return listFiltered(table, secret, fingerprint, query, spec, start, filterWalkBudget);
  const keep = (records: SummaryRecord[]) =>
    hasFilters(spec) ? records.filter((r) => matchesQuery(r, query, spec)) : records;
  const filter = filterFor(query);
  const items: SummaryRecord[] = [];
  const request = (index: string, partitionAttribute: string, partition: string, lastKey: unknown) => ({
    IndexName: index,
    ProjectionExpression: PUBLIC_PROJECTION.expression,
    FilterExpression: filter.expression,
    ScanIndexForward: false,
    KeyConditionExpression: '#pkey = :pkey',
    ExpressionAttributeNames: { ...PUBLIC_PROJECTION.names, ...filter.names, '#pkey': partitionAttribute },
    ExpressionAttributeValues: { ...filter.values, ':pkey': partition },
    Limit: query.limit - items.length,
    ...(lastKey ? { ExclusiveStartKey: lastKey as Record<string, string> } : {}),
  });

  if (query.key) {
    let lastKey = start?.lastKey ?? undefined;
    for (let q = 0; q < MAX_QUERIES_PER_LIST && items.length < query.limit; q++) {
      const out = await queryPage(table, request(INDEXES.byKey.name, 'sourceKey', query.key, lastKey));
      items.push(...keep(out.items));
      lastKey = out.lastKey;
      if (!lastKey) return { items, nextCursor: null };
    }
    const position = { month: null, lastKey: lastKey ?? null, emptyMonths: 0 };
    return { items, nextCursor: encodeCursor(secret, fingerprint, position) };
  }

  // Newest first: walk month partitions of byCreated backwards from the current month.
  let month = start?.month ?? today.toISOString().slice(0, 7);
  let lastKey = start?.lastKey ?? undefined;
  let emptyMonths = start?.emptyMonths ?? 0;
  // Resuming inside a month proves the month has records.
  let monthSeen = Boolean(lastKey);
  for (let q = 0; q < MAX_QUERIES_PER_LIST && items.length < query.limit; q++) {
    const out = await queryPage(table, request(INDEXES.byCreated.name, 'gsi1pk', `c#${month}`, lastKey));
    items.push(...out.items);
    monthSeen ||= out.scanned > 0;
    lastKey = out.lastKey;
    if (lastKey) continue;
    emptyMonths = monthSeen ? 0 : emptyMonths + 1;
    if (emptyMonths >= MAX_EMPTY_MONTHS) return { items, nextCursor: null };
    month = previousMonth(month);
    monthSeen = false;
  }
  return {
    items,
    nextCursor: encodeCursor(secret, fingerprint, { month, lastKey: lastKey ?? null, emptyMonths }),
  };
}

function previousMonth(month: string): string {
  const year = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7));
  return m === 1 ? `${year - 1}-12` : `${year}-${String(m - 1).padStart(2, '0')}`;
}
