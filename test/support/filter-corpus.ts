import { expect } from 'vitest';
import { recordId } from '../../lib/domain/id.ts';
import type { Entity, SourceInfo } from '../../lib/domain/record.ts';
import type { CompletedWork } from '../../lib/pipeline/ports.ts';
import type { TestStore } from './store.ts';

/**
 * 300 articles for the filter tests, generated from small tables of outlets, entities and topics
 * in several spellings each. Every spelling of a group folds to the group's `key` (written out here
 * by hand, not computed with the code under test), so the expected answer of any filter is a
 * plain set operation over the groups a record was built from.
 */

const OUTLETS = [
  { key: 'الجزيره', spellings: ['الجزيرة', 'الجزيره', 'الجَزِيرة'] },
  { key: 'العربيه', spellings: ['العربية', 'ٱلعربية', 'العربيـة'] },
  { key: 'bbc عربي', spellings: ['BBC عربي', 'bbc عربي', 'Bbc  عربي'] },
  { key: 'reuters', spellings: ['Reuters', 'REUTERS'] },
] as const;

/** What the model named, and the folded keys each mention is found by. */
const MENTIONS: readonly { entities: Entity[]; keys: string[] }[] = [
  { entities: [{ name: 'الإنتربول', type: 'organization' }], keys: ['الانتربول'] },
  {
    entities: [
      { name: 'الانتربول', type: 'organization' },
      { name: 'Interpol', type: 'organization' },
    ],
    keys: ['الانتربول', 'interpol'],
  },
  {
    entities: [{ name: 'الإنتربول (INTERPOL)', type: 'organization' }],
    keys: ['الانتربول (interpol)', 'الانتربول', 'interpol'],
  },
  { entities: [{ name: 'Interpol', type: 'organization' }], keys: ['interpol'] },
  {
    entities: [
      { name: 'الأمم المتحدة', type: 'organization' },
      { name: 'United Nations', type: 'organization' },
    ],
    keys: ['الامم المتحده', 'united nations'],
  },
  { entities: [{ name: 'القاهرة', type: 'place' }], keys: ['القاهره'] },
  { entities: [{ name: 'مُحمّد علي', type: 'person' }], keys: ['محمد علي'] },
];

const TOPICS = [
  { key: 'اقتصاد', spellings: ['اقتصاد', 'اقتصادٌ'] },
  { key: 'سياسه', spellings: ['سياسة', 'سياسه'] },
  { key: 'technology', spellings: ['Technology', 'technology'] },
] as const;

export interface Article {
  key: string;
  createdAt: string;
  /** Terminal status it is written with. */
  status: 'done' | 'failed';
  language: 'ar' | 'en';
  outlet: string | null;
  outletKey: string | null;
  publishedAt: string | null;
  entities: Entity[];
  entityKeys: Set<string>;
  topics: string[];
  topicKeys: Set<string>;
}

const pad = (n: number) => String(n).padStart(2, '0');

export function corpus(count = 300): Article[] {
  const start = Date.parse('2025-01-01T00:00:00.000Z');
  return Array.from({ length: count }, (_, i) => {
    const group = OUTLETS[i % OUTLETS.length] as (typeof OUTLETS)[number];
    const hasOutlet = i % 23 !== 7;
    const status = i % 17 === 3 ? 'failed' : 'done';
    const mentions = [...new Set([i % MENTIONS.length, (i * 3 + 1) % MENTIONS.length])].map(
      (m) => MENTIONS[m] as (typeof MENTIONS)[number],
    );
    const topicGroups = [
      ...new Set([i % TOPICS.length, ...(i % 5 === 0 ? [(i + 1) % TOPICS.length] : [])]),
    ].map((t) => TOPICS[t] as (typeof TOPICS)[number]);
    const entities = status === 'done' ? mentions.flatMap((m) => m.entities) : [];
    return {
      key: `filters/${i}.txt`,
      createdAt: new Date(start + i * 37 * 3_600_000 + i).toISOString(),
      status,
      language: i % 7 === 0 ? 'en' : 'ar',
      outlet: hasOutlet ? (group.spellings[(i >> 2) % group.spellings.length] as string) : null,
      outletKey: hasOutlet ? group.key : null,
      publishedAt:
        i % 9 === 4 ? null : `${2024 + (i % 3)}-${pad(1 + ((i * 7) % 12))}-${pad(1 + ((i * 5) % 28))}`,
      entities,
      entityKeys: new Set(status === 'done' ? mentions.flatMap((m) => m.keys) : []),
      topics: status === 'done' ? topicGroups.map((t) => t.spellings[i % t.spellings.length] as string) : [],
      topicKeys: new Set(status === 'done' ? topicGroups.map((t) => t.key) : []),
    };
  });
}

