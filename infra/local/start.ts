/**
 * `npm start`: the whole pipeline on this machine. Prints the endpoints, uploads `samples/`
 * into an empty bucket, prints each summary as it lands, and `khulasa: ready` once start-up
 * (samples included) is complete. Any start-up problem is one line on stderr and a non-zero exit.
 */
import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { loadEventsConfig } from '../../lib/config/events.ts';
import { loadIngestConfig } from '../../lib/config/ingest.ts';
import { recordId } from '../../lib/store/id.ts';
import type { SummaryRecord } from '../../lib/store/record.ts';
import { gaveUpLine } from './guidance.ts';
import { type LocalConfig, parseLocalConfig } from './local-config.ts';
import { type LocalStack, startLocalStack } from './stack.ts';
import { explainStartFailure } from './startup-errors.ts';

/** The line printed once start-up is complete: scripts and tests wait for it. */
export const READY_LINE = 'khulasa: ready';

const debug = Boolean(process.env.DEBUG);
let ports = { S3: 4569, DynamoDB: 8000, API: 3000 };
let started = false;
function die(e: unknown): never {
  const line = started
    ? `khulasa: stopped after an unexpected error: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`
    : explainStartFailure(e, { ports });
  console.error(line);
  if (debug) console.error(e);
  process.exit(e instanceof Error && ['LocalConfigError', 'EventsConfigError'].includes(e.name) ? 2 : 1);
}
process.on('uncaughtException', die);
process.on('unhandledRejection', die);

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
  // One write per record, so records printed side by side never interleave and a reader of the
  // output sees a record whole or not at all.
  const lines = [`✓ done    ${key}  ${bold(record.article?.title ?? '')}`];
  for (const [lang, summary] of Object.entries(record.summaries))
    lines.push(`    ${lang}: ${summary.summary}`);
  const missing = record.quality.flags.filter((f) => f.startsWith('missing_language:'));
  if (missing.length > 0 && record.model?.provider === 'extractive') {
    lines.push(
      dim(
        `    (${missing.join(', ')}: the offline summariser does not translate; set OPENAI_API_KEY for both languages)`,
      ),
    );
  }
  lines.push(dim(`    ${apiUrl}/summaries/${record.id}`));
  console.log(lines.join('\n'));
}

/**
 * Samples go into an empty bucket once. A marker written before the first upload and replaced
 * when the last is done lets a start interrupted half-way (Ctrl-C, a kill) finish the set.
 */
async function offerSamples(stack: LocalStack, dataDir: string): Promise<void> {
  const pending = join(dataDir, 'samples.pending');
  const done = join(dataDir, 'samples.done');
  const exists = (file: string) =>
    stat(file).then(
      () => true,
      () => false,
    );
  if (await exists(done)) return;
  if (stack.objectsAtStart > 0 && !(await exists(pending))) return;
  await writeFile(pending, '');
  await uploadSamples(stack);
  await writeFile(done, '');
  await rm(pending, { force: true });
}

async function uploadSamples(stack: LocalStack): Promise<void> {
  const s3 = new S3Client({
    endpoint: stack.s3Endpoint,
    forcePathStyle: true,
    region: process.env.AWS_REGION ?? 'us-east-1',
    credentials: { accessKeyId: 'khulasa-local', secretAccessKey: 'khulasa-local' },
  });
  try {
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
  } finally {
    s3.destroy();
  }
}

async function main(): Promise<void> {
  const env: LocalConfig = parseLocalConfig(process.env);
  ports = { S3: env.S3_PORT, DynamoDB: env.DYNAMODB_PORT, API: env.PORT };
  // The handlers' own configuration, checked before anything listens: the same parse they run.
  const llm = loadIngestConfig({
    ...process.env,
    TABLE_NAME: 'summaries',
    MAX_RECEIVE_COUNT: String(env.MAX_RECEIVE_COUNT),
  }).llm;
  const { webhook } = loadEventsConfig(process.env);

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
    webhook,
    log: (line) => console.log(dim(line)),
    onProcessed: (items) => {
      for (const item of items) void printRecord(item.bucket, item.key).catch(() => undefined);
    },
    onDeadLetter: (m) => console.log(gaveUpLine(m)),
  });
  apiUrl = stack.apiUrl;

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    console.log(dim(`\n${signal}: stopping khulasa…`));
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await stack.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  const model = `${llm.model}${llm.baseURL ? ` at ${llm.baseURL}` : ''}`;
  console.log(`${bold('khulasa')} is running  ${dim(`(data in ${dataDir})`)}
  S3        ${stack.s3Endpoint}  bucket ${stack.bucket}  (any access key works)
  DynamoDB  ${stack.dynamoEndpoint}  table ${stack.tableName}
  API       ${stack.apiUrl}/summaries   health ${stack.apiUrl}/health
  LLM       ${llm.provider}${llm.provider === 'extractive' ? ' (offline, source language only)' : ` (${model})`}
  Events    ${join(dataDir, 'events')}${webhook ? `  webhook ${new URL(webhook.url).origin} (signed)` : ''}  (npm run khulasa -- watch)

Upload an article:
  aws --endpoint-url ${stack.s3Endpoint} s3 cp article.txt s3://${stack.bucket}/incoming/
Then read it:
  curl -s ${stack.apiUrl}/summaries
`);

  if (llm.provider === 'openai' && !llm.apiKey) {
    console.log(
      dim(
        '  (no OPENAI_API_KEY is set: uploads wait as llm_not_configured; set it, restart, then npm run khulasa -- redrive)\n',
      ),
    );
  }
  if (env.KHULASA_SAMPLES) await offerSamples(stack, dataDir);
  started = true;
  console.log(READY_LINE);
}

await main().catch(die);
