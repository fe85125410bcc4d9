import * as z from 'zod/mini';
import { EXAMPLE_LANGUAGES, knownLanguage } from '../domain/languages.ts';

/** Request validation with zod/mini (the API bundle stays small). Messages are our own. */

const limit = z
  .pipe(z.string().check(z.regex(/^\d{1,3}$/, 'limit must be an integer from 1 to 100')), z.transform(Number))
  .check(z.refine((n: number) => n >= 1 && n <= 100, 'limit must be an integer from 1 to 100'));

// Any case (`EN` is `en`); a code that is no language is refused rather than matching nothing.
const languageCode = (name: string) => {
  const message = `${name} must be an ISO 639 language code such as ${EXAMPLE_LANGUAGES.join(', ')}`;
  return z.pipe(
    z.string().check(z.refine((v: string) => knownLanguage(v) !== null, message)),
    z.transform((v: string) => knownLanguage(v) ?? v),
  );
};
const lang = languageCode('lang');

export const STATUSES = ['processing', 'done', 'failed', 'deleted'] as const;

export const listQuerySchema = z.object({
  limit: z.optional(limit),
  cursor: z.optional(
    z
      .string()
      .check(z.maxLength(2048, 'cursor is too long'), z.regex(/^[A-Za-z0-9_.-]+$/, 'cursor is not valid')),
  ),
  key: z.optional(
    z.string().check(
      z.minLength(1, 'key must not be empty'),
      // Any character S3 allows, control characters included: such keys are stored and served.
      z.maxLength(1024, 'key must be at most 1024 characters'),
    ),
  ),
  status: z.optional(z.enum(STATUSES, `status must be one of ${STATUSES.join(', ')}`)),
  /** The article's own language; `lang` narrows which summaries each item carries. */
  language: z.optional(languageCode('language')),
  lang: z.optional(lang),
});

export const recordQuerySchema = z.object({ lang: z.optional(lang) });

export const idSchema = z
  .string()
  .check(z.regex(/^[A-Za-z0-9_-]{43}$/, 'id must be a 43-character record id'));

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; errors: Record<string, string> };

export function validate<T>(schema: z.ZodMiniType<T>, input: unknown, field?: string): ValidationResult<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data };
  const errors: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const name = field ?? String(issue.path[0] ?? 'request');
    errors[name] ??= issue.message;
  }
  return { ok: false, errors };
}
