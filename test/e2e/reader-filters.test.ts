/**
 * The reader page's outlet and entity filters in Chromium against the local stack, at desktop
 * and phone widths: offered from GET /facets, combined, kept in the page URL (shareable, Back
 * undoes a change), cleared in one click, and absent when the API has no /facets.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordId } from '../../lib/domain/id.ts';
import type { SummaryRecord } from '../../lib/domain/record.ts';
import {
  articleOf,
  defaultSummary,
  isNotesRequest,
  startOpenAiTestServer,
} from '../support/openai-server.ts';
import {
  keepScreenshot,
  launchReaderBrowser,
  listLoaded,
  type ReaderBrowser,
} from '../support/reader-browser.ts';
import { pollJson, type StackProcess, startStackProcess } from '../support/stack-process.ts';

const HERALD = 'Port City Herald';
const DAILY = 'Riverside Daily';
const AGENCY = 'وكالة الأنباء المحلية';
const HARBOUR = 'Harbour Authority';
const COUNCIL = 'Riverside Council';
const MINISTRY = 'وزارة الصحة';

const article = (title: string, place: string, lines: string[], outlet: string) =>
  [title, `${place}, 4 March 2025`, ...lines, `Source: ${outlet}`].join('\n');

/** Uploaded oldest first; the entities the test LLM names for each are keyed by a word of its text. */
const ARTICLES = [
  {
    key: 'filters/terminal.txt',
    body: article(
      'Second container terminal opens',
      'Port City',
      [
        'The harbour authority opened a second container terminal on Tuesday, doubling the capacity of the port.',
        'Officials said the terminal would create hundreds of jobs for the city.',
      ],
      HERALD,
    ),
  },
  {
    key: 'filters/dredging.txt',
    body: article(
      'Channel dredging starts in spring',
      'Port City',
      [
        'The channel will be dredged in spring so that larger ships can reach the quays.',
        'The work is paid for by the port and will take four months.',
      ],
      HERALD,
    ),
  },
  {
    key: 'filters/buses.txt',
    body: article(
      'Night bus routes approved',
      'Riverside',
      [
        'The council approved three night bus routes after a year of consultation with residents.',
        'The routes link the hospital, the university and the station until two in the morning.',
      ],
      DAILY,
    ),
  },
  {
    key: 'filters/ferry.txt',
    body: article(
      'Ferry to the harbour resumes',
      'Riverside',
      [
        'The river ferry to the harbour resumes on Monday after repairs to its landing stage.',
        'The council and the harbour authority share the cost of the repairs.',
      ],
      DAILY,
    ),
  },
  {
    key: 'filters/vaccines.txt',
    body: [
      'وزارة الصحة تطلق حملة لتطعيم طلاب المدارس',
      'القاهرة - 3 مارس 2025',
      'أعلنت وزارة الصحة اليوم إطلاق حملة وطنية لتطعيم طلاب المدارس ضد الحصبة تستمر ثلاثة أسابيع.',
      'وقال المتحدث باسم الوزارة إن الفرق الطبية ستزور المدارس وفق جدول معلن مسبقا.',
      `المصدر: ${AGENCY}`,
    ].join('\n'),
  },
] as const;

function entitiesOf(text: string): { name: string; type: string }[] {
  const entities: { name: string; type: string }[] = [];
  if (/harbour authority|the port/i.test(text)) entities.push({ name: HARBOUR, type: 'organization' });
  if (/council/i.test(text)) entities.push({ name: COUNCIL, type: 'organization' });
  if (/Port City/.test(text)) entities.push({ name: 'Port City', type: 'place' });
  if (text.includes('وزارة الصحة')) entities.push({ name: MINISTRY, type: 'organization' });
  return entities;
}

const ids = Object.fromEntries(ARTICLES.map((a) => [a.key, recordId('articles', a.key)]));
const idOf = (key: string) => ids[key] ?? '';

