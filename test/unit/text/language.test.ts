import { describe, expect, it } from 'vitest';
import { detectLanguage, scriptRatio } from '../../../lib/text/language.ts';

describe('scriptRatio', () => {
  it('counts the share of Arabic and Latin letters, ignoring digits, spaces and punctuation', () => {
    const ratio = scriptRatio('سلام abc 123 ،.!');

    expect(ratio.arabic).toBeCloseTo(4 / 7);
    expect(ratio.latin).toBeCloseTo(3 / 7);
  });

  it('is zero on both sides when there are no letters', () => {
    expect(scriptRatio('123 ٤٥٦ ...')).toEqual({ arabic: 0, latin: 0 });
  });

  it('does not count Arabic diacritics as letters', () => {
    expect(scriptRatio('كَتَبَ')).toEqual({ arabic: 1, latin: 0 });
  });
});

describe('detectLanguage', () => {
  it('detects Arabic text even with English names in it', () => {
    expect(detectLanguage('قال متحدث باسم Interpol إن الضحايا من 66 دولة')).toBe('ar');
  });

  it('detects English text', () => {
    expect(detectLanguage('Interpol warned of a global crisis on Monday.')).toBe('en');
  });

  it('returns null without Arabic or Latin letters', () => {
    expect(detectLanguage('2025-07-02 — 66%')).toBeNull();
    expect(detectLanguage('')).toBeNull();
    expect(detectLanguage('Привет мир')).toBeNull();
  });
});

describe('detectLanguage: Arabic-script languages', () => {
  it('tells Persian from Arabic by its letters', () => {
    expect(detectLanguage('من می‌خواهم این کتاب را بخوانم و یک پیام بنویسم')).toBe('fa');
  });

  it('tells Urdu from Persian by its letters', () => {
    expect(detectLanguage('یہ ایک اچھی کتاب ہے اور میں اسے پڑھنا چاہتا ہوں')).toBe('ur');
  });

  it('keeps an Arabic text with a stray Persian letter Arabic', () => {
    expect(detectLanguage('قال الرئیس إن المدينة الكبيرة تحتاج إلى مكتبة جديدة')).toBe('ar');
  });
});
