import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../lib/domain/error-codes.ts';
import type { SummaryRecord } from '../../lib/store/record.ts';
import { englishArticle, put, recordUrl, userS3, waitForRecord } from './support/harness.ts';
import { watchHealth } from './support/health-watch.ts';
import { recordFigures } from './support/ledger.ts';
import { freeStackPorts, type NpmStart, startNpm } from './support/npm-start.ts';
import {
  arabicArticleOfSize,
  deeplyNestedDivs,
  nestedDivsWithText,
  oneLineWithoutSpaces,
} from './support/pathological-inputs.ts';
import { seedFrom } from './support/seeded.ts';

// Uploads that are hard on the parser and the summariser, one at a time against `npm start` with
// its defaults, `GET /health` timed every 100 ms meanwhile; then random valid keys end to end.

/** The longest any one input may take to reach a terminal record. */
const SETTLE_MS = 120_000;
/** The bound `GET /health` must answer within whatever is being ingested. */
const HEALTH_BOUND_MS = 1_000;
const KEYS_SEED = seedFrom('KHULASA_KEYS_SEED');
const SPECIFIC_CODES = ERROR_CODES.filter((c) => c !== 'internal');

let dataDir: string;
let stack: NpmStart;
const healthReport: string[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'khulasa-pathological-'));
  stack = await startNpm(dataDir, await freeStackPorts());
  // The samples a first start uploads are ingested before any measurement starts.
  const samples = (await readdir(join(import.meta.dirname, '../../samples'))).filter(
    (n) => !n.startsWith('.'),
  );
  await Promise.all(samples.map((n) => waitForRecord(stack.apiUrl, `samples/${n}`)));
}, 120_000);

afterAll(async () => {
  console.log(`max GET /health latency while ingesting:\n  ${healthReport.join('\n  ')}`);
  if (stack) {
    stack.signal('SIGINT');
    await stack.ended();
  }
  await rm(dataDir, { recursive: true, force: true });
});

const INPUTS = [
  {
    name: '1 MB on one line without spaces',
    key: 'hard/one-line-1mb.txt',
    make: () => oneLineWithoutSpaces(),
  },
  { name: '2 MB Arabic article', key: 'hard/مقال-عربي-2mb.txt', make: () => arabicArticleOfSize() },
  {
    name: '1 MB page of 5,000 nested divs with text',
    key: 'hard/nested-5000.html',
    make: () => nestedDivsWithText(),
  },
  { name: '50,000 nested divs', key: 'hard/nested-50000.html', make: () => deeplyNestedDivs() },
];

describe('scenario 17: pathological inputs end done or failed with a specific code, /health within 1 s', () => {
  it.each(INPUTS)(
    '$name',
    async ({ name, key, make }) => {
      const body = make();
      const contentType = key.endsWith('.html') ? 'text/html; charset=utf-8' : 'text/plain; charset=utf-8';
      const s3 = userS3(stack.s3Endpoint);
      const health = watchHealth(stack.apiUrl);
      const started = Date.now();

      let record: SummaryRecord | string;
      let watched: Awaited<ReturnType<typeof health.stop>>;
      try {
        await put(s3, key, body, contentType);
        record = await waitForRecord(stack.apiUrl, key, undefined, SETTLE_MS).catch(async () => {
          const res = await fetch(recordUrl(stack.apiUrl, key));
          const last =
            res.status === 200 ? ((await res.json()) as SummaryRecord).status : `HTTP ${res.status}`;
          return `not terminal after ${SETTLE_MS} ms: ${last}`;
        });
      } finally {
        s3.destroy();
        watched = await health.stop();
      }
      const tookMs = Date.now() - started;
      const { latenciesMs, maxMs, non200 } = watched;
      const outcome =
        typeof record === 'string'
          ? record
          : `${record.status}${record.error ? ` ${record.error.code}` : ''}`;
      healthReport.push(
        `${name} (${Buffer.byteLength(body)} bytes): ${outcome} after ${tookMs} ms; /health max ${Math.round(maxMs)} ms over ${latenciesMs.length} requests`,
      );
      recordFigures({ scenario: 17, uploads: 1, records: typeof record === 'string' ? 0 : 1 });

      expect(typeof record === 'string' ? record : record.status).toMatch(/^(done|failed)$/);
      if (typeof record !== 'string' && record.status === 'failed') {
        expect(SPECIFIC_CODES).toContain(record.error?.code);
        expect(record.error?.message.length).toBeGreaterThan(0);
      }
      expect(non200).toEqual([]);
      expect(latenciesMs.length).toBeGreaterThan(0);
      expect(maxMs).toBeLessThan(HEALTH_BOUND_MS);
    },
    SETTLE_MS + 60_000,
  );
});

