import { GetObjectCommand, HeadObjectCommand, type S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { SourceChangedError, SourceMissingError } from '../errors.ts';
import type { ObjectHead, ObjectSource } from '../pipeline/ports.ts';

const unquote = (etag: string | undefined): string | null => (etag ? etag.replace(/^"|"$/g, '') : null);

function statusOf(e: unknown): number | undefined {
  return e instanceof S3ServiceException ? e.$metadata.httpStatusCode : undefined;
}

/** Translate the S3 answers that are facts about the object into typed article errors. */
function mapS3Error(e: unknown, key: string): unknown {
  const status = statusOf(e);
  const name = e instanceof Error ? e.name : '';
  if (status === 404 || name === 'NoSuchKey' || name === 'NotFound' || name === 'NoSuchVersion') {
    return new SourceMissingError(key);
  }
  if (status === 412 || name === 'PreconditionFailed') return new SourceChangedError(key);
  return e;
}

/** The object source backed by S3 (AWS or any S3-compatible endpoint the SDK is pointed at). */
export class S3ObjectSource implements ObjectSource {
  private readonly client: S3Client;

  constructor(client: S3Client) {
    this.client = client;
  }

  async head(bucket: string, key: string, versionId: string | null): Promise<ObjectHead> {
    try {
      const out = await this.client.send(
        new HeadObjectCommand({ Bucket: bucket, Key: key, ...(versionId ? { VersionId: versionId } : {}) }),
      );
      return {
        size: out.ContentLength ?? 0,
        etag: unquote(out.ETag),
        contentType: out.ContentType ?? null,
        versionId: out.VersionId ?? null,
      };
    } catch (e: unknown) {
      throw mapS3Error(e, key);
    }
  }

  async read(
    bucket: string,
    key: string,
    opts: { versionId: string | null; ifMatch: string | null },
  ): Promise<Uint8Array> {
    try {
      const out = await this.client.send(
        new GetObjectCommand({
          Bucket: bucket,
          Key: key,
          ...(opts.versionId ? { VersionId: opts.versionId } : {}),
          ...(opts.ifMatch ? { IfMatch: `"${opts.ifMatch}"` } : {}),
        }),
      );
      if (!out.Body) return new Uint8Array();
      return await out.Body.transformToByteArray();
    } catch (e: unknown) {
      throw mapS3Error(e, key);
    }
  }
}
