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
    // Checked where it applies: with the openai provider (the offline summariser never reads it).
    expect(() => loadIngestConfig({ ...base, LLM_PROVIDER: 'openai', OPENAI_BASE_URL: 'not a url' })).toThrow(
      /OPENAI_BASE_URL/,
    );
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

describe('loadIngestConfig as a person meets it', () => {
  it('reads LLM_PROVIDER whatever its case', () => {
    expect(loadIngestConfig({ ...base, LLM_PROVIDER: 'OpenAI' }).llm.provider).toBe('openai');
    expect(loadIngestConfig({ ...base, LLM_PROVIDER: ' EXTRACTIVE ' }).llm.provider).toBe('extractive');
  });

  it('takes an empty OPENAI_MODEL as the default model', () => {
    expect(loadIngestConfig({ ...base, OPENAI_MODEL: '' }).llm.model).toBe('gpt-4o-mini');
    expect(loadIngestConfig({ ...base, LLM_PROVIDER: 'openai', OPENAI_MODEL: '  ' }).llm.model).toBe(
      'gpt-4o-mini',
    );
  });

  it('does not check OpenAI variables when the offline summariser is chosen', () => {
    const config = loadIngestConfig({
      ...base,
      LLM_PROVIDER: 'extractive',
      OPENAI_BASE_URL: 'localhost:11434',
    });

    expect(config.llm.provider).toBe('extractive');
    expect(config.llm.baseURL).toBeUndefined();
  });

  it('still checks them for the openai provider', () => {
    expect(() => loadIngestConfig({ ...base, LLM_PROVIDER: 'openai', OPENAI_BASE_URL: 'not a url' })).toThrow(
      /OPENAI_BASE_URL must be a URL/,
    );
  });

  it('says what is wrong on one line, naming the variable and the value it got', () => {
    let message = '';
    try {
      loadIngestConfig({ ...base, LLM_PROVIDER: 'claude' });
    } catch (e: unknown) {
      message = (e as Error).message;
    }

    expect(message).toBe(
      'Invalid ingest configuration: LLM_PROVIDER must be openai, azure, bedrock or extractive (got "claude")',
    );
  });

  it('never repeats the value of a key in a message', () => {
    expect(() => loadIngestConfig({ ...base, OPENAI_API_KEY: 'sk-secret', LLM_TIMEOUT_MS: 'soon' })).toThrow(
      /LLM_TIMEOUT_MS/,
    );
    expect(() =>
      loadIngestConfig({ ...base, OPENAI_API_KEY: 'sk-secret', LLM_TIMEOUT_MS: 'soon' }),
    ).not.toThrow(/sk-secret/);
  });
});
