import { createHash, randomBytes } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { ErrorCode } from '../domain/error-codes.ts';
import {
  type ArticleInfo,
  type RecordStatus,
  SCHEMA_VERSION,
  type SourceInfo,
  type SummaryRecord,
} from '../domain/record.ts';
import type { LlmUsage, SummaryResult } from '../domain/summary.ts';
import type {
  ClaimOutcome,
  ClaimRequest,
  CompletedWork,
  ContentWork,
  IngestStore,
  ReuseQuery,
} from '../pipeline/ports.ts';
import { DynamoChunkNotes } from './chunk-notes.ts';
import { decideClaim } from './claim-rules.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { ClaimLostError } from './errors.ts';
import { claimState, keyAttributes, type RecordItem, toRecord } from './item.ts';
import { normaliseSequencer, versionIdentity } from './sequencer.ts';
import { INDEXES, RECORD_SK } from './table-schema.ts';
import { chunkSortKey, compressText, decompressText, INLINE_TEXT_LIMIT, splitChunks } from './text-codec.ts';

export interface SummaryStoreDeps {
  client: DynamoDBDocumentClient;
  tableName: string;
  /**
   * HMAC key for list cursors, or a loader for it (read from Secrets Manager on first use).
   * Only the API lists, so the ingest side may omit it.
   */
  cursorSecret?: string | (() => Promise<string>);
  clock?: () => Date;
}

export interface ListQuery {
  limit: number;
  cursor?: string | null;
  /** Exact S3 key (byKey index). */
  key?: string | null;
  /** Only this status; without it, `deleted` records are left out. */
  status?: RecordStatus | null;
  /** Only articles in this language (`article.language`, e.g. `ar`). */
  language?: string | null;
}

export interface ListPage {
  items: SummaryRecord[];
  nextCursor: string | null;
}

/** The read side the API needs (the DynamoDB repository implements it; tests may fake it). */
export interface SummaryReader {
  get(id: string): Promise<SummaryRecord | null>;
  list(query: ListQuery): Promise<ListPage>;
  getText(id: string): Promise<string | null>;
  /** Cheap proof the table answers (health check). */
  ping(): Promise<void>;
}

/** A month with no record at all this many times in a row ends the newest-first walk. */
export const MAX_EMPTY_MONTHS = 24;
/** Queries one list request may spend before it returns a short page with a cursor. */
export const MAX_QUERIES_PER_LIST = 30;
const MAX_CLAIM_ROUNDS = 5;

/** The public record attributes: reads never fetch the compressed text or claim internals. */
const PUBLIC_FIELDS = [
  'id',
  'status',
  'source',
  'article',
  'summaries',
  'entities',
  'topics',
  'quality',
  'model',
  'usage',
  'contentHash',
  'schemaVersion',
  'error',
  'createdAt',
  'updatedAt',
] as const;
const PUBLIC_PROJECTION = {
  ProjectionExpression: PUBLIC_FIELDS.map((_, i) => `#p${i}`).join(', '),
  names: Object.fromEntries(PUBLIC_FIELDS.map((f, i) => [`#p${i}`, f])),
};

const isConditionFailure = (e: unknown): boolean =>
  e instanceof ConditionalCheckFailedException ||
  (e instanceof Error && e.name === 'ConditionalCheckFailedException');

export class DynamoSummaryStore implements IngestStore, SummaryReader {
  readonly #client: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #cursorSecret: string | (() => Promise<string>) | undefined;
  readonly #clock: () => Date;

  constructor(deps: SummaryStoreDeps) {
    this.#client = deps.client;
    this.#table = deps.tableName;
    this.#cursorSecret = deps.cursorSecret;
    this.#clock = deps.clock ?? (() => new Date());
  }

  // ─── ingest side ────────────────────────────────────────────────────────────

