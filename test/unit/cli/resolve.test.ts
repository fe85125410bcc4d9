import { describe, expect, it } from 'vitest';
import { looksLikeRecordId, resolveRecordId } from '../../../cli/resolve.ts';
import { recordId } from '../../../lib/domain/id.ts';

describe('resolveRecordId', () => {
  it('takes a 43-character base64url string as an id', () => {
    const id = recordId('articles', 'incoming/a.txt');

    expect(looksLikeRecordId(id)).toBe(true);
    expect(resolveRecordId(id, 'articles')).toEqual({ id, key: null });
  });

  it('computes the id of anything else as a key in the bucket', () => {
    const key = 'incoming/تقرير الإنتربول (1).txt';

    expect(resolveRecordId(key, 'articles')).toEqual({ id: recordId('articles', key), key });
    expect(resolveRecordId(key, 'other-bucket').id).not.toBe(recordId('articles', key));
  });

  it('treats near-ids (wrong length, padding, other alphabets) as keys', () => {
    const id = recordId('articles', 'x');

    expect(looksLikeRecordId(id.slice(1))).toBe(false);
    expect(looksLikeRecordId(`${id}=`)).toBe(false);
    expect(looksLikeRecordId(`${id.slice(1)}+`)).toBe(false);
  });
});
