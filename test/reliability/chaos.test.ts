import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SummaryRecord } from '../../lib/store/record.ts';
import {
  arabicArticle,
  BUCKET,
  type CountingLlm,
  deadLetters,
  englishArticle,
  listAll,
  recordUrl,
  startCountingLlm,
} from './support/harness.ts';
import { recordFigures } from './support/ledger.ts';
import { freeStackPorts, type NpmStart, type StackPorts, startNpm } from './support/npm-start.ts';
import { seededRandom, seedFrom } from './support/seeded.ts';

// `npm start` killed with SIGKILL at random moments while 40 uploads at a time come in, ten times,
// on the same data. Whatever S3 acknowledged must end summarised, and the LLM paid once per
// content but for the calls a kill interrupted. Replay a run with KHULASA_CHAOS_SEED=<seed>.

const SEED = seedFrom('KHULASA_CHAOS_SEED');
const ROUNDS = 10;
const UPLOADS_PER_ROUND = 40;
/** The longest a kill waits after its number of acknowledgements: into the round's ingest. */
const MAX_KILL_DELAY_MS = 2_000;
const LLM_LATENCY_MS = 150;
// What one crash can interrupt: the local queue's default concurrency (4 batches) times its batch
// size (5 messages), each at most one LLM call at a time.
const IN_FLIGHT_BOUND = 4 * 5;
const API_KEY = 'sk-chaos-dummy';

interface Upload {
  key: string;
  body: string;
  round: number;
  acknowledged: boolean;
}

const random = seededRandom(SEED);
const uploads: Upload[] = [];
const killLog: {
  round: number;
  afterAcks: number;
  delayMs: number;
  llmInFlight: number;
  acknowledged: number;
}[] = [];
let llm: CountingLlm;
let llmInFlight = 0;
let dataDir: string;
let ports: StackPorts;
let stack: NpmStart | undefined;
/** Set when every assertion held: a failed run keeps its data directory for a post-mortem. */
let passed = false;

const stackEnv = () => ({ OPENAI_API_KEY: API_KEY, OPENAI_BASE_URL: llm.llm.url });

/** A user's SDK client, one attempt per PUT: "acknowledged" means this PUT itself got its 200. */
const oneShotS3 = (endpoint: string) =>
  new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    maxAttempts: 1,
    credentials: { accessKeyId: 'AKIACHAOS', secretAccessKey: 'chaos-secret' },
  });

function roundUploads(round: number): Upload[] {
  return Array.from({ length: UPLOADS_PER_ROUND }, (_, j) => {
    const arabic = j % 4 === 0;
    return {
      key: arabic ? `chaos/جولة ${round}/مقال رقم ${j}.txt` : `chaos/round-${round}/article-${j}.txt`,
      body: arabic ? arabicArticle(`${round}٠${j}`) : englishArticle(`${round}-${j}`),
      round,
      acknowledged: false,
    };
  });
}

/**
 * One round: 40 PUTs at once, and a SIGKILL after a seeded number of them were acknowledged (0–40)
 * plus a seeded delay (0–MAX_KILL_DELAY_MS): kills land during the uploads and during the ingest
 * whatever the machine's speed.
 */
async function killRound(round: number): Promise<void> {
  const running = await startNpm(dataDir, ports, stackEnv());
  stack = running;
  const batch = roundUploads(round);
  uploads.push(...batch);
  const afterAcks = random.int(UPLOADS_PER_ROUND + 1);
  const delayMs = random.int(MAX_KILL_DELAY_MS);
  const s3 = oneShotS3(running.s3Endpoint);

  let acks = 0;
  let armed: () => void = () => undefined;
  const trigger = new Promise<void>((resolve) => {
    armed = resolve;
  });
  if (afterAcks === 0) armed();
  const puts = Promise.allSettled(
    batch.map(async (u) => {
      await s3.send(
        new PutObjectCommand({ Bucket: BUCKET, Key: u.key, Body: u.body, ContentType: 'text/plain' }),
      );
      u.acknowledged = true;
      if (++acks >= afterAcks) armed();
    }),
  );
  // Fewer acknowledgements than asked for (PUTs refused): the kill still comes, after the last answer.
  void puts.then(() => armed());
  await trigger;
  await new Promise((r) => setTimeout(r, delayMs));
  killLog.push({ round, afterAcks, delayMs, llmInFlight, acknowledged: acks });
  running.signal('SIGKILL');
  await puts;
  await running.ended();
  stack = undefined;
  s3.destroy();
}

/**
 * Until the listing shows every acknowledged upload `done`, nothing `processing` and no new LLM
 * call for 3 s; or until nothing has moved for 30 s (what is missing then is not coming).
 */
