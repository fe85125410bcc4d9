import { describe, expect, it } from 'vitest';
import { LlmNotConfiguredError } from '../../../lib/errors.ts';
import { ExtractiveSummariser } from '../../../lib/summarise/extractive.ts';
import { OpenAiSummariser } from '../../../lib/summarise/openai.ts';
import type { SummaryRequest } from '../../../lib/summarise/port.ts';
import { PROMPT_VERSION } from '../../../lib/summarise/prompt.ts';
import { resolveProvider, selectSummariser } from '../../../lib/summarise/select.ts';

const request: SummaryRequest = {
  text: 'نص المقال.',
  title: null,
  language: 'ar',
  publishedAt: null,
  outlet: null,
  languages: ['ar', 'en'],
};

const base = { model: 'gpt-test', timeoutMs: 1_000, maxRetries: 0 };

describe('resolveProvider', () => {
  it('defaults to openai when a key is set', () => {
    expect(resolveProvider({ OPENAI_API_KEY: 'sk-test' })).toBe('openai');
  });

  it('defaults to extractive without a key or with an empty one', () => {
    expect(resolveProvider({})).toBe('extractive');
    expect(resolveProvider({ OPENAI_API_KEY: '' })).toBe('extractive');
    expect(resolveProvider({ OPENAI_API_KEY: '   ' })).toBe('extractive');
  });

  it('lets an explicit LLM_PROVIDER win over the key', () => {
    expect(resolveProvider({ LLM_PROVIDER: 'extractive', OPENAI_API_KEY: 'sk-test' })).toBe('extractive');
    expect(resolveProvider({ LLM_PROVIDER: 'openai' })).toBe('openai');
    expect(resolveProvider({ LLM_PROVIDER: ' OpenAI ' })).toBe('openai');
  });

  it('treats an empty LLM_PROVIDER as unset', () => {
    expect(resolveProvider({ LLM_PROVIDER: '', OPENAI_API_KEY: 'sk-test' })).toBe('openai');
  });

  it('rejects an unknown LLM_PROVIDER naming the variable', () => {
    expect(() => resolveProvider({ LLM_PROVIDER: 'anthropic' })).toThrow(/LLM_PROVIDER/);
  });
});

describe('selectSummariser', () => {
  it('builds the offline summariser for extractive', () => {
    expect(selectSummariser({ ...base, provider: 'extractive' })).toBeInstanceOf(ExtractiveSummariser);
  });

  it('builds the OpenAI adapter when a key is given', () => {
    const summariser = selectSummariser({ ...base, provider: 'openai', apiKey: 'sk-test' });

    expect(summariser).toBeInstanceOf(OpenAiSummariser);
    expect(summariser.modelName).toBe('gpt-test');
    expect(summariser.promptVersion).toBe(PROMPT_VERSION);
  });

  it('never falls back to extractive when openai has no key: summarise throws LlmNotConfiguredError', async () => {
    const summariser = selectSummariser({ ...base, provider: 'openai', apiKey: '' });

    expect(summariser.provider).toBe('openai');
    await expect(summariser.summarise(request)).rejects.toBeInstanceOf(LlmNotConfiguredError);
    await expect(summariser.summarise(request)).rejects.toMatchObject({ code: 'llm_not_configured' });
  });
});
