import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SummaryRecord } from '../../lib/domain/record.ts';
import type { Behaviour } from '../support/openai-server.ts';
import { articleOf } from '../support/openai-server.ts';
import { runCaptured } from '../support/run-captured.ts';
import {
  type CountingLlm,
  deadLetters,
  englishArticle,
  put,
  type ReliabilityStack,
  startCountingLlm,
  startReliabilityStack,
  userS3,
  waitForQueueDrained,
  waitForRecord,
} from './support/harness.ts';
import { recordFigures } from './support/ledger.ts';

// Transient LLM failures against `npm start`: retried with backoff, dead-lettered after the last
// try, and brought back by `npm run redrive`.

const REPO = join(import.meta.dirname, '../..');
let llm: CountingLlm;
let rs: ReliabilityStack;
let s3: S3Client;
let failForever = true;
/** How many times each marker's article has been asked for, failing or not. */
const asked = new Map<string, number>();

/** Failures each marked article meets before the LLM answers it. */
const SCRIPT: Record<string, { failures: number; behaviour: Behaviour }> = {
  'MARK-429': {
    failures: 3,
    behaviour: { type: 'status', status: 429, headers: { 'retry-after-ms': '100' } },
  },
  'MARK-5XX': { failures: 2, behaviour: { type: 'status', status: 503 } },
  'MARK-RESET': { failures: 2, behaviour: { type: 'reset' } },
  'MARK-HANG': { failures: 1, behaviour: { type: 'hang' } },
};

const markerOf = (article: string): string | undefined => /MARK-[A-Z0-9-]+/.exec(article)?.[0];
const callsFor = (marker: string) =>
  llm.llm.chatRequests().filter((r) => articleOf(r.body).includes(marker)).length;

beforeAll(async () => {
  llm = await startCountingLlm();
  llm.setBehaviour((article) => {
    const marker = markerOf(article);
    if (!marker) return { type: 'summary' };
    const n = (asked.get(marker) ?? 0) + 1;
    asked.set(marker, n);
    if (marker === 'MARK-ALWAYS-FAILS' && failForever) return { type: 'status', status: 500 };
    const script = SCRIPT[marker];
    return script && n <= script.failures ? script.behaviour : { type: 'summary' };
  });
  rs = await startReliabilityStack({
    OPENAI_API_KEY: 'sk-reliability',
    OPENAI_BASE_URL: llm.llm.url,
    LLM_PROVIDER: 'openai',
    LLM_TIMEOUT_MS: '2000',
    LLM_MAX_RETRIES: '1',
    MAX_RECEIVE_COUNT: '3',
    LOCAL_RETRY_DELAYS: '0.5,1',
  });
  s3 = userS3(rs.stack.s3Endpoint);
});

afterAll(async () => {
  s3?.destroy();
  await rs?.close();
  await llm?.llm.close();
});

describe('scenario 8: LLM 429s, 5xx, resets and hangs', () => {
  it('retries each failing article until it is done and retries only the failing messages', async () => {
    const calls = llm.llm.chatRequests().length;
    const faulty = Object.keys(SCRIPT);
    const healthy = ['MARK-OK-1', 'MARK-OK-2', 'MARK-OK-3', 'MARK-OK-4'];
    const keys = [...faulty, ...healthy].map((m) => `llm/${m.toLowerCase()}.txt`);

    await Promise.all(
      [...faulty, ...healthy].map((m, i) => put(s3, keys[i] as string, englishArticle(m, m))),
    );
    const records = await Promise.all(keys.map((key) => waitForRecord(rs.stack.apiUrl, key)));
    await waitForQueueDrained(rs.dataDir);

    expect(records.map((r) => [r.source.key, r.status])).toEqual(keys.map((k) => [k, 'done']));
    for (const marker of faulty) expect(callsFor(marker)).toBe((SCRIPT[marker]?.failures ?? 0) + 1);
    for (const marker of healthy) expect(callsFor(marker)).toBe(1);
    expect(await deadLetters(rs.dataDir)).toEqual([]);
    recordFigures({
      scenario: 8,
      uploads: keys.length,
      records: records.length,
      llmCalls: llm.llm.chatRequests().length - calls,
    });
  });

  it('ends failed (llm_failed) in the dead-letter store after the last try, and succeeds after npm run redrive', async () => {
    const calls = llm.llm.chatRequests().length;
    const key = 'llm/always-fails.txt';
    await put(s3, key, englishArticle('always fails', 'MARK-ALWAYS-FAILS'));

    const failed = await waitForRecord(rs.stack.apiUrl, key, (r) => r.status === 'failed');
    await waitForQueueDrained(rs.dataDir);
    const letters = await deadLetters(rs.dataDir);

    expect(failed.error?.code).toBe('llm_failed');
    expect(letters.map((l) => l.keys)).toEqual([[key]]);
    // Three receives, each an SDK call plus one SDK retry.
    expect(callsFor('MARK-ALWAYS-FAILS')).toBe(6);

    failForever = false;
    const redrive = await runRedrive();
    expect(redrive.code).toBe(0);
    expect(redrive.stdout).toMatch(/moved 1 dead-letter message/);
    const done: SummaryRecord = await waitForRecord(rs.stack.apiUrl, key, (r) => r.status === 'done');
    await waitForQueueDrained(rs.dataDir);

    expect(Object.keys(done.summaries).sort()).toEqual(['ar', 'en']);
    expect(await deadLetters(rs.dataDir)).toEqual([]);
    recordFigures({
      scenario: 8,
      uploads: 1,
      records: 1,
      llmCalls: llm.llm.chatRequests().length - calls,
      duplicateLlmCalls: llm.duplicates(),
    });
  });
});

/** `npm run redrive` is `node cli/khulasa.ts redrive`, run with the stack's own settings. */
function runRedrive(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const port = (url: string) => new URL(url).port;
  return runCaptured(process.execPath, ['cli/khulasa.ts', 'redrive'], {
    cwd: REPO,
    env: {
      ...process.env,
      S3_PORT: port(rs.stack.s3Endpoint),
      DYNAMODB_PORT: port(rs.stack.dynamoEndpoint),
      PORT: port(rs.stack.apiUrl),
      KHULASA_DATA_DIR: rs.dataDir,
      KHULASA_STACK: '',
    },
  });
}
