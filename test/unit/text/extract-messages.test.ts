/**
 * A failed record's message is read by people (the reader page, the CLI): it must be one of
 * khulasa's own sentences, never a parser's internal text, a stack trace or a file path. The
 * catalogue of khulasa's sentences is read from the sources that write them, so a new message is
 * covered without editing this test, and a message built from a caught error is not.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isArticleError } from '../../../lib/errors.ts';
import { prepareArticle } from '../../../lib/text/prepare.ts';
import { docx, newsPageHtml, pdf } from '../../support/documents.ts';

const ROOT = join(import.meta.dirname, '../../..');
const MESSAGE_SOURCES = ['lib/errors.ts', ...tsFiles('lib/text')];

function tsFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f));
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Every sentence-like string or template literal in the sources, as a whole-message pattern. */
function khulasaMessages(): RegExp[] {
  const literal = /'((?:[^'\\\n]|\\.)*)'|`((?:[^`\\]|\\.)*)`/g;
  const patterns: RegExp[] = [];
  for (const file of MESSAGE_SOURCES) {
    for (const match of readFileSync(join(ROOT, file), 'utf8').matchAll(literal)) {
      const text = match[1] ?? match[2] ?? '';
      if (!/^[A-Z]/.test(text) || !/[.)]$/.test(text) || text.length < 15) continue;
      // A template's interpolations are numbers, sizes, names of formats or keys: one line each.
      const parts = text.split(/\$\{[^}]*\}/).map((p) => escapeRegExp(p.replace(/\\(.)/g, '$1')));
      patterns.push(new RegExp(`^${parts.join('[^\\n]{1,80}?')}$`));
    }
  }
  return patterns;
}

const CATALOGUE = khulasaMessages();
const isKhulasaMessage = (message: string) => CATALOGUE.some((p) => p.test(message));

/** Runs the text stages as the pipeline does and returns the failure, or null when it succeeded. */
async function failureOf(bytes: Uint8Array, key: string, contentType: string | null) {
  try {
    await prepareArticle(bytes, { key, contentType, maxTextChars: 2_000_000 });
    return null;
  } catch (e: unknown) {
    return e;
  }
}

function expectWrittenForPeople(failure: unknown): void {
  if (failure === null) return;
  expect(isArticleError(failure), `not an article error: ${String(failure)}`).toBe(true);
  const { message } = failure as Error;
  expect(message).not.toMatch(/\n\s+at |node_modules|[A-Za-z]:\\|\/(?:tmp|home|var|usr)\//);
  expect(isKhulasaMessage(message), `not one of khulasa's messages: ${message}`).toBe(true);
  // The caught error, if any, travels as the cause (for the log), never inside the message.
  const cause = (failure as Error).cause;
  if (cause instanceof Error && cause.message.length >= 8) expect(message).not.toContain(cause.message);
}

const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const validDocx = docx([{ text: 'Headline', style: 'Title' }, { text: 'A paragraph of the article.' }]);
const validPdf = pdf({ pages: [[['A line of the article.']]], title: 'Headline' });
const validHtml = new TextEncoder().encode(newsPageHtml());

/** A valid file with some bytes overwritten and maybe cut short: the corrupt uploads people make. */
const corrupted = (original: Uint8Array) =>
  fc
    .record({
      edits: fc.array(fc.tuple(fc.nat(original.length - 1), fc.integer({ min: 0, max: 255 })), {
        minLength: 1,
        maxLength: 40,
      }),
      keep: fc.integer({ min: 1, max: original.length }),
    })
    .map(({ edits, keep }) => {
      const bytes = original.slice(0, keep);
      for (const [at, value] of edits) if (at < bytes.length) bytes[at] = value;
      return bytes;
    });

const RUNS = { numRuns: 60 };

describe('failure messages written into records', () => {
  it('knows khulasa messages and rejects a parser message built into one', () => {
    expect(isKhulasaMessage('The uploaded file is empty or contains only whitespace.')).toBe(true);
    expect(isKhulasaMessage('The uploaded file is 12 bytes; the limit is 10 bytes.')).toBe(true);
    expect(isKhulasaMessage('The PDF could not be read: Invalid PDF structure.')).toBe(false);
  });

  it('names a corrupt .docx as damaged in khulasa words, the parser text kept as the cause', async () => {
    await fc.assert(
      fc.asyncProperty(corrupted(validDocx), async (bytes) => {
        expectWrittenForPeople(await failureOf(bytes, 'incoming/report.docx', DOCX_TYPE));
      }),
      RUNS,
    );
  });

  it('names a corrupt .pdf as damaged in khulasa words', async () => {
    await fc.assert(
      fc.asyncProperty(corrupted(validPdf), async (bytes) => {
        expectWrittenForPeople(await failureOf(bytes, 'incoming/report.pdf', 'application/pdf'));
      }),
      RUNS,
    );
  });

  it('answers corrupt .html in khulasa words', async () => {
    await fc.assert(
      fc.asyncProperty(corrupted(validHtml), async (bytes) => {
        expectWrittenForPeople(await failureOf(bytes, 'incoming/page.html', 'text/html'));
      }),
      RUNS,
    );
  });

  it('answers random bytes under every extension in khulasa words', async () => {
    const names = ['a.docx', 'a.pdf', 'a.html', 'a.txt', 'a.md', 'a'];
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 0, maxLength: 2048 }),
        fc.constantFrom(...names),
        fc.constantFrom(null, 'text/plain', 'application/octet-stream', DOCX_TYPE, 'application/pdf'),
        async (bytes, name, contentType) => {
          expectWrittenForPeople(await failureOf(bytes, `incoming/${name}`, contentType));
        },
      ),
      RUNS,
    );
  });

  it('keeps the parser text of a damaged DOCX out of the message and in its cause', async () => {
    // A directory that names word/document.xml but whose entry is not deflate data.
    const bytes = validDocx.slice();
    const at = Buffer.from(bytes).indexOf('word/document.xml') + 'word/document.xml'.length;
    bytes.fill(0x41, at, at + 40);

    const failure = await failureOf(bytes, 'incoming/report.docx', DOCX_TYPE);

    expect(failure).toMatchObject({ code: 'unsupported_type' });
    expect((failure as Error).message).toMatch(/^The DOCX file is damaged and cannot be read;/);
    expect((failure as Error).cause).toBeInstanceOf(Error);
  });
});
