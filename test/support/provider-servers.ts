/**
 * Loopback servers that check requests the way each LLM provider documents them and answer in
 * that provider's shapes, errors included. Each is the OpenAI-compatible test server
 * (`openai-server.ts`) with a gate in front (path, query, authentication) and, for the self-hosted
 * servers, the way they treat a request that does not fit their context window.
 */
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import {
  type Behaviour,
  type ChatRequestBody,
  defaultAnswer,
  type OpenAiTestServer,
  type RecordedRequest,
  startOpenAiTestServer,
} from './openai-server.ts';
import { type SigV4Expectation, sigV4Problem } from './sigv4.ts';

const json = (status: number, body: unknown, headers?: Record<string, string>): Behaviour => ({
  type: 'status',
  status,
  body,
  ...(headers ? { headers } : {}),
});

/** The o200k tokens of the messages and the schema, as a server would count the prompt. */
export function promptTokensOf(body: ChatRequestBody): number {
  const text = (body.messages ?? []).map((m) => (typeof m.content === 'string' ? m.content : '')).join('\n');
  return (
    countTokens(text, { disallowedSpecial: new Set() }) +
    countTokens(JSON.stringify(body.response_format ?? {}))
  );
}

export interface BedrockTestServer extends OpenAiTestServer {
  /** Requests refused for their signature, with the reason. */
  rejected: string[];
}

/**
 * Bedrock Runtime's OpenAI-compatible endpoint: `POST /openai/v1/chat/completions`, SigV4-signed
 * for service `bedrock` in the configured region. Bad signatures get Bedrock's 403
 * `{ message }` with `x-amzn-ErrorType`, as the AWS JSON protocol answers them.
 */
export async function startBedrockTestServer(expected: SigV4Expectation): Promise<BedrockTestServer> {
  const rejected: string[] = [];
  const server = await startOpenAiTestServer({
    gate: (request) => {
      if (request.method !== 'POST' || request.path !== '/openai/v1/chat/completions')
        return json(404, { message: `Unknown operation ${request.method} ${request.path}` });
      const problem = sigV4Problem(request, expected);
      if (problem === null) return null;
      rejected.push(problem);
      return json(
        403,
        {
          message:
            'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
        },
        {
          'x-amzn-errortype':
            'InvalidSignatureException:http://internal.amazon.com/coral/com.amazon.coral.service/',
        },
      );
    },
  });
  return Object.assign(server, { url: server.url.replace(/\/v1$/, '/openai/v1'), rejected });
}

export interface AzureExpectation {
  deployment: string;
  apiVersion: string;
  /** Accepted in the `api-key` header. */
  apiKey?: string;
  /** Accepted as `Authorization: Bearer` (a Microsoft Entra token). */
  entraToken?: string;
}

/** The key or token the server accepts now (rotation). */
export interface AzureTestServer extends OpenAiTestServer {
  /** Endpoint for `AZURE_OPENAI_ENDPOINT` (the SDK appends `/openai`). */
  endpoint: string;
  accept(credentials: { apiKey?: string; entraToken?: string }): void;
}

/**
 * Azure OpenAI's classic data plane: `POST /openai/deployments/{deployment}/chat/completions?api-version=…`
 * with the `api-key` header or an Entra bearer token. A missing or unknown api-version is a 404
 * "Resource not found", a wrong key a 401, as Azure answers them.
 */
