/**
 * The closed list of failure codes a record can carry. Every typed error in `lib/errors.ts` maps
 * to exactly one of them, and nothing on the way to the record or the API widens it to a string.
 */
export const ERROR_CODES = [
  'empty',
  'too_large',
  'too_long',
  'unsupported_type',
  'undecodable',
  'no_text',
  'too_complex',
  'source_missing',
  'source_changed',
  'llm_not_configured',
  'llm_failed',
  'llm_refused',
  'llm_truncated',
  'llm_invalid_output',
  'summary_too_large',
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];
