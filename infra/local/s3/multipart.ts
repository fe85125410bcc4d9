/** Multipart upload operations: Create, UploadPart (and UploadPartCopy), Complete, Abort, ListParts. */
import { createReadStream } from 'node:fs';
import { payloadOf } from './aws-chunked.ts';
import { readXmlBody } from './buckets.ts';
import { type Ctx, fieldsFromRequest, header, OWNER, quoted, type Services } from './context.ts';
import { checkCopyConditions, copySource } from './objects.ts';
import { checkKey } from './store.ts';
import type { Part, Upload } from './uploads.ts';
import { blocks, element, field, invalidArgument, S3_NAMESPACE, S3Error, sendXml } from './xml.ts';

const uploadOf = (ctx: Ctx, services: Services, key: string): Promise<Upload> => {
  services.store.index(ctx.bucket);
  return services.uploads.get(ctx.query.get('uploadId') ?? '', ctx.bucket, key);
};

export async function createMultipartUpload(ctx: Ctx, services: Services, key: string): Promise<void> {
  checkKey(key);
  services.store.index(ctx.bucket);
  const upload = await services.uploads.create({ bucket: ctx.bucket, key, ...fieldsFromRequest(ctx.req) });
  sendXml(
    ctx.res,
    200,
    `<InitiateMultipartUploadResult xmlns="${S3_NAMESPACE}">${element('Bucket', ctx.bucket)}${element('Key', key)}` +
      `${element('UploadId', upload.id)}</InitiateMultipartUploadResult>`,
  );
}

export async function uploadPart(ctx: Ctx, services: Services, key: string): Promise<void> {
  const upload = await uploadOf(ctx, services, key);
  const number = Number(ctx.query.get('partNumber'));
  if (header(ctx.req, 'x-amz-copy-source') === undefined) {
    const etag = await services.uploads.putPart(upload, number, payloadOf(ctx.req));
    ctx.res.writeHead(200, { etag: quoted(etag), 'content-length': '0' });
    ctx.res.end();
    return;
  }
  const from = copySource(ctx);
  const { meta, handle } = await services.store.open(from.bucket, from.key, from.versionId);
  let etag: string;
  try {
    checkCopyConditions(ctx, meta);
    const range = header(ctx.req, 'x-amz-copy-source-range');
    const match = range === undefined ? null : /^bytes=(\d+)-(\d+)$/.exec(range);
    if (
      range !== undefined &&
      (!match || Number(match[2]) < Number(match[1]) || Number(match[2]) >= meta.size)
    ) {
      throw invalidArgument(
        'The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy',
        'x-amz-copy-source-range',
        range,
      );
    }
    const bounds = match ? { start: Number(match[1]), end: Number(match[2]) } : {};
    etag = await services.uploads.putPart(
      upload,
      number,
      handle.createReadStream({ ...bounds, autoClose: false }),
    );
  } finally {
    await handle.close();
  }
  sendXml(
    ctx.res,
    200,
    `<CopyPartResult xmlns="${S3_NAMESPACE}">${element('LastModified', new Date().toISOString())}${element('ETag', quoted(etag))}</CopyPartResult>`,
  );
}

async function* concatenate(parts: Part[]): AsyncGenerator<Buffer> {
  for (const part of parts) yield* createReadStream(part.file) as AsyncIterable<Buffer>;
}

