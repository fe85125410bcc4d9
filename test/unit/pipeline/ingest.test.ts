import { describe, expect, it } from 'vitest';
import { recordId } from '../../../lib/domain/id.ts';
import type { SummaryRecord } from '../../../lib/domain/record.ts';
import { LlmUnavailableError } from '../../../lib/errors.ts';
import type { ObjectEvent } from '../../../lib/events/s3-notification.ts';
import type { Clock } from '../../../lib/pipeline/clock.ts';
import { type Attempt, IngestArticle } from '../../../lib/pipeline/ingest.ts';
import { RetryLaterError } from '../../../lib/pipeline/outcome.ts';
import {
  ClaimLostError,
  type ClaimOutcome,
  type ClaimRequest,
  type ContentWork,
  type IngestStore,
  type ObjectSource,
  type ReuseQuery,
} from '../../../lib/pipeline/ports.ts';
import type { Summariser, SummaryRequest, SummaryResult } from '../../../lib/summarise/port.ts';

// In-memory stand-ins for the use case's ports: the DynamoDB and S3 adapters have their own
// integration tests against the emulators.

class FakeSource implements ObjectSource {
  reads = 0;
  private readonly objects: Map<string, Uint8Array>;
  constructor(objects: Map<string, Uint8Array>) {
    this.objects = objects;
  }
  async head(_b: string, key: string) {
    const body = this.objects.get(key);
    if (!body) throw Object.assign(new Error('not found'), { name: 'NotFound' });
    return { size: body.length, etag: 'etag-1', contentType: 'text/plain', versionId: null };
  }
  async read(_b: string, key: string) {
    this.reads += 1;
    return this.objects.get(key) ?? new Uint8Array();
  }
}

class FakeStore implements IngestStore {
  claims: ClaimRequest[] = [];
  completed: { id: string; owner: string; reusedFrom: string | null; result: SummaryResult }[] = [];
  failed: { id: string; code: string; transient: boolean; message: string; usage?: unknown }[] = [];
  tombstones: string[] = [];
  claimOutcome: ClaimOutcome | null = null;
  completeError: Error | null = null;
  reusable: SummaryRecord | null = null;
  /** What beginContentWork answers, in order; then `acquired`. */
  leases: ContentWork[] = [];
  paid: SummaryResult[] = [];
  released: string[] = [];

  async claim(request: ClaimRequest): Promise<ClaimOutcome> {
    this.claims.push(request);
    return this.claimOutcome ?? { claimed: true, record: {} as SummaryRecord, previous: null };
  }
  async complete(id: string, owner: string, work: Parameters<IngestStore['complete']>[2]) {
    if (this.completeError) throw this.completeError;
    this.completed.push({ id, owner, reusedFrom: work.reusedFrom, result: work.result });
    return {} as SummaryRecord;
  }
  async fail(
    id: string,
    _owner: string,
    error: { code: string; message: string; transient: boolean },
    extra: { usage?: unknown },
  ) {
    this.failed.push({ id, ...error, usage: extra.usage });
  }
  async tombstone(id: string) {
    this.tombstones.push(id);
    return true;
  }
  async beginContentWork(): Promise<ContentWork> {
    if (this.reusable) return { status: 'reuse', record: this.reusable };
    return this.leases.shift() ?? { status: 'acquired' };
  }
  async savePaidResult(_q: ReuseQuery, _owner: string, _paidFor: string, result: SummaryResult) {
    this.paid.push(result);
  }
  async endContentWork(_q: ReuseQuery, owner: string) {
    this.released.push(owner);
  }
  notesCleared: string[] = [];
  notesFor(id: string) {
    const notes = new Map<string, unknown>();
    return {
      get: async (key: string) => notes.get(key) ?? null,
      put: async (key: string, value: unknown) => void notes.set(key, value),
      clear: async () => void this.notesCleared.push(id),
    };
  }
}

/** Time that moves only when the use case sleeps: no test waits on the real clock. */
class FakeClock implements Clock {
  ms = Date.parse('2026-03-01T10:00:00Z');
  slept: number[] = [];
  /** Runs after each sleep, as if the world had moved on meanwhile. */
  onSleep: () => void = () => undefined;
  now() {
    return new Date(this.ms);
  }
  async sleep(ms: number) {
    this.ms += ms;
    this.slept.push(ms);
    this.onSleep();
  }
}

