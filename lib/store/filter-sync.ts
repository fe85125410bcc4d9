import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure, type TableDeps } from './dynamo.ts';
import { recount } from './facet-counts.ts';
import {
  entryKey,
  type FilterKind,
  type IndexEntry,
  indexEntries,
  parseEntryKey,
  YEARS_KEY,
} from './filter-keys.ts';
import type { RecordItem } from './item.ts';
import { RECORD_SK } from './table-schema.ts';

/**
 * Keeps a record's filter index items and facet counters in step with the record, without
 * transactions (dynalite has none), safe against a crash at any point:
 *
 * 1. The write that changes the record also adds the keys of the items it will own to the
 *    record's `ixk` set and sets `ixp` (index pending) — intent first, so no item is ever
 *    written that the record does not list.
 * 2. Then this sync puts the wanted items, deletes the listed items it no longer wants, recounts
 *    the values whose `c#` item appeared or went (facet-counts.ts), and finally sets `ixk` to
 *    exactly the wanted keys and clears `ixp` — conditional on the record's revision, so a sync
 *    that was overtaken by a newer write never clears a flag that write still needs.
 * 3. A crash leaves `ixp` on the record: the next claim, tombstone or duplicate delivery for it
 *    runs the sync in repair mode (every listed value recounted). Until then a reader may miss
 *    the record under a new value, never return it under a stale one (it checks each item
 *    against the record it fetched).
 *
 * Index items carry the revision `r` that wanted them: a slow sync of an older revision can
 * neither delete an item a newer revision wants nor overwrite its revision.
 */

export type SyncMode = 'changed' | 'repair';

const CONCURRENCY = 8;
const MAX_ROUNDS = 3;

