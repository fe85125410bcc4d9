/**
 * Terminal text helpers. Widths count code points that take a cell: combining marks (Arabic
 * harakat) and format characters (bidi controls, ZWJ) take none. Arabic is printed in logical
 * order as-is: terminals differ in bidi support, and the ones that have it reorder each line
 * themselves (reversing it here would break those).
 */
const ZERO_WIDTH = /[\p{M}\p{Cf}]/u;

export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) if (!ZERO_WIDTH.test(ch)) width += 1;
  return width;
}

export function truncate(text: string, max: number): string {
  if (displayWidth(text) <= max) return text;
  let out = '';
  let width = 0;
  for (const ch of text) {
    const w = ZERO_WIDTH.test(ch) ? 0 : 1;
    if (width + w > max - 1) break;
    out += ch;
    width += w;
  }
  return `${out}…`;
}

export const padEnd = (text: string, width: number): string =>
  text + ' '.repeat(Math.max(0, width - displayWidth(text)));

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
        const head = Array.from(rest).slice(0, width).join('');
        lines.push(head);
        rest = rest.slice(head.length);
      }
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

/** Columns padded to their widest cell; cells are flattened to one line. */
export function table(header: string[], rows: string[][], maxCell = 60): string {
  const clean = (cell: string) => truncate(cell.replace(/\s+/gu, ' ').trim(), maxCell);
  const all = [header, ...rows].map((r) => r.map(clean));
  const widths = header.map((_, i) => Math.max(...all.map((r) => displayWidth(r[i] ?? ''))));
  return all
    .map((r) =>
      r
        .map((cell, i) => (i === r.length - 1 ? cell : padEnd(cell, widths[i] ?? 0)))
        .join('  ')
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
