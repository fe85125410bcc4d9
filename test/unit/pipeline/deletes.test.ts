import { describe, expect, it } from 'vitest';
import type { ObjectEvent } from '../../../lib/events/s3-notification.ts';
import { removalOf } from '../../../lib/pipeline/deletes.ts';

const removed = (eventName: string, versionId: string | null): ObjectEvent => ({
  kind: 'removed',
  eventName,
  bucket: 'articles',
  key: 'a.txt',
  size: null,
  etag: null,
  versionId,
  sequencer: '0A',
  eventTime: null,
});

describe('removalOf', () => {
  it('takes the article away on a delete marker, whatever version it names', () => {
    expect(removalOf(removed('ObjectRemoved:DeleteMarkerCreated', 'marker-1'))).toEqual({ scope: 'current' });
  });

  it('takes the article away on a delete in an unversioned bucket', () => {
    expect(removalOf(removed('ObjectRemoved:Delete', null))).toEqual({ scope: 'current' });
  });

  it('limits a permanent version delete to the version it names', () => {
    expect(removalOf(removed('ObjectRemoved:Delete', 'v-1'))).toEqual({ scope: 'version', versionId: 'v-1' });
  });
});
