import { afterEach, describe, expect, it } from 'vitest';
import { buildMessages } from '../../../lib/summarise/prompt.ts';
import {
  buildSummarySchema,
  notesResponseFormat,
  notesSchema,
  summaryResponseFormat,
} from '../../../lib/summarise/schema.ts';
import { verifySummary } from '../../../lib/summarise/verify.ts';
import { type OpenAiTestServer, startOpenAiTestServer } from '../../support/openai-server.ts';

// The test server other suites (end-to-end through the local stack) rely on, checked over plain HTTP.

const request = {
  text: 'حذر الإنتربول من أزمة عالمية. الضحايا من 66 دولة. ويضم 196 دولة عضوا.',
  title: 'الإنتربول يحذر',
  language: 'ar',
  publishedAt: null,
  outlet: null,
  languages: ['ar', 'en', 'de'],
};

const chatBody = (languages: string[]) =>
  JSON.stringify({
    model: 'm',
    messages: buildMessages({ ...request, languages }),
    response_format: summaryResponseFormat(languages),
  });

let server: OpenAiTestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const post = (s: OpenAiTestServer, body: string, headers: Record<string, string> = {}) =>
  fetch(`${s.url}/chat/completions`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
  });

describe('startOpenAiTestServer', () => {
  it('answers with a schema-valid, grounded summary for exactly the requested languages', async () => {
    server = await startOpenAiTestServer();

    const response = await post(server, chatBody(request.languages));
    const json = (await response.json()) as { choices: Array<{ message: { content: string } }> };
    const answer = buildSummarySchema(request.languages).parse(
      JSON.parse(json.choices[0]?.message.content ?? ''),
    );

    expect(Object.keys(answer.summaries).sort()).toEqual(['ar', 'de', 'en']);
    expect(answer.summaries.ar?.summary).toContain('66 دولة');
    expect(verifySummary(answer, request)).toEqual([]);
  });

  it('answers a map-reduce notes request with facts from the part it was sent', async () => {
    server = await startOpenAiTestServer();
    const body = JSON.stringify({
      model: 'm',
      messages: buildMessages(request),
      response_format: notesResponseFormat,
    });

    const response = await post(server, body);
    const json = (await response.json()) as { choices: Array<{ message: { content: string } }> };
    const answer = notesSchema.parse(JSON.parse(json.choices[0]?.message.content ?? ''));

    expect(answer.facts).toEqual([
      'حذر الإنتربول من أزمة عالمية.',
      'الضحايا من 66 دولة.',
      'ويضم 196 دولة عضوا.',
    ]);
  });

  it('records every request and serves scripted behaviours in order, then the default', async () => {
    server = await startOpenAiTestServer();
    server.enqueue({ type: 'status', status: 503, headers: { 'retry-after': '3' } }, { type: 'refusal' });

    const first = await post(server, chatBody(['en']), { authorization: 'Bearer k' });
    const second = await post(server, chatBody(['en']));
    const third = await post(server, chatBody(['en']));

    expect(first.status).toBe(503);
    expect(first.headers.get('retry-after')).toBe('3');
    expect(
      ((await second.json()) as { choices: Array<{ message: { refusal: string } }> }).choices[0]?.message
        .refusal,
    ).toBeTruthy();
    expect(third.status).toBe(200);
    expect(server.chatRequests()).toHaveLength(3);
    expect(server.requests[0]?.headers.authorization).toBe('Bearer k');
    expect(server.requests[0]?.body.model).toBe('m');
  });

  it('lets a custom behaviour decide per request', async () => {
    server = await startOpenAiTestServer();
    server.setDefault({
      type: 'custom',
      respond: (r) => ({
        type: 'json',
        content: { model: r.body.model },
        usage: { prompt_tokens: 1, completion_tokens: 2 },
      }),
    });

    const response = await post(server, chatBody(['en']));
    const json = (await response.json()) as {
      choices: Array<{ message: { content: string } }>;
      usage: unknown;
    };

    expect(JSON.parse(json.choices[0]?.message.content ?? '')).toEqual({ model: 'm' });
    expect(json.usage).toEqual({ prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 });
  });

  it('lists a model and rejects a wrong key when one is required', async () => {
    server = await startOpenAiTestServer({ apiKey: 'right' });

    const models = await fetch(`${server.url}/models`, { headers: { authorization: 'Bearer right' } });
    const denied = await post(server, chatBody(['en']), { authorization: 'Bearer wrong' });

    expect(((await models.json()) as { data: unknown[] }).data).toHaveLength(1);
    expect(denied.status).toBe(401);
  });

  it('ends hanging requests when closed, promptly', async () => {
    const s = await startOpenAiTestServer({ defaultBehaviour: { type: 'hang' } });
    const pending = post(s, chatBody(['en'])).then(
      () => 'answered',
      () => 'connection closed',
    );
    await new Promise((r) => setTimeout(r, 50));

    const started = Date.now();
    await s.close();

    expect(await pending).toBe('connection closed');
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