class FakeSummariser implements Summariser {
  readonly provider = 'openai' as const;
  readonly modelName = 'test-model';
  readonly promptVersion = 'p1';
  requests: SummaryRequest[] = [];
  failWith: Error | null = null;
  async summarise(request: SummaryRequest): Promise<SummaryResult> {
    this.requests.push(request);
    if (this.failWith) throw this.failWith;
    return {
      summaries: { ar: { title: 'ع', summary: 'ملخص.', keyPoints: ['نقطة'] } },
      entities: [],
      topics: [],
      flags: [],
      model: { provider: 'openai', name: 'test-model', promptVersion: 'p1' },
      usage: { inputTokens: 10, outputTokens: 5, llmCalls: 1 },
    };
  }
}

const event = (key: string, kind: ObjectEvent['kind'] = 'created'): ObjectEvent => ({
  kind,
  eventName: kind === 'created' ? 'ObjectCreated:Put' : 'ObjectRemoved:Delete',
  bucket: 'articles',
  key,
  size: null,
  etag: null,
  versionId: null,
  sequencer: '0A',
  eventTime: null,
});
const attempt = (overrides: Partial<Attempt> = {}): Attempt => ({
  messageId: 'm-1',
  receiveCount: 1,
  isLastAttempt: false,
  force: false,
  ...overrides,
});

function setup(objects: Record<string, string | Uint8Array>, maxArticleBytes = 1000) {
  const source = new FakeSource(
    new Map(Object.entries(objects).map(([k, v]) => [k, typeof v === 'string' ? Buffer.from(v) : v])),
  );
  const store = new FakeStore();
  const summariser = new FakeSummariser();
  const clock = new FakeClock();
  const ingest = new IngestArticle(
    { source, store, summariser, clock },
    { languages: ['ar', 'en'], maxArticleBytes, maxTextChars: 10_000, leaseMs: 60_000, contentWaitMs: 1_000 },
  );
  return { source, store, summariser, clock, ingest };
}