async function quiescence(apiUrl: string, timeoutMs: number): Promise<void> {
  const wanted = new Set(uploads.filter((u) => u.acknowledged).map((u) => u.key));
  const deadline = Date.now() + timeoutMs;
  let progress = '';
  let stillSince = Date.now();
  while (Date.now() < deadline) {
    const listed = await listAll(apiUrl);
    const done = new Set(
      listed.filter((r) => r.status === 'done' && wanted.has(r.source.key)).map((r) => r.id),
    );
    const processing = listed.filter((r) => r.status === 'processing').length;
    const now = `${done.size}/${processing}/${llm.llm.chatRequests().length}`;
    if (now !== progress) {
      progress = now;
      stillSince = Date.now();
    }
    const still = Date.now() - stillSince;
    if (done.size === wanted.size && processing === 0 && still >= 3_000) return;
    if (still >= 30_000) return;
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** `GET /summaries/{id}` for every key, 16 at a time: the record itself, `null` when there is none. */
async function recordsOf(apiUrl: string, keys: string[]): Promise<Map<string, SummaryRecord | null>> {
  const out = new Map<string, SummaryRecord | null>();
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      for (let i = next++; i < keys.length; i = next++) {
        const key = keys[i] as string;
        const res = await fetch(recordUrl(apiUrl, key));
        out.set(key, res.status === 200 ? ((await res.json()) as SummaryRecord) : null);
      }
    }),
  );
  return out;
}

const outcome = (r: SummaryRecord | null | undefined) =>
  r ? `${r.status}${r.error ? ` ${r.error.code}: ${r.error.message}` : ''}` : 'no record';

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'khulasa-chaos-'));
  ports = await freeStackPorts();
  llm = await startCountingLlm({ apiKey: API_KEY });
  llm.setBehaviour(async () => {
    llmInFlight += 1;
    await new Promise((r) => setTimeout(r, LLM_LATENCY_MS));
    llmInFlight -= 1;
    return { type: 'summary' };
  });
  console.log(`chaos seed ${SEED} (replay with KHULASA_CHAOS_SEED=${SEED})`);
});

afterAll(async () => {
  if (stack) {
    stack.signal('SIGKILL');
    await stack.ended();
  }
  await llm?.llm.close();
  if (passed) await rm(dataDir, { recursive: true, force: true });
  else console.log(`chaos: the data directory is kept for a post-mortem: ${dataDir}`);
});

describe('scenario 16: SIGKILL at random moments during concurrent uploads, ten times', () => {
  it('summarises every acknowledged upload, lists each record once as it is, pays the LLM once per content but for interrupted calls', async () => {
    for (let round = 1; round <= ROUNDS; round++) await killRound(round);
    const final = await startNpm(dataDir, ports, stackEnv());
    stack = final;
    await quiescence(final.apiUrl, 180_000);

    const records = await recordsOf(
      final.apiUrl,
      uploads.map((u) => u.key),
    );
    const listed = await listAll(final.apiUrl);
    const acknowledged = uploads.filter((u) => u.acknowledged);
    const lost = acknowledged.filter((u) => records.get(u.key)?.status !== 'done');
    const stuck = [...records.values()].filter((r) => r?.status === 'processing');
    const listedTwice = listed.filter((r, i) => listed.findIndex((o) => o.id === r.id) !== i);
    const listedStale = listed.filter((r) => {
      const own = records.get(r.source.key);
      return own !== undefined && own?.status !== r.status;
    });
    const calls = llm.llm.chatRequests().length;
    const duplicates = llm.duplicates();
    const mostPaid = Math.max(0, ...llm.paid.values());
    const letters = await deadLetters(dataDir);
    const kills = killLog.map(
      (k) => `${k.round}:${k.afterAcks}acks+${k.delayMs}ms→${k.acknowledged}ack/${k.llmInFlight}llm`,
    );
    console.log(
      `chaos seed ${SEED}: ${ROUNDS} kills, ${uploads.length} uploads, ${acknowledged.length} acknowledged, ` +
        `${acknowledged.length - lost.length} done, ${lost.length} lost, ${stuck.length} stuck processing, ` +
        `${listedStale.length} stale in the listing, ${calls} LLM calls, ${duplicates} duplicate calls ` +
        `(bound ${ROUNDS * IN_FLIGHT_BOUND}), ${letters.length} dead letters; kills ${kills.join(' ')}`,
    );
    recordFigures({
      scenario: 16,
      uploads: acknowledged.length,
      records: acknowledged.length - lost.length,
      lost: lost.length,
      llmCalls: calls,
      duplicateLlmCalls: duplicates,
      deadLetters: letters.length,
    });
    if (letters.length > 0)
      console.log(`dead letters:\n${letters.map((l) => `${l.keys.join(',')}: ${l.lastError}`).join('\n')}`);

    expect(acknowledged.length).toBeGreaterThan(UPLOADS_PER_ROUND);
    expect.soft(lost.map((u) => `${u.key}: ${outcome(records.get(u.key))}`)).toEqual([]);
    expect.soft(stuck.map((r) => `${r?.source.key} (updated ${r?.updatedAt})`)).toEqual([]);
    expect.soft(listedTwice.map((r) => r.source.key)).toEqual([]);
    expect
      .soft(
        listedStale.map(
          (r) => `${r.source.key}: listed ${r.status}, is ${records.get(r.source.key)?.status}`,
        ),
      )
      .toEqual([]);
    expect.soft(duplicates).toBeLessThanOrEqual(ROUNDS * IN_FLIGHT_BOUND);
    // One paid call per content, plus at most one more per kill it lived through.
    expect.soft(mostPaid).toBeLessThanOrEqual(1 + ROUNDS);
    passed = lost.length + stuck.length + listedTwice.length + listedStale.length === 0;
  }, 420_000);
});