/** A filter as the test sends it, with the folded keys the expected answer is computed from. */
export interface FilterCase {
  params: Record<string, string>;
  outletKey?: string;
  entityKey?: string;
  topicKey?: string;
  status?: 'done' | 'failed';
}

/** The records a filter must return, in the order it must return them. */
export function expectedFor(articles: (Article & { id: string })[], f: FilterCase): string[] {
  const { from, to, language } = f.params;
  const dated = from !== undefined || to !== undefined;
  const matching = articles.filter(
    (a) =>
      (f.status === undefined || a.status === f.status) &&
      (language === undefined || a.language === language) &&
      (f.outletKey === undefined || a.outletKey === f.outletKey) &&
      (f.entityKey === undefined || a.entityKeys.has(f.entityKey)) &&
      (f.topicKey === undefined || a.topicKeys.has(f.topicKey)) &&
      (!dated ||
        (a.publishedAt !== null &&
          (from === undefined || a.publishedAt >= from) &&
          (to === undefined || a.publishedAt <= to))),
  );
  const order = (a: Article & { id: string }) =>
    dated ? `${a.publishedAt}#${a.createdAt}#${a.id}` : `${a.createdAt}#${a.id}`;
  return matching.sort((a, b) => (order(a) < order(b) ? 1 : -1)).map((a) => a.id);
}

/** Expected facet counts (folded key → records) of one kind. */
export function expectedFacets(
  articles: Article[],
  kind: 'outlet' | 'entity' | 'topic',
): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const a of articles) {
    const keys =
      kind === 'outlet'
        ? a.outletKey
          ? [a.outletKey]
          : []
        : [...(kind === 'entity' ? a.entityKeys : a.topicKeys)];
    for (const k of keys) counts[k] = (counts[k] ?? 0) + 1;
  }
  return counts;
}

/** What the ingest function would hand the store for one article. */
export function workFor(a: Article): CompletedWork {
  return {
    article: {
      title: `مقال ${a.key}`,
      language: a.language,
      publishedAt: a.publishedAt,
      outlet: a.outlet,
      wordCount: 10,
      related: [],
    },
    result: {
      summaries: { ar: { title: 'ملخص', summary: 'ملخص قصير.', keyPoints: ['نقطة'] } },
      entities: a.entities,
      topics: a.topics,
      flags: [],
      model: { provider: 'extractive', name: 'test', promptVersion: 'p1' },
      usage: { inputTokens: 1, outputTokens: 1, llmCalls: 0 },
    },
    contentHash: `hash-${a.key}`,
    text: 'نص المقال.',
    reusedFrom: null,
    languages: ['ar'],
  };
}

export const sourceOf = (key: string): SourceInfo => ({
  bucket: 'articles',
  key,
  versionId: null,
  etag: `e-${key}`,
  size: 100,
  contentType: 'text/plain',
});

/** Claim and finish one record as the ingest function would (owner `owner`, time `now`). */
export async function writeArticle(
  store: TestStore,
  a: Article,
  opts: { owner: string; now: Date; force?: boolean; leaseMs?: number },
): Promise<string> {
  const id = recordId('articles', a.key);
  const claim = await store.claim({
    id,
    source: sourceOf(a.key),
    sequencer: null,
    owner: opts.owner,
    leaseMs: opts.leaseMs ?? 60_000,
    force: opts.force ?? false,
    now: opts.now,
  });
  expect(claim.claimed).toBe(true);
  if (a.status === 'done') await store.complete(id, opts.owner, workFor(a), opts.now);
  else {
    const error = { code: 'llm_failed' as const, message: 'The model failed.', transient: false };
    await store.fail(id, opts.owner, error, { article: workFor(a).article }, opts.now);
  }
  return id;
}
