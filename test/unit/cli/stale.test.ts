import { describe, expect, it } from 'vitest';
import { currentModel, isStale } from '../../../cli/stale.ts';
import type { ModelInfo } from '../../../lib/domain/record.ts';
import { EXTRACTIVE_MODEL, EXTRACTIVE_VERSION } from '../../../lib/summarise/extractive.ts';
import { PROMPT_VERSION } from '../../../lib/summarise/prompt.ts';

const openai = (name = 'gpt-4o-mini', promptVersion = PROMPT_VERSION): ModelInfo => ({
  provider: 'openai',
  name,
  promptVersion,
});

describe('currentModel', () => {
  it('is the extractive summariser without a key, as the ingest function decides', () => {
    expect(currentModel({})).toEqual({
      provider: 'extractive',
      name: EXTRACTIVE_MODEL,
      promptVersion: EXTRACTIVE_VERSION,
    });
  });

  it('is the configured OpenAI model and prompt version with a key or LLM_PROVIDER=openai', () => {
    expect(currentModel({ OPENAI_API_KEY: 'sk-test', OPENAI_MODEL: 'qwen2.5' })).toEqual(openai('qwen2.5'));
    expect(currentModel({ LLM_PROVIDER: 'openai' })).toEqual(openai());
  });

  it('is OpenAI with the stack’s model for a deployed stack, whatever the shell says', () => {
    expect(currentModel({ LLM_PROVIDER: 'extractive' }, { model: 'gpt-4.1' })).toEqual(openai('gpt-4.1'));
  });
});

describe('isStale', () => {
  const now = openai();

  it('flags done or failed records written by another model, provider or prompt version', () => {
    expect(isStale({ status: 'done', model: openai('gpt-4o') }, now)).toBe(true);
    expect(isStale({ status: 'done', model: openai('gpt-4o-mini', '2020-01-01.1') }, now)).toBe(true);
    expect(
      isStale({ status: 'failed', model: { provider: 'extractive', name: 'x', promptVersion: 'y' } }, now),
    ).toBe(true);
  });

  it('leaves current records, tombstones, work in flight and records no model wrote', () => {
    expect(isStale({ status: 'done', model: openai() }, now)).toBe(false);
    expect(isStale({ status: 'deleted', model: openai('old') }, now)).toBe(false);
    expect(isStale({ status: 'processing', model: openai('old') }, now)).toBe(false);
    expect(isStale({ status: 'failed', model: null }, now)).toBe(false);
  });
});
