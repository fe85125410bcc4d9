import { describe, expect, it } from 'vitest';
import { ConfigError, loadIngestConfig } from '../../../lib/config/ingest.ts';
import { DEFAULT_AZURE_API_VERSION } from '../../../lib/config/llm.ts';

const base = { TABLE_NAME: 'summaries', MAX_RECEIVE_COUNT: '3' };
const llm = (env: Record<string, string>) => loadIngestConfig({ ...base, ...env }).llm;

describe('the LLM settings', () => {
  it('sends only max_completion_tokens to OpenAI and both budget fields to another server', () => {
    expect(llm({ OPENAI_API_KEY: 'k' }).maxTokensParam).toBe('max_completion_tokens');
    expect(llm({ OPENAI_API_KEY: 'k', OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1' }).maxTokensParam).toBe(
      'both',
    );
    expect(
      llm({ OPENAI_API_KEY: 'k', OPENAI_BASE_URL: 'http://h/v1', LLM_MAX_TOKENS_PARAM: 'max_tokens' })
        .maxTokensParam,
    ).toBe('max_tokens');
  });

  it('gives a reasoning effort an allowance and a longer timeout, and sends nothing when unset', () => {
    const plain = llm({ OPENAI_API_KEY: 'k' });
    expect(plain).toMatchObject({ reasoningEffort: undefined, reasoningTokens: 0, timeoutMs: 60_000 });
    const high = llm({ OPENAI_API_KEY: 'k', LLM_REASONING_EFFORT: 'High' });
    expect(high).toMatchObject({ reasoningEffort: 'high', reasoningTokens: 12_000, timeoutMs: 180_000 });
    expect(
      llm({ OPENAI_API_KEY: 'k', LLM_REASONING_EFFORT: 'low', LLM_REASONING_TOKENS: '500' }).reasoningTokens,
    ).toBe(500);
  });

  it('defaults the Azure api-version instead of leaving it missing, and uses the deployment as the model', () => {
    const azure = llm({
      LLM_PROVIDER: 'azure',
      AZURE_OPENAI_ENDPOINT: 'https://r.openai.azure.com',
      OPENAI_MODEL: 'gpt-4o',
    });
    expect(azure.azure).toMatchObject({
      apiVersion: DEFAULT_AZURE_API_VERSION,
      deployment: 'gpt-4o',
      auth: 'api-key',
    });
    expect(
      llm({ LLM_PROVIDER: 'azure', AZURE_OPENAI_ENDPOINT: 'https://r', AZURE_OPENAI_DEPLOYMENT: 'd' }).model,
    ).toBe('d');
  });

  it('reads the self-hosted context settings', () => {
    expect(
      llm({
        OPENAI_API_KEY: 'k',
        LLM_CONTEXT_TOKENS: '8192',
        LLM_TOKENIZER_RATIO: '1.25',
        LLM_TEMPERATURE: '0',
      }),
    ).toMatchObject({ contextTokens: 8192, tokenizerRatio: 1.25, temperature: 0 });
  });

  it('names what is missing or wrong for each provider', () => {
    expect(() => llm({ LLM_PROVIDER: 'bedrock', AWS_REGION: 'us-east-1' })).toThrow(
      /OPENAI_MODEL is required/,
    );
    expect(() => llm({ LLM_PROVIDER: 'bedrock', OPENAI_MODEL: 'm' })).toThrow(/AWS_REGION/);
    expect(() => llm({ LLM_PROVIDER: 'azure' })).toThrow(/AZURE_OPENAI_ENDPOINT is required/);
    expect(() =>
      llm({ LLM_PROVIDER: 'azure', AZURE_OPENAI_ENDPOINT: 'https://r', OPENAI_API_VERSION: 'latest-ish' }),
    ).toThrow(/OPENAI_API_VERSION/);
    expect(() => llm({ OPENAI_API_KEY: 'k', LLM_CONTEXT_TOKENS: '1000' })).toThrow(ConfigError);
    expect(() => llm({ OPENAI_API_KEY: 'k', LLM_TEMPERATURE: 'warm' })).toThrow(/LLM_TEMPERATURE/);
    expect(() => llm({ OPENAI_API_KEY: 'k', LLM_REASONING_EFFORT: 'extreme' })).toThrow(
      /LLM_REASONING_EFFORT/,
    );
  });
});
