/**
 * Every configuration problem reaches a person as one line that names the variable and says what
 * it needs in words, never in a validation library's wording (`Too small: expected number…`).
 */
import { describe, expect, it } from 'vitest';
import { parseContext } from '../../../infra/cdk/context.ts';
import { parseLocalConfig } from '../../../infra/local/local-config.ts';
import { parseApiConfig } from '../../../lib/config/api.ts';
import { loadIngestConfig } from '../../../lib/config/ingest.ts';

const base = { TABLE_NAME: 'summaries', MAX_RECEIVE_COUNT: '3' };
const ZOD_WORDS = /Too small|Too big|Invalid input|expected (number|int|string|array)|NaN|[<>]=?\d/;

function messageOf(load: () => unknown): string {
  try {
    load();
  } catch (e: unknown) {
    return (e as Error).message;
  }
  throw new Error('the configuration was accepted');
}

const INGEST_NUMBERS = [
  'LLM_TIMEOUT_MS',
  'LLM_MAX_RETRIES',
  'MAX_ARTICLE_BYTES',
  'MAX_TEXT_CHARS',
  'MAX_LLM_CALLS_PER_ARTICLE',
  'MAX_INPUT_TOKENS',
  'LLM_MAP_CONCURRENCY',
  'MAX_RECEIVE_COUNT',
  'RETRY_BASE_SECONDS',
  'RETRY_MAX_SECONDS',
  'LEASE_SECONDS',
  'CONTENT_WAIT_SECONDS',
];
const LOCAL_NUMBERS = ['S3_PORT', 'DYNAMODB_PORT', 'PORT', 'MAX_RECEIVE_COUNT', 'LOCAL_CONCURRENCY'];
const BAD_NUMBERS = ['-1', 'soon', '1.5', '99999999'];

describe('configuration messages', () => {
  it('words every bad number of the ingest function for a person, on one line naming the variable', () => {
    for (const name of INGEST_NUMBERS) {
      for (const value of BAD_NUMBERS) {
        if (name === 'CONTENT_WAIT_SECONDS' && value === '1.5') continue; // fractions of seconds are fine
        if (
          value === '99999999' &&
          !['LLM_MAX_RETRIES', 'LLM_MAP_CONCURRENCY', 'RETRY_MAX_SECONDS', 'CONTENT_WAIT_SECONDS'].includes(
            name,
          )
        )
          continue; // no upper bound
        const message = messageOf(() => loadIngestConfig({ ...base, [name]: value }));
        expect(message).toMatch(
          new RegExp(`^Invalid ingest configuration: ${name} must [^\\n]+ \\(got "${value}"\\)$`),
        );
        expect(message).not.toMatch(ZOD_WORDS);
      }
    }
  });

  it('says a positive number must be greater than 0, not "Too small: expected number to be >0"', () => {
    expect(messageOf(() => loadIngestConfig({ ...base, LLM_TIMEOUT_MS: '0' }))).toBe(
      'Invalid ingest configuration: LLM_TIMEOUT_MS must be greater than 0 (got "0")',
    );
  });

  it('refuses a language code that names no language, listing codes that do', () => {
    expect(messageOf(() => loadIngestConfig({ ...base, SUMMARY_LANGUAGES: 'xx' }))).toBe(
      'Invalid ingest configuration: SUMMARY_LANGUAGES must be ISO 639 language codes separated by commas, such as ar,en,fr,es,de,tr,fa,ur (got "xx")',
    );
    expect(messageOf(() => loadIngestConfig({ ...base, SUMMARY_LANGUAGES: 'ar,zz' }))).toMatch(
      /SUMMARY_LANGUAGES/,
    );
    expect(loadIngestConfig({ ...base, SUMMARY_LANGUAGES: 'AR, fr' }).languages).toEqual(['ar', 'fr']);
  });

  it('says an empty language list needs a language', () => {
    expect(messageOf(() => loadIngestConfig({ ...base, SUMMARY_LANGUAGES: ' , ' }))).toBe(
      'Invalid ingest configuration: SUMMARY_LANGUAGES must list at least one language, e.g. ar,en (got " , ")',
    );
  });

  it('names a required variable that is missing in words', () => {
    const message = messageOf(() => loadIngestConfig({ TABLE_NAME: 'summaries' }));
    expect(message).toBe('Invalid ingest configuration: MAX_RECEIVE_COUNT is required (it must be a number)');
  });

  it("words every bad number of npm start's own variables for a person", () => {
    for (const name of LOCAL_NUMBERS) {
      for (const value of BAD_NUMBERS) {
        const message = messageOf(() => parseLocalConfig({ [name]: value }));
        expect(message).toMatch(new RegExp(`^${name} must [^\\n]+ \\(got "${value}"\\)$`));
        expect(message).not.toMatch(ZOD_WORDS);
      }
    }
  });

  it('words the api configuration for a person', () => {
    for (const env of [
      {},
      { TABLE_NAME: 't', CURSOR_SECRET: 'short' },
      { TABLE_NAME: 't', API_AUTH_MODE: 'x' },
    ]) {
      const message = messageOf(() => parseApiConfig(env));
      expect(message).toMatch(/^Invalid api configuration: [A-Z_]+ [^\n]+$/);
      expect(message).not.toMatch(ZOD_WORDS);
    }
  });

  it('words every bad -c option of the CDK app for a person, naming the option', () => {
    const bad: Record<string, string>[] = [
      { maxReceiveCount: 'many' },
      { maxReceiveCount: '2' },
      { llmConcurrency: '0' },
      { publicApi: 'yes' },
      { alarmEmail: 'nope' },
      { openAiBaseUrl: 'not a url' },
      { summaryLanguages: 'xx' },
    ];
    for (const raw of bad) {
      const [name] = Object.keys(raw);
      const lines = messageOf(() => parseContext(raw))
        .split('\n')
        .slice(1);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^  -c ${name}: must `));
      expect(lines[0]).not.toMatch(ZOD_WORDS);
    }
  });
});
