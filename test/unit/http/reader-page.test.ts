import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createApiHandler } from '../../../functions/api/app.ts';
import { READER_CSP, READER_CSS, READER_HTML, READER_JS } from '../../../functions/api/reader/assets.ts';
import type { SummaryReader } from '../../../lib/http/reader-port.ts';
import { apiEvent } from '../../support/api-events.ts';

interface Res {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** The page routes never touch the store: any call is a bug. */
const untouchable: SummaryReader = {
  get: () => Promise.reject(new Error('the page must not read data')),
  list: () => Promise.reject(new Error('the page must not read data')),
  getText: () => Promise.reject(new Error('the page must not read data')),
  facets: () => Promise.reject(new Error('the page must not read data')),
  ping: () => Promise.reject(new Error('the page must not read data')),
};

const get = async (path: string, headers: Record<string, string> = {}, authMode?: 'none' | 'jwt' | 'iam') => {
  const api = createApiHandler({ store: untouchable, ...(authMode ? { authMode } : {}) });
  return (await api(apiEvent('GET', path, headers), {} as Context)) as Res;
};

describe('reader page routes', () => {
  it('serves the page as UTF-8 HTML under the strict CSP, with a short cache lifetime', async () => {
    const res = await get('/');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.body).toBe(READER_HTML);
  });

  it('serves the script and the styles with their types, and answers 304 to their ETags', async () => {
    const js = await get('/app.js');
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.body).toBe(READER_JS);
    const css = await get('/app.css');
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.body).toBe(READER_CSS);
    expect((await get('/app.js', { 'if-none-match': js.headers.etag ?? '' })).statusCode).toBe(304);
  });

  it('tells the page the auth mode (none by default) and nothing else', async () => {
    expect(JSON.parse((await get('/app-config.json')).body)).toEqual({ authMode: 'none' });
    expect(JSON.parse((await get('/app-config.json', {}, 'jwt')).body)).toEqual({ authMode: 'jwt' });
    expect(JSON.parse((await get('/app-config.json', {}, 'iam')).body)).toEqual({ authMode: 'iam' });
  });

  it('keeps the page free of inline code and data, so the CSP needs no exception', () => {
    expect(READER_HTML).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(READER_HTML).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    expect(READER_HTML).toContain('<script src="app.js" defer></script>');
    expect(READER_CSP).toContain("script-src 'self'");
  });

  it('builds the DOM from data only through textContent and attributes, never an HTML parser', () => {
    for (const sink of [
      'innerHTML',
      'outerHTML',
      'insertAdjacentHTML',
      'document.write',
      'eval(',
      'Function(',
    ]) {
      expect(READER_JS, sink).not.toContain(sink);
    }
    expect(READER_JS).toContain('textContent');
    expect(() => new Function(READER_JS)).not.toThrow();
  });

  it('makes no request outside its own origin (no absolute URLs in any file)', () => {
    for (const asset of [READER_HTML, READER_CSS, READER_JS]) {
      expect(asset).not.toMatch(/https?:\/\/|\/\/[a-z0-9-]+\.[a-z]/i);
      expect(asset).not.toMatch(/@import|url\(/);
    }
  });

  it('gives the Arabic blocks an Arabic font stack', () => {
    expect(READER_CSS).toMatch(/"Noto Naskh Arabic", "Amiri", "Geeza Pro", "Arabic Typesetting"/);
    expect(READER_JS).toContain("RTL = ['ar'");
  });
});
