/**
 * Budget 5 (tokens): the o200k tokens of the whole request for the Arabic fixture, as the
 * OpenAI-compatible test server receives it (message contents + the JSON schema in
 * `response_format`), must be at most 1.2 × the o200k tokens of the segmented main article
 * (title + body) + 900, with exactly one LLM call. Deterministic: a count, not a timing.
 *
 *   node bench/tokens.ts            prints the figures; exit code 1 when over budget
 *
 * `measureTokens()` is exported for the `npm run bench` table.
 */
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { createOpenAiClient, OpenAiSummariser } from '../lib/summarise/openai.ts';
import { SCRAPED, scrapedParagraphs } from '../test/support/fixtures.ts';
import { startOpenAiTestServer } from '../test/support/openai-server.ts';

export interface TokenFigures {
  articleTokens: number;
  requestTokens: number;
  budget: number;
  pass: boolean;
  outputTokens: number;
  llmCalls: number;
}

/**
 * The main article of khulasa's scraped-news fixture, sliced by hand so the budget measures the
 * request alone, whatever the segmenter does: the headline, then the article's own paragraphs.
 */
function mainArticle(): { title: string; body: string } {
  return { title: SCRAPED.title, body: scrapedParagraphs().join('\n\n') };
}

const tokens = (text: string): number => countTokens(text, { disallowedSpecial: new Set() });

export async function measureTokens(): Promise<TokenFigures> {
  const { title, body } = mainArticle();
  const llm = await startOpenAiTestServer();
  try {
    const summariser = new OpenAiSummariser({
      client: createOpenAiClient({ apiKey: 'sk-bench', baseURL: llm.url, timeoutMs: 10_000, maxRetries: 0 }),
      model: 'gpt-bench',
    });
    const result = await summariser.summarise({
      text: body,
      title,
      language: 'ar',
      publishedAt: '2025-07-02',
      outlet: 'الجزيرة',
      languages: ['ar', 'en'],
    });
    const requests = llm.chatRequests();
    const first = requests[0]?.body;
    if (first === undefined) throw new Error('The test server received no request.');
    const contents = (first.messages ?? []).map((m) => (typeof m.content === 'string' ? m.content : ''));
    const requestTokens =
      contents.reduce((sum, c) => sum + tokens(c), 0) + tokens(JSON.stringify(first.response_format ?? {}));
    const articleTokens = tokens(`${title}\n${body}`);
    const budget = Math.floor(1.2 * articleTokens + 900);
    return {
      articleTokens,
      requestTokens,
      budget,
      pass: requestTokens <= budget && requests.length === 1,
      outputTokens: result.usage.outputTokens,
      llmCalls: requests.length,
    };
  } finally {
    await llm.close();
  }
}

if (import.meta.main) {
  const f = await measureTokens();
  const rows: Array<[string, string]> = [
    ['article tokens (o200k, title + body)', String(f.articleTokens)],
    ['request tokens (messages + schema)', String(f.requestTokens)],
    ['budget (1.2 × article + 900)', String(f.budget)],
    ['margin', String(f.budget - f.requestTokens)],
    ['output tokens (test server)', String(f.outputTokens)],
    ['LLM calls (must be 1)', String(f.llmCalls)],
    ['result', f.pass ? 'PASS' : 'FAIL'],
  ];
  for (const [name, value] of rows) console.log(`${name.padEnd(40)} ${value}`);
  if (!f.pass) process.exitCode = 1;
}
