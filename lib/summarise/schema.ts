import { z } from 'zod';

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

export const ENTITY_TYPES = ['person', 'organization', 'place', 'other'] as const;

const languageSummarySchema = (language: string) => {
  const name = languageName(language);
  return z.object({
    title: z.string().describe(`Short headline in ${name}.`),
    summary: z.string().describe(`3-5 sentences in ${name}.`),
    keyPoints: z.array(z.string()).describe(`3-6 key points in ${name}, one short sentence each.`),
  });
};

/**
 * The LLM's answer for `languages`, one summary per language, all required.
 *
 * Valid for OpenAI strict `json_schema`: every field is required, nothing is optional or nullable,
 * and counts (3-5 sentences, 3-6 points) are guidance in `describe()` rather than `minItems`, which
 * several OpenAI-compatible servers reject.
 */
export function buildSummarySchema(languages: readonly string[]) {
  if (languages.length === 0) throw new Error('At least one summary language is required.');
  const summaries: Record<string, ReturnType<typeof languageSummarySchema>> = {};
  for (const language of languages) {
    if (!LANGUAGE_CODE.test(language))
      throw new Error(`Invalid summary language code ${JSON.stringify(language)}.`);
    summaries[language] = languageSummarySchema(language);
  }
  return z.object({
    summaries: z.object(summaries).describe('One entry per requested language.'),
    entities: z
      .array(
        z.object({
          name: z.string().describe('As written in the article.'),
          type: z.enum(ENTITY_TYPES),
        }),
      )
      .describe('People, organizations and places named in the article.'),
    topics: z.array(z.string()).describe('2-6 short topic labels.'),
  });
}

export type SummarySchema = ReturnType<typeof buildSummarySchema>;
export type SummaryAnswer = z.infer<SummarySchema>;

/**
 * The map step's answer for one chunk of a long article (or for a group of notes being collapsed):
 * key facts in the article's own language, kept small so that many of them fit one reduce call.
 */
export const notesSchema = z.object({
  facts: z
    .array(z.string())
    .describe('Key facts, one short sentence each, with names and numbers as written.'),
});

export type NotesAnswer = z.infer<typeof notesSchema>;
