import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { AuthMode } from '../../lib/http/auth-mode.ts';
import { CACHE, JSON_TYPE } from '../../lib/http/headers.ts';
import { type HttpResponse, withEtag } from '../../lib/http/response.ts';

const ifNoneMatch = (event: APIGatewayProxyEventV2): string | undefined => {
  for (const [k, v] of Object.entries(event.headers ?? {})) if (k.toLowerCase() === 'if-none-match') return v;
  return undefined;
};

/**
 * The document and the reader page's files. Each is built or loaded on its first request only
 * (dynamic imports), so the data routes never pay for the JSON Schema generator or the page's
 * strings at run time.
 */
export function staticRoutes(options: { authMode: AuthMode }) {
  let openapi: Promise<string> | undefined;
  const document = (): Promise<string> => {
    if (!openapi) {
      const building = import('./openapi.ts').then((m) =>
        JSON.stringify(m.buildOpenApiDocument({ authMode: options.authMode })),
      );
      // A failed build is retried on the next request rather than cached.
      building.catch(() => {
        openapi = undefined;
      });
      openapi = building;
    }
    return openapi;
  };
  const assets = () => import('./reader/assets.ts');

  return {
    openapi: async (event: APIGatewayProxyEventV2): Promise<HttpResponse> =>
      withEtag(200, await document(), JSON_TYPE, CACHE.static, ifNoneMatch(event)),

    readerPage: async (event: APIGatewayProxyEventV2): Promise<HttpResponse> => {
      const { READER_CSP, READER_HTML } = await assets();
      const response = withEtag(
        200,
        READER_HTML,
        'text/html; charset=utf-8',
        CACHE.static,
        ifNoneMatch(event),
      );
      response.headers['content-security-policy'] = READER_CSP;
      return response;
    },

    readerScript: async (event: APIGatewayProxyEventV2): Promise<HttpResponse> =>
      withEtag(
        200,
        (await assets()).READER_JS,
        'text/javascript; charset=utf-8',
        CACHE.static,
        ifNoneMatch(event),
      ),

    readerStyles: async (event: APIGatewayProxyEventV2): Promise<HttpResponse> =>
      withEtag(200, (await assets()).READER_CSS, 'text/css; charset=utf-8', CACHE.static, ifNoneMatch(event)),

    readerConfig: async (event: APIGatewayProxyEventV2): Promise<HttpResponse> =>
      withEtag(
        200,
        JSON.stringify({ authMode: options.authMode }),
        JSON_TYPE,
        CACHE.static,
        ifNoneMatch(event),
      ),
  };
}