async function eachLimited<T>(items: readonly T[], run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await run(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
}

const KIND_BY_CODE: Readonly<Record<string, FilterKind>> = { o: 'outlet', e: 'entity', t: 'topic' };

/** The facet value a value item's partition counts, or null for date items. */
function facetOf(pk: string): { kind: FilterKind; value: string } | null {
  const kind = KIND_BY_CODE[pk.slice(3, 4)];
  return kind && pk.startsWith('ix#') && pk[4] === '#' ? { kind, value: pk.slice(5) } : null;
}

const revCondition = (rev: number | undefined) =>
  rev === undefined
    ? { ConditionExpression: 'attribute_not_exists(#rev)', ExpressionAttributeNames: { '#rev': 'rev' } }
    : {
        ConditionExpression: '#rev = :rev',
        ExpressionAttributeNames: { '#rev': 'rev' },
        ExpressionAttributeValues: { ':rev': rev },
      };

/** Whether the record has index work to do (a listed item or a pending flag). */
export const needsSync = (item: RecordItem): boolean => Boolean(item.ixp) || (item.ixk?.size ?? 0) > 0;

/** Brings the index in line with `item` (the record as just written or read). */
export async function syncFilterIndex(table: TableDeps, written: RecordItem, mode: SyncMode): Promise<void> {
  let item = written;
  let repair = mode === 'repair';
  const ownPuts = new Set<string>();
  for (let round = 0; round < MAX_ROUNDS; round++) {
    if (!item.ixp) return;
    const rev = item.rev ?? 0;
    const want = indexEntries(item);
    const wantKeys = new Set(want.map(entryKey));
    const changed = new Map<string, { kind: FilterKind; value: string; name?: string }>();
    const touch = (pk: string, name?: string) => {
      const facet = facetOf(pk);
      if (facet) changed.set(pk, { ...facet, ...(name ? { name } : {}) });
    };

    await eachLimited(want, async (e: IndexEntry) => {
      try {
        const out = await table.client.send(
          new PutCommand({
            TableName: table.tableName,
            Item: { pk: e.pk, sk: e.sk, id: item.id, r: rev },
            ConditionExpression: 'attribute_not_exists(pk) OR r <= :rev',
            ExpressionAttributeValues: { ':rev': rev },
            ReturnValues: 'ALL_OLD',
          }),
        );
        ownPuts.add(entryKey(e));
        if (e.sk.startsWith('c#') && (!out.Attributes || repair)) touch(e.pk, e.name);
      } catch (err: unknown) {
        // A newer revision owns this item now: its own sync counts it.
        if (!isConditionFailure(err)) throw err;
      }
    });
    const years = new Set(want.filter((e) => e.kind === 'date').map((e) => e.value));
    if (years.size > 0) {
      await table.client.send(
        new UpdateCommand({
          TableName: table.tableName,
          Key: YEARS_KEY,
          UpdateExpression: 'ADD y :years',
          ExpressionAttributeValues: { ':years': years },
        }),
      );
    }

    const stale = [...new Set([...(item.ixk ?? []), ...ownPuts])].filter((k) => !wantKeys.has(k));
    await eachLimited(stale, async (key) => {
      const { pk, sk } = parseEntryKey(key);
      try {
        const out = await table.client.send(
          new DeleteCommand({
            TableName: table.tableName,
            Key: { pk, sk },
            ConditionExpression: 'attribute_not_exists(pk) OR r <= :rev',
            ExpressionAttributeValues: { ':rev': rev },
            ReturnValues: 'ALL_OLD',
          }),
        );
        if (sk.startsWith('c#') && (out.Attributes || repair)) touch(pk);
      } catch (err: unknown) {
        if (!isConditionFailure(err)) throw err;
      }
    });

    await eachLimited([...changed.values()], (c) => recount(table, c.kind, c.value, c.name));

    try {
      await table.client.send(
        new UpdateCommand({
          TableName: table.tableName,
          Key: { pk: item.id, sk: RECORD_SK },
          UpdateExpression: wantKeys.size > 0 ? 'SET ixk = :keys REMOVE ixp' : 'REMOVE ixk, ixp',
          ...mergeValues(revCondition(item.rev), wantKeys.size > 0 ? { ':keys': wantKeys } : {}),
        }),
      );
      return;
    } catch (err: unknown) {
      if (!isConditionFailure(err)) throw err;
    }
    // Overtaken by a newer write: list what this sync put (so nothing is left unlisted), then sync
    // against the record as it is now.
    const fresh = await table.client.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: { pk: item.id, sk: RECORD_SK },
        UpdateExpression: `${ownPuts.size > 0 ? 'ADD ixk :own ' : ''}SET ixp = :true, #rev = if_not_exists(#rev, :zero) + :one`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#rev': 'rev' },
        ExpressionAttributeValues: {
          ':true': true,
          ':zero': 0,
          ':one': 1,
          ...(ownPuts.size > 0 ? { ':own': ownPuts } : {}),
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    item = fresh.Attributes as RecordItem;
    repair = false;
  }
}

function mergeValues(
  condition: ReturnType<typeof revCondition>,
  values: Record<string, unknown>,
): Record<string, unknown> {
  const merged = {
    ...('ExpressionAttributeValues' in condition ? condition.ExpressionAttributeValues : {}),
    ...values,
  };
  return Object.keys(merged).length > 0 ? { ...condition, ExpressionAttributeValues: merged } : condition;
}

/**
 * The index state a whole-item write (claim, tombstone) carries over from the item it replaces:
 * everything listed, plus — when that item's own sync never finished — every item it may have
 * put, so the next sync deletes what the new state no longer wants.
 */
export function carriedIndexState(current: RecordItem | null): Pick<RecordItem, 'ixk' | 'ixp'> {
  if (!current || !needsSync(current)) return {};
  const keys = new Set(current.ixk ?? []);
  if (current.ixp) for (const e of indexEntries(current)) keys.add(entryKey(e));
  return keys.size > 0 ? { ixk: keys, ixp: true } : { ixp: true };
}
