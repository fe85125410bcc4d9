import * as z from 'zod/mini';
import { EXAMPLE_LANGUAGES, knownLanguage } from '../domain/languages.ts';
import { FILTER_KINDS, foldFilterValue, MAX_FILTER_CHARS } from '../store/filter-keys.ts';

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

/** A filter value that can match something: at most 200 characters, not empty once folded. */
const filterValue = (name: string) =>
  z.string().check(
    z.maxLength(MAX_FILTER_CHARS, `${name} must be at most ${MAX_FILTER_CHARS} characters`),
    z.refine((v: string) => foldFilterValue(v).length > 0, `${name} has nothing to match once folded`),
  );

const isCalendarDate = (v: string): boolean => {
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
};
const date = (name: string) =>
  z
    .string()
    .check(
      z.regex(/^\d{4}-\d{2}-\d{2}$/, `${name} must be a date YYYY-MM-DD`),
      z.refine(isCalendarDate, `${name} must be a date YYYY-MM-DD`),
    );

export const STATUSES = ['processing', 'done', 'failed', 'deleted'] as const;

/** Built on first use: a cold start that serves one record never builds the list and facet schemas. */
function once<T>(build: () => T): () => T {
  let built: T | undefined;
  return () => {
    built ??= build();
    return built;
  };
}

export const listQuerySchema = once(() =>
  z.object({
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
    /** The article's outlet, matched after Arabic and case folding. */
    outlet: z.optional(filterValue('outlet')),
    /** A person, organisation or place among the summary's entities, in either language. */
    entity: z.optional(filterValue('entity')),
    /** One of the summary's topics. */
    topic: z.optional(filterValue('topic')),
    /** `publishedAt` on or after (inclusive); with `from` or `to`, newest published first, undated left out. */
    from: z.optional(date('from')),
    /** `publishedAt` on or before (inclusive). */
    to: z.optional(date('to')),
  }),
);

export const facetsQuerySchema = once(() =>
  z.object({
    kind: z.enum(FILTER_KINDS, `kind must be one of ${FILTER_KINDS.join(', ')}`),
    /** Only values that start with this (folded the same way as the filters). */
    prefix: z.optional(filterValue('prefix')),
    limit: z.optional(limit),
  }),
);

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
