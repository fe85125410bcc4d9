import { createHash } from 'node:crypto';
import { clip } from './checked.ts';
import { splitIntoChunks } from './chunk.ts';
import type { ChunkNotesCache, SummaryRequest } from './port.ts';
import { buildMapMessages, PROMPT_VERSION } from './prompt.ts';
import { BOUNDS, notesResponseFormat, notesSchema } from './schema.ts';
import type { LlmSession } from './session.ts';
import type { TokenCounter } from './tokens.ts';

/**
 * Map → reduce for an article over the input budget.
 *
 * map: each chunk (at most `maxInputTokens`) becomes notes (key facts in the article's language),
 * with bounded concurrency, each kept in the optional `ChunkNotesCache` so a retry after a timeout
 * pays only for the chunks still missing. collapse: while the notes together are still over the
 * budget, groups of notes become notes of notes. The caller then makes the one reduce call over
 * the notes with the final schema.
 *
 * Cost is bounded before anything is paid: `planChunks` picks how many leading chunks the call cap
 * can afford in the worst case, and an article cut short is reported `truncated`.
 */

export interface MapReduceOptions {
  maxInputTokens: number;
  /** Tokens of one map/collapse answer's notes; notes longer than this are clipped. */
  notesMaxTokens: number;
  /** Completion tokens requested for one map/collapse call (the notes plus any reasoning allowance). */
  notesCompletionTokens?: number;
  concurrency: number;
  maxCalls: number;
  model: string;
}

/**
 * Unplanned calls kept free for retries (an invalid or cut-off answer, the quality feedback): at
 * least two, and one more for every five chunks, since each chunk's call may need its own retry.
 */
export const retryReserve = (chunks: number): number => Math.max(2, Math.ceil(chunks / 5));
/** Tokens counted for the blank line between two notes. */
const JOIN_TOKENS = 1;
const NOTES_JOINER = '\n\n';

/** How many notes of at most `notesMaxTokens` always fit one request. */
export const groupSize = (maxInputTokens: number, notesMaxTokens: number): number =>
  Math.max(2, Math.floor((maxInputTokens + JOIN_TOKENS) / (notesMaxTokens + JOIN_TOKENS)));

/** Collapse calls plus the final reduce call needed for `notes` notes, in the worst case. */
export function reduceCalls(notes: number, size: number): number {
  let calls = 1;
  for (let n = notes; n > size; n = Math.ceil(n / size)) calls += Math.ceil(n / size);
  return calls;
}

/** Calls for summarising the first `k` chunks: one call for a single chunk, else map + reduce. */
export const plannedCalls = (k: number, size: number): number => (k <= 1 ? 1 : k + reduceCalls(k, size));

/** The number of leading chunks (at least 1) whose worst-case plan, plus the retry reserve, fits `maxCalls`. */
export function planChunks(chunks: number, maxCalls: number, size: number): number {
  let k = Math.max(1, chunks);
  while (k > 1 && plannedCalls(k, size) + retryReserve(k) > maxCalls) k -= 1;
  return k;
}

/** Cache key: readable prompt version, then a hash of the model and the exact text summarised. */
export function notesKey(text: string, model: string): string {
  const hash = createHash('sha256').update(model).update('\u0000').update(text).digest('base64url');
  return `notes:${PROMPT_VERSION}:${hash}`;
}

export type Condensed =
  /** Only one chunk can be afforded: the caller summarises it directly. */
  | { kind: 'chunk'; text: string; truncated: boolean }
  /** Notes on the chunks, within the budget: the caller makes the reduce call over them. */
  | { kind: 'notes'; notes: string; truncated: boolean };

/** Runs `fn` over `items`, at most `limit` at a time; after a failure starts nothing new, lets running calls end, rethrows. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | null = null;
  const worker = async () => {
    while (failure === null && next < items.length) {
      const i = next;
      next += 1;
      try {
        results[i] = await fn(items[i] as T);
      } catch (e: unknown) {
        failure ??= { error: e };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure !== null) throw (failure as { error: unknown }).error;
  return results;
}

/** Shortens `text` to at most `max` tokens (a misbehaving server may ignore the completion limit). */
function clipTokens(text: string, max: number, count: TokenCounter): string {
  let clipped = text;
  for (let n = count(clipped); n > max; n = count(clipped)) {
    clipped = clipped.slice(0, Math.floor((clipped.length * max * 0.95) / n));
  }
  return clipped;
}

