/**
 * PostObject: an HTML form upload (`POST /<bucket>`, multipart/form-data) — the request behind
 * `ObjectCreated:Post` events. Form policies and signatures are not checked, like every other
 * signature here.
 */
import { type Ctx, header, quoted, type Services } from './context.ts';
import { checkKey } from './store.ts';
import { element, invalidArgument, S3_NAMESPACE, S3Error, sendXml } from './xml.ts';

const FILENAME_VARIABLE = ['$', '{filename}'].join('');
const MAX_FORM_BYTES = 64 * 1024 * 1024;

interface FormPart {
  name: string;
  filename: string | undefined;
  contentType: string | undefined;
  value: Buffer;
}

async function readForm(ctx: Ctx, boundary: string): Promise<FormPart[]> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES)
      throw new S3Error('EntityTooLarge', 400, 'Your proposed upload exceeds the maximum allowed size.');
    chunks.push(chunk);
  }
  const body = Buffer.concat(chunks);
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: FormPart[] = [];
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    const start = at + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, start);
    if (next < 0) break;
    const raw = body.subarray(start + 2, next - 2); // skip the CRLF after the boundary and before the next
    const headerEnd = raw.indexOf('\r\n\r\n');
    if (headerEnd >= 0) {
      const headers = raw.subarray(0, headerEnd).toString('utf8');
      const disposition = /content-disposition:[^\r\n]*/i.exec(headers)?.[0] ?? '';
      const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
      if (name !== undefined) {
        parts.push({
          name,
          filename: /\bfilename="([^"]*)"/i.exec(disposition)?.[1],
          contentType: /content-type:\s*([^\r\n]*)/i.exec(headers)?.[1],
          value: raw.subarray(headerEnd + 4),
        });
      }
    }
    at = next;
  }
  return parts;
}

export async function postObject(ctx: Ctx, services: Services): Promise<void> {
  services.store.index(ctx.bucket);
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(header(ctx.req, 'content-type') ?? '');
  if (!boundary) throw invalidArgument('POST requires a multipart/form-data body.', 'Content-Type');
  const parts = await readForm(ctx, (boundary[1] ?? boundary[2] ?? '').trim());
  const file = parts.find((p) => p.name.toLowerCase() === 'file');
  const fieldValue = (name: string) =>
    parts.find((p) => p !== file && p.name.toLowerCase() === name)?.value.toString('utf8');
  const keyTemplate = fieldValue('key');
  if (!file || keyTemplate === undefined) {
    throw invalidArgument('Bucket POST must contain a field named key and a file.', 'key');
  }
  // S3 substitutes the literal `${filename}` in the key field with the uploaded file's name.
  const key = keyTemplate.replaceAll(FILENAME_VARIABLE, file.filename ?? '');
  checkKey(key);
  const metadata: Record<string, string> = {};
  for (const part of parts) {
    const name = part.name.toLowerCase();
    if (name.startsWith('x-amz-meta-'))
      metadata[name.slice('x-amz-meta-'.length)] = part.value.toString('utf8');
  }
  const headers = { 'content-type': fieldValue('content-type') ?? file.contentType ?? 'binary/octet-stream' };
  const received = await services.store.receive(
    ctx.bucket,
    key,
    (async function* () {
      yield file.value;
    })(),
  );
  const meta = await services.store.commit(
    ctx.bucket,
    key,
    received,
    { headers, metadata },
    async (stored) => {
      await services.report(
        {
          kind: 'created',
          by: 'Post',
          bucket: ctx.bucket,
          key,
          size: stored.size,
          eTag: stored.etag,
          versionId: stored.versionId,
        },
        ctx,
      );
      return stored;
    },
  );
  const location = `/${ctx.bucket}/${encodeURIComponent(key)}`;
  const status = Number(fieldValue('success_action_status') ?? 204);
  if (status === 201) {
    sendXml(
      ctx.res,
      201,
      `<PostResponse xmlns="${S3_NAMESPACE}">${element('Location', location)}${element('Bucket', ctx.bucket)}` +
        `${element('Key', key)}${element('ETag', quoted(meta.etag))}</PostResponse>`,
      { etag: quoted(meta.etag), location },
    );
    return;
  }
  ctx.res.writeHead(status === 200 ? 200 : 204, { etag: quoted(meta.etag), location });
  ctx.res.end();
}
