import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ErrorCode } from '../domain/error-codes.ts';
import { type ArticleInfo, SCHEMA_VERSION, type SourceInfo, type SummaryRecord } from '../domain/record.ts';
import type { LlmUsage } from '../domain/summary.ts';
import {
  ClaimLostError,
  type ClaimOutcome,
  type ClaimRequest,
  type CompletedWork,
  type RecordWriter,
} from '../pipeline/ports.ts';
import { claimState, decideClaim } from './claim-rules.ts';
import { isConditionFailure, type TableDeps } from './dynamo.ts';
import { carriedIndexState, needsSync, syncFilterIndex } from './filter-sync.ts';
import { keyAttributes, type RecordItem, toRecord } from './item.ts';
import { assertRecordFits } from './item-size.ts';
import { normaliseSequencer, versionIdentity } from './sequencer.ts';
import { RECORD_SK } from './table-schema.ts';
import { deleteTextChunks, writeText } from './text-storage.ts';

const MAX_CLAIM_ROUNDS = 5;

/** An update expression with the names and values it uses. */
interface Update {
  expression: string;
  names: Record<string, string>;
  values: Record<string, unknown>;
}

/** Claims and the writes of a claim's owner: every write is conditional on what was read. */
export class DynamoRecordWriter implements RecordWriter {
  readonly #table: TableDeps;

