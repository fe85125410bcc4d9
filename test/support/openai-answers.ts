/**
 * What the OpenAI-compatible test server (`openai-server.ts`) answers with: a schema-valid summary
 * or notes derived from the request's own article block, and the chat-completion envelope.
 */
import { scriptRatio } from '../../lib/text/language.ts';
import { splitSentences } from '../../lib/text/sentences.ts';

export interface UsageSpec {
  prompt_tokens: number;
  completion_tokens: number;
  prompt_tokens_details?: { cached_tokens?: number };
  completion_tokens_details?: { reasoning_tokens?: number };
}

export interface ChatRequestBody {
  model?: string;
  messages?: Array<{ role: string; content: unknown }>;
  response_format?: {
    type?: string;
    json_schema?: { name?: string; strict?: boolean; schema?: JsonSchemaNode };
  };
  max_completion_tokens?: number;
  max_tokens?: number;
  [key: string]: unknown;
}

export interface JsonSchemaNode {
  type?: string;
  properties?: Record<string, JsonSchemaNode>;
  required?: string[];
  [key: string]: unknown;
}

const ARABIC_SCRIPT = new Set(['ar', 'fa', 'ur', 'ps', 'ckb']);
const baseLanguage = (code: string): string => code.toLowerCase().split('-')[0] ?? code;

// Digit-free, so they never trip the ungrounded-number check.
const FALLBACK_ARABIC = [
  'هذا ملخص تجريبي كتبه خادم الاختبار.',
  'يعرض النص أهم ما جاء في المقال.',
  'ولا يضيف معلومات من خارج المقال.',
];
const FALLBACK_LATIN = [
  'This is a test summary written by the test server.',
  'It states the main points of the article.',
  'It adds no information from outside the article.',
];

/** The requested languages, read from the request's json_schema (`summaries` properties). */
export function requestedLanguages(body: ChatRequestBody): string[] {
  const summaries = body.response_format?.json_schema?.schema?.properties?.summaries;
  return Object.keys(summaries?.properties ?? {});
}

const DATA_BLOCK = /<article>\n?([\s\S]*?)\n?<\/article>/u;

/**
 * The text the adapter sent: the `<article>` block of the first user message that has one (a
 * feedback follow-up adds user messages without a block), else the last user message.
 */
export function articleOf(body: ChatRequestBody): string {
  const users = (body.messages ?? [])
    .filter((m) => m.role === 'user')
    .map((m) => (typeof m.content === 'string' ? m.content : ''));
  for (const content of users) {
    const block = DATA_BLOCK.exec(content)?.[1];
    if (block !== undefined) return block;
  }
  return users.at(-1) ?? '';
}

/** True when the request asks for map-reduce notes (`{ facts }`) rather than a summary. */
export const isNotesRequest = (body: ChatRequestBody): boolean =>
  body.response_format?.json_schema?.schema?.properties?.facts !== undefined;

/** The default answer to a notes request: the first sentences of the part, so facts stay grounded. */
export function defaultNotes(body: ChatRequestBody): Record<string, unknown> {
  return { facts: splitSentences(articleOf(body)).slice(0, 3) };
}

/** The default answer for whichever schema the request carries. */
export const defaultAnswer = (body: ChatRequestBody): Record<string, unknown> =>
  isNotesRequest(body) ? defaultNotes(body) : defaultSummary(body);

/** The default answer: a schema-valid summary for every requested language. */
export function defaultSummary(body: ChatRequestBody): Record<string, unknown> {
  const sentences = splitSentences(articleOf(body));
  const summaries: Record<string, unknown> = {};
  for (const language of requestedLanguages(body)) {
    const arabic = ARABIC_SCRIPT.has(baseLanguage(language));
    const own = sentences.filter((s) => {
      const r = scriptRatio(s);
      return arabic ? r.arabic > 0.5 : r.latin > 0.5;
    });
    const pool = own.length > 0 ? own : arabic ? FALLBACK_ARABIC : FALLBACK_LATIN;
    summaries[language] = {
      title: (pool[0] ?? '').slice(0, 120),
      summary: pool.slice(0, 3).join(' '),
      keyPoints: pool.slice(0, 3),
    };
  }
  return { summaries, entities: [], topics: ['test'] };
}

const estimateTokens = (text: string): number => Math.ceil(text.length / 4);

export function completion(
  body: ChatRequestBody,
  message: { content: string | null; refusal: string | null },
  finishReason: string,
  usage: UsageSpec | undefined,
  id: number,
) {
  const prompt = usage?.prompt_tokens ?? estimateTokens(JSON.stringify(body.messages ?? []));
  const output = usage?.completion_tokens ?? estimateTokens(message.content ?? message.refusal ?? '');
  return {
    id: `chatcmpl-test-${id}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: body.model ?? 'test-model',
    choices: [
      { index: 0, message: { role: 'assistant', ...message }, finish_reason: finishReason, logprobs: null },
    ],
    usage: {
      prompt_tokens: prompt,
      completion_tokens: output,
      total_tokens: prompt + output,
      ...(usage?.prompt_tokens_details ? { prompt_tokens_details: usage.prompt_tokens_details } : {}),
      ...(usage?.completion_tokens_details
        ? { completion_tokens_details: usage.completion_tokens_details }
        : {}),
    },
  };
}
