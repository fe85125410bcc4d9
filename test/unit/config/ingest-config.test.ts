import { describe, expect, it } from 'vitest';
import { ConfigError, loadIngestConfig } from '../../../lib/config/ingest.ts';

const base = { TABLE_NAME: 'summaries', MAX_RECEIVE_COUNT: '3' };

describe('loadIngestConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadIngestConfig(base);
    expect(config.languages).toEqual(['ar', 'en']);
    expect(config.maxArticleBytes).toBe(10 * 1024 * 1024);
    expect(config.maxTextChars).toBe(2_000_000);
    expect(config.llm.maxCallsPerArticle).toBe(40);
    expect(config.llm.provider).toBe('extractive');
  });

  it('fails fast naming a missing variable', () => {
    expect(() => loadIngestConfig({ MAX_RECEIVE_COUNT: '3' })).toThrow(ConfigError);
    expect(() => loadIngestConfig({ MAX_RECEIVE_COUNT: '3' })).toThrow(/TABLE_NAME/);
    expect(() => loadIngestConfig({ TABLE_NAME: 't' })).toThrow(/MAX_RECEIVE_COUNT/);
  });

  it('names a bad value', () => {
    expect(() => loadIngestConfig({ ...base, MAX_ARTICLE_BYTES: 'ten' })).toThrow(/MAX_ARTICLE_BYTES/);
    expect(() => loadIngestConfig({ ...base, LLM_PROVIDER: 'claude' })).toThrow(/LLM_PROVIDER/);
    expect(() => loadIngestConfig({ ...base, OPENAI_BASE_URL: 'not a url' })).toThrow(/OPENAI_BASE_URL/);
    expect(() => loadIngestConfig({ ...base, SUMMARY_LANGUAGES: 'arabic' })).toThrow(/SUMMARY_LANGUAGES/);
  });

  it('selects openai when a key is set and extractive when it is not', () => {
    expect(loadIngestConfig({ ...base, OPENAI_API_KEY: 'sk-test' }).llm.provider).toBe('openai');
    expect(loadIngestConfig({ ...base, OPENAI_API_KEY: '  ' }).llm.provider).toBe('extractive');
    expect(
      loadIngestConfig({ ...base, OPENAI_API_KEY_SECRET_ARN: 'arn:aws:secretsmanager:x' }).llm.provider,
    ).toBe('openai');
  });

  it('lets LLM_PROVIDER win over the key', () => {
    expect(
      loadIngestConfig({ ...base, OPENAI_API_KEY: 'sk-test', LLM_PROVIDER: 'extractive' }).llm.provider,
    ).toBe('extractive');
    expect(loadIngestConfig({ ...base, LLM_PROVIDER: 'openai' }).llm.provider).toBe('openai');
  });

  it('parses the language list, lower-cased and without duplicates', () => {
    expect(loadIngestConfig({ ...base, SUMMARY_LANGUAGES: ' AR, en ,ar,fr' }).languages).toEqual([
      'ar',
      'en',
      'fr',
    ]);
  });
});
