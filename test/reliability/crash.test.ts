import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SummaryRecord } from '../../lib/store/record.ts';
import { type StackProcess, startStackProcess } from '../support/stack-process.ts';
import {
  type CountingLlm,
  deadLetters,
  englishArticle,
  put,
  recordUrl,
  startCountingLlm,
  userS3,
  waitForQueueDrained,
  waitForRecord,
} from './support/harness.ts';
import { recordFigures } from './support/ledger.ts';

// `npm start` killed with SIGKILL while an article is with the LLM, then started again on the same data.

let llm: CountingLlm;
let dataDir: string;
let stack: StackProcess | undefined;
let hangFirst = true;

const env = () => ({
  KHULASA_DATA_DIR: dataDir,
  KHULASA_SAMPLES: 'false',
  OPENAI_API_KEY: 'sk-reliability',
  OPENAI_BASE_URL: llm.llm.url,
  LLM_PROVIDER: 'openai',
  LLM_TIMEOUT_MS: '60000',
  LLM_MAX_RETRIES: '0',
  MAX_RECEIVE_COUNT: '3',
  LOCAL_RETRY_DELAYS: '0.5',
  // The default lease: the restarted attempt must not wait it out.
  LEASE_SECONDS: '300',
});

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'khulasa-reliability-crash-'));
  llm = await startCountingLlm();
  llm.setBehaviour(() => {
    if (hangFirst) {
      hangFirst = false;
      return { type: 'hang' };
    }
    return { type: 'summary' };
  });
});

afterAll(async () => {
  await stack?.stop();
  await llm?.llm.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('scenario 9: a crash in the middle of an ingest', () => {
  it('completes the article after a restart on the same data, reclaiming its own claim at once', async () => {
    stack = await startStackProcess(env());
    const key = 'crash/in-flight.txt';
    const s3 = userS3(stack.s3Endpoint);
    await put(s3, key, englishArticle('crash'));
    s3.destroy();
    const deadline = Date.now() + 30_000;
    while (llm.llm.chatRequests().length === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(llm.llm.chatRequests()).toHaveLength(1);
    // Read once, as it is at the moment of the crash (the model holds the only attempt).
    const processing = (await (await fetch(recordUrl(stack.apiUrl, key))).json()) as SummaryRecord;

    stack.child.kill('SIGKILL');
    await stack.stop();
    const restartedAt = Date.now();
    stack = await startStackProcess(env());
    const record = await waitForRecord(stack.apiUrl, key, (r) => r.status === 'done', 30_000);
    await waitForQueueDrained(dataDir);

    expect(processing.status).toBe('processing');
    expect(record.createdAt).toBe(processing.createdAt);
    // Far sooner than the 300 s lease: the redelivered message owns the claim it left behind.
    expect(Date.now() - restartedAt).toBeLessThan(30_000);
    expect(llm.llm.chatRequests()).toHaveLength(2);
    expect(llm.duplicates()).toBe(0);
    expect(await deadLetters(dataDir)).toEqual([]);
    recordFigures({ scenario: 9, uploads: 1, records: 1, llmCalls: 2, duplicateLlmCalls: llm.duplicates() });
  });
});
