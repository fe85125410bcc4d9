import type { SummaryRecord } from '../domain/record.ts';
import type { ListQuery } from '../http/reader-port.ts';
import {
  FILTER_KINDS,
  type FilterKind,
  filterValues,
  foldFilterValue,
  publishedDate,
} from './filter-keys.ts';

/** The filters of a list request, values folded; `from`/`to` as given (YYYY-MM-DD). */
export interface FilterSpec {
  values: Partial<Record<FilterKind, string>>;
  from: string | null;
  to: string | null;
}

export function filterSpecOf(query: ListQuery): FilterSpec {
  const values: Partial<Record<FilterKind, string>> = {};
  for (const kind of FILTER_KINDS) {
    const raw = query[kind];
    if (raw) values[kind] = foldFilterValue(raw);
  }
  return { values, from: query.from ?? null, to: query.to ?? null };
}

export const hasFilters = (spec: FilterSpec): boolean =>
  Object.keys(spec.values).length > 0 || spec.from !== null || spec.to !== null;

export const isDated = (spec: FilterSpec): boolean => spec.from !== null || spec.to !== null;

/** Whether a record (as fetched now) passes every filter of the request, the old ones included. */
export function matchesQuery(record: SummaryRecord, query: ListQuery, spec: FilterSpec): boolean {
  if (query.status ? record.status !== query.status : record.status === 'deleted') return false;
  if (query.language && record.article?.language !== query.language) return false;
  const owned = filterValues(record);
  for (const [kind, value] of Object.entries(spec.values) as [FilterKind, string][]) {
    if (!owned[kind].has(value)) return false;
  }
  if (isDated(spec)) {
    const date = publishedDate(record);
    if (date === null) return false;
    if (spec.from !== null && date < spec.from) return false;
    if (spec.to !== null && date > spec.to) return false;
  }
  return true;
}
