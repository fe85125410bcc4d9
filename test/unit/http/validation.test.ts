import { describe, expect, it } from 'vitest';
import { idSchema, listQuerySchema, recordQuerySchema, validate } from '../../../lib/http/validation.ts';

describe('list query validation', () => {
  it('accepts valid parameters and converts limit to a number', () => {
    const r = validate(listQuerySchema(), {
      limit: '100',
      status: 'deleted',
      key: 'incoming/تقرير 1.txt',
      lang: 'ar',
    });
    expect(r).toEqual({
      ok: true,
      value: { limit: 100, status: 'deleted', key: 'incoming/تقرير 1.txt', lang: 'ar' },
    });
    expect(validate(listQuerySchema(), {})).toEqual({ ok: true, value: {} });
  });

  it.each([
    [{ limit: '0' }, 'limit'],
    [{ limit: '101' }, 'limit'],
    [{ limit: 'abc' }, 'limit'],
    [{ limit: '-1' }, 'limit'],
    [{ limit: '' }, 'limit'],
    [{ status: 'archived' }, 'status'],
    [{ key: '' }, 'key'],
    [{ key: 'x'.repeat(1025) }, 'key'],
    [{ cursor: 'c'.repeat(2049) }, 'cursor'],
    [{ cursor: 'has space' }, 'cursor'],
    [{ lang: 'english' }, 'lang'],
  ])('rejects %o naming %s', (input, field) => {
    const r = validate(listQuerySchema(), input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(Object.keys(r.errors)).toEqual([field]);
  });
});

it('accepts a key with control characters, which S3 allows', () => {
  expect(validate(listQuerySchema(), { key: 'a\u0001b\nc' })).toEqual({
    ok: true,
    value: { key: 'a\u0001b\nc' },
  });
});

describe('record parameters', () => {
  it('accepts only 43-character base64url ids', () => {
    expect(validate(idSchema, 'A'.repeat(43), 'id').ok).toBe(true);
    for (const bad of [
      'A'.repeat(42),
      'A'.repeat(44),
      `${'A'.repeat(41)}..`,
      `${'A'.repeat(42)}/`,
      undefined,
    ]) {
      expect(validate(idSchema, bad, 'id').ok).toBe(false);
    }
  });

  it('reads a known language code in any case, as its lower-case form', () => {
    expect(validate(recordQuerySchema, { lang: 'fil' })).toEqual({ ok: true, value: { lang: 'fil' } });
    expect(validate(recordQuerySchema, { lang: 'AR' })).toEqual({ ok: true, value: { lang: 'ar' } });
    expect(validate(listQuerySchema(), { language: 'En' })).toEqual({ ok: true, value: { language: 'en' } });
  });

  it('refuses a code that names no language, naming codes that do', () => {
    for (const lang of ['zz', 'xx', 'ZZ', 'und']) {
      expect(validate(recordQuerySchema, { lang })).toEqual({
        ok: false,
        errors: { lang: expect.stringMatching(/^lang must be an ISO 639 language code such as ar, en, /) },
      });
    }
  });
});
