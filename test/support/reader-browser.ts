/**
 * Debian's Chromium driven by playwright-core, for the reader page's end-to-end tests: a browser
 * with its own profile, pages that record every request, dialog, script error and console error,
 * and screenshots kept as artefacts of the run (test/artifacts/ is git-ignored).
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page, type Response } from 'playwright-core';

/** Installed by .ci/run; the tests fail (never skip) without it. */
export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS = join(import.meta.dirname, '../artifacts/reader');

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

export interface ReaderBrowser {
  context: BrowserContext;
  open(url: string): Promise<OpenedPage>;
  close(): Promise<void>;
}

export interface OpenedPage {
  page: Page;
  /** The answer to the page's own request. */
  response: Response | null;
  requests: string[];
  dialogs: string[];
  /** Script errors and console errors, in order. */
  problems: string[];
}

export async function launchReaderBrowser(viewport = { width: 1400, height: 1000 }): Promise<ReaderBrowser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: install it with \`apt-get install -y chromium\` (.ci/run does).`,
    );
  }
  const profileDir = await mkdtemp(join(tmpdir(), 'khulasa-chromium-'));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: LAUNCH_ARGS,
    viewport,
    locale: 'en-GB',
  });
  return {
    context,
    async open(url) {
      const page = await context.newPage();
      const opened: OpenedPage = { page, response: null, requests: [], dialogs: [], problems: [] };
      page.on('request', (r) => opened.requests.push(r.url()));
      page.on('dialog', (d) => {
        opened.dialogs.push(d.message());
        void d.dismiss();
      });
      page.on('pageerror', (e) => opened.problems.push(`pageerror: ${e.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error') opened.problems.push(`console: ${m.text()}`);
      });
      opened.response = await page.goto(url);
      return opened;
    },
    async close() {
      await context.close();
      await rm(profileDir, { recursive: true, force: true });
    },
  };
}

/** A full-page screenshot under test/artifacts/reader/; returns its path. */
export async function keepScreenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Waits until the list has loaded for the current filters (the script marks the page). */
export const listLoaded = (page: Page) => page.waitForSelector('html[data-loaded="true"]');