export class MapReduce {
  readonly #request: SummaryRequest;
  readonly #session: LlmSession;
  readonly #count: TokenCounter;
  readonly #options: MapReduceOptions;
  readonly #cache: ChunkNotesCache | undefined;

  constructor(request: SummaryRequest, session: LlmSession, count: TokenCounter, options: MapReduceOptions) {
    this.#request = request;
    this.#session = session;
    this.#count = count;
    this.#options = options;
    this.#cache = request.notes;
  }

  /** Chunks, maps and collapses the article; the session's plan ends with the one final call. */
  async condense(): Promise<Condensed> {
    const { maxInputTokens, notesMaxTokens, maxCalls } = this.#options;
    const chunks = splitIntoChunks(this.#request.text, maxInputTokens, this.#count);
    const size = groupSize(maxInputTokens, notesMaxTokens);
    const take = planChunks(chunks.length, maxCalls, size);
    let truncated = take < chunks.length;
    if (take === 1) {
      this.#session.plan(1);
      return { kind: 'chunk', text: chunks[0] ?? '', truncated };
    }
    this.#session.plan(plannedCalls(take, size));

    let notes = (await this.#notesFor(chunks.slice(0, take))).filter((n) => n !== '');
    for (;;) {
      const groups = this.#group(notes);
      if (groups.length <= 1) break;
      // The plan's worst case holds for notes within `notesMaxTokens`; should tokens not add up
      // across joins, keep to the cap by dropping the last notes rather than paying more.
      if (groups.length + reduceCalls(groups.length, size) > this.#session.callsLeft) {
        notes = this.#leadingWithinBudget(notes);
        truncated = true;
        break;
      }
      this.#session.plan(groups.length + reduceCalls(groups.length, size));
      notes = (await this.#notesFor(groups)).filter((n) => n !== '');
    }
    this.#session.plan(1);
    return { kind: 'notes', notes: notes.join(NOTES_JOINER), truncated };
  }

  /** Greedy groups of consecutive notes, each within the input budget. */
  #group(notes: readonly string[]): string[] {
    const budget = this.#options.maxInputTokens;
    const groups: string[] = [];
    let current: string[] = [];
    let tokens = 0;
    for (const note of notes) {
      const n = this.#count(note);
      if (current.length > 0 && tokens + JOIN_TOKENS + n > budget) {
        groups.push(current.join(NOTES_JOINER));
        current = [];
        tokens = 0;
      }
      tokens += (current.length > 0 ? JOIN_TOKENS : 0) + n;
      current.push(note);
    }
    if (current.length > 0) groups.push(current.join(NOTES_JOINER));
    return groups;
  }

  #leadingWithinBudget(notes: readonly string[]): string[] {
    const kept: string[] = [];
    for (const note of notes) {
      if (this.#count([...kept, note].join(NOTES_JOINER)) > this.#options.maxInputTokens) break;
      kept.push(note);
    }
    return kept;
  }

  #notesFor(parts: readonly string[]): Promise<string[]> {
    return mapLimit(parts, this.#options.concurrency, (part) => this.#noteFor(part));
  }

  /** Notes for one chunk (or group of notes): from the cache when present, else one map call. */
  async #noteFor(part: string): Promise<string> {
    const key = notesKey(part, this.#options.model);
    const cached = await this.#cached(key);
    if (cached !== null) return this.#render(cached);
    const { answer } = await this.#session.structured({
      messages: buildMapMessages(this.#request, part),
      schema: notesSchema,
      format: notesResponseFormat,
      maxTokens: this.#options.notesCompletionTokens ?? this.#options.notesMaxTokens,
      maxTokensCap: (this.#options.notesCompletionTokens ?? this.#options.notesMaxTokens) * 2,
    });
    const facts = answer.facts
      .map((f) => clip(f, BOUNDS.fact))
      .filter((f) => f !== '')
      .slice(0, BOUNDS.facts);
    await this.#store(key, facts);
    return this.#render(facts);
  }

  #render(facts: readonly string[]): string {
    return clipTokens(facts.join('\n'), this.#options.notesMaxTokens, this.#count);
  }

  // The cache only saves money: a failing cache must not fail (or re-bill) the article.
  async #cached(key: string): Promise<string[] | null> {
    if (!this.#cache) return null;
    try {
      const parsed = notesSchema.safeParse(await this.#cache.get(key));
      return parsed.success ? parsed.data.facts : null;
    } catch {
      return null;
    }
  }

  async #store(key: string, facts: string[]): Promise<void> {
    if (!this.#cache) return;
    try {
      await this.#cache.put(key, { facts });
    } catch {
      // see #cached
    }
  }
}