describe('IngestArticle', () => {
  it('summarises the body with the first line as title and stores the result under the record id', async () => {
    const { ingest, store, summariser } = setup({ 'a.txt': 'العنوان\nالنص الأول من الخبر.' });

    const outcome = await ingest.handle(event('a.txt'), attempt());

    expect(outcome).toEqual({
      status: 'done',
      id: recordId('articles', 'a.txt'),
      reusedFrom: null,
      llmCalls: 1,
      inputTokens: 10,
      outputTokens: 5,
      flags: [],
    });
    expect(summariser.requests[0]).toMatchObject({
      title: 'العنوان',
      text: 'النص الأول من الخبر.',
      languages: ['ar', 'en'],
    });
    expect(store.claims[0]).toMatchObject({ owner: 'm-1', sequencer: '0A', force: false, leaseMs: 60_000 });
    expect(store.completed[0]?.owner).toBe('m-1');
  });

  it('ends an empty file as failed with code empty and acknowledges it', async () => {
    const { ingest, store, summariser } = setup({ 'empty.txt': '' });

    const outcome = await ingest.handle(event('empty.txt'), attempt());

    expect(outcome).toMatchObject({ status: 'failed', code: 'empty' });
    expect(store.failed[0]).toMatchObject({ code: 'empty', transient: false });
    expect(summariser.requests).toHaveLength(0);
  });

  it('refuses a file over the size limit from its size, without downloading it', async () => {
    const { ingest, store, source } = setup({ 'big.txt': 'x'.repeat(2000) }, 1000);

    const outcome = await ingest.handle(event('big.txt'), attempt());

    expect(outcome).toMatchObject({ status: 'failed', code: 'too_large' });
    expect(source.reads).toBe(0);
    expect(store.failed[0]?.message).toContain('2000 bytes');
  });

  it('skips an event the store says is stale without reading or summarising', async () => {
    const { ingest, store, source, summariser } = setup({ 'a.txt': 'عنوان\nنص' });
    store.claimOutcome = { claimed: false, reason: 'stale', record: null };

    const outcome = await ingest.handle(event('a.txt'), attempt());

    expect(outcome).toMatchObject({ status: 'skipped', reason: 'stale' });
    expect(source.reads).toBe(0);
    expect(summariser.requests).toHaveLength(0);
  });

  it('asks for a later retry while another attempt holds the claim', async () => {
    const { ingest, store } = setup({ 'a.txt': 'عنوان\nنص' });
    store.claimOutcome = { claimed: false, reason: 'in_progress', record: null };

    await expect(ingest.handle(event('a.txt'), attempt())).rejects.toBeInstanceOf(RetryLaterError);
  });

  it("waits out the rest of the other attempt's lease before coming back", async () => {
    const { ingest, store, clock } = setup({ 'a.txt': 'عنوان\nنص' });
    store.claimOutcome = {
      claimed: false,
      reason: 'in_progress',
      record: null,
      leaseUntil: clock.ms + 95_400,
    };

    const error = await ingest.handle(event('a.txt'), attempt()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RetryLaterError);
    expect((error as RetryLaterError).retryAfterSeconds).toBe(96);
  });

  it('keeps the usage of paid LLM calls on the failed record when the record write fails on the last try', async () => {
    const { ingest, store } = setup({ 'a.txt': 'عنوان\nنص' });
    store.completeError = new Error('ValidationException: Item size has exceeded the maximum allowed size');

    await expect(ingest.handle(event('a.txt'), attempt({ isLastAttempt: true }))).rejects.toBeInstanceOf(
      RetryLaterError,
    );

    expect(store.failed).toEqual([
      expect.objectContaining({ code: 'internal', usage: { inputTokens: 10, outputTokens: 5, llmCalls: 1 } }),
    ]);
  });

  it('acknowledges a duplicate on its last receive instead of sending it to the dead-letter queue', async () => {
    const { ingest, store, clock } = setup({ 'a.txt': 'عنوان\nنص' });
    store.claimOutcome = {
      claimed: false,
      reason: 'in_progress',
      record: null,
      leaseUntil: clock.ms + 60_000,
    };

    const outcome = await ingest.handle(event('a.txt'), attempt({ receiveCount: 8, isLastAttempt: true }));

    expect(outcome).toEqual({
      status: 'skipped',
      id: recordId('articles', 'a.txt'),
      reason: 'in_progress_elsewhere',
    });
    expect(store.failed).toHaveLength(0);
  });

  it('throws a transient LLM failure back to the queue without marking the record, before the last try', async () => {
    const { ingest, store, summariser } = setup({ 'a.txt': 'عنوان\nنص' });
    summariser.failWith = new LlmUnavailableError('429 from the model', { retryAfterSeconds: 20 });

    const error = await ingest.handle(event('a.txt'), attempt()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RetryLaterError);
    expect((error as RetryLaterError).retryAfterSeconds).toBe(20);
    expect(store.failed).toHaveLength(0);
  });

  it('marks the record failed with llm_failed on the last try and still reports the failure', async () => {
    const { ingest, store, summariser } = setup({ 'a.txt': 'عنوان\nنص' });
    summariser.failWith = new LlmUnavailableError('503 from the model');

    await expect(
      ingest.handle(event('a.txt'), attempt({ isLastAttempt: true, receiveCount: 3 })),
    ).rejects.toBeInstanceOf(RetryLaterError);
    expect(store.failed[0]).toMatchObject({ code: 'llm_failed', transient: true });
  });

  it('treats an unexpected error as internal and retryable, never leaking its message into the record', async () => {
    const { ingest, store, summariser } = setup({ 'a.txt': 'عنوان\nنص' });
    summariser.failWith = new TypeError('secret internals');

    await expect(ingest.handle(event('a.txt'), attempt({ isLastAttempt: true }))).rejects.toBeInstanceOf(
      RetryLaterError,
    );
    expect(store.failed[0]?.code).toBe('internal');
    expect(store.failed[0]?.message).not.toContain('secret internals');
    expect(store.failed[0]?.message).toBe(
      'An internal error interrupted processing. Gave up after the last retry; the message is in the dead-letter queue and can be redriven.',
    );
  });

  it('copies the summary of identical content instead of paying for another LLM call', async () => {
    const { ingest, store, summariser } = setup({ 'copy.txt': 'عنوان\nنص' });
    store.reusable = {
      id: 'original',
      summaries: { ar: { title: 't', summary: 's', keyPoints: [] } },
      entities: [],
      topics: [],
      quality: { flags: [] },
      model: { provider: 'openai', name: 'test-model', promptVersion: 'p1' },
      usage: { inputTokens: 10, outputTokens: 5, llmCalls: 1, reusedFrom: null },
    } as unknown as SummaryRecord;

    const outcome = await ingest.handle(event('copy.txt'), attempt());

    expect(outcome).toMatchObject({ status: 'done', reusedFrom: 'original', llmCalls: 0 });
    expect(summariser.requests).toHaveLength(0);
    expect(store.completed[0]?.result.usage.llmCalls).toBe(0);
  });

  it('turns ObjectRemoved into a tombstone', async () => {
    const { ingest, store } = setup({});

    const outcome = await ingest.handle(event('gone.txt', 'removed'), attempt());

    expect(outcome).toEqual({ status: 'deleted', id: recordId('articles', 'gone.txt') });
    expect(store.tombstones).toEqual([recordId('articles', 'gone.txt')]);
  });
});

