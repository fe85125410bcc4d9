import { BatchGetCommand, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { SummaryRecord } from '../domain/record.ts';
import type { ListPage, ListQuery } from '../http/reader-port.ts';
import { type CursorPosition, encodeCursor } from './cursor.ts';
import type { TableDeps } from './dynamo.ts';
import { InvalidCursorError } from './errors.ts';
import {
  datePartition,
  entryKey,
  type FilterKind,
  facetKey,
  indexEntries,
  valuePartition,
  YEARS_KEY,
} from './filter-keys.ts';
import { type FilterSpec, isDated, matchesQuery } from './filter-match.ts';
import { type RecordItem, toRecord } from './item.ts';
import { PUBLIC_PROJECTION } from './projection.ts';
import { RECORD_SK } from './table-schema.ts';

/** Index items one request may walk before it returns a short page with a cursor. */
const MAX_ITEMS_WALKED = 400;
/** Queries one request may spend (a date walk crosses one partition per year). */
const MAX_QUERIES = 25;
const BATCH_GET_MAX = 100;

type Key = Record<string, string>;
interface IndexItem {
  pk: string;
  sk: string;
  id: string;
}

/**
 * The value filter whose counter is smallest drives the walk; the others (and the dates, status,
 * language) are checked against each fetched record. Without a value filter the date index drives.
 */
async function chooseDriver(table: TableDeps, spec: FilterSpec): Promise<string> {
  const kinds = Object.keys(spec.values) as FilterKind[];
  if (kinds.length === 0) return 'date';
  if (kinds.length === 1) return kinds[0] as FilterKind;
  const counts = await Promise.all(
    kinds.map(async (kind) => {
      const out = await table.client.send(
        new GetCommand({
          TableName: table.tableName,
          Key: facetKey(kind, spec.values[kind] as string),
          ProjectionExpression: 'n',
        }),
      );
      return { kind, n: Number(out.Item?.n ?? 0) };
    }),
  );
  counts.sort((a, b) => a.n - b.n);
  return counts[0]?.kind as FilterKind;
}

/** The years with dated records inside the range, newest first. */
async function yearsInRange(table: TableDeps, spec: FilterSpec): Promise<string[]> {
  const out = await table.client.send(
    new GetCommand({ TableName: table.tableName, Key: YEARS_KEY, ConsistentRead: true }),
  );
  const years = [...((out.Item?.y as Set<string> | undefined) ?? [])];
  const low = spec.from?.slice(0, 4) ?? '0000';
  const high = spec.to?.slice(0, 4) ?? '9999';
  return years.filter((y) => y >= low && y <= high).sort((a, b) => b.localeCompare(a));
}

/** Fetches the records behind index items (consistently: the check below must see the latest write). */
async function fetchRecords(table: TableDeps, ids: string[]): Promise<Map<string, SummaryRecord>> {
  const found = new Map<string, SummaryRecord>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += BATCH_GET_MAX) {
    let keys: Key[] | undefined = unique.slice(i, i + BATCH_GET_MAX).map((id) => ({ pk: id, sk: RECORD_SK }));
    for (let round = 0; keys && keys.length > 0 && round < 8; round++) {
      const out = await table.client.send(
        new BatchGetCommand({
          RequestItems: {
            [table.tableName]: {
              Keys: keys,
              ConsistentRead: true,
              ProjectionExpression: PUBLIC_PROJECTION.expression,
              ExpressionAttributeNames: PUBLIC_PROJECTION.names,
            },
          },
        }),
      );
      for (const item of out.Responses?.[table.tableName] ?? []) {
        const record = toRecord(item as RecordItem);
        found.set(record.id, record);
      }
      keys = out.UnprocessedKeys?.[table.tableName]?.Keys as Key[] | undefined;
    }
    if (keys && keys.length > 0) throw new Error('DynamoDB left record reads unprocessed');
  }
  return found;
}

/**
 * One page of records matching the filters, walked from index items (never a Scan). Each item is
 * checked against the record it points at: an item the record no longer owns (reprocessed,
 * tombstoned, a sync still pending) is skipped, so a stale item never returns a wrong record.
 */
export async function listFiltered(
  table: TableDeps,
  secret: string,
  fingerprint: string,
  query: ListQuery,
  spec: FilterSpec,
  start: CursorPosition | null,
  walkBudget = MAX_ITEMS_WALKED,
): Promise<ListPage> {
  const driver = start?.driver ?? (await chooseDriver(table, spec));
  const dated = isDated(spec);
  let partitions: string[];
  if (driver === 'date') {
    const years = await yearsInRange(table, spec);
    partitions = (start?.year ? years.filter((y) => y <= (start.year as string)) : years).map(datePartition);
  } else {
    const value = spec.values[driver as FilterKind];
    if (value === undefined) throw new InvalidCursorError();
    partitions = [valuePartition(driver as FilterKind, value)];
  }
  const range = dated
    ? {
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lo AND :hi',
        values: { ':lo': `p#${spec.from ?? '0000-00-00'}`, ':hi': `p#${spec.to ?? '9999-12-31'}#\uffff` },
      }
    : { KeyConditionExpression: 'pk = :pk AND begins_with(sk, :c)', values: { ':c': 'c#' } };

  const items: SummaryRecord[] = [];
  let lastKey: Key | undefined = start?.lastKey ?? undefined;
  let walked = 0;
  let queries = 0;
  while (partitions.length > 0) {
    const pk = partitions[0] as string;
    if (items.length >= query.limit || walked >= walkBudget || queries >= MAX_QUERIES) {
      const year = driver === 'date' ? pk.slice(-4) : null;
      const position = { month: null, lastKey: lastKey ?? null, emptyMonths: 0, driver, year };
      return { items, nextCursor: encodeCursor(secret, fingerprint, position) };
    }
    queries++;
    const out = await table.client.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: range.KeyConditionExpression,
        ExpressionAttributeValues: { ':pk': pk, ...range.values },
        ScanIndexForward: false,
        Limit: Math.min(query.limit - items.length, walkBudget - walked),
        ...(lastKey ? { ExclusiveStartKey: lastKey } : {}),
      }),
    );
    const found = (out.Items ?? []) as IndexItem[];
    walked += found.length;
    const records = await fetchRecords(
      table,
      found.map((f) => f.id),
    );
    for (const entry of found) {
      const record = records.get(entry.id);
      if (!record || !matchesQuery(record, query, spec)) continue;
      if (!indexEntries(record).some((e) => entryKey(e) === entryKey(entry))) continue;
      items.push(record);
    }
    lastKey = out.LastEvaluatedKey as Key | undefined;
    if (!lastKey) partitions = partitions.slice(1);
  }
  return { items, nextCursor: null };
}
