/**
 * The local S3 endpoint: s3rver (in-process, persisting to a directory) behind a small
 * `node:http` front that makes it behave like S3 for real clients:
 * - any access key works (stock s3rver knows only `S3RVER`);
 * - `aws-chunked` request bodies (the default of current AWS SDKs and CLIs) are decoded before
 *   s3rver stores them (stock s3rver would store the chunk framing);
 * - `<bucket>.localhost` virtual-hosted requests are turned into path-style ones;
 * - every object created or removed is reported as a real-S3-shaped event notification record.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import type { S3EventRecord } from 'aws-lambda';
import { encodeS3EventKey } from './s3-event-encoding.ts';

/**
 * A record shaped like the ones S3 puts in event notifications. Unlike `@types/aws-lambda`'s
 * `S3EventRecord`, `size` and `eTag` are optional: S3 omits both from `ObjectRemoved` records.
 */
export type S3EventNotificationRecord = Omit<S3EventRecord, 's3'> & {
  s3: Omit<S3EventRecord['s3'], 'object'> & {
    object: { key: string; size?: number; eTag?: string; versionId?: string; sequencer: string };
  };
};

export interface LocalS3Options {
  /** 0 = ephemeral. */
  port: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /** Where s3rver persists objects (survives restarts). */
  directory: string;
  /** Created if missing. */
  buckets: string[];
  /** Region written into event records. Default 'us-east-1'. */
  region?: string;
  /**
   * Called for every object created or removed, after it is stored and before the S3 response
   * is sent. It should not throw: an error is reported on stderr and does not fail the request.
   */
  onEvent: (record: S3EventNotificationRecord) => void;
}

export interface LocalS3 {
  endpoint: string;
  port: number;
  close(): Promise<void>;
}

// s3rver ships no types; these are the parts used here (node_modules/s3rver/lib).
interface S3rverStore {
  putObject(object: { bucket: string; key: string }): Promise<{ md5: string; size: number }>;
  copyObject(
    srcBucket: string,
    srcKey: string,
    destBucket: string,
    destKey: string,
    replacementMetadata: unknown,
  ): Promise<Record<string, string | number>>;
  deleteObject(bucket: string, key: string): Promise<void>;
}
interface S3rverApp {
  store: S3rverStore;
  logger: { close(): void };
  configureBuckets(): Promise<unknown>;
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
}
type S3rverConstructor = new (options: {
  directory: string;
  silent: boolean;
  vhostBuckets: boolean;
  allowMismatchedSignatures: boolean;
  configureBuckets: { name: string }[];
}) => S3rverApp;
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverConstructor;

/** The only access key s3rver knows; every request's own key is swapped for it. */
const S3RVER_ACCESS_KEY = 'S3RVER';
const SEQUENCER_FILE = '.khulasa-sequencer';

/** What the request that caused a store operation was, so its event can be named like S3's. */
interface RequestFacts {
  sourceIp: string;
  createdBy: 'Put' | 'Post' | 'CompleteMultipartUpload';
}
const currentRequest = new AsyncLocalStorage<RequestFacts>();

export async function startLocalS3(opts: LocalS3Options): Promise<LocalS3> {
  const host = opts.host ?? '127.0.0.1';
  const region = opts.region ?? 'us-east-1';
  mkdirSync(opts.directory, { recursive: true });
  const app = new S3rver({
    directory: opts.directory,
    silent: true,
    // We do `<bucket>.localhost` ourselves; s3rver would take any other host name (say
    // `host.docker.internal`) for a bucket name.
    vhostBuckets: false,
    // SigV2 signatures are checked against S3RVER's secret, which callers do not have.
    allowMismatchedSignatures: true,
    configureBuckets: opts.buckets.map((name) => ({ name })),
  });
  await app.configureBuckets();

  const nextSequencer = sequencerFor(join(opts.directory, SEQUENCER_FILE));
  const emit = (eventName: string, bucket: string, object: { key: string; size?: number; eTag?: string }) => {
    const record: S3EventNotificationRecord = {
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: region,
      eventTime: new Date().toISOString(),
      eventName,
      userIdentity: { principalId: 'AWS:KHULASALOCAL' },
      requestParameters: { sourceIPAddress: currentRequest.getStore()?.sourceIp ?? '127.0.0.1' },
      responseElements: {
        'x-amz-request-id': randomBytes(8).toString('hex').toUpperCase(),
        'x-amz-id-2': randomBytes(48).toString('base64'),
      },
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: 'khulasa-local',
        bucket: {
          name: bucket,
          ownerIdentity: { principalId: 'KHULASALOCAL' },
          arn: `arn:aws:s3:::${bucket}`,
        },
        object: { ...object, key: encodeS3EventKey(object.key), sequencer: nextSequencer() },
      },
    };
    try {
      opts.onEvent(record);
    } catch (e: unknown) {
      console.error(`local S3: onEvent failed for ${eventName} s3://${bucket}/${object.key}`, e);
    }
  };
  reportStoreChanges(app.store, emit);

  const handle = app.callback();
  const server = createServer((req, res) => {
    acceptAnyAccessKey(req);
    useVirtualHostBucket(req);
    const facts: RequestFacts = {
      sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
      createdBy: createdBy(req),
    };
    currentRequest.run(facts, () => handle(isAwsChunked(req) ? decodeAwsChunked(req, res) : req, res));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) => {
      app.logger.close();
      reject(e);
    });
    server.listen(opts.port, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive sockets of SDK clients would otherwise hold the server open.
      server.closeAllConnections();
      await closed;
      app.logger.close();
    },
  };
}

