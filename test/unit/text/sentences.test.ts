import { describe, expect, it } from 'vitest';
import { splitSentences } from '../../../lib/text/sentences.ts';

describe('splitSentences', () => {
  it('ends Arabic sentences at full stops, Arabic question marks and exclamation marks', () => {
    const text = 'وصل الوفد إلى القاهرة. هل بدأت المحادثات؟ نعم بدأت!';

    expect(splitSentences(text)).toEqual(['وصل الوفد إلى القاهرة.', 'هل بدأت المحادثات؟', 'نعم بدأت!']);
  });

  it('does not end a sentence at the Arabic comma or semicolon', () => {
    const text = 'قال الوزير، في مؤتمر صحفي؛ إن الخطة جاهزة.';

    expect(splitSentences(text)).toEqual([text]);
  });

  it('ends sentences at line breaks and paragraph breaks even without punctuation', () => {
    const text = 'عنوان الخبر\nالفقرة الأولى\n\nالفقرة الثانية.';

    expect(splitSentences(text)).toEqual(['عنوان الخبر', 'الفقرة الأولى', 'الفقرة الثانية.']);
  });

  it('keeps single-letter Arabic abbreviations inside the sentence', () => {
    const text = 'قال د. محمد علي إن أ. سمير غائب. ثم غادر.';

    expect(splitSentences(text)).toEqual(['قال د. محمد علي إن أ. سمير غائب.', 'ثم غادر.']);
  });

  it('keeps English titles and initialisms inside the sentence', () => {
    const text = 'Mr. Smith met Dr. Jones in the U.S. capital. They talked.';

    expect(splitSentences(text)).toEqual(['Mr. Smith met Dr. Jones in the U.S. capital.', 'They talked.']);
  });

  it('does not split inside decimal numbers or domain names', () => {
    const text = 'Growth was 3.5 percent, according to example.com. Prices rose.';

    expect(splitSentences(text)).toEqual([
      'Growth was 3.5 percent, according to example.com.',
      'Prices rose.',
    ]);
  });

  it('ends a sentence at a full stop directly followed by an Arabic letter', () => {
    expect(splitSentences('انتهى الاجتماع.وبدأ التصويت.')).toEqual(['انتهى الاجتماع.', 'وبدأ التصويت.']);
  });

  it('keeps closing quotes with the sentence they end and handles the Urdu full stop and ؝', () => {
    const text = 'قال: "انتهى الأمر." ثم صمت۔ وبعد ذلك؝ لا شيء';

    expect(splitSentences(text)).toEqual(['قال: "انتهى الأمر."', 'ثم صمت۔', 'وبعد ذلك؝', 'لا شيء']);
  });

  it('returns verbatim trimmed substrings and nothing for blank text', () => {
    const text = '  First one.   Second one?  \n\n  ';

    const sentences = splitSentences(text);

    expect(sentences).toEqual(['First one.', 'Second one?']);
    for (const s of sentences) expect(text).toContain(s);
    expect(splitSentences('   \n\n ')).toEqual([]);
  });

  it('splits a long text quickly', () => {
    const text = 'جملة قصيرة عن الأخبار. '.repeat(50_000);

    const started = performance.now();
    const sentences = splitSentences(text);

    expect(sentences).toHaveLength(50_000);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
