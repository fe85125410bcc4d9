import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SummaryRecord } from '../../lib/store/record.ts';
import { arabicArticle, englishArticle, listAll, put, userS3, waitForRecord } from './support/harness.ts';
import { recordFigures } from './support/ledger.ts';
import { listKeysPaged, listKeysRecursive, sdkPages } from './support/listing.ts';
import { freeStackPorts, interrupt, type NpmStart, type StackPorts, startNpm } from './support/npm-start.ts';

// A user's first week with `npm start`, defaults throughout (samples on, no key): the samples,
// Ctrl-C, a restart on the same data, one article, a bulk upload stopped mid-ingest, a restart
// with the backlog, and the bucket listed with the AWS CLI.

const SAMPLES = (await readdir(join(import.meta.dirname, '../../samples')))
  .filter((n) => !n.startsWith('.'))
  .map((n) => `samples/${n}`)
  .sort();
const ARTICLE_KEY = 'incoming/الأسبوع الأول/تقرير الميناء.txt';
const BULK = 1_500;
const bulkKey = (i: number) => `week-1/day-${(i % 7) + 1}/note-${String(i).padStart(4, '0')}.txt`;
const BULK_KEYS = Array.from({ length: BULK }, (_, i) => bulkKey(i));
const ALL_KEYS = [...SAMPLES, ARTICLE_KEY, ...BULK_KEYS].sort();
// The defaults a new user has: nothing set but the data directory and free ports.
const DEFAULTS = {};

let dataDir: string;
let ports: StackPorts;
let stack: NpmStart | undefined;

function running(): NpmStart {
  if (!stack) throw new Error('the stack is not running');
  return stack;
}

/** A stop that must be clean: the group ends on its own and the stack printed no error. */
async function ctrlC(): Promise<void> {
  const stopping = running();
  stack = undefined;
  await interrupt(stopping, 'SIGINT');
  expect(stopping.output()).toContain('stopping khulasa');
  // Node prints its version under an uncaught error's stack; the stack must stop without one.
  expect(stopping.output()).not.toMatch(/^Node\.js v\d+/m);
}

async function waitForAll(
  keys: readonly string[],
  status: string,
  timeoutMs: number,
): Promise<SummaryRecord[]> {
  const wanted = new Set(keys);
  const deadline = Date.now() + timeoutMs;
  let matching: SummaryRecord[] = [];
  while (Date.now() < deadline) {
    matching = (await listAll(running().apiUrl)).filter((r) => wanted.has(r.source.key));
    if (matching.length === wanted.size && matching.every((r) => r.status === status)) return matching;
    await new Promise((r) => setTimeout(r, 2_000));
  }
  const byStatus = Object.groupBy(matching, (r) => r.status);
  const counts = Object.entries(byStatus).map(([s, rs]) => `${s}: ${rs?.length}`);
  throw new Error(`${keys.length} records not all ${status} after ${timeoutMs} ms (${counts.join(', ')})`);
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'khulasa-first-week-'));
  ports = await freeStackPorts();
});

afterAll(async () => {
  if (stack) {
    stack.signal('SIGKILL');
    await stack.ended();
  }
  await rm(dataDir, { recursive: true, force: true });
});

describe('scenario 15: the first week with npm start (defaults, samples on)', () => {
  it('summarises the bundled samples on the first start', async () => {
    stack = await startNpm(dataDir, ports, DEFAULTS);

    const records = await Promise.all(SAMPLES.map((key) => waitForRecord(running().apiUrl, key)));

    expect(SAMPLES).toHaveLength(3);
    expect(records.map((r) => [r.source.key, r.status])).toEqual(SAMPLES.map((key) => [key, 'done']));
  });

  it('stops on Ctrl-C and starts again on the same data without uploading the samples twice', async () => {
    const before = (await listAll(running().apiUrl)).map((r) => [r.id, r.updatedAt]);
    await ctrlC();

    // Resolves after the ready line: the stack has looked at the bucket and decided about the samples.
    stack = await startNpm(dataDir, ports, DEFAULTS);

    expect(stack.output()).not.toContain('uploading');
    expect((await listAll(stack.apiUrl)).map((r) => [r.id, r.updatedAt])).toEqual(before);
    expect((await listKeysRecursive(stack.s3Endpoint)).sort()).toEqual(SAMPLES);
  });

  it('summarises an article uploaded after the restart', async () => {
    const s3 = userS3(running().s3Endpoint);
    await put(s3, ARTICLE_KEY, arabicArticle('الأسبوع الأول'));
    s3.destroy();

    const record = await waitForRecord(running().apiUrl, ARTICLE_KEY);

    expect(record.status).toBe('done');
    expect(record.article?.language).toBe('ar');
    await ctrlC();
  });

  it('keeps 1,500 uploads acknowledged just before a Ctrl-C and lists all of them after the restart', async () => {
    stack = await startNpm(dataDir, ports, DEFAULTS);
    const s3 = userS3(stack.s3Endpoint);
    let next = 0;
    // A sync tool's pace: many PUTs in flight, small objects.
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        for (let i = next++; i < BULK; i = next++) await put(s3, bulkKey(i), englishArticle(`week-${i}`));
      }),
    );
    s3.destroy();
    await ctrlC();

    stack = await startNpm(dataDir, ports, DEFAULTS);
    const listed = await listKeysRecursive(stack.s3Endpoint);

    expect(listed).toHaveLength(ALL_KEYS.length);
    expect([...listed].sort()).toEqual(ALL_KEYS);
  });

  it('pages through them 100 keys at a time, each key once, in key order', async () => {
    const viaCli = await listKeysPaged(running().s3Endpoint, 100);
    const pages = await sdkPages(running().s3Endpoint, 100);
    const paged = pages.flatMap((p) => (p.Contents ?? []).map((o) => o.Key));

    expect(viaCli).toEqual(ALL_KEYS);
    expect(pages).toHaveLength(Math.ceil(ALL_KEYS.length / 100));
    expect(pages.map((p) => p.Contents?.length ?? 0).every((n) => n <= 100)).toBe(true);
    expect(pages.map((p) => p.IsTruncated)).toEqual(pages.map((_, i) => i < pages.length - 1));
    expect(paged).toEqual(ALL_KEYS);
  });

  it('summarises every upload in the end, the backlog included', async () => {
    const records = await waitForAll(ALL_KEYS, 'done', 240_000);

    expect(records).toHaveLength(ALL_KEYS.length);
    recordFigures({ scenario: 15, uploads: ALL_KEYS.length, records: records.length, lost: 0 });
    await ctrlC();
  }, 300_000);
});
