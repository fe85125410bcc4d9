import type { ErrorCode } from './error-codes.ts';
import type { SummaryRecord } from './record.ts';

/** The statuses that end a record's processing: each is announced as one event. */
const TERMINAL_STATUSES = ['done', 'failed', 'deleted'] as const;
type TerminalStatus = (typeof TERMINAL_STATUSES)[number];

/** The EventBridge `source` of every khulasa event (and the `source` field of local events). */
const EVENT_SOURCE = 'khulasa';

/** One detail-type per outcome, so an EventBridge rule can match on the type alone. */
const DETAIL_TYPES = {
  done: 'Summary Done',
  failed: 'Summary Failed',
  deleted: 'Summary Deleted',
} as const satisfies Record<TerminalStatus, string>;
type DetailType = (typeof DETAIL_TYPES)[TerminalStatus];

/** Titles are cut to this many characters: an event names the article, it never carries its text. */
export const MAX_EVENT_TITLE_CHARS = 200;

/**
 * What a consumer is told about a terminal outcome. `revision` is the record's write counter:
 * delivery is at least once, so a consumer keeps the highest (id, revision) it has seen and drops
 * the rest. Never article or summary text: a consumer reads the record from the API.
 */
export interface OutcomeDetail {
  id: string;
  bucket: string;
  key: string;
  status: TerminalStatus;
  revision: number;
  /** The article's title (in its own language), or null when none was found. */
  title: string | null;
  /** The languages the record has summaries in (empty unless `done`). */
  languages: string[];
  errorCode: ErrorCode | null;
  /** When the record reached this status. */
  updatedAt: string;
}

/** The event as EventBridge carries it and as the local stack logs and POSTs it (same field names). */
export interface OutcomeEvent {
  source: typeof EVENT_SOURCE;
  'detail-type': DetailType;
  time: string;
  detail: OutcomeDetail;
}

const isTerminalStatus = (status: string): status is TerminalStatus =>
  (TERMINAL_STATUSES as readonly string[]).includes(status);

/** The event for a record as stored at `revision`, or null while it is still `processing`. */
export function outcomeEventOf(record: SummaryRecord, revision: number): OutcomeEvent | null {
  const { status } = record;
  if (!isTerminalStatus(status)) return null;
  const title = record.article?.title ?? null;
  return {
    source: EVENT_SOURCE,
    'detail-type': DETAIL_TYPES[status],
    time: record.updatedAt,
    detail: {
      id: record.id,
      bucket: record.source.bucket,
      key: record.source.key,
      status,
      revision,
      title: title === null ? null : Array.from(title).slice(0, MAX_EVENT_TITLE_CHARS).join(''),
      languages: status === 'done' ? Object.keys(record.summaries).sort() : [],
      errorCode: status === 'failed' ? (record.error?.code ?? null) : null,
      updatedAt: record.updatedAt,
    },
  };
}
