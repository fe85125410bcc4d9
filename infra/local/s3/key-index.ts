/**
 * The keys of one bucket in S3's order (UTF-8 bytes, compared unsigned), kept in memory and
 * built at start from the metadata sidecars, so listings never walk the disk.
 */

export interface ObjectMeta {
  key: string;
  size: number;
  /** Unquoted, as in event records: a hex MD5, or `<hex>-<parts>` for multipart uploads. */
  etag: string;
  lastModified: string;
  /** Stored representation headers (content-type, content-encoding, cache-control, …). */
  headers: Record<string, string>;
  /** User metadata, names lower-case without the `x-amz-meta-` prefix. */
  metadata: Record<string, string>;
  /** The data file (beside the sidecar) holding this version's bytes. */
  data: string;
  /** Set when the bucket's versioning was enabled as it was stored; absent is S3's `null` version. */
  versionId?: string;
}

interface Entry {
  bytes: Buffer;
  meta: ObjectMeta;
}

/** Every UTF-8 string that starts with `prefix` sorts before `prefix + 0xFF` (0xFF is never UTF-8). */
export const pastPrefix = (prefix: Buffer): Buffer => Buffer.concat([prefix, Buffer.from([0xff])]);

export class KeyIndex {
  private readonly entries: Entry[] = [];
  private readonly byKey = new Map<string, Entry>();

  get size(): number {
    return this.entries.length;
  }

  get(key: string): ObjectMeta | undefined {
    return this.byKey.get(key)?.meta;
  }

  /** Builds the index from many objects at once (start-up): one sort instead of n inserts. */
  static of(metas: ObjectMeta[]): KeyIndex {
    const index = new KeyIndex();
    for (const meta of metas) {
      const entry = { bytes: Buffer.from(meta.key, 'utf8'), meta };
      if (!index.byKey.has(meta.key)) index.entries.push(entry);
      index.byKey.set(meta.key, entry);
    }
    index.entries.sort((a, b) => Buffer.compare(a.bytes, b.bytes));
    return index;
  }

  set(meta: ObjectMeta): void {
    const existing = this.byKey.get(meta.key);
    if (existing) {
      existing.meta = meta;
      return;
    }
    const entry = { bytes: Buffer.from(meta.key, 'utf8'), meta };
    this.entries.splice(this.firstAtOrAfter(entry.bytes), 0, entry);
    this.byKey.set(meta.key, entry);
  }

  delete(key: string): void {
    const entry = this.byKey.get(key);
    if (!entry) return;
    this.byKey.delete(key);
    this.entries.splice(this.firstAtOrAfter(entry.bytes), 1);
  }

  /** Position of the first key >= `bytes`. */
  firstAtOrAfter(bytes: Buffer): number {
    let low = 0;
    let high = this.entries.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (Buffer.compare((this.entries[mid] as Entry).bytes, bytes) < 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** Position of the first key > `bytes`. */
  firstAfter(bytes: Buffer): number {
    const at = this.firstAtOrAfter(bytes);
    const entry = this.entries[at];
    return entry && Buffer.compare(entry.bytes, bytes) === 0 ? at + 1 : at;
  }

  at(position: number): { bytes: Buffer; meta: ObjectMeta } | undefined {
    return this.entries[position];
  }
}
