import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_AZURE_API_VERSION } from '../../lib/config/llm.ts';
import { recordId } from '../../lib/domain/id.ts';
import { createBedrockClient } from '../../lib/summarise/client.ts';
import { SOLAR_ARTICLE } from '../support/articles.ts';
import { BUCKET, type IngestRig, startIngestRig } from '../support/ingest-rig.ts';
import type { OpenAiTestServer } from '../support/openai-server.ts';
import {
  AZURE_CONTENT_FILTER,
  startAzureTestServer,
  startBedrockTestServer,
} from '../support/provider-servers.ts';

// The real ingest path (S3 event → handler → summariser → DynamoDB) against a loopback server per
// provider that checks the request as the provider documents it and answers in its shapes.

const context = { getRemainingTimeInMillis: () => 120_000, awsRequestId: 'req-llm' } as unknown as Context;
const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  vi.unstubAllEnvs();
  for (const o of open.splice(0).reverse()) await o.close();
});

async function rigWith(config: Record<string, string>): Promise<IngestRig> {
  const rig = await startIngestRig({ config: { MAX_RECEIVE_COUNT: '3', ...config } });
  open.push(rig);
  return rig;
}

async function ingest(rig: IngestRig, key: string, body: Uint8Array | string = SOLAR_ARTICLE.bytes) {
  const record = await rig.upload(key, body);
  const response = await rig.ingest(rig.message(`m-${key}`, record), context);
  const item = await rig.ddb.client.send(
    new GetCommand({ TableName: rig.ddb.tableName, Key: { pk: recordId(BUCKET, key), sk: 'record' } }),
  );
  return { failures: response.batchItemFailures, item: item.Item as StoredItem | undefined };
}

/** The stored record item, as far as these tests read it. */
interface StoredItem {
  status: string;
  model?: { name: string };
  error?: { code: string } | null;
  usage?: Record<string, number>;
}

const only = (server: OpenAiTestServer) => {
  const chats = server.chatRequests();
  expect(chats).toHaveLength(1);
  return chats[0] as NonNullable<(typeof chats)[0]>;
};

