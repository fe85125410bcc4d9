import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { READER_CSP } from '../../functions/api/reader/assets.ts';
import { recordId } from '../../lib/store/id.ts';
import type { SummaryRecord } from '../../lib/store/record.ts';
import { type OpenAiTestServer, startOpenAiTestServer } from '../support/openai-server.ts';
import { pollJson, type StackProcess, startStackProcess } from '../support/stack-process.ts';

/** Debian's Chromium, installed by .ci/run; this test fails (never skips) without it. */
const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = join(import.meta.dirname, '../artifacts/reader.png');
const SCRIPT_TITLE = 'Council approves new night bus routes <script>alert(1)</script>';
/** Would set a window flag if any summary text ever reached an HTML parser. */
const IMG_ATTACK = '<img src="x" onerror="window.__khulasaPwned = 1">';

const ARTICLES = {
  ar: {
    key: 'reader/وزارة الصحة.txt',
    body: [
      'وزارة الصحة تطلق حملة وطنية لتطعيم طلاب المدارس',
      'القاهرة - 3 مارس 2025',
      'أعلنت وزارة الصحة اليوم إطلاق حملة وطنية لتطعيم طلاب المدارس ضد الحصبة، تستمر ثلاثة أسابيع وتشمل جميع المحافظات.',
      'وقال المتحدث باسم الوزارة إن الفرق الطبية ستزور المدارس وفق جدول معلن مسبقاً، وإن التطعيم مجاني لجميع الطلاب.',
      'ودعت الوزارة أولياء الأمور إلى مراجعة سجلات التطعيم الخاصة بأبنائهم والتواصل مع المدارس عند الحاجة.',
      'المصدر: وكالة الأنباء المحلية',
    ].join('\n'),
  },
  en: {
    key: 'reader/harbour-report.txt',
    body: [
      'Harbour authority opens a second container terminal',
      'Port City, 4 March 2025',
      'The harbour authority opened a second container terminal on Tuesday, doubling the port’s capacity for cargo ships.',
      'Officials said the terminal would create hundreds of jobs and shorten waiting times for ships at anchor.',
      'Shipping companies welcomed the move but asked for better road links to the new quay.',
      'Source: Port City Herald',
    ].join('\n'),
  },
  script: {
    key: 'reader/night-buses.txt',
    body: [
      SCRIPT_TITLE,
      'Riverside, 5 March 2025',
      `Protesters had written ${IMG_ATTACK} on the consultation forms before the vote.`,
      'The city council approved three new night bus routes on Wednesday after a year of public consultation.',
      'The routes will link the hospital, the university and the central station until two in the morning.',
      'Source: Riverside Daily',
    ].join('\n'),
  },
} as const;

type PageWindow = { getComputedStyle(element: unknown): { direction: string; fontFamily: string } };

const LAUNCH_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

