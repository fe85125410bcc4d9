/**
 * `aws-chunked` request bodies, the default of current AWS SDKs and CLIs for streamed uploads:
 * the payload is framed in chunks, optionally signed, optionally followed by checksum trailers.
 */
import type { IncomingMessage } from 'node:http';
import { Transform, type TransformCallback } from 'node:stream';

export function isAwsChunked(req: IncomingMessage): boolean {
  const sha = String(req.headers['x-amz-content-sha256'] ?? '');
  const encodings = (req.headers['content-encoding'] ?? '').split(',').map((e) => e.trim());
  return sha.startsWith('STREAMING-') || encodings.includes('aws-chunked');
}

/** The content-encoding left once `aws-chunked` is taken off, or undefined if none is. */
export function storedContentEncoding(req: IncomingMessage): string | undefined {
  const rest = (req.headers['content-encoding'] ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e && e !== 'aws-chunked')
    .join(',');
  return rest || undefined;
}

/** The request's payload: decoded from `aws-chunked` framing when it is framed, else as sent. */
export function payloadOf(req: IncomingMessage): NodeJS.ReadableStream & AsyncIterable<Buffer> {
  if (!isAwsChunked(req)) return req;
  const declared = req.headers['x-amz-decoded-content-length'];
  const decoder = new AwsChunkedDecoder(declared === undefined ? undefined : Number(declared));
  req.on('error', (e) => decoder.destroy(e));
  // The body may fail before anyone reads it (while the store prepares): the reader sees the
  // error when it starts iterating; until then this listener keeps it from being uncaught.
  decoder.on('error', () => undefined);
  req.pipe(decoder);
  return decoder;
}

const MAX_LINE_BYTES = 8 * 1024;

/**
 * Streams the payload out of `aws-chunked` framing:
 * `<hex size>[;chunk-signature=…]\r\n<data>\r\n … 0[;…]\r\n[<trailer>:<value>\r\n…]\r\n`.
 * Signatures and checksum trailers are not verified (nothing else is, locally either).
 */
export class AwsChunkedDecoder extends Transform {
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
