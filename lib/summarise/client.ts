import { AsyncLocalStorage } from 'node:async_hooks';
import OpenAI, { AzureOpenAI } from 'openai';

/** The SDK defaults are a 10-minute timeout and 2 retries; a Lambda cannot wait that long. */
export const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_MAX_RETRIES = 2;

export interface OpenAiClientConfig {
  apiKey: string;
  /** Any OpenAI-compatible server; unset means the SDK's own `OPENAI_BASE_URL` or api.openai.com. */
  baseURL?: string | undefined;
  timeoutMs?: number | undefined;
  maxRetries?: number | undefined;
}

/**
 * Counts the HTTP answers (any status) the SDK receives for the calls made inside `run`, including
 * the 429/5xx answers its own retries hide from us, so `usage.llmCalls` is every answered call.
 */
export const answeredCalls = new AsyncLocalStorage<{ count: number }>();

const countingFetch =
  (inner: typeof fetch): typeof fetch =>
  async (input, init) => {
    const response = await inner(input, init);
    const counter = answeredCalls.getStore();
    if (counter) counter.count += 1;
    return response;
  };

const transport = (config: { timeoutMs?: number | undefined; maxRetries?: number | undefined }) => ({
  timeout: config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  maxRetries: config.maxRetries ?? DEFAULT_MAX_RETRIES,
  fetch: countingFetch(globalThis.fetch),
});

/** Create the client once per container; `timeout` and `maxRetries` are always explicit. */
export function createOpenAiClient(config: OpenAiClientConfig): OpenAI {
  return new OpenAI({
    apiKey: config.apiKey,
    ...(config.baseURL ? { baseURL: config.baseURL } : {}),
    ...transport(config),
  });
}

export interface AzureClientConfig {
  /** `https://<resource>.openai.azure.com`; requests go to `/openai/deployments/<deployment>/…`. */
  endpoint: string;
  deployment: string;
  apiVersion: string;
  /** `api-key`: sent in the `api-key` header; `entra`: a Microsoft Entra access token sent as a bearer token. */
  auth: 'api-key' | 'entra';
  credential: string;
  timeoutMs?: number | undefined;
  maxRetries?: number | undefined;
}

/** Azure OpenAI through the SDK's `AzureOpenAI` (deployment path, `api-version` query, `api-key` or Entra ID). */
export function createAzureClient(config: AzureClientConfig): OpenAI {
  const { credential } = config;
  return new AzureOpenAI({
    endpoint: config.endpoint,
    // Explicit, so the SDK's own OPENAI_BASE_URL / AZURE_OPENAI_API_KEY variables cannot override them.
    baseURL: null,
    deployment: config.deployment,
    apiVersion: config.apiVersion,
    ...(config.auth === 'entra'
      ? { apiKey: null, azureADTokenProvider: async () => credential }
      : { apiKey: credential }),
    ...transport(config),
  } as ConstructorParameters<typeof AzureOpenAI>[0]);
}

export interface BedrockClientConfig {
  /** Derives `https://bedrock-runtime.<region>.amazonaws.com/openai/v1`. */
  region: string | undefined;
  /** Overrides the derived endpoint (a VPC endpoint, a test server). */
  baseURL?: string | undefined;
  timeoutMs?: number | undefined;
  maxRetries?: number | undefined;
}

/**
 * Amazon Bedrock's OpenAI-compatible chat completions (the `bedrock-runtime` endpoint), signed
 * with SigV4 (service `bedrock`) by the SDK's Bedrock provider from the default AWS credential
 * chain: the function's role on AWS, the profile or environment locally. The provider (and the
 * credential chain it imports) loads only when Bedrock is configured.
 */
export async function createBedrockClient(config: BedrockClientConfig): Promise<OpenAI> {
  const { bedrock } = await import('openai/providers/bedrock/aws');
  return new OpenAI({
    provider: bedrock({
      endpoint: 'runtime',
      ...(config.region ? { region: config.region } : {}),
      // null: not the SDK's AWS_BEDROCK_BASE_URL either; the derived regional endpoint.
      baseURL: config.baseURL ?? null,
    }),
    ...transport(config),
  });
}
