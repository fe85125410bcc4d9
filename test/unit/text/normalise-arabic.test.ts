import { describe, expect, it } from 'vitest';
import { normaliseText } from '../../../lib/text/normalise.ts';

describe('normaliseText: Arabic specifics', () => {
  it('maps presentation forms to base letters, including the lam-alef ligature', () => {
    expect(normaliseText('\uFEDB\uFE98\uFE8E\uFE8F \uFEFB')).toBe('كتاب لا');
  });

  it('maps isolated harakat without the leading space NFKC adds', () => {
    expect(normaliseText('ب\uFE76')).toBe('بَ');
  });

  it('keeps the bismillah and honorific ligatures and spells the rial sign with the Arabic yeh', () => {
    expect(normaliseText('\uFDFD محمد \uFDFA 5 \uFDFC')).toBe('\uFDFD محمد \uFDFA 5 ريال');
  });

  it('does not NFKC the whole text: ellipsis, superscripts and NBSP-free symbols stay', () => {
    expect(normaliseText('انتظر… م² ½')).toBe('انتظر… م² ½');
  });

  it('removes tatweel between Arabic letters only', () => {
    expect(normaliseText('الإنتـــربول')).toBe('الإنتربول');
    expect(normaliseText('1447 هـ')).toBe('1447 هـ');
    expect(normaliseText('6 ـ 4 ـ 1959')).toBe('6 ـ 4 ـ 1959');
  });

  it('removes bidi controls around numbers but keeps visible number signs', () => {
    expect(normaliseText('\u200F٢\u200F/\u200F٧\u200F/\u200F٢٠٢٥\u200F')).toBe('٢/٧/٢٠٢٥');
    expect(normaliseText('\u0600١٢٣ \u06DD٥')).toBe('\u0600١٢٣ \u06DD٥');
  });

  it('keeps diacritics, Arabic-Indic digits and Arabic punctuation', () => {
    const text = 'كَتَبَ ١٢٣ كلمة، وأخرى؛ لماذا؟';
    expect(normaliseText(text)).toBe(text);
  });

  it('folds stray Persian letters in an Arabic document', () => {
    expect(normaliseText('قال الرئیس إن الکتاب في المدينة والمكتبة')).toBe(
      'قال الرئيس إن الكتاب في المدينة والمكتبة',
    );
    expect(normaliseText('ذهب إلی المدرسة في مدينة كبيرة')).toBe('ذهب إلى المدرسة في مدينة كبيرة');
    expect(normaliseText('ھذه مدينة كبيرة')).toBe('هذه مدينة كبيرة');
  });

  it('leaves a Persian document untouched, ZWNJ included', () => {
    const persian = 'من می\u200Cخواهم این کتاب را بخوانم و یک پیام بنویسم';
    expect(normaliseText(persian)).toBe(persian);
  });

  it('removes ZWNJ between Arabic letters of an Arabic document', () => {
    expect(normaliseText('المدي\u200Cنة كبيرة في', { arabic: true })).toBe('المدينة كبيرة في');
  });

  it('lets the caller force the folding decision', () => {
    expect(normaliseText('کتاب', { arabic: false })).toBe('کتاب');
    expect(normaliseText('کتاب', { arabic: true })).toBe('كتاب');
  });

  it('turns NBSP, narrow NBSP and figure space into one space', () => {
    expect(normaliseText('مدينة\u00A0\u202Fليون\u2007الفرنسية')).toBe('مدينة ليون الفرنسية');
  });

  it('unifies CRLF, keeps paragraphs and reduces blank-line runs to one', () => {
    expect(normaliseText('أ\r\nب\r\n\r\n\r\nج\u2029د')).toBe('أ\nب\n\nج\n\nد');
  });
});
