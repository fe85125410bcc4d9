/**
 * Budgets 6 and 7, through the real local stack (local S3 → local queue → the ingest
 * handler → dynalite) with the OpenAI-compatible test server answering every call in a fixed
 * 500 ms: how close 300 distinct uploads come to the LLM ceiling (300 × 0.5 s / concurrency),
 * and whether re-uploading the same 300 files costs any LLM call.
 */
import { rmSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { BatchGetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startLocalStack } from '../infra/local/stack.ts';
import { recordId } from '../lib/domain/id.ts';
import { RECORD_SK } from '../lib/store/table-schema.ts';
import { SCRAPED, scrapedArticle } from '../test/support/fixtures.ts';
import { type OpenAiTestServer, startOpenAiTestServer } from '../test/support/openai-server.ts';
import { freePorts } from '../test/support/stack-process.ts';

export const LLM_LATENCY_MS = 500;
export const STACK_CONCURRENCY = 8;
export const UPLOADS = 300;
export const THROUGHPUT_RATIO_BUDGET = 1.2;
/** The local queue's batch size: `LocalQueue`'s default, which `startLocalStack` does not expose. */
export const LOCAL_QUEUE_BATCH_SIZE = 5;
const UPLOAD_PARALLELISM = 8;
const PHASE_TIMEOUT_MS = 180_000;

export interface ThroughputRun {
  uploadSeconds: number;
  /** From the end of the last upload to the last record `done`. */
  drainSeconds: number;
  llmCalls: number;
  /** Most LLM calls in flight at once, as the test server saw them. */
  peakLlmConcurrency: number;
  done: number;
  duplicateLlmCalls: number;
  duplicateDrainSeconds: number;
}

/** 300 distinct articles: the fixture's main article under a numbered headline. */
function articles(count: number): { key: string; body: Buffer }[] {
  const lines = scrapedArticle().split(/\r?\n/u);
  const sourceLine = lines.findIndex((l) => l.trim() === `المصدر: ${SCRAPED.outlet}`);
  const main = lines.slice(1, sourceLine > 0 ? sourceLine + 1 : lines.length).join('\n');
  return Array.from({ length: count }, (_, i) => ({
    key: `bench/article-${String(i).padStart(3, '0')}.txt`,
    body: Buffer.from(
      `${lines[0] ?? ''} (${i + 1})\n${main}\nنسخة رقم ${i + 1} من تقرير المتابعة.\n`,
      'utf8',
    ),
  }));
}

async function uploadAll(
  s3: S3Client,
  bucket: string,
  files: { key: string; body: Buffer }[],
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const file = files[next++];
      if (!file) return;
      await s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: file.key, Body: file.body, ContentType: 'text/plain' }),
      );
    }
  };
  await Promise.all(Array.from({ length: UPLOAD_PARALLELISM }, worker));
}

/**
 * Most chat calls in flight at once. Every answer takes exactly LLM_LATENCY_MS and the server
 * records a request when it arrives, so the calls in flight at t are those that arrived in
 * (t − latency, t]: sampled every 20 ms.
 */
function trackConcurrency(llm: OpenAiTestServer): { peak(): number; stop(): void } {
  const samples: { at: number; arrived: number }[] = [];
  let peak = 0;
  const timer = setInterval(() => {
    const at = performance.now();
    const arrived = llm.chatRequests().length;
    samples.push({ at, arrived });
    while (samples.length > 1 && (samples[1]?.at ?? at) <= at - LLM_LATENCY_MS) samples.shift();
    peak = Math.max(peak, arrived - (samples[0]?.arrived ?? arrived));
  }, 20);
  return { peak: () => peak, stop: () => clearInterval(timer) };
}

