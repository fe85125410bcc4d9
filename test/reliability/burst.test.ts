import type { S3Client } from '@aws-sdk/client-s3';
import autocannon from 'autocannon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordId } from '../../lib/domain/id.ts';
import type { SummaryRecord } from '../../lib/domain/record.ts';
import {
  type CountingLlm,
  deadLetters,
  englishArticle,
  listAll,
  put,
  type ReliabilityStack,
  startCountingLlm,
  startReliabilityStack,
  TERMINAL,
  userS3,
  waitForQueueDrained,
} from './support/harness.ts';
import { recordFigures } from './support/ledger.ts';

// Volume: a burst of uploads against an LLM with a fixed latency and a concurrency cap, then the
// API under load while another wave is ingested.

const LLM_LATENCY_MS = 100;
const LLM_CAP = 8;
let llm: CountingLlm;
let rs: ReliabilityStack;
let s3: S3Client;
let inFlight = 0;
let rejected = 0;

beforeAll(async () => {
  llm = await startCountingLlm();
  llm.setBehaviour(async () => {
    // The cap a rate-limited provider enforces: more than LLM_CAP at once are refused with 429.
    if (inFlight >= LLM_CAP) {
      rejected += 1;
      return { type: 'status', status: 429, headers: { 'retry-after-ms': '200' } };
    }
    inFlight += 1;
    await new Promise((r) => setTimeout(r, LLM_LATENCY_MS));
    inFlight -= 1;
    return { type: 'summary' };
  });
  rs = await startReliabilityStack({
    OPENAI_API_KEY: 'sk-reliability',
    OPENAI_BASE_URL: llm.llm.url,
    LLM_PROVIDER: 'openai',
    LLM_TIMEOUT_MS: '10000',
    LLM_MAX_RETRIES: '2',
    MAX_RECEIVE_COUNT: '5',
    LOCAL_RETRY_DELAYS: '0.5,1,2',
  });
  s3 = userS3(rs.stack.s3Endpoint);
});

afterAll(async () => {
  s3?.destroy();
  await rs?.close();
  await llm?.llm.close();
});

/** Uploads with `parallel` requests in flight, as a sync tool would. */
async function uploadAll(items: { key: string; body: string }[], parallel = 10): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < items.length) {
        const item = items[next++] as { key: string; body: string };
        await put(s3, item.key, item.body);
      }
    }),
  );
}

async function waitForTerminal(prefix: string, count: number, timeoutMs = 120_000): Promise<SummaryRecord[]> {
  const deadline = Date.now() + timeoutMs;
  let records: SummaryRecord[] = [];
  while (Date.now() < deadline) {
    records = (await listAll(rs.stack.apiUrl)).filter((r) => r.source.key.startsWith(prefix));
    if (records.length >= count && records.every((r) => TERMINAL.has(r.status))) return records;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(
    `${records.filter((r) => TERMINAL.has(r.status)).length}/${count} records under ${prefix} settled`,
  );
}

describe('scenario 11: a burst of 200 uploads', () => {
  it('ends every upload done, with one LLM call per unique content and nothing dead-lettered', async () => {
    // 180 unique contents; 20 keys repeat one of them.
    const items = Array.from({ length: 200 }, (_, i) => ({
      key: `burst/${String(i).padStart(3, '0')}.txt`,
      body: englishArticle(`burst-${i < 180 ? i : i - 180}`),
    }));
    const calls = llm.llm.chatRequests().length;

    await uploadAll(items);
    const records = await waitForTerminal('burst/', items.length);
    await waitForQueueDrained(rs.dataDir);

    expect(records).toHaveLength(200);
    expect(new Set(records.map((r) => r.id))).toEqual(new Set(items.map((i) => recordId('articles', i.key))));
    expect(records.filter((r) => r.status !== 'done').map((r) => [r.source.key, r.error?.code])).toEqual([]);
    expect(await deadLetters(rs.dataDir)).toEqual([]);
    expect(llm.paid.size).toBe(180);
    expect(llm.duplicates()).toBe(0);
    recordFigures({
      scenario: 11,
      uploads: items.length,
      records: records.length,
      lost: items.length - records.length,
      llmCalls: llm.llm.chatRequests().length - calls,
      duplicateLlmCalls: llm.duplicates(),
    });
    console.log(`scenario 11: ${rejected} LLM calls refused with 429 by the cap of ${LLM_CAP}`);
  });
});

describe('scenario 12: the API under load while ingest runs', () => {
  it('serves GET /summaries and GET /summaries/{id} with no errors and no 5xx', async () => {
    const wave = Array.from({ length: 40 }, (_, i) => ({
      key: `wave/${i}.txt`,
      body: englishArticle(`wave-${i}`),
    }));
    const calls = llm.llm.chatRequests().length;
    const uploading = uploadAll(wave, 2);
    const one = `${rs.stack.apiUrl}/summaries/${recordId('articles', 'burst/000.txt')}`;

    const list = await autocannon({
      url: `${rs.stack.apiUrl}/summaries?limit=20`,
      connections: 8,
      duration: 5,
    });
    const get = await autocannon({ url: one, connections: 8, duration: 5 });
    await uploading;
    const records = await waitForTerminal('wave/', wave.length);

    for (const [name, result] of [
      ['GET /summaries', list],
      ['GET /summaries/{id}', get],
    ] as const) {
      console.log(
        `scenario 12: ${name}: ${result.requests.total} requests, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ${result.errors} errors, ${result.non2xx} non-2xx`,
      );
      expect(result.errors).toBe(0);
      expect(result.timeouts).toBe(0);
      expect(result['5xx']).toBe(0);
      expect(result.non2xx).toBe(0);
      expect(result.requests.total).toBeGreaterThan(0);
    }
    expect(records.every((r) => r.status === 'done')).toBe(true);
    recordFigures({
      scenario: 12,
      uploads: wave.length,
      records: records.length,
      lost: wave.length - records.length,
      llmCalls: llm.llm.chatRequests().length - calls,
      apiRequests: list.requests.total + get.requests.total,
      apiErrors: list.errors + list.non2xx + get.errors + get.non2xx,
    });
  });
});
