import { CACHE, PROBLEM_TYPE, SECURITY_HEADERS } from './headers.ts';
import type { HttpResponse } from './response.ts';

/** RFC 9457 problem details. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  /** Field-level validation messages, e.g. `{ limit: '…' }`. */
  errors?: Record<string, string>;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  404: 'Not Found',
  405: 'Method Not Allowed',
  410: 'Gone',
  413: 'Content Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function problem(
  status: number,
  detail?: string,
  extra: { type?: string; errors?: Record<string, string>; headers?: Record<string, string> } = {},
): HttpResponse {
  const body: Problem = {
    type: extra.type ?? 'about:blank',
    title: TITLES[status] ?? 'Error',
    status,
    ...(detail ? { detail } : {}),
    ...(extra.errors ? { errors: extra.errors } : {}),
  };
  return {
    statusCode: status,
    headers: {
      ...SECURITY_HEADERS,
      'content-type': PROBLEM_TYPE,
      'cache-control': CACHE.none,
      ...extra.headers,
    },
    body: JSON.stringify(body),
  };
}

/** A 5xx says nothing about the cause: no stack, no AWS message, no table name. */
export const internalError = (): HttpResponse => problem(500, 'Internal Server Error');
