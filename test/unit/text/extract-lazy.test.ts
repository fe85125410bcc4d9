import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { newsPageHtml } from '../../support/documents.ts';

const PARSERS = ['mammoth', 'unpdf', 'linkedom', '@mozilla/readability', 'iconv-lite'] as const;
const indexUrl = new URL('../../../lib/text/extract/index.ts', import.meta.url).href;

/**
 * Runs one extraction in a fresh Node process (the pinned Node running this test) and returns
 * the packages it loaded. How: a synchronous `module.registerHooks` resolve hook records every
 * resolved URL, for `import` and `require` alike (so CJS packages such as mammoth and
 * iconv-lite, and their own `require`s, are seen too); a package counts as loaded when a URL
 * under `node_modules/<name>/` was resolved. `process.moduleLoadList` only lists Node's own
 * built-ins and `require.cache` misses ESM, hence the hook.
 */
async function packagesLoadedBy(
  bytes: Uint8Array,
  contentType: string | null,
  key: string,
): Promise<string[]> {
  const script = `
    import { registerHooks } from 'node:module';
    const seen = new Set();
    registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); seen.add(r.url); return r; } });
    const { extractDocument } = await import(${JSON.stringify(indexUrl)});
    const bytes = Buffer.from(${JSON.stringify(Buffer.from(bytes).toString('base64'))}, 'base64');
    const out = await extractDocument(bytes, ${JSON.stringify({ contentType, key })});
    if (!out.text) throw new Error('nothing extracted');
    process.stdout.write(JSON.stringify([...seen]));`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
    maxBuffer: 16 * 1024 * 1024,
  });
  const urls = JSON.parse(stdout) as string[];
  return PARSERS.filter((name) => urls.some((url) => url.includes(`/node_modules/${name}/`)));
}

describe('extractDocument loads parsers lazily', () => {
  it('loads none of the parsers or legacy encoding tables for a UTF-8 text article', async () => {
    const loaded = await packagesLoadedBy(Buffer.from('عنوان\n\nنص الخبر بالعربية.'), 'text/plain', 'a.txt');
    expect(loaded).toEqual([]);
  });

  it('loads none of them for a UTF-8 Markdown article either', async () => {
    const loaded = await packagesLoadedBy(Buffer.from('# عنوان\n\nنص *الخبر*.'), null, 'a.md');
    expect(loaded).toEqual([]);
  });

  it('does see the packages a format needs (the detection works): HTML loads linkedom and Readability', async () => {
    const loaded = await packagesLoadedBy(Buffer.from(newsPageHtml()), 'text/html', 'a.html');
    expect(loaded).toEqual(['linkedom', '@mozilla/readability']);
  });

  it('loads iconv-lite only once a text file turns out not to be UTF-8', async () => {
    const loaded = await packagesLoadedBy(
      iconv.encode('نص الخبر بالعربية القديمة.', 'windows-1256'),
      null,
      'a.txt',
    );
    expect(loaded).toEqual(['iconv-lite']);
  });
});