const utf8 = (s: string) => Buffer.byteLength(s, 'utf8');
const ARABIC_WORDS = [
  'تقرير',
  'الميناء',
  'المجلس',
  'البلدي',
  'خطة',
  'حديقة',
  'عامة',
  'الأحياء',
  'القديمة',
  'مياه',
];

/** A segment of an S3 key: words, dots, odd punctuation, spaces, Arabic runs up to 600 bytes. */
const segment = fc.oneof(
  fc.constantFrom(
    '..',
    '.',
    '',
    ' ',
    'incoming',
    'a+b',
    '100% news',
    'q?x=1&y=2',
    '#top',
    '(1)',
    "it's",
    '~user',
  ),
  fc.stringMatching(/^[A-Za-z0-9 ._\-+=,;:@!$'()&*]{1,40}$/),
  fc.array(fc.constantFrom(...ARABIC_WORDS), { minLength: 1, maxLength: 60 }).map((w) => w.join(' ')),
);
const randomKey = fc
  .tuple(fc.boolean(), fc.array(segment, { minLength: 1, maxLength: 6 }))
  .map(([leadingSlash, segments]) => `${leadingSlash ? '/' : ''}${segments.join('/')}`)
  .filter((k) => k.length > 0 && utf8(k) <= 1024);

/** Keys every run includes: the edges of what S3 accepts. */
const EDGE_KEYS = [
  `${'k'.repeat(1020)}.txt`,
  `a/${'ت'.repeat(509)}.txt`,
  '/leading/slash.txt',
  '../../outside/the/bucket.txt',
  'a/../b/./c.txt',
  `عربي/${ARABIC_WORDS.join(' ').repeat(3)}/الملف.txt`,
  'folder',
  'folder/child.txt',
  'ends-with-slash/',
  'double//slash.txt',
];

describe('scenario 18: random valid S3 keys through the real stack', () => {
  it('ends every upload, under any valid key, in a done record for that exact key', async () => {
    const random = fc.sample(randomKey, { seed: KEYS_SEED, numRuns: 30 });
    const keys = [...new Set([...EDGE_KEYS, ...random])].slice(0, 36);
    console.log(
      `random keys seed ${KEYS_SEED} (replay with KHULASA_KEYS_SEED=${KEYS_SEED}), ${keys.length} keys`,
    );
    const s3 = userS3(stack.s3Endpoint);
    try {
      for (const [i, key] of keys.entries()) await put(s3, key, englishArticle(`key-${i}`), 'text/plain');
    } finally {
      s3.destroy();
    }

    // A key ending in `/` is a folder placeholder (the console's "Create folder"): never an article.
    const articles = keys.filter((k) => !k.endsWith('/'));
    const folders = keys.filter((k) => k.endsWith('/'));
    const records = await Promise.all(
      articles.map((key) =>
        waitForRecord(stack.apiUrl, key).catch((e: unknown) => ({ key, error: String(e).slice(0, 300) })),
      ),
    );
    const folderAnswers = await Promise.all(
      folders.map(async (k) => (await fetch(recordUrl(stack.apiUrl, k))).status),
    );
    recordFigures({ scenario: 18, uploads: keys.length, records: records.filter((r) => 'id' in r).length });

    expect(keys.map(utf8)).toContain(1024);
    expect(keys.some((k) => k.split('/').some((s) => utf8(s) >= 200 && /[\u0600-\u06ff]/.test(s)))).toBe(
      true,
    );
    expect(records.map((r) => ('id' in r ? [r.source.key, r.status] : [r.key, r.error]))).toEqual(
      articles.map((key) => [key, 'done']),
    );
    expect(folderAnswers).toEqual(folders.map(() => 404));
  }, 180_000);
});
