import type { SourceInfo } from '../domain/record.ts';
import type { ObjectEvent } from '../events/s3-notification.ts';
import type { IngestOutcome } from './outcome.ts';
import type { RecordWriter } from './ports.ts';

/**
 * Which removal an `ObjectRemoved` event stands for. On a versioned bucket only two take the
 * article away: a delete marker (a plain DELETE) or the permanent delete of the very version the
 * record summarises. Deleting an older version leaves the current object, and its record, as it is.
 */
export type Removal =
  /** A delete marker now hides the object, or the bucket is unversioned: the article is gone. */
  | { scope: 'current' }
  /** One version deleted for good: the article is gone only if the record summarises that one. */
  | { scope: 'version'; versionId: string };

export function removalOf(event: ObjectEvent): Removal {
  if (event.eventName === 'ObjectRemoved:DeleteMarkerCreated') return { scope: 'current' };
  // S3 names no version for a delete on a bucket that was never versioned.
  if (event.versionId === null) return { scope: 'current' };
  return { scope: 'version', versionId: event.versionId };
}

/** The tombstone step of the ingest use case, for one `ObjectRemoved` event. */
export async function removeArticle(
  records: RecordWriter,
  id: string,
  event: ObjectEvent,
  source: SourceInfo,
  now: Date,
): Promise<IngestOutcome> {
  const removal = removalOf(event);
  const onlyVersion = removal.scope === 'version' ? removal.versionId : undefined;
  const written = await records.tombstone(id, source, event.sequencer, now, onlyVersion);
  if (written) return { status: 'deleted', id };
  return { status: 'skipped', id, reason: onlyVersion === undefined ? 'stale' : 'noncurrent_version' };
}
