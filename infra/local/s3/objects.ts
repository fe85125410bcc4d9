/** Object operations: PutObject, GetObject, HeadObject, DeleteObject, CopyObject. */
import type { FileHandle } from 'node:fs/promises';
import { payloadOf } from './aws-chunked.ts';
import {
  type Ctx,
  fieldsFromRequest,
  header,
  httpDate,
  objectHeaders,
  parseRange,
  preconditionStatus,
  quoted,
  type Services,
} from './context.ts';
import type { ObjectMeta } from './key-index.ts';
import { checkKey, type Removal } from './store.ts';
import { element, invalidArgument, S3_NAMESPACE, S3Error, sendXml } from './xml.ts';

/** The MD5 a client announced in Content-MD5, checked against what arrived (BadDigest). */
function expectedMd5(ctx: Ctx): Buffer | undefined {
  const announced = header(ctx.req, 'content-md5');
  if (announced === undefined) return undefined;
  const md5 = Buffer.from(announced, 'base64');
  if (md5.length !== 16 || md5.toString('base64') !== announced.trim()) {
    throw new S3Error('InvalidDigest', 400, 'The Content-MD5 you specified was invalid.');
  }
  return md5;
}

export async function putObject(ctx: Ctx, services: Services, key: string): Promise<void> {
  checkKey(key);
  const md5 = expectedMd5(ctx);
  const fields = fieldsFromRequest(ctx.req);
  const received = await services.store.receive(ctx.bucket, key, payloadOf(ctx.req));
  if (md5 && !md5.equals(received.md5)) {
    await services.store.discard(received);
    throw new S3Error('BadDigest', 400, 'The Content-MD5 you specified did not match what was received.');
  }
  const meta = await services.store.commit(ctx.bucket, key, received, fields, async (stored) => {
    await services.report(
      {
        kind: 'created',
        by: 'Put',
        bucket: ctx.bucket,
        key,
        size: stored.size,
        eTag: stored.etag,
        versionId: stored.versionId,
      },
      ctx,
    );
    return stored;
  });
  ctx.res.writeHead(200, { etag: quoted(meta.etag), 'content-length': '0', ...versionHeader(meta) });
  ctx.res.end();
}

export async function getObject(ctx: Ctx, services: Services, key: string): Promise<void> {
  const { meta, handle } = await services.store.open(
    ctx.bucket,
    key,
    ctx.query.get('versionId') ?? undefined,
  );
  let handed = false;
  try {
    const condition = preconditionStatus(ctx.req, meta);
    if (condition === 412) {
      throw new S3Error(
        'PreconditionFailed',
        412,
        'At least one of the pre-conditions you specified did not hold',
        {
          Condition: header(ctx.req, 'if-match') === undefined ? 'If-Unmodified-Since' : 'If-Match',
        },
      );
    }
    const headers = { ...objectHeaders(meta, ctx.query), ...versionHeader(meta) };
    if (condition === 304) {
      ctx.res.writeHead(304, { etag: headers.etag ?? '', 'last-modified': headers['last-modified'] ?? '' });
      ctx.res.end();
      return;
    }
    const range = parseRange(header(ctx.req, 'range'), meta.size);
    if (range === 'unsatisfiable') {
      throw new S3Error('InvalidRange', 416, 'The requested range is not satisfiable', {
        RangeRequested: header(ctx.req, 'range') ?? '',
        ActualObjectSize: String(meta.size),
      });
    }
    const { start, end } = range ?? { start: 0, end: meta.size - 1 };
    headers['content-length'] = String(Math.max(0, end - start + 1));
    if (range) headers['content-range'] = `bytes ${start}-${end}/${meta.size}`;
    ctx.res.writeHead(range ? 206 : 200, headers);
    if (ctx.method === 'HEAD' || meta.size === 0) {
      ctx.res.end();
      return;
    }
    handed = true;
    await stream(ctx, handle, start, end);
  } finally {
    if (!handed) await handle.close();
  }
}

function stream(ctx: Ctx, handle: FileHandle, start: number, end: number): Promise<void> {
  return new Promise((resolve) => {
    const body = handle.createReadStream({ start, end, autoClose: true });
    body.on('error', () => ctx.res.destroy());
    ctx.res.on('close', () => {
      body.destroy();
      resolve();
    });
    body.pipe(ctx.res);
  });
}

/** `x-amz-version-id` for an object stored while versioning was enabled (none for the `null` version). */
const versionHeader = (meta: { versionId?: string | undefined }): Record<string, string> =>
  meta.versionId === undefined ? {} : { 'x-amz-version-id': meta.versionId };

