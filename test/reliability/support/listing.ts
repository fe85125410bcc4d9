import { ListObjectsV2Command, type ListObjectsV2CommandOutput } from '@aws-sdk/client-s3';
import { awsCli, BUCKET, hasAwsCli, userS3 } from './harness.ts';

/**
 * The bucket as a user sees it: through the AWS CLI when it is installed (CI installs it), through
 * the SDK otherwise. Either way a real S3 client talking HTTP to the local S3.
 */

/** `aws s3 ls --recursive s3://articles`: every key, in the order listed. */
export async function listKeysRecursive(endpoint: string): Promise<string[]> {
  if (hasAwsCli()) {
    const out = awsCli(endpoint, ['s3', 'ls', '--recursive', `s3://${BUCKET}`]);
    // `2026-11-29 13:29:00        123 some/key with spaces.txt`
    return out
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => {
        const match = /^\S+ \S+ +\d+ (.*)$/.exec(line);
        if (!match?.[1]) throw new Error(`unexpected aws s3 ls line: ${line}`);
        return match[1];
      });
  }
  return (await sdkPages(endpoint, 1000)).flatMap((page) => (page.Contents ?? []).map((o) => o.Key ?? ''));
}

/** `aws s3api list-objects-v2 --page-size N`: the CLI follows the continuation tokens itself. */
export async function listKeysPaged(endpoint: string, pageSize: number): Promise<string[]> {
  if (hasAwsCli()) {
    const out = awsCli(endpoint, [
      's3api',
      'list-objects-v2',
      '--bucket',
      BUCKET,
      '--page-size',
      String(pageSize),
      '--query',
      'Contents[].Key',
      '--output',
      'json',
    ]);
    return JSON.parse(out) as string[];
  }
  return (await sdkPages(endpoint, pageSize)).flatMap((page) =>
    (page.Contents ?? []).map((o) => o.Key ?? ''),
  );
}

/** ListObjectsV2 page by page with `MaxKeys`, following `NextContinuationToken`; at most 1,000 pages. */
export async function sdkPages(endpoint: string, maxKeys: number): Promise<ListObjectsV2CommandOutput[]> {
  const s3 = userS3(endpoint);
  const pages: ListObjectsV2CommandOutput[] = [];
  try {
    let token: string | undefined;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({ Bucket: BUCKET, MaxKeys: maxKeys, ContinuationToken: token }),
      );
      pages.push(page);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token && pages.length < 1000);
  } finally {
    s3.destroy();
  }
  return pages;
}
