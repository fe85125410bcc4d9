/**
 * The HTTP front of the local S3 server: parses path-style and `<bucket>.localhost` requests,
 * routes each S3 operation, and turns failures into S3 error documents. A failure to store or to
 * report a change is answered 500/503 (never 200) and logged on stderr; the server keeps running.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { checkPresignedExpiry, virtualHostBucket } from './auth.ts';
import {
  createBucket,
  deleteBucket,
  deleteObjects,
  getBucketLocation,
  headBucket,
  listBuckets,
  listObjects,
} from './buckets.ts';
import type { Ctx, Services } from './context.ts';
import { defaultFs, type StoreFs } from './durable.ts';
import { eventRecord, type S3EventNotificationRecord, type StoreChange, sequencerFor } from './events.ts';
import {
  abortMultipartUpload,
  completeMultipartUpload,
  createMultipartUpload,
  listMultipartUploads,
  listParts,
  uploadPart,
} from './multipart.ts';
import { copyObject, deleteObject, getObject, putObject } from './objects.ts';
import { postObject } from './post-object.ts';
import { importS3rverObjects } from './s3rver-import.ts';
import { ObjectStore } from './store.ts';
import { Uploads } from './uploads.ts';
import { getBucketVersioning, listObjectVersions, putBucketVersioning } from './versioning.ts';
import { newRequestId, S3Error, sendError } from './xml.ts';

export interface LocalS3Options {
  /** 0 = ephemeral. */
  port: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /** Where objects are kept (survives restarts). */
  directory: string;
  /** Created if missing. */
  buckets: string[];
  /**
   * Buckets whose versioning is switched on at start (when it was never set), as the CDK stack
   * creates its bucket. Others start unversioned; PutBucketVersioning changes either.
   */
  versionedBuckets?: string[];
  /** Region written into event records. Default 'us-east-1'. */
  region?: string;
  /**
   * Called for every object created or removed, once the change is durably stored and before
   * the S3 response is sent; the response waits for it. If it throws or rejects, the client is
   * answered 503 ServiceUnavailable (the change stays stored; a retry reports it again).
   * Typed `void | Promise<void>` in spirit; `unknown` so that callbacks like
   * `(r) => records.push(r)` (which return a number) still type-check.
   */
  onEvent: (record: S3EventNotificationRecord) => unknown;
  /** Multipart uploads begun this many hours ago, never completed nor aborted, go at start. @default 24 */
  abandonedUploadHours?: number;
  /** The file-system calls the store makes; tests inject failures here. Default node:fs/promises. */
  fs?: StoreFs;
}

export interface LocalS3 {
  endpoint: string;
  port: number;
  close(): Promise<void>;
}

const SEQUENCER_FILE = '.khulasa-sequencer';

/** Sub-resources this server does not implement: answered NotImplemented rather than misread. */
const UNSUPPORTED = [
  'acl',
  'tagging',
  'policy',
  'cors',
  'lifecycle',
  'website',
  'encryption',
  'logging',
  'notification',
  'replication',
  'retention',
  'legal-hold',
  'object-lock',
  'torrent',
  'restore',
  'select',
  'attributes',
  'versions',
  'versioning',
  'ownershipControls',
  'publicAccessBlock',
  'accelerate',
  'requestPayment',
  'analytics',
  'metrics',
  'inventory',
  'intelligent-tiering',
  'uploads',
];

const notImplemented = () =>
  new S3Error(
    'NotImplemented',
    501,
    'A header or query you provided implies functionality that is not implemented.',
  );
const methodNotAllowed = () =>
  new S3Error('MethodNotAllowed', 405, 'The specified method is not allowed against this resource.');

export async function startLocalS3(opts: LocalS3Options): Promise<LocalS3> {
  const host = opts.host ?? '127.0.0.1';
  const fs = opts.fs ?? defaultFs;
  // The port is taken before the directory is touched: a second instance pointed at a directory
  // in use fails here, before its start-up clean-up could remove the first one's files.
  let servicesReady: Promise<Services> | undefined;
  const inFlight = new Set<Promise<void>>();
  const server = createServer((req, res) => {
    const handled = handle(req, res, servicesReady as Promise<Services>);
    inFlight.add(handled);
    const settle = () => inFlight.delete(handled);
    handled.then(settle, settle);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, host, () => resolve());
  });
  const stop = async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Keep-alive sockets of SDK clients would otherwise hold the server open.
    server.closeAllConnections();
    await closed;
    // Changes already being committed finish (and report) before close() returns.
    await Promise.allSettled([...inFlight]);
  };
  servicesReady = openServices(opts, fs);
  try {
    await servicesReady;
  } catch (e: unknown) {
    await stop();
    throw e;
  }
  const { port } = server.address() as AddressInfo;
  return { endpoint: `http://${host.includes(':') ? `[${host}]` : host}:${port}`, port, close: stop };
}

