/**
 * S3 event notifications as they arrive in SQS message bodies, turned into the work items the
 * ingest use case understands. Pure: no AWS SDK, no I/O.
 */
// zod/mini, not classic zod: this module is on the ingest cold-start path.
import * as z from 'zod/mini';

type ObjectEventKind = 'created' | 'removed';

export interface ObjectEvent {
  kind: ObjectEventKind;
  /** The S3 event name without the `s3:` prefix, e.g. `ObjectCreated:Put`. */
  eventName: string;
  bucket: string;
  /** The decoded object key, exactly as stored in the bucket. */
  key: string;
  size: number | null;
  /** Unquoted etag. */
  etag: string | null;
  versionId: string | null;
  sequencer: string | null;
  eventTime: string | null;
}

export type ParsedBody =
  | { type: 'test' }
  | { type: 'objects'; events: ObjectEvent[]; ignored: number }
  | { type: 'invalid'; reason: string };

const nonEmpty = z.string().check(z.minLength(1));

/** One record of an S3 notification, as much of it as khulasa relies on. */
const S3EventRecordSchema = z.object({
  eventName: nonEmpty,
  eventTime: z.optional(z.string()),
  s3: z.object({
    bucket: z.object({ name: nonEmpty }),
    object: z.object({
      key: nonEmpty,
      size: z.optional(z.number().check(z.nonnegative())),
      eTag: z.optional(z.string()),
      versionId: z.nullish(z.string()),
      sequencer: z.optional(z.string()),
    }),
  }),
});

/** An SQS message body from an S3 notification: either records or the `s3:TestEvent` S3 sends once. */
const S3NotificationBodySchema = z.union([
  z.object({ Event: z.literal('s3:TestEvent') }),
  z.object({ Records: z.array(S3EventRecordSchema) }),
]);

/**
 * Decode an S3 notification key: S3 form-encodes it (`+` is a space, then percent-encoding).
 * Order matters: a literal `+` in a key arrives as `%2B`, so `+` must become a space first.
 */
export function decodeS3Key(encoded: string): string {
  const spaced = encoded.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    // Not valid percent-encoding, so it cannot have come from S3's encoder: it is the raw key.
    return spaced;
  }
}

const emptyToNull = (v: string | null | undefined): string | null => (v ? v : null);

function toObjectEvent(record: z.infer<typeof S3EventRecordSchema>): ObjectEvent | null {
  const eventName = record.eventName.replace(/^s3:/, '');
  let kind: ObjectEventKind;
  if (eventName.startsWith('ObjectCreated:')) kind = 'created';
  else if (eventName.startsWith('ObjectRemoved:')) kind = 'removed';
  else return null;

  const key = decodeS3Key(record.s3.object.key);
  // A "folder" placeholder (the console's "Create folder") is not an article.
  if (key.endsWith('/')) return null;

  const { object } = record.s3;
  return {
    kind,
    eventName,
    bucket: record.s3.bucket.name,
    key,
    size: object.size ?? null,
    etag: emptyToNull(object.eTag?.replace(/^"|"$/g, '')),
    versionId: emptyToNull(object.versionId),
    sequencer: emptyToNull(object.sequencer),
    eventTime: emptyToNull(record.eventTime),
  };
}

export type S3NotificationBody = z.infer<typeof S3NotificationBodySchema>;

/** The object events of a schema-valid notification body (`s3:TestEvent` has none). */
export function objectEventsFrom(body: S3NotificationBody): {
  events: ObjectEvent[];
  ignored: number;
  test: boolean;
} {
  if ('Event' in body) return { events: [], ignored: 0, test: true };
  const events: ObjectEvent[] = [];
  let ignored = 0;
  for (const record of body.Records) {
    const event = toObjectEvent(record);
    if (event) events.push(event);
    else ignored += 1;
  }
  return { events, ignored, test: false };
}

/** Parse one SQS message body holding an S3 notification (or an `s3:TestEvent`). */
export function parseS3NotificationBody(body: string): ParsedBody {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { type: 'invalid', reason: 'message body is not JSON' };
  }
  const parsed = S3NotificationBodySchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? `${issue.path.join('.')} ${issue.message}` : '';
    return { type: 'invalid', reason: `not an S3 notification: ${where}`.trim() };
  }
  const { events, ignored, test } = objectEventsFrom(parsed.data);
  return test ? { type: 'test' } : { type: 'objects', events, ignored };
}

/** An SQS message that is not an S3 notification: its batch item is reported as failed. */
export class InvalidNotificationError extends Error {
  readonly messageId: string;
  constructor(messageId: string, reason: string) {
    super(`Message ${messageId}: ${reason}`);
    this.name = 'InvalidNotificationError';
    this.messageId = messageId;
  }
}

/**
 * Order two S3 sequencers. S3 only promises they grow for one key; they are hex strings of
 * varying length, compared after right-padding the shorter with zeros.
 */
export function compareSequencers(a: string, b: string): number {
  const width = Math.max(a.length, b.length);
  const pa = a.toUpperCase().padEnd(width, '0');
  const pb = b.toUpperCase().padEnd(width, '0');
  return pa < pb ? -1 : pa > pb ? 1 : 0;
}