export async function startAzureTestServer(expected: AzureExpectation): Promise<AzureTestServer> {
  let accepted: { apiKey?: string | undefined; entraToken?: string | undefined } = {
    apiKey: expected.apiKey,
    entraToken: expected.entraToken,
  };
  const server = await startOpenAiTestServer({
    gate: (request: RecordedRequest) => {
      if (request.query['api-version'] !== expected.apiVersion)
        return json(404, { error: { code: '404', message: 'Resource not found' } });
      if (
        request.method !== 'POST' ||
        request.path !== `/openai/deployments/${expected.deployment}/chat/completions`
      )
        return json(404, {
          error: {
            code: 'DeploymentNotFound',
            message: 'The API deployment for this resource does not exist.',
          },
        });
      const key = request.headers['api-key'];
      const bearer = request.headers.authorization;
      const ok =
        (accepted.apiKey !== undefined && key === accepted.apiKey && bearer === undefined) ||
        (accepted.entraToken !== undefined &&
          bearer === `Bearer ${accepted.entraToken}` &&
          key === undefined);
      if (ok) return null;
      return json(401, {
        error: {
          code: '401',
          message:
            'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.',
        },
      });
    },
  });
  return Object.assign(server, {
    endpoint: server.url.replace(/\/v1$/, ''),
    accept: (credentials: { apiKey?: string; entraToken?: string }) => {
      accepted = { ...credentials };
    },
  });
}

/** Azure's answer when its input filter blocks the prompt (HTTP 400, code `content_filter`). */
export const AZURE_CONTENT_FILTER: Behaviour = json(400, {
  error: {
    message:
      "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry.",
    type: null,
    param: 'prompt',
    code: 'content_filter',
    status: 400,
    innererror: {
      code: 'ResponsibleAIPolicyViolation',
      content_filter_result: { violence: { filtered: true, severity: 'medium' } },
    },
  },
});

/** Keeps the end of the article block to about `keep` tokens, as a server truncating its context would. */
function cutArticle(body: ChatRequestBody, keep: number): ChatRequestBody {
  const messages = (body.messages ?? []).map((m) => {
    if (m.role !== 'user' || typeof m.content !== 'string') return m;
    return {
      ...m,
      content: m.content.replace(/<article>\n?([\s\S]*?)\n?<\/article>/u, (_all, text: string) => {
        const chars = Math.max(
          0,
          Math.floor(text.length * Math.min(1, keep / Math.max(1, countTokens(text)))),
        );
        return `<article>\n${text.slice(text.length - chars)}\n</article>`;
      }),
    };
  });
  return { ...body, messages };
}

/**
 * An Ollama-like server: `POST /v1/chat/completions`, honouring only `max_tokens`, with a fixed
 * context (`num_ctx`). A longer prompt is cut silently: the answer is schema-valid but summarises
 * only the kept part, and `usage.prompt_tokens` reports what was kept.
 */
export async function startOllamaTestServer(numCtx: number): Promise<OpenAiTestServer> {
  return startOpenAiTestServer({
    defaultBehaviour: {
      type: 'custom',
      respond: (request) => {
        const sent = promptTokensOf(request.body);
        if (typeof request.body.max_tokens !== 'number')
          return json(400, {
            error: { message: 'max_tokens is required by this test server', type: 'invalid_request_error' },
          });
        if (sent <= numCtx)
          return { type: 'summary', usage: { prompt_tokens: sent, completion_tokens: 200 } };
        const kept = cutArticle(request.body, Math.floor(numCtx / 2));
        return {
          type: 'json',
          content: defaultAnswer(kept),
          usage: { prompt_tokens: numCtx, completion_tokens: 200 },
        };
      },
    },
  });
}

/**
 * A vLLM-like server (`--max-model-len`): a prompt plus `max_tokens` over the length is refused
 * with vLLM's 400 and its message stating the context length.
 */
export async function startVllmTestServer(maxModelLen: number): Promise<OpenAiTestServer> {
  return startOpenAiTestServer({
    defaultBehaviour: {
      type: 'custom',
      respond: (request) => {
        const sent = promptTokensOf(request.body);
        const completion = request.body.max_tokens ?? request.body.max_completion_tokens ?? 0;
        if (sent + completion > maxModelLen)
          return json(400, {
            object: 'error',
            message: `This model's maximum context length is ${maxModelLen} tokens. However, you requested ${sent + completion} tokens (${sent} in the messages, ${completion} in the completion). Please reduce the length of the messages or completion.`,
            type: 'BadRequestError',
            param: null,
            code: 400,
          });
        return { type: 'summary', usage: { prompt_tokens: sent, completion_tokens: 200 } };
      },
    },
  });
}