describe('LLM providers through the ingest path', () => {
  it('openai: bearer key on /v1/chat/completions with a strict json_schema and the output budget', async () => {
    const { startOpenAiTestServer } = await import('../support/openai-server.ts');
    const llm = await startOpenAiTestServer({ apiKey: 'sk-khulasa-test' });
    open.push(llm);
    const rig = await rigWith({
      LLM_PROVIDER: 'openai',
      OPENAI_API_KEY: 'sk-khulasa-test',
      OPENAI_BASE_URL: llm.url,
      OPENAI_MODEL: 'gpt-4o-mini',
      LLM_MAX_TOKENS_PARAM: 'max_completion_tokens',
    });

    const { failures, item } = await ingest(rig, 'openai/solar.txt');

    expect(failures).toEqual([]);
    expect(item?.status).toBe('done');
    const request = only(llm);
    expect(request.path).toBe('/v1/chat/completions');
    expect(request.headers.authorization).toBe('Bearer sk-khulasa-test');
    expect(request.body).toMatchObject({ model: 'gpt-4o-mini', max_completion_tokens: 4000 });
    expect(request.body.response_format).toMatchObject({
      type: 'json_schema',
      json_schema: { strict: true },
    });
    for (const absent of ['max_tokens', 'temperature', 'reasoning_effort'])
      expect(request.body).not.toHaveProperty(absent);
  });

  it('bedrock: SigV4 for service bedrock in the region on /openai/v1/chat/completions, from the default credential chain', async () => {
    const credentials = {
      accessKeyId: 'AKIAKHULASATEST',
      secretAccessKey: 'khulasa/test/secret/key/0123456789abcd',
    };
    vi.stubEnv('AWS_ACCESS_KEY_ID', credentials.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', credentials.secretAccessKey);
    vi.stubEnv('AWS_SESSION_TOKEN', '');
    vi.stubEnv('AWS_BEARER_TOKEN_BEDROCK', '');
    vi.stubEnv('AWS_PROFILE', '');
    const llm = await startBedrockTestServer({ ...credentials, region: 'eu-west-1', service: 'bedrock' });
    open.push(llm);
    const rig = await rigWith({
      LLM_PROVIDER: 'bedrock',
      OPENAI_MODEL: 'openai.gpt-oss-120b-1:0',
      AWS_REGION: 'eu-west-1',
      OPENAI_BASE_URL: llm.url,
    });

    const { failures, item } = await ingest(rig, 'bedrock/solar.txt');

    expect(llm.rejected).toEqual([]);
    expect(failures).toEqual([]);
    expect(item?.status).toBe('done');
    expect(item?.model).toMatchObject({ name: 'openai.gpt-oss-120b-1:0' });
    const request = only(llm);
    expect(request.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIAKHULASATEST\/\d{8}\/eu-west-1\/bedrock\/aws4_request, SignedHeaders=/,
    );
    expect(request.body).toMatchObject({ model: 'openai.gpt-oss-120b-1:0', max_completion_tokens: 4000 });
  });

  it('bedrock: a signature from the wrong secret is refused and the article waits for a fixed configuration', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAKHULASATEST');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'not-the-secret-the-server-knows');
    vi.stubEnv('AWS_SESSION_TOKEN', '');
    vi.stubEnv('AWS_BEARER_TOKEN_BEDROCK', '');
    const llm = await startBedrockTestServer({
      accessKeyId: 'AKIAKHULASATEST',
      secretAccessKey: 'khulasa/test/secret/key/0123456789abcd',
      region: 'eu-west-1',
      service: 'bedrock',
    });
    open.push(llm);
    const rig = await rigWith({
      LLM_PROVIDER: 'bedrock',
      OPENAI_MODEL: 'm',
      AWS_REGION: 'eu-west-1',
      OPENAI_BASE_URL: llm.url,
    });

    const { failures } = await ingest(rig, 'bedrock/bad-signature.txt');

    expect(llm.rejected).toContain('the signature does not match the request');
    expect(failures).toHaveLength(1);
  });

  it('bedrock: the endpoint is derived from the region when no base URL is given', async () => {
    const client = await createBedrockClient({ region: 'ap-southeast-2' });
    expect(client.baseURL).toBe('https://bedrock-runtime.ap-southeast-2.amazonaws.com/openai/v1');
  });

  it('azure: api-key header on the deployment path with the default api-version', async () => {
    const llm = await startAzureTestServer({
      deployment: 'khulasa-4o',
      apiVersion: DEFAULT_AZURE_API_VERSION,
      apiKey: 'az-key-1',
    });
    open.push(llm);
    const rig = await rigWith({
      LLM_PROVIDER: 'azure',
      AZURE_OPENAI_ENDPOINT: llm.endpoint,
      AZURE_OPENAI_API_KEY: 'az-key-1',
      AZURE_OPENAI_DEPLOYMENT: 'khulasa-4o',
    });

    const { failures, item } = await ingest(rig, 'azure/solar.txt');

    expect(failures).toEqual([]);
    expect(item?.status).toBe('done');
    const request = only(llm);
    expect(request.path).toBe('/openai/deployments/khulasa-4o/chat/completions');
    expect(request.query).toEqual({ 'api-version': DEFAULT_AZURE_API_VERSION });
    expect(request.headers['api-key']).toBe('az-key-1');
    expect(request.headers.authorization).toBeUndefined();
  });

  it('azure: an Entra ID token is sent as a bearer token instead of the api-key', async () => {
    const llm = await startAzureTestServer({
      deployment: 'gpt-4o-mini',
      apiVersion: '2025-04-01-preview',
      entraToken: 'eyJ.entra.token',
    });
    open.push(llm);
    const rig = await rigWith({
      LLM_PROVIDER: 'azure',
      AZURE_OPENAI_ENDPOINT: llm.endpoint,
      AZURE_OPENAI_AUTH: 'entra',
      AZURE_OPENAI_AD_TOKEN: 'eyJ.entra.token',
      OPENAI_API_VERSION: '2025-04-01-preview',
    });

    const { failures } = await ingest(rig, 'azure/entra.txt');

    expect(failures).toEqual([]);
    const request = only(llm);
    expect(request.headers.authorization).toBe('Bearer eyJ.entra.token');
    expect(request.headers['api-key']).toBeUndefined();
  });

  it('azure: the content filter (HTTP 400 content_filter, or finish_reason content_filter) fails the article as llm_refused', async () => {
    const llm = await startAzureTestServer({
      deployment: 'd',
      apiVersion: DEFAULT_AZURE_API_VERSION,
      apiKey: 'k',
    });
    open.push(llm);
    const rig = await rigWith({
      LLM_PROVIDER: 'azure',
      AZURE_OPENAI_ENDPOINT: llm.endpoint,
      AZURE_OPENAI_API_KEY: 'k',
      AZURE_OPENAI_DEPLOYMENT: 'd',
    });
    llm.enqueue(AZURE_CONTENT_FILTER, { type: 'text', content: '', finishReason: 'content_filter' });

    const input = await ingest(rig, 'azure/filtered-input.txt');
    // Other content: the same bytes would reuse the first outcome instead of asking again.
    const output = await ingest(
      rig,
      'azure/filtered-output.txt',
      SOLAR_ARTICLE.text.replace('120 ألف', '130 ألف'),
    );

    expect(input.item?.status).toBe('failed');
    expect(input.item?.error?.code).toBe('llm_refused');
    expect(output.item?.error?.code).toBe('llm_refused');
    expect(llm.chatRequests()).toHaveLength(2);
  });

  it('a reasoning model: reasoning_effort sent, the budget includes a reasoning allowance, reasoning and cached tokens recorded', async () => {
    const { startOpenAiTestServer } = await import('../support/openai-server.ts');
    const llm = await startOpenAiTestServer({
      defaultBehaviour: {
        type: 'summary',
        usage: {
          prompt_tokens: 1500,
          completion_tokens: 3400,
          prompt_tokens_details: { cached_tokens: 1024 },
          completion_tokens_details: { reasoning_tokens: 2900 },
        },
      },
    });
    open.push(llm);
    const rig = await rigWith({
      LLM_PROVIDER: 'openai',
      OPENAI_API_KEY: 'sk-r',
      OPENAI_BASE_URL: llm.url,
      OPENAI_MODEL: 'o4-mini',
      LLM_REASONING_EFFORT: 'high',
    });

    const { failures, item } = await ingest(rig, 'reasoning/solar.txt');

    expect(failures).toEqual([]);
    const request = only(llm);
    expect(request.body).toMatchObject({
      model: 'o4-mini',
      reasoning_effort: 'high',
      max_completion_tokens: 16_000,
    });
    expect(request.body).not.toHaveProperty('max_tokens');
    expect(request.body).not.toHaveProperty('temperature');
    expect(item?.usage).toMatchObject({
      inputTokens: 1500,
      outputTokens: 3400,
      cachedInputTokens: 1024,
      reasoningTokens: 2900,
    });
  });
});
