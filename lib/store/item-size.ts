import type { LlmUsage } from '../domain/summary.ts';
import { SummaryTooLargeError } from '../errors.ts';
import type { CompletedWork } from '../pipeline/ports.ts';
import { INLINE_TEXT_LIMIT } from './text-codec.ts';

/** DynamoDB's item size limit: attribute names and values together. */
const DYNAMODB_ITEM_LIMIT = 400 * 1024;

/**
 * What the record item holds besides the summary fields measured below: key and index attributes,
 * timestamps, claim bookkeeping (owner, lease, version, sequencer, revision), the text pointer and
 * the inline compressed text, which is at most `INLINE_TEXT_LIMIT`. Generous on purpose: a record
 * that fits here fits in the table.
 */
const RESERVED_BYTES = INLINE_TEXT_LIMIT + 4 * 1024;

const utf8 = (s: string): number => Buffer.byteLength(s, 'utf8');

/**
 * The size DynamoDB counts for one attribute value: strings and binaries by their bytes, numbers
 * by about one byte per two significant digits plus one, booleans and null one byte, lists and
 * maps three bytes plus one byte per element (and, for maps, each element's name).
 */
export function attributeValueSize(value: unknown): number {
  if (value === null || value === undefined || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return utf8(value);
  if (typeof value === 'number' || typeof value === 'bigint') {
    const digits = String(value).replace(/^-/, '').replace('.', '').replace(/e.*$/i, '').replace(/^0+/, '');
    return Math.ceil(Math.max(1, digits.length) / 2) + 1;
  }
  if (value instanceof Uint8Array) return value.byteLength;
  if (Array.isArray(value)) return value.reduce((sum: number, v) => sum + 1 + attributeValueSize(v), 3);
  if (value instanceof Set) return [...value].reduce((sum: number, v) => sum + attributeValueSize(v), 0);
  if (typeof value === 'object') {
    let size = 3;
    for (const [name, v] of Object.entries(value)) {
      if (v !== undefined) size += 1 + utf8(name) + attributeValueSize(v);
    }
    return size;
  }
  return utf8(String(value));
}

/** An item's size as DynamoDB counts it against the 400 KB limit: every attribute name plus its value. */
export function itemSize(item: Record<string, unknown>): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) {
    if (value !== undefined) size += utf8(name) + attributeValueSize(value);
  }
  return size;
}

/**
 * Checked before the `done` record is written: a summary that cannot fit in one item fails the
 * article with `summary_too_large` (keeping what the LLM calls cost) instead of failing the write
 * on every retry.
 */
export function assertRecordFits(id: string, work: CompletedWork): void {
  const r = work.result;
  const measured = itemSize({
    source: work.source,
    article: work.article,
    summaries: r.summaries,
    entities: r.entities,
    topics: r.topics,
    quality: { flags: r.flags },
    model: r.model,
    usage: { ...r.usage, reusedFrom: work.reusedFrom },
    contentHash: work.contentHash,
  });
  if (measured + RESERVED_BYTES > DYNAMODB_ITEM_LIMIT) {
    throw new SummaryTooLargeError(id, measured, DYNAMODB_ITEM_LIMIT - RESERVED_BYTES, usageOf(r.usage));
  }
}

const usageOf = (usage: LlmUsage): LlmUsage | undefined => (usage.llmCalls > 0 ? usage : undefined);
