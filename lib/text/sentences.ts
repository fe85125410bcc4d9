/**
 * Arabic-aware sentence splitting. Pure and linear in the text length.
 *
 * A sentence ends at `. ! ? ؟ ۔ ؝ …` (and runs of them, plus closing quotes/brackets) when the next
 * character is a space, the end of the line or an Arabic letter (scraped Arabic often drops the
 * space after a full stop), and at every line break. It does not end at `،` or `؛`, inside numbers
 * (`3.5`), in `example.com`, or after single-letter abbreviations (`د.`, `أ.`, `U.S.`) and common
 * English titles (`Mr.`, `Dr.`).
 */

const TERMINATORS = /[.!?؟۔؝…]+/gu;
const CLOSERS = /^[\p{Pe}\p{Pf}"'»”’]+/u;
const LETTER = /\p{L}/gu;
const ARABIC_LETTER = /\p{Script=Arabic}/u;
const SPACE = /\s/u;

// Case-sensitive on purpose: "No." and "St." are abbreviations, "no." ends a sentence.
const ABBREVIATIONS = new Set([
  'Mr',
  'Mrs',
  'Ms',
  'Dr',
  'Prof',
  'Sr',
  'Jr',
  'St',
  'Mt',
  'Gen',
  'Col',
  'Lt',
  'Sgt',
  'Capt',
  'Gov',
  'Sen',
  'Rep',
  'Inc',
  'Ltd',
  'Co',
  'Corp',
  'No',
  'vs',
  'approx',
]);

const WORD_PART = /[\p{L}\p{M}\u0640]/u;
/** Longer words are never abbreviations; the backward scan stops here, so it stays linear. */
const MAX_ABBREVIATION_CHARS = 8;

/** Whether the word that ends at `end` (right before a full stop) is an abbreviation. */
const isAbbreviation = (line: string, end: number): boolean => {
  let start = end;
  while (start > 0 && end - start <= MAX_ABBREVIATION_CHARS && WORD_PART.test(line[start - 1] ?? ''))
    start -= 1;
  if (end - start > MAX_ABBREVIATION_CHARS) return false;
  const word = line.slice(start, end);
  if (word === '') return false;
  if ((word.match(LETTER) ?? []).length === 1) return true;
  return ABBREVIATIONS.has(word);
};

function splitLine(line: string, out: string[]): void {
  let start = 0;
  TERMINATORS.lastIndex = 0;
  for (let m = TERMINATORS.exec(line); m !== null; m = TERMINATORS.exec(line)) {
    let end = m.index + m[0].length;
    end += CLOSERS.exec(line.slice(end))?.[0].length ?? 0;
    const next = line[end];
    const boundary = next === undefined || SPACE.test(next) || ARABIC_LETTER.test(next);
    if (!boundary) continue;
    if (m[0] === '.' && isAbbreviation(line, m.index)) continue;
    const sentence = line.slice(start, end).trim();
    if (sentence !== '') out.push(sentence);
    start = end;
    TERMINATORS.lastIndex = end;
  }
  const rest = line.slice(start).trim();
  if (rest !== '') out.push(rest);
}

/** The sentences of `text`, trimmed, in order; each is a verbatim substring of the input. */
export function splitSentences(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/\r\n|[\n\r\u2028\u2029]/u)) splitLine(line, out);
  return out;
}
