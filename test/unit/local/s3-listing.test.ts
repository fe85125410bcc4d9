import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeyIndex, type ObjectMeta } from '../../../infra/local/s3/key-index.ts';
import { continuationToken, fromContinuationToken, listPage } from '../../../infra/local/s3/listing.ts';

const meta = (key: string): ObjectMeta => ({
  key,
  size: 0,
  etag: 'd41d8cd98f00b204e9800998ecf8427e',
  lastModified: '2026-01-01T00:00:00.000Z',
  headers: {},
  metadata: {},
  data: 'unused',
});

const utf8Order = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** What S3 returns across all pages: keys under the prefix and their rolled-up common prefixes, in order. */
function model(keys: string[], prefix: string, delimiter: string): string[] {
  const out: string[] = [];
  for (const key of [...new Set(keys)].sort(utf8Order)) {
    if (!key.startsWith(prefix)) continue;
    const cut = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
    const item = cut < 0 ? key : key.slice(0, cut + delimiter.length);
    if (out.at(-1) !== item) out.push(item);
  }
  return out;
}

/** Walks every page the way a v2 client does, following the opaque continuation token. */
function allPages(index: KeyIndex, prefix: string, delimiter: string, maxKeys: number): string[] {
  const seen: string[] = [];
  let after: string | undefined;
  for (let pages = 0; pages < 10_000; pages++) {
    const page = listPage(index, { prefix, delimiter, maxKeys, after });
    const items = [...page.contents.map((m) => m.key), ...page.commonPrefixes].sort(utf8Order);
    expect(items.length).toBeLessThanOrEqual(maxKeys);
    seen.push(...items);
    if (!page.isTruncated) return seen;
    after = fromContinuationToken(continuationToken(page.last ?? ''));
  }
  throw new Error('listing never ended');
}

const alphabet = fc.constantFrom('a', 'b', '/', '-', 'ع', '\uFF21', '😀', ' ');
const key = fc.string({ unit: alphabet, minLength: 1, maxLength: 6 });

describe('local S3 listing pages', () => {
  it('return exactly what one unpaged listing would, in UTF-8 order, for any keys, prefix, delimiter and page size', () => {
    fc.assert(
      fc.property(
        fc.array(key, { maxLength: 60 }),
        fc.string({ unit: alphabet, maxLength: 2 }),
        fc.constantFrom('', '/', '-', 'ع'),
        fc.integer({ min: 1, max: 9 }),
        (keys, prefix, delimiter, maxKeys) => {
          const index = new KeyIndex();
          for (const k of keys) index.set(meta(k));

          expect(allPages(index, prefix, delimiter, maxKeys)).toEqual(model(keys, prefix, delimiter));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('lists a key equal to the prefix and the keys after it, one a page, when the prefix ends in the delimiter', () => {
    const index = new KeyIndex();
    for (const k of ['-', '-a', '-b-c']) index.set(meta(k));

    expect(allPages(index, '-', '-', 1)).toEqual(['-', '-a', '-b-']);
  });

  it('keeps the index sorted through deletes', () => {
    fc.assert(
      fc.property(fc.array(key, { maxLength: 40 }), fc.array(key, { maxLength: 20 }), (keys, removed) => {
        const index = new KeyIndex();
        for (const k of keys) index.set(meta(k));
        for (const k of removed) index.delete(k);

        const left = keys.filter((k) => !removed.includes(k));
        expect(allPages(index, '', '', 1000)).toEqual(model(left, '', ''));
        expect(index.size).toBe(new Set(left).size);
      }),
    );
  });

  it('builds the same index in one go (start-up) as by inserting one key at a time', () => {
    fc.assert(
      fc.property(fc.array(key, { maxLength: 60 }), fc.constantFrom('', '/'), (keys, delimiter) => {
        const inserted = new KeyIndex();
        for (const k of keys) inserted.set(meta(k));

        const built = KeyIndex.of(keys.map(meta));

        expect(built.size).toBe(inserted.size);
        expect(allPages(built, '', delimiter, 4)).toEqual(allPages(inserted, '', delimiter, 4));
      }),
    );
  });

  it('round-trips continuation tokens and rejects ones it did not make', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 1 }), (last) => {
        expect(fromContinuationToken(continuationToken(last))).toBe(last);
      }),
    );
    expect(fromContinuationToken('not+base64url/')).toBeUndefined();
  });
});
