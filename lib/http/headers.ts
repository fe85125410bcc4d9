/** Headers every response carries: the API serves data, never documents to render. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
  'x-frame-options': 'DENY',
};

export const JSON_TYPE = 'application/json; charset=utf-8';
export const PROBLEM_TYPE = 'application/problem+json; charset=utf-8';
export const TEXT_TYPE = 'text/plain; charset=utf-8';

export const CACHE = {
  /** Errors, health and anything that must be re-fetched. */
  none: 'no-store',
  /** Still changing (processing, lists): cache but always revalidate with the ETag. */
  revalidate: 'private, no-cache',
  /** Settled records change only on re-upload or delete (and no credentials guard them). */
  settled: 'public, max-age=60',
  /** The same behind credentials: never in a shared cache, which could hand it to someone else. */
  settledPrivate: 'private, max-age=60',
  /** The reader page's files and the OpenAPI document: change only on deploy, so a short max-age. */
  static: 'public, max-age=300',
} as const;