export async function completeMultipartUpload(ctx: Ctx, services: Services, key: string): Promise<void> {
  const upload = await uploadOf(ctx, services, key);
  const xml = await readXmlBody(ctx);
  const requested = blocks(xml, 'Part').map((part) => ({
    number: Number(field(part, 'PartNumber')),
    etag: field(part, 'ETag') ?? '',
  }));
  if (requested.some((p) => !Number.isInteger(p.number))) {
    throw new S3Error(
      'MalformedXML',
      400,
      'The XML you provided was not well-formed or did not validate against our published schema.',
    );
  }
  const { parts, etag } = await services.uploads.plan(upload, requested);
  let received: Awaited<ReturnType<Services['store']['receive']>>;
  try {
    received = await services.store.receive(ctx.bucket, key, concatenate(parts));
  } catch (e: unknown) {
    // A part file vanishing under us is a store fault, not the client's body.
    if (e instanceof S3Error && e.code === 'IncompleteBody')
      throw new Error(`reading the parts failed: ${e.message}`);
    throw e;
  }
  const fields = { headers: upload.headers, metadata: upload.metadata, etag };
  const committed = await services.store.commit(ctx.bucket, key, received, fields, async (stored) => {
    await services.report(
      {
        kind: 'created',
        by: 'CompleteMultipartUpload',
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
  await services.uploads.remove(upload);
  sendXml(
    ctx.res,
    200,
    `<CompleteMultipartUploadResult xmlns="${S3_NAMESPACE}">${element('Location', `/${ctx.bucket}/${encodeURIComponent(key)}`)}` +
      `${element('Bucket', ctx.bucket)}${element('Key', key)}${element('ETag', quoted(etag))}</CompleteMultipartUploadResult>`,
    committed.versionId === undefined ? {} : { 'x-amz-version-id': committed.versionId },
  );
}

export async function abortMultipartUpload(ctx: Ctx, services: Services, key: string): Promise<void> {
  await services.uploads.remove(await uploadOf(ctx, services, key));
  ctx.res.writeHead(204);
  ctx.res.end();
}

/** ListMultipartUploads (`GET /<bucket>?uploads`): prefix, key/upload-id markers and max-uploads; no delimiter. */
export async function listMultipartUploads(ctx: Ctx, services: Services): Promise<void> {
  const { query } = ctx;
  services.store.index(ctx.bucket);
  if (query.has('delimiter')) {
    throw new S3Error(
      'NotImplemented',
      501,
      'ListMultipartUploads with a delimiter is not implemented here.',
    );
  }
  const prefix = query.get('prefix') ?? '';
  const keyMarker = query.get('key-marker') ?? '';
  const idMarker = query.get('upload-id-marker') ?? '';
  const maxUploads = Math.min(1000, Math.max(0, Number(query.get('max-uploads') ?? 1000) || 0));
  const all = (await services.uploads.list(ctx.bucket)).filter((u) => u.key.startsWith(prefix));
  const start = keyMarker
    ? all.findIndex((u) => {
        const order = Buffer.compare(Buffer.from(u.key, 'utf8'), Buffer.from(keyMarker, 'utf8'));
        return order > 0 || (order === 0 && idMarker !== '' && u.id > idMarker);
      })
    : 0;
  const after = start < 0 ? [] : all.slice(start);
  const page = after.slice(0, maxUploads);
  const truncated = after.length > page.length;
  const last = page.at(-1);
  const person = `${element('ID', OWNER.id)}${element('DisplayName', OWNER.displayName)}`;
  const uploads = page
    .map(
      (u) =>
        `<Upload>${element('Key', u.key)}${element('UploadId', u.id)}<Initiator>${person}</Initiator>` +
        `<Owner>${person}</Owner>${element('StorageClass', 'STANDARD')}${element('Initiated', u.initiated)}</Upload>`,
    )
    .join('');
  sendXml(
    ctx.res,
    200,
    `<ListMultipartUploadsResult xmlns="${S3_NAMESPACE}">${element('Bucket', ctx.bucket)}` +
      `${element('KeyMarker', keyMarker)}${element('UploadIdMarker', idMarker)}` +
      `${truncated && last ? `${element('NextKeyMarker', last.key)}${element('NextUploadIdMarker', last.id)}` : ''}` +
      `${element('Prefix', prefix)}${element('MaxUploads', maxUploads)}${element('IsTruncated', truncated)}` +
      `${uploads}</ListMultipartUploadsResult>`,
  );
}

export async function listParts(ctx: Ctx, services: Services, key: string): Promise<void> {
  const upload = await uploadOf(ctx, services, key);
  const maxParts = Math.min(Number(ctx.query.get('max-parts') ?? 1000) || 1000, 1000);
  const marker = Number(ctx.query.get('part-number-marker') ?? 0) || 0;
  const after = (await services.uploads.parts(upload)).filter((p) => p.number > marker);
  const page = after.slice(0, maxParts);
  const truncated = after.length > page.length;
  const parts = page
    .map(
      (p) =>
        `<Part>${element('PartNumber', p.number)}${element('LastModified', p.lastModified)}` +
        `${element('ETag', quoted(p.etag))}${element('Size', p.size)}</Part>`,
    )
    .join('');
  const person = `${element('ID', OWNER.id)}${element('DisplayName', OWNER.displayName)}`;
  sendXml(
    ctx.res,
    200,
    `<ListPartsResult xmlns="${S3_NAMESPACE}">${element('Bucket', ctx.bucket)}${element('Key', key)}` +
      `${element('UploadId', upload.id)}<Initiator>${person}</Initiator><Owner>${person}</Owner>` +
      `${element('StorageClass', 'STANDARD')}${element('PartNumberMarker', marker)}` +
      `${truncated ? element('NextPartNumberMarker', page.at(-1)?.number) : ''}${element('MaxParts', maxParts)}` +
      `${element('IsTruncated', truncated)}${parts}</ListPartsResult>`,
  );
}
