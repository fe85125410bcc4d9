import { createRequire } from 'node:module';

/**
 * dynalite writes a secondary-index entry and its base item as separate LevelDB writes, so a
 * process killed between them (SIGKILL, power loss) leaves an index that disagrees with the table:
 * a listing shows a record twice, or in a state it never had, for good. DynamoDB keeps its indexes
 * in step with the table, so before dynalite opens the folder the local stack rebuilds every index
 * entry from the base items it holds, writing only the differences, in one atomic batch.
 */

/** The slice of LevelDB (the `level` package dynalite itself uses) this module needs. */
interface LevelDatabase {
  open(): Promise<void>;
  close(): Promise<void>;
  get(key: string): Promise<unknown>;
  iterator(range: { gte: string; lt: string }): AsyncIterable<[string, unknown]>;
  batch(ops: ({ type: 'put'; key: string; value: unknown } | { type: 'del'; key: string })[]): Promise<void>;
}
type LevelConstructor = new (path: string, options: { valueEncoding: string }) => LevelDatabase;

interface IndexAction {
  index: string;
  key: string;
  item: unknown;
}
interface DynaliteDb {
  getIndexActions(
    indexes: unknown[],
    existingItem: unknown,
    item: unknown,
    table: unknown,
  ): { puts: IndexAction[]; deletes: IndexAction[] };
}

const fromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
const Level = (fromDynalite('level') as { Level: LevelConstructor }).Level;
const dynaliteDb = fromDynalite('./db/index.js') as DynaliteDb;

/** The highest code point: every key of a prefix sorts below `prefix + END`. */
const END = '\uffff';
const INDEX_TYPES = ['Local', 'Global'] as const;

/** Rebuilds the secondary indexes of `tableName` in `directory`; returns how many entries changed. */
export async function repairIndexes(directory: string, tableName: string): Promise<number> {
  const db = new Level(directory, { valueEncoding: 'json' });
  await db.open();
  try {
    const table = (await db.get(`table~${tableName}`)) as Record<string, unknown> | undefined;
    if (!table) return 0;

    const expected = new Map<string, unknown>();
    const itemPrefix = `item-${tableName}~`;
    for await (const [, item] of db.iterator({ gte: itemPrefix, lt: itemPrefix + END })) {
      for (const type of INDEX_TYPES) {
        const indexes = (table[`${type}SecondaryIndexes`] as unknown[] | undefined) ?? [];
        for (const put of dynaliteDb.getIndexActions(indexes, null, item, table).puts) {
          expected.set(`${indexPrefix(type, tableName, put.index)}${put.key}`, put.item);
        }
      }
    }

    const ops: Parameters<LevelDatabase['batch']>[0] = [];
    for (const type of INDEX_TYPES) {
      const indexes = (table[`${type}SecondaryIndexes`] as { IndexName: string }[] | undefined) ?? [];
      for (const { IndexName } of indexes) {
        const prefix = indexPrefix(type, tableName, IndexName);
        for await (const [key, value] of db.iterator({ gte: prefix, lt: prefix + END })) {
          const want = expected.get(key);
          if (want === undefined) ops.push({ type: 'del', key });
          else if (JSON.stringify(want) !== JSON.stringify(value))
            ops.push({ type: 'put', key, value: want });
          expected.delete(key);
        }
      }
    }
    for (const [key, value] of expected) ops.push({ type: 'put', key, value });
    if (ops.length > 0) await db.batch(ops);
    return ops.length;
  } finally {
    await db.close();
  }
}

const indexPrefix = (type: (typeof INDEX_TYPES)[number], tableName: string, indexName: string) =>
  `index-${type.toLowerCase()}~${tableName}~${indexName}~`;
