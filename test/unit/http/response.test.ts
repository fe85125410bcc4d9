import { describe, expect, it } from 'vitest';
import { internalError, problem } from '../../../lib/http/problem.ts';
import { etagOf, json, matchesIfNoneMatch } from '../../../lib/http/response.ts';

describe('json responses', () => {
  it('serialises Arabic as UTF-8 characters with a strong ETag', () => {
    const res = json(200, { title: 'خلاصة' }, { cacheControl: 'no-store' });
    expect(res.body).toBe('{"title":"خلاصة"}');
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers.etag).toBe(etagOf(String(res.body)));
    expect(res.headers.etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
  });

  it('answers 304 without a body when If-None-Match matches (lists and weak tags included)', () => {
    const etag = etagOf('{"a":1}');
    for (const header of [etag, `"other", ${etag}`, `W/${etag}`, '*']) {
      const res = json(200, { a: 1 }, { cacheControl: 'no-store', ifNoneMatch: header });
      expect(res.statusCode).toBe(304);
      expect(res.body).toBe('');
      expect(res.headers.etag).toBe(etag);
    }
    expect(matchesIfNoneMatch('"nope"', etag)).toBe(false);
    expect(matchesIfNoneMatch(undefined, etag)).toBe(false);
  });
});

describe('problem responses', () => {
  it('follow RFC 9457 with the problem+json content type', () => {
    const res = problem(400, 'limit must be an integer from 1 to 100', { errors: { limit: 'bad' } });
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(JSON.parse(String(res.body))).toEqual({
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      detail: 'limit must be an integer from 1 to 100',
      errors: { limit: 'bad' },
    });
  });

  it('keep 500 bodies generic', () => {
    expect(JSON.parse(String(internalError().body))).toEqual({
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
      detail: 'Internal Server Error',
    });
  });
});
