// The id rule lives in lib/domain; this path stays for code that still imports it here.
export { recordId } from '../domain/id.ts';
