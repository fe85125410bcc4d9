import type { Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { internalError } from '../../../lib/http/problem.ts';

/**
 * Any error a route throws becomes a generic 500 problem: the real cause goes to the log only, so
 * no stack, AWS message or table name ever reaches a client.
 */
export function problemErrors(
  logger: Pick<Logger, 'error'>,
): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyResultV2> {
  return {
    name: 'khulasa-problem-errors',
    onError: (request) => {
      logger.error('api request failed', {
        error: request.error,
        path: request.event.requestContext?.http?.path,
        requestId: request.event.requestContext?.requestId,
      });
      request.response = internalError();
    },
  };
}
