import { describe, expect, it } from 'vitest';
import type { RecordItem } from '../../../lib/store/item.ts';
import { reindexReason } from '../../../lib/store/reindex.ts';

const WRITTEN = '2025-06-01T00:00:00.000Z';
const LEASE = 60_000;
const AFTER_LEASE = Date.parse(WRITTEN) + LEASE + 1;
const DURING_LEASE = Date.parse(WRITTEN) + LEASE - 1;
const ID = 'rec-1';
/** The items the record below owns, written out by hand: its outlet's created-order item. */
const OWNED = new Set([`ix#o#reuters\nc#${WRITTEN}#${ID}`]);

function record(over: Partial<RecordItem> = {}): RecordItem {
  return {
    pk: ID,
    sk: 'record',
    gsi1pk: 'c#2025-06',
    gsi1sk: `${WRITTEN}#${ID}`,
    sourceKey: 'a.txt',
    id: ID,
    status: 'done',
    source: { bucket: 'articles', key: 'a.txt', versionId: null, etag: null, size: 1, contentType: null },
    article: { title: 't', language: 'en', publishedAt: null, outlet: 'Reuters', wordCount: 1, related: [] },
    entities: [],
    topics: [],
    createdAt: WRITTEN,
    updatedAt: WRITTEN,
    rev: 2,
    ...over,
  };
}

describe('reindexReason', () => {
  it('reindexes a done or failed record that lists none of the items it should own', () => {
    expect(reindexReason(record(), AFTER_LEASE, LEASE)).toBe('unlisted');
    expect(reindexReason(record({ status: 'failed' }), DURING_LEASE, LEASE)).toBe('unlisted');
  });

  it('reindexes a record that lists other items than the ones it should own', () => {
    const other = new Set([`ix#o#bbc\nc#${WRITTEN}#${ID}`]);

    expect(reindexReason(record({ ixk: other }), AFTER_LEASE, LEASE)).toBe('unlisted');
    expect(reindexReason(record({ ixk: new Set([...OWNED, ...other]) }), AFTER_LEASE, LEASE)).toBe(
      'unlisted',
    );
  });

  it('leaves a record alone that lists exactly its items, or owns and lists nothing', () => {
    expect(reindexReason(record({ ixk: new Set(OWNED) }), AFTER_LEASE, LEASE)).toBeNull();
    expect(reindexReason(record({ article: null }), AFTER_LEASE, LEASE)).toBeNull();
  });

  it('finishes a pending index only once its writer lease has run out, tombstones included', () => {
    expect(reindexReason(record({ ixp: true }), DURING_LEASE, LEASE)).toBeNull();
    expect(reindexReason(record({ ixp: true }), AFTER_LEASE, LEASE)).toBe('pending');
    expect(reindexReason(record({ status: 'deleted', ixp: true }), AFTER_LEASE, LEASE)).toBe('pending');
  });

  it('never touches a record being processed, nor a tombstone with nothing pending', () => {
    expect(reindexReason(record({ status: 'processing', ixp: true }), AFTER_LEASE, LEASE)).toBeNull();
    expect(reindexReason(record({ status: 'processing' }), AFTER_LEASE, LEASE)).toBeNull();
    expect(reindexReason(record({ status: 'deleted' }), AFTER_LEASE, LEASE)).toBeNull();
  });
});
