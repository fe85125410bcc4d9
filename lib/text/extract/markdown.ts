/**
 * Markdown → plain text, line by line: markup goes, words stay. Not a full CommonMark parser:
 * news exported as Markdown uses headings, emphasis, links, images, lists, quotes, tables and
 * the odd code block or HTML tag, and each of those has a rule here.
 */

export interface MarkdownText {
  text: string;
  /** The first level-1 heading (`# …` or `===` underline), removed from `text`. */
  title: string | null;
}

const ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
};

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code =
        name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/** Inline markup of one line → its text. */
function stripInline(line: string): string {
  // Escaped punctuation is hidden in the private-use area first, so no rule below sees it.
  const hidden = line.replace(/\\([\\`*_{}[\]()#+\-.!|>~<])/g, (_m, c: string) =>
    String.fromCharCode(0xe000 + c.charCodeAt(0)),
  );
  const stripped = decodeEntities(
    hidden
      .replace(/!\[[^\]]*\]\([^)]*\)/g, '') // images
      .replace(/!\[[^\]]*\]\[[^\]]*\]/g, '')
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1') // [text](url "title")
      .replace(/\[([^\]]+)\]\[[^\]]*\]/g, '$1') // [text][ref]
      .replace(/<(https?:\/\/[^>\s]+)>/g, '$1') // autolinks
      .replace(/<\/?[a-z][^>]*>/gi, '') // inline HTML tags
      .replace(/`+([^`]+?)`+/g, '$1')
      .replace(/(\*\*|__)(?=\S)([\s\S]*?\S)\1/g, '$2')
      .replace(/~~(?=\S)([\s\S]*?\S)~~/g, '$1')
      // Single * or _ only around a word run, so snake_case and 2*3*4 survive.
      .replace(/(^|[^\p{L}\p{N}*])\*(?=\S)([^*]*?\S)\*(?![\p{L}\p{N}])/gu, '$1$2')
      .replace(/(^|[^\p{L}\p{N}_])_(?=\S)([^_]*?\S)_(?![\p{L}\p{N}])/gu, '$1$2'),
  );
  return stripped.replace(/[\ue000-\ue07f]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xe000));
}

const FENCE = /^\s{0,3}(```+|~~~+)/;
const HEADING = /^\s{0,3}(#{1,6})\s+(.*?)(?:\s+#+\s*)?$/;
const RULE = /^\s{0,3}([-*_])(\s*\1){2,}\s*$/;
const SETEXT = /^\s{0,3}(=+|-+)\s*$/;
const LIST_ITEM = /^\s*(?:[-*+]|\d{1,9}[.)])\s+(?:\[[ xX]\]\s+)?/;
const TABLE_DIVIDER = /^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/;
const REFERENCE = /^\s{0,3}\[[^\]]+\]:\s*\S+/;

export function markdownToText(source: string): MarkdownText {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  // YAML front matter carries metadata, not article text.
  if (lines[0]?.trim() === '---') {
    const end = lines.indexOf('---', 1);
    if (end > 0) lines.splice(0, end + 1);
  }
  let title: string | null = null;
  const paragraphs: string[][] = [[]];
  const current = () => paragraphs[paragraphs.length - 1] as string[];
  const breakParagraph = () => {
    if (current().length > 0) paragraphs.push([]);
  };
  let fence: string | null = null;

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const fenceMatch = FENCE.exec(line);
    if (fence !== null) {
      if (fenceMatch && fenceMatch[1]?.[0] === fence[0] && (fenceMatch[1]?.length ?? 0) >= fence.length) {
        fence = null;
        breakParagraph();
      } else current().push(line); // code is kept as text, verbatim
      continue;
    }
    if (fenceMatch) {
      breakParagraph();
      fence = fenceMatch[1] ?? '```';
      continue;
    }
    if (line.trim() === '' || RULE.test(line) || REFERENCE.test(line) || TABLE_DIVIDER.test(line)) {
      if (line.trim() === '' || RULE.test(line)) breakParagraph();
      continue;
    }
    const next = lines[i + 1];
    const setext = next !== undefined && current().length === 0 && SETEXT.exec(next);
    const heading = HEADING.exec(line);
    if (heading || setext) {
      const level = heading ? (heading[1]?.length ?? 1) : setext && setext[1]?.[0] === '=' ? 1 : 2;
      const text = stripInline(heading ? (heading[2] ?? '') : line.trim()).trim();
      if (setext) i++;
      breakParagraph();
      if (level === 1 && title === null) title = text || null;
      else if (text) {
        current().push(text);
        breakParagraph();
      }
      continue;
    }
    let body = line.replace(/^\s{0,3}(>\s?)+/, ''); // quotes
    if (LIST_ITEM.test(body)) body = body.replace(LIST_ITEM, '');
    if (/^\s*\|.*\|\s*$/.test(body)) {
      body = body
        .trim()
        .replace(/^\||\|$/g, '')
        .split('|')
        .map((cell) => cell.trim())
        .filter(Boolean)
        .join(' ');
    }
    const text = stripInline(body).trim();
    if (text) current().push(text);
  }
  const text = paragraphs
    .filter((p) => p.length > 0)
    .map((p) => p.join('\n'))
    .join('\n\n');
  return { text, title };
}
