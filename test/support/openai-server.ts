/**
 * A small OpenAI-compatible HTTP server for tests (node:http on 127.0.0.1, port 0).
 *
 * It implements `POST /v1/chat/completions` and `GET /v1/models`, records every request it receives,
 * and answers each chat call with the next scripted behaviour, or with the default one when the
 * queue is empty. The default ("summary") answers with a schema-valid summary for exactly the
 * languages in the request's `response_format.json_schema` (so it works for any
 * `SUMMARY_LANGUAGES`), using the article's own sentences for the language the article is written
 * in (numbers stay grounded) and a fixed digit-free text otherwise (Arabic for `ar`, English else).
 * A map-reduce notes request (`{ facts }` schema) gets the first sentences of its part as facts.
 *
 * ```ts
 * const llm = await startOpenAiTestServer();
 * process.env.OPENAI_BASE_URL = llm.url;            // ends in /v1
 * llm.enqueue({ type: 'status', status: 429, headers: { 'retry-after': '0' } }, { type: 'summary' });
 * // … run the code under test …
 * expect(llm.chatRequests()[0]?.body.response_format?.type).toBe('json_schema');
 * await llm.close();                                // also ends hanging requests
 * ```
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ChatRequestBody, completion, defaultAnswer, type UsageSpec } from './openai-answers.ts';

export type { ChatRequestBody, JsonSchemaNode, UsageSpec } from './openai-answers.ts';
export {
  articleOf,
  defaultAnswer,
  defaultNotes,
  defaultSummary,
  isNotesRequest,
  requestedLanguages,
} from './openai-answers.ts';

export type Behaviour =
  /** Schema-valid answer derived from the article: a summary, or notes for a map-reduce request (the default). */
  | { type: 'summary'; usage?: UsageSpec }
  /** `content` serialised as the assistant message's JSON content. */
  | { type: 'json'; content: unknown; finishReason?: string; usage?: UsageSpec }
  /** Raw assistant content, e.g. text that is not JSON. */
  | { type: 'text'; content: string; finishReason?: string; usage?: UsageSpec }
  /** Shorthand for `text` with content that is not JSON. */
  | { type: 'invalid-json'; usage?: UsageSpec }
  /** `message.refusal` set, `content` null. */
  | { type: 'refusal'; refusal?: string; usage?: UsageSpec }
  /** `finish_reason: 'length'` with a cut-off JSON content. */
  | { type: 'length'; usage?: UsageSpec }
  /** An HTTP error answer (`body` defaults to an OpenAI-style `{ error: { … } }`). */
  | { type: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  /** Never answers; the request stays open until the client gives up or `close()`. */
  | { type: 'hang' }
  /** Destroys the socket without an answer (connection reset). */
  | { type: 'reset' }
  /** Decide per request. */
  | { type: 'custom'; respond: (request: RecordedRequest) => Behaviour | Promise<Behaviour> };

export interface RecordedRequest {
  method: string;
  path: string;
  /** The query string's parameters (e.g. Azure's `api-version`). */
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body (`{}` when the body was empty or not JSON; see `rawBody`). */
  body: ChatRequestBody;
  rawBody: string;
}

export interface OpenAiTestServer {
  /** Base URL ending in `/v1`, for `OPENAI_BASE_URL` / `new OpenAI({ baseURL })`. */
  url: string;
  /** Every request received, in order (chat calls and anything else). */
  requests: RecordedRequest[];
  /** Only the `POST …/chat/completions` requests. */
  chatRequests(): RecordedRequest[];
  /** Behaviours for the next chat calls, one per call, in order. */
  enqueue(...behaviours: Behaviour[]): void;
  /** The behaviour used when the queue is empty (initially `{ type: 'summary' }`). */
  setDefault(behaviour: Behaviour): void;
  /** Delay before every answer. */
  setLatency(ms: number): void;
  /** Forget recorded requests and queued behaviours; the default behaviour and latency stay. */
  clear(): void;
  /** Stops the server and ends every open connection, hanging ones included. */
  close(): Promise<void>;
}

export interface OpenAiTestServerOptions {
  /** When set, requests without `Authorization: Bearer <apiKey>` get a 401. */
  apiKey?: string;
  latencyMs?: number;
  defaultBehaviour?: Behaviour;
  /**
   * Checked before routing, for servers that authenticate or route differently (Azure, Bedrock):
   * a behaviour to answer with instead (e.g. a 401 or 404 in that provider's shape), or null to go on.
   */
  gate?: (request: RecordedRequest) => Behaviour | null;
}

const sendJson = (
  res: ServerResponse,
  status: number,
  payload: unknown,
  headers: Record<string, string> = {},
) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(payload));
};