/**
 * Every object s3rver creates or removes goes through its store (PUT, POST, multipart
 * completion, copy, single and multi-object delete), so events are raised there; s3rver's own
 * `event`s miss multi-object deletes and the eTag of copies.
 */
function reportStoreChanges(
  store: S3rverStore,
  emit: (eventName: string, bucket: string, object: { key: string; size?: number; eTag?: string }) => void,
): void {
  const { putObject, copyObject, deleteObject } = store;
  store.putObject = async (object) => {
    const stored = await putObject.call(store, object);
    const createdBy = currentRequest.getStore()?.createdBy ?? 'Put';
    emit(`ObjectCreated:${createdBy}`, object.bucket, {
      key: object.key,
      size: stored.size,
      eTag: stored.md5,
    });
    return stored;
  };
  store.copyObject = async (srcBucket, srcKey, destBucket, destKey, replacementMetadata) => {
    const metadata = await copyObject.call(
      store,
      srcBucket,
      srcKey,
      destBucket,
      destKey,
      replacementMetadata,
    );
    const eTag = String(metadata.etag).replaceAll('"', '');
    emit('ObjectCreated:Copy', destBucket, { key: destKey, size: Number(metadata['content-length']), eTag });
    return metadata;
  };
  store.deleteObject = async (bucket, key) => {
    await deleteObject.call(store, bucket, key);
    emit('ObjectRemoved:Delete', bucket, { key });
  };
}

function createdBy(req: IncomingMessage): RequestFacts['createdBy'] {
  if (req.method !== 'POST') return 'Put';
  return /[?&]uploadId=/.test(req.url ?? '') ? 'CompleteMultipartUpload' : 'Post';
}

/**
 * Sequencers: 16 uppercase hex digits, strictly increasing within a run and across restarts —
 * milliseconds since the epoch shifted left 20 bits (room for a counter), never below the last
 * one handed out, which is kept in `file` in case the clock steps back between runs.
 */
function sequencerFor(file: string): () => string {
  let last = 0n;
  try {
    last = BigInt(`0x${readFileSync(file, 'utf8').trim()}`);
  } catch {
    // First run on this directory (or an unreadable file): the clock alone orders events.
  }
  return () => {
    const fromClock = BigInt(Date.now()) << 20n;
    last = fromClock > last ? fromClock : last + 1n;
    const sequencer = last.toString(16).toUpperCase().padStart(16, '0');
    writeFileSync(file, sequencer);
    return sequencer;
  };
}

/**
 * Swaps the caller's access key id for s3rver's own in every place a request can carry it, so
 * s3rver keeps its SigV4 date/expiry checks and treats the request as authenticated (which, for
 * example, presigned GETs with `response-content-disposition` need). Signatures are not checked.
 */
