import { connect } from 'node:net';
import { recordId } from '../../../lib/domain/id.ts';

/** One raw HTTP/1.1 request: sent byte for byte, so it can carry what `fetch` refuses to send. */
export interface RawRequest {
  name: string;
  method: string;
  /** The request target exactly as written on the request line. */
  target: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface RawAnswer {
  status: number;
  contentType: string;
  body: string;
}

const UNKNOWN_ID = recordId('articles', 'reliability/never-uploaded.txt');

/**
 * 100 requests, each invalid by construction (bad ids, cursors, limits, statuses, languages,
 * methods, paths, huge query strings, invalid UTF-8 percent-encoding), some with odd headers.
 * Query strings stay under Node's 16 KB header limit, above which the HTTP server itself
 * answers (as API Gateway's own limits would in AWS) before any handler runs.
 */
export function malformedRequests(): RawRequest[] {
  const out: RawRequest[] = [];
  const get = (name: string, target: string, headers?: Record<string, string>) =>
    out.push({ name, method: 'GET', target, ...(headers ? { headers } : {}) });

  const badIds = [
    'x',
    'a'.repeat(42),
    'a'.repeat(44),
    'a'.repeat(2000),
    'has%20space',
    '..%2F..%2Fetc%2Fpasswd',
    '%00',
    '%FF%FE',
    '%C3%28',
    '%E0%A4%A',
    '%F0%9F%93%B0',
    '%3Cscript%3E',
    "'%20OR%201=1--",
    'a+b',
    '%2B%2B',
    `${UNKNOWN_ID.slice(0, 42)}=`,
    `${UNKNOWN_ID.slice(0, 42)}/`,
    '.',
    '%2e%2e',
    'AAAA%',
  ];
  for (const id of badIds) get(`bad id ${id.slice(0, 20)}`, `/summaries/${id}`);
  for (const id of badIds.slice(0, 5)) get(`bad id text ${id.slice(0, 20)}`, `/summaries/${id}/text`);
  get('unknown id', `/summaries/${UNKNOWN_ID}`);
  get('unknown id text', `/summaries/${UNKNOWN_ID}/text`);
  get('unknown id with etag', `/summaries/${UNKNOWN_ID}`, { 'if-none-match': '"*garbage*"' });

  const badCursors = [
    'abc',
    'not-a-cursor',
    '%FF%FF',
    '%C3%28',
    'eyJhbGciOiJub25lIn0',
    'A'.repeat(10_000),
    '....',
    '%00%00',
    `${'e30'}.${'x'.repeat(43)}`,
    'null',
    '[]',
    '{}',
    '%7B%22pk%22%3A%22x%22%7D',
    'AAAA.BBBB.CCCC',
    '%E2%80%AE',
  ];
  for (const cursor of badCursors) get(`bad cursor ${cursor.slice(0, 20)}`, `/summaries?cursor=${cursor}`);

  const badLimits = [
    '-1',
    '0',
    '1000000000',
    'abc',
    '1.5',
    '',
    '%20',
    '0x10',
    'NaN',
    'Infinity',
    '%FF',
    '101',
    '1e3',
    '5abc',
    '9'.repeat(400),
  ];
  for (const limit of badLimits) get(`bad limit ${limit.slice(0, 20)}`, `/summaries?limit=${limit}`);

  for (const status of ['finished', 'DONE', '%FF', 'done%00'])
    get(`bad status ${status}`, `/summaries?status=${status}`);
  for (const lang of ['english', '12', '%FF', 'a'.repeat(300)])
    get(`bad lang ${lang.slice(0, 10)}`, `/summaries/${UNKNOWN_ID.slice(0, 10)}?lang=${lang}`);
  get('bad key', `/summaries?key=${'%C3%28'.repeat(10)}&limit=abc`);
  get('huge key', `/summaries?key=${'k'.repeat(12_000)}`);
  get('huge query, bad limit', `/summaries?limit=x&${'pad=1&'.repeat(2_000)}`);
  get('huge query, bad cursor', `/summaries?cursor=${'%41'.repeat(4_000)}`);
  get('duplicate limits', '/summaries?limit=1&limit=abc');
  get('list, bad lang', '/summaries?lang=english');
  get('list, undecodable lang', '/summaries?lang=%FF');
  get('list, undecodable status', '/summaries?status=%FF&limit=1');

  for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
    out.push({
      name: `${method} list`,
      method,
      target: '/summaries',
      headers: { 'content-type': 'application/json' },
      body: '{"status":"done"}',
    });
    out.push({
      name: `${method} record`,
      method,
      target: `/summaries/${UNKNOWN_ID}`,
      body: 'x'.repeat(1024),
    });
  }
  out.push({
    name: 'POST health',
    method: 'POST',
    target: '/health',
    headers: { 'content-type': 'text/plain' },
    body: 'hi',
  });
  out.push({
    name: 'binary body',
    method: 'POST',
    target: '/summaries',
    headers: { 'content-type': 'application/octet-stream' },
    body: '\u0000\u0001\u00ff',
  });

