import type { ArticleInfo, Entity, RecordStatus } from '../domain/record.ts';
import { searchKey } from '../text/search-key.ts';

/**
 * The filter index's key design: which index items a record owns, computed from the record's own
 * fields only. The writer puts exactly these items; the reader recomputes them from the record it
 * fetched and drops an index item the record no longer owns, so a stale item never shows.
 *
 * - value items: pk = "ix#<o|e|t>#<folded value>", sk = "c#<createdAt>#<id>" (newest first by
 *   createdAt) and, when the article has a date, sk = "p#<publishedAt>#<createdAt>#<id>"
 * - date items:  pk = "ix#d#<YYYY>", sk = "p#<publishedAt>#<createdAt>#<id>"
 * - the years with dated records: pk = "ix#d", sk = "years", a string set (only ever grows)
 * - facet counters: pk = "fc#<o|e|t>", sk = "v#<folded value>" (see facet-counts.ts)
 */

export const FILTER_KINDS = ['outlet', 'entity', 'topic'] as const;
export type FilterKind = (typeof FILTER_KINDS)[number];

const KIND_CODE: Readonly<Record<FilterKind, string>> = { outlet: 'o', entity: 'e', topic: 't' };

/** A filter value longer than this (before folding) can never match: nothing longer is indexed. */
export const MAX_FILTER_CHARS = 200;
/** Bounds on the index items one record writes (the model's lists are bounded, this is a backstop). */
const MAX_ENTITY_KEYS = 40;
const MAX_TOPIC_KEYS = 20;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The filter form of a value: the search key (Arabic letter forms, diacritics, digits, case), trimmed. */
export function foldFilterValue(raw: string): string {
  return searchKey(raw).replace(/\s+/g, ' ').trim();
}

/** The fields a record's index items depend on. */
export interface FilterSource {
  id: string;
  status: RecordStatus;
  createdAt: string;
  article?: Pick<ArticleInfo, 'outlet' | 'publishedAt'> | null;
  entities?: readonly Entity[] | null;
  topics?: readonly string[] | null;
}

/** One index item a record owns; `name` is a display spelling of the value (for facets). */
export interface IndexEntry {
  pk: string;
  sk: string;
  kind: FilterKind | 'date';
  value: string;
  name: string;
}

export const valuePartition = (kind: FilterKind, folded: string): string => `ix#${KIND_CODE[kind]}#${folded}`;
export const datePartition = (year: string): string => `ix#d#${year}`;
export const YEARS_KEY = { pk: 'ix#d', sk: 'years' } as const;
export const facetPartition = (kind: FilterKind): string => `fc#${KIND_CODE[kind]}`;
/** Prefixed, so no value ("record", say) can ever read as another item's sort key. */
export const FACET_SK_PREFIX = 'v#';
export const facetKey = (kind: FilterKind, folded: string) =>
  ({ pk: facetPartition(kind), sk: `${FACET_SK_PREFIX}${folded}` }) as const;
const createdSortKey = (createdAt: string, id: string): string => `c#${createdAt}#${id}`;
const publishedSortKey = (publishedAt: string, createdAt: string, id: string): string =>
  `p#${publishedAt}#${createdAt}#${id}`;

/** Identity of an index item inside the record's `ixk` set (folded values never hold a newline). */
export const entryKey = (e: Pick<IndexEntry, 'pk' | 'sk'>): string => `${e.pk}\n${e.sk}`;
export function parseEntryKey(key: string): { pk: string; sk: string } {
  const cut = key.indexOf('\n');
  return { pk: key.slice(0, cut), sk: key.slice(cut + 1) };
}

/** An entity named "الإنتربول (Interpol)" is found by either name. */
function entityNames(name: string): string[] {
  const inside = [...name.matchAll(/\(([^()]*)\)/g)].map((m) => m[1] ?? '');
  const outside = name.replace(/\([^()]*\)/g, ' ');
  return inside.length > 0 ? [name, outside, ...inside] : [name];
}

function addValue(into: Map<string, string>, raw: string | null | undefined, cap: number): void {
  if (!raw || into.size >= cap) return;
  const folded = foldFilterValue(raw);
  if (folded.length === 0 || folded.length > MAX_FILTER_CHARS || into.has(folded)) return;
  into.set(folded, raw.trim());
}

/** Folded value → display spelling, per kind; a deleted record has none. */
export function filterValues(src: FilterSource): Record<FilterKind, Map<string, string>> {
  const values = { outlet: new Map<string, string>(), entity: new Map(), topic: new Map() };
  if (src.status === 'deleted') return values;
  addValue(values.outlet, src.article?.outlet, 1);
  for (const entity of src.entities ?? []) {
    for (const name of entityNames(entity.name)) addValue(values.entity, name, MAX_ENTITY_KEYS);
  }
  for (const topic of src.topics ?? []) addValue(values.topic, topic, MAX_TOPIC_KEYS);
  return values;
}

/** The record's `publishedAt` when it is a well-formed date (the only ones the index holds). */
export function publishedDate(src: FilterSource): string | null {
  const date = src.article?.publishedAt;
  return src.status !== 'deleted' && typeof date === 'string' && DATE.test(date) ? date : null;
}

/** Every index item the record owns in its current state. */
export function indexEntries(src: FilterSource): IndexEntry[] {
  const entries: IndexEntry[] = [];
  const date = publishedDate(src);
  const created = createdSortKey(src.createdAt, src.id);
  const published = date ? publishedSortKey(date, src.createdAt, src.id) : null;
  for (const [kind, values] of Object.entries(filterValues(src)) as [FilterKind, Map<string, string>][]) {
    for (const [value, name] of values) {
      const pk = valuePartition(kind, value);
      entries.push({ pk, sk: created, kind, value, name });
      if (published) entries.push({ pk, sk: published, kind, value, name });
    }
  }
  if (date && published) {
    const year = date.slice(0, 4);
    entries.push({ pk: datePartition(year), sk: published, kind: 'date', value: year, name: year });
  }
  return entries;
}
