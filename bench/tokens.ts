/**
 * Issue 8, budget 5 (tokens): the o200k tokens of the whole request for the Arabic fixture, as the
 * OpenAI-compatible test server receives it (message contents + the JSON schema in
 * `response_format`), must be at most 1.2 × the o200k tokens of the segmented main article
 * (title + body) + 900, with exactly one LLM call. Deterministic: a count, not a timing.
 *
 *   node bench/tokens.ts            prints the figures; exit code 1 when over budget
 *
 * `measureTokens()` is exported for the `npm run bench` table.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { createOpenAiClient, OpenAiSummariser } from '../lib/summarise/openai.ts';
import { startOpenAiTestServer } from '../test/support/openai-server.ts';

const FIXTURE = join(import.meta.dirname, '../../shared/fixtures/interpol-ar.txt');

export interface TokenFigures {
  articleTokens: number;
  requestTokens: number;
  budget: number;
  pass: boolean;
  outputTokens: number;
  llmCalls: number;
}

/**
 * The main article, sliced by hand because segmentation (lib/text/segment.ts) is being rewritten:
 * line 1 is the headline, line 2 the date line, then the body up to the "المصدر: الجزيرة" source
 * line; everything after it ("إقرأ أيضاً:" and a second, unrelated article) is not the main article.
 */
function mainArticle(): { title: string; body: string } {
  const lines = readFileSync(FIXTURE, 'utf8').split(/\r?\n/u);
  const source = lines.findIndex((l) => l.trim() === 'المصدر: الجزيرة');
  if (source < 0) throw new Error(`No source line in ${FIXTURE}.`);
  return { title: lines[0]?.trim() ?? '', body: lines.slice(2, source).join('\n\n') };
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
