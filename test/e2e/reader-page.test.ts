import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { READER_CSP } from '../../functions/api/reader/assets.ts';
import { recordId } from '../../lib/store/id.ts';
import type { SummaryRecord } from '../../lib/store/record.ts';
import { type OpenAiTestServer, startOpenAiTestServer } from '../support/openai-server.ts';
import {
  ARTICLES,
  BIDI_SHOWN,
  BIDI_SUMMARY,
  IMG_ATTACK,
  llmBehaviour,
  SCRIPT_TITLE,
} from '../support/reader-articles.ts';
import {
  keepScreenshot,
  launchReaderBrowser,
  type ReaderBrowser,
  SCREENSHOTS,
} from '../support/reader-browser.ts';
import { pollJson, type StackProcess, startStackProcess } from '../support/stack-process.ts';

type PageWindow = { getComputedStyle(element: unknown): { direction: string; fontFamily: string } };

describe('reader page in Chromium against the local stack', () => {
  let dataDir: string;
  let llm: OpenAiTestServer;
  let stack: StackProcess;
  let browser: ReaderBrowser;
  let context: BrowserContext;
  const ids = {
    ar: recordId('articles', ARTICLES.ar.key),
    en: recordId('articles', ARTICLES.en.key),
    script: recordId('articles', ARTICLES.script.key),
    bidi: recordId('articles', ARTICLES.bidi.key),
    refused: recordId('articles', ARTICLES.refused.key),
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'khulasa-reader-'));
    // The OpenAI-compatible test server gives every record both languages, so both blocks show.
    llm = await startOpenAiTestServer({
      apiKey: 'sk-khulasa-reader',
      defaultBehaviour: { type: 'custom', respond: (r) => llmBehaviour(r.body) },
    });
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
    // Oldest first: the page (newest first) shows refused, bidi, script, English, then Arabic.
    for (const a of [ARTICLES.ar, ARTICLES.en, ARTICLES.script, ARTICLES.bidi, ARTICLES.refused]) {
      await s3.send(
        new PutObjectCommand({ Bucket: 'articles', Key: a.key, Body: a.body, ContentType: 'text/plain' }),
      );
      await pollJson<SummaryRecord>(
        `${stack.apiUrl}/summaries/${recordId('articles', a.key)}`,
        (r, status) => status === 200 && r.status !== 'processing',
      );
    }
    s3.destroy();

    browser = await launchReaderBrowser();
    context = browser.context;
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await llm?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  /** A page that records every request, dialog, script error and console error. */
  const openPage = (path: string) => browser.open(`${stack.apiUrl}${path}`);

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

  const screenshot = async (page: Page, name: string) => {
    expect(existsSync(await keepScreenshot(page, name))).toBe(true);
  };

  /**
   * Where `word` (its first occurrence in `selector`'s text) is drawn: its box, and the left edges
   * of its first and last characters (a reversed word has its first character on the right).
   */
  const wordBox = (page: Page, selector: string, word: string) =>
    page.evaluate(
      `(() => {
        const root = document.querySelector(${JSON.stringify(selector)});
        const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        const rect = (node, from, to) => {
          const range = document.createRange();
          range.setStart(node, from);
          range.setEnd(node, to);
          return range.getBoundingClientRect();
        };
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const at = node.data.indexOf(${JSON.stringify(word)});
          if (at < 0) continue;
          const r = rect(node, at, at + ${word.length});
          return {
            x: r.x,
            y: r.y,
            width: r.width,
            firstX: rect(node, at, at + 1).x,
            lastX: rect(node, at + ${word.length} - 1, at + ${word.length}).x,
          };
        }
        return null;
      })()`,
    ) as Promise<{ x: number; y: number; width: number; firstX: number; lastX: number } | null>;

  it('shows the uploaded articles across a wide window, Arabic right-to-left beside English, escaped, with no outside request', async () => {
    // Precondition: the pipeline kept the markup in the title as text.
    const scriptRecord = await pollJson<SummaryRecord>(`${stack.apiUrl}/summaries/${ids.script}`, () => true);
    expect(scriptRecord.article?.title).toContain('<script>alert(1)</script>');

    const { page, response, requests, dialogs, problems } = await openPage('/?limit=3');
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-type']).toBe('text/html; charset=utf-8');
    expect(response?.headers()['content-security-policy']).toBe(READER_CSP);
    await page.waitForSelector('html[data-loaded="true"]');

    // Paging with the API's cursor: three records, then "Older" brings the rest and disappears.
    await expect.poll(() => page.locator('li.record').count()).toBe(3);
    await page.getByRole('button', { name: 'Older' }).click();
    await expect.poll(() => page.locator('li.record').count()).toBe(5);
    expect(await page.getByRole('button', { name: 'Older' }).isHidden()).toBe(true);
    expect(
      await page.locator('li.record').evaluateAll((els) => els.map((e) => e.getAttribute('data-id'))),
    ).toEqual([ids.refused, ids.bidi, ids.script, ids.en, ids.ar]);

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

    // The cards use the window: two side by side, the second reaching the right margin.
    const [first, second] = [
      await box(page, `li.record[data-id="${ids.refused}"]`),
      await box(page, `li.record[data-id="${ids.bidi}"]`),
    ];
    expect(Math.abs(first.y - second.y)).toBeLessThan(2);
    expect(second.x + second.width).toBeGreaterThan(1400 - 40);

    const arItem = page.locator(`li.record[data-id="${ids.ar}"]`);
    expect(await arItem.locator('.record-title').textContent()).toBe(
      'وزارة الصحة تطلق حملة وطنية لتطعيم طلاب المدارس',
    );
    expect(await arItem.locator('.badge').textContent()).toBe('done');
    expect(await arItem.locator('a.text-link').getAttribute('href')).toBe(`?text=${ids.ar}`);

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

    // The icon is inline and allowed by the CSP: no request for /favicon.ico, and it loads.
    expect(await page.locator('link[rel="icon"]').getAttribute('href')).toMatch(
      /^data:image\/svg\+xml;base64,/,
    );
    expect(requests.filter((u) => new URL(u).pathname === '/favicon.ico')).toEqual([]);
    const iconWidth = await page.evaluate(`new Promise((resolve) => {
      const img = new Image();
      img.onload = () => resolve(img.naturalWidth);
      img.onerror = () => resolve(-1);
      img.src = document.querySelector('link[rel="icon"]').href;
    })`);
    expect(iconWidth).toBeGreaterThan(0);
    expect(problems).toEqual([]);

    const origin = new URL(stack.apiUrl).origin;
    expect(requests.length).toBeGreaterThan(3);
    expect(requests.filter((u) => new URL(u).origin !== origin)).toEqual([]);

    await screenshot(page, 'wide-1400');
    await page.close();
  });

  it('says on a failed card what happened and what to do, and offers no full-text link', async () => {
    const record = await pollJson<SummaryRecord>(`${stack.apiUrl}/summaries/${ids.refused}`, () => true);
    expect(record.status).toBe('failed');
    expect(record.error?.code).toBe('llm_refused');
    const { page, problems } = await openPage('/');
    await page.waitForSelector('html[data-loaded="true"]');

    const card = page.locator(`li.record[data-id="${ids.refused}"]`);
    const failure = card.locator('.failure');

    expect(await card.locator('.badge').textContent()).toBe('failed');
    expect(await card.locator('a.text-link').count()).toBe(0);
    expect(await failure.locator('.failure-what').textContent()).toBe(
      'The LLM refused to summarise this article.',
    );
    expect(await failure.locator('.failure-todo code').textContent()).toBe(
      `npm run khulasa -- reprocess --prefix "${ARTICLES.refused.key}" --yes`,
    );
    expect(await failure.locator('.failure-detail').textContent()).toBe(
      `llm_refused: ${record.error?.message}`,
    );
    expect(problems).toEqual([]);
    await card.screenshot({ path: join(SCREENSHOTS, 'failed-card.png') });
    await page.close();
  });

  it('opens the full text of an Arabic article as right-to-left paragraphs, full stops on the left', async () => {
    const { page, problems } = await openPage('/');
    await page.waitForSelector('html[data-loaded="true"]');
    await page.locator(`li.record[data-id="${ids.ar}"] a.text-link`).click();
    await page.waitForSelector('html[data-view="text"][data-loaded="true"]');

    const body = page.locator('#full-text .text-body');
    const paragraphs = await body.locator('p').allTextContents();
    const sentence = paragraphs.find((p) => p.startsWith('أعلنت وزارة الصحة')) ?? '';

    expect(new URL(page.url()).search).toBe(`?text=${ids.ar}`);
    expect(await page.locator('#full-text .record-title').textContent()).toBe(
      'وزارة الصحة تطلق حملة وطنية لتطعيم طلاب المدارس',
    );
    expect(await body.getAttribute('dir')).toBe('rtl');
    expect(await body.getAttribute('lang')).toBe('ar');
    expect((await computedStyle(page, '#full-text .text-body p:first-child')).direction).toBe('rtl');
    expect(paragraphs.length).toBeGreaterThanOrEqual(3);
    expect(sentence.endsWith('.')).toBe(true);
    // Drawn right to left: the full stop sits left of the word it ends (in a left-to-right
    // paragraph it would land on that word's right).
    const word = await wordBox(page, '#full-text .text-body', 'المحافظات');
    const stop = await wordBox(page, '#full-text .text-body', 'المحافظات.');
    const dot = await page.evaluate(`(() => {
      const p = [...document.querySelectorAll('#full-text .text-body p')].find((e) => e.textContent.startsWith('أعلنت'));
      const node = p.firstChild;
      const range = document.createRange();
      range.setStart(node, node.data.length - 1);
      range.setEnd(node, node.data.length);
      return range.getBoundingClientRect().x;
    })()`);
    expect(word).not.toBeNull();
    expect(stop?.y).toBe(word?.y);
    expect(dot).toBeLessThan(word?.x ?? Number.NEGATIVE_INFINITY);
    expect(problems).toEqual([]);
    await screenshot(page, 'full-text-ar');

    await page.getByRole('link', { name: '← All summaries' }).click();
    await page.waitForSelector('html[data-view="list"][data-loaded="true"]');
    await page.close();
  });

  it('neutralises bidi controls in LLM output, so an override cannot reverse a summary', async () => {
    const record = await pollJson<SummaryRecord>(`${stack.apiUrl}/summaries/${ids.bidi}`, () => true);
    // The LLM answered with an override (BIDI_SUMMARY); it is dropped before the record is written,
    // and the page isolates every string besides, for records written before that.
    expect(BIDI_SUMMARY).toMatch(/\u202E/);
    expect(record.summaries.en?.summary).toBe(BIDI_SHOWN);
    const { page, problems } = await openPage('/');
    await page.waitForSelector('html[data-loaded="true"]');
    const en = `li.record[data-id="${ids.bidi}"] section.summary[lang="en"]`;

    const text = await page.locator(`${en} .summary-text`).textContent();
    const title = await page.locator(`${en} h3`).textContent();
    const before = await wordBox(page, `${en} .summary-text`, 'before');
    const lighthouse = await wordBox(page, `${en} .summary-text`, 'lighthouse');

    expect(text).toBe(BIDI_SHOWN);
    expect(title).toBe('Lighthouse lamp');
    expect(await page.evaluate('/[\\u202A-\\u202E\\u2066-\\u2069]/.test(document.body.textContent)')).toBe(
      false,
    );
    // Left to right as written: the words inside the override are not drawn back to front.
    expect(before).not.toBeNull();
    expect(lighthouse).not.toBeNull();
    expect(before?.firstX).toBeLessThan(before?.lastX ?? Number.NEGATIVE_INFINITY);
    expect(lighthouse?.firstX).toBeLessThan(lighthouse?.lastX ?? Number.NEGATIVE_INFINITY);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('lays the cards out in one column at phone width, summaries stacked, nothing wider than the screen', async () => {
    const page = await context.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${stack.apiUrl}/`);
    await page.waitForSelector('html[data-loaded="true"]');
    const ar = `li.record[data-id="${ids.ar}"] section.summary[lang="ar"]`;
    const en = `li.record[data-id="${ids.ar}"] section.summary[lang="en"]`;

    const scrollWidth = await page.evaluate('document.documentElement.scrollWidth');
    const cards = await page
      .locator('li.record')
      .evaluateAll((els) =>
        els.map((e) =>
          (e as unknown as { getBoundingClientRect(): { x: number; width: number } }).getBoundingClientRect(),
        ),
      );
    const [a, e] = [await box(page, ar), await box(page, en)];

    expect(scrollWidth).toBeLessThanOrEqual(390);
    expect(new Set(cards.map((c) => Math.round(c.x))).size).toBe(1);
    for (const c of cards) {
      expect(c.x).toBeGreaterThanOrEqual(0);
      expect(c.x + c.width).toBeLessThanOrEqual(390);
      expect(c.width).toBeGreaterThan(390 - 40);
    }
    expect(a.y).toBeGreaterThan(e.y + e.height - 1);
    await screenshot(page, 'phone-390');
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
