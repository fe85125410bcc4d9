// The record types live in lib/domain; this path stays for code that still imports it here.
export type { SummaryRecord } from '../domain/record.ts';
