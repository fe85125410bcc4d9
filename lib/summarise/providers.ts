import type OpenAI from 'openai';
import type { LlmSettings } from '../config/llm.ts';
import { createAzureClient, createBedrockClient, createOpenAiClient } from './client.ts';

/**
 * The SDK client for the configured provider. All three speak the chat-completions API the
 * summariser uses; they differ in the endpoint, the path and query, and how a request is
 * authenticated: a bearer key (OpenAI and OpenAI-compatible servers), the `api-key` header or an
 * Entra ID token on a deployment path with `api-version` (Azure), or SigV4 from the AWS credential
 * chain (Bedrock, no key at all).
 */
export async function createLlmClient(llm: LlmSettings, credential: string | undefined): Promise<OpenAI> {
  const transport = { timeoutMs: llm.timeoutMs, maxRetries: llm.maxRetries };
  switch (llm.provider) {
    case 'bedrock':
      return createBedrockClient({ region: llm.region, baseURL: llm.baseURL, ...transport });
    case 'azure':
      return createAzureClient({
        endpoint: llm.azure.endpoint ?? '',
        deployment: llm.azure.deployment,
        apiVersion: llm.azure.apiVersion,
        auth: llm.azure.auth,
        credential: credential ?? '',
        ...transport,
      });
    default:
      return createOpenAiClient({ apiKey: credential ?? '', baseURL: llm.baseURL, ...transport });
  }
}
