import type { RecordStatus, SummaryRecord } from '../domain/record.ts';

export interface ListQuery {
  limit: number;
  cursor?: string | null;
  /** Exact S3 key. */
  key?: string | null;
  /** Only this status; without it, `deleted` records are left out. */
  status?: RecordStatus | null;
  /** Only articles in this language (`article.language`, e.g. `ar`). */
  language?: string | null;
  /** The article's outlet, any spelling (folded: Arabic letter forms, diacritics, digits, case). */
  outlet?: string | null;
  /** A person, organisation or place among the summary's entities, any spelling, either language. */
  entity?: string | null;
  /** One of the summary's topics, any spelling. */
  topic?: string | null;
  /** `publishedAt` on or after this date (YYYY-MM-DD); with `to`, results go newest published first. */
  from?: string | null;
  /** `publishedAt` on or before this date (YYYY-MM-DD). */
  to?: string | null;
}

type FacetKind = 'outlet' | 'entity' | 'topic';

export interface FacetQuery {
  kind: FacetKind;
  /** Only values whose folded form starts with this (folded the same way). */
  prefix?: string | null;
  limit: number;
}

export interface FacetValue {
  /** A spelling the records use, for display; pass it (or any spelling) back as the filter. */
  value: string;
  /** The folded form the filter matches on. */
  key: string;
  /** Records that carry the value now (tombstones and reprocessing taken into account). */
  count: number;
}

export interface FacetPage {
  kind: FacetKind;
  prefix: string | null;
  /** Most frequent first; ties by key. */
  values: FacetValue[];
  /** False when there were more distinct values than one request reads (narrow with `prefix`). */
  complete: boolean;
}

export interface ListPage {
  items: SummaryRecord[];
  nextCursor: string | null;
}

/** The read side the API serves from (the DynamoDB reader implements it; tests may fake it). */
export interface SummaryReader {
  get(id: string): Promise<SummaryRecord | null>;
  list(query: ListQuery): Promise<ListPage>;
  getText(id: string): Promise<string | null>;
  facets(query: FacetQuery): Promise<FacetPage>;
  /** Cheap proof the table answers (health check). */
  ping(): Promise<void>;
}
