import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { SummaryRecord } from '../../lib/domain/record.ts';
import type { AuthMode } from '../../lib/http/auth-mode.ts';
import { CACHE, TEXT_TYPE } from '../../lib/http/headers.ts';
import { problem } from '../../lib/http/problem.ts';
import type { SummaryReader } from '../../lib/http/reader-port.ts';
import { type HttpResponse, json, withEtag } from '../../lib/http/response.ts';
import {
  facetsQuerySchema,
  idSchema,
  listQuerySchema,
  recordQuerySchema,
  validate,
} from '../../lib/http/validation.ts';
import { isInvalidCursorError } from '../../lib/store/errors.ts';

const DEFAULT_LIMIT = 20;
/**
 * Lambda refuses a response payload over 6 MB (the JSON the runtime sends: status, headers and
 * the body with its escapes). Some room is kept for what the runtime and API Gateway add.
 */
const LAMBDA_RESPONSE_BYTES = 6 * 1024 * 1024;
const RESPONSE_HEADROOM_BYTES = 16 * 1024;

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

export function routes(store: SummaryReader, logger: Pick<Logger, 'error'>, authMode: AuthMode) {
  // Behind credentials a record must never sit in a shared cache that could hand it to another caller.
  const settled = authMode === 'none' ? CACHE.settled : CACHE.settledPrivate;

  async function list(event: APIGatewayProxyEventV2): Promise<HttpResponse> {
    const q = validate(listQuerySchema(), event.queryStringParameters ?? {});
    if (!q.ok) return badRequest(q.errors);
    if (q.value.from && q.value.to && q.value.from > q.value.to)
      return badRequest({ from: 'from must not be after to' });
    try {
      const page = await store.list({
        limit: q.value.limit ?? DEFAULT_LIMIT,
        cursor: q.value.cursor ?? null,
        key: q.value.key ?? null,
        status: q.value.status ?? null,
        language: q.value.language ?? null,
        outlet: q.value.outlet ?? null,
        entity: q.value.entity ?? null,
        topic: q.value.topic ?? null,
        from: q.value.from ?? null,
        to: q.value.to ?? null,
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
    const cacheControl = record.status === 'processing' ? CACHE.revalidate : settled;
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
    const cacheControl = record.status === 'processing' ? CACHE.revalidate : settled;
    const response = withEtag(200, body, TEXT_TYPE, cacheControl, header(event, 'if-none-match'));
    // Measured as the runtime will send it: Arabic is 2 bytes a letter, and JSON escapes add more.
    const bytes = Buffer.byteLength(JSON.stringify(response), 'utf8');
    if (bytes > LAMBDA_RESPONSE_BYTES - RESPONSE_HEADROOM_BYTES) {
      const mb = (n: number) => (n / (1024 * 1024)).toFixed(1);
      return problem(
        413,
        `The article's text is ${mb(bytes)} MB, more than one answer can carry (${mb(LAMBDA_RESPONSE_BYTES)} MB).`,
      );
    }
    return response;
  }

  async function facets(event: APIGatewayProxyEventV2): Promise<HttpResponse> {
    const q = validate(facetsQuerySchema(), event.queryStringParameters ?? {});
    if (!q.ok) return badRequest(q.errors);
    const page = await store.facets({
      kind: q.value.kind,
      prefix: q.value.prefix ?? null,
      limit: q.value.limit ?? DEFAULT_LIMIT,
    });
    return json(200, page, { cacheControl: CACHE.revalidate, ifNoneMatch: header(event, 'if-none-match') });
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

  return { list, getOne, text, facets, health };
}
