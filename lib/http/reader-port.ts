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
  /** Cheap proof the table answers (health check). */
  ping(): Promise<void>;
}
