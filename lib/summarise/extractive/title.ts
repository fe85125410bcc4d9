/**
 * A short title for an article that has no headline: the lead sentence's first clause, cut at a
 * sensible boundary (a comma, colon or dash, or before a word that opens a subordinate clause),
 * never in mid-word and never after a dangling preposition. The summary keeps the whole sentence.
 */

/** A lead this short is the title; a first clause this short is cut as the title. */
const MAX_TITLE_WORDS = 14;
const MAX_CLAUSE_WORDS = 18;
/** Without a clause boundary, the title is cut after this many words. */
const CUT_TITLE_WORDS = 12;
const MIN_TITLE_WORDS = 4;
const MAX_TITLE_CHARS = 200;

/** Punctuation that closes a clause. */
const CLAUSE_END = /[،,؛;:()[\]«»"–—]$/u;
/** A bracket or quote opening the next word starts an aside. */
const OPENING = /^[([«"]/u;
/** Words that open a subordinate or following clause: the title stops before them. */
const CLAUSE_OPENERS = new Set(
  [
    'حيث',
    'بعد',
    'بعدما',
    'عندما',
    'لان',
    'لأن',
    'إذ',
    'اذ',
    'وذلك',
    'كما',
    'والتي',
    'والذي',
    'التي',
    'الذي',
    'الذين',
    'فيما',
    'بينما',
    'وسط',
    'رغم',
    'مما',
    'وفق',
    'وفقا',
    'وفقاً',
    'which',
    'who',
    'after',
    'because',
    'while',
    'when',
    'as',
    'where',
    'following',
    'amid',
  ].map((w) => w.normalize('NFC')),
);
/** Words a title must not end on. */
const DANGLING = new Set(
  'في من على علي إلى الى الي عن مع و أو او ثم بين لدى منذ خلال عبر نحو حول ب ل ك the a an of to in on at for from by with and or'.split(
    ' ',
  ),
);
const TRAILING_PUNCTUATION = /[\s.!?؟…،,؛;:\-–—(["«]+$/u;

const bare = (word: string): string => word.replace(/^[\p{P}]+|[\p{P}]+$/gu, '');

function trimDangling(words: string[]): string[] {
  const out = [...words];
  while (out.length > MIN_TITLE_WORDS && DANGLING.has(bare(out[out.length - 1] ?? ''))) out.pop();
  return out;
}

/** A title from the lead sentence: the sentence itself when short, else its first clause. */
export function titleFromLead(sentence: string): string {
  const words = sentence
    .trim()
    .split(/\s+/u)
    .filter((w) => w !== '');
  const finish = (kept: string[]): string => {
    const text = kept.join(' ').replace(TRAILING_PUNCTUATION, '');
    if (text.length <= MAX_TITLE_CHARS) return text;
    const space = text.lastIndexOf(' ', MAX_TITLE_CHARS);
    return `${text.slice(0, space > 0 ? space : MAX_TITLE_CHARS)}…`;
  };
  if (words.length <= MAX_TITLE_WORDS) return finish(words);
  // The first clause boundary that leaves a title of a useful length.
  for (let i = MIN_TITLE_WORDS; i <= MAX_CLAUSE_WORDS && i < words.length; i += 1) {
    const next = words[i] ?? '';
    if (
      CLAUSE_END.test(words[i - 1] ?? '') ||
      OPENING.test(next) ||
      CLAUSE_OPENERS.has(bare(next).normalize('NFC'))
    ) {
      return finish(trimDangling(words.slice(0, i)));
    }
  }
  return `${finish(trimDangling(words.slice(0, CUT_TITLE_WORDS)))}…`;
}
