import { GetCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure, type TableDeps } from './dynamo.ts';
import { entryKey, indexEntries } from './filter-keys.ts';
import { syncFilterIndex } from './filter-sync.ts';
import type { RecordItem } from './item.ts';
import { RECORD_SK, TABLE_KEYS } from './table-schema.ts';

/**
 * The filter index backfill: an administrative walk (a paged Scan, never in a request path) that
 * brings every record's index items and facet counters in line with the record, for records
 * written before the index existed and for records whose index sync was cut short with no later
 * event to finish it. Safe beside live writers, and idempotent: a second run finds nothing to do.
 *
 * A record is reindexed when
 * - it is `done` or `failed`, its index is not pending, and the items it lists (`ixk`) are not
 *   exactly the ones it should own now — none at all for a record older than the index (a record
 *   that should own nothing and lists nothing is already right);
 * - or its index is pending (`ixp`) and its writer's lease has run out since the record was last
 *   written: that writer crashed, and a pending tombstone is finished too (its stale items still
 *   count in the facets). A `processing` record is left to its owner, whose next write syncs.
 */

export interface ReindexCounts {
  /** Record items the walk read. */
  scanned: number;
  /** Records whose index this run brought in line. */
  reindexed: number;
}

export interface ReindexOptions {
  /** How long a writer may hold a record: a pending index older than this has no writer left. */
  leaseMs: number;
  now: Date;
  /** Records reindexed at once. @default 4 */
  concurrency?: number;
  /** Stops the walk between records (a stack shutting down); the counts so far are returned. */
  signal?: AbortSignal;
}

type Reason = 'unlisted' | 'pending';

/** The attributes the decision needs (never the text or the summaries). */
const DECISION_ATTRIBUTES = ['id', 'status', 'createdAt', 'updatedAt', 'article', 'entities', 'topics'];
const INDEX_ATTRIBUTES = ['ixk', 'ixp', 'rev'];

const sameKeys = (listed: ReadonlySet<string> | undefined, wanted: ReadonlySet<string>): boolean =>
  (listed?.size ?? 0) === wanted.size && [...wanted].every((k) => listed?.has(k));

/** Why `item` needs reindexing now, or null when its index is right or someone else's work. */
export function reindexReason(item: RecordItem, now: number, leaseMs: number): Reason | null {
  if (item.status === 'processing') return null;
  if (item.ixp) return Date.parse(item.updatedAt) + leaseMs < now ? 'pending' : null;
  if (item.status === 'deleted') return null;
  return sameKeys(item.ixk, new Set(indexEntries(item).map(entryKey))) ? null : 'unlisted';
}

async function eachLimited<T>(items: readonly T[], limit: number, run: (item: T) => Promise<void>) {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await run(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

async function readRecord(table: TableDeps, id: string): Promise<RecordItem | null> {
  const out = await table.client.send(
    new GetCommand({ TableName: table.tableName, Key: { pk: id, sk: RECORD_SK }, ConsistentRead: true }),
  );
  return (out.Item as RecordItem | undefined) ?? null;
}

/**
 * Sets `ixp` on a record that has no index work pending, exactly as a writer does before its own
 * sync (intent first: a crash from here on leaves `ixp`, and any later whole-item write carries
 * the items this state may own). Conditional on the revision read, so a write that came in between
 * wins and its own sync covers the record; the revision moves on, so a slow sync of the older
 * revision can no longer clear the flag. `updatedAt` stays: the record's content did not change.
 */
async function markPending(table: TableDeps, item: RecordItem): Promise<RecordItem | null> {
  try {
    const out = await table.client.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: { pk: item.id, sk: RECORD_SK },
        UpdateExpression: 'SET ixp = :true, #rev = if_not_exists(#rev, :zero) + :one',
        ConditionExpression: `attribute_not_exists(ixp) AND ${
          item.rev === undefined ? 'attribute_not_exists(#rev)' : '#rev = :rev'
        }`,
        ExpressionAttributeNames: { '#rev': 'rev' },
        ExpressionAttributeValues: {
          ':true': true,
          ':zero': 0,
          ':one': 1,
          ...(item.rev === undefined ? {} : { ':rev': item.rev }),
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return out.Attributes as RecordItem;
  } catch (e: unknown) {
    if (isConditionFailure(e)) return null;
    throw e;
  }
}

/** Reindexes one record if it still needs it on a consistent read; true when it did. */
async function reindexRecord(table: TableDeps, id: string, now: number, leaseMs: number): Promise<boolean> {
  const current = await readRecord(table, id);
  const reason = current ? reindexReason(current, now, leaseMs) : null;
  if (!current || !reason) return false;
  const pending = reason === 'pending' ? current : await markPending(table, current);
  if (!pending) return false;
  // Repair: every value the record lists or wants is recounted, so counters a crashed writer left
  // behind come out exact, and recounting a value that was right changes nothing.
  await syncFilterIndex(table, pending, 'repair');
  return true;
}

/** Walks every record item and reindexes the ones that need it (see above). */
export async function reindexRecords(table: TableDeps, options: ReindexOptions): Promise<ReindexCounts> {
  const counts: ReindexCounts = { scanned: 0, reindexed: 0 };
  const now = options.now.getTime();
  const attributes = [...DECISION_ATTRIBUTES, ...INDEX_ATTRIBUTES];
  let start: Record<string, unknown> | undefined;
  do {
    if (options.signal?.aborted) break;
    const page = await table.client.send(
      new ScanCommand({
        TableName: table.tableName,
        FilterExpression: '#sk = :record',
        ProjectionExpression: attributes.map((_, i) => `#a${i}`).join(', '),
        ExpressionAttributeNames: {
          '#sk': TABLE_KEYS.sortKey,
          ...Object.fromEntries(attributes.map((a, i) => [`#a${i}`, a])),
        },
        ExpressionAttributeValues: { ':record': RECORD_SK },
        ExclusiveStartKey: start,
      }),
    );
    const items = (page.Items ?? []) as RecordItem[];
    counts.scanned += items.length;
    // The Scan is not a consistent read: it only picks the candidates, each is read again.
    const candidates = items.filter((item) => reindexReason(item, now, options.leaseMs) !== null);
    await eachLimited(candidates, options.concurrency ?? 4, async (item) => {
      if (options.signal?.aborted) return;
      if (await reindexRecord(table, item.id, now, options.leaseMs)) counts.reindexed += 1;
    });
    start = page.LastEvaluatedKey;
  } while (start);
  return counts;
}
