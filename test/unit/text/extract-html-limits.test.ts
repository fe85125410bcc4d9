import { describe, expect, it } from 'vitest';
import { TooComplexError } from '../../../lib/errors.ts';
import { boundMarkup } from '../../../lib/text/html/limits.ts';
import { prepareArticle } from '../../../lib/text/prepare.ts';

const sentence = 'The port reopened on Monday after a week of repairs to the main pier, officials said. ';
const arabicSentence = 'أعيد فتح الميناء يوم الاثنين بعد أسبوع من إصلاح الرصيف الرئيسي، بحسب المسؤولين. ';

const nested = (levels: number, inner: string, perLevel = '') =>
  `<!DOCTYPE html><html><head><title>Port</title></head><body>${`<div>${perLevel}`.repeat(levels)}<p>${inner}</p>${'</div>'.repeat(levels)}</body></html>`;

const prepare = (html: string) =>
  prepareArticle(Buffer.from(html), { maxTextChars: 2_000_000, contentType: 'text/html', key: 'deep.html' });

// Large pages get a generous timeout: this suite proves they finish with text, bench measures how fast.
describe('bounded work on deeply nested HTML', () => {
  it('flattens nesting deeper than the limit, keeping every piece of text in order', () => {
    const html = `<body>${'<div><span>'.repeat(100)}a<b>b</b>c${'</span></div>'.repeat(100)}</body>`;

    const out = boundMarkup(html, { maxDepth: 10, maxElements: 10_000 });

    expect(out.depth).toBeGreaterThan(200);
    expect(out.flattened).toBeGreaterThan(180);
    expect(out.html.replace(/<[^>]*>/g, '')).toBe('abc');
    expect(boundMarkup(out.html, { maxDepth: 1000, maxElements: 10_000 }).depth).toBeLessThanOrEqual(11);
  });

  it('keeps only the first few of a chain of attribute-less wrappers, but wrappers with attributes up to the depth limit', () => {
    const bare = `<body>${'<div>'.repeat(30)}text${'</div>'.repeat(30)}</body>`;
    const named = `<body>${'<div class="w">'.repeat(30)}text${'</div>'.repeat(30)}</body>`;

    const flattenedBare = boundMarkup(bare).html;
    const keptNamed = boundMarkup(named).html;

    expect(boundMarkup(flattenedBare).depth).toBeLessThanOrEqual(10);
    expect(flattenedBare.replace(/<[^>]*>/g, '')).toBe('text');
    expect(keptNamed).toBe(named);
  });

  it('leaves a page within the limits byte for byte as it was', () => {
    const html = '<html><body><div><p>One<p>Two</div><script>if (a < b) "<div>"</script></body></html>';

    expect(boundMarkup(html).html).toBe(html);
  });

  it('refuses a page with more elements than the limit as too_complex', () => {
    const html = `<body>${'<p>x</p>'.repeat(101)}</body>`;

    expect(() => boundMarkup(html, { maxDepth: 48, maxElements: 100 })).toThrow(TooComplexError);
  });

  it('ends a page with more elements than the parser is given (50,000) as too_complex, before parsing', async () => {
    const html = `<!DOCTYPE html><html><body>${'<p>x</p>'.repeat(50_001)}</body></html>`;

    await expect(prepare(html)).rejects.toMatchObject({ code: 'too_complex' });
  });

  it('extracts the article of an English page with 5,000 nested <div>s and text at every level (about 1 MB)', async () => {
    const html = nested(5_000, sentence.repeat(4), `${sentence.repeat(2)}`);

    const out = await prepare(html);

    expect(html.length).toBeGreaterThan(900_000);
    expect(out.body).toContain(sentence.trim());
  }, 60_000);

  it('extracts the article of an Arabic page with 50,000 nested <div>s', async () => {
    const html = nested(50_000, arabicSentence.repeat(6));

    const out = await prepare(html);

    expect(out.body).toContain(arabicSentence.trim());
  }, 60_000);
});
