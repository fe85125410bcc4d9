import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * One DocumentClient per container. The endpoint comes from the SDK's own resolution
 * (`AWS_ENDPOINT_URL_DYNAMODB` locally), so there is no local-only code path here.
 */
export function createDocumentClient(): DynamoDBDocumentClient {
  // The SDK sets no request timeout by default: a stalled connection would hold the invocation
  // until the function itself times out. Its retries cover a request cut short here.
  const client = new DynamoDBClient({ requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000 } });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
}
