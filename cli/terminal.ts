import stringWidth from 'string-width';

/**
 * Terminal text helpers. Widths are measured per grapheme the way terminals draw them
 * (string-width: emoji and East Asian wide characters take two cells; combining marks such as
 * Arabic harakat, ZWJ and bidi controls take none). Arabic is printed in logical order as-is:
 * terminals differ in bidi support, and the ones that have it reorder each line themselves
 * (reversing it here would break those).
 */
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

const splitGraphemes = (text: string): string[] => Array.from(graphemes.segment(text), (s) => s.segment);

export const displayWidth = (text: string): number => stringWidth(text);

/**
 * Embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069). Text from an article
 * or an LLM may carry them; printed as-is, a stray right-to-left override would reverse the rest
 * of the line, so cells show them as nothing.
 */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/gu;
export const neutraliseBidi = (text: string): string => text.replace(BIDI_CONTROLS, '');

/** Cuts `text` to at most `max` cells, marking the cut with `…`. */
export function truncate(text: string, max: number): string {
  if (displayWidth(text) <= max) return text;
  let out = '';
  let width = 0;
  for (const g of splitGraphemes(text)) {
    const w = stringWidth(g);
    if (width + w > max - 1) break;
    out += g;
    width += w;
  }
  return `${out}…`;
}

export const padEnd = (text: string, width: number): string =>
  text + ' '.repeat(Math.max(0, width - displayWidth(text)));

/** The longest head of `word` that fits in `width` cells (at least one grapheme). */
function headOf(word: string, width: number): string {
  let head = '';
  for (const g of splitGraphemes(word)) {
    if (head && displayWidth(head + g) > width) break;
    head += g;
  }
  return head;
}

/** Greedy word wrap to `width` cells; words longer than a line are cut. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/\s+/u).filter(Boolean)) {
      let rest = word;
      while (displayWidth(rest) > width) {
        if (line) lines.push(line);
        line = '';
        const head = headOf(rest, width);
        lines.push(head);
        rest = rest.slice(head.length);
      }
      if (!rest) continue;
      if (!line) line = rest;
      else if (displayWidth(line) + 1 + displayWidth(rest) <= width) line += ` ${rest}`;
      else {
        lines.push(line);
        line = rest;
      }
    }
    lines.push(line);
  }
  return lines;
}

export interface TableOptions {
  /** The terminal's width: the table is fitted into it. Null (a pipe) keeps every cell whole. */
  columns?: number | null;
  /** Indexes of the columns that give up width when the table is too wide, first one first. */
  shrink?: number[];
}

const GAP = 2;
/** A shrunk column keeps at least this many cells (or its header's width, if wider). */
const MIN_SHRUNK = 12;

/**
 * Columns padded to their widest cell; cells are flattened to one line and freed of bidi
 * controls. On a terminal the `shrink` columns are cut (with `…`) until each line fits.
 */
export function table(header: string[], rows: string[][], options: TableOptions = {}): string {
  const clean = (cell: string) => neutraliseBidi(cell.replace(/\s+/gu, ' ').trim());
  const all = [header, ...rows].map((r) => r.map(clean));
  const widths = header.map((_, i) => Math.max(...all.map((r) => displayWidth(r[i] ?? ''))));
  const { columns = null, shrink = [] } = options;
  if (columns !== null) {
    // The last cell is not padded, so a line may use every cell but the very last one.
    let excess = widths.reduce((n, w) => n + w, 0) + GAP * (widths.length - 1) - (columns - 1);
    for (const i of shrink) {
      if (excess <= 0) break;
      const floor = Math.max(MIN_SHRUNK, displayWidth(header[i] ?? ''));
      const give = Math.min(excess, Math.max(0, (widths[i] ?? 0) - floor));
      widths[i] = (widths[i] ?? 0) - give;
      excess -= give;
    }
  }
  return all
    .map((r) =>
      r
        .map((cell, i) => {
          const fitted = truncate(cell, widths[i] ?? 0);
          return i === r.length - 1 ? fitted : padEnd(fitted, widths[i] ?? 0);
        })
        .join(' '.repeat(GAP))
        .trimEnd(),
    )
    .join('\n');
}

/** RLI … PDI: keeps an Arabic line's direction inside a left-to-right line (`--bidi-isolate`). */
export const isolateRtl = (line: string): string => `\u2067${line}\u2069`;

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** A duration for progress lines: `42s`, `3m05s`. */
export function formatSeconds(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}
