/**
 * Content terms of a sentence for comparing sentences: Arabic spelling folded, light-stemmed
 * (attached conjunctions, prepositions and the article; common plural, dual and pronoun endings),
 * function words left out. English words are lower-cased and lightly de-pluralised. Search keys
 * only, never shown.
 */

const TOKEN = /\p{L}[\p{L}\p{M}\u0640]*|\p{N}+/gu;

// Frequent function words (folded): they would make every pair of sentences look similar.
const STOP_WORDS = new Set(
  [
    'في من علي الي عن ان او ثم قد لا ما لم لن مع هذا هذه ذلك تلك هذان هاتان هولاء التي الذي الذين اللذان اللتان اللاتي هو هي هم هن انت انا نحن كان كانت يكون تكون كانوا وقد كما بين بعد قبل عند حيث حتي كل اي اما انه انها انهم الا غير منذ خلال لدي ضد نحو فقط ايضا وهو وهي ولا وان ام قال وقال قالت اليوم يوم له لها لهم به بها بهم فيه فيها منه منها عليه عليها اليه اليها عنه عنها ذات ذو تم اذا اذ لكن بل وذلك كذلك لذلك ولكن هناك هنا حول عبر لقد ليس ليست مما كلا سوف يتم عام',
    'the a an and or but of to in on at for from by with as is are was were be been being it its this that these those he she they we you i his her their our not no has have had will would can could said says also than then there which who whom what when where while into over after before about more most',
  ]
    .join(' ')
    .split(' '),
);

/** Fold Arabic spelling variants so the same word matches itself (search keys, never display). */
export function foldArabic(token: string): string {
  return token
    .replace(/[\u064B-\u0652\u0670\u0640]/gu, '')
    .replace(/[أإآٱ]/gu, 'ا')
    .replace(/ى/gu, 'ي')
    .replace(/ة/gu, 'ه');
}

// Longest first; a prefix or suffix goes only when at least three letters stay.
const ARABIC_PREFIX = /^(?:وبال|وكال|وال|بال|كال|فال|لل|ال|و|ف|ب|ل)(?=\p{L}{3})/u;
const ARABIC_SUFFIX = /(?<=\p{L}{3})(?:هما|كما|تان|تين|ها|هم|هن|كم|نا|ان|ات|ون|ين|يه|ه|ي)$/u;
const ARABIC_LETTER = /[\u0621-\u064A]/u;

/** A light stem (after folding): no attached prefix, no common suffix. */
function lightStem(folded: string): string {
  if (!ARABIC_LETTER.test(folded)) return folded.length > 3 ? folded.replace(/(?:es|s)$/u, '') : folded;
  return folded.replace(ARABIC_PREFIX, '').replace(ARABIC_SUFFIX, '');
}

// Words repeat: each distinct token is folded and stemmed once. Bounded, so a huge text cannot grow it.
const TERM_CACHE_MAX = 50_000;
const termCache = new Map<string, string | null>();

/** The term of one token, or null for a function word or a one-letter token. */
function termOf(token: string): string | null {
  const cached = termCache.get(token);
  if (cached !== undefined) return cached;
  const folded = foldArabic(token.toLowerCase());
  const stem = folded.length < 2 || STOP_WORDS.has(folded) ? '' : lightStem(folded);
  const term = stem.length < 2 || STOP_WORDS.has(stem) ? null : stem;
  if (termCache.size >= TERM_CACHE_MAX) termCache.clear();
  termCache.set(token, term);
  return term;
}

export interface Terms {
  /** Term frequencies. */
  counts: Map<string, number>;
  /** Word tokens of the sentence, function words included. */
  tokens: number;
}

export function termsOf(text: string): Terms {
  const counts = new Map<string, number>();
  let tokens = 0;
  for (const [token] of text.matchAll(TOKEN)) {
    tokens += 1;
    const term = termOf(token);
    if (term !== null) counts.set(term, (counts.get(term) ?? 0) + 1);
  }
  return { counts, tokens };
}

/** Tokens of `text` with their terms, for choosing how a frequent term is shown. */
export function* tokensWithTerms(text: string): Generator<{ token: string; term: string }> {
  for (const [token] of text.matchAll(TOKEN)) {
    const term = termOf(token);
    if (term !== null) yield { token, term };
  }
}