  constructor(table: TableDeps) {
    this.#table = table;
  }

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
        // Index work still pending after the writer's lease ran out: it crashed, so finish it here.
        if (current?.ixp && Date.parse(current.updatedAt) + request.leaseMs < attempt.now)
          await this.#syncIndex(current, 'repair');
        const lease =
          decision === 'in_progress' && current?.leaseUntil ? { leaseUntil: current.leaseUntil } : {};
        return { claimed: false, reason: decision, record: current ? toRecord(current) : null, ...lease };
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
        ...carriedIndexState(current),
      };
      if (!(await this.#putIfUnchanged(item, current))) continue;
      if (needsSync(item)) await this.#syncIndex(item, current?.ixp ? 'repair' : 'changed');
      return { claimed: true, record: toRecord(item), previous: current ? toRecord(current) : null };
    }
    // Others keep writing this record: let the caller retry later rather than spin.
    const latest = await this.#getItem(request.id);
    return { claimed: false, reason: 'in_progress', record: latest ? toRecord(latest) : null };
  }

  async complete(id: string, owner: string, work: CompletedWork, now: Date): Promise<SummaryRecord> {
    assertRecordFits(id, work);
    const text = await writeText(this.#table, id, work.text);
    const r = work.result;
    const update: Update = {
      expression:
        `SET #status = :done, ${work.source ? '#source = :source, ' : ''}` +
        'article = :article, summaries = :summaries, entities = :entities, topics = :topics, ' +
        'quality = :quality, #model = :model, #usage = :usage, contentHash = :hash, #error = :null, ixp = :true, ' +
        `textGen = :gen, textChunks = :chunks${text.inline ? ', #text = :text' : ''}`,
      names: { '#model': 'model', '#usage': 'usage', '#error': 'error', '#text': 'text' },
      values: {
        ':done': 'done',
        ':article': work.article,
        ':summaries': r.summaries,
        ':entities': r.entities,
        ':topics': r.topics,
        ':quality': { flags: r.flags },
        ':model': r.model,
        ':usage': { ...r.usage, reusedFrom: work.reusedFrom },
        ':hash': work.contentHash,
        ':null': null,
        ':true': true,
        ':gen': text.gen,
        ':chunks': text.chunks,
        ...(text.inline ? { ':text': text.inline } : {}),
      },
    };
    if (work.source) {
      update.names['#source'] = 'source';
      update.values[':source'] = work.source;
    }
    let saved: RecordItem;
    try {
      saved = await this.#updateOwned(id, owner, update, now, text.inline ? [] : ['#text']);
    } catch (e: unknown) {
      if (e instanceof ClaimLostError)
        await deleteTextChunks(this.#table, id, (g) => g !== text.gen).catch(() => undefined);
      throw e;
    }
    await this.#syncIndex(saved, 'changed');
    // Chunks of earlier generations are garbage now; failing to delete them only wastes space.
    await deleteTextChunks(this.#table, id, (g) => g === text.gen).catch(() => undefined);
    return toRecord(saved);
  }

  async fail(
    id: string,
    owner: string,
    error: { code: ErrorCode; message: string; transient: boolean },
    extra: { article: ArticleInfo | null; usage?: LlmUsage | undefined },
    now: Date,
  ): Promise<void> {
    const update: Update = {
      expression: 'SET #status = :failed, #error = :error, ixp = :true',
      names: { '#error': 'error' },
      values: { ':failed': 'failed', ':error': { code: error.code, message: error.message }, ':true': true },
    };
    if (extra.article) {
      update.expression += ', article = :article';
      update.values[':article'] = extra.article;
    }
    if (extra.usage) {
      // What the failed attempt paid for stays on record: cost is visible even without a summary.
      update.expression += ', #usage = :usage';
      update.names['#usage'] = 'usage';
      update.values[':usage'] = { ...extra.usage, reusedFrom: null };
    }
    const saved = await this.#updateOwned(id, owner, update, now, [], error.transient);
    await this.#syncIndex(saved, 'changed');
  }

  async tombstone(
    id: string,
    source: SourceInfo,
    sequencer: string | null,
    now: Date,
    onlyVersionId?: string,
  ): Promise<boolean> {
    const seq = normaliseSequencer(sequencer);
    const nowIso = now.toISOString();
    for (let round = 0; round < MAX_CLAIM_ROUNDS; round++) {
      const current = await this.#getItem(id);
      if (current?.sequencer && seq && current.sequencer > seq) return false;
      // A version deleted for good that the record does not summarise: the article is still there.
      if (onlyVersionId !== undefined && current?.source.versionId !== onlyVersionId) return false;
      const item: RecordItem = current
        ? {
            ...withoutText(current),
            status: 'deleted',
            updatedAt: nowIso,
            ...(seq ? { sequencer: seq } : {}),
            rev: (current.rev ?? 0) + 1,
            ...carriedIndexState(current),
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
      if (needsSync(item)) await this.#syncIndex(item, current?.ixp ? 'repair' : 'changed');
      if (current?.textChunks) await deleteTextChunks(this.#table, id).catch(() => undefined);
      return true;
    }
    return false;
  }

  /**
   * The one write of a claim's owner that ends it (`done` or `failed`): conditional on the record
   * still being `processing` under `owner`, else `ClaimLostError`. Clears the lease, bumps `rev`.
   */
  async #updateOwned(
    id: string,
    owner: string,
    update: Update,
    now: Date,
    remove: string[],
    transient = false,
  ): Promise<RecordItem> {
    try {
      const out = await this.#table.client.send(
        new UpdateCommand({
          TableName: this.#table.tableName,
          Key: { pk: id, sk: RECORD_SK },
          UpdateExpression:
            `${update.expression}, updatedAt = :now, #transient = :transient, ` +
            `#rev = if_not_exists(#rev, :zero) + :one REMOVE ${['leaseUntil', ...remove].join(', ')}`,
          ConditionExpression: '#owner = :owner AND #status = :processing',
          ExpressionAttributeNames: {
            ...update.names,
            '#status': 'status',
            '#transient': 'transient',
            '#owner': 'owner',
            '#rev': 'rev',
          },
          ExpressionAttributeValues: {
            ...update.values,
            ':processing': 'processing',
            ':owner': owner,
            ':now': now.toISOString(),
            ':transient': transient,
            ':zero': 0,
            ':one': 1,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return out.Attributes as RecordItem;
    } catch (e: unknown) {
      if (isConditionFailure(e)) throw new ClaimLostError(id, owner, { cause: e });
      throw e;
    }
  }

  /**
   * Write the whole item only if nobody else wrote it since `current` was read (its revision),
   * or, for a new item, only if it still does not exist. False when someone got there first.
   */
  async #putIfUnchanged(item: RecordItem, current: RecordItem | null): Promise<boolean> {
    try {
      await this.#table.client.send(
        new PutCommand({
          TableName: this.#table.tableName,
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

  /** A failed index sync leaves `ixp` on the record for the next write or redelivery to repair. */
  async #syncIndex(item: RecordItem, mode: 'changed' | 'repair'): Promise<void> {
    await syncFilterIndex(this.#table, item, mode).catch(() => undefined);
  }

  async #getItem(id: string): Promise<RecordItem | null> {
    const out = await this.#table.client.send(
      new GetCommand({
        TableName: this.#table.tableName,
        Key: { pk: id, sk: RECORD_SK },
        ConsistentRead: true,
      }),
    );
    return (out.Item as RecordItem | undefined) ?? null;
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
