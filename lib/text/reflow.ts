/**
 * Reads plain text the way a person does: newspaper text hard-wrapped at a fixed width (lines of
 * ~60–80 characters, a line break in mid-sentence) is re-joined into paragraphs, while real line
 * structure (headlines, date and source lines, list items, blank-line paragraph breaks, lines that
 * end a sentence) stays as it is. Linear in the text length.
 *
 * A text counts as hard-wrapped when many of its lines fill nearly the same width and most of
 * those full lines stop in mid-sentence. Only then is a full line that does not end a sentence
 * joined to the next line of the same block.
 */

/** A line that ends with one of these (optionally followed by closing quotes/brackets) ends a sentence. */
const SENTENCE_END = /[.!?؟…:؛;۔]["'»”’)\]]*$/u;
/** List items and bullets start their own line. */
const LIST_ITEM = /^(?:[-–—•*·▪●◦○■□►➢✓✔]|\(?[\p{N}\p{L}]{1,3}[.)\-–]\s)/u;

/** Widths outside this range are not a newspaper wrap (shorter lines are lists, tables or verse). */
const MIN_WRAP_WIDTH = 45;
const MAX_WRAP_WIDTH = 140;
/** A line at least this share of the wrap width was filled by the wrap. */
const FULL_LINE_SHARE = 0.6;
const MIN_FULL_LINES = 3;
/** Wrapped lines stop within this band around the wrap width (words are not cut). */
const BAND_LOW = 0.75;
const BAND_HIGH = 1.15;
/** Share of the lines that stop in mid-sentence which must stop at the wrap width. */
const OPEN_AT_WIDTH_SHARE = 0.7;
/** A line much longer than the wrap width was not wrapped: it is a paragraph of its own. */
const LONG_LINE_SHARE = 2;

const endsSentence = (line: string): boolean => SENTENCE_END.test(line);

/** The wrap width of `lines` if they look hard-wrapped, else null. */
export function wrapWidth(lines: readonly string[]): number | null {
  const lengths: number[] = [];
  for (const line of lines) if (line !== '') lengths.push(line.length);
  if (lengths.length < MIN_FULL_LINES + 1) return null;
  // Counting, not sorting: lengths above the range only matter as "too long".
  const counts = new Uint32Array(MAX_WRAP_WIDTH + 2);
  for (const length of lengths) {
    const at = Math.min(length, MAX_WRAP_WIDTH + 1);
    counts[at] = (counts[at] ?? 0) + 1;
  }
  const rank = Math.ceil(lengths.length * 0.9);
  let seen = 0;
  let width = 0;
  for (; width < counts.length; width += 1) {
    seen += counts[width] ?? 0;
    if (seen >= rank) break;
  }
  if (width < MIN_WRAP_WIDTH || width > MAX_WRAP_WIDTH) return null;
  let full = 0;
  let fullOpen = 0;
  // Lines that stop in mid-sentence, and those of them that stop right at the wrap width: a wrap
  // fills lines to nearly the same length, while unwrapped paragraphs without a final full stop
  // (common in Arabic) have every length.
  let open = 0;
  let openAtWidth = 0;
  for (const line of lines) {
    if (line.length < MIN_WRAP_WIDTH / 2) continue;
    const ends = endsSentence(line);
    const atWidth = line.length >= width * BAND_LOW && line.length <= width * BAND_HIGH;
    if (!ends) open += 1;
    if (!ends && atWidth) openAtWidth += 1;
    if (line.length < width * FULL_LINE_SHARE || line.length > width * BAND_HIGH) continue;
    full += 1;
    if (!ends) fullOpen += 1;
  }
  const wrapped =
    full >= MIN_FULL_LINES &&
    full >= lengths.length * 0.4 &&
    fullOpen * 2 >= full &&
    openAtWidth >= MIN_FULL_LINES &&
    openAtWidth >= open * OPEN_AT_WIDTH_SHARE;
  return wrapped ? width : null;
}

/**
 * The paragraphs of a normalised text (lines trimmed, blank lines between paragraphs), one per
 * entry, with hard wraps re-joined. `keepLine` can veto a join into a line (date or source lines).
 */
export function reflowParagraphs(
  normalised: string,
  keepLine: (line: string) => boolean = () => false,
): string[] {
  const lines = normalised.split('\n').map((line) => line.trim());
  const width = wrapWidth(lines);
  const out: string[] = [];
  if (width === null) {
    for (const line of lines) if (line !== '') out.push(line);
    return out;
  }
  let open: string[] = [];
  let lastLength = 0;
  const flush = (): void => {
    if (open.length > 0) out.push(open.join(' '));
    open = [];
  };
  for (const line of lines) {
    if (line === '') {
      flush();
      continue;
    }
    const kept = keepLine(line);
    const joins =
      open.length > 0 &&
      !kept &&
      lastLength >= width * FULL_LINE_SHARE &&
      lastLength <= width * LONG_LINE_SHARE &&
      !LIST_ITEM.test(line) &&
      !endsSentence(open[open.length - 1] ?? '');
    if (!joins) flush();
    open.push(line);
    // A kept line (date, source) is never continued either.
    lastLength = kept ? 0 : line.length;
  }
  flush();
  return out;
}
