import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { recordId } from '../../../lib/domain/id.ts';
import type { SummaryRecord } from '../../../lib/domain/record.ts';
import { decodeS3Key } from '../../../lib/events/s3-notification.ts';
import {
  articleOf,
  type Behaviour,
  isNotesRequest,
  type OpenAiTestServer,
  type OpenAiTestServerOptions,
  startOpenAiTestServer,
} from '../../support/openai-server.ts';
import { type StackProcess, startStackProcess } from '../../support/stack-process.ts';

export const BUCKET = 'articles';
export const TERMINAL = new Set(['done', 'failed', 'deleted']);

/** A client as a user configures one: any credentials, SDK defaults (aws-chunked uploads, checksums). */
export const userS3 = (endpoint: string): S3Client =>
  new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'AKIARELIABILITY', secretAccessKey: 'reliability-secret' },
  });

export async function put(s3: S3Client, key: string, body: Uint8Array | string, contentType?: string) {
  await s3.send(
    new PutObjectCommand({
      Bucket: BUCKET,
      Key: key,
      Body: body,
      ...(contentType ? { ContentType: contentType } : {}),
    }),
  );
}

export const hasAwsCli = (): boolean => spawnSync('aws', ['--version']).status === 0;

/** The AWS CLI as a user runs it, with whatever credentials (the local S3 takes any). */
export function awsCli(endpoint: string, args: string[]): string {
  return execFileSync('aws', ['--endpoint-url', endpoint, ...args], {
    encoding: 'utf8',
    env: {
      ...process.env,
      AWS_ACCESS_KEY_ID: 'AKIACLIUSER',
      AWS_SECRET_ACCESS_KEY: 'cli-secret',
      AWS_DEFAULT_REGION: 'us-east-1',
    },
  });
}

export const recordUrl = (apiUrl: string, key: string) => `${apiUrl}/summaries/${recordId(BUCKET, key)}`;

/** Polls `GET /summaries/{id}` until the record is terminal (and `accept` holds); the last answer on timeout. */
export async function waitForRecord(
  apiUrl: string,
  key: string,
  accept: (r: SummaryRecord) => boolean = (r) => TERMINAL.has(r.status),
  timeoutMs = 60_000,
): Promise<SummaryRecord> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const res = await fetch(recordUrl(apiUrl, key));
    const text = await res.text();
    last = `${res.status} ${text.slice(0, 500)}`;
    if (res.status === 200) {
      const record = JSON.parse(text) as SummaryRecord;
      if (accept(record)) return record;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`record for ${key} never reached the expected state; last answer: ${last}`);
}

