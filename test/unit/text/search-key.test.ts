import { describe, expect, it } from 'vitest';
import { searchKey } from '../../../lib/text/search-key.ts';

describe('searchKey', () => {
  it('gives every spelling of "read also" the same key', () => {
    const keys = ['إقرأ أيضاً', 'اقرأ أيضًا', 'اقرأ ايضا', 'إقـرأ أيضا'].map(searchKey);
    expect(new Set(keys)).toEqual(new Set(['اقرا ايضا']));
  });

  it('strips diacritics and the dagger alef, folds alef maksura and teh marbuta', () => {
    expect(searchKey('مُسْتَشْفَى الْمَدِينَةِ هٰذا')).toBe('مستشفي المدينه هذا');
  });

  it('folds hamza on waw and on yeh, as people often type them without it', () => {
    expect(searchKey('مؤسسة آفاق')).toBe(searchKey('موسسة افاق'));
    expect(searchKey('رئيس هيئة')).toBe('رييس هييه');
  });

  it('folds Arabic-Indic and Persian digits to ASCII and lower-cases Latin', () => {
    expect(searchKey('Interpol ٢٠٢٥ ۱۴')).toBe('interpol 2025 14');
  });

  it('folds Persian letter variants and drops joiners', () => {
    expect(searchKey('می\u200Cخواهم کتاب')).toBe('ميخواهم كتاب');
  });

  it('does everything normaliseText does (presentation forms, bidi marks, spaces)', () => {
    expect(searchKey('\u200F\uFEFB\u00A0\u00A0شيء')).toBe('لا شيء');
  });
});