export async function measureThroughputOnce(llm: OpenAiTestServer, runDir: string): Promise<ThroughputRun> {
  const files = articles(UPLOADS);
  const wanted = new Set(files.map((f) => f.key));
  let acked = new Set<string>();
  let lastAckAt = 0;
  let onComplete: (() => void) | null = null;

  // The ingest handler reads its configuration from the environment when the stack builds it.
  Object.assign(process.env, {
    LLM_PROVIDER: 'openai',
    OPENAI_API_KEY: 'sk-bench',
    OPENAI_BASE_URL: llm.url,
    OPENAI_MODEL: 'gpt-bench',
    LLM_TIMEOUT_MS: '30000',
    LLM_MAX_RETRIES: '0',
    SUMMARY_LANGUAGES: 'ar,en',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    // The handler's EMF metrics would print a line per batch into the bench's table output.
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
  const [s3Port, dynamoPort, apiPort] = (await freePorts(3)) as [number, number, number];
  const stack = await startLocalStack({
    dataDir: runDir,
    s3Port,
    dynamoPort,
    apiPort,
    concurrency: STACK_CONCURRENCY,
    onProcessed: (items) => {
      for (const item of items) if (item.ok && wanted.has(item.key)) acked.add(item.key);
      lastAckAt = performance.now();
      if (acked.size >= wanted.size) onComplete?.();
    },
  });
  const s3 = new S3Client({
    endpoint: stack.s3Endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const dynamo = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: stack.dynamoEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    }),
  );

  const phase = async (): Promise<{ uploadSeconds: number; drainSeconds: number; llmCalls: number }> => {
    acked = new Set();
    const callsBefore = llm.chatRequests().length;
    const complete = new Promise<void>((resolve, reject) => {
      onComplete = resolve;
      setTimeout(
        () => reject(new Error(`only ${acked.size}/${wanted.size} uploads processed in time`)),
        PHASE_TIMEOUT_MS,
      ).unref();
    });
    const start = performance.now();
    await uploadAll(s3, stack.bucket, files);
    const uploadedAt = performance.now();
    await complete;
    return {
      uploadSeconds: (uploadedAt - start) / 1000,
      drainSeconds: Math.max(0, lastAckAt - uploadedAt) / 1000,
      llmCalls: llm.chatRequests().length - callsBefore,
    };
  };

  try {
    const tracker = trackConcurrency(llm);
    const first = await phase();
    tracker.stop();
    const done = await countDone(dynamo, stack.tableName, stack.bucket, [...wanted]);
    const again = await phase();
    return {
      uploadSeconds: first.uploadSeconds,
      drainSeconds: first.drainSeconds,
      llmCalls: first.llmCalls,
      peakLlmConcurrency: tracker.peak(),
      done,
      duplicateLlmCalls: again.llmCalls,
      duplicateDrainSeconds: again.drainSeconds,
    };
  } finally {
    s3.destroy();
    dynamo.destroy();
    await stack.close();
    rmSync(runDir, { recursive: true, force: true });
  }
}

/** Records in status `done` among the uploaded keys (an acknowledged message may also be a terminal failure). */
async function countDone(
  dynamo: DynamoDBDocumentClient,
  tableName: string,
  bucket: string,
  keys: string[],
): Promise<number> {
  let done = 0;
  for (let i = 0; i < keys.length; i += 100) {
    const slice = keys.slice(i, i + 100).map((k) => ({ pk: recordId(bucket, k), sk: RECORD_SK }));
    const out = await dynamo.send(
      new BatchGetCommand({
        RequestItems: {
          [tableName]: {
            Keys: slice,
            ProjectionExpression: '#s',
            ExpressionAttributeNames: { '#s': 'status' },
          },
        },
      }),
    );
    done += (out.Responses?.[tableName] ?? []).filter((item) => item.status === 'done').length;
  }
  return done;
}

export async function startBenchLlm(): Promise<OpenAiTestServer> {
  return startOpenAiTestServer({ latencyMs: LLM_LATENCY_MS });
}

/** The ideal drain time: every LLM call back to back at the stack's concurrency. */
export const idealSeconds = (): number => (UPLOADS * LLM_LATENCY_MS) / 1000 / STACK_CONCURRENCY;
