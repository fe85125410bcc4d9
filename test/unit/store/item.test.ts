import { describe, expect, it } from 'vitest';
import { keyAttributes, type RecordItem, toRecord } from '../../../lib/store/item.ts';

describe('toRecord', () => {
  it('returns exactly the public shape, nulls for unknowns, and no internal fields', () => {
    const item: RecordItem = {
      ...keyAttributes('id1', '2025-07-02T10:00:00.000Z', 'k'),
      id: 'id1',
      status: 'processing',
      source: { bucket: 'articles', key: 'k', versionId: null, etag: null, size: null, contentType: null },
      createdAt: '2025-07-02T10:00:00.000Z',
      updatedAt: '2025-07-02T10:00:00.000Z',
      owner: 'msg',
      leaseUntil: 5,
      sequencer: 'AB',
      attempt: 1,
      transient: false,
      rev: 3,
      text: new Uint8Array([1]),
    };
    expect(toRecord(item)).toEqual({
      id: 'id1',
      status: 'processing',
      source: { bucket: 'articles', key: 'k', versionId: null, etag: null, size: null, contentType: null },
      article: null,
      summaries: {},
      entities: [],
      topics: [],
      quality: { flags: [] },
      model: null,
      usage: null,
      contentHash: null,
      schemaVersion: 1,
      error: null,
      createdAt: '2025-07-02T10:00:00.000Z',
      updatedAt: '2025-07-02T10:00:00.000Z',
    });
  });

  it('puts the record in its createdAt month partition', () => {
    expect(keyAttributes('id1', '2025-07-02T10:00:00.000Z', 'k')).toMatchObject({
      gsi1pk: 'c#2025-07',
      gsi1sk: '2025-07-02T10:00:00.000Z#id1',
      sk: 'record',
    });
  });
});