describe('reader page in Chromium against the local stack', () => {
  let dataDir: string;
  let profileDir: string;
  let llm: OpenAiTestServer;
  let stack: StackProcess;
  let context: BrowserContext;
  const ids = {
    ar: recordId('articles', ARTICLES.ar.key),
    en: recordId('articles', ARTICLES.en.key),
    script: recordId('articles', ARTICLES.script.key),
  };

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `${CHROMIUM} is missing: install it with \`apt-get install -y chromium\` (.ci/run does).`,
      );
    }
    dataDir = await mkdtemp(join(tmpdir(), 'khulasa-reader-'));
    profileDir = await mkdtemp(join(tmpdir(), 'khulasa-chromium-'));
    // The OpenAI-compatible test server gives every record both languages, so both blocks show.
    llm = await startOpenAiTestServer({ apiKey: 'sk-khulasa-reader' });
    stack = await startStackProcess({
      KHULASA_DATA_DIR: dataDir,
      KHULASA_SAMPLES: 'false',
      OPENAI_API_KEY: 'sk-khulasa-reader',
      OPENAI_BASE_URL: llm.url,
      OPENAI_MODEL: 'khulasa-test-model',
      LLM_PROVIDER: 'openai',
      API_AUTH_MODE: 'none',
    });

    const s3 = new S3Client({
      endpoint: stack.s3Endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'AKIAREADER', secretAccessKey: 'reader-secret' },
    });
    // Oldest first, so the page (newest first) shows the script article, then English, then Arabic.
    for (const a of [ARTICLES.ar, ARTICLES.en, ARTICLES.script]) {
      await s3.send(
        new PutObjectCommand({ Bucket: 'articles', Key: a.key, Body: a.body, ContentType: 'text/plain' }),
      );
      await pollJson<SummaryRecord>(
        `${stack.apiUrl}/summaries/${recordId('articles', a.key)}`,
        (r, status) => status === 200 && r.status === 'done',
      );
    }
    s3.destroy();

    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: LAUNCH_ARGS,
      viewport: { width: 1280, height: 900 },
      locale: 'en-GB',
    });
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    await stack?.stop();
    await llm?.close();
    for (const dir of [dataDir, profileDir]) if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** A page that records every request, dialog, script error and console error. */
  async function openPage(path: string) {
    const page = await context.newPage();
    const requests: string[] = [];
    const dialogs: string[] = [];
    const problems: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && !/favicon/.test(m.location().url)) problems.push(`console: ${m.text()}`);
    });
    const response = await page.goto(`${stack.apiUrl}${path}`);
    return { page, response, requests, dialogs, problems };
  }

  /** Runs in the page (tsconfig has no DOM types, hence the cast). */
  const computedStyle = (page: Page, selector: string) =>
    page.locator(selector).evaluate((e) => {
      const s = (globalThis as unknown as PageWindow).getComputedStyle(e);
      return { direction: s.direction, fontFamily: s.fontFamily };
    });

  const box = async (page: Page, selector: string) => {
    const b = await page.locator(selector).boundingBox();
    if (!b) throw new Error(`${selector} is not visible`);
    return b;
  };

  it('shows the uploaded articles with Arabic right-to-left beside English, escaped, with no outside request', async () => {
    // Precondition: the pipeline kept the markup in the title as text.
    const scriptRecord = await pollJson<SummaryRecord>(`${stack.apiUrl}/summaries/${ids.script}`, () => true);
    expect(scriptRecord.article?.title).toContain('<script>alert(1)</script>');

    const { page, response, requests, dialogs, problems } = await openPage('/?limit=2');
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-type']).toBe('text/html; charset=utf-8');
    expect(response?.headers()['content-security-policy']).toBe(READER_CSP);
    await page.waitForSelector('html[data-loaded="true"]');

    // Paging with the API's cursor: two records, then "Older" brings the third and disappears.
    await expect.poll(() => page.locator('li.record').count()).toBe(2);
    await page.getByRole('button', { name: 'Older' }).click();
    await expect.poll(() => page.locator('li.record').count()).toBe(3);
    expect(await page.getByRole('button', { name: 'Older' }).isHidden()).toBe(true);
    expect(
      await page.locator('li.record').evaluateAll((els) => els.map((e) => e.getAttribute('data-id'))),
    ).toEqual([ids.script, ids.en, ids.ar]);

    for (const id of [ids.ar, ids.en]) {
      const ar = `li.record[data-id="${id}"] section.summary[lang="ar"]`;
      const en = `li.record[data-id="${id}"] section.summary[lang="en"]`;
      expect(await page.locator(ar).getAttribute('dir')).toBe('rtl');
      expect(await page.locator(en).getAttribute('dir')).toBe('ltr');
      const style = await computedStyle(page, ar);
      expect(style.direction).toBe('rtl');
      expect(style.fontFamily).toMatch(/Noto Naskh Arabic/);
      expect(await page.locator(`${ar} .summary-text`).textContent()).toMatch(/\p{Script=Arabic}/u);
      expect(await page.locator(`${en} .summary-text`).textContent()).toMatch(/[A-Za-z]/);
      // Side by side: same row, Arabic on the right.
      const [a, e] = [await box(page, ar), await box(page, en)];
      expect(Math.abs(a.y - e.y)).toBeLessThan(2);
      expect(a.x).toBeGreaterThan(e.x + e.width - 1);
    }

    const arItem = page.locator(`li.record[data-id="${ids.ar}"]`);
    expect(await arItem.locator('.record-title').textContent()).toBe(
      'وزارة الصحة تطلق حملة وطنية لتطعيم طلاب المدارس',
    );
    expect(await arItem.locator('.badge').textContent()).toBe('done');
    expect(await arItem.locator('a.text-link').getAttribute('href')).toBe(`summaries/${ids.ar}/text`);
    const text = await fetch(`${stack.apiUrl}/summaries/${ids.ar}/text`);
    expect(text.status).toBe(200);
    expect(await text.text()).toContain('حملة وطنية');

    // The markup in the title is shown as text: no element, no dialog.
    const scriptTitle = page.locator(`li.record[data-id="${ids.script}"] .record-title`);
    expect(await scriptTitle.textContent()).toBe(SCRIPT_TITLE);
    expect(await page.locator('li.record script, li.record img').count()).toBe(0);
    expect(
      await page.locator(`li.record[data-id="${ids.script}"] section[lang="en"]`).textContent(),
    ).toContain(IMG_ATTACK);
    expect(await page.evaluate('document.body.textContent')).toContain('<script>alert(1)</script>');
    expect(await page.evaluate('window.__khulasaPwned === undefined')).toBe(true);
    expect(dialogs).toEqual([]);
    expect(problems).toEqual([]);

    const origin = new URL(stack.apiUrl).origin;
    expect(requests.length).toBeGreaterThan(3);
    expect(requests.filter((u) => new URL(u).origin !== origin)).toEqual([]);

    await mkdir(join(SCREENSHOT, '..'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(existsSync(SCREENSHOT)).toBe(true);
    await page.close();
  });

  it('asks for a token in JWT mode and sends it as a bearer header', async () => {
    const page = await context.newPage();
    await page.route('**/app-config.json', (route) => route.fulfill({ json: { authMode: 'jwt' } }));
    const authorizations: Array<string | undefined> = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname === '/summaries') authorizations.push(r.headers().authorization);
    });
    await page.goto(`${stack.apiUrl}/`);
    const form = page.locator('#token-form');
    await form.waitFor({ state: 'visible' });
    expect(authorizations).toEqual([]);

    await page.locator('#token').fill('header.payload.signature');
    await page.getByRole('button', { name: 'Use token' }).click();
    await page.waitForSelector('html[data-loaded="true"]');
    expect(authorizations).toEqual(['Bearer header.payload.signature']);
    expect(await form.isHidden()).toBe(true);
    await page.close();
  });

  it('explains in IAM mode that browsing needs a JWT or a public API, and fetches no data', async () => {
    const page = await context.newPage();
    await page.route('**/app-config.json', (route) => route.fulfill({ json: { authMode: 'iam' } }));
    const dataRequests: string[] = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname.startsWith('/summaries')) dataRequests.push(r.url());
    });
    await page.goto(`${stack.apiUrl}/`);
    const notice = page.locator('#notice');
    await notice.waitFor({ state: 'visible' });
    expect(await notice.textContent()).toMatch(/JWT.*public API/);
    expect(dataRequests).toEqual([]);
    await page.close();
  });
});
