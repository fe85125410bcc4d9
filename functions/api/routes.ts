import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { SummaryRecord } from '../../lib/domain/record.ts';
import { CACHE, TEXT_TYPE } from '../../lib/http/headers.ts';
import { problem } from '../../lib/http/problem.ts';
import type { SummaryReader } from '../../lib/http/reader-port.ts';
import { type HttpResponse, json, withEtag } from '../../lib/http/response.ts';
import { idSchema, listQuerySchema, recordQuerySchema, validate } from '../../lib/http/validation.ts';
import { isInvalidCursorError } from '../../lib/store/errors.ts';

const DEFAULT_LIMIT = 20;

const header = (event: APIGatewayProxyEventV2, name: string): string | undefined => {
  for (const [k, v] of Object.entries(event.headers ?? {})) if (k.toLowerCase() === name) return v;
  return undefined;
};

const badRequest = (errors: Record<string, string>) =>
  problem(400, Object.values(errors).join('; '), { errors });

/** `?lang=ar` narrows `summaries` to that one language (absent when it was not produced). */
function narrow(record: SummaryRecord, lang: string | undefined): SummaryRecord {
  if (!lang) return record;
  const one = record.summaries[lang];
  return { ...record, summaries: one ? { [lang]: one } : {} };
}

function recordId(
  event: APIGatewayProxyEventV2,
): { ok: true; id: string } | { ok: false; response: HttpResponse } {
  const checked = validate(idSchema, event.pathParameters?.id, 'id');
  return checked.ok ? { ok: true, id: checked.value } : { ok: false, response: badRequest(checked.errors) };
}

export function routes(store: SummaryReader, logger: Pick<Logger, 'error'>) {
  async function list(event: APIGatewayProxyEventV2): Promise<HttpResponse> {
    const q = validate(listQuerySchema, event.queryStringParameters ?? {});
    if (!q.ok) return badRequest(q.errors);
    try {
      const page = await store.list({
        limit: q.value.limit ?? DEFAULT_LIMIT,
        cursor: q.value.cursor ?? null,
        key: q.value.key ?? null,
        status: q.value.status ?? null,
        language: q.value.language ?? null,
      });
      const body = { items: page.items.map((r) => narrow(r, q.value.lang)), nextCursor: page.nextCursor };
      return json(200, body, { cacheControl: CACHE.revalidate, ifNoneMatch: header(event, 'if-none-match') });
    } catch (e: unknown) {
      if (isInvalidCursorError(e)) return badRequest({ cursor: 'cursor is not valid for this request' });
      throw e;
    }
  }

  async function getOne(event: APIGatewayProxyEventV2): Promise<HttpResponse> {
    const id = recordId(event);
    if (!id.ok) return id.response;
    const q = validate(recordQuerySchema, event.queryStringParameters ?? {});
    if (!q.ok) return badRequest(q.errors);
    const record = await store.get(id.id);
    if (!record) return problem(404, 'No summary with this id.');
    if (record.status === 'deleted') return problem(410, 'The article was deleted.');
    const cacheControl = record.status === 'processing' ? CACHE.revalidate : CACHE.settled;
    return json(200, narrow(record, q.value.lang), {
      cacheControl,
      ifNoneMatch: header(event, 'if-none-match'),
    });
  }

  async function text(event: APIGatewayProxyEventV2): Promise<HttpResponse> {
    const id = recordId(event);
    if (!id.ok) return id.response;
    const record = await store.get(id.id);
    if (!record) return problem(404, 'No summary with this id.');
    if (record.status === 'deleted') return problem(410, 'The article was deleted.');
    const body = await store.getText(id.id);
    if (body === null) return problem(404, 'No text is stored for this article.');
    const cacheControl = record.status === 'processing' ? CACHE.revalidate : CACHE.settled;
    return withEtag(200, body, TEXT_TYPE, cacheControl, header(event, 'if-none-match'));
  }

  async function health(): Promise<HttpResponse> {
    try {
      await store.ping();
      return json(200, { status: 'ok' }, { cacheControl: CACHE.none });
    } catch (e: unknown) {
      logger.error('health check failed', { error: e });
      return problem(503, 'The summary table is not reachable.');
    }
  }

  return { list, getOne, text, health };
}
