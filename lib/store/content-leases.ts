import { createHash } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SummaryRecord } from '../domain/record.ts';
import type { SummaryResult } from '../domain/summary.ts';
import type { ContentLeases, ContentWork, ReuseQuery } from '../pipeline/ports.ts';
import { isConditionFailure, type TableDeps } from './dynamo.ts';
import { type RecordItem, toRecord } from './item.ts';
import { RECORD_SK } from './table-schema.ts';

/**
 * One item per content (hash + summary settings). While nobody has finished the content it is the
 * lease (`leaseOwner`, `leaseUntil`) and, once paid for, keeps the result (`paidResult`,
 * `paidFor`); when a record is done, `pointTo` replaces it with a pointer (`recordId`) to copy from.
 */
interface ContentItem {
  recordId?: string;
  leaseOwner?: string;
  leaseUntil?: number;
  paidResult?: SummaryResult;
  paidFor?: string;
}

const SK = 'content';

export class DynamoContentLeases implements ContentLeases {
  readonly #table: TableDeps;

  constructor(table: TableDeps) {
    this.#table = table;
  }

  async beginContentWork(query: ReuseQuery, owner: string, leaseMs: number, now: Date): Promise<ContentWork> {
    const key = { pk: reusePointerKey(query), sk: SK };
    const out = await this.#table.client.send(
      new GetCommand({ TableName: this.#table.tableName, Key: key, ConsistentRead: true }),
    );
    const current = out.Item as ContentItem | undefined;
    if (current?.recordId) {
      const record = await this.#reusable(current.recordId, query);
      if (record) return { status: 'reuse', record };
    }
    if (current?.paidResult) {
      return { status: 'paid', result: current.paidResult, paidFor: current.paidFor ?? '' };
    }
    // The item must still be what was read: a pointer written or a result saved since then (a
    // twin finishing) fails the write, and the next poll copies instead of paying again.
    const unchanged = current?.recordId
      ? 'recordId = :seen AND attribute_not_exists(paidResult)'
      : 'attribute_not_exists(recordId) AND attribute_not_exists(paidResult)';
    try {
      await this.#table.client.send(
        new PutCommand({
          TableName: this.#table.tableName,
          Item: {
            ...key,
            contentHash: query.contentHash,
            leaseOwner: owner,
            leaseUntil: now.getTime() + leaseMs,
          },
          ConditionExpression: `${unchanged} AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now OR leaseOwner = :owner)`,
          ExpressionAttributeValues: {
            ':now': now.getTime(),
            ':owner': owner,
            ...(current?.recordId ? { ':seen': current.recordId } : {}),
          },
        }),
      );
      return { status: 'acquired' };
    } catch (e: unknown) {
      if (isConditionFailure(e)) return { status: 'busy' };
      throw e;
    }
  }

  async savePaidResult(
    query: ReuseQuery,
    owner: string,
    paidFor: string,
    result: SummaryResult,
  ): Promise<void> {
    // Unconditional: a result paid for this exact content and settings is valid whoever holds the lease.
    await this.#table.client.send(
      new UpdateCommand({
        TableName: this.#table.tableName,
        Key: { pk: reusePointerKey(query), sk: SK },
        UpdateExpression: 'SET paidResult = :r, paidBy = :owner, paidFor = :for, contentHash = :hash',
        ExpressionAttributeValues: {
          ':r': result,
          ':owner': owner,
          ':for': paidFor,
          ':hash': query.contentHash,
        },
      }),
    );
  }

  async endContentWork(query: ReuseQuery, owner: string): Promise<void> {
    try {
      await this.#table.client.send(
        new DeleteCommand({
          TableName: this.#table.tableName,
          Key: { pk: reusePointerKey(query), sk: SK },
          ConditionExpression: 'leaseOwner = :owner AND attribute_not_exists(paidResult)',
          ExpressionAttributeValues: { ':owner': owner },
        }),
      );
    } catch (e: unknown) {
      // Someone else holds it now, or it already points at a finished record: nothing to release.
      if (!isConditionFailure(e)) throw e;
    }
  }

  /** Record `recordId` is done with this content: later uploads of it copy from there. */
  async pointTo(query: ReuseQuery, recordId: string): Promise<void> {
    await this.#table.client.send(
      new PutCommand({
        TableName: this.#table.tableName,
        Item: { pk: reusePointerKey(query), sk: SK, recordId, contentHash: query.contentHash },
      }),
    );
  }

  /** The pointer is only a hint: the record may have been reprocessed, failed or deleted since. */
  async #reusable(recordId: string, query: ReuseQuery): Promise<SummaryRecord | null> {
    const out = await this.#table.client.send(
      new GetCommand({
        TableName: this.#table.tableName,
        Key: { pk: recordId, sk: RECORD_SK },
        ConsistentRead: true,
      }),
    );
    const item = out.Item as RecordItem | undefined;
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
}

/** Content item key: same text hash, provider, model, prompt and languages. */
function reusePointerKey(q: ReuseQuery): string {
  const identity = JSON.stringify([
    q.contentHash,
    q.provider,
    q.model,
    q.promptVersion,
    [...q.languages].sort(),
  ]);
  return `content#${createHash('sha256').update(identity).digest('base64url')}`;
}