  const paths = [
    '/index.php',
    '/summary',
    '/Summaries',
    '/summaries/a/b/c',
    `/summaries/${UNKNOWN_ID}/text/more`,
    '/%FF',
    '/..%2F..%2F',
    '/summaries%2Fx%2Fy%2Fz',
    '/api/v1/summaries',
    '/.env',
    '/summaries/%2Fetc',
    '/openapi.json/x',
    '/health/x',
  ];
  for (const path of paths)
    get(`unknown path ${path}`, path, { accept: 'image/png', 'x-forwarded-for': 'not-an-ip' });
  get('bad id, odd headers', '/summaries/%FF', {
    authorization: 'Bearer garbage',
    'accept-language': '\u00ff'.repeat(10),
    range: 'bytes=oops',
  });
  get('bad cursor, huge header', '/summaries?cursor=x', { 'x-padding': 'p'.repeat(4_000) });
  get('bad limit, odd accept', '/summaries?limit=-5', {
    accept: '*/*;q=oops',
    'if-modified-since': 'yesterday',
  });
  return out;
}

/** Sends the request over a fresh socket and reads the whole answer. */
export function sendRaw(baseUrl: string, request: RawRequest): Promise<RawAnswer> {
  const { hostname, port } = new URL(baseUrl);
  const body = Buffer.from(request.body ?? '', 'latin1');
  const headers = { host: `${hostname}:${port}`, connection: 'close', ...request.headers };
  const head = [
    `${request.method} ${request.target} HTTP/1.1`,
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    ...(body.length > 0 || request.method !== 'GET' ? [`content-length: ${body.length}`] : []),
    '',
    '',
  ].join('\r\n');
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    socket.setTimeout(15_000, () => socket.destroy(new Error(`no answer to ${request.name}`)));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.once('error', reject);
    socket.once('end', () => {
      try {
        resolve(parseAnswer(Buffer.concat(chunks)));
      } catch (e: unknown) {
        reject(e);
      }
    });
    socket.write(Buffer.concat([Buffer.from(head, 'latin1'), body]));
  });
}

function parseAnswer(raw: Buffer): RawAnswer {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.subarray(0, split < 0 ? raw.length : split).toString('latin1');
  let body = split < 0 ? Buffer.alloc(0) : raw.subarray(split + 4);
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers = new Map(
    lines.map((l) => [l.slice(0, l.indexOf(':')).trim().toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
  );
  if (headers.get('transfer-encoding')?.includes('chunked')) body = dechunk(body);
  return {
    status: Number(statusLine.split(' ')[1]),
    contentType: headers.get('content-type') ?? '',
    body: body.toString('utf8'),
  };
}

function dechunk(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd < 0) break;
    const size = Number.parseInt(data.subarray(at, lineEnd).toString('latin1'), 16);
    if (!size) break;
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}