  /**
   * Read, decide (claim-rules.ts), then write conditionally on the revision that was read:
   * a concurrent writer makes the condition fail and the decision is taken again on fresh data.
   */
  async claim(request: ClaimRequest): Promise<ClaimOutcome> {
    const attempt = {
      sequencer: normaliseSequencer(request.sequencer),
      version: versionIdentity(request.source),
      owner: request.owner,
      force: request.force,
      now: request.now.getTime(),
    };
    for (let round = 0; round < MAX_CLAIM_ROUNDS; round++) {
      const current = await this.#getItem(request.id);
      const decision = decideClaim(current ? claimState(current) : null, attempt);
      if (decision !== 'claim') {
        return { claimed: false, reason: decision, record: current ? toRecord(current) : null };
      }
      const nowIso = request.now.toISOString();
      const createdAt = current?.createdAt ?? nowIso;
      const sameVersion =
        current?.version === attempt.version && (current?.sequencer ?? null) === attempt.sequencer;
      const item: RecordItem = {
        ...keyAttributes(request.id, createdAt, request.source.key),
        id: request.id,
        status: 'processing',
        source: request.source,
        article: null,
        summaries: {},
        entities: [],
        topics: [],
        quality: { flags: [] },
        model: null,
        usage: null,
        contentHash: null,
        schemaVersion: SCHEMA_VERSION,
        error: null,
        createdAt,
        updatedAt: nowIso,
        ...(attempt.sequencer ? { sequencer: attempt.sequencer } : {}),
        version: attempt.version,
        owner: request.owner,
        leaseUntil: attempt.now + request.leaseMs,
        attempt: sameVersion ? (current?.attempt ?? 0) + 1 : 1,
        transient: false,
        rev: (current?.rev ?? 0) + 1,
      };
      if (!(await this.#putIfUnchanged(item, current))) continue;
      return { claimed: true, record: toRecord(item), previous: current ? toRecord(current) : null };
    }
    // Others keep writing this record: let the caller retry later rather than spin.
    const latest = await this.#getItem(request.id);
    return { claimed: false, reason: 'in_progress', record: latest ? toRecord(latest) : null };
  }

  async complete(id: string, owner: string, work: CompletedWork, now: Date): Promise<SummaryRecord> {
    const compressed = compressText(work.text);
    const gen = randomBytes(6).toString('base64url');
    const inline = compressed.byteLength <= INLINE_TEXT_LIMIT;
    // Chunks are written before the record points at them, under a fresh generation, so a
    // reader never sees a half-written text and a lost claim never clobbers the winner's chunks.
    const chunkCount = inline ? 0 : await this.#writeChunks(id, gen, compressed);

    const r = work.result;
    const values: Record<string, unknown> = {
      ':done': 'done',
      ':processing': 'processing',
      ':owner': owner,
      ':article': work.article,
      ':summaries': r.summaries,
      ':entities': r.entities,
      ':topics': r.topics,
      ':quality': { flags: r.flags },
      ':model': r.model,
      ':usage': { ...r.usage, reusedFrom: work.reusedFrom },
      ':hash': work.contentHash,
      ':null': null,
      ':now': now.toISOString(),
      ':false': false,
      ':gen': gen,
      ':chunks': chunkCount,
      ':rev': 1,
      ':zero': 0,
    };
    if (work.source) values[':source'] = work.source;
    let update =
      `SET #status = :done, ${work.source ? '#source = :source, ' : ''}` +
      'article = :article, summaries = :summaries, entities = :entities, topics = :topics, ' +
      'quality = :quality, #model = :model, #usage = :usage, contentHash = :hash, #error = :null, ' +
      'updatedAt = :now, #transient = :false, textGen = :gen, textChunks = :chunks, ' +
      '#rev = if_not_exists(#rev, :zero) + :rev';
    if (inline) {
      update += ', #text = :text';
      values[':text'] = compressed;
    }
    update += inline ? ' REMOVE leaseUntil' : ' REMOVE leaseUntil, #text';

    let saved: RecordItem;
    try {
      const out = await this.#client.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: { pk: id, sk: RECORD_SK },
          UpdateExpression: update,
          ConditionExpression: '#owner = :owner AND #status = :processing',
          ExpressionAttributeNames: {
            '#status': 'status',
            '#model': 'model',
            '#usage': 'usage',
            '#error': 'error',
            '#transient': 'transient',
            '#owner': 'owner',
            '#rev': 'rev',
            '#text': 'text',
            ...(work.source ? { '#source': 'source' } : {}),
          },
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      saved = out.Attributes as RecordItem;
    } catch (e: unknown) {
      if (isConditionFailure(e)) {
        await this.#deleteChunks(id, (g) => g === gen).catch(() => undefined);
        throw new ClaimLostError(id, owner, { cause: e });
      }
      throw e;
    }

    await this.#writeReusePointer(id, work);
    // Chunks of earlier generations are garbage now; failing to delete them only wastes space.
    await this.#deleteChunks(id, (g) => g !== gen).catch(() => undefined);
    return toRecord(saved);
  }

  async fail(
    id: string,
    owner: string,
    error: { code: ErrorCode; message: string; transient: boolean },
    extra: { article: ArticleInfo | null; usage?: LlmUsage | undefined },
    now: Date,
  ): Promise<void> {
    const values: Record<string, unknown> = {
      ':failed': 'failed',
      ':processing': 'processing',
      ':owner': owner,
      ':error': { code: error.code, message: error.message },
      ':transient': error.transient,
      ':now': now.toISOString(),
      ':one': 1,
      ':zero': 0,
    };
    let update =
      'SET #status = :failed, #error = :error, #transient = :transient, updatedAt = :now, ' +
      '#rev = if_not_exists(#rev, :zero) + :one';
    if (extra.article) {
      update += ', article = :article';
      values[':article'] = extra.article;
    }
    if (extra.usage) {
      // What the failed attempt paid for stays on record: cost is visible even without a summary.
      update += ', #usage = :usage';
      values[':usage'] = { ...extra.usage, reusedFrom: null };
    }
    update += ' REMOVE leaseUntil';
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: { pk: id, sk: RECORD_SK },
          UpdateExpression: update,
          ConditionExpression: '#owner = :owner AND #status = :processing',
          ExpressionAttributeNames: {
            '#status': 'status',
            '#error': 'error',
            '#transient': 'transient',
            '#owner': 'owner',
            '#rev': 'rev',
            ...(extra.usage ? { '#usage': 'usage' } : {}),
          },
          ExpressionAttributeValues: values,
        }),
      );
    } catch (e: unknown) {
      if (isConditionFailure(e)) throw new ClaimLostError(id, owner, { cause: e });
      throw e;
    }
  }

  notesFor(id: string): DynamoChunkNotes {
    return new DynamoChunkNotes({ client: this.#client, tableName: this.#table, recordId: id });
  }

  async tombstone(id: string, source: SourceInfo, sequencer: string | null, now: Date): Promise<boolean> {
    const seq = normaliseSequencer(sequencer);
    const nowIso = now.toISOString();
    for (let round = 0; round < MAX_CLAIM_ROUNDS; round++) {
      const current = await this.#getItem(id);
      if (current?.sequencer && seq && current.sequencer > seq) return false;
      const item: RecordItem = current
        ? {
            ...withoutText(current),
            status: 'deleted',
            updatedAt: nowIso,
            ...(seq ? { sequencer: seq } : {}),
            rev: (current.rev ?? 0) + 1,
          }
        : {
            ...keyAttributes(id, nowIso, source.key),
            id,
            status: 'deleted',
            source,
            schemaVersion: SCHEMA_VERSION,
            createdAt: nowIso,
            updatedAt: nowIso,
            ...(seq ? { sequencer: seq } : {}),
            rev: 1,
          };
      if (!(await this.#putIfUnchanged(item, current))) continue;
      if (current?.textChunks) await this.#deleteChunks(id, () => true).catch(() => undefined);
      return true;
    }
    return false;
  }

  async findReusable(query: ReuseQuery): Promise<SummaryRecord | null> {
    const pointer = await this.#client.send(
      new GetCommand({ TableName: this.#table, Key: { pk: reusePointerKey(query), sk: 'content' } }),
    );
    const recordId = pointer.Item?.recordId;
    if (typeof recordId !== 'string') return null;
    const item = await this.#getItem(recordId);
    // The pointer is only a hint: the record may have been reprocessed, failed or deleted since.
    if (!item) return null;
    if (
      item.status !== 'done' ||
      item.contentHash !== query.contentHash ||
      item.model?.provider !== query.provider ||
      item.model?.name !== query.model ||
      item.model?.promptVersion !== query.promptVersion
    ) {
      return null;
    }
    return toRecord(item);
  }

  /**
   * The reuse pointer item doubles as the content's lease while nobody has finished it yet:
   * one conditional write decides who pays; `complete` later overwrites it with the pointer.
   */
  async beginContentWork(query: ReuseQuery, owner: string, leaseMs: number, now: Date): Promise<ContentWork> {
    const key = { pk: reusePointerKey(query), sk: 'content' };
    const current = await this.#client.send(
      new GetCommand({ TableName: this.#table, Key: key, ConsistentRead: true }),
    );
    const paid = current.Item?.paidResult as SummaryResult | undefined;
    if (paid) return { status: 'paid', result: paid };
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#table,
          Item: {
            ...key,
            contentHash: query.contentHash,
            leaseOwner: owner,
            leaseUntil: now.getTime() + leaseMs,
          },
          ConditionExpression: 'attribute_not_exists(leaseUntil) OR leaseUntil < :now OR leaseOwner = :owner',
          ExpressionAttributeValues: { ':now': now.getTime(), ':owner': owner },
        }),
      );
      return { status: 'acquired' };
    } catch (e: unknown) {
      if (isConditionFailure(e)) return { status: 'busy' };
      throw e;
    }
  }

  async savePaidResult(query: ReuseQuery, owner: string, result: SummaryResult): Promise<void> {
    // Unconditional: a result paid for this exact content and settings is valid whoever holds the lease.
    await this.#client.send(
      new UpdateCommand({
        TableName: this.#table,
        Key: { pk: reusePointerKey(query), sk: 'content' },
        UpdateExpression: 'SET paidResult = :r, paidBy = :owner, contentHash = :hash',
        ExpressionAttributeValues: { ':r': result, ':owner': owner, ':hash': query.contentHash },
      }),
    );
  }

  async endContentWork(query: ReuseQuery, owner: string): Promise<void> {
    try {
      await this.#client.send(
        new DeleteCommand({
          TableName: this.#table,
          Key: { pk: reusePointerKey(query), sk: 'content' },
          ConditionExpression: 'leaseOwner = :owner AND attribute_not_exists(paidResult)',
          ExpressionAttributeValues: { ':owner': owner },
        }),
      );
    } catch (e: unknown) {
      // Someone else holds it now, or it already points at a finished record: nothing to release.
      if (!isConditionFailure(e)) throw e;
    }
  }

  // ─── read side (API) ────────────────────────────────────────────────────────

  async get(id: string): Promise<SummaryRecord | null> {
    const out = await this.#client.send(
      new GetCommand({
        TableName: this.#table,
        Key: { pk: id, sk: RECORD_SK },
        ProjectionExpression: PUBLIC_PROJECTION.ProjectionExpression,
        ExpressionAttributeNames: PUBLIC_PROJECTION.names,
      }),
    );
    return out.Item ? toRecord(out.Item as RecordItem) : null;
  }

  async getText(id: string): Promise<string | null> {
    const out = await this.#client.send(
      new GetCommand({
        TableName: this.#table,
        Key: { pk: id, sk: RECORD_SK },
        ProjectionExpression: '#text, textChunks, textGen',
        ExpressionAttributeNames: { '#text': 'text' },
      }),
    );
    const item = out.Item as Pick<RecordItem, 'text' | 'textChunks' | 'textGen'> | undefined;
    if (!item) return null;
    if (item.text) return decompressText(item.text);
    if (!item.textChunks || !item.textGen) return null;
    const gen = item.textGen;
    const parts = await Promise.all(
      Array.from({ length: item.textChunks }, async (_, i) => {
        const chunk = await this.#client.send(
          new GetCommand({ TableName: this.#table, Key: { pk: id, sk: chunkSortKey(i, gen) } }),
        );
        const data: unknown = chunk.Item?.data;
        if (!(data instanceof Uint8Array)) throw new Error(`Text chunk ${i} of record ${id} is missing`);
        return data;
      }),
    );
    return decompressText(Buffer.concat(parts));
  }

  async ping(): Promise<void> {
    await this.#client.send(
      new GetCommand({ TableName: this.#table, Key: { pk: 'health#probe', sk: 'health' } }),
    );
  }

  async list(query: ListQuery): Promise<ListPage> {
    const secret = typeof this.#cursorSecret === 'function' ? await this.#cursorSecret() : this.#cursorSecret;
    if (!secret) throw new Error('DynamoSummaryStore.list needs a cursorSecret');
    const fingerprint = JSON.stringify([query.key ?? null, query.status ?? null, query.language ?? null]);
    const start = query.cursor ? decodeCursor(secret, fingerprint, query.cursor) : null;
    const filter = query.status
      ? { FilterExpression: '#st = :st', values: { ':st': query.status } as Record<string, unknown> }
      : { FilterExpression: '#st <> :st', values: { ':st': 'deleted' } as Record<string, unknown> };
    const languageNames: Record<string, string> = {};
    if (query.language) {
      // A filter, not an index: the walk below stays bounded per request and returns a short page.
      filter.FilterExpression += ' AND #article.#language = :language';
      filter.values[':language'] = query.language;
      languageNames['#article'] = 'article';
      languageNames['#language'] = 'language';
    }

    const items: SummaryRecord[] = [];
    const base = {
      TableName: this.#table,
      ProjectionExpression: PUBLIC_PROJECTION.ProjectionExpression,
      FilterExpression: filter.FilterExpression,
      ScanIndexForward: false,
    };

    if (query.key) {
      let lastKey = start?.lastKey ?? undefined;
      for (let q = 0; q < MAX_QUERIES_PER_LIST && items.length < query.limit; q++) {
        const out = await this.#query({
          ...base,
          IndexName: INDEXES.byKey.name,
          KeyConditionExpression: '#pkey = :pkey',
          ExpressionAttributeNames: {
            ...PUBLIC_PROJECTION.names,
            ...languageNames,
            '#st': 'status',
            '#pkey': 'sourceKey',
          },
          ExpressionAttributeValues: { ...filter.values, ':pkey': query.key },
          Limit: query.limit - items.length,
          ...(lastKey ? { ExclusiveStartKey: lastKey } : {}),
        });
        items.push(...out.items);
        lastKey = out.lastKey;
        if (!lastKey) return { items, nextCursor: null };
      }
      return {
        items,
        nextCursor: encodeCursor(secret, fingerprint, {
          month: null,
          lastKey: lastKey ?? null,
          emptyMonths: 0,
        }),
      };
    }

    // Newest first: walk month partitions of byCreated backwards from the current month.
    let month = start?.month ?? this.#clock().toISOString().slice(0, 7);
    let lastKey = start?.lastKey ?? undefined;
    let emptyMonths = start?.emptyMonths ?? 0;
    // Resuming inside a month proves the month has records.
    let monthSeen = Boolean(lastKey);
    for (let q = 0; q < MAX_QUERIES_PER_LIST && items.length < query.limit; q++) {
      const out = await this.#query({
        ...base,
        IndexName: INDEXES.byCreated.name,
        KeyConditionExpression: '#pkey = :pkey',
        ExpressionAttributeNames: {
          ...PUBLIC_PROJECTION.names,
          ...languageNames,
          '#st': 'status',
          '#pkey': 'gsi1pk',
        },
        ExpressionAttributeValues: { ...filter.values, ':pkey': `c#${month}` },
        Limit: query.limit - items.length,
        ...(lastKey ? { ExclusiveStartKey: lastKey } : {}),
      });
      items.push(...out.items);
      monthSeen ||= out.scanned > 0;
      lastKey = out.lastKey;
      if (lastKey) continue;
      emptyMonths = monthSeen ? 0 : emptyMonths + 1;
      if (emptyMonths >= MAX_EMPTY_MONTHS) return { items, nextCursor: null };
      month = previousMonth(month);
      monthSeen = false;
    }
    return {
      items,
      nextCursor: encodeCursor(secret, fingerprint, { month, lastKey: lastKey ?? null, emptyMonths }),
    };
  }

  // ─── helpers ────────────────────────────────────────────────────────────────

  /**
   * Write the whole item only if nobody else wrote it since `current` was read (its revision),
   * or, for a new item, only if it still does not exist. False when someone got there first.
   */
  async #putIfUnchanged(item: RecordItem, current: RecordItem | null): Promise<boolean> {
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#table,
          Item: item,
          ...(current ? revisionCondition(current) : { ConditionExpression: 'attribute_not_exists(pk)' }),
        }),
      );
      return true;
    } catch (e: unknown) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  async #query(input: QueryCommandInput) {
    const out = await this.#client.send(new QueryCommand(input));
    return {
      items: (out.Items ?? []).map((i) => toRecord(i as RecordItem)),
      lastKey: out.LastEvaluatedKey as Record<string, string> | undefined,
      scanned: out.ScannedCount ?? 0,
    };
  }

  async #getItem(id: string): Promise<RecordItem | null> {
    const out = await this.#client.send(
      new GetCommand({ TableName: this.#table, Key: { pk: id, sk: RECORD_SK }, ConsistentRead: true }),
    );
    return (out.Item as RecordItem | undefined) ?? null;
  }

  async #writeChunks(id: string, gen: string, data: Uint8Array): Promise<number> {
    const chunks = splitChunks(data);
    // Sequential: each chunk is ~256 KB, parallel writes would only invite throttling.
    for (const [i, chunk] of chunks.entries()) {
      await this.#client.send(
        new PutCommand({ TableName: this.#table, Item: { pk: id, sk: chunkSortKey(i, gen), data: chunk } }),
      );
    }
    return chunks.length;
  }

  /** Deletes chunk items of `id` whose generation matches `which`. */
  async #deleteChunks(id: string, which: (gen: string) => boolean): Promise<void> {
    let lastKey: Record<string, unknown> | undefined;
    do {
      const out = await this.#client.send(
        new QueryCommand({
          TableName: this.#table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': id, ':prefix': 'text#' },
          ProjectionExpression: 'pk, sk',
          ExclusiveStartKey: lastKey,
        }),
      );
      for (const item of out.Items ?? []) {
        const sk = String(item.sk);
        const gen = sk.slice(sk.lastIndexOf('#') + 1);
        if (which(gen))
          await this.#client.send(new DeleteCommand({ TableName: this.#table, Key: { pk: id, sk } }));
      }
      lastKey = out.LastEvaluatedKey;
    } while (lastKey);
  }

  async #writeReusePointer(id: string, work: CompletedWork): Promise<void> {
    const languages = work.languages;
    await this.#client.send(
      new PutCommand({
        TableName: this.#table,
        Item: {
          pk: reusePointerKey({
            contentHash: work.contentHash,
            provider: work.result.model.provider,
            model: work.result.model.name,
            promptVersion: work.result.model.promptVersion,
            languages,
          }),
          sk: 'content',
          recordId: id,
          contentHash: work.contentHash,
        },
      }),
    );
  }
}

function revisionCondition(current: RecordItem) {
  return current.rev === undefined
    ? { ConditionExpression: 'attribute_not_exists(#rev)', ExpressionAttributeNames: { '#rev': 'rev' } }
    : {
        ConditionExpression: '#rev = :rev',
        ExpressionAttributeNames: { '#rev': 'rev' },
        ExpressionAttributeValues: { ':rev': current.rev },
      };
}

function withoutText(item: RecordItem): RecordItem {
  const { text: _text, textChunks: _chunks, textGen: _gen, leaseUntil: _lease, ...rest } = item;
  return rest;
}

/** Pointer key for summary reuse: same text hash, provider, model, prompt and languages. */
export function reusePointerKey(q: {
  contentHash: string;
  provider: string;
  model: string;
  promptVersion: string;
  languages: readonly string[];
}): string {
  const identity = JSON.stringify([
    q.contentHash,
    q.provider,
    q.model,
    q.promptVersion,
    [...q.languages].sort(),
  ]);
  return `content#${createHash('sha256').update(identity).digest('base64url')}`;
}

export function previousMonth(month: string): string {
  const year = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7));
  return m === 1 ? `${year - 1}-12` : `${year}-${String(m - 1).padStart(2, '0')}`;
}
