/**
 * README.md read as data: its shell commands (code blocks and inline code), its tables and its
 * JSON examples, each with the heading it sits under. The README tests hold every one of them to
 * the code, so a row or a command added later is checked without editing the tests.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const REPO = join(import.meta.dirname, '../..');

const read = (file: string) => readFileSync(join(REPO, file), 'utf8');
const filesUnder = (dir: string): string[] =>
  readdirSync(join(REPO, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.includes('node_modules'))
    .map((f) => join(dir, f));
const withoutComments = (code: string) =>
  code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');

export const PACKAGE = JSON.parse(read('package.json')) as {
  engines: { node: string };
  scripts: Record<string, string>;
  devDependencies: Record<string, string>;
};
export const CI = read('.ci/run');

// The README's own tests mention every name by construction: they prove nothing about the code.
const SELF = ['test/unit/readme.test.ts', 'test/unit/readme-config.test.ts', 'test/support/readme.ts'];
/** Every test file's text, the README's own tests left out. */
export const TEST_TEXT = filesUnder('test')
  .filter((f) => !SELF.includes(f))
  .map((file) => ({ file, text: read(file) }));
/** The shipped and local-stack code, comments removed (a name in a comment is not a read). */
export const SOURCE_TEXT = ['lib', 'infra/local', 'infra/cdk', 'cli', 'functions']
  .flatMap(filesUnder)
  .map((f) => withoutComments(read(f)))
  .join('\n');

/** `name` as a whole word (not part of a longer identifier). */
export const wordPattern = (name: string) =>
  new RegExp(`(^|[^A-Za-z0-9_])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^A-Za-z0-9_])`);

export interface CodeBlock {
  lang: string;
  body: string;
  heading: string;
}

export interface Command {
  /** The command as written, comments and continuation lines folded. */
  text: string;
  /** Shell words, quotes removed, `VAR=value` prefixes split off into `env`. */
  words: string[];
  env: Record<string, string>;
  heading: string;
  /** `block` for a line in a shell code block, `inline` for inline code in prose. */
  from: 'block' | 'inline';
}

export interface Table {
  header: string[];
  rows: string[][];
  heading: string;
}

export function readReadme(): string {
  return readFileSync(join(REPO, 'README.md'), 'utf8');
}

/** Code blocks blanked out (same length), so a `# comment` in one never reads as a heading. */
const blankCode = (markdown: string) =>
  markdown.replace(/^```[\s\S]*?^```$/gm, (m) => m.replace(/[^\n]/g, ' '));

/** The nearest heading above each offset. */
function headingAt(markdown: string, offset: number): string {
  const before = blankCode(markdown)
    .slice(0, offset)
    .match(/^#{1,4} .*$/gm);
  return before?.at(-1)?.replace(/^#+ /, '') ?? '';
}

export function codeBlocks(markdown: string): CodeBlock[] {
  return [...markdown.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({
    lang: m[1] ?? '',
    body: m[2] ?? '',
    heading: headingAt(markdown, m.index ?? 0),
  }));
}

/** Shell words of one command line: single and double quotes, backslash escapes. */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let quote: '"' | "'" | null = null;
  let started = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] ?? '';
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"' && i + 1 < line.length) word += line[++i];
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      started = true;
    } else if (c === '\\' && i + 1 < line.length) {
      word += line[++i];
      started = true;
    } else if (/\s/.test(c)) {
      if (started) words.push(word);
      word = '';
      started = false;
    } else {
      word += c;
      started = true;
    }
  }
  if (started) words.push(word);
  return words;
}

/** A trailing `# comment` (after whitespace, outside quotes) removed. */
function withoutComment(line: string): string {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1] ?? ''))) return line.slice(0, i).trimEnd();
  }
  return line.trimEnd();
}

function toCommand(text: string, heading: string, from: Command['from']): Command | null {
  const all = shellWords(text);
  const env: Record<string, string> = {};
  let i = 0;
  for (; i < all.length && /^[A-Z][A-Z0-9_]*=/.test(all[i] ?? ''); i++) {
    const [name = '', ...value] = (all[i] ?? '').split('=');
    env[name] = value.join('=');
  }
  const words = all.slice(i);
  if (words.length === 0 && Object.keys(env).length === 0) return null;
  return { text, words, env, heading, from };
}

/** Every command of the shell code blocks, and every inline code span that reads as one. */
export function commands(markdown: string): Command[] {
  const out: Command[] = [];
  for (const block of codeBlocks(markdown)) {
    if (block.lang !== 'sh') continue;
    const lines = block.body.replace(/\\\n\s*/g, ' ').split('\n');
    for (const line of lines) {
      // `export A=1 B=2` sets variables for the commands after it: read it as assignments.
      const text = withoutComment(line).replace(/^export /, '');
      if (!text.trim()) continue;
      const command = toCommand(text, block.heading, 'block');
      if (command) out.push(command);
    }
  }
  const prose = blankCode(markdown);
  for (const m of prose.matchAll(/`([^`\n]+)`/g)) {
    const text = m[1] ?? '';
    if (!/^(npm|npx|[A-Z][A-Z0-9_]*=\S*)(\s|$)/.test(text)) continue;
    const command = toCommand(text, headingAt(markdown, m.index ?? 0), 'inline');
    if (command) out.push(command);
  }
  return out;
}

/** Pipe tables: header cells and row cells, trimmed. */
export function tables(markdown: string): Table[] {
  const out: Table[] = [];
  const lines = markdown.split('\n');
  let offset = 0;
  const starts: number[] = [];
  for (const line of lines) {
    starts.push(offset);
    offset += line.length + 1;
  }
  const cells = (line: string) =>
    line
      .trim()
      .replace(/^\||\|$/g, '')
      .split('|')
      .map((c) => c.trim());
  for (let i = 0; i + 1 < lines.length; i++) {
    const line = lines[i] ?? '';
    const previous = lines[i - 1] ?? '';
    if (!line.startsWith('|') || previous.startsWith('|') || !/^\|[\s:|-]+\|$/.test(lines[i + 1] ?? ''))
      continue;
    const rows: string[][] = [];
    for (let j = i + 2; j < lines.length && (lines[j] ?? '').startsWith('|'); j++)
      rows.push(cells(lines[j] ?? ''));
    out.push({ header: cells(line), rows, heading: headingAt(markdown, starts[i] ?? 0) });
  }
  return out;
}

/** The names in backticks of a table cell: `` `prefix`, `suffix` `` → prefix, suffix. */
export const namesIn = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? '');
