import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';

/**
 * The local stand-in for API Gateway's HTTP API: each request becomes a payload v2 event for
 * the api handler, and its result becomes the response.
 */
type HttpApiHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;

export interface LocalApiOptions {
  port: number;
  host?: string;
  handler: HttpApiHandler;
  /** Answers `GET /health` with 503 until this says the whole stack is ready. */
  isReady: () => boolean | Promise<boolean>;
  /** API Gateway refuses larger payloads; so does the local one. */
  maxBodyBytes?: number;
}

const TEXT_TYPES = /^(text\/|application\/(json|problem\+json|xml|javascript|x-www-form-urlencoded))/;

function queryParameters(search: URLSearchParams): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const key of new Set(search.keys())) out[key] = search.getAll(key).join(',');
  return Object.keys(out).length > 0 ? out : undefined;
}

function headersOf(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name === 'cookie') continue;
    out[name] = Array.isArray(value) ? value.join(',') : value;
  }
  return out;
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too_large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return 'too_large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function toEvent(req: IncomingMessage, body: Buffer, requestId: string): APIGatewayProxyEventV2 {
  const rawUrl = req.url ?? '/';
  const q = rawUrl.indexOf('?');
  const rawPath = q === -1 ? rawUrl : rawUrl.slice(0, q);
  const rawQueryString = q === -1 ? '' : rawUrl.slice(q + 1);
  const headers = headersOf(req);
  const now = new Date();
  const contentType = headers['content-type'] ?? '';
  const isText = body.length === 0 || TEXT_TYPES.test(contentType);
  const cookies = req.headers.cookie?.split(';').map((c) => c.trim());
  let path = rawPath;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    // API Gateway hands an undecodable path through as it came.
  }
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    headers,
    ...(cookies ? { cookies } : {}),
    queryStringParameters: queryParameters(new URLSearchParams(rawQueryString)),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method: req.method ?? 'GET',
        path,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body: body.length === 0 ? undefined : isText ? body.toString('utf8') : body.toString('base64'),
    isBase64Encoded: body.length > 0 && !isText,
  } as APIGatewayProxyEventV2;
}

function lambdaContext(requestId: string): Context {
  const deadline = Date.now() + 30_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'khulasa-local-api',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:khulasa-local-api',
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    logGroupName: '/aws/lambda/khulasa-local-api',
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function sendProblem(res: ServerResponse, status: number, title: string, detail: string): void {
  res.writeHead(status, { 'content-type': 'application/problem+json' });
  res.end(JSON.stringify({ type: 'about:blank', title, status, detail }));
}

function send(res: ServerResponse, result: APIGatewayProxyResultV2): void {
  if (typeof result === 'string' || result === null || typeof result !== 'object') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(typeof result === 'string' ? result : JSON.stringify(result));
    return;
  }
  const headers: Record<string, string | number | boolean | string[]> = { ...(result.headers ?? {}) };
  if (result.cookies?.length) headers['set-cookie'] = result.cookies;
  res.writeHead(result.statusCode ?? 200, headers as Record<string, string | string[]>);
  const body = result.body ?? '';
  res.end(result.isBase64Encoded ? Buffer.from(body, 'base64') : body);
}

export async function startLocalApi(
  options: LocalApiOptions,
): Promise<{ url: string; port: number; close(): Promise<void> }> {
  const maxBody = options.maxBodyBytes ?? 10 * 1024 * 1024;
  const server: Server = createServer(async (req, res) => {
    const requestId = randomUUID();
    try {
      const body = await readBody(req, maxBody);
      if (body === 'too_large')
        return sendProblem(res, 413, 'Payload Too Large', 'The request body is too large.');
      const isHealth = (req.url ?? '').split('?')[0] === '/health';
      if (isHealth && !(await options.isReady())) {
        return sendProblem(res, 503, 'Service Unavailable', 'The local stack is still starting.');
      }
      send(res, await options.handler(toEvent(req, body, requestId), lambdaContext(requestId)));
    } catch (e: unknown) {
      // API Gateway answers a crashed integration with a bare 500; so do we, without internals.
      console.error(
        JSON.stringify({ level: 'ERROR', message: 'api handler failed', requestId, error: String(e) }),
      );
      if (!res.headersSent)
        sendProblem(res, 500, 'Internal Server Error', 'The request could not be completed.');
      else res.destroy();
    }
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
