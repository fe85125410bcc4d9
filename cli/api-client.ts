import type { SummaryRecord } from '../lib/domain/record.ts';
import type { Status } from './args.ts';
import { ApiError, CliError } from './errors.ts';

/** Adds authentication to a request: nothing locally, SigV4 or a bearer token for a deployed API. */
export type Authorise = (url: URL) => Promise<Record<string, string>>;

export interface ListPage {
  items: SummaryRecord[];
  nextCursor: string | null;
}

const noAuth: Authorise = async () => ({});
export const bearer =
  (token: string): Authorise =>
  async () => ({ authorization: `Bearer ${token}` });

const REQUEST_TIMEOUT_MS = 30_000;

/** The khulasa HTTP API as the CLI uses it. */
export class ApiClient {
  private readonly base: URL;
  private readonly authorise: Authorise;
  private readonly fetchImpl: typeof fetch;

  constructor(baseUrl: string, authorise: Authorise = noAuth, fetchImpl: typeof fetch = fetch) {
    // `new URL('summaries', base)` keeps a stage path (…/prod/) only when the base ends in '/'.
    this.base = new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
    this.authorise = authorise;
    this.fetchImpl = fetchImpl;
  }

  /** The record, or null when there is none (yet): upload waits through that. */
  async find(id: string): Promise<SummaryRecord | null> {
    const res = await this.request(`summaries/${encodeURIComponent(id)}`);
    if (res.status === 404 || res.status === 410) return null;
    if (!res.ok) throw await this.problem(res);
    return (await res.json()) as SummaryRecord;
  }

  async get(id: string): Promise<SummaryRecord> {
    const res = await this.request(`summaries/${encodeURIComponent(id)}`);
    if (!res.ok) throw await this.problem(res);
    return (await res.json()) as SummaryRecord;
  }

  async text(id: string): Promise<string> {
    const res = await this.request(`summaries/${encodeURIComponent(id)}/text`);
    if (!res.ok) throw await this.problem(res);
    return res.text();
  }

  async list(query: { limit: number; cursor?: string | null; status?: Status | null }): Promise<ListPage> {
    // Only URL-safe values go in the query (limit, status, the base64url cursor), so the signed
    // canonical query and the one sent are the same bytes.
    const params = new URLSearchParams({ limit: String(query.limit) });
    if (query.cursor) params.set('cursor', query.cursor);
    if (query.status) params.set('status', query.status);
    const res = await this.request(`summaries?${params}`);
    if (!res.ok) throw await this.problem(res);
    return (await res.json()) as ListPage;
  }

  /** Newest first, following cursors until `limit` records or the end. */
  async *listAll(limit: number, status: Status | null = null): AsyncGenerator<SummaryRecord> {
    let cursor: string | null = null;
    let left = limit;
    do {
      const page: ListPage = await this.list({ limit: Math.min(100, left), cursor, status });
      for (const item of page.items.slice(0, left)) yield item;
      left -= Math.min(left, page.items.length);
      cursor = page.nextCursor;
    } while (cursor && left > 0);
  }

  async healthy(): Promise<boolean> {
    try {
      return (await this.request('health')).ok;
    } catch {
      return false;
    }
  }

  private async request(path: string): Promise<Response> {
    const url = new URL(path, this.base);
    try {
      return await this.fetchImpl(url, {
        headers: { accept: 'application/json', ...(await this.authorise(url)) },
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (e: unknown) {
      if (e instanceof CliError) throw e;
      const reason = e instanceof Error ? ((e.cause as Error | undefined)?.message ?? e.message) : String(e);
      throw new CliError(
        `cannot reach the API at ${this.base.origin} (${reason}); is the stack running?`,
        1,
        {
          cause: e,
        },
      );
    }
  }

  private async problem(res: Response): Promise<ApiError> {
    let detail = res.statusText;
    try {
      const body = (await res.json()) as { detail?: string; title?: string; message?: string };
      // API Gateway's own 401/403 answers carry `message`; ours are problem+json.
      detail = body.detail ?? body.message ?? body.title ?? detail;
    } catch {
      // Not JSON: the status text says enough.
    }
    const hint = res.status === 401 || res.status === 403 ? ' (check your AWS credentials or --token)' : '';
    return new ApiError(res.status, `API answered ${res.status}: ${detail}${hint}`);
  }
}