describe('IngestArticle when a newer event took the record over', () => {
  it('drops its result quietly instead of failing the message', async () => {
    const { ingest, store } = setup({ 'a.txt': 'عنوان\nنص' });
    store.complete = async (id: string, owner: string) => {
      throw new ClaimLostError(id, owner);
    };

    const outcome = await ingest.handle(event('a.txt'), attempt());

    expect(outcome).toMatchObject({ status: 'skipped', reason: 'superseded' });
    expect(store.failed).toHaveLength(0);
  });
});

describe('IngestArticle paying once per content', () => {
  it('keeps the paid result before writing the record', async () => {
    const { ingest, store, summariser } = setup({ 'a.txt': 'عنوان\nنص' });

    await ingest.handle(event('a.txt'), attempt());

    expect(store.paid).toHaveLength(1);
    expect(store.paid[0]).toEqual(store.completed[0]?.result);
    expect(summariser.requests).toHaveLength(1);
  });

  it('completes from a result an earlier attempt paid for, without calling the LLM again', async () => {
    const { ingest, store, summariser } = setup({ 'a.txt': 'عنوان\nنص' });
    const paid = await new FakeSummariser().summarise({
      text: 'x',
      title: null,
      language: 'ar',
      publishedAt: null,
      outlet: null,
      languages: ['ar'],
    });
    store.leases = [{ status: 'paid', result: paid, paidFor: recordId('articles', 'a.txt') }];

    const outcome = await ingest.handle(event('a.txt'), attempt({ receiveCount: 2 }));

    expect(outcome).toMatchObject({ status: 'done', llmCalls: 0, reusedFrom: null });
    expect(summariser.requests).toHaveLength(0);
    expect(store.completed[0]?.result).toEqual(paid);
  });

  it('copies a result a twin upload paid for but has not written yet, naming the twin as the source', async () => {
    const { ingest, store, summariser } = setup({ 'b.txt': 'عنوان\nنص' });
    const paid = await new FakeSummariser().summarise({
      text: 'x',
      title: null,
      language: 'ar',
      publishedAt: null,
      outlet: null,
      languages: ['ar'],
    });
    store.leases = [{ status: 'paid', result: paid, paidFor: 'twin-record' }];

    const outcome = await ingest.handle(event('b.txt'), attempt());

    expect(outcome).toMatchObject({ status: 'done', llmCalls: 0, reusedFrom: 'twin-record', inputTokens: 0 });
    expect(summariser.requests).toHaveLength(0);
    expect(store.completed[0]).toMatchObject({ reusedFrom: 'twin-record' });
    expect(store.completed[0]?.result.usage).toEqual({ inputTokens: 0, outputTokens: 0, llmCalls: 0 });
    expect(store.completed[0]?.result.summaries).toEqual(paid.summaries);
  });

  it('waits for a twin upload of the same content and copies its summary', async () => {
    const { ingest, store, summariser, clock } = setup({ 'twin.txt': 'عنوان\nنص' });
    store.leases = [{ status: 'busy' }];
    const original = {
      id: 'first-upload',
      summaries: { ar: { title: 't', summary: 's', keyPoints: [] } },
      entities: [],
      topics: [],
      quality: { flags: [] },
      model: { provider: 'openai', name: 'test-model', promptVersion: 'p1' },
      usage: { inputTokens: 1, outputTokens: 1, llmCalls: 1, reusedFrom: null },
    } as unknown as SummaryRecord;
    clock.onSleep = () => {
      store.reusable = original;
    };

    const outcome = await ingest.handle(event('twin.txt'), attempt());

    expect(outcome).toMatchObject({ status: 'done', reusedFrom: 'first-upload', llmCalls: 0 });
    expect(summariser.requests).toHaveLength(0);
    expect(clock.slept).toEqual([500]);
  });

  it('retries later when the twin is still busy after the wait, and pays on the last try', async () => {
    const { ingest, store, summariser, clock } = setup({ 'twin.txt': 'عنوان\nنص' });
    store.leases = Array.from({ length: 10 }, () => ({ status: 'busy' }) as const);

    await expect(ingest.handle(event('twin.txt'), attempt())).rejects.toBeInstanceOf(RetryLaterError);
    expect(summariser.requests).toHaveLength(0);
    // Waited the configured second (contentWaitMs) in polls, on the fake clock.
    expect(clock.slept.reduce((a, b) => a + b, 0)).toBe(1_000);

    store.leases = Array.from({ length: 10 }, () => ({ status: 'busy' }) as const);
    const outcome = await ingest.handle(event('twin.txt'), attempt({ isLastAttempt: true, receiveCount: 3 }));
    expect(outcome).toMatchObject({ status: 'done', llmCalls: 1 });
  });

  it('gives the content lease up when summarising fails', async () => {
    const { ingest, store, summariser } = setup({ 'a.txt': 'عنوان\nنص' });
    summariser.failWith = new LlmUnavailableError('503');

    await expect(ingest.handle(event('a.txt'), attempt())).rejects.toBeInstanceOf(RetryLaterError);

    expect(store.released).toEqual(['m-1']);
  });
});