function acceptAnyAccessKey(req: IncomingMessage): void {
  const auth = req.headers.authorization;
  if (auth) {
    req.headers.authorization = auth
      .replace(/Credential=[^/,\s]*\//, `Credential=${S3RVER_ACCESS_KEY}/`) // SigV4
      .replace(/^AWS [^:\s]*:/, `AWS ${S3RVER_ACCESS_KEY}:`); // SigV2
  }
  const url = req.url ?? '/';
  const queryStart = url.indexOf('?');
  if (queryStart < 0) return;
  const params = url
    .slice(queryStart + 1)
    .split('&')
    .map((param) => {
      const name = param.split('=', 1)[0];
      if (name === 'AWSAccessKeyId') return `${name}=${S3RVER_ACCESS_KEY}`;
      // `<key id>/<date>/<region>/s3/aws4_request`, URL-encoded: swap what precedes the first `/`
      // without decoding, so a malformed value cannot throw here.
      if (name === 'X-Amz-Credential') return param.replace(/=.*?(?=%2F|\/|$)/i, `=${S3RVER_ACCESS_KEY}`);
      return param;
    });
  req.url = `${url.slice(0, queryStart)}?${params.join('&')}`;
}

/** `<bucket>.localhost[:port]` (what SDKs send without forcePathStyle) → path style. */
function useVirtualHostBucket(req: IncomingMessage): void {
  const match = /^(.+)\.localhost(:\d+)?$/i.exec(req.headers.host ?? '');
  if (!match) return;
  req.headers.host = `localhost${match[2] ?? ''}`;
  req.url = `/${match[1]}${req.url ?? '/'}`;
}

function isAwsChunked(req: IncomingMessage): boolean {
  const sha = String(req.headers['x-amz-content-sha256'] ?? '');
  const encodings = (req.headers['content-encoding'] ?? '').split(',').map((e) => e.trim());
  return sha.startsWith('STREAMING-') || encodings.includes('aws-chunked');
}

/**
 * Returns a stand-in for `req` whose body is the decoded payload and whose headers describe it
 * as a plain upload, for s3rver (a Koa app only reads headers, url, method, socket and the body
 * stream). A malformed body is answered here with S3's `IncompleteBody`.
 */
function decodeAwsChunked(req: IncomingMessage, res: ServerResponse): IncomingMessage {
  const headers = { ...req.headers };
  const decodedLength = headers['x-amz-decoded-content-length'];
  const contentEncoding = (headers['content-encoding'] ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e && e !== 'aws-chunked')
    .join(',');
  if (contentEncoding) headers['content-encoding'] = contentEncoding;
  else delete headers['content-encoding'];
  if (decodedLength === undefined) delete headers['content-length'];
  else headers['content-length'] = String(decodedLength);
  // s3rver requires x-amz-content-sha256 on SigV4 requests but only knows the non-streaming forms.
  headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
  delete headers['transfer-encoding'];
  delete headers['x-amz-trailer'];

  const decoder = new AwsChunkedDecoder(decodedLength === undefined ? undefined : Number(decodedLength));
  const fail = (e: unknown) => {
    if (!res.headersSent) {
      const message = e instanceof Error ? e.message : 'The request body could not be read.';
      res.writeHead(400, { 'content-type': 'application/xml', connection: 'close' });
      const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>IncompleteBody</Code><Message>${message}</Message></Error>`;
      res.end(xml, () => req.destroy());
    } else req.destroy();
  };
  req.on('error', fail);
  decoder.on('error', fail);
  req.pipe(decoder);
  return Object.assign(decoder, {
    headers,
    rawHeaders: req.rawHeaders,
    method: req.method,
    url: req.url,
    httpVersion: req.httpVersion,
    httpVersionMajor: req.httpVersionMajor,
    httpVersionMinor: req.httpVersionMinor,
    socket: req.socket,
    connection: req.socket,
  }) as unknown as IncomingMessage;
}

const MAX_LINE_BYTES = 8 * 1024;

/**
 * Streams the payload out of `aws-chunked` framing:
 * `<hex size>[;chunk-signature=…]\r\n<data>\r\n … 0[;…]\r\n[<trailer>:<value>\r\n…]\r\n`.
 * Signatures and checksum trailers are not verified (nothing else is, locally either).
 */
class AwsChunkedDecoder extends Transform {
  private state: 'size' | 'data' | 'data-end' | 'trailer' | 'done' = 'size';
  private line = Buffer.alloc(0);
  private remaining = 0;
  private decoded = 0;
  private readonly expectedLength: number | undefined;

  constructor(expectedLength: number | undefined) {
    super();
    this.expectedLength = expectedLength;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.consume(chunk);
      callback();
    } catch (e: unknown) {
      callback(e instanceof Error ? e : new Error(String(e)));
    }
  }

  override _flush(callback: TransformCallback): void {
    if (this.state !== 'done') callback(new Error('The aws-chunked body ended before its final chunk.'));
    else if (this.expectedLength !== undefined && this.decoded !== this.expectedLength) {
      callback(
        new Error(
          `The body has ${this.decoded} bytes; x-amz-decoded-content-length says ${this.expectedLength}.`,
        ),
      );
    } else callback();
  }

  private consume(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length && this.state !== 'done') {
      if (this.state === 'data') {
        const take = Math.min(this.remaining, chunk.length - at);
        this.push(chunk.subarray(at, at + take));
        this.decoded += take;
        this.remaining -= take;
        at += take;
        if (this.remaining === 0) this.state = 'data-end';
        continue;
      }
      const lineEnd = chunk.indexOf(0x0a, at);
      const end = lineEnd < 0 ? chunk.length : lineEnd + 1;
      this.line = Buffer.concat([this.line, chunk.subarray(at, end)]);
      at = end;
      if (this.line.length > MAX_LINE_BYTES) throw new Error('An aws-chunked header line is too long.');
      if (lineEnd < 0) continue;
      const line = this.line.toString('latin1').replace(/\r?\n$/, '');
      this.line = Buffer.alloc(0);
      this.onLine(line);
    }
  }

  private onLine(line: string): void {
    if (this.state === 'data-end') {
      if (line !== '') throw new Error('An aws-chunked chunk is longer than its declared size.');
      this.state = 'size';
    } else if (this.state === 'size') {
      const size = Number.parseInt(line.split(';', 1)[0] ?? '', 16);
      if (!/^[0-9a-f]+$/i.test(line.split(';', 1)[0] ?? '') || Number.isNaN(size)) {
        throw new Error(`Invalid aws-chunked chunk size line: ${JSON.stringify(line.slice(0, 80))}`);
      }
      this.remaining = size;
      this.state = size === 0 ? 'trailer' : 'data';
    } else if (this.state === 'trailer' && line === '') {
      this.state = 'done';
    }
    // Other trailer lines (x-amz-checksum-*, x-amz-trailer-signature) are dropped.
  }
}