describe('reader page filters in Chromium', () => {
  let dataDir: string;
  let llm: Awaited<ReturnType<typeof startOpenAiTestServer>>;
  let stack: StackProcess;
  let browser: ReaderBrowser;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'khulasa-reader-filters-'));
    llm = await startOpenAiTestServer({
      apiKey: 'sk-khulasa-filters',
      defaultBehaviour: {
        type: 'custom',
        respond: (r) => {
          if (isNotesRequest(r.body)) return { type: 'summary' as const };
          const answer = defaultSummary(r.body);
          return { type: 'json' as const, content: { ...answer, entities: entitiesOf(articleOf(r.body)) } };
        },
      },
    });
    stack = await startStackProcess({
      KHULASA_DATA_DIR: dataDir,
      KHULASA_SAMPLES: 'false',
      OPENAI_API_KEY: 'sk-khulasa-filters',
      OPENAI_BASE_URL: llm.url,
      OPENAI_MODEL: 'khulasa-test-model',
      LLM_PROVIDER: 'openai',
      API_AUTH_MODE: 'none',
    });
    const s3 = new S3Client({
      endpoint: stack.s3Endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'AKIAFILTERS', secretAccessKey: 'filters-secret' },
    });
    for (const a of ARTICLES) {
      await s3.send(
        new PutObjectCommand({ Bucket: 'articles', Key: a.key, Body: a.body, ContentType: 'text/plain' }),
      );
      const record = await pollJson<SummaryRecord>(
        `${stack.apiUrl}/summaries/${idOf(a.key)}`,
        (r, status) => status === 200 && r.status !== 'processing',
      );
      if (record.status !== 'done')
        throw new Error(`${a.key} ended ${record.status}: ${record.error?.message}`);
    }
    s3.destroy();
    browser = await launchReaderBrowser();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await llm?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const shownIds = (page: Page) =>
    page.locator('li.record').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')));
  const pageQuery = (page: Page) => Object.fromEntries(new URL(page.url()).searchParams);
  const optionsOf = (page: Page, kind: string) =>
    page.locator(`#filter-${kind} option`).evaluateAll((els) => els.map((e) => e.textContent));

  it('offers outlets and entities from /facets, most frequent first, and narrows the list to an outlet', async () => {
    const { page, problems, requests } = await browser.open(`${stack.apiUrl}/`);
    await listLoaded(page);
    expect(await page.locator('#filters').isVisible()).toBe(true);
    expect(await shownIds(page)).toHaveLength(5);

    const outlets = await optionsOf(page, 'outlet');
    expect(outlets[0]).toBe('All outlets');
    expect(outlets.slice(1, 3).sort()).toEqual([`${HERALD} (2)`, `${DAILY} (2)`].sort());
    expect(outlets).toContain(`${AGENCY} (1)`);
    const entities = await optionsOf(page, 'entity');
    expect(entities[1]).toBe(`${HARBOUR} (3)`);
    expect(entities).toContain(`${MINISTRY} (1)`);

    await page.locator('#filter-outlet').selectOption(HERALD);
    await listLoaded(page);

    expect(pageQuery(page)).toEqual({ outlet: HERALD });
    expect((await shownIds(page)).sort()).toEqual(
      [idOf('filters/dredging.txt'), idOf('filters/terminal.txt')].sort(),
    );
    expect(await page.locator('#filter-clear').isVisible()).toBe(true);
    expect(
      requests.some(
        (u) => new URL(u).pathname === '/summaries' && new URL(u).searchParams.get('outlet') === HERALD,
      ),
    ).toBe(true);
    await keepScreenshot(page, 'filters-outlet-1400');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('filters by an entity clicked in a card, combined with the outlet, and Back undoes it', async () => {
    const { page, problems } = await browser.open(`${stack.apiUrl}/?outlet=${encodeURIComponent(DAILY)}`);
    await listLoaded(page);
    expect((await shownIds(page)).sort()).toEqual(
      [idOf('filters/buses.txt'), idOf('filters/ferry.txt')].sort(),
    );

    const ferry = page.locator(`li.record[data-id="${idOf('filters/ferry.txt')}"]`);
    await ferry.locator(`button.entity[data-entity="${HARBOUR}"]`).click();
    await listLoaded(page);

    expect(pageQuery(page)).toEqual({ outlet: DAILY, entity: HARBOUR });
    expect(await shownIds(page)).toEqual([idOf('filters/ferry.txt')]);
    expect(await page.locator('#filter-entity').inputValue()).toBe(HARBOUR);
    expect(await ferry.locator(`button.entity[data-entity="${HARBOUR}"]`).getAttribute('aria-pressed')).toBe(
      'true',
    );
    await keepScreenshot(page, 'filters-outlet-and-entity-1400');

    await page.goBack();
    // Back is a same-page history step: the list reloads once the page has seen it.
    await expect.poll(() => pageQuery(page)).toEqual({ outlet: DAILY });
    await expect.poll(async () => (await shownIds(page)).length).toBe(2);
    expect(await page.locator('#filter-entity').inputValue()).toBe('');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('opens a shared filtered address as it was, Arabic outlet included, and clears it in one click', async () => {
    const shared = `${stack.apiUrl}/?outlet=${encodeURIComponent(AGENCY)}&entity=${encodeURIComponent(MINISTRY)}`;
    const { page, problems } = await browser.open(shared);
    await listLoaded(page);

    expect(await shownIds(page)).toEqual([idOf('filters/vaccines.txt')]);
    expect(await page.locator('#filter-outlet').inputValue()).toBe(AGENCY);
    expect(await page.locator('#filter-entity').inputValue()).toBe(MINISTRY);
    const chip = page.locator(`button.entity[data-entity="${MINISTRY}"]`);
    expect(await chip.getAttribute('dir')).toBe('auto');

    await page.locator('#filter-clear').click();
    await listLoaded(page);
    expect(pageQuery(page)).toEqual({});
    expect(await shownIds(page)).toHaveLength(5);
    expect(await page.locator('#filter-clear').isHidden()).toBe(true);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('says when nothing matches and offers to clear the filters', async () => {
    const { page, problems } = await browser.open(
      `${stack.apiUrl}/?entity=${encodeURIComponent('Nobody at all')}`,
    );
    await listLoaded(page);

    expect(await shownIds(page)).toEqual([]);
    expect(await page.locator('#status').textContent()).toBe('No summaries match these filters.');
    expect(await page.locator('#filter-clear').isVisible()).toBe(true);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('fits the filter bar on a phone: full-width menus, nothing wider than the screen', async () => {
    const { page, problems } = await browser.open(`${stack.apiUrl}/?outlet=${encodeURIComponent(HERALD)}`);
    await page.setViewportSize({ width: 390, height: 844 });
    await listLoaded(page);

    const scrollWidth = await page.evaluate('document.documentElement.scrollWidth');
    expect(scrollWidth).toBeLessThanOrEqual(390);
    for (const kind of ['outlet', 'entity']) {
      const b = await page.locator(`#filter-${kind}`).boundingBox();
      expect(b && b.x + b.width).toBeLessThanOrEqual(390);
      expect(b?.width).toBeGreaterThan(390 - 60);
    }
    expect(await shownIds(page)).toHaveLength(2);
    await keepScreenshot(page, 'filters-phone-390');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows no filter bar when the API has no /facets, and lists everything unfiltered', async () => {
    const page = await browser.context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    // An API from before the filters: /facets is not a route there.
    await page.route('**/facets?*', (route) =>
      route.fulfill({
        status: 404,
        contentType: 'application/problem+json',
        body: JSON.stringify({
          type: 'about:blank',
          title: 'Not Found',
          status: 404,
          detail: 'No such route.',
        }),
      }),
    );
    await page.goto(`${stack.apiUrl}/?outlet=${encodeURIComponent(HERALD)}`);
    await listLoaded(page);

    expect(await page.locator('#filters').isHidden()).toBe(true);
    expect(await shownIds(page)).toHaveLength(5);
    expect(await page.locator('button.entity').count()).toBe(0);
    expect(await page.locator('bdi.entity').first().textContent()).toBeTruthy();
    expect(problems).toEqual([]);
    await keepScreenshot(page, 'filters-unavailable-1400');
    await page.close();
  });

  it('keeps the screenshots as artefacts', () => {
    for (const name of ['filters-outlet-1400', 'filters-outlet-and-entity-1400', 'filters-phone-390']) {
      expect(existsSync(join(import.meta.dirname, `../artifacts/reader/${name}.png`))).toBe(true);
    }
  });
});
