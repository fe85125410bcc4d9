/**
 * `npm start`: the whole pipeline on this machine. Prints the endpoints, uploads `samples/`
 * into an empty bucket, and prints each summary as it lands.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { recordId } from '../../lib/store/id.ts';
import type { SummaryRecord } from '../../lib/store/record.ts';
import { startLocalStack } from './stack.ts';

const port = (fallback: number) => z.coerce.number().int().min(0).max(65_535).default(fallback);
const Env = z.object({
  S3_PORT: port(4569),
  DYNAMODB_PORT: port(8000),
  PORT: port(3000),
  KHULASA_DATA_DIR: z.string().min(1).default('.khulasa'),
  KHULASA_SAMPLES: z.enum(['true', 'false']).default('true'),
  LOCAL_RETRY_DELAYS: z
    .string()
    .default('2,5,10')
    .transform((v) => v.split(',').map(Number))
    .pipe(z.array(z.number().nonnegative()).min(1)),
  MAX_RECEIVE_COUNT: z.coerce.number().int().min(1).max(100).default(3),
  LOCAL_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  LOCAL_FUNCTION_TIMEOUT_SECONDS: z.coerce.number().int().min(5).max(900).default(300),
});

const parsed = Env.safeParse(process.env);
if (!parsed.success) {
  console.error(
    `khulasa: invalid local configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
  );
  process.exit(2);
}
const env = parsed.data;
const colour = process.stdout.isTTY;
const dim = (s: string) => (colour ? `\x1b[2m${s}\x1b[0m` : s);
const bold = (s: string) => (colour ? `\x1b[1m${s}\x1b[0m` : s);

let apiUrl = '';
async function printRecord(bucket: string, key: string): Promise<void> {
  const res = await fetch(`${apiUrl}/summaries/${recordId(bucket, key)}`);
  if (!res.ok) return;
  const record = (await res.json()) as SummaryRecord;
  if (record.status === 'failed') {
    console.log(`✗ failed  ${key}  ${dim(`${record.error?.code}: ${record.error?.message}`)}`);
    return;
  }
  if (record.status !== 'done') return;
  console.log(`✓ done    ${key}  ${bold(record.article?.title ?? '')}`);
  for (const [lang, summary] of Object.entries(record.summaries)) {
    console.log(`    ${lang}: ${summary.summary}`);
  }
  const missing = record.quality.flags.filter((f) => f.startsWith('missing_language:'));
  if (missing.length > 0 && record.model?.provider === 'extractive') {
    console.log(
      dim(
        `    (${missing.join(', ')}: the offline summariser does not translate; set OPENAI_API_KEY for both languages)`,
      ),
    );
  }
  console.log(dim(`    ${apiUrl}/summaries/${record.id}`));
}

const dataDir = resolve(env.KHULASA_DATA_DIR);
const stack = await startLocalStack({
  dataDir,
  s3Port: env.S3_PORT,
  dynamoPort: env.DYNAMODB_PORT,
  apiPort: env.PORT,
  maxReceiveCount: env.MAX_RECEIVE_COUNT,
  retryDelaysSeconds: env.LOCAL_RETRY_DELAYS,
  concurrency: env.LOCAL_CONCURRENCY,
  functionTimeoutSeconds: env.LOCAL_FUNCTION_TIMEOUT_SECONDS,
  onProcessed: (items) => {
    for (const item of items) void printRecord(item.bucket, item.key).catch(() => undefined);
  },
  onDeadLetter: (m) =>
    console.log(`✗ gave up on message ${m.messageId} after ${m.receiveCount} tries: ${m.lastError ?? ''}`),
});
apiUrl = stack.apiUrl;

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(dim(`\n${signal}: stopping khulasa…`));
  const force = setTimeout(() => process.exit(1), 10_000);
  force.unref();
  await stack.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));

const provider = process.env.LLM_PROVIDER ?? (process.env.OPENAI_API_KEY ? 'openai' : 'extractive');
console.log(`${bold('khulasa')} is running  ${dim(`(data in ${dataDir})`)}
  S3        ${stack.s3Endpoint}  bucket ${stack.bucket}  (any access key works)
  DynamoDB  ${stack.dynamoEndpoint}  table ${stack.tableName}
  API       ${stack.apiUrl}/summaries   health ${stack.apiUrl}/health
  LLM       ${provider}${provider === 'openai' ? ` (${process.env.OPENAI_MODEL ?? 'gpt-4o-mini'}${process.env.OPENAI_BASE_URL ? ` at ${process.env.OPENAI_BASE_URL}` : ''})` : ' (offline, source language only)'}

Upload an article:
  aws --endpoint-url ${stack.s3Endpoint} s3 cp article.txt s3://${stack.bucket}/incoming/
Then read it:
  curl -s ${stack.apiUrl}/summaries
`);

if (env.KHULASA_SAMPLES === 'true') {
  const s3 = new S3Client({
    endpoint: stack.s3Endpoint,
    forcePathStyle: true,
    region: process.env.AWS_REGION ?? 'us-east-1',
    credentials: { accessKeyId: 'khulasa-local', secretAccessKey: 'khulasa-local' },
  });
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: stack.bucket, MaxKeys: 1 }));
  if (!listed.KeyCount) {
    const dir = join(import.meta.dirname, '../../samples');
    const names = (await readdir(dir)).filter((n) => !n.startsWith('.')).sort();
    console.log(dim(`The bucket is empty: uploading ${names.length} sample articles from samples/ …`));
    for (const name of names) {
      await s3.send(
        new PutObjectCommand({
          Bucket: stack.bucket,
          Key: `samples/${name}`,
          Body: await readFile(join(dir, name)),
          ContentType: 'text/plain; charset=utf-8',
        }),
      );
    }
  }
}