async function openServices(opts: LocalS3Options, fs: StoreFs): Promise<Services> {
  const region = opts.region ?? 'us-east-1';
  const store = new ObjectStore(opts.directory, fs);
  const uploads = new Uploads(opts.directory, fs);
  await store.load((line) => console.error(line));
  const abandoned = await uploads.load({ abandonAfterMs: (opts.abandonedUploadHours ?? 24) * 3_600_000 });
  if (abandoned > 0) {
    console.error(
      `local S3: removed ${abandoned} multipart upload(s) abandoned for over ${opts.abandonedUploadHours ?? 24} h`,
    );
  }
  for (const bucket of opts.buckets) await store.createBucket(bucket);
  for (const bucket of opts.versionedBuckets ?? []) {
    await store.createBucket(bucket);
    if (store.versioningOf(bucket) === undefined) await store.setVersioning(bucket, 'Enabled');
  }
  await importS3rverObjects(store, (line) => console.error(line));
  const nextSequencer = sequencerFor(join(opts.directory, SEQUENCER_FILE));
  return {
    store,
    uploads,
    report: async (change: StoreChange, ctx: Ctx) => {
      const record = eventRecord(change, {
        region,
        sourceIp: ctx.sourceIp,
        requestId: ctx.requestId,
        sequencer: nextSequencer(),
      });
      try {
        await opts.onEvent(record);
      } catch (e: unknown) {
        const reason = e instanceof Error ? e.message : String(e);
        throw new S3Error(
          'ServiceUnavailable',
          503,
          `The change was stored, but its event notification could not be delivered (${reason}); retry the request.`,
        );
      }
    },
  };
}

function contextOf(req: IncomingMessage, res: ServerResponse, requestId: string): Ctx {
  const url = req.url ?? '/';
  const queryAt = url.indexOf('?');
  const rawPath = queryAt < 0 ? url : url.slice(0, queryAt);
  const query = new URLSearchParams(queryAt < 0 ? '' : url.slice(queryAt + 1));
  const decode = (raw: string) => {
    try {
      return decodeURIComponent(raw);
    } catch {
      throw new S3Error('InvalidURI', 400, "Couldn't parse the specified URI.");
    }
  };
  if (!rawPath.startsWith('/')) throw new S3Error('InvalidURI', 400, "Couldn't parse the specified URI.");
  let bucket = virtualHostBucket(req.headers.host);
  let rawKey: string;
  if (bucket !== undefined) rawKey = rawPath.slice(1);
  else {
    const slash = rawPath.indexOf('/', 1);
    bucket = decode(slash < 0 ? rawPath.slice(1) : rawPath.slice(1, slash));
    rawKey = slash < 0 ? '' : rawPath.slice(slash + 1);
  }
  return {
    req,
    res,
    method: req.method ?? 'GET',
    bucket,
    key: rawKey === '' ? undefined : decode(rawKey),
    query,
    requestId,
    sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, ready: Promise<Services>): Promise<void> {
  const requestId = newRequestId();
  // A client hanging up mid-body surfaces to whoever reads the body; never as an uncaught error.
  req.on('error', () => undefined);
  res.setHeader('x-amz-request-id', requestId);
  let ctx: Ctx | undefined;
  try {
    const services = await ready;
    ctx = contextOf(req, res, requestId);
    checkPresignedExpiry(ctx.query, Date.now());
    await route(ctx, services);
  } catch (e: unknown) {
    let error: S3Error;
    if (e instanceof S3Error) error = e;
    else {
      const reason = e instanceof Error ? e.message : String(e);
      error = new S3Error(
        'InternalError',
        500,
        `The local S3 store could not complete the request: ${reason}`,
      );
    }
    if (error.status >= 500) {
      const target = ctx ? JSON.stringify(`s3://${ctx.bucket}/${ctx.key ?? ''}`) : JSON.stringify(req.url);
      console.error(`local S3: ${req.method} ${target} failed: ${error.code}: ${error.message}`);
    }
    if (error.code === 'IncompleteBody') res.setHeader('connection', 'close');
    sendError(res, error, requestId, req.method);
  }
}

const hasAny = (query: URLSearchParams, names: string[]) => names.some((name) => query.has(name));

async function route(ctx: Ctx, services: Services): Promise<void> {
  const { method, query, key } = ctx;
  if (ctx.bucket === '') {
    if (method === 'GET' || method === 'HEAD') return listBuckets(ctx, services);
    throw methodNotAllowed();
  }
  if (key === undefined) {
    if (method === 'POST' && query.has('delete')) return deleteObjects(ctx, services);
    if (method === 'GET' && query.has('location')) return getBucketLocation(ctx, services);
    if (method === 'GET' && query.has('versioning')) return getBucketVersioning(ctx, services);
    if (method === 'PUT' && query.has('versioning')) return putBucketVersioning(ctx, services);
    if (method === 'GET' && query.has('versions')) return listObjectVersions(ctx, services);
    if (method === 'GET' && query.has('uploads')) return listMultipartUploads(ctx, services);
    if (hasAny(query, UNSUPPORTED)) throw notImplemented();
    if (method === 'PUT') return createBucket(ctx, services);
    if (method === 'HEAD') return headBucket(ctx, services);
    if (method === 'GET') return listObjects(ctx, services);
    if (method === 'DELETE') return deleteBucket(ctx, services);
    if (method === 'POST') return postObject(ctx, services);
    throw methodNotAllowed();
  }
  if (method === 'POST' && query.has('uploads')) return createMultipartUpload(ctx, services, key);
  if (query.has('uploadId')) {
    if (method === 'PUT' && query.has('partNumber')) return uploadPart(ctx, services, key);
    if (method === 'POST') return completeMultipartUpload(ctx, services, key);
    if (method === 'DELETE') return abortMultipartUpload(ctx, services, key);
    if (method === 'GET') return listParts(ctx, services, key);
    throw methodNotAllowed();
  }
  if (hasAny(query, UNSUPPORTED)) throw notImplemented();
  if (method === 'PUT') {
    return ctx.req.headers['x-amz-copy-source'] === undefined
      ? putObject(ctx, services, key)
      : copyObject(ctx, services, key);
  }
  if (method === 'GET' || method === 'HEAD') return getObject(ctx, services, key);
  if (method === 'DELETE') return deleteObject(ctx, services, key);
  throw methodNotAllowed();
}
