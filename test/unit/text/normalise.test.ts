import { describe, expect, it } from 'vitest';
import { countWords, normaliseText } from '../../../lib/text/normalise.ts';
import { prepareArticle } from '../../../lib/text/prepare.ts';

describe('normaliseText', () => {
  it('composes to NFC', () => {
    const decomposed = 'cafe\u0301 \u0627\u0653'; // é and آ written as base + combining mark
    expect(normaliseText(decomposed)).toBe('café \u0622');
  });

  it('unifies line endings, trims lines and keeps paragraph breaks as one blank line', () => {
    expect(normaliseText('  عنوان  \r\n\r\n\r\n\r\nفقرة أولى\r\nسطر ثان\n\n\n')).toBe(
      'عنوان\n\nفقرة أولى\nسطر ثان',
    );
  });

  it('folds exotic spaces and collapses runs', () => {
    expect(normaliseText('كلمة\u00A0\u00A0أخرى\u202Fو\u2007رقم\t\tهنا')).toBe('كلمة أخرى و رقم هنا');
  });

  it('removes invisible bidi and zero-width controls but keeps ZWNJ', () => {
    const input = '\u200Fالنص\u200B \u202Bمضمن\u202C \u2066x\u2069 \uFEFFمی\u200Cخواهم';
    expect(normaliseText(input)).toBe('النص مضمن x می\u200Cخواهم');
  });
});

describe('prepareArticle', () => {
  it('takes the first line as the title and the rest as the body', async () => {
    const prepared = await prepareArticle(
      Buffer.from('عنوان الخبر\nالفقرة الأولى من الخبر.\nالفقرة الثانية.'),
      {
        maxTextChars: 1000,
      },
    );
    expect(prepared.title).toBe('عنوان الخبر');
    expect(prepared.body).toBe('الفقرة الأولى من الخبر.\n\nالفقرة الثانية.');
    expect(prepared.language).toBe('ar');
    expect(prepared.wordCount).toBe(countWords(prepared.text));
  });

  it('refuses text longer than the limit with too_long', async () => {
    await expect(prepareArticle(Buffer.from('a'.repeat(50)), { maxTextChars: 10 })).rejects.toThrow(
      /limit is 10/,
    );
  });

  it('refuses a file of punctuation only with no_text', async () => {
    await expect(prepareArticle(Buffer.from('... --- !!!'), { maxTextChars: 1000 })).rejects.toMatchObject({
      code: 'no_text',
    });
  });
});
