/** Service and bucket operations: ListBuckets, Create/Head/Delete bucket, location, listings, DeleteObjects. */
import { type Ctx, OWNER, quoted, type Services } from './context.ts';
import type { ObjectMeta } from './key-index.ts';
import { continuationToken, fromContinuationToken, type ListPage, listPage } from './listing.ts';
import {
  blocks,
  element,
  field,
  invalidArgument,
  S3_NAMESPACE,
  S3Error,
  sendXml,
  urlEncodeKey,
} from './xml.ts';

const owner = () => `<Owner>${element('ID', OWNER.id)}${element('DisplayName', OWNER.displayName)}</Owner>`;

export function listBuckets(ctx: Ctx, services: Services): void {
  const buckets = services.store
    .bucketNames()
    .map(
      (name) =>
        `<Bucket>${element('Name', name)}${element('CreationDate', services.store.createdAt(name))}</Bucket>`,
    )
    .join('');
  sendXml(
    ctx.res,
    200,
    `<ListAllMyBucketsResult xmlns="${S3_NAMESPACE}">${owner()}<Buckets>${buckets}</Buckets></ListAllMyBucketsResult>`,
  );
}

export async function createBucket(ctx: Ctx, services: Services): Promise<void> {
  await services.store.createBucket(ctx.bucket);
  ctx.res.writeHead(200, { location: `/${ctx.bucket}`, 'content-length': '0' });
  ctx.res.end();
}

export async function deleteBucket(ctx: Ctx, services: Services): Promise<void> {
  await services.store.deleteBucket(ctx.bucket);
  ctx.res.writeHead(204);
  ctx.res.end();
}

export function headBucket(ctx: Ctx, services: Services): void {
  services.store.index(ctx.bucket);
  ctx.res.writeHead(200, { 'x-amz-bucket-region': 'us-east-1', 'content-length': '0' });
  ctx.res.end();
}

export function getBucketLocation(ctx: Ctx, services: Services): void {
  services.store.index(ctx.bucket);
  // us-east-1 is reported as an empty LocationConstraint, as S3 does.
  sendXml(ctx.res, 200, `<LocationConstraint xmlns="${S3_NAMESPACE}"/>`);
}

function maxKeysOf(ctx: Ctx): number {
  const raw = ctx.query.get('max-keys');
  if (raw === null) return 1000;
  if (!/^\d+$/.test(raw))
    throw invalidArgument('Provided max-keys not an integer or within integer range', 'max-keys', raw);
  return Math.min(Number(raw), 1000);
}

function encodingOf(ctx: Ctx): (text: string) => string {
  const type = ctx.query.get('encoding-type');
  if (type === null) return (text) => text;
  if (type.toLowerCase() !== 'url')
    throw invalidArgument('Invalid Encoding Method specified in Request', 'encoding-type', type);
  return urlEncodeKey;
}

function pageBody(page: ListPage, encode: (text: string) => string, withOwner: boolean): string {
  const contents = page.contents
    .map(
      (meta: ObjectMeta) =>
        `<Contents>${element('Key', encode(meta.key))}${element('LastModified', meta.lastModified)}` +
        `${element('ETag', quoted(meta.etag))}${element('Size', meta.size)}${withOwner ? owner() : ''}` +
        `${element('StorageClass', 'STANDARD')}</Contents>`,
    )
    .join('');
  const prefixes = page.commonPrefixes
    .map((p) => `<CommonPrefixes>${element('Prefix', encode(p))}</CommonPrefixes>`)
    .join('');
  return contents + prefixes;
}

