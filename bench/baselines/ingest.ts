/**
 * Baseline of budget 2 of `npm run bench`: an ingest function that only loads what any summariser of
 * S3 uploads needs — the S3 client, the DocumentClient and the OpenAI SDK — and creates one of
 * each at init, as the real handler does. Bundled with the house esbuild options.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import OpenAI from 'openai';

const s3 = new S3Client({});
const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const openai = new OpenAI({ apiKey: 'sk-baseline', timeout: 10_000, maxRetries: 0 });

export const handler = async (): Promise<{ clients: number }> => ({
  clients: [s3, dynamo, openai].length,
});
