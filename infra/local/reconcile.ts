import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { paginateListObjectsV2, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import { parseS3NotificationBody } from '../../lib/events/s3-notification.ts';
import { RECORD_SK, TABLE_KEYS } from '../../lib/store/table-schema.ts';
import { encodeS3EventKey } from './s3-event-encoding.ts';

/**
 * Start-up reconciliation: the bucket is the truth. Every object whose record is missing, differs
 * from it (etag, size), is older than it or is a tombstone (an object restored by deleting its
 * delete marker) gets an ObjectCreated notification; every live record
 * whose object is gone gets an ObjectRemoved one. Whatever the queue already holds for the same
 * key and version is not queued twice. This recovers uploads whose messages were lost (a queue
 * file removed or unreadable) and deletions the stack never heard of.
 */
export interface ReconcileOptions {
  s3Endpoint: string;
  dynamoEndpoint: string;
  bucket: string;
  tableName: string;
  region?: string;
  queue: { pendingBodies(): string[]; send(body: string): Promise<unknown> };
  /** Notifications written at once. @default 8 */
  concurrency?: number;
}

interface StoredObject {
  key: string;
  etag: string | null;
  size: number;
  lastModified: number;
}

interface StoredRecord {
  key: string;
  status: string;
  etag: string | null;
  size: number | null;
  updatedAt: number;
}

const CREDENTIALS = { accessKeyId: 'khulasa-local', secretAccessKey: 'khulasa-local' };
const unquote = (etag: string | undefined | null) => (etag ? etag.replace(/^"|"$/g, '') : null);

function notification(
  kind: 'created' | 'removed',
  bucket: string,
  object: { key: string; etag?: string | null; size?: number },
): string {
  const s3Object: Record<string, string | number> = { key: encodeS3EventKey(object.key) };
  if (object.size !== undefined) s3Object.size = object.size;
  if (object.etag) s3Object.eTag = object.etag;
  return JSON.stringify({
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        eventName: kind === 'created' ? 'ObjectCreated:Put' : 'ObjectRemoved:Delete',
        eventTime: new Date().toISOString(),
        s3: { s3SchemaVersion: '1.0', bucket: { name: bucket }, object: s3Object },
      },
    ],
  });
}

async function listObjects(client: S3Client, bucket: string): Promise<Map<string, StoredObject>> {
  const objects = new Map<string, StoredObject>();
  for await (const page of paginateListObjectsV2({ client }, { Bucket: bucket })) {
    for (const o of page.Contents ?? []) {
      if (!o.Key || o.Key.endsWith('/')) continue;
      objects.set(o.Key, {
        key: o.Key,
        etag: unquote(o.ETag),
        size: o.Size ?? 0,
        lastModified: o.LastModified?.getTime() ?? 0,
      });
    }
  }
  return objects;
}

async function listRecords(
  doc: DynamoDBDocumentClient,
  table: string,
  bucket: string,
): Promise<Map<string, StoredRecord>> {
  const records = new Map<string, StoredRecord>();
  const pages = paginateScan(
    { client: doc },
    {
      TableName: table,
      FilterExpression: '#sk = :record',
      ProjectionExpression: '#status, #source, updatedAt',
      ExpressionAttributeNames: { '#sk': TABLE_KEYS.sortKey, '#status': 'status', '#source': 'source' },
      ExpressionAttributeValues: { ':record': RECORD_SK },
    },
  );
  for await (const page of pages) {
    for (const item of page.Items ?? []) {
      const source = item.source as {
        bucket?: string;
        key?: string;
        etag?: string | null;
        size?: number | null;
      };
      if (source?.bucket !== bucket || typeof source.key !== 'string') continue;
      records.set(source.key, {
        key: source.key,
        status: String(item.status),
        etag: unquote(source.etag),
        size: typeof source.size === 'number' ? source.size : null,
        updatedAt: Date.parse(String(item.updatedAt)) || 0,
      });
    }
  }
  return records;
}

/** What the queue already holds, as `created|key|etag` and `removed|key`. */
function pendingWork(bodies: string[]): Set<string> {
  const pending = new Set<string>();
  for (const body of bodies) {
    const parsed = parseS3NotificationBody(body);
    if (parsed.type !== 'objects') continue;
    for (const e of parsed.events) {
      pending.add(e.kind === 'created' ? `created|${e.key}|${e.etag ?? ''}` : `removed|${e.key}`);
      // A created event without an etag stands for whatever version is in the bucket.
      if (e.kind === 'created' && e.etag === null) pending.add(`created|${e.key}|*`);
    }
  }
  return pending;
}

function isCurrent(record: StoredRecord | undefined, object: StoredObject): boolean {
  if (!record) return false;
  // A live object under a tombstone: its delete marker was removed (S3 sends only a removal event
  // for that), so the article is back and is summarised again.
  if (record.status === 'deleted') return false;
  if (record.etag !== null && object.etag !== null && record.etag !== object.etag) return false;
  if (record.size !== null && record.size !== object.size) return false;
  return record.updatedAt >= object.lastModified;
}

/** Compares bucket and table and queues what is missing; resolves with what it queued and what it saw. */
export async function reconcile(options: ReconcileOptions): Promise<{ enqueued: number; objects: number }> {
  const region = options.region ?? 'us-east-1';
  const s3 = new S3Client({
    endpoint: options.s3Endpoint,
    region,
    forcePathStyle: true,
    credentials: CREDENTIALS,
  });
  const dynamo = new DynamoDBClient({ endpoint: options.dynamoEndpoint, region, credentials: CREDENTIALS });
  try {
    const [objects, records] = await Promise.all([
      listObjects(s3, options.bucket),
      listRecords(DynamoDBDocumentClient.from(dynamo), options.tableName, options.bucket),
    ]);
    const pending = pendingWork(options.queue.pendingBodies());
    const bodies: string[] = [];
    for (const object of objects.values()) {
      if (isCurrent(records.get(object.key), object)) continue;
      if (pending.has(`created|${object.key}|${object.etag ?? ''}`) || pending.has(`created|${object.key}|*`))
        continue;
      bodies.push(notification('created', options.bucket, object));
    }
    for (const record of records.values()) {
      if (record.status === 'deleted' || objects.has(record.key)) continue;
      if (pending.has(`removed|${record.key}`)) continue;
      bodies.push(notification('removed', options.bucket, { key: record.key }));
    }
    await inBatches(bodies, options.concurrency ?? 8, (body) => options.queue.send(body));
    return { enqueued: bodies.length, objects: objects.size };
  } finally {
    s3.destroy();
    dynamo.destroy();
  }
}

async function inBatches<T>(items: T[], limit: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  });
  await Promise.all(lanes);
}