export function listObjects(ctx: Ctx, services: Services): void {
  const index = services.store.index(ctx.bucket);
  const encode = encodingOf(ctx);
  const prefix = ctx.query.get('prefix') ?? '';
  const delimiter = ctx.query.get('delimiter') ?? '';
  const maxKeys = maxKeysOf(ctx);
  const encodingType = ctx.query.get('encoding-type') === null ? undefined : 'url';
  let body: string;
  if (ctx.query.get('list-type') === '2') {
    const token = ctx.query.get('continuation-token');
    const fromToken = token === null ? undefined : fromContinuationToken(token);
    if (token !== null && (token === '' || fromToken === undefined)) {
      throw invalidArgument('The continuation token provided is incorrect', 'continuation-token', token);
    }
    const startAfter = ctx.query.get('start-after') ?? undefined;
    const page = listPage(index, {
      prefix,
      delimiter,
      maxKeys,
      after: fromToken ?? (startAfter || undefined),
    });
    body =
      `<ListBucketResult xmlns="${S3_NAMESPACE}">${element('Name', ctx.bucket)}${element('Prefix', encode(prefix))}` +
      `${element('MaxKeys', maxKeys)}${element('KeyCount', page.contents.length + page.commonPrefixes.length)}` +
      `${delimiter ? element('Delimiter', encode(delimiter)) : ''}${element('IsTruncated', page.isTruncated)}` +
      `${token === null ? '' : element('ContinuationToken', token)}` +
      `${page.isTruncated && page.last !== undefined ? element('NextContinuationToken', continuationToken(page.last)) : ''}` +
      `${startAfter ? element('StartAfter', encode(startAfter)) : ''}${element('EncodingType', encodingType)}` +
      `${pageBody(page, encode, ctx.query.get('fetch-owner') === 'true')}</ListBucketResult>`;
  } else {
    const marker = ctx.query.get('marker') ?? '';
    const page = listPage(index, { prefix, delimiter, maxKeys, after: marker || undefined });
    body =
      `<ListBucketResult xmlns="${S3_NAMESPACE}">${element('Name', ctx.bucket)}${element('Prefix', encode(prefix))}` +
      `${element('Marker', encode(marker))}${element('MaxKeys', maxKeys)}` +
      `${delimiter ? element('Delimiter', encode(delimiter)) : ''}${element('IsTruncated', page.isTruncated)}` +
      `${page.isTruncated && page.last !== undefined ? element('NextMarker', encode(page.last)) : ''}` +
      `${element('EncodingType', encodingType)}${pageBody(page, encode, true)}</ListBucketResult>`;
  }
  sendXml(ctx.res, 200, body);
}

async function readText(ctx: Ctx, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new S3Error('MalformedXML', 400, 'The XML you provided was too large.');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function readXmlBody(ctx: Ctx): Promise<string> {
  return readText(ctx, 4 * 1024 * 1024);
}

/** DeleteObjects (`POST /<bucket>?delete`): what `aws s3 rm --recursive` sends. */
export async function deleteObjects(ctx: Ctx, services: Services): Promise<void> {
  services.store.index(ctx.bucket);
  const xml = await readXmlBody(ctx);
  const keys = blocks(xml, 'Object').map((object) => field(object, 'Key'));
  if (keys.length === 0 || keys.length > 1000 || keys.some((k) => k === undefined || k === '')) {
    throw new S3Error(
      'MalformedXML',
      400,
      'The XML you provided was not well-formed or did not validate against our published schema.',
    );
  }
  const quiet = field(xml, 'Quiet')?.trim().toLowerCase() === 'true';
  const results: string[] = [];
  for (const key of keys as string[]) {
    // A store or event failure fails the whole request: no key is reported deleted unless it is.
    const removal = await services.store.remove(ctx.bucket, key, (r) =>
      services.report({ kind: 'removed', bucket: ctx.bucket, key, ...r }, ctx),
    );
    const marker = removal?.markerCreated
      ? `${element('DeleteMarker', true)}${element('DeleteMarkerVersionId', removal.versionId)}`
      : '';
    if (!quiet) results.push(`<Deleted>${element('Key', key)}${marker}</Deleted>`);
  }
  sendXml(ctx.res, 200, `<DeleteResult xmlns="${S3_NAMESPACE}">${results.join('')}</DeleteResult>`);
}