export async function startOpenAiTestServer(
  options: OpenAiTestServerOptions = {},
): Promise<OpenAiTestServer> {
  const requests: RecordedRequest[] = [];
  const queue: Behaviour[] = [];
  let fallback: Behaviour = options.defaultBehaviour ?? { type: 'summary' };
  let latencyMs = options.latencyMs ?? 0;
  let served = 0;
  const timers = new Set<NodeJS.Timeout>();

  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      if (ms <= 0) return resolve();
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  async function answer(behaviour: Behaviour, recorded: RecordedRequest, res: ServerResponse): Promise<void> {
    const { body } = recorded;
    served += 1;
    switch (behaviour.type) {
      case 'custom':
        return answer(await behaviour.respond(recorded), recorded, res);
      case 'hang':
        return; // the socket is ended by the client's timeout or by close()
      case 'reset':
        res.socket?.destroy();
        return;
      case 'status':
        return sendJson(
          res,
          behaviour.status,
          behaviour.body ?? {
            error: { message: `test server answered ${behaviour.status}`, type: 'test_error', code: null },
          },
          behaviour.headers,
        );
      case 'summary': {
        const content = JSON.stringify(defaultAnswer(body));
        return sendJson(
          res,
          200,
          completion(body, { content, refusal: null }, 'stop', behaviour.usage, served),
        );
      }
      case 'json': {
        const content = JSON.stringify(behaviour.content);
        const finish = behaviour.finishReason ?? 'stop';
        return sendJson(
          res,
          200,
          completion(body, { content, refusal: null }, finish, behaviour.usage, served),
        );
      }
      case 'text': {
        const finish = behaviour.finishReason ?? 'stop';
        const message = { content: behaviour.content, refusal: null };
        return sendJson(res, 200, completion(body, message, finish, behaviour.usage, served));
      }
      case 'invalid-json': {
        const message = { content: 'Here is your summary: it is about the news.', refusal: null };
        return sendJson(res, 200, completion(body, message, 'stop', behaviour.usage, served));
      }
      case 'refusal': {
        const message = { content: null, refusal: behaviour.refusal ?? "I'm sorry, I can't help with that." };
        return sendJson(res, 200, completion(body, message, 'stop', behaviour.usage, served));
      }
      case 'length': {
        const cut = JSON.stringify(defaultAnswer(body)).slice(0, 40);
        return sendJson(
          res,
          200,
          completion(body, { content: cut, refusal: null }, 'length', behaviour.usage, served),
        );
      }
    }
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      let body: ChatRequestBody = {};
      try {
        const parsed: unknown = rawBody === '' ? {} : JSON.parse(rawBody);
        if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
          body = parsed as ChatRequestBody;
      } catch {
        // kept as rawBody; body stays {}
      }
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const path = url.pathname;
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        path,
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        body,
        rawBody,
      };
      requests.push(recorded);

      const handle = async () => {
        await wait(latencyMs);
        const gated = options.gate?.(recorded) ?? null;
        if (gated !== null) return answer(gated, recorded, res);
        if (options.apiKey !== undefined && req.headers.authorization !== `Bearer ${options.apiKey}`) {
          return sendJson(res, 401, {
            error: {
              message: 'Incorrect API key provided.',
              type: 'invalid_request_error',
              code: 'invalid_api_key',
            },
          });
        }
        if (req.method === 'GET' && path.endsWith('/models')) {
          return sendJson(res, 200, {
            object: 'list',
            data: [{ id: 'test-model', object: 'model', created: 0, owned_by: 'test' }],
          });
        }
        if (req.method === 'POST' && path.endsWith('/chat/completions')) {
          return answer(queue.shift() ?? fallback, recorded, res);
        }
        return sendJson(res, 404, {
          error: { message: `No route ${req.method} ${path}`, type: 'not_found', code: null },
        });
      };
      handle().catch((e: unknown) => {
        if (!res.headersSent)
          sendJson(res, 500, { error: { message: String(e), type: 'test_server_error', code: null } });
      });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    chatRequests: () => requests.filter((r) => r.method === 'POST' && r.path.endsWith('/chat/completions')),
    enqueue: (...behaviours) => {
      queue.push(...behaviours);
    },
    setDefault: (behaviour) => {
      fallback = behaviour;
    },
    setLatency: (ms) => {
      latencyMs = ms;
    },
    clear: () => {
      requests.length = 0;
      queue.length = 0;
    },
    close: async () => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
