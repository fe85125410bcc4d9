/**
 * Token counting for the input budget (o200k, the encoding of current OpenAI models).
 *
 * The o200k table of `gpt-tokenizer` is about 2.7 MB: loading it would slow every cold start and
 * every plain article, so it is imported on first use only, and only for an article whose
 * character count says it may not fit the budget (`mayExceed`). Everything else is decided from
 * the character count alone.
 */

/**
 * A deliberately low characters-per-token ratio, so `estimateTokens` over- rather than
 * under-estimates: o200k averages about 3.1 characters per token on Arabic news (the Interpol
 * fixture) and about 4 on English prose.
 */
const ESTIMATE_CHARS_PER_TOKEN = 2;

/** A cheap, high estimate of the o200k token count of `text`. */
export const estimateTokens = (text: string): number => Math.ceil(text.length / ESTIMATE_CHARS_PER_TOKEN);

/** True when `text` may not fit `budget` tokens and must be counted exactly. */
export const mayExceed = (text: string, budget: number): boolean => estimateTokens(text) > budget;

export type TokenCounter = (text: string) => number;

const NO_SPECIAL = new Set<string>();
let loading: Promise<TokenCounter> | null = null;
let loads = 0;

/** How many times this module imported the tokenizer (0 or 1): lets tests prove it stayed unloaded. */
export const tokenizerLoadCount = (): number => loads;

/** The exact o200k counter, imported on first use and shared afterwards. */
export function loadTokenCounter(): Promise<TokenCounter> {
  if (loading === null) {
    loads += 1;
    loading = import('gpt-tokenizer/encoding/o200k_base').then(
      (m): TokenCounter =>
        // Text is counted as plain text: a `<|endoftext|>` inside an article must not throw.
        (text) =>
          m.countTokens(text, { disallowedSpecial: NO_SPECIAL }),
      (e: unknown) => {
        loading = null;
        throw e;
      },
    );
  }
  return loading;
}