describe('IngestArticle cost on record', () => {
  it('records what a failed article already paid for', async () => {
    const { ingest, store, summariser } = setup({ 'a.txt': 'عنوان\nنص' });
    const { LlmRefusedError } = await import('../../../lib/errors.ts');
    summariser.failWith = new LlmRefusedError('refused', {
      usage: { inputTokens: 500, outputTokens: 20, llmCalls: 1 },
    });

    const outcome = await ingest.handle(event('a.txt'), attempt());

    expect(outcome).toMatchObject({ status: 'failed', code: 'llm_refused' });
    expect(store.failed[0]?.usage).toEqual({ inputTokens: 500, outputTokens: 20, llmCalls: 1 });
  });

  it('hands the summariser a notes cache for the record and clears it once done', async () => {
    const { ingest, store, summariser } = setup({ 'a.txt': 'عنوان\nنص' });

    await ingest.handle(event('a.txt'), attempt());

    expect(summariser.requests[0]?.notes).toBeDefined();
    expect(store.notesCleared).toEqual([recordId('articles', 'a.txt')]);
  });
});

describe('IngestArticle stage timings', () => {
  it('tells the observer how long each stage took', async () => {
    const { source, store, summariser } = setup({ 'a.txt': 'عنوان\nنص' });
    const stages: string[] = [];
    const ingest = new IngestArticle(
      { source, store, summariser, observer: { stage: (name, ms) => stages.push(`${name}:${ms >= 0}`) } },
      { languages: ['ar'], maxArticleBytes: 1000, maxTextChars: 1000, leaseMs: 1000, contentWaitMs: 0 },
    );

    await ingest.handle(event('a.txt'), attempt());

    expect(stages).toEqual(['read:true', 'prepare:true', 'summarise:true', 'store:true']);
  });
});

describe('IngestArticle when DynamoDB fails after the LLM was paid', () => {
  it('retries the write without a second LLM call even when the insurance write failed too', async () => {
    const { ingest, store, summariser } = setup({ 'a.txt': 'عنوان\nنص' });
    const complete = store.complete.bind(store);
    let writes = 0;
    store.savePaidResult = async () => {
      throw Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' });
    };
    store.complete = async (...args: Parameters<FakeStore['complete']>) => {
      writes += 1;
      if (writes === 1)
        throw Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' });
      return complete(...args);
    };

    await expect(ingest.handle(event('a.txt'), attempt())).rejects.toBeInstanceOf(RetryLaterError);
    const outcome = await ingest.handle(event('a.txt'), attempt({ receiveCount: 2 }));

    expect(outcome).toMatchObject({ status: 'done', llmCalls: 0 });
    expect(summariser.requests).toHaveLength(1);
    expect(store.completed).toHaveLength(1);
  });
});