/** Every record the API lists, all pages. */
export async function listAll(apiUrl: string): Promise<SummaryRecord[]> {
  const out: SummaryRecord[] = [];
  let cursor: string | null = null;
  do {
    const url = `${apiUrl}/summaries?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const res = await fetch(url);
    if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
    const page = (await res.json()) as { items: SummaryRecord[]; nextCursor: string | null };
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

export interface DeadLetter {
  file: string;
  keys: string[];
  lastError: string | null;
}

/** The local dead-letter store: one JSON file per message. */
export async function deadLetters(dataDir: string): Promise<DeadLetter[]> {
  const dir = join(dataDir, 'dead-letter');
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.json'));
  const out: DeadLetter[] = [];
  for (const name of names) {
    const letter = JSON.parse(await readFile(join(dir, name), 'utf8')) as {
      message?: { body?: string };
      lastError?: string | null;
    };
    let keys: string[] = [];
    try {
      const body = JSON.parse(letter.message?.body ?? '{}') as {
        Records?: { s3?: { object?: { key?: string } } }[];
      };
      keys = (body.Records ?? []).flatMap((r) => (r.s3?.object?.key ? [decodeS3Key(r.s3.object.key)] : []));
    } catch {
      // Not a notification body: still a dead letter, with no key to name.
    }
    out.push({ file: name, keys, lastError: letter.lastError ?? null });
  }
  return out;
}

/** Messages waiting in the stack's inbox or queue (files), i.e. not yet acknowledged. */
export async function pendingMessages(dataDir: string): Promise<number> {
  const count = async (sub: string) =>
    (await readdir(join(dataDir, sub)).catch(() => [] as string[])).filter((n) => n.endsWith('.json')).length;
  return (await count('inbox')) + (await count('queue'));
}

/** Waits until every message handed to the stack has been acknowledged or dead-lettered. */
export async function waitForQueueDrained(dataDir: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  // Two empty looks in a row: a message can sit between the inbox and the queue for an instant.
  let emptyLooks = 0;
  while (Date.now() < deadline) {
    emptyLooks = (await pendingMessages(dataDir)) === 0 ? emptyLooks + 1 : 0;
    if (emptyLooks >= 2) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`messages still pending in ${dataDir} after ${timeoutMs} ms`);
}

/**
 * The LLM test server, with the successful summary answers counted per article text, so a
 * scenario can tell paid calls from failures and duplicates from unique contents.
 */
export interface CountingLlm {
  llm: OpenAiTestServer;
  /** Successful answers per article text. */
  paid: Map<string, number>;
  /** Successful calls beyond one per unique content. */
  duplicates(): number;
  /** Replaces the default answer; successes are still counted when it resolves to `summary`. */
  setBehaviour(decide: (article: string) => Behaviour | Promise<Behaviour>): void;
}

export async function startCountingLlm(options: OpenAiTestServerOptions = {}): Promise<CountingLlm> {
  const paid = new Map<string, number>();
  let decide: (article: string) => Behaviour | Promise<Behaviour> = () => ({ type: 'summary' });
  const llm = await startOpenAiTestServer({
    ...options,
    defaultBehaviour: {
      type: 'custom',
      respond: async (request) => {
        const article = articleOf(request.body);
        const behaviour = await decide(article);
        if (behaviour.type === 'summary' && !isNotesRequest(request.body))
          paid.set(article, (paid.get(article) ?? 0) + 1);
        return behaviour;
      },
    },
  });
  return {
    llm,
    paid,
    duplicates: () => [...paid.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0),
    setBehaviour: (next) => {
      decide = next;
    },
  };
}

export interface ReliabilityStack {
  stack: StackProcess;
  dataDir: string;
  close(): Promise<void>;
}

/** `npm start` in its own process on free ports, with its own data directory and no samples. */
export async function startReliabilityStack(env: Record<string, string>): Promise<ReliabilityStack> {
  const dataDir = await mkdtemp(join(tmpdir(), 'khulasa-reliability-'));
  const stack = await startStackProcess({ KHULASA_DATA_DIR: dataDir, KHULASA_SAMPLES: 'false', ...env });
  return {
    stack,
    dataDir,
    close: async () => {
      await stack.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A short article in English that the pipeline summarises; `n` makes each one's content unique. */
export function englishArticle(n: number | string, extra = ''): string {
  return [
    `Harbour council approves plan number ${n} for the old docks`,
    '',
    `The harbour council approved plan number ${n} on Tuesday to turn the old docks into a public park.`,
    'Work on the site is expected to begin next spring and to last about two years.',
    'Residents said at the meeting that they wanted more trees, benches and a safe path for cyclists.',
    'The council said the park would stay open to everyone and that entry would be free.',
    extra,
  ].join('\n');
}

/** A short article in Arabic, unique per `n`. */
export function arabicArticle(n: number | string): string {
  return [
    `المجلس البلدي يقر الخطة رقم ${n} لتطوير الميناء القديم`,
    '',
    `أقر المجلس البلدي يوم الثلاثاء الخطة رقم ${n} لتحويل الميناء القديم إلى حديقة عامة.`,
    'ومن المتوقع أن تبدأ الأعمال في الربيع المقبل وأن تستمر نحو عامين.',
    'وقال السكان خلال الاجتماع إنهم يريدون مزيدا من الأشجار والمقاعد ومسارا آمنا للدراجات.',
    'وأكد المجلس أن الحديقة ستبقى مفتوحة للجميع وأن الدخول سيكون مجانيا.',
  ].join('\n');
}
