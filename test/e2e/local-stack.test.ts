import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordId } from '../../lib/store/id.ts';
import type { SummaryRecord } from '../../lib/store/record.ts';
import { type OpenAiTestServer, startOpenAiTestServer } from '../support/openai-server.ts';
import { pollJson, type StackProcess, startStackProcess } from '../support/stack-process.ts';

const FIXTURE = join(import.meta.dirname, '../../../shared/fixtures/interpol-ar.txt');
const FIXTURE_KEY = 'incoming/تقرير الإنتربول (1).txt';
const settled = (r: SummaryRecord, status: number) =>
  status === 200 && (r.status === 'done' || r.status === 'failed');

/** A client as a user would configure one: any credentials, SDK defaults (aws-chunked uploads). */
const userClient = (endpoint: string) =>
  new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'AKIAUSERKEY', secretAccessKey: 'user-secret' },
  });

const portIsClosed = (url: string) =>
  new Promise<boolean>((resolve) => {
    const { hostname, port } = new URL(url);
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });

describe('npm start without a key (offline summariser)', () => {
  let dataDir: string;
  let stack: StackProcess;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'khulasa-e2e-'));
    // Exported-but-empty variables, as a copied .env leaves them: the defaults apply.
    stack = await startStackProcess({
      KHULASA_DATA_DIR: dataDir,
      OPENAI_API_KEY: '',
      LLM_PROVIDER: '',
      OPENAI_MODEL: '',
    });
  }, 90_000);

  afterAll(async () => {
    await stack?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('summarises the bundled samples into an empty bucket and prints one', async () => {
    const line = await stack.waitForOutput(/✓ done {4}samples\/\S+/, 60_000);
    expect(line).toMatch(/samples\/(ar|en)-/);
    expect(stack.output()).toMatch(/\n {4}(ar|en): \S+/);
  });

  it('turns an upload under an Arabic key with spaces and parentheses into a served record', async () => {
    const s3 = userClient(stack.s3Endpoint);
    await s3.send(
      new PutObjectCommand({ Bucket: 'articles', Key: FIXTURE_KEY, Body: await readFile(FIXTURE) }),
    );

    const record = await pollJson<SummaryRecord>(
      `${stack.apiUrl}/summaries/${recordId('articles', FIXTURE_KEY)}`,
      settled,
    );

    expect(record.status).toBe('done');
    expect(record.source.key).toBe(FIXTURE_KEY);
    expect(record.article?.title).toBe('الإنتربول يحذر من تزايد الاتجار بالبشر المرتبط بالاحتيال الإلكتروني');
    expect(record.article?.language).toBe('ar');
    expect(record.model?.provider).toBe('extractive');
    expect(record.summaries.ar?.summary.length).toBeGreaterThan(40);
    expect(record.summaries.en).toBeUndefined();
    expect(record.quality.flags).toContain('missing_language:en');
  });

  it('ends an empty upload as failed with code empty and keeps serving', async () => {
    const s3 = userClient(stack.s3Endpoint);
    await s3.send(
      new PutObjectCommand({ Bucket: 'articles', Key: 'incoming/empty.txt', Body: new Uint8Array() }),
    );

    const record = await pollJson<SummaryRecord>(
      `${stack.apiUrl}/summaries/${recordId('articles', 'incoming/empty.txt')}`,
      settled,
    );

    expect(record.status).toBe('failed');
    expect(record.error?.code).toBe('empty');
    expect(record.error?.message).toMatch(/empty/i);
    expect((await fetch(`${stack.apiUrl}/health`)).status).toBe(200);
  });

  it('lists the records newest first', async () => {
    const page = await pollJson<{ items: SummaryRecord[]; nextCursor: string | null }>(
      `${stack.apiUrl}/summaries?limit=100`,
      (body) => body.items.length >= 5,
    );
    const created = page.items.map((r) => r.createdAt);
    expect(created).toEqual([...created].sort().reverse());
  });

  it('stops everything it started on SIGTERM', async () => {
    const code = await stack.stop();
    expect(code).toBe(0);
    expect(await portIsClosed(stack.s3Endpoint)).toBe(true);
    expect(await portIsClosed(stack.dynamoEndpoint)).toBe(true);
    expect(await portIsClosed(stack.apiUrl)).toBe(true);
  });
});

describe('npm start with an OpenAI-compatible server', () => {
  let dataDir: string;
  let stack: StackProcess;
  let llm: OpenAiTestServer;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'khulasa-e2e-llm-'));
    llm = await startOpenAiTestServer({ apiKey: 'sk-khulasa-test' });
    stack = await startStackProcess({
      KHULASA_DATA_DIR: dataDir,
      KHULASA_SAMPLES: 'false',
      OPENAI_API_KEY: 'sk-khulasa-test',
      OPENAI_BASE_URL: llm.url,
      OPENAI_MODEL: 'khulasa-test-model',
      // As people write it: the provider's name is read whatever its case.
      LLM_PROVIDER: 'OpenAI',
    });
  }, 90_000);

  afterAll(async () => {
    await stack?.stop();
    await llm?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('summarises an upload made with a real S3 client into both languages with one LLM call', async () => {
    // The AWS CLI when it is installed (CI installs it), the SDK otherwise: both are real S3 clients.
    const hasCli = spawnSync('aws', ['--version']).status === 0;
    const file = join(dataDir, 'upload.txt');
    await writeFile(file, await readFile(FIXTURE));
    if (hasCli) {
      execFileSync(
        'aws',
        ['--endpoint-url', stack.s3Endpoint, 's3', 'cp', file, `s3://articles/${FIXTURE_KEY}`],
        {
          env: {
            ...process.env,
            AWS_ACCESS_KEY_ID: 'AKIACLIUSER',
            AWS_SECRET_ACCESS_KEY: 'cli-secret',
            AWS_DEFAULT_REGION: 'us-east-1',
          },
        },
      );
    } else {
      await userClient(stack.s3Endpoint).send(
        new PutObjectCommand({ Bucket: 'articles', Key: FIXTURE_KEY, Body: await readFile(file) }),
      );
    }

    const record = await pollJson<SummaryRecord>(
      `${stack.apiUrl}/summaries/${recordId('articles', FIXTURE_KEY)}`,
      settled,
    );

    expect(record.status).toBe('done');
    expect(record.source.key).toBe(FIXTURE_KEY);
    expect(Object.keys(record.summaries).sort()).toEqual(['ar', 'en']);
    expect(record.model).toMatchObject({ provider: 'openai', name: 'khulasa-test-model' });
    expect(record.usage?.llmCalls).toBe(1);
    expect(llm.chatRequests()).toHaveLength(1);
    expect(llm.chatRequests()[0]?.headers.authorization).toBe('Bearer sk-khulasa-test');
    // Only the main article reaches the model: every Interpol paragraph, nothing of the postal article.
    const sent = JSON.stringify(llm.chatRequests()[0]?.body.messages);
    expect(sent).toContain('حذرت وكالة الشرطة الدولية (الإنتربول)');
    expect(sent).toContain('وينسق التعاون الشرطي الدولي');
    expect(sent).not.toContain('داليا الباز');
    expect(sent).not.toContain('اللجنة العربية الدائمة للبريد');
  });

  it('does not print the API key', () => {
    expect(stack.output()).not.toContain('sk-khulasa-test');
  });
});
