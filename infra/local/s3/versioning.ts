/** Bucket versioning operations: Get/PutBucketVersioning and ListObjectVersions. */
import { readXmlBody } from './buckets.ts';
import { type Ctx, OWNER, quoted, type Services } from './context.ts';
import { isDeleteMarker, type Version, versionIdOf } from './versions.ts';
import { element, field, S3_NAMESPACE, S3Error, sendXml, urlEncodeKey } from './xml.ts';

const malformed = () =>
  new S3Error(
    'MalformedXML',
    400,
    'The XML you provided was not well-formed or did not validate against our published schema.',
  );

export function getBucketVersioning(ctx: Ctx, services: Services): void {
  const status = services.store.versioningOf(ctx.bucket);
  sendXml(
    ctx.res,
    200,
    `<VersioningConfiguration xmlns="${S3_NAMESPACE}">${element('Status', status)}</VersioningConfiguration>`,
  );
}

export async function putBucketVersioning(ctx: Ctx, services: Services): Promise<void> {
  services.store.index(ctx.bucket);
  const status = field(await readXmlBody(ctx), 'Status')?.trim();
  if (status !== 'Enabled' && status !== 'Suspended') throw malformed();
  await services.store.setVersioning(ctx.bucket, status);
  ctx.res.writeHead(200, { 'content-length': '0' });
  ctx.res.end();
}

const MAX_KEYS = 1000;

/**
 * ListObjectVersions: every version of every key under `prefix`, keys in S3's order and each
 * key's versions newest first, paged by `key-marker`/`version-id-marker`. No delimiter support.
 */
export function listObjectVersions(ctx: Ctx, services: Services): void {
  const { query } = ctx;
  if (query.has('delimiter')) {
    throw new S3Error('NotImplemented', 501, 'ListObjectVersions with a delimiter is not implemented here.');
  }
  const prefix = query.get('prefix') ?? '';
  const keyMarker = query.get('key-marker') ?? '';
  const versionMarker = query.get('version-id-marker') ?? '';
  const maxKeys = Math.min(MAX_KEYS, Math.max(0, Number(query.get('max-keys') ?? MAX_KEYS) || 0));
  const encode = query.get('encoding-type') === 'url';
  const store = services.store;
  const keys = new Set<string>(store.versionedKeys(ctx.bucket));
  const index = store.index(ctx.bucket);
  for (let i = index.firstAtOrAfter(Buffer.from(prefix, 'utf8')); ; i++) {
    const entry = index.at(i);
    if (!entry?.meta.key.startsWith(prefix)) break;
    keys.add(entry.meta.key);
  }
  const sorted = [...keys]
    .filter((k) => k.startsWith(prefix))
    .sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));

  const entries: string[] = [];
  let truncated = false;
  let next: { key: string; versionId: string } | undefined;
  outer: for (const key of sorted) {
    if (keyMarker && Buffer.compare(Buffer.from(key, 'utf8'), Buffer.from(keyMarker, 'utf8')) < 0) continue;
    const { current, older } = store.versionsOf(ctx.bucket, key);
    const all: Version[] = current ? [current, ...older] : older;
    let start = 0;
    if (key === keyMarker) {
      if (!versionMarker) continue;
      start = all.findIndex((v) => versionIdOf(v) === versionMarker) + 1;
    }
    for (const [i, v] of all.slice(start).entries()) {
      if (entries.length === maxKeys) {
        truncated = true;
        break outer;
      }
      entries.push(versionEntry(v, start + i === 0 && current !== undefined, encode));
      next = { key, versionId: versionIdOf(v) };
    }
  }
  const nextMarkers =
    truncated && next
      ? `${element('NextKeyMarker', encode ? urlEncodeKey(next.key) : next.key)}${element('NextVersionIdMarker', next.versionId)}`
      : '';
  const body =
    `<ListVersionsResult xmlns="${S3_NAMESPACE}">${element('Name', ctx.bucket)}` +
    `${element('Prefix', prefix)}${element('KeyMarker', keyMarker)}${element('VersionIdMarker', versionMarker)}` +
    `${element('MaxKeys', maxKeys)}${element('IsTruncated', truncated)}${nextMarkers}` +
    `${encode ? element('EncodingType', 'url') : ''}${entries.join('')}</ListVersionsResult>`;
  sendXml(ctx.res, 200, body);
}

function versionEntry(v: Version, isLatest: boolean, encode: boolean): string {
  const owner = `<Owner>${element('ID', OWNER.id)}${element('DisplayName', OWNER.displayName)}</Owner>`;
  const common =
    `${element('Key', encode ? urlEncodeKey(v.key) : v.key)}${element('VersionId', versionIdOf(v))}` +
    `${element('IsLatest', isLatest)}${element('LastModified', v.lastModified)}`;
  if (isDeleteMarker(v)) return `<DeleteMarker>${common}${owner}</DeleteMarker>`;
  return (
    `<Version>${common}${element('ETag', quoted(v.etag))}${element('Size', v.size)}` +
    `${element('StorageClass', 'STANDARD')}${owner}</Version>`
  );
}
