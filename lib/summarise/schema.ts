import type { ResponseFormatJSONSchema } from 'openai/resources/shared';
import * as z from 'zod/mini';

/*
 * Each answer has two descriptions kept side by side: a zod/mini schema that validates what the
 * model returns, and the JSON Schema sent as `response_format`. The JSON Schema is written out
 * rather than generated: generating it needs classic zod (`openai/helpers/zod`), ~500 KB that every
 * ingest cold start would load. test/unit/summarise/schema.test.ts holds the two together.
 */

/** BCP-47-ish language codes as configured in `SUMMARY_LANGUAGES` (`ar`, `en`, `pt-BR`). */
const LANGUAGE_CODE = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

const displayNames = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'code' });

/** English name of a language code for prompts and schema descriptions (`ar` → `Arabic`). */
export function languageName(code: string): string {
  try {
    return displayNames.of(code) ?? code;
  } catch {
    return code;
  }
}

const ENTITY_TYPES = ['person', 'organization', 'place', 'other'] as const;

/**
 * Upper bounds of every answer field, sent as `maxLength` / `maxItems` (OpenAI strict mode and the
 * grammar-constrained local servers enforce them) and applied again when the answer is tidied, so a
 * server that ignores them still cannot store an unbounded answer.
 */
export const BOUNDS = {
  title: 160,
  summary: 1_200,
  keyPoint: 300,
  keyPoints: 6,
  entityName: 100,
  entities: 20,
  topic: 50,
  topics: 6,
  fact: 400,
  facts: 12,
} as const;

type JsonSchema = { [key: string]: unknown };

const DRAFT_07 = 'http://json-schema.org/draft-07/schema#';
const STRING = { type: 'string' } as const;

/** OpenAI strict mode: every property required, no others allowed. */
function strictObject(properties: Record<string, JsonSchema>, description?: string): JsonSchema {
  return {
    type: 'object',
    properties,
    required: Object.keys(properties),
    additionalProperties: false,
    ...(description === undefined ? {} : { description }),
  };
}

const bounded = (maxLength: number, description?: string): JsonSchema => ({
  ...STRING,
  maxLength,
  ...(description === undefined ? {} : { description }),
});
const stringArray = (description: string, maxItems: number, maxLength: number): JsonSchema => ({
  type: 'array',
  items: bounded(maxLength),
  maxItems,
  description,
});

/** `response_format` for strict structured output, as `zodResponseFormat` builds it. */
function strictFormat(name: string, schema: JsonSchema): ResponseFormatJSONSchema {
  return {
    type: 'json_schema',
    json_schema: { name, strict: true, schema: { $schema: DRAFT_07, ...schema } },
  };
}

function checkedLanguages(languages: readonly string[]): readonly string[] {
  if (languages.length === 0) throw new Error('At least one summary language is required.');
  for (const language of languages) {
    if (!LANGUAGE_CODE.test(language))
      throw new Error(`Invalid summary language code ${JSON.stringify(language)}.`);
  }
  return languages;
}

const languageSummarySchema = z.object({
  title: z.string(),
  summary: z.string(),
  keyPoints: z.array(z.string()),
});

/**
 * Validates the LLM's answer for `languages`, one summary per language, all required (the
 * `response_format` sent for it is `summaryResponseFormat(languages)`).
 */
export function buildSummarySchema(languages: readonly string[]) {
  const summaries: Record<string, typeof languageSummarySchema> = {};
  for (const language of checkedLanguages(languages)) summaries[language] = languageSummarySchema;
  return z.object({
    summaries: z.object(summaries),
    entities: z.array(z.object({ name: z.string(), type: z.enum(ENTITY_TYPES) })),
    topics: z.array(z.string()),
  });
}

type SummarySchema = ReturnType<typeof buildSummarySchema>;
export type SummaryAnswer = z.infer<SummarySchema>;

/**
 * The strict `json_schema` response format for `languages`.
 *
 * Valid for OpenAI strict `json_schema`: every field is required, nothing is optional or nullable,
 * and counts (3-5 sentences, 3-6 points) are guidance in descriptions rather than `minItems`, which
 * several OpenAI-compatible servers reject.
 */
export function summaryResponseFormat(languages: readonly string[]): ResponseFormatJSONSchema {
  const summaries: Record<string, JsonSchema> = {};
  for (const language of checkedLanguages(languages)) {
    const name = languageName(language);
    summaries[language] = strictObject({
      title: bounded(BOUNDS.title, `Short headline in ${name}.`),
      summary: bounded(BOUNDS.summary, `3-5 sentences in ${name}.`),
      keyPoints: stringArray(
        `3-6 key points in ${name}, one short sentence each.`,
        BOUNDS.keyPoints,
        BOUNDS.keyPoint,
      ),
    });
  }
  return strictFormat(
    'summary',
    strictObject({
      summaries: strictObject(summaries, 'One entry per requested language.'),
      entities: {
        type: 'array',
        items: strictObject({
          name: bounded(BOUNDS.entityName, 'As written in the article.'),
          type: { ...STRING, enum: [...ENTITY_TYPES] },
        }),
        maxItems: BOUNDS.entities,
        description: 'People, organizations and places named in the article.',
      },
      topics: stringArray('2-6 short topic labels.', BOUNDS.topics, BOUNDS.topic),
    }),
  );
}

/**
 * The map step's answer for one chunk of a long article (or for a group of notes being collapsed):
 * key facts in the article's own language, kept small so that many of them fit one reduce call.
 */
export const notesSchema = z.object({ facts: z.array(z.string()) });

/** The strict `json_schema` response format of `notesSchema`. */
export const notesResponseFormat: ResponseFormatJSONSchema = strictFormat(
  'notes',
  strictObject({
    facts: stringArray(
      'Key facts, one short sentence each, with names and numbers as written.',
      BOUNDS.facts,
      BOUNDS.fact,
    ),
  }),
);
