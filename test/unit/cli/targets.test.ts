import { createHash, createHmac } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, bearer } from '../../../cli/api-client.ts';
import { readStackOutputs, regionOf } from '../../../cli/aws-target.ts';
import { CliError } from '../../../cli/errors.ts';
import { collectUploads, contentTypeOf } from '../../../cli/files.ts';
import { createApiSigner } from '../../../cli/sigv4.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'khulasa-cli-unit-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const outputs = {
  BucketName: 'khulasa-prod-articles',
  ApiUrl: 'https://abc123.execute-api.eu-west-1.amazonaws.com/',
  TableName: 'Khulasa-prod-Table',
  QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/ingest',
  DeadLetterQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/ingest-dlq',
};

describe('CDK outputs', () => {
  it('reads a stack’s outputs from the file cdk deploy --outputs-file writes', async () => {
    const file = join(dir, 'cdk-outputs.json');
    await writeFile(file, JSON.stringify({ 'Khulasa-prod': outputs }));

    await expect(readStackOutputs(file, 'Khulasa-prod')).resolves.toEqual(outputs);
    expect(regionOf(outputs.QueueUrl)).toBe('eu-west-1');
  });

  it('names the missing file, or the stacks the file does hold', async () => {
    const file = join(dir, 'other-outputs.json');
    await writeFile(file, JSON.stringify({ 'Khulasa-dev': outputs }));

    await expect(readStackOutputs(join(dir, 'none.json'), 'Khulasa-prod')).rejects.toThrow(
      /npx cdk deploy --outputs-file/,
    );
    await expect(readStackOutputs(file, 'Khulasa-prod')).rejects.toThrow(
      /stack Khulasa-prod is not in .*stacks there: Khulasa-dev/,
    );
  });
});

describe('collectUploads', () => {
  it('maps files to <prefix><name> and folders to <prefix><path inside>, skipping hidden files', async () => {
    const folder = join(dir, 'articles');
    await mkdir(join(folder, 'sub'), { recursive: true });
    await writeFile(join(folder, 'خبر.txt'), 'x');
    await writeFile(join(folder, 'sub', 'page.html'), '<p>x</p>');
    await writeFile(join(folder, '.DS_Store'), '');
    await writeFile(join(dir, 'single.md'), '# x');

    const items = await collectUploads([join(dir, 'single.md'), folder], 'incoming/');

    expect(items.map((i) => [i.key, i.contentType])).toEqual([
      ['incoming/single.md', 'text/markdown'],
      ['incoming/sub/page.html', 'text/html'],
      ['incoming/خبر.txt', 'text/plain'],
    ]);
  });

  it('fails with one clear error for a missing path', async () => {
    await expect(collectUploads([join(dir, 'missing.txt')], '')).rejects.toThrow(CliError);
    expect(contentTypeOf('scan.PDF')).toBe('application/pdf');
    expect(contentTypeOf('notes.xyz')).toBe('application/octet-stream');
  });
});

describe('ApiClient', () => {
  it('follows cursors until the limit and sends the authorisation headers', async () => {
    const seen: { url: string; auth: string | undefined }[] = [];
    const pages: Record<string, unknown> = {
      '': { items: [{ id: '1' }, { id: '2' }], nextCursor: 'c1' },
      c1: { items: [{ id: '3' }, { id: '4' }], nextCursor: 'c2' },
    };
    const fakeFetch = (async (input: string | URL | Request, init?: RequestInit) => {
      const url = new URL(String(input));
      seen.push({
        url: url.href,
        auth: (init?.headers as Record<string, string> | undefined)?.authorization,
      });
      return Response.json(pages[url.searchParams.get('cursor') ?? '']);
    }) as typeof fetch;
    const api = new ApiClient('https://api.example/prod', bearer('jwt-token'), fakeFetch);

    const ids: string[] = [];
    for await (const r of api.listAll(3, 'done')) ids.push(r.id);

    expect(ids).toEqual(['1', '2', '3']);
    expect(seen.map((s) => s.url)).toEqual([
      'https://api.example/prod/summaries?limit=3&status=done',
      'https://api.example/prod/summaries?limit=1&cursor=c1&status=done',
    ]);
    expect(seen.every((s) => s.auth === 'Bearer jwt-token')).toBe(true);
  });

  it('turns an API problem into an error carrying the status and detail', async () => {
    const fakeFetch = (async () =>
      Response.json(
        { title: 'Not Found', status: 404, detail: 'No summary with this id.' },
        { status: 404 },
      )) as unknown as typeof fetch;
    const api = new ApiClient('http://127.0.0.1:1', undefined, fakeFetch);

    await expect(api.get('x')).rejects.toMatchObject({ status: 404, message: /No summary with this id/ });
    await expect(api.find('x')).resolves.toBeNull();
  });
});

describe('createApiSigner', () => {
  const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
  const hmac = (key: string | Buffer, s: string) => createHmac('sha256', key).update(s).digest();

  it('signs execute-api requests with a SigV4 signature that verifies independently', async () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
    const sign = createApiSigner('eu-west-1', async () => ({
      accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: secret,
      sessionToken: 'session',
    }));
    const url = new URL('https://abc.execute-api.eu-west-1.amazonaws.com/summaries?limit=5');

    const headers = await sign(url);

    const date = headers['x-amz-date'] ?? '';
    const day = date.slice(0, 8);
    const signed = 'host;x-amz-content-sha256;x-amz-date;x-amz-security-token';
    const canonical = [
      'GET',
      '/summaries',
      'limit=5',
      `host:${url.host}`,
      `x-amz-content-sha256:${headers['x-amz-content-sha256']}`,
      `x-amz-date:${date}`,
      'x-amz-security-token:session',
      '',
      signed,
      sha256(''),
    ].join('\n');
    const scope = `${day}/eu-west-1/execute-api/aws4_request`;
    const toSign = ['AWS4-HMAC-SHA256', date, scope, sha256(canonical)].join('\n');
    let key = hmac(`AWS4${secret}`, day);
    for (const part of ['eu-west-1', 'execute-api', 'aws4_request']) key = hmac(key, part);
    const expected = createHmac('sha256', key).update(toSign).digest('hex');

    expect(headers.authorization).toBe(
      `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/${scope}, SignedHeaders=${signed}, Signature=${expected}`,
    );
    expect(headers['x-amz-content-sha256']).toBe(sha256(''));
  });
});