/** DeleteObject: with `versionId` that version goes for good; without, a versioned bucket gets a delete marker. */
export async function deleteObject(ctx: Ctx, services: Services, key: string): Promise<void> {
  const versionId = ctx.query.get('versionId') ?? undefined;
  const report = (removal: Removal) =>
    services.report({ kind: 'removed', bucket: ctx.bucket, key, ...removal }, ctx);
  const removal =
    versionId === undefined
      ? await services.store.remove(ctx.bucket, key, report)
      : await services.store.removeVersion(ctx.bucket, key, versionId, report);
  ctx.res.writeHead(204, removalHeaders(removal));
  ctx.res.end();
}

function removalHeaders(removal: Removal | null): Record<string, string> {
  return {
    ...(removal?.versionId === undefined ? {} : { 'x-amz-version-id': removal.versionId }),
    ...(removal?.deleteMarker ? { 'x-amz-delete-marker': 'true' } : {}),
  };
}

/** `x-amz-copy-source`: `[/]bucket/key[?versionId=…]`, URL-encoded. */
export function copySource(ctx: Ctx): { bucket: string; key: string; versionId?: string } {
  const raw = header(ctx.req, 'x-amz-copy-source') ?? '';
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw.split('?', 1)[0] ?? '');
  } catch {
    throw invalidArgument('Invalid copy source encoding', 'x-amz-copy-source', raw);
  }
  const path = decoded.startsWith('/') ? decoded.slice(1) : decoded;
  const slash = path.indexOf('/');
  if (slash <= 0 || slash === path.length - 1) {
    throw invalidArgument(
      'Copy Source must mention the source bucket and key: sourcebucket/sourcekey',
      'x-amz-copy-source',
      raw,
    );
  }
  const versionId = new URLSearchParams(raw.split('?')[1] ?? '').get('versionId') ?? undefined;
  return { bucket: path.slice(0, slash), key: path.slice(slash + 1), ...(versionId ? { versionId } : {}) };
}

/** The x-amz-copy-source-if-* conditions, checked against the source object. */
export function checkCopyConditions(ctx: Ctx, source: ObjectMeta): void {
  const ifMatch = header(ctx.req, 'x-amz-copy-source-if-match');
  const ifNoneMatch = header(ctx.req, 'x-amz-copy-source-if-none-match');
  const fail = () => {
    throw new S3Error(
      'PreconditionFailed',
      412,
      'At least one of the pre-conditions you specified did not hold',
    );
  };
  if (ifMatch !== undefined && ifMatch.replaceAll('"', '').trim() !== source.etag && ifMatch.trim() !== '*')
    fail();
  if (ifNoneMatch !== undefined && ifNoneMatch.replaceAll('"', '').trim() === source.etag) fail();
}

export async function copyObject(ctx: Ctx, services: Services, key: string): Promise<void> {
  checkKey(key);
  const from = copySource(ctx);
  const directive = (header(ctx.req, 'x-amz-metadata-directive') ?? 'COPY').toUpperCase();
  if (directive !== 'COPY' && directive !== 'REPLACE') {
    throw invalidArgument('Unknown metadata directive.', 'x-amz-metadata-directive', directive);
  }
  services.store.index(ctx.bucket);
  const { meta: source, handle } = await services.store.open(from.bucket, from.key, from.versionId);
  let received: Awaited<ReturnType<Services['store']['receive']>>;
  try {
    checkCopyConditions(ctx, source);
    if (from.bucket === ctx.bucket && from.key === key && directive === 'COPY') {
      throw new S3Error(
        'InvalidRequest',
        400,
        "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
      );
    }
    received = await services.store.receive(ctx.bucket, key, handle.createReadStream({ autoClose: false }));
  } finally {
    await handle.close();
  }
  // The copy's ETag is the MD5 of its bytes (as S3 gives even a copy of a multipart object).
  const fields =
    directive === 'REPLACE'
      ? fieldsFromRequest(ctx.req)
      : { headers: source.headers, metadata: source.metadata };
  const meta = await services.store.commit(ctx.bucket, key, received, fields, async (stored) => {
    await services.report(
      {
        kind: 'created',
        by: 'Copy',
        bucket: ctx.bucket,
        key,
        size: stored.size,
        eTag: stored.etag,
        versionId: stored.versionId,
      },
      ctx,
    );
    return stored;
  });
  const body = `<CopyObjectResult xmlns="${S3_NAMESPACE}">${element('LastModified', meta.lastModified)}${element('ETag', quoted(meta.etag))}</CopyObjectResult>`;
  sendXml(ctx.res, 200, body, { 'last-modified': httpDate(meta.lastModified), ...versionHeader(meta) });
}
